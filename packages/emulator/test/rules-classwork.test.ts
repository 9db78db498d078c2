import { describe, expect, it } from 'vitest';
import { checkAttachable, checkMaterialCount } from '../src/rules/attachments.js';
import {
  applyAssigneeChange,
  canSeeItem,
  checkProject,
  checkScheduledTime,
  checkStateChange,
  checkTopicLimit,
  dueMoment,
  normalizeTopicName,
  parseOrderBy,
} from '../src/rules/classwork.js';
import type { CourseRelation } from '../src/rules/courses.js';
import { checkReclaim, checkStudentEdit, checkTurnIn, historyForStudent, isLate, toHundredths, type HistoryEntry } from '../src/rules/submissions.js';
import type { ClassworkItemRow, DriveFileRow } from '../src/store/classwork-repos.js';

const STUDENT: CourseRelation = { owner: false, teacher: false, student: true, admin: false };
const TEACHER: CourseRelation = { owner: false, teacher: true, student: false, admin: false };
const ADMIN: CourseRelation = { owner: false, teacher: false, student: false, admin: true };

const item = (over: Partial<ClassworkItemRow> = {}): ClassworkItemRow => ({
  id: '1', course_id: 'c', kind: 'COURSE_WORK', title: 'T', description: null, state: 'PUBLISHED', scheduled_time: null,
  creation_time: 0, update_time: 0, creator_id: 't', project_id: 'p', assignee_mode: 'ALL_STUDENTS', student_ids: '[]',
  materials: '[]', topic_id: null, work_type: 'ASSIGNMENT', max_points: null, due_date: null, due_time: null, due_at: null,
  submission_modification_mode: 'MODIFIABLE_UNTIL_TURNED_IN', choices: null, grading_period_id: null, ...over,
});

const file = (over: Partial<DriveFileRow> = {}): DriveFileRow => ({
  id: 'f1', title: 'Doc', mime_type: 'application/vnd.google-apps.document', owner_email: 'owner@x.example', shared_with: '["friend@x.example"]',
  anyone_with_link: 0, created_at: 0, updated_at: 0, ...over,
});

