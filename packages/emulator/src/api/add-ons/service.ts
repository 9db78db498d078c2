import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import {
  addOnPageSize,
  addOnRole,
  checkAddOnTeacher,
  checkAddOnTitle,
  checkAddOnToken,
  checkAttachmentDue,
  checkAttachmentOwner,
  checkContextAuthority,
  checkCreateAuthority,
  checkEmbedUri,
  checkListAuthority,
  checkMaxPoints,
  checkStudentWorkAllowed,
  supportsStudentWork,
} from '../../rules/add-ons.js';
import { checkCourseOpen, isViolation } from '../../rules/classwork.js';
import type { Violation } from '../../rules/violation.js';
import type { AddOnAttachmentRow, AddOnRow } from '../../store/add-on-repos.js';
import type { Repos } from '../../store/repos.js';
import { ensureSubmissions, readItemMask, withEvents, type Input } from '../course-work/items.js';
import { finishPage, type Page } from '../paging.js';
import { markOpened } from '../student-submissions/service.js';
import { checkTarget, openItem, type ItemTarget, type OpenedItem } from './items.js';
import { toAddOnAttachment, type AddOnAttachment } from './schema.js';

/** Fields a teacher may name in a patch's update mask (camelCase; snake_case is accepted too). */
const PATCHABLE = ['title', 'teacherViewUri', 'studentViewUri', 'studentWorkReviewUri', 'dueDate', 'dueTime', 'maxPoints'];

function prefixesOf(addOn: AddOnRow): string[] {
  return JSON.parse(addOn.attachment_uri_prefixes) as string[];
}

/** The result of a rule that returns a value or a violation: the value, or the request fails. */
function value<T>(result: T | Violation): T {
  if (isViolation(result)) enforce(result);
  return result as T;
}

/** Loads an attachment of the item that the calling add-on created: NOT_FOUND, then ProjectPermissionDenied. */
export async function loadAttachment(repos: Repos, caller: Caller, opened: OpenedItem, attachmentId: string): Promise<AddOnAttachmentRow> {
  const attachment = await repos.addOns.attachment(opened.item.id, attachmentId);
  if (!attachment) fail('NOT_FOUND', 'Requested entity was not found.');
  enforce(checkAttachmentOwner(attachment, caller.project.id));
  return attachment;
}

/** Checks the due date and time as they will stand, and returns their stored form. */
function due(date: unknown, time: unknown): Pick<AddOnAttachmentRow, 'due_date' | 'due_time'> {
  enforce(checkAttachmentDue(date, time));
  return { due_date: date ? JSON.stringify(date) : null, due_time: time ? JSON.stringify(time) : null };
}

/**
 * courses.{courseWork,courseWorkMaterials,announcements,posts}.addOnAttachments.create: a teacher's
 * add-on attaches to an item, with the iframe's addOnToken, or without one to an item it created.
 */
