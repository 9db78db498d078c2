import type { Env } from '../../env.js';
import { enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkAccountEnabled, checkNotMember, checkTeacherAdd, checkTeacherRemover, checkTeacherRemoval } from '../../rules/rosters.js';
import type { Repos } from '../../store/repos.js';
import type { CourseRow, UserRow } from '../../store/schema.js';
import { loadCourse } from '../courses/access.js';
import { finishPage, type Page } from '../paging.js';
import { admit, announce, lockCourse, type RosterEvent } from '../students/join.js';
import { toTeacher, type Teacher } from '../students/schema.js';
import { targetUser, userRefOf } from '../students/service.js';
import { seesEmails, seesPhotos } from '../user-profiles/schema.js';

type Input = Readonly<Record<string, unknown>>;

/** courses.teachers.create: only a domain admin adds a teacher directly; others invite. */
export async function createTeacher(env: Env, caller: Caller, courseRef: string, input: Input): Promise<Teacher> {
  const userRef = userRefOf(input, 'teacher.user_id');
  let events: RosterEvent[] = [];
  const teacher = await env.store.transaction(async (repos) => {
    const { course, owner, rel } = await lockCourse(repos, caller, courseRef);
    const target = await targetUser(repos, caller, userRef);
    enforce(checkTeacherAdd({ caller: caller.user, target, rel }));
    const user = (await repos.users.lock(target.id)) ?? target;
    const member = await repos.members.get(course.id, user.id);
    enforce(checkNotMember(user, member?.role));
    enforce(checkAccountEnabled(user));
    ({ events } = await admit(env, repos, { course, owner, user, role: 'TEACHER', current: undefined, checkOwner: true }));
    return toTeacher(course, user, { showEmail: seesEmails(caller.scopes), showPhoto: seesPhotos(caller.scopes) });
  });
  announce(env, events);
  return teacher;
}

/** The teacher row of a course, or NOT_FOUND. */
async function teacherOf(repos: Repos, caller: Caller, course: CourseRow, ref: string): Promise<UserRow> {
  const user = await targetUser(repos, caller, ref);
  const member = await repos.members.get(course.id, user.id);
  if (member?.role !== 'TEACHER') fail('NOT_FOUND', `${ref} is not a teacher of this course.`);
  return user;
}

/** courses.teachers.get: anyone who can see the course sees its teachers. */
export async function getTeacher(env: Env, caller: Caller, courseRef: string, userRef: string): Promise<Teacher> {
  const repos = env.store.read;
  const { course } = await loadCourse(repos, caller, courseRef);
  return toTeacher(course, await teacherOf(repos, caller, course, userRef), { showEmail: seesEmails(caller.scopes), showPhoto: seesPhotos(caller.scopes) });
}

/** courses.teachers.list, in the order teachers joined, so the course's creator comes first. */
export async function listTeachers(env: Env, caller: Caller, courseRef: string, page: Page): Promise<{ teachers?: Teacher[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const { course } = await loadCourse(repos, caller, courseRef);
  const { items, nextPageToken } = finishPage(page, await repos.members.users(course.id, 'TEACHER', page.window));
  const showEmail = seesEmails(caller.scopes);
  const showPhoto = seesPhotos(caller.scopes);
  const teachers = items.map((user) => toTeacher(course, user, { showEmail, showPhoto }));
  return { ...(teachers.length > 0 ? { teachers } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/**
 * courses.teachers.delete: owners, co-teachers and admins; never the owner, the previous owner while
 * a transfer runs, anyone while the owner is inactive, or the Drive folder's owner.
 */
export async function deleteTeacher(env: Env, caller: Caller, courseRef: string, userRef: string): Promise<Record<string, never>> {
  const event = await env.store.transaction(async (repos) => {
    const { course, owner, rel } = await loadCourse(repos, caller, courseRef, { lock: true });
    enforce(checkTeacherRemover(rel));
    const user = await teacherOf(repos, caller, course, userRef);
    const now = env.clock.now();
    enforce(checkTeacherRemoval(course, owner, user.id, now));
    await repos.members.delete(course.id, user.id);
    return { kind: 'roster', courseId: course.id, userId: user.id, role: 'TEACHER', change: 'DELETED', domain: owner?.domain ?? user.domain, at: now } satisfies RosterEvent;
  });
  announce(env, [event]);
  return {};
}
