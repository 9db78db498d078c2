import { createHash } from 'node:crypto';
import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import type { ClassroomEvent } from '../../platform/events.js';
import {
  assignees,
  canSeeItem,
  checkCourseOpen,
  checkCreateState,
  checkInitialAssignees,
  checkNotDeleted,
  checkProject,
  checkScheduledTime,
  checkStateChange,
  checkTeacher,
  isViolation,
  parseOrderBy,
  seesAll,
  applyAssigneeChange,
  type AssigneeChange,
} from '../../rules/classwork.js';
import type { HistoryEntry } from '../../rules/submissions.js';
import type { ClassworkItemRow, ItemKind, StudentSubmissionRow } from '../../store/classwork-repos.js';
import type { Repos } from '../../store/repos.js';
import type { CourseRow } from '../../store/schema.js';
import { loadCourse, type LoadedCourse } from '../courses/access.js';
import { finishPage, type Page } from '../paging.js';
import { resolveMaterials } from './materials.js';

/** A request body or a part of one. */
export type Input = Readonly<Record<string, unknown>>;

/** Events of one request, emitted only once its transaction has committed. */
export type Events = ClassroomEvent[];

/**
 * Runs `fn` in one transaction and emits the events it collected after the commit, so that a failed
 * request never notifies anyone.
 */
export async function withEvents<T>(env: Env, fn: (repos: Repos, events: Events) => Promise<T>): Promise<T> {
  const events: Events = [];
  const result = await env.store.transaction((repos) => fn(repos, events));
  for (const event of events) env.events.emit(event);
  return result;
}

/** What a presenter needs to know about the caller. */
export interface ItemView {
  callerProjectId: string;
  /** Teachers and admins: they see teacher-only fields. */
  privileged: boolean;
}

/** The view of a caller towards a loaded course. */
export function viewOf(caller: Caller, loaded: LoadedCourse): ItemView {
  return { callerProjectId: caller.project.id, privileged: seesAll(loaded.rel) };
}

/** Classroom's links use the base64 of numeric ids. */
export function b64(id: string): string {
  return Buffer.from(id).toString('base64url');
}

/** A stable Drive-like id derived from another id (folders the emulator never stores). */
export function derivedDriveId(seed: string): string {
  return `1${createHash('sha256').update(seed).digest('base64url').slice(0, 32)}`;
}

/** Drops undefined and null fields, as proto3 JSON omits unset fields. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** The students of a course, by id. */
export async function courseStudents(repos: Repos, courseId: string): Promise<Set<string>> {
  const rows = await repos.members.list(courseId, 'STUDENT', { offset: 0, limit: 1_000_000 });
  return new Set(rows.map((r) => r.user_id));
}

/**
 * Makes sure every assigned student of published course work has a submission.
 *
 * Submissions are created when work is published, and lazily on the next access for students who
 * joined (or were assigned) later: no roster hook is needed, and a student enrolled by any path —
 * API, admin fixtures, import — gets their submission the first time anyone looks.
 */
