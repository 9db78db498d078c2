import type { Env } from '../env.js';
import { fail, invalidArgument } from '../failure.js';
import type { Repos } from '../store/repos.js';
import type { Flag, ProjectRow, TokenRow, UserRow, UserState } from '../store/schema.js';
import { allScopes, normalizeScope } from './scopes.js';

/** What an admin call or a fixture says about a user. */
export interface UserInput {
  email: string;
  id?: string;
  name?: string | { givenName?: string; familyName?: string };
  admin?: boolean;
  canCreateCourses?: boolean;
  classroomEnabled?: boolean;
  apiEnabled?: boolean;
  groupMemberships?: number;
  verifiedTeacher?: boolean;
  state?: UserState;
}

const EMAIL = /^[^\s@]+@([a-z0-9-]+(\.[a-z0-9-]+)+)$/i;

/** The Workspace domain an address belongs to. */
export function domainOf(email: string): string {
  const match = EMAIL.exec(email);
  if (!match?.[1]) invalidArgument(`"${email}" is not an email address.`, 'email');
  return match[1].toLowerCase();
}

const flag = (value: boolean | undefined, fallback: boolean): Flag => ((value ?? fallback) ? 1 : 0);

function splitName(input: UserInput): { given: string; family: string } {
  if (typeof input.name === 'object') return { given: input.name.givenName ?? '', family: input.name.familyName ?? '' };
  if (typeof input.name === 'string' && input.name.trim() !== '') {
    const parts = input.name.trim().split(/\s+/);
    return { given: parts[0] ?? '', family: parts.slice(1).join(' ') };
  }
  const local = input.email.split('@')[0] ?? '';
  const words = local.split(/[._-]+/).filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return { given: words[0] ?? local, family: words.slice(1).join(' ') };
}

/** Creates the domain of an address when it is new. */
export async function ensureDomain(env: Env, repos: Repos, name: string): Promise<void> {
  if (!(await repos.identity.domain(name))) {
    await repos.identity.insertDomain({ name, api_enabled: 1, created_at: env.clock.now() });
  }
}

/** Creates a user (and its domain). ALREADY_EXISTS for a taken address or id. */
export async function createUser(env: Env, repos: Repos, input: UserInput): Promise<UserRow> {
  const email = input.email.trim().toLowerCase();
  const domain = domainOf(email);
  if (await repos.users.byEmail(email)) fail('ALREADY_EXISTS', `A user with the address ${email} already exists.`);
  if (input.id !== undefined && (await repos.users.byId(input.id))) fail('ALREADY_EXISTS', `A user with id ${input.id} already exists.`);
  if (input.groupMemberships !== undefined && (!Number.isInteger(input.groupMemberships) || input.groupMemberships < 0)) {
    invalidArgument('groupMemberships must be a whole number of at least 0.', 'groupMemberships');
  }
  await ensureDomain(env, repos, domain);
  const { given, family } = splitName(input);
  const row: UserRow = {
    id: input.id ?? env.ids.user(),
    email,
    domain,
    given_name: given,
    family_name: family,
    is_admin: flag(input.admin, false),
    can_create_courses: flag(input.canCreateCourses, true),
    classroom_enabled: flag(input.classroomEnabled, true),
    api_enabled: flag(input.apiEnabled, true),
    state: input.state ?? 'ACTIVE',
    group_memberships: input.groupMemberships ?? 0,
    verified_teacher: flag(input.verifiedTeacher, false),
    created_at: env.clock.now(),
  };
  if (!(await repos.users.insertIfAbsent(row))) fail('ALREADY_EXISTS', `A user with the address ${email} already exists.`);
  return row;
}

/**
 * The user with this address, created with defaults when there is none yet. Safe when two requests
 * create the same person at once (two guardian invitations to one new address accepted together).
 */
export async function ensureUser(env: Env, repos: Repos, email: string): Promise<UserRow> {
  const existing = await repos.users.byEmail(email);
  if (existing) return existing;
  try {
    return await createUser(env, repos, { email });
  } catch (error) {
    const winner = await repos.users.byEmail(email);
    if (winner) return winner;
    throw error;
  }
}

