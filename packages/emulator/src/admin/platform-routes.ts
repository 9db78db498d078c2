import type { FastifyInstance } from 'fastify';
import { discoveryMethods } from '../discovery/document.js';
import type { Env } from '../env.js';
import { fail, invalidArgument } from '../failure.js';
import { RouteTable } from '../http/router.js';
import { DEFAULT_PROJECT } from '../identity/accounts.js';
import { codeForStatus, INJECTABLE_STATUSES, parseInstruction } from '../platform/faults.js';
import type { NotificationFilter } from '../platform/notifications.js';
import type { Platform } from '../platform/platform.js';
import type { RequestFilter } from '../platform/request-log.js';
import { platformRepos, type PubsubTopicRow } from '../store/platform-repos.js';
import { toRegistration } from '../api/registrations/schema.js';
import { readJson } from './input.js';

const QUOTA = { type: 'object', additionalProperties: false, properties: { retryAfter: { type: 'boolean' } } } as const;

const FAULTS = {
  type: 'object',
  required: ['method', 'instructions'],
  additionalProperties: false,
  properties: {
    method: { type: 'string', minLength: 1 },
    instructions: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string' } },
    testId: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const CHAOS = {
  type: 'object',
  required: ['probability'],
  additionalProperties: false,
  properties: {
    method: { type: 'string', minLength: 1 },
    probability: { type: 'number', minimum: 0, maximum: 1 },
    status: { type: 'integer' },
    delayMs: { type: 'integer', minimum: 0, maximum: 600_000 },
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
  },
} as const;

const TOPIC = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pushEndpoint: { type: ['string', 'null'] },
    subscription: { type: 'string', minLength: 1 },
    publishable: { type: 'boolean' },
  },
} as const;

const TOPIC_NAME = /^projects\/[^/]+\/topics\/[^/]+$/;

function knownMethod(id: string): void {
  if (id === '*') return;
  if (!discoveryMethods().some((m) => m.id === id)) invalidArgument(`"${id}" is not a Classroom method id (such as classroom.courses.list) or "*".`, 'method');
}

function integerParam(value: string | undefined, name: string, min: number): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) invalidArgument(`${name} must be a whole number of at least ${min}.`, name);
  return Number(value);
}

function topicView(row: PubsubTopicRow) {
  return {
    topicName: row.name,
    pushEndpoint: row.push_endpoint,
    subscription: row.subscription,
    publishable: row.publishable === 1,
  };
}

/**
 * The platform's admin API under /emulator/v1 — quota, faults, the request log, Pub/Sub topics,
 * registrations and notifications — and the request log's hooks. Registered before the Classroom
 * routes so that the hooks see every request.
 *
 * @example
 * ```ts
 * registerPlatformRoutes(app, env, platform); // then: POST /emulator/v1/faults {method, instructions}
 * ```
 */
