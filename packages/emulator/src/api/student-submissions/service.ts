import { alternateLink, newDriveId, sharedWith, thumbnailUrl } from '../../drive/files.js';
import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import { MAX_MATERIALS } from '../../rules/attachments.js';
import { canTeach, checkProject, isAssigned, isViolation, seesAll } from '../../rules/classwork.js';
import { checkReclaim, checkReturn, checkStudentEdit, checkTurnIn, isLate, toHundredths, type HistoryEntry } from '../../rules/submissions.js';
import { folderOwnerAt } from '../../rules/courses.js';
import type { ClassworkItemRow, DriveFileRow, StudentSubmissionRow } from '../../store/classwork-repos.js';
import type { Repos } from '../../store/repos.js';
import type { CourseRow } from '../../store/schema.js';
import type { LoadedCourse } from '../courses/access.js';
import { courseStudents, ensureSubmissions, loadItem, openCourse, readItemMask, withEvents, type Events, type Input } from '../course-work/items.js';
import { resolveAttachments, type Attachment, type Material } from '../course-work/materials.js';
import { finishPage, type Page } from '../paging.js';
import { toSubmission, type StudentSubmission } from './schema.js';

/** Fields submissions.patch accepts: grades for teachers, answers for the student. */
const PATCHABLE = ['draftGrade', 'assignedGrade', 'shortAnswerSubmission', 'shortAnswerSubmission.answer', 'multipleChoiceSubmission', 'multipleChoiceSubmission.answer'];

interface Loaded {
  loaded: LoadedCourse;
  work: ClassworkItemRow;
  submission: StudentSubmissionRow;
}

/** Scopes that reach other people's submissions; the `.me` scopes reach only the caller's own. */
const STUDENTS_SCOPES = [
  'https://www.googleapis.com/auth/classroom.coursework.students',
  'https://www.googleapis.com/auth/classroom.coursework.students.readonly',
  'https://www.googleapis.com/auth/classroom.student-submissions.students.readonly',
];

/**
 * Teachers and admins see every student's work, but only with a token that holds one of the
 * students scopes: with the `.me` scopes alone, a teacher's token reaches only their own work.
 */
function seesEveryone(caller: Caller, loaded: LoadedCourse): boolean {
  return seesAll(loaded.rel) && STUDENTS_SCOPES.some((scope) => caller.scopes.has(scope));
}

function present(env: Env, caller: Caller, loaded: LoadedCourse, work: ClassworkItemRow, row: StudentSubmissionRow): StudentSubmission {
  return toSubmission(row, work, { callerProjectId: caller.project.id, privileged: seesEveryone(caller, loaded), now: env.clock.now() });
}

function history(row: StudentSubmissionRow): HistoryEntry[] {
  return JSON.parse(row.history) as HistoryEntry[];
}

/**
 * A student's first look at a NEW submission makes it CREATED: production leaves never-opened work
 * without times or attachments, and the emulator counts any API access by the student as opening it.
 */
export async function markOpened(env: Env, repos: Repos, caller: Caller, loaded: LoadedCourse, work: ClassworkItemRow, row: StudentSubmissionRow): Promise<StudentSubmissionRow> {
  if (row.state !== 'NEW' || row.user_id !== caller.user.id) return row;
  const now = env.clock.now();
  const copies = await studentCopies(env, repos, caller, loaded, work, now);
  const patch = {
    state: 'CREATED',
    creation_time: now,
    update_time: now,
    history: JSON.stringify([...history(row), { kind: 'state', state: 'CREATED', at: now, actor: caller.user.id } satisfies HistoryEntry]),
    ...(copies.length > 0 ? { attachments: JSON.stringify([...(JSON.parse(row.attachments) as Attachment[]), ...copies]) } : {}),
  };
  await repos.classwork.updateSubmission(row.id, patch);
  return { ...row, ...patch };
}

/** The address of whoever owns the course's Drive folder now: turned-in files go to them. */
async function folderOwnerEmail(env: Env, repos: Repos, course: CourseRow): Promise<string | undefined> {
  return (await repos.users.byId(folderOwnerAt(course, env.clock.now())))?.email;
}

/**
 * Materials shared as STUDENT_COPY: opening the work gives the student their own copy in Drive,
 * named after them and shared with the teacher, attached to their submission.
 */
