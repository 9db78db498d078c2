import { describe, expect, it } from 'vitest';
import {
  addOnPageSize,
  addOnRole,
  checkAddOnTitle,
  checkAddOnToken,
  checkAttachmentDue,
  checkAttachmentOwner,
  checkContextAuthority,
  checkCreateAuthority,
  checkEmbedUri,
  checkGradable,
  checkListAuthority,
  checkMaxPoints,
  checkSameItem,
  checkStudentWorkAllowed,
  gradeSyncAttachment,
  supportsStudentWork,
} from '../src/rules/add-ons.js';
import type { CourseRelation } from '../src/rules/courses.js';

const STUDENT: CourseRelation = { owner: false, teacher: false, student: true, admin: false };
const TEACHER: CourseRelation = { owner: false, teacher: true, student: false, admin: false };
const OWNER: CourseRelation = { owner: true, teacher: true, student: false, admin: false };
const ADMIN: CourseRelation = { owner: false, teacher: false, student: false, admin: true };
const PREFIXES = ['https://quiz.example/'];

const bad = (field: string, message: string) => ({ code: 'INVALID_ARGUMENT', message, fieldViolations: [{ field, description: message }] });

describe('add-on attachment fields', () => {
  it('a title of 1 to 1000 characters', () => {
    expect(checkAddOnTitle('x')).toBeUndefined();
    expect(checkAddOnTitle('x'.repeat(1000))).toBeUndefined();
    expect(checkAddOnTitle('x'.repeat(1001))).toEqual(bad('add_on_attachment.title', 'The title is longer than 1000 characters.'));
    expect(checkAddOnTitle('')).toEqual(bad('add_on_attachment.title', 'An add-on attachment needs a title.'));
    expect(checkAddOnTitle(undefined)).toEqual(bad('add_on_attachment.title', 'An add-on attachment needs a title.'));
  });

  it('an EmbedUri of 1 to 1800 characters under an allowed prefix', () => {
    expect(checkEmbedUri({ uri: 'https://quiz.example/t' }, 'teacher_view_uri', PREFIXES, true)).toBe('https://quiz.example/t');
    expect(checkEmbedUri(undefined, 'student_work_review_uri', PREFIXES, false)).toBeUndefined();
    expect(checkEmbedUri({}, 'teacher_view_uri', PREFIXES, true)).toEqual(bad('add_on_attachment.teacher_view_uri.uri', 'teacher_view_uri needs a uri.'));
    const long = `https://quiz.example/${'a'.repeat(1780)}`;
    expect(checkEmbedUri({ uri: long }, 'teacher_view_uri', PREFIXES, true)).toEqual(bad('add_on_attachment.teacher_view_uri.uri', 'The uri is longer than 1800 characters.'));
    expect(checkEmbedUri({ uri: long.slice(0, 1800) }, 'teacher_view_uri', PREFIXES, true)).toBe(long.slice(0, 1800));
    expect(checkEmbedUri({ uri: 'quiz' }, 'teacher_view_uri', PREFIXES, true)).toEqual(bad('add_on_attachment.teacher_view_uri.uri', '"quiz" is not an absolute URI.'));
    expect(checkEmbedUri({ uri: 'ftp://quiz.example/' }, 'teacher_view_uri', ['ftp://'], true)).toEqual(
      bad('add_on_attachment.teacher_view_uri.uri', 'An attachment URI must use https.'),
    );
    expect(checkEmbedUri({ uri: 'https://quiz.example.evil/' }, 'student_view_uri', PREFIXES, true)).toEqual(
      bad('add_on_attachment.student_view_uri.uri', '"https://quiz.example.evil/" does not start with any of the add-on\'s allowed attachment URI prefixes.'),
    );
  });

  it('maxPoints: a non-negative whole number, only with a review URI; zero means no grades', () => {
    expect(checkMaxPoints(undefined, false)).toBeNull();
    expect(checkMaxPoints(0, false)).toBe(0);
    expect(checkMaxPoints(10, true)).toBe(10);
    expect(checkMaxPoints(10, false)).toEqual(bad('add_on_attachment.max_points', 'maxPoints can only be set on an attachment with a studentWorkReviewUri.'));
    for (const wrong of [-1, 1.5, Number.NaN, '10']) {
      expect(checkMaxPoints(wrong, true)).toEqual(bad('add_on_attachment.max_points', 'maxPoints must be a non-negative whole number.'));
    }
  });

  it('due date and time go together and name a real moment', () => {
    expect(checkAttachmentDue(undefined, undefined)).toBeUndefined();
    expect(checkAttachmentDue({ year: 2026, month: 9, day: 8 }, { hours: 9 })).toBeUndefined();
    expect(checkAttachmentDue({ year: 2026, month: 9, day: 8 }, undefined)).toEqual(bad('add_on_attachment.due_time', 'A due date needs a due time.'));
    expect(checkAttachmentDue(null, { hours: 9 })).toEqual(bad('add_on_attachment.due_date', 'A due time needs a due date.'));
    expect(checkAttachmentDue({ year: 2026, month: 9, day: 8 }, { hours: 24 })).toEqual(bad('add_on_attachment.due_time', 'The due time is not a valid time of day.'));
  });

  it('student work only on course work', () => {
    expect(supportsStudentWork({ kind: 'COURSE_WORK' })).toBe(true);
    expect(supportsStudentWork({ kind: 'MATERIAL' })).toBe(false);
    expect(checkStudentWorkAllowed({ kind: 'COURSE_WORK' }, { studentWorkReviewUri: 'https://q/', maxPoints: 5 })).toBeUndefined();
    expect(checkStudentWorkAllowed({ kind: 'ANNOUNCEMENT' }, { studentWorkReviewUri: null, maxPoints: 0 })).toBeUndefined();
    expect(checkStudentWorkAllowed({ kind: 'ANNOUNCEMENT' }, { studentWorkReviewUri: 'https://q/' })).toEqual(
      bad('add_on_attachment.student_work_review_uri', 'Only course work has student work to review.'),
    );
  });
});

