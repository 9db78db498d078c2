import type { Limits } from '../platform/limits.js';
import type { CourseRow, UserRow } from '../store/schema.js';
import { violation, type Verdict } from './violation.js';

/** The text fields of a Course and their longest allowed length, in characters (schemas.Course). */
export const COURSE_TEXT_LIMITS = [
  ['name', 'course.name', 750],
  ['section', 'course.section', 2800],
  ['descriptionHeading', 'course.description_heading', 3600],
  ['description', 'course.description', 30000],
  ['room', 'course.room', 650],
] as const;

/**
 * Checks the lengths the Course schema gives its text fields. Only fields present in `input` are
 * checked; characters are counted as code points.
 */
export function checkCourseTexts(input: Readonly<Record<string, unknown>>): Verdict {
  for (const [field, path, max] of COURSE_TEXT_LIMITS) {
    const value = input[field];
    if (typeof value === 'string' && [...value].length > max) {
      return violation('INVALID_ARGUMENT', `The course ${field} is longer than ${max} characters.`, {
        fieldViolations: [{ field: path, description: `The course ${field} is longer than ${max} characters.` }],
      });
    }
  }
  return undefined;
}

/** Course states in which nothing but the state itself may change. */
const FROZEN_STATES = new Set(['ARCHIVED', 'DECLINED', 'SUSPENDED']);

/** States a course may be created in. */
export const CREATABLE_STATES = new Set(['PROVISIONED', 'ACTIVE']);

/** Which state may follow which, per the Course resource's reference. */
const TRANSITIONS: Record<string, readonly string[]> = {
  PROVISIONED: ['ACTIVE', 'DECLINED'],
  DECLINED: ['PROVISIONED'],
  ACTIVE: ['ARCHIVED'],
  ARCHIVED: ['ACTIVE'],
  // A suspended course is held by Google for a terms-of-service review: no API call moves it.
  SUSPENDED: [],
};

/** True when a user is an active Google account. */
export function isActive(user: UserRow | undefined): user is UserRow {
  return user !== undefined && user.state === 'ACTIVE';
}

/** A course title may not carry a link (production rejects anything that looks like a URL). */
export function checkTitle(name: string | null | undefined): Verdict {
  if (name && /(https?:\/\/|www\.)\S+|\b[a-z0-9-]+\.(com|org|net|edu|io|gov|co)(\/\S*)?\b/i.test(name)) {
    return violation('CourseTitleCannotContainUrl', 'The course title must not contain a URL.');
  }
  return undefined;
}

/**
 * Who may own a new course: a non-admin only themselves; an admin any active user of their domain.
 * `owner` is undefined when the reference matched nobody.
 */
export function checkNewOwner(caller: UserRow, owner: UserRow | undefined, ownerRef: string): Verdict {
  const admin = caller.is_admin === 1;
  if (!admin && owner?.id !== caller.id) {
    return violation('UserCannotOwnCourse', `The requesting user may only create courses that they own themselves, not ones owned by ${ownerRef}.`);
  }
  if (!owner) return violation('UserCannotOwnCourse', `No user ${ownerRef} exists to own the course.`);
  if (owner.domain !== caller.domain) {
    return violation('UserCannotOwnCourse', `${owner.email} is outside the domain ${caller.domain} and cannot own its courses.`);
  }
  if (owner.state !== 'ACTIVE') return violation('FAILED_PRECONDITION', "The course owner's account is disabled.");
  return undefined;
}

/**
 * A user may join one more group (a course) only below the direct-membership limit; memberships
 * held outside Classroom count too.
 */
export function checkGroupMemberships(user: UserRow, courseMemberships: number, limits: Limits): Verdict {
  if (user.group_memberships + courseMemberships >= limits.userGroupMemberships) {
    return violation(
      'UserGroupsMembershipLimitReached',
      `${user.email} is already a member of ${limits.userGroupMemberships} groups, the most an account may join.`,
    );
  }
  return undefined;
}

/** The state a course is effectively in for changes: a deleted owner makes it inactive. */
export function checkOwnerActive(owner: UserRow | undefined): Verdict {
  if (!isActive(owner)) {
    return violation('InactiveCourseOwner', "The course owner's account is no longer active; the owner's administrator must restore it first.");
  }
  return undefined;
}

/**
 * Whether a change to a course is allowed in its current state. A change of `courseState` may travel
 * with other fields: the rule looks at the state the course is moving to.
 */
