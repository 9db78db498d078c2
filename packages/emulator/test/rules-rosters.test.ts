import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, type Limits } from '../src/platform/limits.js';
import type { CourseRelation } from '../src/rules/courses.js';
import {
  canSeeInvitation,
  checkAcceptance,
  checkAcceptor,
  checkInvite,
  checkInviter,
  checkJoin,
  checkNotMember,
  checkStudentAdd,
  checkStudentRemoval,
  checkTeacherAdd,
  checkTeacherRemoval,
  heldRole,
  type JoinState,
} from '../src/rules/rosters.js';
import type { CourseRow, UserRow } from '../src/store/schema.js';
import { courseRow, userRow } from './helpers/rows.js';

const NOW = Date.UTC(2026, 0, 5, 9, 0, 0);

const user = (id: string, patch: Partial<UserRow> = {}) => userRow(id, { email: `${id}@rules.example`, domain: 'rules.example', ...patch });

const course = (patch: Partial<CourseRow> = {}) => courseRow({ id: '100', name: 'Rules', enrollment_code: 'abc1234', ...patch });

const none: CourseRelation = { owner: false, teacher: false, student: false, admin: false };
const admin: CourseRelation = { ...none, admin: true };
const teacher: CourseRelation = { ...none, teacher: true };
const limits = (patch: Partial<Limits> = {}): Limits => ({ ...DEFAULT_LIMITS, ...patch });

function join(patch: Partial<JoinState> = {}): JoinState {
  return {
    course: course(),
    owner: user('owner'),
    user: user('joiner'),
    role: 'STUDENT',
    counts: { students: 0, teachers: 1 },
    userMemberships: 0,
    joinsInWindow: 0,
    promoting: false,
    checkOwner: true,
    ...patch,
  };
}

describe('checkStudentAdd', () => {
  const caller = user('caller');
  it('lets a user join with the right enrollment code only', () => {
    const base = { caller, target: caller, rel: none, course: course() };
    expect(checkStudentAdd({ ...base, enrollmentCode: 'abc1234' })).toBeUndefined();
    expect(checkStudentAdd({ ...base, enrollmentCode: undefined })?.code).toBe('PERMISSION_DENIED');
    expect(checkStudentAdd({ ...base, enrollmentCode: 'wrong' })).toEqual({
      code: 'PERMISSION_DENIED',
      message: 'The enrollment code does not belong to this course.',
    });
  });
  it('lets an admin add users of their domain without a code, and refuses others', () => {
    const adminUser = user('admin', { is_admin: 1 });
    expect(checkStudentAdd({ caller: adminUser, target: user('kid'), rel: admin, course: course(), enrollmentCode: undefined })).toBeUndefined();
    expect(checkStudentAdd({ caller: adminUser, target: adminUser, rel: admin, course: course(), enrollmentCode: undefined })).toBeUndefined();
    const outsider = user('far', { email: 'far@elsewhere.example', domain: 'elsewhere.example' });
    expect(checkStudentAdd({ caller: adminUser, target: outsider, rel: admin, course: course(), enrollmentCode: undefined })?.code).toBe('CannotDirectAddUser');
  });
  it('sends teachers to invitations', () => {
    expect(checkStudentAdd({ caller, target: user('kid'), rel: teacher, course: course(), enrollmentCode: 'abc1234' })).toEqual({
      code: 'PERMISSION_DENIED',
      message: 'Teachers cannot add students directly; send the student an invitation instead.',
    });
  });
});

describe('checkTeacherAdd and checkNotMember', () => {
  it('allows admins of the domain only', () => {
    expect(checkTeacherAdd({ caller: user('a', { is_admin: 1 }), target: user('t'), rel: admin })).toBeUndefined();
    expect(checkTeacherAdd({ caller: user('o'), target: user('t'), rel: { ...none, owner: true } })?.code).toBe('PERMISSION_DENIED');
  });
  it('reports an existing membership of either role', () => {
    expect(checkNotMember(user('t'), 'TEACHER')).toEqual({ code: 'ALREADY_EXISTS', message: 't@rules.example is already a teacher of this course.' });
    expect(checkNotMember(user('t'), undefined)).toBeUndefined();
  });
});

