import type { Env } from '../../env.js';
import { fail, invalidArgument } from '../../failure.js';
import { ensureProject } from '../../identity/accounts.js';
import { ITEM_TYPES } from '../../rules/add-ons.js';
import { canSeeItem } from '../../rules/classwork.js';
import type { AddOnRow } from '../../store/add-on-repos.js';
import type { Repos } from '../../store/repos.js';
import type { UserRow } from '../../store/schema.js';
import { relationTo } from '../courses/access.js';
import { ensureSubmissions } from '../course-work/items.js';

/*
 * What production keeps outside the Classroom API for add-ons: the Marketplace SDK's app
 * configuration of a Cloud project (its allowed attachment URI prefixes, its setup URI) and the
 * iframes Classroom opens with their query parameters. The admin API drives these; the Classroom
 * methods then see exactly what an add-on would see.
 */

/** What the admin API accepts to register a Cloud project as an add-on. */
export interface AddOnInput {
  title?: string;
  /** URIs of attachments must start with one of these. */
  attachmentUriPrefixes: string[];
  /** The Attachment Discovery iframe's URI; the first prefix when absent. */
  setupUri?: string;
}

/** An add-on as the admin API shows it. */
export interface AdminAddOn {
  project: string;
  title: string;
  attachmentUriPrefixes: string[];
  setupUri: string;
  createTime: string;
}

function view(row: AddOnRow): AdminAddOn {
  return {
    project: row.project_id,
    title: row.title,
    attachmentUriPrefixes: JSON.parse(row.attachment_uri_prefixes) as string[],
    setupUri: row.setup_uri,
    createTime: new Date(row.created_at).toISOString(),
  };
}

function absoluteUri(value: string, field: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) invalidArgument(`"${value}" is not an absolute http(s) URI.`, field);
}

/** Registers (or re-registers) a Cloud project as a Classroom add-on; the project is created when new. */
export async function registerAddOn(env: Env, projectId: string, input: AddOnInput): Promise<AdminAddOn> {
  input.attachmentUriPrefixes.forEach((prefix, i) => absoluteUri(prefix, `attachmentUriPrefixes[${i}]`));
  if (input.setupUri !== undefined) absoluteUri(input.setupUri, 'setupUri');
  return env.store.transaction(async (repos) => {
    const project = await ensureProject(env, repos, projectId);
    const existing = await repos.addOns.addOn(projectId);
    const row: AddOnRow = {
      project_id: projectId,
      title: input.title ?? project.name,
      attachment_uri_prefixes: JSON.stringify([...new Set(input.attachmentUriPrefixes)]),
      setup_uri: input.setupUri ?? input.attachmentUriPrefixes[0]!,
      created_at: existing?.created_at ?? env.clock.now(),
    };
    await repos.addOns.putAddOn(row);
    return view(row);
  });
}

/** Every registered add-on. */
export async function listAddOns(env: Env): Promise<AdminAddOn[]> {
  return (await env.store.read.addOns.addOns()).map(view);
}

/** Unregisters an add-on; attachments it made stay, but the project can no longer call add-on methods. */
export async function deleteAddOn(env: Env, projectId: string): Promise<void> {
  await env.store.transaction(async (repos) => {
    if ((await repos.addOns.deleteAddOn(projectId)) === 0) fail('NOT_FOUND', `No add-on is registered for ${projectId}.`);
  });
}

/** The iframes Classroom opens for an add-on. */
export type Iframe = 'attachmentDiscovery' | 'teacherView' | 'studentView' | 'studentWorkReview';

/** What the admin API accepts to open an add-on iframe for a user. */
export interface LaunchInput {
  iframe: Iframe;
  /** Email or id of the user whose Classroom opens the iframe. */
  user: string;
  /** Course id, or a `d:` alias of the user's domain. */
  course: string;
  /** The announcement, course work or material. */
  item: string;
  /** Every iframe but the Attachment Discovery one shows one attachment. */
  attachmentId?: string;
  /** studentWorkReview: the student (email or id) whose work the teacher reviews. */
  student?: string;
}