async function studentCopies(env: Env, repos: Repos, caller: Caller, loaded: LoadedCourse, work: ClassworkItemRow, now: number): Promise<Attachment[]> {
  const originals = (JSON.parse(work.materials) as Material[]).flatMap((m) =>
    'driveFile' in m && m.driveFile.shareMode === 'STUDENT_COPY' ? [m.driveFile.driveFile.id] : [],
  );
  if (originals.length === 0) return [];
  const files = await repos.drive.byIds(originals);
  const teacher = await folderOwnerEmail(env, repos, loaded.course);
  const name = [caller.user.given_name, caller.user.family_name].filter(Boolean).join(' ') || caller.user.email;
  const out: Attachment[] = [];
  for (const id of originals) {
    const original = files.get(id);
    // A file deleted since it was attached cannot be copied; the student simply gets no copy.
    if (!original) continue;
    const copy: DriveFileRow = {
      ...original,
      id: newDriveId((n, alphabet) => env.ids.text(n, alphabet)),
      title: `${name} - ${original.title}`,
      owner_email: caller.user.email,
      shared_with: JSON.stringify(teacher ? [teacher] : []),
      anyone_with_link: 0,
      created_at: now,
      updated_at: now,
    };
    await repos.drive.insert(copy);
    out.push({ driveFile: { id: copy.id, title: copy.title, alternateLink: alternateLink(copy), thumbnailUrl: thumbnailUrl(copy) } });
  }
  return out;
}

/**
 * Moves the Drive files attached to a submission from one owner to the other, keeping the previous
 * owner as a reader: turning in hands them to the teacher, returning and reclaiming give them back.
 */
async function handOver(repos: Repos, submission: StudentSubmissionRow, from: string | undefined, to: string | undefined, now: number): Promise<void> {
  if (!from || !to || from === to) return;
  const ids = (JSON.parse(submission.attachments) as Attachment[]).flatMap((a) => ('driveFile' in a ? [a.driveFile.id] : []));
  for (const file of (await repos.drive.byIds(ids)).values()) {
    if (file.owner_email !== from) continue;
    const readers = new Set(sharedWith(file));
    readers.delete(to);
    readers.add(from);
    await repos.drive.update(file.id, { owner_email: to, shared_with: JSON.stringify([...readers]), updated_at: now });
  }
}

/** Loads a submission the caller may see: students only their own, teachers and admins all. */
async function loadSubmission(env: Env, repos: Repos, caller: Caller, ref: string, courseWorkId: string, id: string, events: Events, lock: boolean): Promise<Loaded> {
  const loaded = await openCourse(env, repos, caller, ref, events, { lock });
  const work = await loadItem(repos, caller, loaded, 'COURSE_WORK', courseWorkId, { lock });
  // A student only ever reaches their own submission, so only theirs needs to exist.
  await ensureSubmissions(env, repos, [work], events, seesAll(loaded.rel) ? undefined : new Set(loaded.rel.student ? [caller.user.id] : []));
  const row = lock ? await repos.classwork.lockSubmission(work.id, id) : await repos.classwork.submission(work.id, id);
  if (!row) fail('NOT_FOUND', 'Requested entity was not found.');
  if (!seesEveryone(caller, loaded) && row.user_id !== caller.user.id) fail('PERMISSION_DENIED', "The caller may not see another student's submission.");
  return { loaded, work, submission: await markOpened(env, repos, caller, loaded, work, row) };
}

/** Saves a change to a submission and records its event. */
async function save(env: Env, repos: Repos, events: Events, row: StudentSubmissionRow, patch: Partial<StudentSubmissionRow>): Promise<StudentSubmissionRow> {
  await repos.classwork.updateSubmission(row.id, patch);
  events.push({ kind: 'course-work', courseId: row.course_id, courseWorkId: row.course_work_id, submissionId: row.id, change: 'MODIFIED', at: env.clock.now() });
  return { ...row, ...patch };
}

/** courses.courseWork.studentSubmissions.get */
export async function getSubmission(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string): Promise<StudentSubmission> {
  return withEvents(env, async (repos, events) => {
    const { loaded, work, submission } = await loadSubmission(env, repos, caller, ref, courseWorkId, id, events, false);
    return present(env, caller, loaded, work, submission);
  });
}

/** Filters of studentSubmissions.list. */
export interface SubmissionQuery {
  userId?: string;
  states?: string[];
  late?: string;
}

/**
 * courses.courseWork.studentSubmissions.list: `-` lists every published course work's submissions.
 * Students see only their own; submissions of students who left the course or were unassigned stay
 * stored but hidden, and come back if the student does.
 */
