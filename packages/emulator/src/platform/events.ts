/**
 * Changes the Classroom notification feeds report. Services emit them after their transaction has
 * committed, so a failed request never produces one.
 */
export type ClassroomEvent =
  | {
      kind: 'roster';
      courseId: string;
      userId: string;
      role: 'STUDENT' | 'TEACHER';
      change: 'CREATED' | 'DELETED';
      /** Domain of the course owner, for DOMAIN_ROSTER_CHANGES feeds. */
      domain: string;
      at: number;
    }
  | {
      kind: 'course-work';
      courseId: string;
      courseWorkId: string;
      /** The submission, for changes to one student's work. */
      submissionId?: string;
      change: 'CREATED' | 'MODIFIED' | 'DELETED';
      at: number;
    };

export type EventListener = (event: ClassroomEvent) => void;

/** A small synchronous event bus; listeners must not throw (their errors are contained). */
export class EventBus {
  private readonly listeners = new Set<EventListener>();

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ClassroomEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not fail the request that already committed.
      }
    }
  }
}
