import type { StudentSubmissionRow } from '../store/classwork-repos.js';
import { badField } from './classwork.js';
import { violation, type Verdict, type Violation } from './violation.js';

/** A history entry as stored: one state change or one grade change. */
export type HistoryEntry =
  | { kind: 'state'; state: string; at: number; actor: string }
  | { kind: 'grade'; type: 'DRAFT_GRADE_POINTS_EARNED_CHANGE' | 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE' | 'MAX_POINTS_CHANGE'; at: number; actor: string; points: number | null; max: number | null };

/** States from which the student may turn the work in. */
const TURN_IN_FROM = new Set(['NEW', 'CREATED', 'RECLAIMED_BY_STUDENT', 'RETURNED']);

/** Only the student who owns a submission turns it in, and only once until it is reclaimed or returned. */
export function checkTurnIn(submission: Pick<StudentSubmissionRow, 'state' | 'user_id'>, callerId: string): Verdict {
  if (submission.user_id !== callerId) return violation('PERMISSION_DENIED', 'Only the student who owns the submission can turn it in.');
  if (!TURN_IN_FROM.has(submission.state)) return violation('FAILED_PRECONDITION', `The submission is ${submission.state} and cannot be turned in.`);
  return undefined;
}

/** Only the owning student reclaims, and only work that is turned in. */
export function checkReclaim(submission: Pick<StudentSubmissionRow, 'state' | 'user_id'>, callerId: string): Verdict {
  if (submission.user_id !== callerId) return violation('PERMISSION_DENIED', 'Only the student who owns the submission can reclaim it.');
  if (submission.state !== 'TURNED_IN') return violation('FAILED_PRECONDITION', 'Only a turned-in submission can be reclaimed.');
  return undefined;
}

/** Only teachers return work. */
export function checkReturn(isTeacher: boolean): Verdict {
  if (!isTeacher) return violation('PERMISSION_DENIED', 'Only teachers of the course can return a submission.');
  return undefined;
}

/**
 * Whether the student may change their work (answers, attachments) now: always under MODIFIABLE,
 * otherwise only while it is not turned in.
 */
export function checkStudentEdit(submission: Pick<StudentSubmissionRow, 'state' | 'user_id'>, callerId: string, mode: string | null): Verdict {
  if (submission.user_id !== callerId) return violation('PERMISSION_DENIED', 'Only the student who owns the submission can change its work.');
  if (mode !== 'MODIFIABLE' && submission.state === 'TURNED_IN') {
    return violation('FAILED_PRECONDITION', 'The submission is turned in; reclaim it before changing it.');
  }
  return undefined;
}

/** A grade as stored: non-negative, rounded to hundredths. */
export function toHundredths(value: unknown, field: string): number | Violation {
  if (typeof value !== 'number' || !Number.isFinite(value)) return badField(field, 'A grade must be a number.');
  if (value < 0) return badField(field, 'A grade must not be negative.');
  return Math.round(value * 100);
}

/**
 * Whether a submission is late: work turned in counts by when it was turned in, work not turned in
 * by the current time.
 */
export function isLate(submission: Pick<StudentSubmissionRow, 'state' | 'turned_in_at'>, dueAt: number | null, now: number): boolean {
  if (dueAt === null) return false;
  const handedIn = submission.turned_in_at !== null && (submission.state === 'TURNED_IN' || submission.state === 'RETURNED');
  return handedIn ? submission.turned_in_at! > dueAt : now > dueAt;
}

/** The history a student may see: no draft grades, and assigned grades only up to the last return. */
export function historyForStudent(entries: readonly HistoryEntry[], returnedAt: number | null): HistoryEntry[] {
  return entries.filter((e) => e.kind === 'state' || (e.type !== 'DRAFT_GRADE_POINTS_EARNED_CHANGE' && returnedAt !== null && e.at <= returnedAt));
}