export function checkModifiable(course: CourseRow, changedFields: readonly string[], newState: string | undefined): Verdict {
  const otherFields = changedFields.filter((f) => f !== 'courseState');
  if (course.course_state === 'SUSPENDED') {
    return violation('CourseNotModifiable', 'The course is suspended and cannot be changed.');
  }
  if (newState !== undefined && newState !== course.course_state) {
    const allowed = TRANSITIONS[course.course_state] ?? [];
    if (!allowed.includes(newState)) {
      return violation('FAILED_PRECONDITION', `A course cannot move from ${course.course_state} to ${newState}.`);
    }
  }
  const effective = newState ?? course.course_state;
  if (otherFields.length > 0 && FROZEN_STATES.has(effective)) {
    return violation('CourseNotModifiable', `The course is ${effective}; only its state can be changed.`);
  }
  return undefined;
}

/** Whether a course accepts new members at all (rosters follow the course's state). */
export function checkAcceptsMembers(course: CourseRow): Verdict {
  if (FROZEN_STATES.has(course.course_state)) {
    return violation('CourseNotModifiable', `The course is ${course.course_state} and cannot take new members.`);
  }
  return undefined;
}

/** Roles a user can have towards a course. */
export interface CourseRelation {
  owner: boolean;
  teacher: boolean;
  student: boolean;
  /** A domain admin of the owner's domain. */
  admin: boolean;
}

/** Whether the caller may see the course. */
export function canView(course: CourseRow, rel: CourseRelation): boolean {
  if (course.course_state === 'SUSPENDED') return rel.owner || rel.admin;
  return rel.owner || rel.teacher || rel.student || rel.admin;
}

/** Whether the caller may change the course's settings. */
export function canEdit(rel: CourseRelation): boolean {
  return rel.owner || rel.teacher || rel.admin;
}

/**
 * Whether an ownership change can start: the new owner must already teach the course, and no other
 * ownership transfer may be waiting for its invitee.
 */
export function checkOwnerChange(
  course: CourseRow,
  newOwner: UserRow | undefined,
  newOwnerIsTeacher: boolean,
  pendingOwnerInvitation: boolean,
): Verdict {
  if (newOwner?.id === course.owner_id) return undefined;
  if (pendingOwnerInvitation) {
    return violation('PendingInvitationExists', 'An ownership transfer invitation for this course is still pending.');
  }
  if (!newOwner || !newOwnerIsTeacher) {
    return violation('IneligibleOwner', 'The new owner must already be a teacher of the course.');
  }
  if (!isActive(newOwner)) return violation('IneligibleOwner', 'The new owner account is not active.');
  return undefined;
}

/** The Drive folder owner right now: the previous owner until a transfer has completed. */
export function folderOwnerAt(course: CourseRow, now: number): string {
  if (course.transfer_from_id && course.transfer_done_at !== null && course.transfer_done_at > now) {
    return course.teacher_folder_owner_id ?? course.transfer_from_id;
  }
  return course.teacher_folder_owner_id ?? course.owner_id;
}

/** True while an ownership transfer away from `userId` is still running. */
export function transferInProgressFrom(course: CourseRow, userId: string, now: number): boolean {
  return course.transfer_from_id === userId && course.transfer_done_at !== null && course.transfer_done_at > now;
}

/**
 * Who may move a course between states: the owner and domain admins. The Course reference gives the
 * primary teacher and administrators the PROVISIONED → ACTIVE / DECLINED step; co-teachers keep every
 * other edit.
 */
export function checkStateChanger(rel: CourseRelation): Verdict {
  if (rel.owner || rel.admin) return undefined;
  return violation('PERMISSION_DENIED', 'Only the course owner or a domain administrator can change the state of the course.');
}

/** The longest alias the reference allows, prefix included. */
export const MAX_ALIAS_LENGTH = 256;

/** The two alias scopes: `d:` unique in a domain, `p:` unique in a Cloud project. */
export type AliasScope = 'domain' | 'project';

/**
 * Reads an alias: `d:name` or `p:name`, at most 256 characters. Returns its scope, or undefined
 * when the text is not an alias at all (the caller reports INVALID_ARGUMENT).
 */
export function aliasScope(alias: string): AliasScope | undefined {
  if (alias.length > MAX_ALIAS_LENGTH) return undefined;
  const match = /^([dp]):([\w.\-~]+)$/.exec(alias);
  if (!match) return undefined;
  return match[1] === 'd' ? 'domain' : 'project';
}

