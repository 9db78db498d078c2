import type { Limits } from '../platform/limits.js';
import type { CourseRole, CourseRow, InvitationRole, UserRow } from '../store/schema.js';
import {
  checkAcceptsMembers,
  checkGroupMemberships,
  checkOwnerActive,
  checkOwnerChange,
  folderOwnerAt,
  isActive,
  transferInProgressFrom,
  type CourseRelation,
} from './courses.js';
import { violation, type Verdict } from './violation.js';

/** The length of the rolling window of the daily join limit. */
export const JOIN_WINDOW_MS = 24 * 60 * 60 * 1000;

/** How a user stands in a course, the owner counting as the strongest role. */
export type HeldRole = CourseRole | 'OWNER' | undefined;

const RANK: Record<InvitationRole, number> = { STUDENT: 1, TEACHER: 2, OWNER: 3 };

const ROLE_NAME: Record<InvitationRole, string> = { STUDENT: 'a student', TEACHER: 'a teacher', OWNER: 'the owner' };

/** The role a user holds in a course: the owner row says OWNER even though their membership says TEACHER. */
export function heldRole(course: CourseRow, userId: string, memberRole: CourseRole | undefined): HeldRole {
  if (course.owner_id === userId) return 'OWNER';
  return memberRole;
}

/** Whether the caller manages the roster: the owner, a co-teacher, or an admin of the owner's domain. */
export function managesRoster(rel: CourseRelation): boolean {
  return rel.owner || rel.teacher || rel.admin;
}

/**
 * Who may put a user on a course's student list directly. A domain admin adds users of their own
 * domain; anyone may add themself with the course's enrollment code; teachers have to invite.
 */
export function checkStudentAdd(input: {
  caller: UserRow;
  target: UserRow;
  rel: CourseRelation;
  course: CourseRow;
  enrollmentCode: string | undefined;
}): Verdict {
  const { caller, target, rel, course, enrollmentCode } = input;
  if (target.id === caller.id) {
    // Differs from production: Workspace settings that stop users of other domains joining a class
    // are not modelled; anyone holding the code may join.
    // An administrator of the course's domain has the right to add anyone there, themself included.
    if (rel.admin) return undefined;
    if (enrollmentCode === undefined || enrollmentCode === '') {
      return violation('PERMISSION_DENIED', 'Joining a course as a student needs its enrollment code.');
    }
    if (enrollmentCode !== course.enrollment_code) {
      return violation('PERMISSION_DENIED', 'The enrollment code does not belong to this course.');
    }
    return undefined;
  }
  if (!rel.admin) {
    if (rel.owner || rel.teacher) {
      return violation('PERMISSION_DENIED', 'Teachers cannot add students directly; send the student an invitation instead.');
    }
    return violation('PERMISSION_DENIED', 'The caller may not add students to this course.');
  }
  return checkDirectAdd(caller, target);
}

/** Who may put a user on a course's teacher list directly: only a domain admin. */
export function checkTeacherAdd(input: { caller: UserRow; target: UserRow; rel: CourseRelation }): Verdict {
  if (!input.rel.admin) {
    return violation('PERMISSION_DENIED', 'Only a domain administrator can add teachers directly; others send an invitation.');
  }
  return checkDirectAdd(input.caller, input.target);
}

/** An admin's direct add reaches only users of the admin's own domain; everyone else needs an invitation. */
function checkDirectAdd(caller: UserRow, target: UserRow): Verdict {
  if (!target.email || target.domain !== caller.domain) {
    return violation(
      'CannotDirectAddUser',
      `${target.email || target.id} is not in the domain ${caller.domain}, so they cannot be added directly; invite them instead.`,
    );
  }
  return undefined;
}

/** A user already on the roster (as either role) cannot be added again. */
export function checkNotMember(target: UserRow, memberRole: CourseRole | undefined): Verdict {
  if (memberRole) {
    return violation('ALREADY_EXISTS', `${target.email} is already ${ROLE_NAME[memberRole]} of this course.`);
  }
  return undefined;
}

