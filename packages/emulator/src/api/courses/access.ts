import type { Caller } from '../../identity/caller.js';
import { fail } from '../../failure.js';
import { canView, type CourseRelation } from '../../rules/courses.js';
import type { Repos } from '../../store/repos.js';
import type { CourseMemberRow, CourseRow, UserRow } from '../../store/schema.js';

/**
 * Turns a course reference into a course id: a numeric id, or an alias (`d:` in the caller's domain,
 * `p:` in the caller's Cloud project).
 */
export async function resolveCourseId(repos: Repos, caller: Caller, ref: string): Promise<string | undefined> {
  if (ref.startsWith('d:')) return (await repos.aliases.get(caller.user.domain, ref))?.course_id;
  if (ref.startsWith('p:')) return (await repos.aliases.get(caller.project.id, ref))?.course_id;
  return ref;
}

/** How the caller stands towards a course. */
export async function relationTo(repos: Repos, caller: Caller, course: CourseRow, owner?: UserRow): Promise<CourseRelation> {
  const member = await repos.members.get(course.id, caller.user.id);
  const ownerRow = owner ?? (await repos.users.byId(course.owner_id));
  return relationOf(caller, course, ownerRow, member);
}

/** How the caller stands towards a course, from the rows already read. */
function relationOf(caller: Caller, course: CourseRow, owner: UserRow | undefined, member: Pick<CourseMemberRow, 'role'> | undefined): CourseRelation {
  return {
    owner: course.owner_id === caller.user.id,
    teacher: member?.role === 'TEACHER',
    student: member?.role === 'STUDENT',
    admin: caller.user.is_admin === 1 && owner?.domain === caller.user.domain,
  };
}

/** A course the caller may see, with how they relate to it and its owner. */
export interface LoadedCourse {
  course: CourseRow;
  owner: UserRow | undefined;
  rel: CourseRelation;
}

/**
 * Loads a course for a call: NOT_FOUND when it does not exist, PERMISSION_DENIED when the caller may
 * not see it. With `lock`, the course row stays locked until the transaction ends, so limits checked
 * afterwards cannot be raced.
 */
export async function loadCourse(repos: Repos, caller: Caller, ref: string, options: { lock?: boolean } = {}): Promise<LoadedCourse> {
  const id = await resolveCourseId(repos, caller, ref);
  if (!options.lock) {
    // A read: the course, its owner and the caller's membership in one statement.
    const found = id === undefined ? undefined : await repos.courses.withOwnerAndMember(id, caller.user.id);
    if (!found) fail('NOT_FOUND', `Requested entity was not found.`);
    const { course, owner, member } = found;
    const rel = relationOf(caller, course, owner, member);
    if (!canView(course, rel)) fail('PERMISSION_DENIED', 'The caller does not have permission to view this course.');
    return { course, owner, rel };
  }
  const course = id === undefined ? undefined : options.lock ? await repos.courses.lock(id) : await repos.courses.byId(id);
  if (!course) fail('NOT_FOUND', `Requested entity was not found.`);
  const owner = await repos.users.byId(course.owner_id);
  const rel = await relationTo(repos, caller, course, owner);
  if (!canView(course, rel)) fail('PERMISSION_DENIED', 'The caller does not have permission to view this course.');
  return { course, owner, rel };
}