/**
 * Whether the caller may create or delete an alias of a course. A domain alias belongs to the course
 * owner's domain and only that domain's admins manage it; a caller from another domain asks for
 * something that makes no sense (FAILED_PRECONDITION). Project aliases are managed by anyone who may
 * edit the course.
 */
export function checkAliasManager(
  scope: AliasScope,
  caller: Pick<UserRow, 'domain' | 'is_admin'>,
  ownerDomain: string,
  rel: CourseRelation,
): Verdict {
  if (scope === 'domain') {
    if (caller.domain !== ownerDomain) {
      return violation('FAILED_PRECONDITION', `A domain alias of this course belongs to ${ownerDomain}; users of ${caller.domain} cannot manage it.`);
    }
    if (!(caller.is_admin === 1)) return violation('PERMISSION_DENIED', 'Only a domain administrator can manage domain aliases.');
    return undefined;
  }
  // Modelling decision: the reference lets "any project" create project aliases but does not say which
  // users; the emulator asks for the right to edit the course, so a student cannot re-key a course.
  if (!canEdit(rel)) return violation('PERMISSION_DENIED', 'Only teachers of the course or a domain administrator can manage its aliases.');
  return undefined;
}

/**
 * Grading periods need a licence for both the requesting user and the course owner.
 *
 * Differs from production: licences are not modelled; the `verifiedTeacher` flag of a user stands for
 * the Education Plus / Teaching and Learning licence.
 */
export function checkGradingPeriodEligibility(caller: Pick<UserRow, 'verified_teacher'>, owner: Pick<UserRow, 'verified_teacher'> | undefined): Verdict {
  if (caller.verified_teacher !== 1) {
    return violation('UserIneligibleToUpdateGradingPeriodSettings', 'The requesting user has no licence that allows grading periods.');
  }
  if (owner?.verified_teacher !== 1) {
    return violation('UserIneligibleToUpdateGradingPeriodSettings', 'The course owner has no licence that allows grading periods.');
  }
  return undefined;
}

/** A calendar date of a grading period. */
export interface PeriodDate {
  year?: number;
  month?: number;
  day?: number;
}

/** One grading period as a request gives it. */
export interface PeriodInput {
  id?: string;
  title?: string;
  startDate?: PeriodDate;
  endDate?: PeriodDate;
}

function validDate(d: PeriodDate | undefined): d is Required<PeriodDate> {
  if (!d || !Number.isInteger(d.year) || !Number.isInteger(d.month) || !Number.isInteger(d.day)) return false;
  const { year, month, day } = d as Required<PeriodDate>;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

const dateKey = (d: Required<PeriodDate>) => d.year * 10_000 + d.month * 100 + d.day;

/**
 * Checks a replacement list of grading periods: each needs a title and two real dates, ends after it
 * starts, does not overlap the one before, and may carry only an id the course already has (periods
 * without one are additions). Returns a violation naming the field.
 */
export function checkGradingPeriods(periods: readonly PeriodInput[], knownIds: ReadonlySet<string>): Verdict {
  let previousEnd = 0;
  const seen = new Set<string>();
  // "Each grading period must have a unique title within a course."
  const titles = new Set<string>();
  for (const [i, period] of periods.entries()) {
    const at = `grading_periods[${i}]`;
    const bad = (field: string, message: string) =>
      violation('INVALID_ARGUMENT', message, { fieldViolations: [{ field: `${at}${field}`, description: message }] });
    if (period.id !== undefined && period.id !== '') {
      if (!knownIds.has(period.id)) return bad('.id', `Grading period ${i + 1} names an id the course does not have: ${period.id}.`);
      if (seen.has(period.id)) return bad('.id', `Grading period ${i + 1} repeats the id ${period.id}.`);
      seen.add(period.id);
    }
    if (!period.title || period.title.trim() === '') return bad('.title', `Grading period ${i + 1} needs a title.`);
    if (titles.has(period.title.trim())) return bad('.title', `Grading period ${i + 1} repeats the title "${period.title.trim()}".`);
    titles.add(period.title.trim());
    if (!validDate(period.startDate)) return bad('.start_date', `Grading period ${i + 1} needs a valid start date.`);
    if (!validDate(period.endDate)) return bad('.end_date', `Grading period ${i + 1} needs a valid end date.`);
    const start = dateKey(period.startDate);
    const end = dateKey(period.endDate);
    if (end < start) return bad('.end_date', `Grading period ${i + 1} ends before it starts.`);
    if (i > 0 && start <= previousEnd) return bad('.start_date', `Grading period ${i + 1} overlaps the one before it.`);
    previousEnd = end;
  }
  return undefined;
}
