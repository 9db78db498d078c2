import type { FastifyInstance } from 'fastify';
import type { AppParts } from '../app.js';
import { completeGuardianInvitation } from '../api/guardian-invitations/service.js';
import { HANDLERS } from '../api/index.js';
import { discoveryMethods } from '../discovery/document.js';
import { fail } from '../failure.js';
import { createUser, mintToken, updateUser, type TokenInput, type UserInput } from '../identity/accounts.js';
import { DEFAULT_LIMITS, LIMIT_NAMES, type Limits } from '../platform/limits.js';
import type { UserRow } from '../store/schema.js';
import { readJson } from './input.js';

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
    user: { type: 'string', minLength: 1 },
    scopes: { type: 'array', items: { type: 'string' } },
    project: { type: 'string' },
    via: { enum: ['oauth', 'dwd'] },
    serviceAccount: { type: 'string' },
    expiresInSeconds: { type: 'integer', minimum: 1 },
  },
} as const;

const LIMITS = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(LIMIT_NAMES.map((name) => [name, { type: 'integer', minimum: 0 }])),
} as const;

const CLOCK_ADVANCE = {
  type: 'object',
  required: ['seconds'],
  additionalProperties: false,
  properties: { seconds: { type: 'number' } },
} as const;

const CLOCK_SET = {
  type: 'object',
  additionalProperties: false,
  properties: { now: { type: 'string', format: 'date-time' }, frozen: { type: 'boolean' } },
} as const;

const COURSE_PATCH = {
  type: 'object',
  additionalProperties: false,
  properties: {
    teacherFolderOwner: { type: ['string', 'null'] },
    courseState: { enum: ['ACTIVE', 'ARCHIVED', 'PROVISIONED', 'DECLINED', 'SUSPENDED'] },
  },
} as const;

const RESET = { type: 'object', additionalProperties: false, properties: { demo: { type: 'boolean' } } } as const;

/**
 * The admin API under /emulator/v1: state that production keeps outside the Classroom API (users,
 * projects, grants, limits, time). Same error envelope and validation style as the real surface.
 */
