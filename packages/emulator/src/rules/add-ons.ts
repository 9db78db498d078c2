import type { ClassworkItemRow, ItemKind } from '../store/classwork-repos.js';
import type { AddOnAttachmentRow, AddOnTokenRow } from '../store/add-on-repos.js';
import { badField, dueMoment, isViolation, type DateInput, type TimeInput } from './classwork.js';
import type { CourseRelation } from './courses.js';
import { violation, type Verdict, type Violation } from './violation.js';

/*
 * Rules of Classroom add-ons, from the AddOnAttachment, EmbedUri and AddOnContext schemas and the
 * addOnAttachments / getAddOnContext method descriptions of the discovery document. Each returns a
 * catalog failure; none reads the clock or the store.
 */

/** AddOnAttachment.title: "between 1 and 1000 characters". */
export const MAX_ADD_ON_TITLE = 1000;
/** EmbedUri.uri: "between 1 and 1800 characters". */
export const MAX_EMBED_URI = 1800;
/** list: "at most 20 attachments will be returned. The maximum value is 20". */
export const MAX_ADD_ON_PAGE = 20;

/** The `itemType` an iframe receives for each kind of stream item. */
export const ITEM_TYPES: Readonly<Record<ItemKind, string>> = {
  ANNOUNCEMENT: 'announcements',
  COURSE_WORK: 'courseWork',
  MATERIAL: 'courseWorkMaterials',
};

/** The request field prefix of an AddOnAttachment body. */
const P = 'add_on_attachment';

/** A checked attachment body: what create stores, and what a patch may take part of. */
export interface AttachmentFields {
  title?: string;
  teacherViewUri?: string;
  studentViewUri?: string;
  /** null: removed. */
  studentWorkReviewUri?: string | null;
  dueDate?: DateInput | null;
  dueTime?: TimeInput | null;
  /** null: cleared. */
  maxPoints?: number | null;
}

/** Title: required, 1 to 1000 characters. */
export function checkAddOnTitle(value: unknown): Verdict {
  if (typeof value !== 'string' || value === '') return badField(`${P}.title`, 'An add-on attachment needs a title.');
  if ([...value].length > MAX_ADD_ON_TITLE) return badField(`${P}.title`, `The title is longer than ${MAX_ADD_ON_TITLE} characters.`);
  return undefined;
}

/**
 * An EmbedUri: 1 to 1800 characters, an absolute http(s) URI, starting with one of the add-on's
 * allowed attachment URI prefixes (the Marketplace SDK setting Classroom checks attachment URIs against).
 */
export function checkEmbedUri(value: unknown, field: string, prefixes: readonly string[], required: boolean): string | undefined | Violation {
  const uri = (value as { uri?: unknown } | null | undefined)?.uri;
  if (uri === undefined || uri === null || uri === '') {
    return required ? badField(`${P}.${field}.uri`, `${field} needs a uri.`) : undefined;
  }
  if (typeof uri !== 'string') return badField(`${P}.${field}.uri`, 'A uri must be text.');
  if ([...uri].length > MAX_EMBED_URI) return badField(`${P}.${field}.uri`, `The uri is longer than ${MAX_EMBED_URI} characters.`);
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return badField(`${P}.${field}.uri`, `"${uri}" is not an absolute URI.`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return badField(`${P}.${field}.uri`, 'An attachment URI must use https.');
  if (!prefixes.some((prefix) => uri.startsWith(prefix))) {
    return badField(`${P}.${field}.uri`, `"${uri}" does not start with any of the add-on's allowed attachment URI prefixes.`);
  }
  return uri;
}

/** maxPoints: a non-negative whole number; only with a studentWorkReviewUri. */
export function checkMaxPoints(value: unknown, hasReviewUri: boolean): number | null | Violation {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || !Number.isInteger(value)) {
    return badField(`${P}.max_points`, 'maxPoints must be a non-negative whole number.');
  }
  if (value > 0 && !hasReviewUri) return badField(`${P}.max_points`, 'maxPoints can only be set on an attachment with a studentWorkReviewUri.');
  return value;
}

/**
 * The due date and time of an attachment: each needs the other, and they must name a real moment.
 * Returns the field names of the shared classwork rule rewritten to the attachment's.
 */
export function checkAttachmentDue(date: unknown, time: unknown): Verdict {
  const at = dueMoment((date ?? undefined) as DateInput | undefined, (time ?? undefined) as TimeInput | undefined);
  if (!isViolation(at)) return undefined;
  const fieldViolations = at.fieldViolations?.map((v) => ({ ...v, field: v.field.replace(/^course_work\./, `${P}.`) }));
  return { ...at, ...(fieldViolations ? { fieldViolations } : {}) };
}

/**
 * Student work (a review URI, grades) exists only on course work: announcements and materials have no
 * submissions, so AddOnContext.supportsStudentWork is false for them.
 */
export function supportsStudentWork(item: Pick<ClassworkItemRow, 'kind'>): boolean {
  return item.kind === 'COURSE_WORK';
}

/**
 * Differs from production: the reference does not say what happens to a review URI on an item
 * without student work; the emulator refuses it, since nothing could ever be reviewed.
 */