export async function createAttachment(env: Env, caller: Caller, target: ItemTarget, addOnToken: string | undefined, input: Input): Promise<AddOnAttachment> {
  checkTarget(target);
  return withEvents(env, async (repos, events) => {
    // The item's row lock orders concurrent creations on one item.
    const opened = await openItem(env, repos, caller, target, events, true);
    const { loaded, item, addOn } = opened;
    enforce(checkAddOnTeacher(loaded.rel, 'attach add-ons'));
    enforce(checkCourseOpen(loaded.course));
    if (addOnToken !== undefined && addOnToken !== '') {
      enforce(checkAddOnToken(await repos.addOns.token(addOnToken), { projectId: caller.project.id, userId: caller.user.id, courseId: loaded.course.id, itemId: item.id }));
    }
    enforce(checkCreateAuthority(Boolean(addOnToken), item.project_id, caller.project.id));

    const prefixes = prefixesOf(addOn);
    enforce(checkAddOnTitle(input.title));
    const teacherViewUri = value(checkEmbedUri(input.teacherViewUri, 'teacher_view_uri', prefixes, true))!;
    const studentViewUri = value(checkEmbedUri(input.studentViewUri, 'student_view_uri', prefixes, true))!;
    const reviewUri = value(checkEmbedUri(input.studentWorkReviewUri, 'student_work_review_uri', prefixes, false)) ?? null;
    const maxPoints = value(checkMaxPoints(input.maxPoints, reviewUri !== null));
    enforce(checkStudentWorkAllowed(item, { studentWorkReviewUri: reviewUri, maxPoints }));
    const now = env.clock.now();
    const row: AddOnAttachmentRow = {
      id: env.ids.text(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'),
      course_id: loaded.course.id,
      item_id: item.id,
      project_id: caller.project.id,
      title: input.title as string,
      teacher_view_uri: teacherViewUri,
      student_view_uri: studentViewUri,
      student_work_review_uri: reviewUri,
      ...due(input.dueDate, input.dueTime),
      max_points: maxPoints,
      copy_history: '[]',
      creation_time: now,
      update_time: now,
    };
    await repos.addOns.insertAttachment(row);
    return toAddOnAttachment(row);
  });
}

/** addOnAttachments.get: the add-on that created the attachment, as a teacher or a student who sees the item. */
export async function getAttachment(env: Env, caller: Caller, target: ItemTarget, attachmentId: string): Promise<AddOnAttachment> {
  checkTarget(target);
  return withEvents(env, async (repos, events) => {
    const opened = await openItem(env, repos, caller, target, events);
    value(addOnRole(opened.loaded.rel));
    return toAddOnAttachment(await loadAttachment(repos, caller, opened, attachmentId));
  });
}

/** addOnAttachments.list: the calling add-on's attachments on the item, 20 at most per page. */
export async function listAttachments(env: Env, caller: Caller, target: ItemTarget, page: Page) {
  checkTarget(target);
  const size = addOnPageSize(page.pageSize);
  const window = { offset: page.window.offset, limit: size + 1 };
  return withEvents(env, async (repos, events) => {
    const { loaded, item } = await openItem(env, repos, caller, target, events);
    value(addOnRole(loaded.rel));
    const rows = await repos.addOns.attachments(item.id, caller.project.id);
    enforce(checkListAuthority(rows.length > 0, item.project_id, caller.project.id));
    const { items, nextPageToken } = finishPage({ ...page, pageSize: size, window }, rows.slice(window.offset, window.offset + window.limit));
    return { ...(items.length > 0 ? { addOnAttachments: items.map(toAddOnAttachment) } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
  });
}

/**
 * addOnAttachments.patch: the fields named in the update mask. Title and the two view URIs cannot be
 * emptied; the review URI, due date and time and maxPoints can, and removing the review URI also
 * drops maxPoints, as the reference says.
 */
export async function patchAttachment(env: Env, caller: Caller, target: ItemTarget, attachmentId: string, updateMask: unknown, input: Input): Promise<AddOnAttachment> {
  checkTarget(target);
  const fields = readItemMask(updateMask, PATCHABLE);
  return withEvents(env, async (repos, events) => {
    const opened = await openItem(env, repos, caller, target, events, true);
    const { loaded, item, addOn } = opened;
    enforce(checkAddOnTeacher(loaded.rel, 'change add-on attachments'));
    const current = await loadAttachment(repos, caller, opened, attachmentId);
    enforce(checkCourseOpen(loaded.course));
    const prefixes = prefixesOf(addOn);
    const patch: Partial<AddOnAttachmentRow> = {};
    for (const field of fields) {
      switch (field) {
        case 'title':
          enforce(checkAddOnTitle(input.title));
          patch.title = input.title as string;
          break;
        case 'teacherViewUri':
          patch.teacher_view_uri = value(checkEmbedUri(input.teacherViewUri, 'teacher_view_uri', prefixes, true))!;
          break;
        case 'studentViewUri':
          patch.student_view_uri = value(checkEmbedUri(input.studentViewUri, 'student_view_uri', prefixes, true))!;
          break;
        case 'studentWorkReviewUri':
          patch.student_work_review_uri = value(checkEmbedUri(input.studentWorkReviewUri, 'student_work_review_uri', prefixes, false)) ?? null;
          break;
        case 'maxPoints':
          patch.max_points = value(checkMaxPoints(input.maxPoints, true));
          break;
        default:
          // dueDate and dueTime travel together: one in the mask takes the request's value (absent
          // clears it), the other keeps the stored one.
          Object.assign(
            patch,
            due(
              fields.includes('dueDate') ? input.dueDate : current.due_date ? JSON.parse(current.due_date) : undefined,
              fields.includes('dueTime') ? input.dueTime : current.due_time ? JSON.parse(current.due_time) : undefined,
            ),
          );
      }
    }
    const next = { ...current, ...patch };
    // "If the URI is omitted or removed, max_points will also be discarded."
    if (fields.includes('studentWorkReviewUri') && next.student_work_review_uri === null && !fields.includes('maxPoints')) next.max_points = patch.max_points = null;
    value(checkMaxPoints(next.max_points, next.student_work_review_uri !== null));
    enforce(checkStudentWorkAllowed(item, { studentWorkReviewUri: next.student_work_review_uri, maxPoints: next.max_points }));
    next.update_time = patch.update_time = env.clock.now();
    await repos.addOns.updateAttachment(current.id, patch);
    return toAddOnAttachment(next);
  });
}

/** addOnAttachments.delete: the add-on that created the attachment, through a teacher. */
export async function deleteAttachment(env: Env, caller: Caller, target: ItemTarget, attachmentId: string): Promise<Record<string, never>> {
  checkTarget(target);
  return withEvents(env, async (repos, events) => {
    const opened = await openItem(env, repos, caller, target, events, true);
    enforce(checkAddOnTeacher(opened.loaded.rel, 'remove add-on attachments'));
    const attachment = await loadAttachment(repos, caller, opened, attachmentId);
    enforce(checkCourseOpen(opened.loaded.course));
    await repos.addOns.deleteAttachment(attachment.id);
    return {};
  });
}

/**
 * getAddOnContext: what an add-on's iframe checks on opening — the caller's role (teacherContext or
 * studentContext), whether the item has student work, and for a student the submission id that grade
 * passback and the teacher's review iframe use.
 */
export async function getAddOnContext(env: Env, caller: Caller, target: ItemTarget, addOnToken: string | undefined, attachmentId: string | undefined) {
  checkTarget(target);
  const hasToken = addOnToken !== undefined && addOnToken !== '';
  // Only the Attachment Discovery iframe (the one that receives an addOnToken) opens without an attachment.
  if (!hasToken && (attachmentId === undefined || attachmentId === '')) {
    invalidArgument('attachmentId is required outside the Attachment Discovery iframe.', 'attachment_id');
  }
  return withEvents(env, async (repos, events) => {
    const opened = await openItem(env, repos, caller, target, events);
    const { loaded, item } = opened;
    const role = value(addOnRole(loaded.rel));
    if (hasToken) {
      enforce(checkAddOnToken(await repos.addOns.token(addOnToken), { projectId: caller.project.id, userId: caller.user.id, courseId: loaded.course.id, itemId: item.id }));
    }
    const mine = await repos.addOns.attachments(item.id, caller.project.id);
    enforce(checkContextAuthority(hasToken, mine.length > 0, item.project_id, caller.project.id));
    if (attachmentId) await loadAttachment(repos, caller, opened, attachmentId);
    const studentWork = supportsStudentWork(item);
    const base = { courseId: loaded.course.id, itemId: item.id, postId: item.id, supportsStudentWork: studentWork };
    if (role === 'teacher') return { ...base, teacherContext: {} };
    if (!studentWork) return { ...base, studentContext: {} };
    await ensureSubmissions(env, repos, [item], events, new Set([caller.user.id]));
    const [submission] = await repos.classwork.submissions([item.id], caller.user.id);
    if (!submission) return { ...base, studentContext: {} };
    // The student reached the add-on from the work in Classroom, so the work counts as opened.
    await markOpened(env, repos, caller, loaded, item, submission);
    return { ...base, studentContext: { submissionId: submission.id } };
  });
}