describe('checkJoin', () => {
  it('passes a plain join', () => {
    expect(checkJoin(join(), limits())).toBeUndefined();
  });
  it('reports in order: state, owner, members, teachers, groups, daily joins', () => {
    const everything = join({
      course: course({ course_state: 'ARCHIVED' }),
      owner: user('owner', { state: 'DELETED' }),
      role: 'TEACHER',
      counts: { students: 8, teachers: 2 },
      user: user('joiner', { group_memberships: 5 }),
      joinsInWindow: 3,
    });
    const tight = limits({ courseMembers: 10, courseTeachers: 2, userGroupMemberships: 5, userDailyJoins: 3 });
    const codes: string[] = [];
    let state = everything;
    for (const fix of [
      (s: JoinState) => ({ ...s, course: course() }),
      (s: JoinState) => ({ ...s, owner: user('owner') }),
      (s: JoinState) => ({ ...s, counts: { students: 7, teachers: 2 } }),
      (s: JoinState) => ({ ...s, counts: { students: 7, teachers: 1 } }),
      (s: JoinState) => ({ ...s, user: user('joiner') }),
      (s: JoinState) => ({ ...s, joinsInWindow: 0 }),
    ]) {
      codes.push(checkJoin(state, tight)?.code ?? 'ok');
      state = fix(state);
    }
    codes.push(checkJoin(state, tight)?.code ?? 'ok');
    expect(codes).toEqual([
      'CourseNotModifiable',
      'InactiveCourseOwner',
      'CourseMemberLimitReached',
      'CourseTeacherLimitReached',
      'UserGroupsMembershipLimitReached',
      'UserCourseJoinRateLimitReached',
      'ok',
    ]);
  });
  it('names the numbers', () => {
    expect(checkJoin(join({ counts: { students: 999, teachers: 1 } }), limits())).toEqual({
      code: 'CourseMemberLimitReached',
      message: 'The course already has 1000 members, the most it can have (1000).',
    });
    expect(checkJoin(join({ joinsInWindow: 30 }), limits())).toEqual({
      code: 'UserCourseJoinRateLimitReached',
      message: 'joiner@rules.example has joined 30 courses in the last 24 hours, the most a day allows (30); try again later.',
    });
  });
  it('skips the owner check for invitations and seat checks for a student becoming teacher', () => {
    expect(checkJoin(join({ owner: user('owner', { state: 'DELETED' }), checkOwner: false }), limits())).toBeUndefined();
    const full = join({ role: 'TEACHER', promoting: true, counts: { students: 9, teachers: 1 }, joinsInWindow: 99 });
    expect(checkJoin(full, limits({ courseMembers: 10, userDailyJoins: 1 }))).toBeUndefined();
    expect(checkJoin(full, limits({ courseMembers: 10, courseTeachers: 1 }))?.code).toBe('CourseTeacherLimitReached');
  });
});

describe('checkTeacherRemoval', () => {
  it('refuses the owner first, then the previous owner during a transfer', () => {
    const moving = course({ owner_id: 'new', transfer_from_id: 'old', transfer_done_at: NOW + 60_000 });
    expect(checkTeacherRemoval(moving, user('new'), 'new', NOW)?.code).toBe('CannotRemoveCourseOwner');
    expect(checkTeacherRemoval(moving, user('new'), 'old', NOW)).toEqual({
      code: 'CannotRemoveCourseOwnerTransferIncomplete',
      message: 'The ownership transfer away from this teacher is still running (about 60 more seconds); remove them once it has finished.',
    });
    expect(checkTeacherRemoval(moving, user('new'), 'old', NOW + 60_000)).toBeUndefined();
  });
  it('refuses everyone while the owner is inactive, and the folder owner', () => {
    expect(checkTeacherRemoval(course(), user('owner', { state: 'DELETED' }), 'co', NOW)?.code).toBe('CannotRemoveTeacherWithNoCourseOwner');
    expect(checkTeacherRemoval(course({ teacher_folder_owner_id: 'co' }), user('owner'), 'co', NOW)?.code).toBe('CannotRemoveCourseFolderOwner');
    expect(checkTeacherRemoval(course(), user('owner'), 'co', NOW)).toBeUndefined();
  });
});

