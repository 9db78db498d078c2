import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { AppParts } from '../app.js';
import { completeGuardianInvitation } from '../api/guardian-invitations/service.js';
import { HANDLERS } from '../api/index.js';
import { discoveryMethods } from '../discovery/document.js';
import type { Env } from '../env.js';
import { ApiFailure, fail, invalidArgument } from '../failure.js';
import { createUser, ensureProject, mintToken, updateUser, type TokenInput, type UserInput } from '../identity/accounts.js';
import { allScopes, normalizeScope } from '../identity/scopes.js';
import { DEFAULT_LIMITS, LIMIT_NAMES, type Limits } from '../platform/limits.js';
import { FIXTURE_SCHEMA, writeFixture, type Fixture } from '../seed/fixture.js';
import type { Repos } from '../store/repos.js';
import { TABLES, type CourseRow, type DomainRow, type GrantRow, type ProjectRow, type TokenRow, type UserRow } from '../store/schema.js';
import { addOnEndpoints } from './add-on-routes.js';
import { checkEndpoints } from './check-routes.js';
import { driveEndpoints } from './drive-routes.js';
import { inspectEndpoints } from './inspect-routes.js';
import { platformEndpoints } from './platform-routes.js';
import { endpoint, openApiDocument, registerEndpoints, type AdminEndpoint } from './endpoint.js';
import {
  CLOCK_VIEW,
  COURSE_VIEW,
  COURSES_VIEW,
  COVERAGE_VIEW,
  DOMAIN_VIEW,
  DOMAINS_VIEW,
  EMPTY_VIEW,
  FIXTURE_SUMMARY_VIEW,
  GRANT_VIEW,
  GRANTS_VIEW,
  HEALTH_VIEW,
  LIMITS_VIEW,
  PROJECT_VIEW,
  PROJECTS_VIEW,
  STATE_VIEW,
  TOKEN_VIEW,
  TOKENS_VIEW,
  USER_VIEW,
  USERS_VIEW,
} from './views.js';

/** The admin view of a user: everything the emulator knows, camelCase. */
export function adminUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    domain: row.domain,
    name: { givenName: row.given_name, familyName: row.family_name, fullName: [row.given_name, row.family_name].filter(Boolean).join(' ') },
    admin: row.is_admin === 1,
    canCreateCourses: row.can_create_courses === 1,
    classroomEnabled: row.classroom_enabled === 1,
    apiEnabled: row.api_enabled === 1,
    verifiedTeacher: row.verified_teacher === 1,
    state: row.state,
    groupMemberships: row.group_memberships,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function adminDomain(row: DomainRow) {
  return { name: row.name, apiEnabled: row.api_enabled === 1, createTime: iso(row.created_at) };
}

function adminProject(row: ProjectRow) {
  return { id: row.id, number: row.number, name: row.name, createTime: iso(row.created_at) };
}

function adminGrant(row: GrantRow, users: Map<string, UserRow>) {
  return { user: row.user_id, userEmail: users.get(row.user_id)?.email, project: row.project_id, scopes: row.scopes.split(' ').filter(Boolean), createTime: iso(row.created_at) };
}

function adminToken(row: TokenRow) {
  return {
    accessToken: row.token,
    tokenType: 'Bearer',
    user: row.user_id,
    project: row.project_id,
    scopes: row.scopes.split(' ').filter(Boolean),
    via: row.via,
    ...(row.service_account ? { serviceAccount: row.service_account } : {}),
    ...(row.expires_at !== null ? { expireTime: iso(row.expires_at) } : {}),
  };
}