export function registerPlatformRoutes(app: FastifyInstance, env: Env, platform: Platform): void {
  const base = '/emulator/v1';
  const table = new RouteTable();
  platform.installHooks(app, (verb, path) => table.match(verb, path)?.method.id);

  app.get(`${base}/quota`, async (request) => {
    await env.sync();
    const { user, project } = request.query as { user?: string; project?: string };
    const view = {
      retryAfter: platform.quota.retryAfter,
      limits: {
        projectQueriesPerMinute: env.limits.projectQueriesPerMinute,
        userQueriesPerMinute: env.limits.userQueriesPerMinute,
        projectQueriesPerDay: env.limits.projectQueriesPerDay,
        quotaWindowSeconds: env.limits.quotaWindowSeconds,
      },
    };
    if (!user) return view;
    const repos = env.store.read;
    const row = user.includes('@') ? await repos.users.byEmail(user) : await repos.users.byId(user);
    if (!row) fail('NOT_FOUND', `No user ${user}.`);
    const projectRow = await repos.identity.project(project ?? DEFAULT_PROJECT);
    if (!projectRow) fail('NOT_FOUND', `No Cloud project ${project ?? DEFAULT_PROJECT}.`);
    return { ...view, usage: await platform.quota.usage({ user: row, project: projectRow }) };
  });

  app.patch(`${base}/quota`, async (request) => {
    const body = readJson<{ retryAfter?: boolean }>(request, QUOTA);
    if (body.retryAfter !== undefined) platform.quota.retryAfter = body.retryAfter;
    return { retryAfter: platform.quota.retryAfter };
  });

  app.post(`${base}/faults`, async (request) => {
    const body = readJson<{ method: string; instructions: string[]; testId?: string }>(request, FAULTS);
    knownMethod(body.method);
    body.instructions.forEach((text, i) => {
      const parsed = parseInstruction(text);
      if (typeof parsed === 'string') invalidArgument(parsed, `instructions[${i}]`);
    });
    return platform.faults.add(body, env.clock.now());
  });

  app.post(`${base}/faults::chaos`, async (request) => {
    const body = readJson<{ method?: string; probability: number; status?: number; delayMs?: number; seed?: number }>(request, CHAOS);
    const method = body.method ?? '*';
    knownMethod(method);
    if (body.status !== undefined && !codeForStatus(body.status)) {
      invalidArgument(`status ${body.status} cannot be injected; use one of ${INJECTABLE_STATUSES.join(', ')}.`, 'status');
    }
    return platform.faults.addChaos({ ...body, method });
  });

  app.get(`${base}/faults`, async () => platform.faults.list());

  app.delete(`${base}/faults`, async () => {
    const { faults, chaos } = platform.faults.list();
    platform.faults.clear();
    return { deleted: faults.length + chaos.length };
  });

  app.delete(`${base}/faults/:id`, async (request) => {
    const { id } = request.params as { id: string };
    if (!platform.faults.remove(id)) fail('NOT_FOUND', `No fault set or chaos rule ${id}.`);
    return { deleted: 1 };
  });

  app.get(`${base}/requests`, async (request) => {
    const query = request.query as Record<string, string | undefined>;
    let since: number | undefined;
    if (query.since !== undefined && query.since !== '') {
      since = Date.parse(query.since);
      if (Number.isNaN(since)) invalidArgument(`"${query.since}" is not an RFC 3339 time.`, 'since');
    }
    const filter: RequestFilter = {
      ...(query.method ? { method: query.method } : {}),
      ...(query.user ? { user: query.user } : {}),
      ...(query.code ? { code: query.code } : {}),
      ...(query.testId ? { testId: query.testId } : {}),
      ...(since !== undefined ? { since } : {}),
    };
    const status = integerParam(query.status, 'status', 0);
    const limit = integerParam(query.limit, 'limit', 1);
    if (status !== undefined) filter.status = status;
    if (limit !== undefined) filter.limit = limit;
    return platform.log.query(filter);
  });

  app.delete(`${base}/requests`, async () => {
    platform.log.clear();
    return { cleared: true };
  });

  app.get(`${base}/topics`, async () => ({ topics: (await platformRepos(env.store.read).topics.all()).map(topicView) }));

  app.put(`${base}/topics/:topicName`, async (request) => {
    const { topicName } = request.params as { topicName: string };
    if (!TOPIC_NAME.test(topicName)) invalidArgument(`"${topicName}" is not a topic name of the form projects/<project>/topics/<topic> (URL-encoded in the path).`, 'topicName');
    const body = readJson<{ pushEndpoint?: string | null; subscription?: string; publishable?: boolean }>(request, TOPIC);
    if (typeof body.pushEndpoint === 'string') {
      let url: URL | undefined;
      try {
        url = new URL(body.pushEndpoint);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) invalidArgument(`"${body.pushEndpoint}" is not an http(s) URL.`, 'pushEndpoint');
    }
    const row: PubsubTopicRow = {
      name: topicName,
      push_endpoint: body.pushEndpoint ?? null,
      subscription: body.subscription ?? null,
      publishable: body.publishable === false ? 0 : 1,
      updated_at: env.clock.now(),
    };
    await env.store.transaction((tx) => platformRepos(tx).topics.put(row));
    return topicView(row);
  });

  app.delete(`${base}/topics/:topicName`, async (request) => {
    const { topicName } = request.params as { topicName: string };
    const deleted = await env.store.transaction((tx) => platformRepos(tx).topics.delete(topicName));
    if (deleted === 0) fail('NOT_FOUND', `No topic ${topicName}.`);
    return { deleted: 1 };
  });

  app.get(`${base}/registrations`, async () => {
    const rows = await platformRepos(env.store.read).registrations.all();
    return { registrations: rows.map((row) => ({ ...toRegistration(row), userId: row.user_id, project: row.project_id })) };
  });

  app.get(`${base}/notifications`, async (request) => {
    const query = request.query as Record<string, string | undefined>;
    const states = ['pending', 'delivered', 'failed', 'no-endpoint'];
    if (query.state !== undefined && !states.includes(query.state)) invalidArgument(`state must be one of ${states.join(', ')}.`, 'state');
    const limit = integerParam(query.limit, 'limit', 1);
    const filter: NotificationFilter = {
      ...(query.registrationId ? { registrationId: query.registrationId } : {}),
      ...(query.topicName ? { topicName: query.topicName } : {}),
      ...(query.courseId ? { courseId: query.courseId } : {}),
      ...(query.collection ? { collection: query.collection } : {}),
      ...(query.state ? { state: query.state as NotificationFilter['state'] & string } : {}),
      ...(limit !== undefined ? { limit } : {}),
    };
    if (query.wait === 'true') await platform.notifications.idle();
    return { notifications: platform.notifications.list(filter) };
  });
}
