import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import { checkAccountEnabled, checkNotMember, checkStudentAdd, checkStudentRemoval } from '../../rules/rosters.js';
import type { Repos } from '../../store/repos.js';
import type { CourseRow, UserRow } from '../../store/schema.js';
import { loadCourse } from '../courses/access.js';
import { finishPage, type Page } from '../paging.js';
import { seesEmails, seesPhotos } from '../user-profiles/schema.js';
import { admit, announce, lockCourse, type RosterEvent } from './join.js';
import { toStudent, type Student } from './schema.js';

type Input = Readonly<Record<string, unknown>>;

/** The user a roster call names; NOT_FOUND when nobody matches. */
export async function targetUser(repos: Repos, caller: Caller, ref: string): Promise<UserRow> {
  const user = await resolveUser(repos, caller, ref);
  if (!user) fail('NOT_FOUND', `No user ${ref} exists.`);
  return user;
}

/** The `userId` of a create request's body, required. */
export function userRefOf(input: Input, field: string): string {
  const ref = input.userId;
  if (typeof ref !== 'string' || ref.trim() === '') invalidArgument('userId must name the user: a numeric id, an email address or "me".', field);
  return ref.trim();
}

/** Student.studentWorkFolder is "only visible to the student and domain administrators" (not to teachers). */
function seesWorkFolder(rel: { admin: boolean }, self: boolean): boolean {
  return rel.admin || self;
}

function view(caller: Caller, privileged: boolean) {
  return { showEmail: seesEmails(caller.scopes), showPhoto: seesPhotos(caller.scopes), privileged };
}

/**
 * courses.students.create: a domain admin adds a user of their domain; a user adds themself with the
 * enrollment code; teachers must invite. Runs the join path in one transaction.
 */
export async function createStudent(env: Env, caller: Caller, courseRef: string, enrollmentCode: string | undefined, input: Input): Promise<Student> {
  const userRef = userRefOf(input, 'student.user_id');
  let events: RosterEvent[] = [];
  const student = await env.store.transaction(async (repos) => {
    const { course, owner, rel } = await lockCourse(repos, caller, courseRef);
    const target = await targetUser(repos, caller, userRef);
    enforce(checkStudentAdd({ caller: caller.user, target, rel, course, enrollmentCode }));
    const user = (await repos.users.lock(target.id)) ?? target;
    const member = await repos.members.get(course.id, user.id);
    enforce(checkNotMember(user, member?.role));
    enforce(checkAccountEnabled(user));
    ({ events } = await admit(env, repos, { course, owner, user, role: 'STUDENT', current: undefined, checkOwner: true }));
    return toStudent(course, user, view(caller, seesWorkFolder(rel, user.id === caller.user.id)));
  });
  announce(env, events);
  return student;
}

/** The student row of a course, or NOT_FOUND. */
async function studentOf(repos: Repos, caller: Caller, course: CourseRow, ref: string): Promise<UserRow> {
  const user = await targetUser(repos, caller, ref);
  const member = await repos.members.get(course.id, user.id);
  if (member?.role !== 'STUDENT') fail('NOT_FOUND', `${ref} is not a student of this course.`);
  return user;
}

/** courses.students.get: anyone who can see the course sees its students. */
export async function getStudent(env: Env, caller: Caller, courseRef: string, userRef: string): Promise<Student> {
  const repos = env.store.read;
  const { course, rel } = await loadCourse(repos, caller, courseRef);
  const user = await studentOf(repos, caller, course, userRef);
  return toStudent(course, user, view(caller, seesWorkFolder(rel, user.id === caller.user.id)));
}

/** courses.students.list, in the order students joined. */
export async function listStudents(env: Env, caller: Caller, courseRef: string, page: Page): Promise<{ students?: Student[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const { course, rel } = await loadCourse(repos, caller, courseRef);
  const { items, nextPageToken } = finishPage(page, await repos.members.users(course.id, 'STUDENT', page.window));
  const students = items.map((user) => toStudent(course, user, view(caller, seesWorkFolder(rel, user.id === caller.user.id))));
  return { ...(students.length > 0 ? { students } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** courses.students.delete: teachers and admins remove students; a student may leave. */
export async function deleteStudent(env: Env, caller: Caller, courseRef: string, userRef: string): Promise<Record<string, never>> {
  const event = await env.store.transaction(async (repos) => {
    const { course, owner, rel } = await loadCourse(repos, caller, courseRef, { lock: true });
    const target = await targetUser(repos, caller, userRef);
    enforce(checkStudentRemoval(rel, target.id === caller.user.id));
    const user = await studentOf(repos, caller, course, userRef);
    await repos.members.delete(course.id, user.id);
    const at = env.clock.now();
    return { kind: 'roster', courseId: course.id, userId: user.id, role: 'STUDENT', change: 'DELETED', domain: owner?.domain ?? user.domain, at } satisfies RosterEvent;
  });
  announce(env, [event]);
  return {};
}