describe('add-on access', () => {
  it('itemId and the deprecated postId must agree', () => {
    expect(checkSameItem('1', undefined, 'post_id')).toBeUndefined();
    expect(checkSameItem('1', '1', 'post_id')).toBeUndefined();
    expect(checkSameItem('1', '2', 'item_id')).toEqual(bad('item_id', 'item_id names 2, but the path names 1; give one item.'));
  });

  it('an addOnToken is bound to its add-on, user, course and item', () => {
    const token = { token: 't', project_id: 'p', user_id: 'u', course_id: 'c', item_id: 'i', created_at: 0 };
    const expected = { projectId: 'p', userId: 'u', courseId: 'c', itemId: 'i' };
    expect(checkAddOnToken(token, expected)).toBeUndefined();
    expect(checkAddOnToken(undefined, expected)).toEqual({ code: 'PERMISSION_DENIED', message: 'The add-on token is not valid.' });
    for (const key of ['projectId', 'userId', 'courseId', 'itemId'] as const) {
      expect(checkAddOnToken(token, { ...expected, [key]: 'other' })?.code, key).toBe('PERMISSION_DENIED');
    }
  });

  it('who may create, open and list without a token', () => {
    expect(checkCreateAuthority(true, 'classroom-app', 'add-on')).toBeUndefined();
    expect(checkCreateAuthority(false, 'add-on', 'add-on')).toBeUndefined();
    expect(checkCreateAuthority(false, 'classroom-app', 'add-on')?.code).toBe('ProjectPermissionDenied');
    expect(checkContextAuthority(false, true, 'classroom-app', 'add-on')).toBeUndefined();
    expect(checkContextAuthority(false, false, 'add-on', 'add-on')).toBeUndefined();
    expect(checkContextAuthority(false, false, 'classroom-app', 'add-on')?.code).toBe('PERMISSION_DENIED');
    expect(checkListAuthority(false, 'classroom-app', 'add-on')?.code).toBe('PERMISSION_DENIED');
    expect(checkListAuthority(true, 'classroom-app', 'add-on')).toBeUndefined();
    expect(checkAttachmentOwner({ project_id: 'a' }, 'b')?.code).toBe('ProjectPermissionDenied');
    expect(checkAttachmentOwner({ project_id: 'a' }, 'a')).toBeUndefined();
  });

  it('roles: teachers and owners are teachers, students students, admins nobody', () => {
    expect(addOnRole(TEACHER)).toBe('teacher');
    expect(addOnRole(OWNER)).toBe('teacher');
    expect(addOnRole(STUDENT)).toBe('student');
    expect(addOnRole(ADMIN)).toEqual({ code: 'PERMISSION_DENIED', message: 'Only teachers and students of the course can use its add-ons.' });
  });
});

describe('add-on grades', () => {
  it('only an attachment with positive maxPoints takes grades', () => {
    expect(checkGradable({ max_points: 10 })).toBeUndefined();
    expect(checkGradable({ max_points: 0 })).toEqual(bad('points_earned', 'The attachment takes no grades: its maxPoints is not positive.'));
    expect(checkGradable({ max_points: null })?.code).toBe('INVALID_ARGUMENT');
  });

  it('the oldest graded attachment is the one whose grades sync', () => {
    const a = (id: string, creation_time: number, max_points: number | null) => ({ id, creation_time, max_points });
    expect(gradeSyncAttachment([a('x', 1, null), a('y', 3, 5), a('z', 2, 10), a('w', 0, 0)])?.id).toBe('z');
    expect(gradeSyncAttachment([a('x', 1, null)])).toBeUndefined();
    expect(gradeSyncAttachment([a('b', 1, 5), a('a', 1, 5)])?.id).toBe('a');
  });

  it('list pages hold 20 at most', () => {
    expect(addOnPageSize(0)).toBe(20);
    expect(addOnPageSize(5)).toBe(5);
    expect(addOnPageSize(100)).toBe(20);
  });
});