const VERSION = (() => {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

const userFields = {
  name: { oneOf: [{ type: 'string' }, { type: 'object', properties: { givenName: { type: 'string' }, familyName: { type: 'string' } }, additionalProperties: false }] },
  admin: { type: 'boolean' },
  canCreateCourses: { type: 'boolean' },
  classroomEnabled: { type: 'boolean' },
  apiEnabled: { type: 'boolean' },
  verifiedTeacher: { type: 'boolean' },
  groupMemberships: { type: 'integer', minimum: 0 },
  state: { enum: ['ACTIVE', 'SUSPENDED', 'DELETED'] },
} as const;

/** Scopes outside the Classroom API's own list are accepted when they look like Google scope URLs. */
const SCOPE_URL = /^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i;
const PROJECT_ID = { type: 'string', pattern: '^[a-z][a-z0-9-]{1,61}[a-z0-9]$', description: 'A Cloud project id: lowercase letters, digits and hyphens.' } as const;
const DOMAIN_NAME = { type: 'string', pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$' } as const;
const USER_REF = { type: 'string', minLength: 1, description: 'An email address or a numeric user id.' } as const;
const SCOPES = { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Full scope URLs or short forms such as classroom.courses.' } as const;

const USER_CREATE = {
  type: 'object',
  required: ['email'],
  additionalProperties: false,
  properties: { email: { type: 'string', minLength: 3 }, id: { type: 'string', pattern: '^[0-9]{1,30}$' }, ...userFields },
} as const;
const USER_PATCH = { type: 'object', additionalProperties: false, properties: userFields } as const;

const TOKEN = {
  type: 'object',
  required: ['user'],
  additionalProperties: false,
  properties: {
    user: USER_REF,
    scopes: SCOPES,
    project: PROJECT_ID,
    via: { enum: ['oauth', 'dwd'] },
    serviceAccount: { type: 'string', minLength: 1 },
    expiresInSeconds: { type: 'integer', minimum: 1 },
  },
} as const;

const LIMITS = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(LIMIT_NAMES.map((name) => [name, { type: 'integer', minimum: 0 }])),
} as const;

const CLOCK_ADVANCE = { type: 'object', required: ['seconds'], additionalProperties: false, properties: { seconds: { type: 'number' } } } as const;
const CLOCK_SET = {
  type: 'object',
  additionalProperties: false,
  properties: { now: { type: 'string', minLength: 1, description: 'RFC 3339.' }, frozen: { type: 'boolean' } },
} as const;

const COURSE_STATES = ['ACTIVE', 'ARCHIVED', 'PROVISIONED', 'DECLINED', 'SUSPENDED'] as const;
const COURSE_PATCH = {
  type: 'object',
  additionalProperties: false,
  properties: { teacherFolderOwner: { type: ['string', 'null'] }, courseState: { enum: COURSE_STATES } },
} as const;

const RESET = { type: 'object', additionalProperties: false, properties: { demo: { type: 'boolean' } } } as const;
const DOMAIN_CREATE = { type: 'object', required: ['name'], additionalProperties: false, properties: { name: DOMAIN_NAME, apiEnabled: { type: 'boolean' } } } as const;
const DOMAIN_PATCH = { type: 'object', required: ['apiEnabled'], additionalProperties: false, properties: { apiEnabled: { type: 'boolean' } } } as const;
const PROJECT_CREATE = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: PROJECT_ID, name: { type: 'string', minLength: 1 }, number: { type: 'string', pattern: '^[0-9]{1,20}$' } },
} as const;
const GRANT_PUT = { type: 'object', required: ['user', 'project', 'scopes'], additionalProperties: false, properties: { user: USER_REF, project: PROJECT_ID, scopes: SCOPES } } as const;
const GRANT_QUERY = { type: 'object', additionalProperties: false, properties: { user: USER_REF, project: PROJECT_ID } } as const;
const GRANT_DELETE_QUERY = { ...GRANT_QUERY, required: ['user', 'project'] } as const;
const USERS_QUERY = { type: 'object', additionalProperties: false, properties: { domain: { type: 'string', description: 'Only users of this domain.' } } } as const;
const TOKENS_QUERY = { type: 'object', additionalProperties: false, properties: { user: USER_REF } } as const;
const COURSES_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { domain: { type: 'string', description: "Only courses whose owner is in this domain." }, state: { enum: COURSE_STATES } },
} as const;

