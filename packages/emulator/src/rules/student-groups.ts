import type { Limits } from '../platform/limits.js';
import type { CourseRole, UserRow } from '../store/schema.js';
import { badField } from './classwork.js';
import type { CourseRelation } from './courses.js';
import { violation, type Verdict } from './violation.js';

// Student groups (revision 20260111). The method descriptions name the status codes; the "Create and
// manage student groups" guide says who may write (teachers of the course and domain administrators,
// both with an Education Plus licence, in a course whose owner has one) and who may read (teachers and
// administrators of the course, whatever their licence).

/** Teachers of the course and domain administrators read groups and their members. */
export function checkGroupReader(rel: CourseRelation): Verdict {
  if (rel.owner || rel.teacher || rel.admin) return undefined;
  return violation('PERMISSION_DENIED', 'Only teachers of the course and domain administrators can read its student groups.');
}

/**
 * Creating, changing or deleting groups and their members: a teacher of the course or a domain
 * administrator, licensed, in a course whose owner is licensed.
 *
 * Differs from production: licences are not modelled; the `verifiedTeacher` flag stands for the
 * Education Plus licence (as it does for rubrics and grading periods).
 */
export function checkGroupWriter(
  rel: CourseRelation,
  caller: Pick<UserRow, 'verified_teacher'>,
  owner: Pick<UserRow, 'verified_teacher'> | undefined,
): Verdict {
  if (!(rel.owner || rel.teacher || rel.admin)) {
    return violation('PERMISSION_DENIED', 'Only teachers of the course and domain administrators can change its student groups.');
  }
  if (caller.verified_teacher !== 1) {
    return violation('PERMISSION_DENIED', 'The requesting user has no licence that allows student groups.');
  }
  if (owner?.verified_teacher !== 1) {
    return violation('PERMISSION_DENIED', 'The course owner has no licence that allows student groups.');
  }
  return undefined;
}

/** A group needs a title that is not blank. */
export function checkGroupTitle(title: unknown): Verdict {
  if (typeof title !== 'string' || title.trim() === '') return badField('student_group.title', 'A student group needs a title.');
  return undefined;
}

/** A course holds at most `courseStudentGroups` groups; the method names FAILED_PRECONDITION. */
export function checkGroupLimit(count: number, limits: Pick<Limits, 'courseStudentGroups'>): Verdict {
  if (count >= limits.courseStudentGroups) {
    return violation('FAILED_PRECONDITION', `The course already has ${limits.courseStudentGroups} student groups, the most it may have.`);
  }
  return undefined;
}

/** A group holds at most `studentGroupMembers` students; the method names FAILED_PRECONDITION. */
export function checkGroupMemberLimit(count: number, limits: Pick<Limits, 'studentGroupMembers'>): Verdict {
  if (count >= limits.studentGroupMembers) {
    return violation('FAILED_PRECONDITION', `The student group already has ${limits.studentGroupMembers} members, the most it may have.`);
  }
  return undefined;
}

/** Only students of the course can be put in one of its groups. */
export function checkGroupCandidate(role: CourseRole | undefined, ref: string): Verdict {
  if (role === 'STUDENT') return undefined;
  return violation('NOT_FOUND', `${ref} is not a student of this course.`);
}
