import type { Env } from '../../env.js';
import { enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { addOnRole, checkAddOnTeacher, checkGradable, gradeSyncAttachment } from '../../rules/add-ons.js';
import { checkCourseOpen, isViolation } from '../../rules/classwork.js';
import { toHundredths, type HistoryEntry } from '../../rules/submissions.js';
import type { AddOnAttachmentRow } from '../../store/add-on-repos.js';
import type { ClassworkItemRow, StudentSubmissionRow } from '../../store/classwork-repos.js';
import type { Repos } from '../../store/repos.js';
import { readItemMask, withEvents, type Events, type Input } from '../course-work/items.js';
import { checkTarget, openItem, type ItemTarget } from './items.js';
import { toAddOnSubmission } from './schema.js';
import { loadAttachment } from './service.js';

/** The Classroom submission an add-on submission id names: only course work has them. */
async function loadSubmission(repos: Repos, item: ClassworkItemRow, submissionId: string): Promise<StudentSubmissionRow> {
  const row = item.kind === 'COURSE_WORK' ? await repos.classwork.submission(item.id, submissionId) : undefined;
  if (!row) fail('NOT_FOUND', 'Requested entity was not found.');
  return row;
}

/**
 * addOnAttachments.studentSubmissions.get: a teacher reads any student's, a student only their own.
 * The submission id is the Classroom student submission's id, as StudentContext.submissionId gives it.
 */
export async function getAddOnSubmission(env: Env, caller: Caller, target: ItemTarget, attachmentId: string, submissionId: string) {
  checkTarget(target);
  return withEvents(env, async (repos, events) => {
    const opened = await openItem(env, repos, caller, target, events);
    const role = addOnRole(opened.loaded.rel);
    if (isViolation(role)) enforce(role);
    const attachment = await loadAttachment(repos, caller, opened, attachmentId);
    const submission = await loadSubmission(repos, opened.item, submissionId);
    if (role === 'student' && submission.user_id !== caller.user.id) fail('PERMISSION_DENIED', "The caller may not see another student's submission.");
    return toAddOnSubmission(await repos.addOns.submission(attachment.id, submission.id), submission);
  });
}

/**
 * addOnAttachments.studentSubmissions.patch: the teacher's add-on grades the student's work on the
 * attachment (`pointsEarned`; clearing it removes the grade).
 *
 * Grade passback: the attachment's maxPoints is what makes it take grades ("set to a non-zero value
 * to indicate that the attachment supports grade passback"); the grade of the attachment that syncs
 * becomes the Classroom submission's draft grade, recorded in its grade history and notified as a
 * change of the submission, as a teacher's own draft grade would be.
 */
export async function patchAddOnSubmission(env: Env, caller: Caller, target: ItemTarget, attachmentId: string, submissionId: string, updateMask: unknown, input: Input) {
  checkTarget(target);
  readItemMask(updateMask, ['pointsEarned']);
  return withEvents(env, async (repos, events) => {
    const opened = await openItem(env, repos, caller, target, events, true);
    enforce(checkAddOnTeacher(opened.loaded.rel, 'grade add-on attachments'));
    const attachment = await loadAttachment(repos, caller, opened, attachmentId);
    enforce(checkGradable(attachment));
    enforce(checkCourseOpen(opened.loaded.course));
    const submission = await repos.classwork.lockSubmission(opened.item.id, submissionId);
    if (!submission || opened.item.kind !== 'COURSE_WORK') fail('NOT_FOUND', 'Requested entity was not found.');
    let points: number | null = null;
    if (input.pointsEarned !== undefined && input.pointsEarned !== null) {
      const parsed = toHundredths(input.pointsEarned, 'points_earned');
      if (isViolation(parsed)) enforce(parsed);
      points = parsed as number;
    }
    const now = env.clock.now();
    const grade = { attachment_id: attachment.id, submission_id: submission.id, points_earned: points, update_time: now };
    await repos.addOns.putSubmission(grade);
    const synced = await passBack(env, repos, caller, events, opened.item, attachment, submission, points, now);
    return toAddOnSubmission(grade, synced);
  });
}

/** Copies an add-on grade to the Classroom submission when this attachment is the one whose grades sync. */
async function passBack(
  env: Env,
  repos: Repos,
  caller: Caller,
  events: Events,
  work: ClassworkItemRow,
  attachment: AddOnAttachmentRow,
  submission: StudentSubmissionRow,
  points: number | null,
  now: number,
): Promise<StudentSubmissionRow> {
  if (gradeSyncAttachment(await repos.addOns.attachments(work.id))?.id !== attachment.id) return submission;
  if (submission.draft_grade === points) return submission;
  const history = JSON.parse(submission.history) as HistoryEntry[];
  history.push({ kind: 'grade', type: 'DRAFT_GRADE_POINTS_EARNED_CHANGE', at: now, actor: caller.user.id, points, max: work.max_points });
  const patch = { draft_grade: points, update_time: now, history: JSON.stringify(history) };
  await repos.classwork.updateSubmission(submission.id, patch);
  events.push({ kind: 'course-work', courseId: work.course_id, courseWorkId: work.id, submissionId: submission.id, change: 'MODIFIED', at: env.clock.now() });
  return { ...submission, ...patch };
}