export function registerAdminRoutes(app: FastifyInstance, parts: AppParts): void {
  const { env } = parts;
  const base = '/emulator/v1';

  app.get(`${base}/health`, async () => ({ status: 'ok', store: env.store.dialect, now: new Date(env.clock.now()).toISOString() }));

  app.post(`${base}/reset`, async (request) => {
    const body = readJson<{ demo?: boolean }>(request, RESET);
    await parts.reset({ demo: body.demo ?? false });
    return { reset: true, demo: body.demo ?? false };
  });

  app.get(`${base}/users`, async (request) => {
    const { domain } = request.query as { domain?: string };
    const rows = await env.store.read.users.list(domain, { offset: 0, limit: 100_000 });
    return { users: rows.map(adminUser) };
  });

  app.post(`${base}/users`, async (request) => {
    const input = readJson<UserInput>(request, USER_CREATE);
    return adminUser(await env.store.transaction((repos) => createUser(env, repos, input)));
  });

  app.get(`${base}/users/:ref`, async (request) => {
    const { ref } = request.params as { ref: string };
    const repos = env.store.read;
    const user = ref.includes('@') ? await repos.users.byEmail(ref) : await repos.users.byId(ref);
    if (!user) fail('NOT_FOUND', `No user ${ref}.`);
    return adminUser(user);
  });

  app.patch(`${base}/users/:ref`, async (request) => {
    const { ref } = request.params as { ref: string };
    const input = readJson<Partial<UserInput>>(request, USER_PATCH);
    return adminUser(
      await env.store.transaction(async (repos) => {
        const user = ref.includes('@') ? await repos.users.byEmail(ref) : await repos.users.byId(ref);
        if (!user) fail('NOT_FOUND', `No user ${ref}.`);
        return updateUser(repos, user, input);
      }),
    );
  });

  app.post(`${base}/tokens`, async (request) => {
    const input = readJson<TokenInput>(request, TOKEN);
    const row = await env.store.transaction((repos) => mintToken(env, repos, input));
    return {
      accessToken: row.token,
      tokenType: 'Bearer',
      user: row.user_id,
      project: row.project_id,
      scopes: row.scopes.split(' '),
      via: row.via,
      ...(row.service_account ? { serviceAccount: row.service_account } : {}),
      ...(row.expires_at !== null ? { expireTime: new Date(row.expires_at).toISOString() } : {}),
    };
  });

  app.get(`${base}/limits`, async () => {
    await env.sync();
    return env.limits;
  });

  app.patch(`${base}/limits`, async (request) => env.setLimits(readJson<Partial<Limits>>(request, LIMITS)));

  app.get(`${base}/limits:defaults`, async () => DEFAULT_LIMITS);

  const clockView = () => ({ now: new Date(env.clock.now()).toISOString(), frozen: env.clock.frozen });

  app.get(`${base}/clock`, async () => {
    await env.sync();
    return clockView();
  });

  app.post(`${base}/clock:advance`, async (request) => {
    const { seconds } = readJson<{ seconds: number }>(request, CLOCK_ADVANCE);
    env.clock.advance(seconds * 1000);
    await env.saveClock();
    return clockView();
  });

  app.post(`${base}/clock`, async (request) => {
    const body = readJson<{ now?: string; frozen?: boolean }>(request, CLOCK_SET);
    if (body.now !== undefined) {
      const at = Date.parse(body.now);
      if (Number.isNaN(at)) fail('INVALID_ARGUMENT', `"${body.now}" is not an RFC 3339 time.`, { fieldViolations: [{ field: 'now', description: 'not an RFC 3339 time' }] });
      env.clock.set(at);
    }
    if (body.frozen !== undefined) env.clock.freeze(body.frozen);
    await env.saveClock();
    return clockView();
  });

  app.get(`${base}/coverage`, async () => {
    const methods = discoveryMethods().map((m) => ({ id: m.id, httpMethod: m.httpMethod, path: m.flatPath, implemented: m.id in HANDLERS }));
    return { implemented: methods.filter((m) => m.implemented).length, total: methods.length, methods };
  });

  app.patch(`${base}/courses/:id`, async (request) => {
    const { id } = request.params as { id: string };
    const body = readJson<{ teacherFolderOwner?: string | null; courseState?: string }>(request, COURSE_PATCH);
    return env.store.transaction(async (repos) => {
      const course = await repos.courses.lock(id);
      if (!course) fail('NOT_FOUND', `No course ${id}.`);
      const patch: { teacher_folder_owner_id?: string | null; course_state?: string; update_time: number } = { update_time: env.clock.now() };
      if (body.teacherFolderOwner !== undefined) {
        if (body.teacherFolderOwner === null) patch.teacher_folder_owner_id = null;
        else {
          const ref = body.teacherFolderOwner;
          const user = ref.includes('@') ? await repos.users.byEmail(ref) : await repos.users.byId(ref);
          if (!user) fail('NOT_FOUND', `No user ${ref}.`);
          patch.teacher_folder_owner_id = user.id;
        }
      }
      if (body.courseState !== undefined) patch.course_state = body.courseState;
      await repos.courses.update(id, patch);
      const updated = { ...course, ...patch };
      return {
        id: updated.id,
        courseState: updated.course_state,
        ownerId: updated.owner_id,
        teacherFolderOwner: updated.teacher_folder_owner_id ?? updated.owner_id,
      };
    });
  });

  // The guardian accepts an invitation: production sends them an email with a link; tests and tools
  // complete it here. POST /emulator/v1/guardianInvitations/{invitationId}:accept
  app.post(`${base}/guardianInvitations/:action`, async (request) => {
    const { action } = request.params as { action: string };
    const match = /^([^:]+):accept$/.exec(action);
    if (!match?.[1]) fail('NOT_FOUND', `Nothing is served at POST ${base}/guardianInvitations/${action}.`);
    return completeGuardianInvitation(env, match[1]);
  });
}
