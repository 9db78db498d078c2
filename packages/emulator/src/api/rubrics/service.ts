import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkAttachable } from '../../rules/attachments.js';
import { checkProject, checkRubricCriteria, checkRubricLicence, checkTeacher, type CriterionInput } from '../../rules/classwork.js';
import type { ClassworkItemRow, RubricRow } from '../../store/classwork-repos.js';
import type { Repos } from '../../store/repos.js';
import type { LoadedCourse } from '../courses/access.js';
import { loadItem, openCourse, readItemMask, withEvents, type Events, type Input } from '../course-work/items.js';
import { toRubric, type Rubric } from './schema.js';

const SPREADSHEET = 'application/vnd.google-apps.spreadsheet';

/** Assigns ids to new criteria and levels; ids the request repeats are kept. */
function withIds(env: Env, criteria: readonly CriterionInput[]): CriterionInput[] {
  return criteria.map((c) => ({
    id: c.id || env.ids.digits(10),
    ...(c.title ? { title: c.title } : {}),
    ...(c.description ? { description: c.description } : {}),
    levels: (c.levels ?? []).map((l) => ({
      id: l.id || env.ids.digits(10),
      ...(l.title ? { title: l.title } : {}),
      ...(l.description ? { description: l.description } : {}),
      ...(l.points !== undefined && l.points !== null ? { points: l.points } : {}),
    })),
  }));
}

/**
 * Reads the criteria of a request, from `criteria` or from a spreadsheet — never both.
 *
 * Differs from production: the emulator cannot read a spreadsheet's rubric layout; a rubric made from
 * `sourceSpreadsheetId` checks that the sheet exists, is a spreadsheet and is visible to the caller,
 * and then has no criteria.
 */
async function criteriaOf(env: Env, repos: Repos, caller: Caller, input: Input, fields: readonly string[]): Promise<{ criteria: CriterionInput[]; sheet: string | null }> {
  const sheet = fields.includes('sourceSpreadsheetId') && typeof input.sourceSpreadsheetId === 'string' && input.sourceSpreadsheetId !== '' ? input.sourceSpreadsheetId : null;
  const given = fields.includes('criteria') ? (input.criteria as CriterionInput[] | undefined) : undefined;
  if (sheet && given && given.length > 0) invalidArgument('A rubric takes its criteria from criteria or from sourceSpreadsheetId, not both.', 'rubric.source_spreadsheet_id');
  if (sheet) {
    const file = await repos.drive.byId(sheet);
    enforce(checkAttachable(sheet, 'file', file, caller.user));
    if (file!.mime_type !== SPREADSHEET) fail('AttachmentNotVisible', `The Drive file ${sheet} is not a Google Sheets spreadsheet.`);
    return { criteria: [], sheet };
  }
  const criteria = given ?? [];
  enforce(checkRubricCriteria(criteria));
  return { criteria: withIds(env, criteria), sheet: null };
}

/** Loads course work for a rubric change: a licensed teacher, from the project that created the work. */
async function loadForRubric(env: Env, repos: Repos, caller: Caller, ref: string, courseWorkId: string, events: Events): Promise<{ loaded: LoadedCourse; work: ClassworkItemRow }> {
  const loaded = await openCourse(env, repos, caller, ref, events, { lock: true });
  const work = await loadItem(repos, caller, loaded, 'COURSE_WORK', courseWorkId, { lock: true });
  enforce(checkTeacher(loaded.rel, 'change rubrics'));
  enforce(checkRubricLicence(caller.user, loaded.owner));
  enforce(checkProject(work.project_id, caller.project.id, 'course work'));
  return { loaded, work };
}

/** courses.courseWork.rubrics.create: one rubric per course work. */
export async function createRubric(env: Env, caller: Caller, ref: string, courseWorkId: string, input: Input): Promise<Rubric> {
  return withEvents(env, async (repos, events) => {
    const { work } = await loadForRubric(env, repos, caller, ref, courseWorkId, events);
    if (await repos.classwork.rubric(work.id)) fail('ALREADY_EXISTS', 'The course work already has a rubric.');
    const { criteria, sheet } = await criteriaOf(env, repos, caller, input, ['criteria', 'sourceSpreadsheetId']);
    const now = env.clock.now();
    const row: RubricRow = {
      id: env.ids.digits(12),
      course_id: work.course_id,
      course_work_id: work.id,
      criteria: JSON.stringify(criteria),
      source_spreadsheet_id: sheet,
      project_id: caller.project.id,
      creation_time: now,
      update_time: now,
    };
    await repos.classwork.insertRubric(row);
    return toRubric(row);
  });
}

async function visibleRubric(env: Env, repos: Repos, caller: Caller, ref: string, courseWorkId: string, events: Events): Promise<RubricRow | undefined> {
  const loaded = await openCourse(env, repos, caller, ref, events);
  const work = await loadItem(repos, caller, loaded, 'COURSE_WORK', courseWorkId);
  return repos.classwork.rubric(work.id);
}

/** courses.courseWork.rubrics.get */
export async function getRubric(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string): Promise<Rubric> {
  return withEvents(env, async (repos, events) => {
    const row = await visibleRubric(env, repos, caller, ref, courseWorkId, events);
    if (!row || row.id !== id) fail('NOT_FOUND', 'Requested entity was not found.');
    return toRubric(row);
  });
}

/** courses.courseWork.rubrics.list: at most one rubric exists, so there is never a second page. */
export async function listRubrics(env: Env, caller: Caller, ref: string, courseWorkId: string): Promise<{ rubrics?: Rubric[] }> {
  return withEvents(env, async (repos, events) => {
    const row = await visibleRubric(env, repos, caller, ref, courseWorkId, events);
    return row ? { rubrics: [toRubric(row)] } : {};
  });
}

/**
 * courses.courseWork.rubrics.patch and courses.courseWork.updateRubric: replaces the criteria (ids the
 * request repeats are kept, others assigned).
 *
 * Differs from production: rubric grades are not modelled, so the limits that apply once grading has
 * started never trigger.
 */
export async function patchRubric(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string | undefined, updateMask: unknown, input: Input): Promise<Rubric> {
  const fields = readItemMask(updateMask, ['criteria', 'sourceSpreadsheetId']);
  return withEvents(env, async (repos, events) => {
    const { work } = await loadForRubric(env, repos, caller, ref, courseWorkId, events);
    const row = await repos.classwork.rubric(work.id);
    if (!row || (id !== undefined && id !== '' && row.id !== id)) fail('NOT_FOUND', 'Requested entity was not found.');
    const { criteria, sheet } = await criteriaOf(env, repos, caller, input, fields);
    const patch = { criteria: JSON.stringify(criteria), source_spreadsheet_id: sheet, update_time: env.clock.now() };
    await repos.classwork.updateRubric(row.id, patch);
    return toRubric({ ...row, ...patch });
  });
}

/** courses.courseWork.rubrics.delete */
export async function deleteRubric(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string): Promise<Record<string, never>> {
  return withEvents(env, async (repos, events) => {
    const { work } = await loadForRubric(env, repos, caller, ref, courseWorkId, events);
    const row = await repos.classwork.rubric(work.id);
    if (!row || row.id !== id) fail('NOT_FOUND', 'Requested entity was not found.');
    enforce(checkProject(row.project_id, caller.project.id, 'rubric'));
    await repos.classwork.deleteRubric(row.id);
    return {};
  });
}
