import type { Env } from '../env.js';
import { platformRepos, type FeedType, type RegistrationRow } from '../store/platform-repos.js';
import { pushHostAllowed } from './addresses.js';
import type { ClassroomEvent } from './events.js';
import { IdSource } from './ids.js';

/** The message Classroom publishes for one change, as its `data` decodes. */
export interface ClassroomMessage {
  collection: 'courses.students' | 'courses.teachers' | 'courses.courseWork' | 'courses.courseWork.studentSubmissions';
  eventType: 'CREATED' | 'MODIFIED' | 'DELETED';
  resourceId: { courseId: string; userId?: string; courseWorkId?: string; id?: string };
}

/** One delivery attempt. */
export interface DeliveryAttempt {
  /** Wall-clock time of the attempt: delivery is real network traffic. */
  at: string;
  /** HTTP status the endpoint answered. */
  status?: number;
  /** Why the attempt failed without a status (refused connection, timeout). */
  error?: string;
}

/** One notification, as GET /emulator/v1/notifications shows it. */
export interface NotificationRecord {
  /** The Pub/Sub message id. */
  messageId: string;
  registrationId: string;
  topicName: string;
  /** When the change happened, on the virtual clock. */
  publishTime: string;
  message: ClassroomMessage;
  delivery: {
    /** `no-endpoint`: the topic has no push endpoint; the message is only kept here. */
    state: 'pending' | 'delivered' | 'failed' | 'no-endpoint';
    endpoint?: string;
    attempts: DeliveryAttempt[];
  };
}

/** Filters of GET /emulator/v1/notifications. */
export interface NotificationFilter {
  registrationId?: string;
  topicName?: string;
  courseId?: string;
  collection?: string;
  state?: NotificationRecord['delivery']['state'];
  limit?: number;
}

/** How delivery retries. */
export interface DeliveryOptions {
  /** Attempts per message, the first included. Default 5. */
  maxAttempts?: number;
  /** Wait before the second attempt, doubled after each failure. Default 100 ms. */
  backoffMs?: number;
  /** Per-attempt timeout. Default 5 s. */
  timeoutMs?: number;
}

/** The message and the feeds it belongs to, for one event. */
function describe(event: ClassroomEvent): { message: ClassroomMessage; feeds: FeedType[]; domain?: string } {
  if (event.kind === 'roster') {
    return {
      message: {
        collection: event.role === 'STUDENT' ? 'courses.students' : 'courses.teachers',
        eventType: event.change,
        resourceId: { courseId: event.courseId, userId: event.userId },
      },
      feeds: ['COURSE_ROSTER_CHANGES', 'DOMAIN_ROSTER_CHANGES'],
      domain: event.domain,
    };
  }
  const message: ClassroomMessage =
    event.submissionId !== undefined
      ? {
          collection: 'courses.courseWork.studentSubmissions',
          eventType: event.change,
          resourceId: { courseId: event.courseId, courseWorkId: event.courseWorkId, id: event.submissionId },
        }
      : { collection: 'courses.courseWork', eventType: event.change, resourceId: { courseId: event.courseId, id: event.courseWorkId } };
  return { message, feeds: ['COURSE_WORK_CHANGES'] };
}

/** The default push subscription name for a topic: `projects/<p>/subscriptions/<topic>-push`. */
export function defaultSubscription(topicName: string): string {
  const match = /^projects\/([^/]+)\/topics\/(.+)$/.exec(topicName);
  return match ? `projects/${match[1]}/subscriptions/${match[2]}-push` : `${topicName}-push`;
}

/**
 * Turns committed changes (env.events) into Classroom notifications for every unexpired registration
 * whose feed covers them, keeps them (bounded) for the admin API, and pushes each to its topic's push
 * endpoint in the envelope a Pub/Sub push subscription uses, retrying with exponential backoff.
 *
 * The registrations and topics live in the store, so every process sharing PostgreSQL delivers the
 * changes it commits itself; the kept notifications are this process's.
 *
 * @example
 * ```ts
 * const notifications = new Notifications(env, { maxAttempts: 5, backoffMs: 100 });
 * // … a roster change commits and is emitted on env.events …
 * await notifications.idle();
 * notifications.list({ state: 'delivered' });
 * ```
 */
export class Notifications {
  private records: NotificationRecord[] = [];
  private chain: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<void>>();
  private controller = new AbortController();
  private readonly messageIds = new IdSource(20_240_101);
  private readonly unsubscribe: () => void;
  private readonly delivery: Required<DeliveryOptions>;

  constructor(
    private readonly env: Env,
    options: DeliveryOptions & { capacity?: number; allowPushHosts?: readonly string[] } = {},
  ) {
    this.allowPushHosts = options.allowPushHosts ?? [];
    this.capacity = options.capacity ?? 1000;
    this.delivery = { maxAttempts: options.maxAttempts ?? 5, backoffMs: options.backoffMs ?? 100, timeoutMs: options.timeoutMs ?? 5000 };
    this.unsubscribe = env.events.on((event) => {
      // Events arrive synchronously after a commit; the work is queued so that they are handled in order.
      this.chain = this.chain.then(() => this.handle(event)).catch((error: unknown) => env.log.error({ err: error }, 'notification failed'));
    });
  }

