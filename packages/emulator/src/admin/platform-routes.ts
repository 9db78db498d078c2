import type { FastifyInstance } from 'fastify';
import { discoveryMethods } from '../discovery/document.js';
import type { Env } from '../env.js';
import { fail, invalidArgument } from '../failure.js';
import { classroomMethodOf, RouteTable } from '../http/router.js';
import { DEFAULT_PROJECT } from '../identity/accounts.js';
import { codeForStatus, INJECTABLE_STATUSES, parseInstruction } from '../platform/faults.js';
import type { NotificationFilter } from '../platform/notifications.js';
import type { Platform } from '../platform/platform.js';
import type { RequestFilter } from '../platform/request-log.js';
import { platformRepos, type PubsubTopicRow } from '../store/platform-repos.js';
import { toRegistration } from '../api/registrations/schema.js';
import { endpoint, type AdminEndpoint } from './endpoint.js';

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

const str = { type: 'string' } as const;
const QUOTA_QUERY = { type: 'object', additionalProperties: false, properties: { user: str, project: str } } as const;
const REQUESTS_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { method: str, user: str, status: str, code: str, testId: str, since: str, limit: str },
} as const;
const NOTIFICATIONS_QUERY = {
  type: 'object',
  additionalProperties: false,
  properties: { registrationId: str, topicName: str, courseId: str, collection: str, state: str, limit: str, wait: str },
} as const;

/**
 * Registers the request log's hooks; they must come before the Classroom routes so that they see
 * every request.
 */
export function registerPlatformHooks(app: FastifyInstance, platform: Platform): void {
  const table = new RouteTable();
  platform.installHooks(app, (request) => classroomMethodOf(request, table));
}

/**
 * The platform's admin endpoints — quota, faults, the request log, Pub/Sub topics, registrations and
 * notifications — as entries of the admin endpoint table (so they are validated like the others and
 * appear in /emulator/v1/openapi.json).
 *
 * @example
 * ```ts
 * // POST /emulator/v1/faults {"method": "classroom.courses.list", "instructions": ["return-500"]}
 * ```
 */