/** A suspended or deleted account can neither be added nor invited. */
export function checkAccountEnabled(target: UserRow): Verdict {
  if (target.state !== 'ACTIVE') return violation('FAILED_PRECONDITION', `The account of ${target.email} is disabled.`);
  return undefined;
}

/** Students plus teachers, against the course's member limit. */
export function checkMemberLimit(counts: { students: number; teachers: number }, limits: Limits): Verdict {
  const members = counts.students + counts.teachers;
  if (members >= limits.courseMembers) {
    return violation('CourseMemberLimitReached', `The course already has ${members} members, the most it can have (${limits.courseMembers}).`);
  }
  return undefined;
}

/** Teachers against the course's teacher limit. */
export function checkTeacherLimit(teachers: number, limits: Limits): Verdict {
  if (teachers >= limits.courseTeachers) {
    return violation('CourseTeacherLimitReached', `The course already has ${teachers} teachers, the most it can have (${limits.courseTeachers}).`);
  }
  return undefined;
}

/** Joins in the rolling day before now, against the daily join limit. */
export function checkJoinRate(user: UserRow, joinsInWindow: number, limits: Limits): Verdict {
  if (joinsInWindow >= limits.userDailyJoins) {
    return violation(
      'UserCourseJoinRateLimitReached',
      `${user.email} has joined ${joinsInWindow} courses in the last 24 hours, the most a day allows (${limits.userDailyJoins}); try again later.`,
    );
  }
  return undefined;
}

/** Everything the join path looks at, read after the course and the user were locked. */
export interface JoinState {
  course: CourseRow;
  owner: UserRow | undefined;
  user: UserRow;
  role: CourseRole;
  /** The course's members now, by role. */
  counts: { students: number; teachers: number };
  /** The user's course memberships now (each one is a group membership). */
  userMemberships: number;
  /** The user's joins in the rolling day before now. */
  joinsInWindow: number;
  /** A student becoming a teacher keeps their seat: no member, group or join is added. */
  promoting: boolean;
  /** Direct adds refuse courses whose owner is inactive; invitation acceptance does not check it. */
  checkOwner: boolean;
}

/**
 * Whether a user may join a course now, in the order production reports the reasons: the course's
 * state, its owner, the member and teacher limits, the user's group limit, the daily join limit.
 */
export function checkJoin(state: JoinState, limits: Limits): Verdict {
  return (
    checkAcceptsMembers(state.course) ??
    (state.checkOwner ? checkOwnerActive(state.owner) : undefined) ??
    (state.promoting ? undefined : checkMemberLimit(state.counts, limits)) ??
    (state.role === 'TEACHER' ? checkTeacherLimit(state.counts.teachers, limits) : undefined) ??
    (state.promoting ? undefined : checkGroupMemberships(state.user, state.userMemberships, limits)) ??
    (state.promoting ? undefined : checkJoinRate(state.user, state.joinsInWindow, limits))
  );
}

/**
 * Whether a teacher can leave the course, in this order: the owner never can; the previous owner
 * not while the transfer runs; nobody while the owner's account is inactive; and not the teacher whose
 * Drive holds the course folder.
 */
export function checkTeacherRemoval(course: CourseRow, owner: UserRow | undefined, targetId: string, now: number): Verdict {
  if (course.owner_id === targetId) {
    return violation('CannotRemoveCourseOwner', 'The course owner cannot be removed; transfer ownership to another teacher first.');
  }
  if (transferInProgressFrom(course, targetId, now)) {
    const seconds = Math.max(1, Math.ceil(((course.transfer_done_at ?? now) - now) / 1000));
    return violation(
      'CannotRemoveCourseOwnerTransferIncomplete',
      `The ownership transfer away from this teacher is still running (about ${seconds} more seconds); remove them once it has finished.`,
    );
  }
  if (!isActive(owner)) {
    return violation('CannotRemoveTeacherWithNoCourseOwner', "The course owner's account is not active, so no teacher can be removed until an administrator restores it.");
  }
  if (folderOwnerAt(course, now) === targetId) {
    return violation('CannotRemoveCourseFolderOwner', "This teacher owns the course's Drive folder; move the folder to another teacher before removing them.");
  }
  return undefined;
}

