import { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DiscoveryMethod } from '../discovery/document.js';
import type { Env } from '../env.js';
import { ApiFailure } from '../failure.js';
import type { Caller } from '../identity/caller.js';
import { Faults, type FaultAction } from './faults.js';
import { Notifications, type DeliveryOptions } from './notifications.js';
import { Quota, quotaFailure } from './quota.js';
import { RequestBodyLog } from './request-bodies.js';
import { RequestLog, requestFingerprint } from './request-log.js';

/** The header that ties requests to the fault sets of one test. */
export const TEST_ID_HEADER = 'x-emulator-test-id';

/** What the router tells the gate about an authenticated Classroom request. */
export interface GateContext {
  readonly caller: Caller;
  readonly method: DiscoveryMethod;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/**
 * Runs after authentication and before anything else looks at the request. Throws to answer with an
 * error; resolves `'answered'` when it has dealt with the connection itself (a dropped connection).
 */
export type Gate = (context: GateContext) => Promise<'answered' | undefined>;

/** Platform settings at start; a reset returns to them. */
export interface PlatformOptions {
  /** Send Retry-After (and RetryInfo) with quota errors. Production does not. Default false. */
  quotaRetryAfter?: boolean;
  /** Requests the request log keeps. Default 10,000. */
  requestLogSize?: number;
  /** Notifications kept for the admin API. Default 1,000. */
  notificationLogSize?: number;
  /** How Pub/Sub push delivery retries. */
  delivery?: DeliveryOptions;
  /** Hosts a push endpoint may name beside loopback addresses (`--allow-push-host`). */
  allowPushHosts?: readonly string[];
  /** Record a fingerprint of each call's verb, URL and body in the request log. Default false. */
  requestFingerprints?: boolean;
}

/** The request's test id header, when it has exactly one. */
export function testIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers[TEST_ID_HEADER];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The cross-cutting parts every Classroom call passes through: quota, fault injection, the request
 * log, and the notifications committed changes produce. One per emulator; `createEmulator` builds it,
 * passes `gate` to the router and calls `reset` from the admin reset.
 *
 * @example
 * ```ts
 * const platform = new Platform(env, { quotaRetryAfter: true });
 * registerClassroomRoutes(app, env, HANDLERS, [], platform.gate);
 * ```
 */
export class Platform {
  readonly quota: Quota;
  readonly faults = new Faults();
  readonly log: RequestLog;
  /** The newest requests' bodies, for the console's request view. */
  readonly bodies = new RequestBodyLog();
  readonly notifications: Notifications;

  constructor(
    private readonly env: Env,
    private readonly options: PlatformOptions = {},
  ) {
    this.quota = new Quota(env, options.quotaRetryAfter ?? false);
    this.log = new RequestLog(env.clock, options.requestLogSize ?? 10_000);
    this.notifications = new Notifications(env, {
      ...options.delivery,
      capacity: options.notificationLogSize ?? 1000,
      allowPushHosts: options.allowPushHosts ?? [],
    });
  }

  /** Quota first (a faulted request has been counted, as a backend failure is in production), then faults. */
  readonly gate: Gate = async ({ caller, method, request, reply }) => {
    this.log.annotate(request.raw, { user: caller.user.email, project: caller.project.id });
    if (this.options.requestFingerprints) this.log.annotate(request.raw, { fingerprint: requestFingerprint(request.method, request.raw.url ?? '', request.body) });
    await this.quota.admit(caller);
    const requestId = this.log.idOf(request.raw) ?? '';
    const action = this.faults.take(method.id, testIdOf(request), requestId, this.env.clock.now());
    if (!action) return undefined;
    this.log.annotate(request.raw, { fault: action.source });
    return this.apply(action, caller, request, reply);
  };

  private async apply(action: FaultAction, caller: Caller, request: FastifyRequest, reply: FastifyReply): Promise<'answered' | undefined> {
    if (action.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, action.delayMs));
    const outcome = action.outcome;
    if (!outcome) return undefined;
    if (outcome.kind === 'return') {
      if (outcome.code === 'ProjectRateLimitExceeded') {
        const limit = this.env.limits.projectQueriesPerMinute;
        throw quotaFailure({ code: outcome.code, limitName: 'DefaultPerMinutePerProject', limit }, caller, this.env.limits, this.quota.retryAfter ? 1 : undefined);
      }
      throw new ApiFailure(outcome.code);
    }
    const socket = request.raw.socket;
    if (!(socket instanceof Socket)) {
      // Differs from production: a part of a batch (served in-process, with no connection of its own)
      // cannot drop a connection; it answers 503, where production would lose the whole batch reply.
      throw new ApiFailure('UNAVAILABLE', 'The connection to the backend was lost.');
    }
    // The answer never completes: record it now, since Fastify's response hooks will not run.
    this.log.finish(request.raw, 0, 'NetworkError');
    reply.hijack();
    if (outcome.kind === 'reset-connection') {
      socket.resetAndDestroy();
      return 'answered';
    }
    // Promise more than is sent, so that the client sees a body cut short rather than a short body.
    reply.raw.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': '4096' });
    reply.raw.write('{\n  "courses": [\n    {\n      "id": "', () => socket.destroy());
    return 'answered';
  }

  /**
   * Installs the request log's hooks: every request but the admin API's is recorded, with the method it
   * names, its status and the catalog code of a failure.
   */
  installHooks(app: FastifyInstance, methodOf: (request: FastifyRequest) => string | undefined): void {
    app.addHook('onRequest', async (request) => {
      const path = (request.raw.url ?? '/').split('?')[0] ?? '/';
      // The admin API and the console's own pages are the tools looking at the log, not calls to log.
      if (path.startsWith('/emulator/') || path === '/' || path === '/console' || path.startsWith('/console/')) return;
      const method = methodOf(request);
      const testId = testIdOf(request);
      this.log.begin(request.raw, { verb: request.method, path, ...(method ? { method } : {}), ...(testId ? { testId } : {}) });
    });
    app.addHook('onSend', async (request, reply, payload) => {
      this.log.noteErrorBody(request.raw, reply.statusCode, payload);
      this.keepBodies(request, reply, payload);
      // Kept before the answer leaves: a client that reads the log right after its call must find it.
      this.log.finish(request.raw, reply.statusCode);
      return payload;
    });
    app.addHook('onResponse', async (request, reply) => {
      this.log.finish(request.raw, reply.statusCode);
    });
    // Open request streams would otherwise keep app.close() waiting for their clients to leave.
    app.addHook('preClose', async () => this.log.endSubscriptions());
  }

  private keepBodies(request: FastifyRequest, reply: FastifyReply, payload: unknown): void {
    const id = this.log.idOf(request.raw);
    if (id === undefined) return;
    const type = reply.getHeader('content-type');
    this.bodies.keep(id, {
      query: (request.raw.url ?? '').split('?')[1] ?? '',
      request: request.body,
      response: payload,
      ...(typeof type === 'string' ? { responseType: type } : {}),
    });
  }

  /** Back to the start: counters, faults, the log and kept notifications. */
  async reset(): Promise<void> {
    this.quota.retryAfter = this.options.quotaRetryAfter ?? false;
    await this.quota.clear();
    this.faults.clear();
    this.log.clear();
    this.bodies.clear();
    this.log.resize(this.options.requestLogSize ?? 10_000);
    await this.notifications.clear();
  }

  async close(): Promise<void> {
    await this.notifications.close();
  }
}