export function checkStudentWorkAllowed(item: Pick<ClassworkItemRow, 'kind'>, fields: Pick<AttachmentFields, 'studentWorkReviewUri' | 'maxPoints'>): Verdict {
  if (supportsStudentWork(item)) return undefined;
  if (fields.studentWorkReviewUri) return badField(`${P}.student_work_review_uri`, 'Only course work has student work to review.');
  if (fields.maxPoints) return badField(`${P}.max_points`, 'Only course work takes grades.');
  return undefined;
}

/** The path says the item one way and the deprecated `postId` (or `itemId`) another. */
export function checkSameItem(pathId: string, otherId: string | undefined, otherField: 'post_id' | 'item_id'): Verdict {
  if (otherId === undefined || otherId === '' || otherId === pathId) return undefined;
  return badField(otherField, `${otherField} names ${otherId}, but the path names ${pathId}; give one item.`);
}

/** The caller's project must be registered as an add-on. */
export function checkRegistered(registered: boolean, projectId: string): Verdict {
  if (registered) return undefined;
  return violation('PERMISSION_DENIED', `The Cloud project ${projectId} is not registered as a Classroom add-on.`);
}

/**
 * An addOnToken authorises one user of one add-on on one item: any other use of it is an access error.
 */
export function checkAddOnToken(token: AddOnTokenRow | undefined, expect: { projectId: string; userId: string; courseId: string; itemId: string }): Verdict {
  if (!token) return violation('PERMISSION_DENIED', 'The add-on token is not valid.');
  if (token.project_id !== expect.projectId || token.user_id !== expect.userId || token.course_id !== expect.courseId || token.item_id !== expect.itemId) {
    return violation('PERMISSION_DENIED', 'The add-on token was issued for another add-on, user or item.');
  }
  return undefined;
}

/**
 * create: "required for in-Classroom attachment creation but optional for partner-first attachment
 * creation" — without a token, the add-on must be the project that created the item.
 */
export function checkCreateAuthority(hasToken: boolean, itemProjectId: string, callerProjectId: string): Verdict {
  if (hasToken || itemProjectId === callerProjectId) return undefined;
  return violation(
    'ProjectPermissionDenied',
    'The item was created by another Cloud project; an add-on may attach to it only with the addOnToken its iframe received.',
  );
}

/**
 * getAddOnContext: the token is needed unless the add-on already has attachments on the item or
 * created the item itself.
 */
export function checkContextAuthority(hasToken: boolean, hasAttachments: boolean, itemProjectId: string, callerProjectId: string): Verdict {
  if (hasToken || hasAttachments || itemProjectId === callerProjectId) return undefined;
  return violation('PERMISSION_DENIED', 'An addOnToken is required: this add-on has no attachments on the item and did not create it.');
}

/** list: the add-on needs attachments on the item, or the right to create them (it created the item). */
export function checkListAuthority(hasAttachments: boolean, itemProjectId: string, callerProjectId: string): Verdict {
  if (hasAttachments || itemProjectId === callerProjectId) return undefined;
  return violation('PERMISSION_DENIED', 'This add-on has no attachments on the item and may not create any.');
}

/** get, patch, delete and the submissions: only the add-on that created the attachment. */
export function checkAttachmentOwner(attachment: Pick<AddOnAttachmentRow, 'project_id'>, callerProjectId: string): Verdict {
  if (attachment.project_id === callerProjectId) return undefined;
  return violation('ProjectPermissionDenied', 'The attachment was created by another add-on; only that add-on can use it.');
}

/** The caller's role for an add-on's iframe: teachers and students of the course, nobody else. */
export function addOnRole(rel: CourseRelation): 'teacher' | 'student' | Violation {
  if (rel.owner || rel.teacher) return 'teacher';
  if (rel.student) return 'student';
  return violation('PERMISSION_DENIED', 'Only teachers and students of the course can use its add-ons.');
}

/** Changing attachments and grading them is for teachers. */
export function checkAddOnTeacher(rel: CourseRelation, action: string): Verdict {
  if (rel.owner || rel.teacher) return undefined;
  return violation('PERMISSION_DENIED', `Only teachers of the course can ${action}.`);
}

/** studentSubmissions.patch: "the attachment to have a positive max_points value set". */
export function checkGradable(attachment: Pick<AddOnAttachmentRow, 'max_points'>): Verdict {
  if (attachment.max_points !== null && attachment.max_points > 0) return undefined;
  return badField('points_earned', 'The attachment takes no grades: its maxPoints is not positive.');
}

/** A clamped page size for list: unset or 0 is 20, more than 20 becomes 20. */
export function addOnPageSize(asked: number): number {
  return asked <= 0 ? MAX_ADD_ON_PAGE : Math.min(asked, MAX_ADD_ON_PAGE);
}

/**
 * Which attachment's grades reach the Classroom submission: the oldest one that takes grades.
 *
 * Differs from production: there a teacher picks the attachment whose grades sync in Classroom's
 * interface; the API cannot choose, so the emulator syncs the first attachment created with positive
 * maxPoints.
 */
export function gradeSyncAttachment<T extends Pick<AddOnAttachmentRow, 'id' | 'max_points' | 'creation_time'>>(attachments: readonly T[]): T | undefined {
  return [...attachments].filter((a) => a.max_points !== null && a.max_points > 0).sort((a, b) => a.creation_time - b.creation_time || (a.id < b.id ? -1 : 1))[0];
}