/** The state export: every table's rows, plus the limits and clock in force. */
export interface StateExport {
  format: 'classroom-emulator-state';
  version: 1;
  exportTime: string;
  limits: Limits;
  clock: { now: string; frozen: boolean };
  tables: Record<string, Record<string, unknown>[]>;
}

const STATE_IMPORT = {
  type: 'object',
  required: ['tables'],
  additionalProperties: false,
  properties: {
    format: { const: 'classroom-emulator-state' },
    version: { const: 1 },
    exportTime: { type: 'string' },
    limits: LIMITS,
    clock: { type: 'object', additionalProperties: false, properties: { now: { type: 'string' }, frozen: { type: 'boolean' } } },
    tables: {
      type: 'object',
      propertyNames: { enum: [...TABLES] },
      additionalProperties: { type: 'array', items: { type: 'object' } },
    },
  },
} as const;

async function findUser(repos: Repos, ref: string): Promise<UserRow> {
  const user = ref.includes('@') ? await repos.users.byEmail(ref) : await repos.users.byId(ref);
  if (!user) fail('NOT_FOUND', `No user ${ref}.`);
  return user;
}

function parseTime(value: string, field: string): number {
  const at = Date.parse(value);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(value)) invalidArgument(`"${value}" is not an RFC 3339 time.`, field);
  return at;
}

/** The admin view of courses: members, aliases, folder owner, transfer and pending ownership. */
async function adminCourses(env: Env, repos: Repos, rows: CourseRow[]) {
  const now = env.clock.now();
  const counts = rows.length === 1 && rows[0] ? new Map([[rows[0].id, await repos.members.count(rows[0].id)]]) : await repos.members.countByCourse();
  const aliases = new Map<string, string[]>();
  for (const alias of await repos.aliases.all()) (aliases.get(alias.course_id) ?? aliases.set(alias.course_id, []).get(alias.course_id))?.push(alias.alias);
  const people = await repos.users.byIds(rows.flatMap((c) => [c.owner_id, c.teacher_folder_owner_id ?? c.owner_id, ...(c.transfer_from_id ? [c.transfer_from_id] : [])]));
  // One query for all pending OWNER invitations rather than one per course: a district has thousands.
  const pending = new Map<string, { id: string; user: string }>();
  const invitations = rows.length === 1 && rows[0] ? [await repos.invitations.pendingOwner(rows[0].id)] : await repos.invitations.list({}, { offset: 0, limit: 10_000_000 });
  for (const invitation of invitations) {
    if (invitation?.role === 'OWNER') pending.set(invitation.course_id, { id: invitation.id, user: invitation.user_id });
  }
  return rows.map((c) => {
    const members = counts.get(c.id) ?? { students: 0, teachers: 0 };
    const owner = people.get(c.owner_id);
    const transferring = c.transfer_from_id !== null && c.transfer_done_at !== null && c.transfer_done_at > now;
    // Until a transfer completes, Drive still belongs to the previous owner.
    const folderOwnerId = c.teacher_folder_owner_id ?? (transferring && c.transfer_from_id ? c.transfer_from_id : c.owner_id);
    return {
      id: c.id,
      name: c.name,
      ...(c.section ? { section: c.section } : {}),
      courseState: c.course_state,
      owner: { id: c.owner_id, email: owner?.email, state: owner?.state },
      aliases: aliases.get(c.id) ?? [],
      enrollmentCode: c.enrollment_code,
      members: { teachers: members.teachers, students: members.students, total: members.teachers + members.students },
      teacherFolderOwner: { id: folderOwnerId, email: people.get(folderOwnerId)?.email, pinned: c.teacher_folder_owner_id !== null },
      ...(c.transfer_from_id
        ? { transfer: { from: c.transfer_from_id, fromEmail: people.get(c.transfer_from_id)?.email, doneTime: c.transfer_done_at !== null ? iso(c.transfer_done_at) : undefined, inProgress: transferring } }
        : {}),
      ...(pending.get(c.id) ? { pendingOwnerInvitation: pending.get(c.id) } : {}),
      projectId: c.project_id,
      creationTime: iso(c.creation_time),
      updateTime: iso(c.update_time),
    };
  });
}

