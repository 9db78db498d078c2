import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/platform/limits.js';
import {
  aliasScope,
  canEdit,
  canView,
  checkAliasManager,
  checkGradingPeriodEligibility,
  checkGradingPeriods,
  checkGroupMemberships,
  checkModifiable,
  checkNewOwner,
  checkOwnerActive,
  checkOwnerChange,
  checkStateChanger,
  checkTitle,
  folderOwnerAt,
  transferInProgressFrom,
  type CourseRelation,
} from '../src/rules/courses.js';
import { courseRow, userRow } from './helpers/rows.js';

const user = userRow;
const course = courseRow;

const nobody: CourseRelation = { owner: false, teacher: false, student: false, admin: false };

describe('course rules', () => {
  it('checkTitle refuses links, not ordinary titles', () => {
    for (const title of ['Biology 10', 'Ms. Smith’s class', 'AP Chem 2.0', 'Room 3.14']) expect(checkTitle(title)).toBeUndefined();
    for (const title of ['see https://x.example', 'www.maths.org', 'maths.com club', 'http://a.b/c']) {
      expect(checkTitle(title)?.code).toBe('CourseTitleCannotContainUrl');
    }
  });

  it('checkNewOwner: non-admins own their own courses; admins any active user of their domain', () => {
    const teacher = user('t');
    const admin = user('a', { is_admin: 1 });
    expect(checkNewOwner(teacher, teacher, 'me')).toBeUndefined();
    expect(checkNewOwner(teacher, user('x'), 'x')?.code).toBe('UserCannotOwnCourse');
    expect(checkNewOwner(teacher, undefined, 'ghost')?.code).toBe('UserCannotOwnCourse');
    expect(checkNewOwner(admin, user('x'), 'x')).toBeUndefined();
    expect(checkNewOwner(admin, undefined, 'ghost')?.message).toBe('No user ghost exists to own the course.');
    expect(checkNewOwner(admin, user('x', { domain: 'other.example' }), 'x')?.code).toBe('UserCannotOwnCourse');
    expect(checkNewOwner(admin, user('x', { state: 'SUSPENDED' }), 'x')?.code).toBe('FAILED_PRECONDITION');
  });

  it('checkGroupMemberships counts outside groups and courses against the limit', () => {
    const limits = { ...DEFAULT_LIMITS, userGroupMemberships: 10 };
    expect(checkGroupMemberships(user('u', { group_memberships: 5 }), 4, limits)).toBeUndefined();
    expect(checkGroupMemberships(user('u', { group_memberships: 5 }), 5, limits)?.code).toBe('UserGroupsMembershipLimitReached');
  });

  it('checkOwnerActive: a deleted or suspended owner makes the course unchangeable', () => {
    expect(checkOwnerActive(user('o'))).toBeUndefined();
    expect(checkOwnerActive(user('o', { state: 'DELETED' }))?.code).toBe('InactiveCourseOwner');
    expect(checkOwnerActive(undefined)?.code).toBe('InactiveCourseOwner');
  });

  describe('checkModifiable', () => {
    it('follows the state machine', () => {
      const allowed: [string, string][] = [
        ['PROVISIONED', 'ACTIVE'],
        ['PROVISIONED', 'DECLINED'],
        ['DECLINED', 'PROVISIONED'],
        ['ACTIVE', 'ARCHIVED'],
        ['ARCHIVED', 'ACTIVE'],
      ];
      for (const [from, to] of allowed) expect(checkModifiable(course({ course_state: from }), ['courseState'], to)).toBeUndefined();
      const refused: [string, string][] = [
        ['ACTIVE', 'PROVISIONED'],
        ['PROVISIONED', 'ARCHIVED'],
        ['ARCHIVED', 'PROVISIONED'],
        ['ACTIVE', 'SUSPENDED'],
        ['DECLINED', 'ACTIVE'],
      ];
      for (const [from, to] of refused) {
        expect(checkModifiable(course({ course_state: from }), ['courseState'], to)).toEqual({
          code: 'FAILED_PRECONDITION',
          message: `A course cannot move from ${from} to ${to}.`,
        });
      }
    });

    it('frozen states take only a state change, which may carry other fields along', () => {
      expect(checkModifiable(course({ course_state: 'ARCHIVED' }), ['name'], undefined)?.code).toBe('CourseNotModifiable');
      expect(checkModifiable(course({ course_state: 'DECLINED' }), ['room'], undefined)?.code).toBe('CourseNotModifiable');
      expect(checkModifiable(course({ course_state: 'ARCHIVED' }), ['name', 'courseState'], 'ACTIVE')).toBeUndefined();
      expect(checkModifiable(course({ course_state: 'ACTIVE' }), ['name', 'courseState'], 'ARCHIVED')?.code).toBe('CourseNotModifiable');
      expect(checkModifiable(course({ course_state: 'SUSPENDED' }), ['courseState'], 'ACTIVE')?.code).toBe('CourseNotModifiable');
      expect(checkModifiable(course(), ['name'], undefined)).toBeUndefined();
    });
  });

  it('canView, canEdit and checkStateChanger', () => {
    expect(canView(course(), { ...nobody, student: true })).toBe(true);
    expect(canView(course(), nobody)).toBe(false);
    expect(canView(course({ course_state: 'SUSPENDED' }), { ...nobody, teacher: true })).toBe(false);
    expect(canView(course({ course_state: 'SUSPENDED' }), { ...nobody, owner: true })).toBe(true);
    expect(canEdit({ ...nobody, student: true })).toBe(false);
    expect(canEdit({ ...nobody, teacher: true })).toBe(true);
    expect(checkStateChanger({ ...nobody, teacher: true })?.code).toBe('PERMISSION_DENIED');
    expect(checkStateChanger({ ...nobody, admin: true })).toBeUndefined();
  });

  it('checkOwnerChange: a pending transfer first, then the new owner must be an active co-teacher', () => {
    const c = course();
    expect(checkOwnerChange(c, user('owner'), true, true)).toBeUndefined();
    expect(checkOwnerChange(c, user('t'), true, true)?.code).toBe('PendingInvitationExists');
    expect(checkOwnerChange(c, user('s'), false, false)?.code).toBe('IneligibleOwner');
    expect(checkOwnerChange(c, undefined, false, false)?.code).toBe('IneligibleOwner');
    expect(checkOwnerChange(c, user('t', { state: 'SUSPENDED' }), true, false)?.code).toBe('IneligibleOwner');
    expect(checkOwnerChange(c, user('t'), true, false)).toBeUndefined();
  });

  it('aliasScope reads d: and p: aliases only', () => {
    expect(aliasScope('d:math_101')).toBe('domain');
    expect(aliasScope('p:abc-123.x~y')).toBe('project');
    for (const bad of ['math', 'x:abc', 'd:', 'p:has space', 'd:é', `p:${'a'.repeat(255)}`]) expect(aliasScope(bad)).toBeUndefined();
    expect(aliasScope(`p:${'a'.repeat(254)}`)).toBe('project');
  });

  it('checkAliasManager: domain aliases by the owner domain’s admins, project aliases by editors', () => {
    const admin = { domain: 'school.example', is_admin: 1 as const };
    const teacher = { domain: 'school.example', is_admin: 0 as const };
    const visitor = { domain: 'other.example', is_admin: 1 as const };
    expect(checkAliasManager('domain', admin, 'school.example', { ...nobody, admin: true })).toBeUndefined();
    expect(checkAliasManager('domain', teacher, 'school.example', { ...nobody, owner: true })?.code).toBe('PERMISSION_DENIED');
    expect(checkAliasManager('domain', visitor, 'school.example', { ...nobody, teacher: true })?.code).toBe('FAILED_PRECONDITION');
    expect(checkAliasManager('project', teacher, 'school.example', { ...nobody, teacher: true })).toBeUndefined();
    expect(checkAliasManager('project', teacher, 'school.example', { ...nobody, student: true })?.code).toBe('PERMISSION_DENIED');
  });

  it('checkGradingPeriodEligibility needs a licence on both the caller and the owner', () => {
    const licensed = user('l', { verified_teacher: 1 });
    expect(checkGradingPeriodEligibility(licensed, licensed)).toBeUndefined();
    expect(checkGradingPeriodEligibility(user('u'), licensed)?.code).toBe('UserIneligibleToUpdateGradingPeriodSettings');
    expect(checkGradingPeriodEligibility(licensed, user('u'))?.code).toBe('UserIneligibleToUpdateGradingPeriodSettings');
    expect(checkGradingPeriodEligibility(user('a', { is_admin: 1 }), licensed)?.code).toBe('UserIneligibleToUpdateGradingPeriodSettings');
  });

  it('checkGradingPeriods: titles, real dates, order, known ids', () => {
    const p = (title: string, from: [number, number, number], to: [number, number, number], id?: string) => ({
      ...(id ? { id } : {}),
      title,
      startDate: { year: from[0], month: from[1], day: from[2] },
      endDate: { year: to[0], month: to[1], day: to[2] },
    });
    const known = new Set(['7']);
    expect(checkGradingPeriods([p('T1', [2026, 9, 1], [2026, 12, 18], '7'), p('T2', [2027, 1, 4], [2027, 3, 26])], known)).toBeUndefined();
    expect(checkGradingPeriods([p('T1', [2026, 9, 1], [2026, 12, 18], '8')], known)?.fieldViolations?.[0]?.field).toBe('grading_periods[0].id');
    expect(checkGradingPeriods([p('T1', [2026, 9, 1], [2026, 12, 18], '7'), p('T2', [2027, 1, 4], [2027, 3, 26], '7')], known)?.message).toBe(
      'Grading period 2 repeats the id 7.',
    );
    expect(checkGradingPeriods([p('', [2026, 9, 1], [2026, 12, 18])], known)?.fieldViolations?.[0]?.field).toBe('grading_periods[0].title');
    expect(checkGradingPeriods([p('T', [2027, 2, 29], [2027, 3, 1])], known)?.fieldViolations?.[0]?.field).toBe('grading_periods[0].start_date');
    expect(checkGradingPeriods([p('T', [2028, 2, 29], [2028, 3, 1])], known)).toBeUndefined();
    expect(checkGradingPeriods([p('T', [2026, 9, 2], [2026, 9, 1])], known)?.message).toBe('Grading period 1 ends before it starts.');
    expect(checkGradingPeriods([p('A', [2026, 9, 1], [2026, 10, 1]), p('B', [2026, 10, 1], [2026, 11, 1])], known)?.message).toBe(
      'Grading period 2 overlaps the one before it.',
    );
  });

  it('folderOwnerAt and transferInProgressFrom follow the transfer clock', () => {
    const moving = course({ owner_id: 'new', transfer_from_id: 'old', transfer_done_at: 1000 });
    expect(folderOwnerAt(moving, 999)).toBe('old');
    expect(folderOwnerAt(moving, 1000)).toBe('new');
    expect(transferInProgressFrom(moving, 'old', 999)).toBe(true);
    expect(transferInProgressFrom(moving, 'old', 1000)).toBe(false);
    expect(folderOwnerAt(course({ teacher_folder_owner_id: 'pinned' }), 0)).toBe('pinned');
  });
});