  /** Most notifications kept; the oldest go first. */
  capacity: number;

  /** Hosts beside loopback ones that push endpoints may name; checked when a topic is set and again before sending. */
  readonly allowPushHosts: readonly string[];

  /** Whether a push endpoint may be sent to. */
  endpointAllowed(endpoint: string): boolean {
    try {
      return pushHostAllowed(new URL(endpoint), this.allowPushHosts);
    } catch {
      return false;
    }
  }

  private async handle(event: ClassroomEvent): Promise<void> {
    // Submissions are only ever created along with their course work, and the feed documents that such
    // creations notify for the course work alone.
    if (event.kind === 'course-work' && event.submissionId !== undefined && event.change === 'CREATED') return;
    const { message, feeds, domain } = describe(event);
    const repos = platformRepos(this.env.store.read);
    const registrations = await repos.registrations.matching({
      courseId: event.courseId,
      ...(domain !== undefined ? { domain } : {}),
      feedTypes: feeds,
      at: event.at,
    });
    for (const registration of registrations) await this.publish(registration, message, event.at);
  }

  private async publish(registration: RegistrationRow, message: ClassroomMessage, at: number): Promise<void> {
    const topic = await platformRepos(this.env.store.read).topics.get(registration.topic_name);
    const record: NotificationRecord = {
      messageId: this.messageIds.digits(16),
      registrationId: registration.id,
      topicName: registration.topic_name,
      publishTime: new Date(at).toISOString(),
      message,
      delivery: { state: topic?.push_endpoint ? 'pending' : 'no-endpoint', ...(topic?.push_endpoint ? { endpoint: topic.push_endpoint } : {}), attempts: [] },
    };
    this.records.push(record);
    if (this.records.length > this.capacity) this.records.splice(0, this.records.length - this.capacity);
    if (!topic?.push_endpoint) return;
    const envelope = {
      message: {
        attributes: { registrationId: registration.id },
        data: Buffer.from(JSON.stringify(message)).toString('base64'),
        messageId: record.messageId,
        message_id: record.messageId,
        publishTime: record.publishTime,
        publish_time: record.publishTime,
      },
      subscription: topic.subscription ?? defaultSubscription(topic.name),
    };
    const job = this.deliver(record, topic.push_endpoint, envelope).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  private async deliver(record: NotificationRecord, endpoint: string, envelope: unknown): Promise<void> {
    // A topic row can also arrive by a state import, past the check of the topic endpoint.
    if (!this.endpointAllowed(endpoint)) {
      record.delivery.attempts.push({ at: new Date().toISOString(), error: 'the push endpoint host is not allowed (see --allow-push-host)' });
      record.delivery.state = 'failed';
      return;
    }
    const signal = this.controller.signal;
    for (let attempt = 1; attempt <= this.delivery.maxAttempts && !signal.aborted; attempt++) {
      const entry: DeliveryAttempt = { at: new Date().toISOString() };
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope),
          signal: AbortSignal.any([signal, AbortSignal.timeout(this.delivery.timeoutMs)]),
        });
        await response.arrayBuffer().catch(() => undefined);
        entry.status = response.status;
        record.delivery.attempts.push(entry);
        // Pub/Sub counts 102, 200, 201, 202 and 204 as acknowledgements.
        if ([102, 200, 201, 202, 204].includes(response.status)) {
          record.delivery.state = 'delivered';
          return;
        }
      } catch (error) {
        entry.error = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
        record.delivery.attempts.push(entry);
      }
      if (attempt < this.delivery.maxAttempts) await sleep(this.delivery.backoffMs * 2 ** (attempt - 1), signal);
    }
    record.delivery.state = 'failed';
  }

  /** Kept notifications, oldest first. */
  list(filter: NotificationFilter = {}): NotificationRecord[] {
    const matches = this.records.filter(
      (r) =>
        (filter.registrationId === undefined || r.registrationId === filter.registrationId) &&
        (filter.topicName === undefined || r.topicName === filter.topicName) &&
        (filter.courseId === undefined || r.message.resourceId.courseId === filter.courseId) &&
        (filter.collection === undefined || r.message.collection === filter.collection) &&
        (filter.state === undefined || r.delivery.state === filter.state),
    );
    return structuredClone(matches.slice(Math.max(0, matches.length - (filter.limit ?? 100))));
  }

  /** Resolves once every queued event is handled and every delivery has ended. */
  async idle(): Promise<void> {
    await this.chain;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Forgets kept notifications and stops deliveries in progress (admin reset). */
  async clear(): Promise<void> {
    this.controller.abort();
    await this.idle();
    this.controller = new AbortController();
    this.records = [];
  }

  /** Stops listening and delivering. */
  async close(): Promise<void> {
    this.unsubscribe();
    this.controller.abort();
    await this.idle();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
