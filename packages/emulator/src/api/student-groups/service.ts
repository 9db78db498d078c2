import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import {
  checkGroupCandidate,
  checkGroupLimit,
  checkGroupMemberLimit,
  checkGroupReader,
  checkGroupTitle,
  checkGroupWriter,
} from '../../rules/student-groups.js';
import type { StudentGroupRow } from '../../store/group-repos.js';
import type { Repos } from '../../store/repos.js';
import { loadCourse, type LoadedCourse } from '../courses/access.js';
import { readMask } from '../courses/service.js';
import { finishPage, type Page } from '../paging.js';
import { toStudentGroup, toStudentGroupMember, type StudentGroup, type StudentGroupMember } from './schema.js';

type Input = Readonly<Record<string, unknown>>;

/** Loads the course for a write to its groups: locked, and the caller allowed to write. */
async function writableCourse(repos: Repos, caller: Caller, ref: string): Promise<LoadedCourse> {
  const loaded = await loadCourse(repos, caller, ref, { lock: true });
  enforce(checkGroupWriter(loaded.rel, caller.user, loaded.owner));
  return loaded;
}

/** A group of the course, or NOT_FOUND. */
async function groupOf(repos: Repos, courseId: string, id: string, options: { lock?: boolean } = {}): Promise<StudentGroupRow> {
  const row = options.lock ? await repos.groups.lock(courseId, id) : await repos.groups.get(courseId, id);
  if (!row) fail('NOT_FOUND', 'Requested entity was not found.');
  return row;
}

/** courses.studentGroups.create: teachers and admins; a course holds a limited number of groups. */
export async function createStudentGroup(env: Env, caller: Caller, ref: string, input: Input): Promise<StudentGroup> {
  enforce(checkGroupTitle(input.title));
  const title = (input.title as string).trim();
  return env.store.transaction(async (repos) => {
    // The course row lock serialises group creation, so the limit cannot be raced.
    const { course } = await writableCourse(repos, caller, ref);
    enforce(checkGroupLimit(await repos.groups.count(course.id), env.limits));
    const row: StudentGroupRow = { id: env.ids.digits(12), course_id: course.id, title, created_at: env.clock.now() };
    await repos.groups.insert(row);
    return toStudentGroup(row);
  });
}

/** courses.studentGroups.list: teachers and admins, in the order the groups were created. */
export async function listStudentGroups(env: Env, caller: Caller, ref: string, page: Page): Promise<{ studentGroups?: StudentGroup[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const { course, rel } = await loadCourse(repos, caller, ref);
  enforce(checkGroupReader(rel));
  const { items, nextPageToken } = finishPage(page, await repos.groups.list(course.id, page.window));
  return { ...(items.length > 0 ? { studentGroups: items.map(toStudentGroup) } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** courses.studentGroups.patch: only `title`, named in a required update mask. */
export async function patchStudentGroup(env: Env, caller: Caller, ref: string, id: string, updateMask: unknown, input: Input): Promise<StudentGroup> {
  readMask(updateMask, ['title']);
  enforce(checkGroupTitle(input.title));
  const title = (input.title as string).trim();
  return env.store.transaction(async (repos) => {
    const { course } = await writableCourse(repos, caller, ref);
    const row = await groupOf(repos, course.id, id);
    await repos.groups.update(row.id, { title });
    return toStudentGroup({ ...row, title });
  });
}

/** courses.studentGroups.delete: the group's memberships go with it. */
export async function deleteStudentGroup(env: Env, caller: Caller, ref: string, id: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const { course } = await writableCourse(repos, caller, ref);
    const row = await groupOf(repos, course.id, id);
    await repos.groups.delete(row.id);
    return {};
  });
}

/**
 * courses.studentGroups.studentGroupMembers.create: the user must be a student of the course, not yet
 * in the group, and the group must have room.
 */
export async function createStudentGroupMember(env: Env, caller: Caller, ref: string, groupId: string, input: Input): Promise<StudentGroupMember> {
  const userRef = typeof input.userId === 'string' ? input.userId.trim() : '';
  if (userRef === '') invalidArgument('userId must name the student: a numeric id, an email address or "me".', 'student_group_member.user_id');
  return env.store.transaction(async (repos) => {
    const { course } = await writableCourse(repos, caller, ref);
    // The group row lock serialises additions to one group: the member limit and the duplicate check
    // cannot be raced, on PostgreSQL too.
    const group = await groupOf(repos, course.id, groupId, { lock: true });
    const user = await resolveUser(repos, caller, userRef);
    if (!user) fail('NOT_FOUND', `No user ${userRef} exists.`);
    enforce(checkGroupCandidate((await repos.members.get(course.id, user.id))?.role, userRef));
    if (await repos.groups.member(group.id, user.id)) fail('ALREADY_EXISTS', `${userRef} is already a member of this student group.`);
    enforce(checkGroupMemberLimit(await repos.groups.countMembers(group.id), env.limits));
    const row = { group_id: group.id, course_id: course.id, user_id: user.id, created_at: env.clock.now() };
    await repos.groups.insertMember(row);
    return toStudentGroupMember(row);
  });
}

/** courses.studentGroups.studentGroupMembers.list: teachers and admins, in the order members were added. */
export async function listStudentGroupMembers(
  env: Env,
  caller: Caller,
  ref: string,
  groupId: string,
  page: Page,
): Promise<{ studentGroupMembers?: StudentGroupMember[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const { course, rel } = await loadCourse(repos, caller, ref);
  enforce(checkGroupReader(rel));
  const group = await groupOf(repos, course.id, groupId);
  const { items, nextPageToken } = finishPage(page, await repos.groups.members(group.id, page.window));
  return { ...(items.length > 0 ? { studentGroupMembers: items.map(toStudentGroupMember) } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** courses.studentGroups.studentGroupMembers.delete */
export async function deleteStudentGroupMember(env: Env, caller: Caller, ref: string, groupId: string, userRef: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const { course } = await writableCourse(repos, caller, ref);
    const group = await groupOf(repos, course.id, groupId, { lock: true });
    const user = await resolveUser(repos, caller, userRef);
    const member = user ? await repos.groups.member(group.id, user.id) : undefined;
    if (!user || !member) fail('NOT_FOUND', `${userRef} is not a member of this student group.`);
    await repos.groups.deleteMember(group.id, user.id);
    return {};
  });
}
