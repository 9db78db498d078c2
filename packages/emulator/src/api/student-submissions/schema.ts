import { historyForStudent, isLate, type HistoryEntry } from '../../rules/submissions.js';
import type { ClassworkItemRow, StudentSubmissionRow } from '../../store/classwork-repos.js';
import { b64, compact } from '../course-work/items.js';

/** Who is looking at a submission. */
export interface SubmissionView {
  callerProjectId: string;
  /** Teachers and admins see draft grades, unreleased grades and the whole grade history. */
  privileged: boolean;
  now: number;
}

const points = (hundredths: number | null): number | undefined => (hundredths === null ? undefined : hundredths / 100);

function historyEntry(entry: HistoryEntry) {
  if (entry.kind === 'state') {
    return { stateHistory: { state: entry.state, stateTimestamp: new Date(entry.at).toISOString(), actorUserId: entry.actor } };
  }
  return {
    gradeHistory: compact({
      pointsEarned: points(entry.points),
      maxPoints: points(entry.max),
      gradeTimestamp: new Date(entry.at).toISOString(),
      actorUserId: entry.actor,
      gradeChangeType: entry.type,
    }),
  };
}

/**
 * Maps a submission row to the StudentSubmission resource. A student never sees the draft grade, and
 * sees the assigned grade only as it stood when the work was last returned.
 */
export function toSubmission(row: StudentSubmissionRow, work: ClassworkItemRow, view: SubmissionView) {
  const entries = JSON.parse(row.history) as HistoryEntry[];
  const history = (view.privileged ? entries : historyForStudent(entries, row.returned_at)).map(historyEntry);
  const attachments = JSON.parse(row.attachments) as unknown[];
  const fresh = row.state === 'NEW';
  return compact({
    courseId: row.course_id,
    courseWorkId: row.course_work_id,
    id: row.id,
    userId: row.user_id,
    creationTime: row.creation_time !== null ? new Date(row.creation_time).toISOString() : undefined,
    updateTime: row.update_time !== null ? new Date(row.update_time).toISOString() : undefined,
    state: row.state,
    late: isLate(row, work.due_at, view.now) ? true : undefined,
    draftGrade: view.privileged ? points(row.draft_grade) : undefined,
    assignedGrade: points(view.privileged ? row.assigned_grade : row.released_grade),
    alternateLink: `https://classroom.google.com/c/${b64(row.course_id)}/a/${b64(row.course_work_id)}/submissions/by-status/and-sort-last-name/student/${b64(row.user_id)}`,
    courseWorkType: work.work_type,
    associatedWithDeveloper: work.project_id === view.callerProjectId ? true : undefined,
    submissionHistory: history.length > 0 ? history : undefined,
    assignmentSubmission: work.work_type === 'ASSIGNMENT' && !fresh ? (attachments.length > 0 ? { attachments } : {}) : undefined,
    shortAnswerSubmission: work.work_type === 'SHORT_ANSWER_QUESTION' && !fresh && row.answer !== null ? { answer: row.answer } : undefined,
    multipleChoiceSubmission: work.work_type === 'MULTIPLE_CHOICE_QUESTION' && !fresh && row.answer !== null ? { answer: row.answer } : undefined,
  });
}

/** The StudentSubmission resource type. */
export type StudentSubmission = ReturnType<typeof toSubmission>;