export async function ensureSubmissions(env: Env, repos: Repos, works: readonly ClassworkItemRow[], events: Events, students?: Set<string>): Promise<void> {
  const published = works.filter((w) => w.kind === 'COURSE_WORK' && w.state === 'PUBLISHED');
  if (published.length === 0) return;
  const courseId = published[0]!.course_id;
  const everyone = students ?? (await courseStudents(repos, courseId));
  if (everyone.size === 0) return;
  const existing = await repos.classwork.submissions(published.map((w) => w.id));
  const have = new Set(existing.map((s) => `${s.course_work_id}/${s.user_id}`));
  const rows: StudentSubmissionRow[] = [];
  for (const work of published) {
    const chosen = assignees(work);
    for (const userId of everyone) {
      if (chosen && !chosen.has(userId)) continue;
      if (have.has(`${work.id}/${userId}`)) continue;
      rows.push({
        id: `Cg4I${env.ids.text(12, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
        course_id: work.course_id,
        course_work_id: work.id,
        user_id: userId,
        state: 'NEW',
        creation_time: null,
        update_time: null,
        draft_grade: null,
        assigned_grade: null,
        released_grade: null,
        answer: null,
        attachments: '[]',
        history: '[]',
        turned_in_at: null,
        returned_at: null,
      });
    }
  }
  if (rows.length === 0) return;
  const inserted = await repos.classwork.insertSubmissions(rows);
  const at = env.clock.now();
  for (const row of rows.filter((r) => inserted.has(r.id))) events.push({ kind: 'course-work', courseId: row.course_id, courseWorkId: row.course_work_id, submissionId: row.id, change: 'CREATED', at });
}

/**
 * Publishes drafts whose scheduled time has passed on the virtual clock. Called whenever a course's
 * classwork is touched, so that advancing the clock is all a test needs to do.
 */
export async function promoteScheduled(env: Env, repos: Repos, courseId: string, events: Events): Promise<void> {
  const due = await repos.classwork.dueDrafts(courseId, env.clock.now());
  for (const item of due) {
    if (!(await repos.classwork.publishScheduled(item.id, item.scheduled_time!))) continue;
    item.state = 'PUBLISHED';
    item.update_time = item.scheduled_time!;
    item.scheduled_time = null;
    if (item.kind === 'COURSE_WORK') {
      events.push({ kind: 'course-work', courseId, courseWorkId: item.id, change: 'MODIFIED', at: env.clock.now() });
    }
  }
  await ensureSubmissions(env, repos, due, events);
}

/** Loads a course for classwork and publishes what is due. */
export async function openCourse(env: Env, repos: Repos, caller: Caller, ref: string, events: Events, options: { lock?: boolean } = {}): Promise<LoadedCourse> {
  const loaded = await loadCourse(repos, caller, ref, options);
  await promoteScheduled(env, repos, loaded.course.id, events);
  return loaded;
}

/**
 * Loads an item the caller may see: NOT_FOUND when it does not exist or is hidden from them (a draft,
 * or work assigned to other students), so a student cannot probe for drafts.
 */
export async function loadItem(
  repos: Repos,
  caller: Caller,
  loaded: LoadedCourse,
  kind: ItemKind,
  id: string,
  options: { lock?: boolean; forChange?: boolean } = {},
): Promise<ClassworkItemRow> {
  const item = options.lock ? await repos.classwork.lockItem(loaded.course.id, kind, id) : await repos.classwork.item(loaded.course.id, kind, id);
  if (!item || !canSeeItem(item, loaded.rel, caller.user.id)) {
    // Changing a deleted item is FAILED_PRECONDITION for those who could see it, as the reference
    // describes for delete and patch; reading it is plain NOT_FOUND.
    if (options.forChange && item?.state === 'DELETED' && seesAll(loaded.rel)) enforce(checkNotDeleted(item));
    fail('NOT_FOUND', 'Requested entity was not found.');
  }
  return item;
}

/** Parses an RFC 3339 timestamp field. */
export function readTime(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '') return null;
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) invalidArgument(`Invalid timestamp for ${field}.`, field);
  return ms;
}

/** Reads an update mask whose entries may be spelt in snake_case or camelCase. */
export function readItemMask(raw: unknown, allowed: readonly string[]): string[] {
  if (typeof raw !== 'string' || raw.trim() === '') invalidArgument('An update mask is required: name the fields to change in updateMask.', 'update_mask');
  const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const out = new Set<string>();
  for (const part of raw.split(',').map((f) => f.trim()).filter(Boolean)) {
    const field = camel(part);
    if (!allowed.includes(field)) invalidArgument(`The update mask names a field that cannot be changed: ${part}.`, 'update_mask');
    out.add(field);
  }
  return [...out];
}

/** What differs between course work, announcements and course work materials. */
export interface ItemSpec<R> {
  kind: ItemKind;
  /** The item in English, for messages. */
  noun: string;
  /** The same, plural. */
  plural: string;
  /** The request field prefix in error field paths. */
  prefix: string;
  /** Fields patch accepts (camelCase). */
  patchable: readonly string[];
  /** Fields orderBy accepts. */
  orderable: readonly string[];
  present(row: ClassworkItemRow, view: ItemView): R;
  /** Checks and maps the kind's own fields of a new item. */
  build(input: Input, context: { now: number; course: CourseRow; scheduledAt: number | null }): Partial<ClassworkItemRow>;
  /** Applies one of the kind's own fields in a patch; returns false for the shared fields. */
  patchField?(
    field: string,
    input: Input,
    current: ClassworkItemRow,
    patch: Partial<ClassworkItemRow>,
    mask: readonly string[],
    course: CourseRow,
  ): boolean;
}

/** Creates an item: teachers only, in a course that still runs; materials are checked against Drive. */
export async function createItem<R>(env: Env, caller: Caller, ref: string, spec: ItemSpec<R>, input: Input): Promise<R> {
  return withEvents(env, async (repos, events) => {
    const loaded = await openCourse(env, repos, caller, ref, events, { lock: true });
    enforce(checkTeacher(loaded.rel, `create ${spec.plural}`));
    enforce(checkCourseOpen(loaded.course));
    const now = env.clock.now();
    const state = typeof input.state === 'string' && !input.state.endsWith('_STATE_UNSPECIFIED') ? input.state : 'DRAFT';
    enforce(checkCreateState(state, `${spec.prefix}.state`));
    const scheduled = readTime(input.scheduledTime, `${spec.prefix}.scheduled_time`);
    enforce(checkScheduledTime(state, scheduled, now, `${spec.prefix}.scheduled_time`));
    const own = spec.build(input, { now, course: loaded.course, scheduledAt: scheduled });

    const mode = input.assigneeMode === 'INDIVIDUAL_STUDENTS' ? 'INDIVIDUAL_STUDENTS' : 'ALL_STUDENTS';
    const individual = (input.individualStudentsOptions as { studentIds?: string[] } | undefined)?.studentIds;
    const students = await courseStudents(repos, loaded.course.id);
    enforce(checkInitialAssignees(mode, individual ?? (input.individualStudentsOptions ? [] : undefined), students, spec.prefix));

    const topicId = typeof input.topicId === 'string' && input.topicId !== '' ? input.topicId : null;
    if (topicId && !(await repos.classwork.topic(loaded.course.id, topicId))) {
      invalidArgument(`The course has no topic ${topicId}.`, `${spec.prefix}.topic_id`);
    }
    const materials = await resolveMaterials(repos, caller, input.materials, `${spec.prefix}.materials`, { studentCopy: spec.kind === 'COURSE_WORK' });

    const row: ClassworkItemRow = {
      id: env.ids.digits(12),
      course_id: loaded.course.id,
      kind: spec.kind,
      title: null,
      description: null,
      state,
      scheduled_time: scheduled,
      creation_time: now,
      update_time: now,
      creator_id: caller.user.id,
      project_id: caller.project.id,
      assignee_mode: mode,
      student_ids: JSON.stringify(mode === 'INDIVIDUAL_STUDENTS' ? [...new Set(individual)] : []),
      materials: JSON.stringify(materials),
      topic_id: topicId,
      work_type: null,
      max_points: null,
      due_date: null,
      due_time: null,
      due_at: null,
      submission_modification_mode: null,
      choices: null,
      grading_period_id: null,
      ...own,
    };
    await repos.classwork.insertItem(row);
    if (spec.kind === 'COURSE_WORK') {
      events.push({ kind: 'course-work', courseId: row.course_id, courseWorkId: row.id, change: 'CREATED', at: now });
      await ensureSubmissions(env, repos, [row], events, students);
    }
    return spec.present(row, viewOf(caller, loaded));
  });
}

/** Gets one item the caller may see. */
export async function getItem<R>(env: Env, caller: Caller, ref: string, spec: ItemSpec<R>, id: string): Promise<R> {
  return withEvents(env, async (repos, events) => {
    const loaded = await openCourse(env, repos, caller, ref, events);
    const item = await loadItem(repos, caller, loaded, spec.kind, id);
    return spec.present(item, viewOf(caller, loaded));
  });
}

/** Filters of a list of items. */
export interface ItemQuery {
  states?: string[];
  orderBy?: string;
  /** Course work materials: only items with this Drive file among their materials. */
  materialDriveId?: string;
  /** Course work materials: only items with a link to this URL. */
  materialLink?: string;
}

function hasMaterial(row: ClassworkItemRow, query: ItemQuery): boolean {
  if (!query.materialDriveId && !query.materialLink) return true;
  const materials = JSON.parse(row.materials) as Record<string, Record<string, unknown>>[];
  const drive = !query.materialDriveId || materials.some((m) => (m.driveFile?.driveFile as { id?: string } | undefined)?.id === query.materialDriveId);
  const link = !query.materialLink || materials.some((m) => m.link?.url === query.materialLink);
  return drive && link;
}

/**
 * Lists items: PUBLISHED unless other states are asked for; students only ever see published items
 * assigned to them. Ordered by `orderBy` (default most recently updated first).
 */
export async function listItems<R>(env: Env, caller: Caller, ref: string, spec: ItemSpec<R>, query: ItemQuery, page: Page): Promise<{ items: R[]; nextPageToken?: string }> {
  const order = parseOrderBy(query.orderBy, spec.orderable);
  if (isViolation(order)) enforce(order);
  return withEvents(env, async (repos, events) => {
    const loaded = await openCourse(env, repos, caller, ref, events);
    const privileged = seesAll(loaded.rel);
    const asked = (query.states ?? []).filter((s) => !s.endsWith('_STATE_UNSPECIFIED'));
    const wanted = asked.length > 0 ? asked : ['PUBLISHED'];
    // Students never see anything but published items, whatever states they ask for.
    const states = privileged ? wanted : wanted.filter((s) => s === 'PUBLISHED');
    const found = states.length > 0 ? await repos.classwork.items(loaded.course.id, spec.kind, states) : [];
    const rows = found.filter((row) => (privileged || canSeeItem(row, loaded.rel, caller.user.id)) && hasMaterial(row, query));
    const keys = order as { field: string; desc: boolean }[];
    rows.sort((a, b) => {
      for (const { field, desc } of keys) {
        const x = field === 'dueDate' ? a.due_at : a.update_time;
        const y = field === 'dueDate' ? b.due_at : b.update_time;
        if (x === y) continue;
        if (x === null) return 1;
        if (y === null) return -1;
        return desc ? y - x : x - y;
      }
      return b.creation_time - a.creation_time || (a.id < b.id ? 1 : -1);
    });
    const { items, nextPageToken } = finishPage(page, rows.slice(page.window.offset, page.window.offset + page.window.limit));
    const view = viewOf(caller, loaded);
    return { items: items.map((row) => spec.present(row, view)), ...(nextPageToken ? { nextPageToken } : {}) };
  });
}

/** Loads an item for a change: visible, a teacher calling, from the creating project, not deleted. */
async function loadForChange(env: Env, repos: Repos, caller: Caller, ref: string, spec: ItemSpec<unknown>, id: string, events: Events) {
  const loaded = await openCourse(env, repos, caller, ref, events, { lock: true });
  const item = await loadItem(repos, caller, loaded, spec.kind, id, { lock: true, forChange: true });
  enforce(checkTeacher(loaded.rel, `change ${spec.plural}`));
  enforce(checkProject(item.project_id, caller.project.id, spec.noun));
  enforce(checkNotDeleted(item));
  enforce(checkCourseOpen(loaded.course));
  return { loaded, item };
}

/** Patches an item with an update mask: shared fields here, the kind's own through the spec. */
export async function patchItem<R>(env: Env, caller: Caller, ref: string, spec: ItemSpec<R>, id: string, updateMask: unknown, input: Input): Promise<R> {
  const fields = readItemMask(updateMask, spec.patchable);
  return withEvents(env, async (repos, events) => {
    const { loaded, item } = await loadForChange(env, repos, caller, ref, spec, id, events);
    const now = env.clock.now();
    const patch: Partial<ClassworkItemRow> = { update_time: now };
    const p = spec.prefix;
    for (const field of fields) {
      if (spec.patchField?.(field, input, item, patch, fields, loaded.course)) continue;
      const value = input[field];
      switch (field) {
        case 'state':
          if (value === undefined) invalidArgument('state cannot be cleared.', `${p}.state`);
          enforce(checkStateChange(item.state, value, `${p}.state`));
          patch.state = value as string;
          break;
        case 'scheduledTime':
          patch.scheduled_time = readTime(value, `${p}.scheduled_time`);
          break;
        case 'topicId': {
          const topicId = typeof value === 'string' && value !== '' ? value : null;
          if (topicId && !(await repos.classwork.topic(loaded.course.id, topicId))) invalidArgument(`The course has no topic ${topicId}.`, `${p}.topic_id`);
          patch.topic_id = topicId;
          break;
        }
        default:
          invalidArgument(`The update mask names a field that cannot be changed: ${field}.`, 'update_mask');
      }
    }
    const next = { ...item, ...patch };
    if (patch.state === 'PUBLISHED') next.scheduled_time = patch.scheduled_time = null;
    if ('scheduled_time' in patch && patch.scheduled_time !== null) enforce(checkScheduledTime(next.state, next.scheduled_time, now, `${p}.scheduled_time`));
    await repos.classwork.updateItem(item.id, patch);
    if (spec.kind === 'COURSE_WORK') {
      events.push({ kind: 'course-work', courseId: item.course_id, courseWorkId: item.id, change: 'MODIFIED', at: now });
      if (item.state !== 'PUBLISHED' && next.state === 'PUBLISHED') await ensureSubmissions(env, repos, [next], events);
      if ('max_points' in patch && patch.max_points !== item.max_points) await recordMaxPoints(repos, caller, next, now);
    }
    return spec.present(next, viewOf(caller, loaded));
  });
}

/** A change of maxPoints enters the grade history of every graded submission, as production records it. */
async function recordMaxPoints(repos: Repos, caller: Caller, work: ClassworkItemRow, now: number): Promise<void> {
  for (const sub of await repos.classwork.submissions([work.id])) {
    if (sub.draft_grade === null && sub.assigned_grade === null) continue;
    const entries = JSON.parse(sub.history) as HistoryEntry[];
    entries.push({ kind: 'grade', type: 'MAX_POINTS_CHANGE', at: now, actor: caller.user.id, points: sub.assigned_grade ?? sub.draft_grade, max: work.max_points });
    await repos.classwork.updateSubmission(sub.id, { history: JSON.stringify(entries) });
  }
}

/**
 * Deletes an item. The row stays with state DELETED (teachers can still list it with that state);
 * a second delete is FAILED_PRECONDITION, as the reference describes.
 */
export async function deleteItem(env: Env, caller: Caller, ref: string, spec: ItemSpec<unknown>, id: string): Promise<Record<string, never>> {
  return withEvents(env, async (repos, events) => {
    const { item } = await loadForChange(env, repos, caller, ref, spec, id, events);
    const now = env.clock.now();
    await repos.classwork.updateItem(item.id, { state: 'DELETED', update_time: now });
    if (spec.kind === 'COURSE_WORK') events.push({ kind: 'course-work', courseId: item.course_id, courseWorkId: item.id, change: 'DELETED', at: now });
    return {};
  });
}

/** modifyAssignees of course work and announcements. */
export async function modifyAssignees<R>(env: Env, caller: Caller, ref: string, spec: ItemSpec<R>, id: string, input: Input): Promise<R> {
  return withEvents(env, async (repos, events) => {
    const { loaded, item } = await loadForChange(env, repos, caller, ref, spec, id, events);
    const students = await courseStudents(repos, loaded.course.id);
    const result = applyAssigneeChange(item, input as AssigneeChange, students);
    if (isViolation(result)) enforce(result);
    const { mode, studentIds } = result as { mode: string; studentIds: string[] };
    const now = env.clock.now();
    const patch = { assignee_mode: mode, student_ids: JSON.stringify(studentIds), update_time: now };
    await repos.classwork.updateItem(item.id, patch);
    const next = { ...item, ...patch };
    if (spec.kind === 'COURSE_WORK') {
      events.push({ kind: 'course-work', courseId: item.course_id, courseWorkId: item.id, change: 'MODIFIED', at: now });
      await ensureSubmissions(env, repos, [next], events, students);
    }
    return spec.present(next, viewOf(caller, loaded));
  });
}

/** The shared resource fields of a stream item. */
export function presentShared(row: ClassworkItemRow, link: string) {
  const chosen = assignees(row);
  const materials = JSON.parse(row.materials) as unknown[];
  return {
    courseId: row.course_id,
    id: row.id,
    ...(materials.length > 0 ? { materials } : {}),
    state: row.state,
    ...(row.state === 'PUBLISHED' ? { alternateLink: link } : {}),
    creationTime: new Date(row.creation_time).toISOString(),
    updateTime: new Date(row.update_time).toISOString(),
    ...(row.scheduled_time !== null ? { scheduledTime: new Date(row.scheduled_time).toISOString() } : {}),
    assigneeMode: row.assignee_mode,
    ...(chosen ? { individualStudentsOptions: { studentIds: [...chosen] } } : {}),
    creatorUserId: row.creator_id,
  };
}
