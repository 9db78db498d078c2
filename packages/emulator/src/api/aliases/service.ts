import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { aliasScope, checkAliasManager, type AliasScope } from '../../rules/courses.js';
import type { Repos } from '../../store/repos.js';
import { loadCourse, type LoadedCourse } from '../courses/access.js';
import { finishPage, type Page } from '../paging.js';

/** The CourseAlias resource. */
export interface CourseAlias {
  alias: string;
}

/** The namespace an alias of this scope lives in, for this caller: their domain or their Cloud project. */
export function aliasNamespace(caller: Caller, scope: AliasScope): string {
  return scope === 'domain' ? caller.user.domain : caller.project.id;
}

function readAlias(value: unknown, field: string): { alias: string; scope: AliasScope } {
  if (typeof value !== 'string' || value === '') invalidArgument('An alias is required.', field);
  const scope = aliasScope(value);
  if (!scope) {
    invalidArgument(`"${value}" is not an alias: use d:<name> or p:<name> with letters, digits or _ . - ~, at most 256 characters.`, field);
  }
  return { alias: value, scope };
}

async function ownerDomain(repos: Repos, loaded: LoadedCourse): Promise<string> {
  return loaded.owner?.domain ?? (await repos.users.byId(loaded.course.owner_id))?.domain ?? '';
}

/**
 * courses.aliases.create: a domain alias is unique in the caller's domain and only that domain's
 * administrators create one; a project alias is unique in the caller's Cloud project.
 */
export async function createAlias(env: Env, caller: Caller, courseRef: string, input: Readonly<Record<string, unknown>>): Promise<CourseAlias> {
  const { alias, scope } = readAlias(input.alias, 'course_alias.alias');
  return env.store.transaction(async (repos) => {
    const loaded = await loadCourse(repos, caller, courseRef, { lock: true });
    enforce(checkAliasManager(scope, caller.user, await ownerDomain(repos, loaded), loaded.rel));
    const namespace = aliasNamespace(caller, scope);
    const inserted = await repos.aliases.insertIfAbsent({ alias, namespace, course_id: loaded.course.id, created_at: env.clock.now() });
    if (!inserted) fail('ALREADY_EXISTS', `The alias ${alias} is already taken.`);
    return { alias };
  });
}

/** courses.aliases.delete: the alias must exist in the caller's namespace and belong to this course. */
export async function deleteAlias(env: Env, caller: Caller, courseRef: string, aliasRef: string): Promise<Record<string, never>> {
  const { alias, scope } = readAlias(aliasRef, 'alias');
  return env.store.transaction(async (repos) => {
    const loaded = await loadCourse(repos, caller, courseRef, { lock: true });
    enforce(checkAliasManager(scope, caller.user, await ownerDomain(repos, loaded), loaded.rel));
    const namespace = aliasNamespace(caller, scope);
    const row = await repos.aliases.get(namespace, alias);
    if (!row || row.course_id !== loaded.course.id) fail('NOT_FOUND', `The course has no alias ${alias}.`);
    await repos.aliases.delete(namespace, alias);
    return {};
  });
}

/**
 * courses.aliases.list: anyone who may see the course; they see the aliases of their own domain and
 * of the Cloud project they call from, since other namespaces are invisible to them.
 */
export async function listAliases(env: Env, caller: Caller, courseRef: string, page: Page): Promise<{ aliases?: CourseAlias[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const loaded = await loadCourse(repos, caller, courseRef);
  const rows = await repos.aliases.listIn(loaded.course.id, [caller.user.domain, caller.project.id], page.window);
  const { items, nextPageToken } = finishPage(page, rows);
  const aliases = items.map((row) => ({ alias: row.alias }));
  return { ...(aliases.length > 0 ? { aliases } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}