/** Teachers and admins remove students; a student may leave on their own. */
export function checkStudentRemoval(rel: CourseRelation, self: boolean): Verdict {
  if (managesRoster(rel) || (self && rel.student)) return undefined;
  return violation('PERMISSION_DENIED', 'The caller may not remove students from this course.');
}

/** Owners, co-teachers and admins remove teachers. */
export function checkTeacherRemover(rel: CourseRelation): Verdict {
  if (managesRoster(rel)) return undefined;
  return violation('PERMISSION_DENIED', 'The caller may not remove teachers from this course.');
}

/** Who may invite: teachers and admins; an ownership invitation only the owner or an admin. */
export function checkInviter(rel: CourseRelation, role: InvitationRole): Verdict {
  if (!managesRoster(rel)) {
    return violation('PERMISSION_DENIED', 'Only teachers of the course and domain administrators can invite users to it.');
  }
  if (role === 'OWNER' && !rel.owner && !rel.admin) {
    return violation('PERMISSION_DENIED', 'Only the course owner or a domain administrator can invite a new owner.');
  }
  return undefined;
}

/** The role held already satisfies the one offered (same or stronger). */
function alreadyHolds(target: UserRow, held: HeldRole, role: InvitationRole): Verdict {
  if (held && RANK[held] >= RANK[role]) {
    return violation('FAILED_PRECONDITION', `${target.email} is already ${ROLE_NAME[held]} of this course.`);
  }
  return undefined;
}

/**
 * Whether an invitation can be created: the course must take members, the invitee's account must be
 * enabled and not already hold the role (or a stronger one), only one invitation per user and course,
 * and an ownership invitation only to a co-teacher while no other one is pending.
 */
export function checkInvite(input: {
  course: CourseRow;
  target: UserRow;
  role: InvitationRole;
  held: HeldRole;
  /** An invitation for this user and course exists already. */
  duplicate: boolean;
  /** An OWNER invitation for the course is pending. */
  pendingOwner: boolean;
}): Verdict {
  const { course, target, role, held } = input;
  return (
    checkAcceptsMembers(course) ??
    checkAccountEnabled(target) ??
    alreadyHolds(target, held, role) ??
    (input.duplicate ? violation('ALREADY_EXISTS', `${target.email} already has an invitation to this course.`) : undefined) ??
    (role === 'OWNER' ? checkOwnerChange(course, target, held === 'TEACHER', input.pendingOwner) : undefined)
  );
}

/** Only the invitee may accept. */
export function checkAcceptor(inviteeId: string, callerId: string): Verdict {
  if (inviteeId !== callerId) return violation('PERMISSION_DENIED', 'Only the invited user can accept this invitation.');
  return undefined;
}

/**
 * Whether an accepted invitation still has something to do: the roles may have changed since it was
 * sent. An ownership invitation needs its invitee still to teach the course; the reference lists no
 * code for that case on accept, so the emulator reuses the one invitations.create gives for it.
 */
export function checkAcceptance(course: CourseRow, user: UserRow, role: InvitationRole, held: HeldRole): Verdict {
  const stale = alreadyHolds(user, held, role);
  if (stale) return stale;
  if (role === 'OWNER') {
    return checkAcceptsMembers(course) ?? (held === 'TEACHER' && isActive(user) ? undefined : violation('IneligibleOwner', 'Only a teacher of the course can accept its ownership; this user no longer teaches it.'));
  }
  return undefined;
}

/** Who may see or withdraw an invitation: the invitee, the course's teachers, and admins. */
export function canSeeInvitation(rel: CourseRelation, isInvitee: boolean): boolean {
  return isInvitee || managesRoster(rel);
}