describe('classwork rules', () => {
  it('visibility: students see published work assigned to them; teachers and admins see drafts; nobody sees deleted work', () => {
    expect(canSeeItem(item(), STUDENT, 's1')).toBe(true);
    expect(canSeeItem(item({ state: 'DRAFT' }), STUDENT, 's1')).toBe(false);
    expect(canSeeItem(item({ state: 'DRAFT' }), TEACHER, 't')).toBe(true);
    expect(canSeeItem(item({ state: 'DRAFT' }), ADMIN, 'a')).toBe(true);
    expect(canSeeItem(item({ state: 'DELETED' }), TEACHER, 't')).toBe(false);
    const individual = item({ assignee_mode: 'INDIVIDUAL_STUDENTS', student_ids: '["s2"]' });
    expect(canSeeItem(individual, STUDENT, 's1')).toBe(false);
    expect(canSeeItem(individual, STUDENT, 's2')).toBe(true);
  });

  it('project ownership', () => {
    expect(checkProject('p', 'p', 'course work')).toBeUndefined();
    expect(checkProject('p', 'q', 'course work')).toEqual({
      code: 'ProjectPermissionDenied',
      message: 'The course work was created by another Cloud project; only that project can change it.',
    });
  });

  it('state changes: drafts publish; nothing returns to draft; other moves are invalid', () => {
    expect(checkStateChange('DRAFT', 'PUBLISHED', 'f')).toBeUndefined();
    expect(checkStateChange('PUBLISHED', 'DRAFT', 'f')?.code).toBe('FAILED_PRECONDITION');
    expect(checkStateChange('PUBLISHED', 'DELETED', 'f')?.code).toBe('INVALID_ARGUMENT');
    expect(checkScheduledTime('PUBLISHED', 10, 0, 'f')?.code).toBe('INVALID_ARGUMENT');
    expect(checkScheduledTime('DRAFT', 10, 20, 'f')?.message).toBe('The scheduled time must lie in the future.');
    expect(checkScheduledTime('DRAFT', 30, 20, 'f')).toBeUndefined();
  });

  it('topics: names are trimmed and collapsed; the limit counts existing topics', () => {
    expect(normalizeTopicName('  a \t b  ')).toBe('a b');
    expect(checkTopicLimit(1, { courseTopics: 2 })).toBeUndefined();
    expect(checkTopicLimit(2, { courseTopics: 2 })?.code).toBe('CourseTopicLimitReached');
  });

  it('due moments need both a date and a time, and real ones', () => {
    expect(dueMoment(undefined, undefined)).toBeUndefined();
    expect(dueMoment({ year: 2026, month: 2, day: 28 }, { hours: 23, minutes: 59 })).toBe(Date.UTC(2026, 1, 28, 23, 59));
    expect(dueMoment({ year: 2026, month: 2, day: 29 }, { hours: 1 })).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(dueMoment({ year: 2026, month: 2, day: 1 }, undefined)).toMatchObject({ message: 'A due date needs a due time.' });
    expect(dueMoment(undefined, { hours: 1 })).toMatchObject({ message: 'A due time needs a due date.' });
  });

  it('orderBy accepts the documented fields and directions only', () => {
    expect(parseOrderBy(undefined, ['updateTime'])).toEqual([{ field: 'updateTime', desc: true }]);
    expect(parseOrderBy('dueDate asc, updateTime desc', ['updateTime', 'dueDate'])).toEqual([
      { field: 'dueDate', desc: false },
      { field: 'updateTime', desc: true },
    ]);
    expect(parseOrderBy('dueDate', ['updateTime'])).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(parseOrderBy('updateTime sideways', ['updateTime'])).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('assignees: individual students are added and removed; the list may not end empty', () => {
    const students = new Set(['s1', 's2']);
    expect(applyAssigneeChange(item(), { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: ['s1'] } }, students)).toEqual({
      mode: 'INDIVIDUAL_STUDENTS',
      studentIds: ['s1'],
    });
    const one = item({ assignee_mode: 'INDIVIDUAL_STUDENTS', student_ids: '["s1"]' });
    expect(applyAssigneeChange(one, { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { removeStudentIds: ['s1'] } }, students)).toMatchObject({
      code: 'EmptyAssignees',
    });
    expect(applyAssigneeChange(one, { assigneeMode: 'INDIVIDUAL_STUDENTS', modifyIndividualStudentsOptions: { addStudentIds: ['x'] } }, students)).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(applyAssigneeChange(one, { assigneeMode: 'ALL_STUDENTS' }, students)).toEqual({ mode: 'ALL_STUDENTS', studentIds: [] });
  });
});

describe('submission rules', () => {
  const sub = (state: string, user = 's1') => ({ state, user_id: user });

  it('turn in and reclaim belong to the owning student, in the right states', () => {
    expect(checkTurnIn(sub('CREATED'), 's1')).toBeUndefined();
    expect(checkTurnIn(sub('RETURNED'), 's1')).toBeUndefined();
    expect(checkTurnIn(sub('TURNED_IN'), 's1')?.code).toBe('FAILED_PRECONDITION');
    expect(checkTurnIn(sub('CREATED'), 't')?.code).toBe('PERMISSION_DENIED');
    expect(checkReclaim(sub('TURNED_IN'), 's1')).toBeUndefined();
    expect(checkReclaim(sub('RETURNED'), 's1')?.code).toBe('FAILED_PRECONDITION');
  });

  it('students edit until they turn in, unless the work stays modifiable', () => {
    expect(checkStudentEdit(sub('TURNED_IN'), 's1', 'MODIFIABLE_UNTIL_TURNED_IN')?.code).toBe('FAILED_PRECONDITION');
    expect(checkStudentEdit(sub('TURNED_IN'), 's1', 'MODIFIABLE')).toBeUndefined();
    expect(checkStudentEdit(sub('CREATED'), 's2', 'MODIFIABLE')?.code).toBe('PERMISSION_DENIED');
  });

  it('lateness follows the turn-in time, or the clock while not turned in', () => {
    expect(isLate({ state: 'CREATED', turned_in_at: null }, null, 100)).toBe(false);
    expect(isLate({ state: 'CREATED', turned_in_at: null }, 50, 100)).toBe(true);
    expect(isLate({ state: 'TURNED_IN', turned_in_at: 40 }, 50, 100)).toBe(false);
    expect(isLate({ state: 'RETURNED', turned_in_at: 60 }, 50, 100)).toBe(true);
    expect(isLate({ state: 'RECLAIMED_BY_STUDENT', turned_in_at: 40 }, 50, 100)).toBe(true);
  });

  it('grades round to hundredths and may not be negative', () => {
    expect(toHundredths(87.456, 'g')).toBe(8746);
    expect(toHundredths(-0.5, 'g')).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(toHundredths('10', 'g')).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('students see no draft grades and no assigned grade after the last return', () => {
    const entries: HistoryEntry[] = [
      { kind: 'state', state: 'CREATED', at: 1, actor: 's' },
      { kind: 'grade', type: 'DRAFT_GRADE_POINTS_EARNED_CHANGE', at: 2, actor: 't', points: 100, max: 100 },
      { kind: 'grade', type: 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE', at: 3, actor: 't', points: 100, max: 100 },
      { kind: 'state', state: 'RETURNED', at: 4, actor: 't' },
      { kind: 'grade', type: 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE', at: 5, actor: 't', points: 90, max: 100 },
    ];
    expect(historyForStudent(entries, 4).map((e) => e.at)).toEqual([1, 3, 4]);
    expect(historyForStudent(entries, null).map((e) => e.at)).toEqual([1, 4]);
  });
});

describe('attachment rules', () => {
  it('AttachmentNotVisible for a missing file, the wrong kind, or a file not shared with the user', () => {
    expect(checkAttachable('f1', 'file', undefined, { email: 'owner@x.example' })?.message).toBe('The Drive file f1 does not exist.');
    expect(checkAttachable('f1', 'form', file(), { email: 'owner@x.example' })?.code).toBe('AttachmentNotVisible');
    expect(checkAttachable('f1', 'file', file({ mime_type: 'application/vnd.google-apps.form' }), { email: 'owner@x.example' })?.code).toBe('AttachmentNotVisible');
    expect(checkAttachable('f1', 'file', file(), { email: 'stranger@x.example' })?.message).toBe('The Drive file f1 is not shared with stranger@x.example.');
    expect(checkAttachable('f1', 'file', file(), { email: 'Friend@X.example' })).toBeUndefined();
    expect(checkAttachable('f1', 'file', file({ anyone_with_link: 1 }), { email: 'stranger@x.example' })).toBeUndefined();
  });

  it('at most 20 materials', () => {
    expect(checkMaterialCount(20, 'm')).toBeUndefined();
    expect(checkMaterialCount(21, 'm')?.fieldViolations).toEqual([{ field: 'm', description: 'No more than 20 materials may be attached; 21 were given.' }]);
  });
});

describe('rubric rules', () => {
  it('accepts a well-formed rubric and names the first bad field as RubricCriteriaInvalidFormat', async () => {
    const { checkRubricCriteria } = await import('../src/rules/classwork.js');
    expect(checkRubricCriteria([{ title: 'Clarity', levels: [{ title: 'Good', points: 2 }, { title: 'Poor', points: 0 }] }])).toBeUndefined();
    expect(checkRubricCriteria([])).toMatchObject({ code: 'RubricCriteriaInvalidFormat', fieldViolations: [{ field: 'rubric.criteria' }] });
    expect(checkRubricCriteria([{ title: 'X', levels: [{ title: 'A', points: 1 }, { title: 'B', points: 1 }] }])).toMatchObject({
      code: 'RubricCriteriaInvalidFormat',
      fieldViolations: [{ field: 'rubric.criteria[0].levels[1].points' }],
    });
  });
});