/**
 * Every admin endpoint, in one table: it registers the routes and generates /emulator/v1/openapi.json.
 * Add an entry here (rather than calling `app.get` directly) so that the document stays complete.
 */
export function adminEndpoints(parts: AppParts): AdminEndpoint[] {
  const { env } = parts;
  const clockView = () => ({ now: iso(env.clock.now()), frozen: env.clock.frozen });

  const table: AdminEndpoint[] = [
    endpoint({
      method: 'GET', path: '/health', returns: HEALTH_VIEW, tag: 'emulator', summary: 'Liveness, the store in use and the virtual time.',
      response: '{status, store, version, now}',
      handle: async () => ({ status: 'ok', store: env.store.dialect, version: VERSION, now: iso(env.clock.now()) }),
    }),
    endpoint<{ demo?: boolean }>({
      method: 'POST', path: '/reset', tag: 'emulator', body: RESET,
      summary: 'Empties the state and returns limits and clock to their start values; {"demo": true} re-seeds the demo school.',
      response: '{reset: true, demo}',
      handle: async ({ body }) => {
        await parts.reset({ demo: body.demo ?? false });
        return { reset: true, demo: body.demo ?? false };
      },
    }),
    endpoint({
      method: 'GET', path: '/openapi.json', tag: 'emulator', summary: 'This document: the admin API as OpenAPI 3.1.',
      response: 'An OpenAPI 3.1 document.',
      handle: async ({ request }) => openApiDocument(table, { version: VERSION, serverUrl: `${request.protocol}://${request.headers.host ?? 'localhost'}` }),
    }),
    endpoint({
      method: 'GET', path: '/coverage', returns: COVERAGE_VIEW, tag: 'emulator', summary: 'Which Classroom methods the emulator implements.',
      response: '{implemented, total, methods: [{id, httpMethod, path, implemented}]}',
      handle: async () => {
        const methods = discoveryMethods().map((m) => ({ id: m.id, httpMethod: m.httpMethod, path: m.flatPath, implemented: m.id in HANDLERS }));
        return { implemented: methods.filter((m) => m.implemented).length, total: methods.length, methods };
      },
    }),

    // Domains
    endpoint({
      method: 'GET', path: '/domains', returns: DOMAINS_VIEW, tag: 'identity', summary: 'Every Workspace domain.', response: '{domains: [{name, apiEnabled, createTime}]}',
      handle: async () => ({ domains: (await env.store.read.identity.domains()).map(adminDomain) }),
    }),
    endpoint<{ name: string; apiEnabled?: boolean }>({
      method: 'POST', path: '/domains', returns: DOMAIN_VIEW, tag: 'identity', body: DOMAIN_CREATE, summary: 'Creates a domain (users create theirs implicitly).',
      response: 'The domain.',
      handle: async ({ body }) =>
        env.store.transaction(async (repos) => {
          if (await repos.identity.domain(body.name)) fail('ALREADY_EXISTS', `The domain ${body.name} already exists.`);
          const row: DomainRow = { name: body.name, api_enabled: body.apiEnabled === false ? 0 : 1, created_at: env.clock.now() };
          await repos.identity.insertDomain(row);
          return adminDomain(row);
        }),
    }),
    endpoint<{ apiEnabled: boolean }>({
      method: 'PATCH', path: '/domains/{name}', returns: DOMAIN_VIEW, tag: 'identity', body: DOMAIN_PATCH, params: { name: 'The domain name.' },
      summary: "Switches the domain's Classroom API access (off: its users get ClassroomApiDisabled).", response: 'The domain.',
      handle: async ({ params, body }) =>
        env.store.transaction(async (repos) => {
          const name = params.name ?? '';
          const row = await repos.identity.domain(name);
          if (!row) fail('NOT_FOUND', `No domain ${name}.`);
          await repos.identity.updateDomain(name, { api_enabled: body.apiEnabled ? 1 : 0 });
          return adminDomain({ ...row, api_enabled: body.apiEnabled ? 1 : 0 });
        }),
    }),

    // Users
    endpoint<Record<string, never>, { domain?: string }>({
      method: 'GET', path: '/users', returns: USERS_VIEW, tag: 'identity', query: USERS_QUERY, summary: 'Every user, or one domain\'s.', response: '{users: [User]}',
      handle: async ({ query }) => ({ users: (await env.store.read.users.list(query.domain, { offset: 0, limit: 1_000_000 })).map(adminUser) }),
    }),
    endpoint<UserInput>({
      method: 'POST', path: '/users', returns: USER_VIEW, tag: 'identity', body: USER_CREATE, summary: 'Creates a user (and its domain).', response: 'The user.',
      handle: async ({ body }) => adminUser(await env.store.transaction((repos) => createUser(env, repos, body))),
    }),
    endpoint({
      method: 'GET', path: '/users/{ref}', returns: USER_VIEW, tag: 'identity', params: { ref: 'An email address or a numeric user id.' }, summary: 'One user.', response: 'The user.',
      handle: async ({ params }) => adminUser(await findUser(env.store.read, params.ref ?? '')),
    }),
    endpoint<Partial<UserInput>>({
      method: 'PATCH', path: '/users/{ref}', returns: USER_VIEW, tag: 'identity', body: USER_PATCH, params: { ref: 'An email address or a numeric user id.' },
      summary: 'Changes a user: admin, Classroom and API switches, state, outside group memberships.', response: 'The user.',
      handle: async ({ params, body }) =>
        adminUser(await env.store.transaction(async (repos) => updateUser(repos, await findUser(repos, params.ref ?? ''), body))),
    }),

    // Projects and grants
    endpoint({
      method: 'GET', path: '/projects', returns: PROJECTS_VIEW, tag: 'identity', summary: 'Every Cloud project.', response: '{projects: [{id, number, name, createTime}]}',
      handle: async () => ({ projects: (await env.store.read.identity.projects()).map(adminProject) }),
    }),
    endpoint<{ id: string; name?: string; number?: string }>({
      method: 'POST', path: '/projects', returns: PROJECT_VIEW, tag: 'identity', body: PROJECT_CREATE, summary: 'Creates a Cloud project.', response: 'The project.',
      handle: async ({ body }) =>
        env.store.transaction(async (repos) => {
          if (await repos.identity.project(body.id)) fail('ALREADY_EXISTS', `The project ${body.id} already exists.`);
          const row: ProjectRow = { id: body.id, number: body.number ?? env.ids.projectNumber(), name: body.name ?? body.id, created_at: env.clock.now() };
          await repos.identity.insertProject(row);
          return adminProject(row);
        }),
    }),
    endpoint<Record<string, never>, { user?: string; project?: string }>({
      method: 'GET', path: '/grants', returns: GRANTS_VIEW, tag: 'identity', query: GRANT_QUERY, summary: 'OAuth grants (user → project → scopes).', response: '{grants: [{user, userEmail, project, scopes, createTime}]}',
      handle: async ({ query }) => {
        const repos = env.store.read;
        const user = query.user ? await findUser(repos, query.user) : undefined;
        const rows = (await repos.identity.grants()).filter((g) => (!user || g.user_id === user.id) && (!query.project || g.project_id === query.project));
        const users = await repos.users.byIds(rows.map((g) => g.user_id));
        return { grants: rows.map((g) => adminGrant(g, users)) };
      },
    }),
    endpoint<{ user: string; project: string; scopes: string[] }>({
      method: 'PUT', path: '/grants', returns: GRANT_VIEW, tag: 'identity', body: GRANT_PUT,
      summary: 'Records (or replaces) the scopes a user granted a project; the project is created when new.', response: 'The grant.',
      handle: async ({ body }) =>
        env.store.transaction(async (repos) => {
          const user = await findUser(repos, body.user);
          await ensureProject(env, repos, body.project);
          const known = new Set(allScopes());
          const scopes = body.scopes.map(normalizeScope);
          scopes.forEach((scope, i) => {
            if (!known.has(scope) && !SCOPE_URL.test(scope)) invalidArgument(`"${scope}" is not an OAuth scope.`, `scopes[${i}]`);
          });
          const existing = await repos.identity.grant(user.id, body.project);
          const row: GrantRow = { user_id: user.id, project_id: body.project, scopes: [...new Set(scopes)].join(' '), created_at: existing?.created_at ?? env.clock.now() };
          await repos.identity.putGrant(row);
          return adminGrant(row, new Map([[user.id, user]]));
        }),
    }),
    endpoint<Record<string, never>, { user: string; project: string }>({
      method: 'DELETE', path: '/grants', returns: EMPTY_VIEW, tag: 'identity', query: GRANT_DELETE_QUERY, summary: 'Revokes a grant (tokens already minted keep working).', response: '{}',
      handle: async ({ query }) =>
        env.store.transaction(async (repos) => {
          const user = await findUser(repos, query.user);
          if ((await repos.identity.deleteGrant(user.id, query.project)) === 0) fail('NOT_FOUND', `${user.email} has granted nothing to ${query.project}.`);
          return {};
        }),
    }),

    // Tokens
    endpoint<Record<string, never>, { user?: string }>({
      method: 'GET', path: '/tokens', returns: TOKENS_VIEW, tag: 'identity', query: TOKENS_QUERY, summary: 'Access tokens, every one or one user\'s.', response: '{tokens: [Token]}',
      handle: async ({ query }) => {
        const repos = env.store.read;
        const user = query.user ? await findUser(repos, query.user) : undefined;
        return { tokens: (await repos.identity.tokens(user?.id)).map(adminToken) };
      },
    }),
    endpoint<TokenInput>({
      method: 'POST', path: '/tokens', returns: TOKEN_VIEW, tag: 'identity', body: TOKEN,
      summary: 'Mints an access token; an OAuth token also records the grant, a domain-wide-delegation one does not.', response: 'The token.',
      handle: async ({ body }) => adminToken(await env.store.transaction((repos) => mintToken(env, repos, body))),
    }),
    endpoint({
      method: 'DELETE', path: '/tokens/{token}', returns: EMPTY_VIEW, tag: 'identity', params: { token: 'The access token.' }, summary: 'Revokes a token.', response: '{}',
      handle: async ({ params }) =>
        env.store.transaction(async (repos) => {
          if ((await repos.identity.deleteToken(params.token ?? '')) === 0) fail('NOT_FOUND', 'No such token.');
          return {};
        }),
    }),

    // Limits and time
    endpoint({
      method: 'GET', path: '/limits', returns: LIMITS_VIEW, tag: 'platform', summary: 'The limits in force.', response: 'Limits.',
      handle: async () => {
        await env.sync();
        return env.limits;
      },
    }),
    endpoint<Partial<Limits>>({
      method: 'PATCH', path: '/limits', returns: LIMITS_VIEW, tag: 'platform', body: LIMITS, summary: 'Changes limits at run time.', response: 'Limits.',
      handle: async ({ body }) => env.setLimits(body),
    }),
    endpoint({
      method: 'GET', path: '/limits:defaults', returns: LIMITS_VIEW, tag: 'platform', summary: "Production's published limits.", response: 'Limits.',
      handle: async () => DEFAULT_LIMITS,
    }),
    endpoint({
      method: 'GET', path: '/clock', returns: CLOCK_VIEW, tag: 'platform', summary: 'The virtual time.', response: '{now, frozen}',
      handle: async () => {
        await env.sync();
        return clockView();
      },
    }),
    endpoint<{ seconds: number }>({
      method: 'POST', path: '/clock:advance', returns: CLOCK_VIEW, tag: 'platform', body: CLOCK_ADVANCE, summary: 'Moves the virtual clock by some seconds.', response: '{now, frozen}',
      handle: async ({ body }) => {
        env.clock.advance(body.seconds * 1000);
        await env.saveClock();
        return clockView();
      },
    }),
    endpoint<{ now?: string; frozen?: boolean }>({
      method: 'POST', path: '/clock', returns: CLOCK_VIEW, tag: 'platform', body: CLOCK_SET, summary: 'Sets and/or freezes the virtual clock.', response: '{now, frozen}',
      handle: async ({ body }) => {
        const at = body.now !== undefined ? parseTime(body.now, 'now') : undefined;
        // Freezing at a given time is one step, so the wall clock cannot tick between set and freeze.
        if (at !== undefined && body.frozen === true) env.clock.freezeAt(at);
        else {
          if (at !== undefined) env.clock.set(at);
          if (body.frozen !== undefined) env.clock.freeze(body.frozen);
        }
        await env.saveClock();
        return clockView();
      },
    }),

    // Courses
    endpoint<Record<string, never>, { domain?: string; state?: string }>({
      method: 'GET', path: '/courses', returns: COURSES_VIEW, tag: 'courses', query: COURSES_QUERY,
      summary: 'Every course with member counts, aliases, Drive folder owner, transfer state and pending ownership invitation.',
      response: '{courses: [AdminCourse]}',
      handle: async ({ query }) => {
        const repos = env.store.read;
        let rows = await repos.courses.all();
        if (query.state) rows = rows.filter((c) => c.course_state === query.state);
        if (query.domain) {
          const owners = await repos.users.byIds(rows.map((c) => c.owner_id));
          rows = rows.filter((c) => owners.get(c.owner_id)?.domain === query.domain);
        }
        return { courses: await adminCourses(env, repos, rows) };
      },
    }),
    endpoint({
      method: 'GET', path: '/courses/{id}', returns: COURSE_VIEW, tag: 'courses', params: { id: 'The numeric course id.' }, summary: 'One course, the admin view.', response: 'AdminCourse.',
      handle: async ({ params }) => {
        const repos = env.store.read;
        const course = await repos.courses.byId(params.id ?? '');
        if (!course) fail('NOT_FOUND', `No course ${params.id}.`);
        return (await adminCourses(env, repos, [course]))[0];
      },
    }),
    endpoint<{ teacherFolderOwner?: string | null; courseState?: string }>({
      method: 'PATCH', path: '/courses/{id}', tag: 'courses', body: COURSE_PATCH, params: { id: 'The numeric course id.' },
      summary: 'Sets what only Google or Drive can change: the Drive folder owner (null: the owner again), or any course state (SUSPENDED too).',
      response: '{id, courseState, ownerId, teacherFolderOwner}',
      handle: async ({ params, body }) =>
        env.store.transaction(async (repos) => {
          const id = params.id ?? '';
          const course = await repos.courses.lock(id);
          if (!course) fail('NOT_FOUND', `No course ${id}.`);
          const patch: { teacher_folder_owner_id?: string | null; course_state?: string; update_time: number } = { update_time: env.clock.now() };
          if (body.teacherFolderOwner !== undefined) {
            patch.teacher_folder_owner_id = body.teacherFolderOwner === null ? null : (await findUser(repos, body.teacherFolderOwner)).id;
          }
          if (body.courseState !== undefined) patch.course_state = body.courseState;
          await repos.courses.update(id, patch);
          const updated = { ...course, ...patch };
          return { id: updated.id, courseState: updated.course_state, ownerId: updated.owner_id, teacherFolderOwner: updated.teacher_folder_owner_id ?? updated.owner_id };
        }),
    }),

    // Seeding and snapshots
    endpoint<Fixture>({
      method: 'POST', path: '/fixtures', returns: FIXTURE_SUMMARY_VIEW, tag: 'state', body: FIXTURE_SCHEMA, yaml: true, bodyLimit: 512 * 1024 * 1024,
      summary: 'Adds a fixture (JSON or YAML: domains, users, projects, grants, tokens, courses, invitations, joins) in one transaction.',
      response: 'What was written: counts per kind, courseIds by key, userIds by address.',
      // The body was checked against FIXTURE_SCHEMA on the way in; a district is too big to check twice.
      handle: async ({ body }) => env.store.transaction((repos) => writeFixture(env, repos, body)),
    }),
    endpoint({
      method: 'GET', path: '/state', returns: STATE_VIEW, tag: 'state', summary: 'Exports the whole state: every table, the limits and the clock.', response: 'StateExport.',
      handle: async (): Promise<StateExport> => {
        await env.sync();
        const tables = (await env.store.read.state.dump()) as Record<string, Record<string, unknown>[]>;
        // The stored clock is relative to this machine's wall clock; `clock` below carries it absolutely.
        if (tables.settings) tables.settings = tables.settings.filter((row) => row.key !== 'clock');
        return { format: 'classroom-emulator-state', version: 1, exportTime: iso(env.clock.now()), limits: { ...env.limits }, clock: clockView(), tables };
      },
    }),
    endpoint<Partial<StateExport> & Pick<StateExport, 'tables'>>({
      method: 'POST', path: '/state', tag: 'state', body: STATE_IMPORT, bodyLimit: 1024 * 1024 * 1024,
      summary: 'Replaces the whole state with an export, in one transaction.', response: '{imported: {table: rows}}',
      handle: async ({ body }) => {
        const at = body.clock?.now !== undefined ? parseTime(body.clock.now, 'clock.now') : undefined;
        try {
          await env.store.transaction(async (repos) => {
            await repos.state.wipe();
            const tables = { ...body.tables };
            if (tables.settings) tables.settings = tables.settings.filter((row) => row.key !== 'clock');
            await repos.state.load(tables);
          });
        } catch (error) {
          if (error instanceof ApiFailure) throw error;
          invalidArgument(`The state could not be imported: ${(error as Error).message}.`, 'tables');
        }
        await env.resetSettings();
        if (body.limits) await env.setLimits(body.limits);
        if (at !== undefined && body.clock?.frozen) env.clock.freezeAt(at);
        else {
          if (at !== undefined) env.clock.set(at);
          if (body.clock?.frozen) env.clock.freeze(true);
        }
        await env.saveClock();
        return { imported: Object.fromEntries(Object.entries(body.tables).map(([name, rows]) => [name, rows.length])) };
      },
    }),

    // Guardians: production emails the guardian a link; tests and tools complete the invitation here.
    endpoint({
      method: 'POST', path: '/guardianInvitations/{invitationId}:accept', tag: 'guardians', params: { invitationId: 'The guardian invitation id.' },
      summary: "Completes a guardian invitation as if the guardian had clicked the email's link.", response: 'The completed invitation.',
      handle: async ({ params }) => completeGuardianInvitation(env, params.invitationId ?? ''),
    }),
    // Other folders' admin endpoints join the same table, so the OpenAPI document covers them too.
    ...driveEndpoints(env),
    ...addOnEndpoints(env),
    ...checkEndpoints(),
    ...inspectEndpoints(env, parts.platform),
    ...(parts.platform ? platformEndpoints(env, parts.platform) : []),
  ];
  return table;
}

/**
 * The admin API under /emulator/v1: state that production keeps outside the Classroom API (users,
 * projects, grants, limits, time). Same error envelope and validation style as the real surface.
 */
export function registerAdminRoutes(app: FastifyInstance, parts: AppParts): void {
  registerEndpoints(app, adminEndpoints(parts));
}