/** The iframe as the add-on receives it: its full URL and each query parameter. */
export interface Launch {
  iframe: Iframe;
  url: string;
  query: Record<string, string>;
}

async function userOf(repos: Repos, ref: string, field: string): Promise<UserRow> {
  const user = ref.includes('@') ? await repos.users.byEmail(ref.toLowerCase()) : await repos.users.byId(ref);
  if (!user) fail('NOT_FOUND', `No user ${ref}.`, { fieldViolations: [{ field, description: `No user ${ref}.` }] });
  return user;
}

/**
 * Opens an add-on iframe as Classroom would for a user: checks the user's role for that iframe, mints
 * the addOnToken the Attachment Discovery iframe receives, and finds the submission id the student
 * work review iframe receives. The answer's `query` is what the add-on reads from its URL.
 */
export async function launchAddOn(env: Env, projectId: string, input: LaunchInput): Promise<Launch> {
  return env.store.transaction(async (repos) => {
    const addOn = await repos.addOns.addOn(projectId);
    if (!addOn) fail('NOT_FOUND', `No add-on is registered for ${projectId}.`);
    const user = await userOf(repos, input.user, 'user');
    const courseId = input.course.startsWith('d:') ? (await repos.aliases.get(user.domain, input.course))?.course_id : input.course;
    const course = courseId === undefined ? undefined : await repos.courses.byId(courseId);
    if (!course) fail('NOT_FOUND', `No course ${input.course}.`);
    const item = await repos.addOns.anyItem(course.id, input.item);
    const rel = await relationTo(repos, { user } as Parameters<typeof relationTo>[1], course);
    if (!item || !canSeeItem(item, rel, user.id)) fail('NOT_FOUND', `${user.email} sees no item ${input.item} in the course.`);
    const teacher = rel.owner || rel.teacher;
    if (input.iframe === 'studentView' ? !rel.student : !teacher) {
      fail('FAILED_PRECONDITION', `Classroom opens the ${input.iframe} iframe only for ${input.iframe === 'studentView' ? 'students' : 'teachers'} of the course.`);
    }
    const query: Record<string, string> = { courseId: course.id, itemId: item.id, itemType: ITEM_TYPES[item.kind] };
    let base = addOn.setup_uri;
    if (input.iframe === 'attachmentDiscovery') {
      const token = env.ids.text(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
      await repos.addOns.insertToken({ token, project_id: projectId, user_id: user.id, course_id: course.id, item_id: item.id, created_at: env.clock.now() });
      query.addOnToken = token;
    } else {
      if (!input.attachmentId) invalidArgument(`The ${input.iframe} iframe shows one attachment: give attachmentId.`, 'attachmentId');
      const attachment = await repos.addOns.attachment(item.id, input.attachmentId);
      if (!attachment || attachment.project_id !== projectId) fail('NOT_FOUND', `The item has no attachment ${input.attachmentId} of this add-on.`);
      query.attachmentId = attachment.id;
      base = input.iframe === 'teacherView' ? attachment.teacher_view_uri : input.iframe === 'studentView' ? attachment.student_view_uri : (attachment.student_work_review_uri ?? '');
      if (input.iframe === 'studentWorkReview') {
        if (!base) fail('FAILED_PRECONDITION', 'The attachment has no studentWorkReviewUri.');
        if (!input.student) invalidArgument('The studentWorkReview iframe shows one student\'s work: give student.', 'student');
        const student = await userOf(repos, input.student, 'student');
        await ensureSubmissions(env, repos, [item], [], new Set([student.id]));
        const [submission] = item.kind === 'COURSE_WORK' ? await repos.classwork.submissions([item.id], student.id) : [];
        if (!submission) fail('NOT_FOUND', `${student.email} has no submission for the item.`);
        query.submissionId = submission.id;
      }
    }
    query.login_hint = user.id;
    const url = new URL(base);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return { iframe: input.iframe, url: url.toString(), query };
  });
}
