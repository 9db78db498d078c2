import type { Env } from '../../env.js';
import { enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkCourseOpen, checkTeacher, checkTopicLimit, checkTopicName, normalizeTopicName } from '../../rules/classwork.js';
import { loadCourse } from '../courses/access.js';
import { readItemMask } from '../course-work/items.js';
import { finishPage, type Page } from '../paging.js';
import { toTopic, type Topic } from './schema.js';

type Input = Readonly<Record<string, unknown>>;

function nameOf(input: Input): string {
  const raw = typeof input.name === 'string' ? input.name : undefined;
  enforce(checkTopicName(raw));
  return normalizeTopicName(raw!);
}

/** courses.topics.create: teachers only; names are unique per course (case-sensitive) and limited in number. */
export async function createTopic(env: Env, caller: Caller, ref: string, input: Input): Promise<Topic> {
  const name = nameOf(input);
  return env.store.transaction(async (repos) => {
    // The course row lock serialises topic creation, so the limit and the name check cannot be raced.
    const { course, rel } = await loadCourse(repos, caller, ref, { lock: true });
    enforce(checkTeacher(rel, 'create topics'));
    enforce(checkCourseOpen(course));
    if (await repos.classwork.topicByName(course.id, name)) fail('ALREADY_EXISTS', `The course already has a topic named "${name}".`);
    enforce(checkTopicLimit(await repos.classwork.countTopics(course.id), env.limits));
    const row = { id: env.ids.digits(11), course_id: course.id, name, update_time: env.clock.now() };
    await repos.classwork.insertTopic(row);
    return toTopic(row);
  });
}

/** courses.topics.get */
export async function getTopic(env: Env, caller: Caller, ref: string, id: string): Promise<Topic> {
  const repos = env.store.read;
  const { course } = await loadCourse(repos, caller, ref);
  const row = await repos.classwork.topic(course.id, id);
  if (!row) fail('NOT_FOUND', 'Requested entity was not found.');
  return toTopic(row);
}

/** courses.topics.list: most recently updated first. */
export async function listTopics(env: Env, caller: Caller, ref: string, page: Page): Promise<{ topic?: Topic[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const { course } = await loadCourse(repos, caller, ref);
  const { items, nextPageToken } = finishPage(page, await repos.classwork.topics(course.id, page.window));
  return { ...(items.length > 0 ? { topic: items.map(toTopic) } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** courses.topics.patch: only `name`; a name another topic has is FAILED_PRECONDITION, as the reference says. */
export async function patchTopic(env: Env, caller: Caller, ref: string, id: string, updateMask: unknown, input: Input): Promise<Topic> {
  readItemMask(updateMask, ['name']);
  const name = nameOf(input);
  return env.store.transaction(async (repos) => {
    const { course, rel } = await loadCourse(repos, caller, ref, { lock: true });
    const row = await repos.classwork.topic(course.id, id);
    if (!row) fail('NOT_FOUND', 'Requested entity was not found.');
    enforce(checkTeacher(rel, 'change topics'));
    enforce(checkCourseOpen(course));
    const other = await repos.classwork.topicByName(course.id, name);
    if (other && other.id !== id) fail('FAILED_PRECONDITION', `The course already has a topic named "${name}".`);
    const patch = { name, update_time: env.clock.now() };
    await repos.classwork.updateTopic(id, patch);
    return toTopic({ ...row, ...patch });
  });
}

/** courses.topics.delete: items filed under the topic lose it. */
export async function deleteTopic(env: Env, caller: Caller, ref: string, id: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const { course, rel } = await loadCourse(repos, caller, ref, { lock: true });
    const row = await repos.classwork.topic(course.id, id);
    if (!row) fail('NOT_FOUND', 'Requested entity was not found.');
    enforce(checkTeacher(rel, 'delete topics'));
    enforce(checkCourseOpen(course));
    await repos.classwork.deleteTopic(course.id, id, env.clock.now());
    return {};
  });
}