export async function listSubmissions(env: Env, caller: Caller, ref: string, courseWorkId: string, query: SubmissionQuery, page: Page) {
  return withEvents(env, async (repos, events) => {
    const loaded = await openCourse(env, repos, caller, ref, events);
    const privileged = seesEveryone(caller, loaded);
    const works =
      courseWorkId === '-'
        ? (await repos.classwork.items(loaded.course.id, 'COURSE_WORK', ['PUBLISHED'])).filter((w) => privileged || isAssigned(w, caller.user.id))
        : [await loadItem(repos, caller, loaded, 'COURSE_WORK', courseWorkId)];
    let userId: string | undefined;
    if (query.userId) {
      const user = await resolveUser(repos, caller, query.userId);
      if (!user) fail('NOT_FOUND', `No user ${query.userId}.`);
      userId = user.id;
    }
    if (!privileged) {
      if (userId && userId !== caller.user.id) fail('PERMISSION_DENIED', "The caller may not list another student's submissions.");
      userId = caller.user.id;
    }
    const students = privileged ? await courseStudents(repos, loaded.course.id) : new Set(loaded.rel.student ? [caller.user.id] : []);
    await ensureSubmissions(env, repos, works, events, students);
    const byId = new Map(works.map((w) => [w.id, w]));
    const now = env.clock.now();
    const states = (query.states ?? []).filter((s) => s !== 'SUBMISSION_STATE_UNSPECIFIED');
    const rows: StudentSubmissionRow[] = [];
    for (const raw of await repos.classwork.submissions(works.map((w) => w.id), userId)) {
      const work = byId.get(raw.course_work_id)!;
      if (!students.has(raw.user_id) || !isAssigned(work, raw.user_id)) continue;
      const row = await markOpened(env, repos, caller, loaded, work, raw);
      if (states.length > 0 && !states.includes(row.state)) continue;
      const late = isLate(row, work.due_at, now);
      if (query.late === 'LATE_ONLY' && !late) continue;
      if (query.late === 'NOT_LATE_ONLY' && late) continue;
      rows.push(row);
    }
    rows.sort((a, b) => byId.get(b.course_work_id)!.creation_time - byId.get(a.course_work_id)!.creation_time || (a.user_id < b.user_id ? -1 : a.user_id > b.user_id ? 1 : 0));
    const { items, nextPageToken } = finishPage(page, rows.slice(page.window.offset, page.window.offset + page.window.limit));
    const studentSubmissions = items.map((row) => present(env, caller, loaded, byId.get(row.course_work_id)!, row));
    return { ...(studentSubmissions.length > 0 ? { studentSubmissions } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
  });
}

/**
 * courses.courseWork.studentSubmissions.patch: teachers set draftGrade and assignedGrade; the student
 * sets the answer of a question.
 *
 * Differs from production: the reference lists only the grade fields; the emulator also lets the
 * student answer short-answer and multiple-choice questions through patch, so question work can be
 * completed end to end.
 */
export async function patchSubmission(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string, updateMask: unknown, input: Input): Promise<StudentSubmission> {
  const fields = readItemMask(updateMask, PATCHABLE).map((f) => f.replace(/\.answer$/, ''));
  return withEvents(env, async (repos, events) => {
    const { loaded, work, submission } = await loadSubmission(env, repos, caller, ref, courseWorkId, id, events, true);
    enforce(checkProject(work.project_id, caller.project.id, 'course work'));
    const now = env.clock.now();
    const patch: Partial<StudentSubmissionRow> = { update_time: now };
    const entries = history(submission);
    for (const field of [...new Set(fields)]) {
      if (field === 'draftGrade' || field === 'assignedGrade') {
        if (!canTeach(loaded.rel)) fail('PERMISSION_DENIED', 'Only teachers of the course can grade a submission.');
        const snake = field === 'draftGrade' ? 'draft_grade' : 'assigned_grade';
        const raw = input[field];
        let value: number | null = null;
        if (raw !== undefined && raw !== null) {
          const parsed = toHundredths(raw, snake);
          if (isViolation(parsed)) enforce(parsed);
          value = parsed as number;
        }
        patch[snake] = value;
        entries.push({
          kind: 'grade',
          type: field === 'draftGrade' ? 'DRAFT_GRADE_POINTS_EARNED_CHANGE' : 'ASSIGNED_GRADE_POINTS_EARNED_CHANGE',
          at: now,
          actor: caller.user.id,
          points: value,
          max: work.max_points,
        });
      } else {
        enforce(checkStudentEdit(submission, caller.user.id, work.submission_modification_mode));
        const type = field === 'shortAnswerSubmission' ? 'SHORT_ANSWER_QUESTION' : 'MULTIPLE_CHOICE_QUESTION';
        const snake = field === 'shortAnswerSubmission' ? 'short_answer_submission' : 'multiple_choice_submission';
        if (work.work_type !== type) invalidArgument(`${field} only applies to ${type} work.`, snake);
        const answer = (input[field] as { answer?: unknown } | undefined)?.answer;
        if (answer !== undefined && typeof answer !== 'string') invalidArgument('The answer must be text.', `${snake}.answer`);
        if (type === 'MULTIPLE_CHOICE_QUESTION' && answer !== undefined && !(JSON.parse(work.choices ?? '[]') as string[]).includes(answer)) {
          invalidArgument(`"${answer}" is not one of the question's choices.`, `${snake}.answer`);
        }
        patch.answer = answer ?? null;
      }
    }
    patch.history = JSON.stringify(entries);
    return present(env, caller, loaded, work, await save(env, repos, events, submission, patch));
  });
}

/** Appends a state change to a submission. */
function stateChange(submission: StudentSubmissionRow, state: string, actor: string, now: number): Partial<StudentSubmissionRow> {
  return { state, update_time: now, history: JSON.stringify([...history(submission), { kind: 'state', state, at: now, actor } satisfies HistoryEntry]) };
}

/** courses.courseWork.studentSubmissions.turnIn: the owning student hands the work in. */
export async function turnIn(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string): Promise<Record<string, never>> {
  return withEvents(env, async (repos, events) => {
    const { loaded, work, submission } = await loadSubmission(env, repos, caller, ref, courseWorkId, id, events, true);
    enforce(checkProject(work.project_id, caller.project.id, 'course work'));
    enforce(checkTurnIn(submission, caller.user.id));
    const now = env.clock.now();
    await handOver(repos, submission, caller.user.email, await folderOwnerEmail(env, repos, loaded.course), now);
    await save(env, repos, events, submission, { ...stateChange(submission, 'TURNED_IN', caller.user.id, now), turned_in_at: now });
    return {};
  });
}

/** courses.courseWork.studentSubmissions.reclaim: the owning student takes turned-in work back. */
export async function reclaim(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string): Promise<Record<string, never>> {
  return withEvents(env, async (repos, events) => {
    const { loaded, work, submission } = await loadSubmission(env, repos, caller, ref, courseWorkId, id, events, true);
    enforce(checkProject(work.project_id, caller.project.id, 'course work'));
    enforce(checkReclaim(submission, caller.user.id));
    const now = env.clock.now();
    await handOver(repos, submission, await folderOwnerEmail(env, repos, loaded.course), caller.user.email, now);
    await save(env, repos, events, submission, stateChange(submission, 'RECLAIMED_BY_STUDENT', caller.user.id, now));
    return {};
  });
}

/**
 * courses.courseWork.studentSubmissions.return: a teacher returns the work; the assigned grade (not
 * the draft grade — the API never copies one to the other) becomes visible to the student.
 */
export async function returnSubmission(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string): Promise<Record<string, never>> {
  return withEvents(env, async (repos, events) => {
    const { loaded, work, submission } = await loadSubmission(env, repos, caller, ref, courseWorkId, id, events, true);
    enforce(checkReturn(canTeach(loaded.rel)));
    enforce(checkProject(work.project_id, caller.project.id, 'course work'));
    const now = env.clock.now();
    const student = await repos.users.byId(submission.user_id);
    await handOver(repos, submission, await folderOwnerEmail(env, repos, loaded.course), student?.email, now);
    await save(env, repos, events, submission, {
      ...stateChange(submission, 'RETURNED', caller.user.id, now),
      released_grade: submission.assigned_grade,
      returned_at: now,
    });
    return {};
  });
}

/** courses.courseWork.studentSubmissions.modifyAttachments: the student adds attachments to assignment work. */
export async function modifyAttachments(env: Env, caller: Caller, ref: string, courseWorkId: string, id: string, input: Input): Promise<StudentSubmission> {
  return withEvents(env, async (repos, events) => {
    const { loaded, work, submission } = await loadSubmission(env, repos, caller, ref, courseWorkId, id, events, true);
    enforce(checkProject(work.project_id, caller.project.id, 'course work'));
    enforce(checkStudentEdit(submission, caller.user.id, work.submission_modification_mode));
    if (work.work_type !== 'ASSIGNMENT') fail('FAILED_PRECONDITION', 'Attachments can only be added to the work of an ASSIGNMENT.');
    const added = await resolveAttachments(repos, caller, input.addAttachments, 'add_attachments');
    const attachments = [...(JSON.parse(submission.attachments) as unknown[]), ...added];
    if (attachments.length > MAX_MATERIALS) invalidArgument(`A submission may carry at most ${MAX_MATERIALS} attachments.`, 'add_attachments');
    const row = await save(env, repos, events, submission, { attachments: JSON.stringify(attachments), update_time: env.clock.now() });
    return present(env, caller, loaded, work, row);
  });
}