describe('student removal', () => {
  it('lets a student leave but not remove a classmate', () => {
    expect(checkStudentRemoval({ ...none, student: true }, true)).toBeUndefined();
    expect(checkStudentRemoval({ ...none, student: true }, false)?.code).toBe('PERMISSION_DENIED');
    expect(checkStudentRemoval(teacher, false)).toBeUndefined();
  });
});

describe('invitations', () => {
  const invitee = user('inv');
  const base = { course: course(), target: invitee, duplicate: false, pendingOwner: false };
  it('lets teachers invite, and only the owner or an admin offer ownership', () => {
    expect(checkInviter(teacher, 'TEACHER')).toBeUndefined();
    expect(checkInviter(teacher, 'OWNER')?.code).toBe('PERMISSION_DENIED');
    expect(checkInviter({ ...none, owner: true }, 'OWNER')).toBeUndefined();
    expect(checkInviter({ ...none, student: true }, 'STUDENT')?.code).toBe('PERMISSION_DENIED');
  });
  it('refuses a role already held or exceeded, and a second invitation', () => {
    expect(checkInvite({ ...base, role: 'STUDENT', held: 'TEACHER' })).toEqual({
      code: 'FAILED_PRECONDITION',
      message: 'inv@rules.example is already a teacher of this course.',
    });
    expect(checkInvite({ ...base, role: 'TEACHER', held: 'STUDENT' })).toBeUndefined();
    expect(checkInvite({ ...base, role: 'STUDENT', held: undefined, duplicate: true })?.code).toBe('ALREADY_EXISTS');
    expect(checkInvite({ ...base, target: user('x', { state: 'SUSPENDED' }), role: 'STUDENT', held: undefined })?.code).toBe('FAILED_PRECONDITION');
    expect(checkInvite({ ...base, course: course({ course_state: 'SUSPENDED' }), role: 'STUDENT', held: undefined })?.code).toBe('CourseNotModifiable');
  });
  it('offers ownership only to a co-teacher, one transfer at a time', () => {
    expect(checkInvite({ ...base, role: 'OWNER', held: 'STUDENT' })?.code).toBe('IneligibleOwner');
    expect(checkInvite({ ...base, role: 'OWNER', held: 'TEACHER', pendingOwner: true })?.code).toBe('PendingInvitationExists');
    expect(checkInvite({ ...base, role: 'OWNER', held: 'TEACHER' })).toBeUndefined();
  });
  it('lets only the invitee accept, and only while the invitation still means something', () => {
    expect(checkAcceptor('inv', 'other')?.code).toBe('PERMISSION_DENIED');
    expect(checkAcceptor('inv', 'inv')).toBeUndefined();
    expect(checkAcceptance(course(), invitee, 'STUDENT', 'STUDENT')?.code).toBe('FAILED_PRECONDITION');
    expect(checkAcceptance(course(), invitee, 'OWNER', undefined)?.code).toBe('IneligibleOwner');
    expect(checkAcceptance(course({ course_state: 'ARCHIVED' }), invitee, 'OWNER', 'TEACHER')?.code).toBe('CourseNotModifiable');
    expect(heldRole(course(), 'owner', 'TEACHER')).toBe('OWNER');
    expect(canSeeInvitation(none, true)).toBe(true);
    expect(canSeeInvitation({ ...none, student: true }, false)).toBe(false);
  });
});
