import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import {
  aliasScope,
  canEdit,
  checkGradingPeriodEligibility,
  checkGradingPeriods,
  checkGroupMemberships,
  checkModifiable,
  checkNewOwner,
  checkOwnerActive,
  checkOwnerChange,
  checkStateChanger,
  checkCourseTexts,
  checkTitle,
  CREATABLE_STATES,
  type PeriodInput,
} from '../../rules/courses.js';
import type { Repos } from '../../store/repos.js';
import type { CourseRow } from '../../store/schema.js';
import { finishPage, type Page } from '../paging.js';
import { loadCourse, type LoadedCourse } from './access.js';
import { ownershipTransfer } from './ownership.js';
import { columnOf, PATCHABLE_FIELDS, toCourse, WRITABLE_FIELDS, type Course } from './schema.js';

type CourseInput = Readonly<Record<string, unknown>>;

function text(input: CourseInput, field: string): string | undefined {
  const value = input[field];
  return typeof value === 'string' ? value : undefined;
}

/** The course as this caller may see it. */
export async function present(repos: Repos, loaded: Pick<LoadedCourse, 'course' | 'owner' | 'rel'>): Promise<Course> {
  const privileged = loaded.rel.owner || loaded.rel.teacher || loaded.rel.admin;
  const domain = loaded.owner?.domain ?? (await repos.users.byId(loaded.course.owner_id))?.domain ?? 'unknown';
  return toCourse(loaded.course, domain, { privileged });
}