/** Applies an admin change to a user. */
export async function updateUser(repos: Repos, user: UserRow, input: Omit<Partial<UserInput>, 'email' | 'id'>): Promise<UserRow> {
  const patch: Partial<UserRow> = {};
  if (input.name !== undefined) {
    const { given, family } = splitName({ email: user.email, name: input.name });
    patch.given_name = given;
    patch.family_name = family;
  }
  if (input.admin !== undefined) patch.is_admin = flag(input.admin, false);
  if (input.canCreateCourses !== undefined) patch.can_create_courses = flag(input.canCreateCourses, true);
  if (input.classroomEnabled !== undefined) patch.classroom_enabled = flag(input.classroomEnabled, true);
  if (input.apiEnabled !== undefined) patch.api_enabled = flag(input.apiEnabled, true);
  if (input.verifiedTeacher !== undefined) patch.verified_teacher = flag(input.verifiedTeacher, false);
  if (input.groupMemberships !== undefined) patch.group_memberships = input.groupMemberships;
  if (input.state !== undefined) patch.state = input.state;
  if (Object.keys(patch).length > 0) await repos.users.update(user.id, patch);
  return { ...user, ...patch };
}

/** Returns the project, creating it when new. */
export async function ensureProject(env: Env, repos: Repos, id: string, name?: string): Promise<ProjectRow> {
  if (!/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(id)) {
    invalidArgument(`"${id}" is not a valid Cloud project id (lowercase letters, digits and hyphens).`, 'project');
  }
  const existing = await repos.identity.project(id);
  if (existing) return existing;
  const row: ProjectRow = { id, number: env.ids.projectNumber(), name: name ?? id, created_at: env.clock.now() };
  await repos.identity.insertProject(row);
  return row;
}

/** The project used when a token names none. */
export const DEFAULT_PROJECT = 'emulator-project';

/** What an admin call says about a token to mint. */
export interface TokenInput {
  user: string;
  scopes?: string[];
  project?: string;
  via?: 'oauth' | 'dwd';
  serviceAccount?: string;
  /** Lifetime in seconds on the virtual clock; never expires when absent. */
  expiresInSeconds?: number;
}

/**
 * Mints an access token. An OAuth token also records (or widens) the user's grant to the project,
 * as a consent screen would; a domain-wide-delegation token records none, which is why such a
 * caller later meets MissingGrant.
 */
export async function mintToken(env: Env, repos: Repos, input: TokenInput): Promise<TokenRow> {
  const user = input.user.includes('@') ? await repos.users.byEmail(input.user) : await repos.users.byId(input.user);
  if (!user) fail('NOT_FOUND', `No user ${input.user}.`);
  const project = await ensureProject(env, repos, input.project ?? DEFAULT_PROJECT);
  const known = new Set(allScopes());
  const scopes = (input.scopes ?? allScopes()).map(normalizeScope);
  for (const scope of scopes) {
    if (!known.has(scope) && !scope.startsWith('https://www.googleapis.com/auth/')) {
      invalidArgument(`"${scope}" is not an OAuth scope.`, 'scopes');
    }
  }
  const via = input.via ?? 'oauth';
  if (via === 'oauth') {
    const grant = await repos.identity.grant(user.id, project.id);
    const merged = new Set([...(grant?.scopes.split(' ').filter(Boolean) ?? []), ...scopes]);
    await repos.identity.putGrant({
      user_id: user.id,
      project_id: project.id,
      scopes: [...merged].join(' '),
      created_at: grant?.created_at ?? env.clock.now(),
    });
  }
  const row: TokenRow = {
    token: `ya29.emu-${env.ids.text(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-')}`,
    user_id: user.id,
    project_id: project.id,
    scopes: scopes.join(' '),
    via,
    service_account: via === 'dwd' ? (input.serviceAccount ?? `sync@${project.id}.iam.gserviceaccount.com`) : null,
    expires_at: input.expiresInSeconds !== undefined ? env.clock.now() + input.expiresInSeconds * 1000 : null,
    created_at: env.clock.now(),
  };
  await repos.identity.insertToken(row);
  return row;
}