export function platformEndpoints(env: Env, platform: Platform): AdminEndpoint[] {
  return [
    endpoint<Record<string, never>, { user?: string; project?: string }>({
      method: 'GET', path: '/quota', tag: 'platform', query: QUOTA_QUERY,
      summary: 'Quota limits and the Retry-After setting; with ?user= (and ?project=), that caller\'s current usage.',
      response: '{retryAfter, limits, usage?}',
      handle: async ({ query }) => {
        await env.sync();
        const view = {
          retryAfter: platform.quota.retryAfter,
          limits: {
            projectQueriesPerMinute: env.limits.projectQueriesPerMinute,
            userQueriesPerMinute: env.limits.userQueriesPerMinute,
            projectQueriesPerDay: env.limits.projectQueriesPerDay,
            quotaWindowSeconds: env.limits.quotaWindowSeconds,
          },
        };
        if (!query.user) return view;
        const repos = env.store.read;
        const row = query.user.includes('@') ? await repos.users.byEmail(query.user) : await repos.users.byId(query.user);
        if (!row) fail('NOT_FOUND', `No user ${query.user}.`);
        const projectRow = await repos.identity.project(query.project ?? DEFAULT_PROJECT);
        if (!projectRow) fail('NOT_FOUND', `No Cloud project ${query.project ?? DEFAULT_PROJECT}.`);
        return { ...view, usage: await platform.quota.usage({ user: row, project: projectRow }) };
      },
    }),
    endpoint<{ retryAfter?: boolean }>({
      method: 'PATCH', path: '/quota', tag: 'platform', body: QUOTA,
      summary: 'Sends (true) or omits (false, as production) Retry-After on quota errors.', response: '{retryAfter}',
      handle: async ({ body }) => {
        if (body.retryAfter !== undefined) platform.quota.retryAfter = body.retryAfter;
        return { retryAfter: platform.quota.retryAfter };
      },
    }),
    endpoint<{ method: string; instructions: string[]; testId?: string }>({
      method: 'POST', path: '/faults', tag: 'faults', body: FAULTS,
      summary: 'Scripts faults for the next calls of a method (or of one test id): return-<status>, return-<Code>, delay-<ms>ms, reset-connection, close-after-partial-body, each optionally -after-<n>.',
      response: 'The fault set with its id.',
      handle: async ({ body }) => {
        knownMethod(body.method);
        body.instructions.forEach((text, i) => {
          const parsed = parseInstruction(text);
          if (typeof parsed === 'string') invalidArgument(parsed, `instructions[${i}]`);
        });
        return platform.faults.add(body, env.clock.now());
      },
    }),
    endpoint<{ method?: string; probability: number; status?: number; delayMs?: number; seed?: number }>({
      method: 'POST', path: '/faults:chaos', tag: 'faults', body: CHAOS,
      summary: 'A probability rule for chaos runs (per method or "*"), deterministic with a seed.', response: 'The rule with its id.',
      handle: async ({ body }) => {
        const method = body.method ?? '*';
        knownMethod(method);
        if (body.status !== undefined && !codeForStatus(body.status)) {
          invalidArgument(`status ${body.status} cannot be injected; use one of ${INJECTABLE_STATUSES.join(', ')}.`, 'status');
        }
        return platform.faults.addChaos({ ...body, method });
      },
    }),
    endpoint({
      method: 'GET', path: '/faults', tag: 'faults', summary: 'Pending and consumed fault instructions, with the requests that consumed them.',
      response: '{faults, chaos}',
      handle: async () => platform.faults.list(),
    }),
    endpoint({
      method: 'DELETE', path: '/faults', tag: 'faults', summary: 'Clears every fault set and chaos rule.', response: '{deleted}',
      handle: async () => {
        const { faults, chaos } = platform.faults.list();
        platform.faults.clear();
        return { deleted: faults.length + chaos.length };
      },
    }),
    endpoint({
      method: 'DELETE', path: '/faults/{id}', tag: 'faults', params: { id: 'A fault set or chaos rule id.' },
      summary: 'Removes one fault set or chaos rule.', response: '{deleted}',
      handle: async ({ params }) => {
        if (!platform.faults.remove(params.id ?? '')) fail('NOT_FOUND', `No fault set or chaos rule ${params.id}.`);
        return { deleted: 1 };
      },
    }),
    endpoint<Record<string, never>, Record<string, string | undefined>>({
      method: 'GET', path: '/requests', tag: 'platform', query: REQUESTS_QUERY,
      summary: "This process's request log (virtual time, method, caller, project, status, error code, latency), newest first; filters method, user, status, code, testId, since, limit.",
      response: '{requests}',
      handle: async ({ query }) => {
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
      },
    }),
    endpoint({
      method: 'DELETE', path: '/requests', tag: 'platform', summary: 'Empties the request log.', response: '{cleared}',
      handle: async () => {
        platform.log.clear();
        return { cleared: true };
      },
    }),
    endpoint({
      method: 'GET', path: '/topics', tag: 'notifications', summary: 'Pub/Sub topics and their push endpoints.', response: '{topics}',
      handle: async () => ({ topics: (await platformRepos(env.store.read).topics.all()).map(topicView) }),
    }),
    endpoint<{ pushEndpoint?: string | null; subscription?: string; publishable?: boolean }>({
      method: 'PUT', path: '/topics/{topicName}', tag: 'notifications', body: TOPIC,
      params: { topicName: 'projects/<project>/topics/<topic>, URL-encoded.' },
      summary: 'Sets where a topic pushes notifications (Pub/Sub push envelope); publishable false makes registrations to it NOT_FOUND.',
      response: 'The topic.',
      handle: async ({ params, body }) => {
        const topicName = params.topicName ?? '';
        if (!TOPIC_NAME.test(topicName)) invalidArgument(`"${topicName}" is not a topic name of the form projects/<project>/topics/<topic> (URL-encoded in the path).`, 'topicName');
        if (typeof body.pushEndpoint === 'string') {
          let url: URL | undefined;
          try {
            url = new URL(body.pushEndpoint);
          } catch {
            url = undefined;
          }
          if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) invalidArgument(`"${body.pushEndpoint}" is not an http(s) URL.`, 'pushEndpoint');
          if (!platform.notifications.endpointAllowed(body.pushEndpoint)) {
            invalidArgument(
              `"${url.hostname}" is not a loopback address; the emulator pushes to other hosts only when started with --allow-push-host ${url.hostname}.`,
              'pushEndpoint',
            );
          }
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
      },
    }),
    endpoint({
      method: 'DELETE', path: '/topics/{topicName}', tag: 'notifications', params: { topicName: 'projects/<project>/topics/<topic>, URL-encoded.' },
      summary: 'Forgets a topic.', response: '{deleted}',
      handle: async ({ params }) => {
        const topicName = params.topicName ?? '';
        const deleted = await env.store.transaction((tx) => platformRepos(tx).topics.delete(topicName));
        if (deleted === 0) fail('NOT_FOUND', `No topic ${topicName}.`);
        return { deleted: 1 };
      },
    }),
    endpoint({
      method: 'GET', path: '/registrations', tag: 'notifications', summary: 'Every push-notification registration, with its user and project.', response: '{registrations}',
      handle: async () => {
        const rows = await platformRepos(env.store.read).registrations.all();
        return { registrations: rows.map((row) => ({ ...toRegistration(row), userId: row.user_id, project: row.project_id })) };
      },
    }),
    endpoint<Record<string, never>, Record<string, string | undefined>>({
      method: 'GET', path: '/notifications', tag: 'notifications', query: NOTIFICATIONS_QUERY,
      summary: 'Notifications produced for registrations and their delivery attempts; wait=true first waits for deliveries in flight.',
      response: '{notifications}',
      handle: async ({ query }) => {
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
      },
    }),
  ];
}