/** courses.create: the owner becomes owner and first teacher; an alias in `id` is reserved too. */
export async function createCourse(env: Env, caller: Caller, input: CourseInput): Promise<Course> {
  const name = text(input, 'name');
  if (!name || name.trim() === '') invalidArgument('The course name is required.', 'course.name');
  const ownerRef = text(input, 'ownerId');
  if (!ownerRef) invalidArgument('The course owner (ownerId) is required.', 'course.owner_id');
  const state = text(input, 'courseState') ?? 'PROVISIONED';
  if (!CREATABLE_STATES.has(state)) {
    invalidArgument(`A course can only be created as PROVISIONED or ACTIVE, not ${state}.`, 'course.course_state');
  }
  const aliasRef = text(input, 'id');
  const scope = aliasRef === undefined || aliasRef === '' ? undefined : aliasScope(aliasRef);
  if (aliasRef && !scope) {
    invalidArgument('A course id given at creation must be an alias: d: or p: followed by letters, digits or _ . - ~ (256 characters at most).', 'course.id');
  }
  enforce(checkCourseTexts(input));
  if (!caller.user.can_create_courses) fail('PERMISSION_DENIED', 'The requesting user is not permitted to create courses.');
  // Domain aliases are reserved for domain administrators (see courses.aliases).
  if (scope === 'domain' && caller.user.is_admin !== 1) fail('PERMISSION_DENIED', 'Only a domain administrator can give a course a domain alias.');

  return env.store.transaction(async (repos) => {
    const owner = await resolveUser(repos, caller, ownerRef);
    enforce(checkNewOwner(caller.user, owner, ownerRef));
    if (!owner) fail('NOT_FOUND', `No user ${ownerRef}.`);
    enforce(checkTitle(name));
    const locked = await repos.users.lock(owner.id);
    if (!locked) fail('NOT_FOUND', `No user ${ownerRef}.`);
    enforce(checkGroupMemberships(locked, await repos.members.countForUser(owner.id), env.limits));

    let alias: { namespace: string; alias: string } | undefined;
    if (aliasRef && scope) {
      alias = { namespace: scope === 'domain' ? caller.user.domain : caller.project.id, alias: aliasRef };
      if (await repos.aliases.get(alias.namespace, alias.alias)) fail('ALREADY_EXISTS', `The alias ${aliasRef} is already taken.`);
    }

    const now = env.clock.now();
    const row: CourseRow = {
      id: env.ids.course(),
      name,
      section: text(input, 'section') ?? null,
      description_heading: text(input, 'descriptionHeading') ?? null,
      description: text(input, 'description') ?? null,
      room: text(input, 'room') ?? null,
      subject: text(input, 'subject') ?? null,
      owner_id: owner.id,
      course_state: state,
      enrollment_code: env.ids.text(7),
      creation_time: now,
      update_time: now,
      teacher_folder_id: `0B${env.ids.text(26, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
      teacher_folder_owner_id: null,
      guardians_enabled: 0,
      calendar_id: `classroom${env.ids.digits(15)}@group.calendar.google.com`,
      project_id: caller.project.id,
      grading_period_settings: null,
      gradebook_settings: null,
      transfer_from_id: null,
      transfer_done_at: null,
    };
    await repos.courses.insert(row);
    await repos.members.insert({ course_id: row.id, user_id: owner.id, role: 'TEACHER', created_at: now });
    // Claimed in one statement: a concurrent request for the same alias loses cleanly, and the throw
    // rolls the course back with it.
    if (alias && !(await repos.aliases.insertIfAbsent({ ...alias, course_id: row.id, created_at: now }))) {
      fail('ALREADY_EXISTS', `The alias ${alias.alias} is already taken.`);
    }
    return present(repos, {
      course: row,
      owner,
      rel: { owner: owner.id === caller.user.id, teacher: owner.id === caller.user.id, student: false, admin: caller.user.is_admin === 1 },
    });
  });
}

/** courses.get */
export async function getCourse(env: Env, caller: Caller, ref: string): Promise<Course> {
  const repos = env.store.read;
  return present(repos, await loadCourse(repos, caller, ref));
}

/** Filters of courses.list. */
export interface CourseListQuery {
  studentId?: string;
  teacherId?: string;
  courseStates?: string[];
}

/** States listed when the request names none, per the reference: everything but SUSPENDED. */
const DEFAULT_LIST_STATES = ['ACTIVE', 'ARCHIVED', 'PROVISIONED', 'DECLINED'];

/**
 * courses.list: a non-admin sees the courses they belong to; a domain admin sees every course whose
 * owner is in their domain. `studentId` / `teacherId` narrow further and must name existing users.
 * Newest first, as production orders them.
 */
export async function listCourses(env: Env, caller: Caller, query: CourseListQuery, page: Page): Promise<{ courses?: Course[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const student = query.studentId ? await resolveUser(repos, caller, query.studentId) : undefined;
  if (query.studentId && !student) fail('NOT_FOUND', `No user ${query.studentId}.`);
  const teacher = query.teacherId ? await resolveUser(repos, caller, query.teacherId) : undefined;
  if (query.teacherId && !teacher) fail('NOT_FOUND', `No user ${query.teacherId}.`);
  const admin = caller.user.is_admin === 1;
  if (!admin) {
    for (const user of [student, teacher]) {
      if (user && user.id !== caller.user.id && user.domain !== caller.user.domain) {
        fail('PERMISSION_DENIED', 'The caller may not list the courses of a user in another domain.');
      }
    }
  }
  // Differs from production: an admin's listing holds the courses owned in their domain only, not
  // courses of other domains they happen to be a member of.
  const rows = await repos.courses.list(
    {
      ...(student ? { studentId: student.id } : {}),
      ...(teacher ? { teacherId: teacher.id } : {}),
      states: query.courseStates && query.courseStates.length > 0 ? query.courseStates : DEFAULT_LIST_STATES,
      ...(admin ? { ownerDomain: caller.user.domain } : { memberId: caller.user.id, suspendedOnlyFor: caller.user.id }),
    },
    page.window,
  );
  const { items, nextPageToken } = finishPage(page, rows);
  const owners = await repos.users.byIds(items.map((c) => c.owner_id));
  const memberships = await Promise.all(items.map((c) => repos.members.get(c.id, caller.user.id)));
  const courses = items.map((course, i) => {
      const role = memberships[i]?.role;
      const privileged = admin || course.owner_id === caller.user.id || role === 'TEACHER';
      return toCourse(course, owners.get(course.owner_id)?.domain ?? caller.user.domain, { privileged });
    });
  return { ...(courses.length > 0 ? { courses } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** `owner_id` → `ownerId`: masks may name fields by their proto or their JSON names. */
function camel(name: string): string {
  return name.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Parses and checks an update mask against the fields a method accepts (JSON names; proto names are
 * accepted too, as Google's front end does). INVALID_ARGUMENT naming `update_mask` when it is missing,
 * empty or names anything else.
 */
export function readMask(raw: unknown, allowed: readonly string[]): string[] {
  if (typeof raw !== 'string' || raw.trim() === '') {
    invalidArgument('An update mask is required: name the fields to change in updateMask.', 'update_mask');
  }
  const fields = raw.split(',').map((f) => camel(f.trim()));
  for (const field of fields) {
    if (field === '') invalidArgument('The update mask has an empty field name.', 'update_mask');
    if (!allowed.includes(field)) invalidArgument(`The update mask names a field that cannot be changed: ${field}.`, 'update_mask');
  }
  return [...new Set(fields)];
}

/**
 * Applies a set of field changes to a loaded, locked course. `checkOwner`: whether an inactive owner
 * blocks the change (courses.patch lists InactiveCourseOwner; courses.update does not).
 */
async function applyChanges(
  env: Env,
  repos: Repos,
  caller: Caller,
  loaded: LoadedCourse,
  changes: Record<string, unknown>,
  options: { checkOwner: boolean },
): Promise<Course> {
  const { course, rel } = loaded;
  if (!canEdit(rel)) fail('PERMISSION_DENIED', 'The caller may not change this course.');
  const fields = Object.keys(changes);
  let newState: string | undefined;
  if ('courseState' in changes) {
    const state = changes.courseState;
    if (typeof state !== 'string' || state === '' || state === 'COURSE_STATE_UNSPECIFIED') {
      invalidArgument('courseState must name a state when the update mask includes it.', 'course.course_state');
    }
    newState = state;
    if (newState !== course.course_state) enforce(checkStateChanger(rel));
  }

  enforce(checkModifiable(course, fields, newState));
  if (options.checkOwner) enforce(checkOwnerActive(loaded.owner));
  enforce(checkCourseTexts(changes));
  if ('name' in changes) {
    const name = changes.name;
    if (typeof name !== 'string' || name.trim() === '') invalidArgument('The course name cannot be empty.', 'course.name');
    enforce(checkTitle(name));
  }

  const now = env.clock.now();
  const patch: Partial<CourseRow> = { update_time: now };
  for (const field of fields) {
    if (field === 'ownerId') continue;
    const column = columnOf(field);
    const value = changes[field];
    if (column) (patch as Record<string, unknown>)[column] = typeof value === 'string' && value !== '' ? value : field === 'name' || field === 'courseState' ? value : null;
  }

  if ('ownerId' in changes) {
    if (!rel.owner && !rel.admin) fail('PERMISSION_DENIED', 'Only the course owner or a domain administrator can transfer ownership.');
    const ref = changes.ownerId;
    if (typeof ref !== 'string' || ref === '') invalidArgument('ownerId must name a user.', 'course.owner_id');
    const newOwner = await resolveUser(repos, caller, ref);
    const member = newOwner ? await repos.members.get(course.id, newOwner.id) : undefined;
    const pending = await repos.invitations.pendingOwner(course.id);
    enforce(checkOwnerChange(course, newOwner, member?.role === 'TEACHER', pending !== undefined));
    if (newOwner && newOwner.id !== course.owner_id) Object.assign(patch, ownershipTransfer(env, course, newOwner));
  }

  await repos.courses.update(course.id, patch);
  const updated = { ...course, ...patch } as CourseRow;
  const owner = patch.owner_id ? await repos.users.byId(patch.owner_id) : loaded.owner;
  return present(repos, { course: updated, owner, rel: { ...rel, owner: updated.owner_id === caller.user.id } });
}

/** courses.patch */
export async function patchCourse(env: Env, caller: Caller, ref: string, updateMask: unknown, input: CourseInput): Promise<Course> {
  const fields = readMask(updateMask, PATCHABLE_FIELDS);
  return env.store.transaction(async (repos) => {
    const loaded = await loadCourse(repos, caller, ref, { lock: true });
    const changes: Record<string, unknown> = {};
    for (const field of fields) changes[field] = input[field] ?? null;
    return applyChanges(env, repos, caller, loaded, changes, { checkOwner: true });
  });
}

/** courses.update: replaces every writable field; ones left out are cleared. */
export async function updateCourse(env: Env, caller: Caller, ref: string, input: CourseInput): Promise<Course> {
  return env.store.transaction(async (repos) => {
    const loaded = await loadCourse(repos, caller, ref, { lock: true });
    const changes: Record<string, unknown> = {};
    for (const field of WRITABLE_FIELDS) {
      const current = loaded.course[columnOf(field) as keyof CourseRow];
      const next = input[field] ?? (field === 'courseState' ? loaded.course.course_state : null);
      if (next !== current) changes[field] = next;
    }
    if (!('name' in changes) && typeof input.name !== 'string') invalidArgument('The course name is required.', 'course.name');
    return applyChanges(env, repos, caller, loaded, changes, { checkOwner: false });
  });
}

/** courses.delete: only the owner or a domain admin. */
export async function deleteCourse(env: Env, caller: Caller, ref: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const { course, rel } = await loadCourse(repos, caller, ref, { lock: true });
    if (!rel.owner && !rel.admin) fail('PERMISSION_DENIED', 'Only the course owner or a domain administrator can delete the course.');
    await repos.courses.delete(course.id);
    return {};
  });
}

/** courses.getGradingPeriodSettings */
export async function getGradingPeriodSettings(env: Env, caller: Caller, ref: string): Promise<Record<string, unknown>> {
  const { course } = await loadCourse(env.store.read, caller, ref);
  return course.grading_period_settings ? (JSON.parse(course.grading_period_settings) as Record<string, unknown>) : {};
}

/**
 * courses.updateGradingPeriodSettings: teachers and admins whose licence allows it (and whose course
 * owner's does). The list of periods replaces the current one: periods without an id are added (and
 * get one), known ids are edits, missing ones are deleted, unknown ids are rejected.
 */
export async function updateGradingPeriodSettings(env: Env, caller: Caller, ref: string, updateMask: unknown, input: CourseInput): Promise<Record<string, unknown>> {
  const fields = readMask(updateMask, ['gradingPeriods', 'applyToExistingCoursework']);
  return env.store.transaction(async (repos) => {
    const loaded = await loadCourse(repos, caller, ref, { lock: true });
    if (!canEdit(loaded.rel)) fail('PERMISSION_DENIED', 'The caller may not change grading periods of this course.');
    enforce(checkGradingPeriodEligibility(caller.user, loaded.owner));
    const current = loaded.course.grading_period_settings ? (JSON.parse(loaded.course.grading_period_settings) as Record<string, unknown>) : {};
    const next: Record<string, unknown> = { ...current };
    if (fields.includes('gradingPeriods')) {
      const periods = (input.gradingPeriods ?? []) as PeriodInput[];
      const known = new Set(((current.gradingPeriods ?? []) as PeriodInput[]).map((p) => p.id).filter((id): id is string => typeof id === 'string'));
      enforce(checkGradingPeriods(periods, known));
      next.gradingPeriods = periods.map((period) => ({
        id: period.id ? period.id : env.ids.digits(10),
        title: period.title,
        startDate: period.startDate,
        endDate: period.endDate,
      }));
      if (periods.length === 0) delete next.gradingPeriods;
    }
    if (fields.includes('applyToExistingCoursework')) next.applyToExistingCoursework = Boolean(input.applyToExistingCoursework);
    await repos.courses.update(loaded.course.id, { grading_period_settings: JSON.stringify(next), update_time: env.clock.now() });
    return next;
  });
}
