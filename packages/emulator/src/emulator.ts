import type { FastifyInstance } from 'fastify';
import { AdminClient } from './admin/client.js';
import type { Interceptor } from './api/types.js';
import { buildApp } from './app.js';
import { Env } from './env.js';
import { generateAdminToken } from './http/edge-guard.js';
import { isLoopback } from './platform/addresses.js';
import { VirtualClock } from './platform/clock.js';
import { IdSource } from './platform/ids.js';
import type { Limits } from './platform/limits.js';
import type { Logger } from './platform/logger.js';
import type { DeliveryOptions } from './platform/notifications.js';
import { Platform } from './platform/platform.js';
import { seedDemo } from './seed/demo.js';
import type { Fixture, FixtureProgress } from './seed/fixture.js';
import { seedOnStart, type StartSeeding } from './seed/start.js';
import { Store, type StoreOptions } from './store/db.js';

/** How to build an emulator. Every field is optional. */
export interface EmulatorOptions {
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port; 0 (default) picks a free one. */
  port?: number;
  /** Build the app without listening (use `app.inject`). */
  listen?: boolean;
  /** Where the state lives; in-memory SQLite by default. */
  store?: StoreOptions;
  /** Seed the demo school on start and on `reset({ demo: true })`. Default false. */
  demo?: boolean;
  /** A fixture (or the path of a JSON/YAML fixture file) to load at start, after the demo school; only into an empty store. */
  fixture?: Fixture | string;
  /** Reports the fixture load's progress (rows written of all rows), for a progress bar. */
  onFixtureProgress?: (progress: FixtureProgress) => void;
  /** Seeds identifiers, so a test gets the same ids every run. */
  seed?: number;
  /** Limits at start (a reset returns to these). */
  limits?: Partial<Limits>;
  /** Start the virtual clock here (epoch ms), frozen. */
  frozenAt?: number;
  /** Pino logging: false (default), true, or pino options. */
  logger?: boolean | Record<string, unknown>;
  /** Extra interceptors around every Classroom call (quota, faults, logs come built in). */
  interceptors?: Interceptor[];
  /** Send Retry-After (and RetryInfo) with quota errors; production does not. Default false. */
  quotaRetryAfter?: boolean;
  /** Requests the request log keeps (GET /emulator/v1/requests). Default 10,000. */
  requestLogSize?: number;
  /** How Pub/Sub push delivery of notifications retries. */
  notificationDelivery?: DeliveryOptions;
  /**
   * Required as `Authorization: Bearer …` on the admin API when set. On a host other than a loopback
   * address one is generated when absent (see {@link Emulator.adminToken}).
   */
  adminToken?: string;
  /** Host header names accepted beside the listen address, localhost and IP addresses. */
  allowHosts?: string[];
  /** Origins (`http://localhost:3000`) whose web pages may call the emulator, beside its own. */
  allowOrigins?: string[];
  /** Hosts a topic's push endpoint may name beside loopback addresses (`*` for any). */
  allowPushHosts?: string[];
  /** Seconds a request may take to arrive whole (headers and body) before it gets 408; 0 disables. Default 30. */
  requestTimeoutSeconds?: number;
  /** Open connections at most; further ones are refused. 0: no limit. Default 1000. */
  maxConnections?: number;
  /** Record a fingerprint of each call (verb, URL, body) in the request log, to tell retries apart. Default false. */
  requestFingerprints?: boolean;
}

/** A running (or injectable) emulator. */
export interface Emulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (empty when not listening). */
  readonly url: string;
  /** `host:port`, the value for CLASSROOM_EMULATOR_HOST. */
  readonly host: string;
  /** Where the server is bound, e.g. `0.0.0.0:8085` for every interface (empty when not listening). */
  readonly listenAddress: string;
  /** The Fastify app, for `inject()`. */
  readonly app: FastifyInstance;
  readonly env: Env;
  readonly admin: AdminClient;
  /** What was seeded at start (nothing when the store already held state). */
  readonly seeding: StartSeeding;
  /** The token the admin API requires, when it requires one. */
  readonly adminToken: string | undefined;
  /** Empties the state (and re-seeds the demo school with `demo: true`), without a restart. */
  reset(options?: { demo?: boolean }): Promise<void>;
  close(): Promise<void>;
}

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} };

/**
 * Builds an emulator: store, clock, ids and the HTTP app; listens on a port unless told not to.
 *
 * @example
 * ```ts
 * const emulator = await createEmulator({ demo: true });
 * const classroom = google.classroom({ version: 'v1', rootUrl: `${emulator.url}/`, ... });
 * await emulator.close();
 * ```
 */
export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const listenHost = options.host ?? '127.0.0.1';
  const adminToken = options.adminToken ?? (options.listen !== false && !isLoopback(listenHost) ? generateAdminToken() : undefined);
  const store = await Store.open(options.store ?? { kind: 'sqlite' });
  const clock = new VirtualClock();
  if (options.frozenAt !== undefined) clock.freezeAt(options.frozenAt);
  const env = new Env(store, clock, new IdSource(options.seed), silent, options.limits);
  let publicUrl = '';
  const platform = new Platform(env, {
    ...(options.quotaRetryAfter !== undefined ? { quotaRetryAfter: options.quotaRetryAfter } : {}),
    ...(options.requestLogSize !== undefined ? { requestLogSize: options.requestLogSize } : {}),
    ...(options.notificationDelivery ? { delivery: options.notificationDelivery } : {}),
    ...(options.allowPushHosts ? { allowPushHosts: options.allowPushHosts } : {}),
    ...(options.requestFingerprints ? { requestFingerprints: true } : {}),
  });

  const reset = async ({ demo = false }: { demo?: boolean } = {}) => {
    await store.transaction((repos) => repos.state.wipe());
    await env.resetSettings();
    if (options.frozenAt !== undefined) clock.freezeAt(options.frozenAt);
    await platform.reset();
    if (demo) await seedDemo(env);
  };

  const app = buildApp({
    env,
    reset,
    interceptors: options.interceptors ?? [],
    platform,
    logger: options.logger === true ? { level: 'info' } : options.logger || false,
    publicUrl: () => (publicUrl ? `${publicUrl}/` : undefined),
    edge: {
      listenHost,
      ...(options.allowHosts ? { allowHosts: options.allowHosts } : {}),
      ...(options.allowOrigins ? { allowOrigins: options.allowOrigins } : {}),
      ...(adminToken !== undefined ? { adminToken } : {}),
      ...(options.requestTimeoutSeconds !== undefined ? { requestTimeoutSeconds: options.requestTimeoutSeconds } : {}),
      ...(options.maxConnections !== undefined ? { maxConnections: options.maxConnections } : {}),
    },
  });
  Object.assign(env, { log: app.log });
  store.availability.listener = {
    lost: (error) => app.log.error({ err: error }, 'lost the connection to the database: requests answer 503 UNAVAILABLE until it is back'),
    back: (downForMs) => app.log.warn(`the database is reachable again after ${downForMs} ms: requests are served again`),
  };

  // A fresh store gets the demo school and the fixture; a data dir or shared database that already holds state keeps it.
  let seeding: StartSeeding;
  try {
    seeding = await seedOnStart(env, {
      ...(options.demo ? { demo: true } : {}),
      ...(options.fixture !== undefined ? { fixture: options.fixture } : {}),
      ...(options.onFixtureProgress ? { onProgress: options.onFixtureProgress } : {}),
    });
  } catch (error) {
    await app.close();
    await platform.close();
    await store.close();
    throw error;
  }

  let host = '';
  let listenAddress = '';
  if (options.listen !== false) {
    const address = await app.listen({ host: listenHost, port: options.port ?? 0 });
    const url = new URL(address);
    host = url.host;
    publicUrl = `http://${host}`;
    // Fastify names 127.0.0.1 when bound to every interface; the banner must tell the truth.
    const bound = app.server.address();
    if (bound && typeof bound === 'object') listenAddress = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
  } else {
    await app.ready();
  }

  return {
    url: publicUrl,
    host,
    listenAddress,
    app,
    env,
    admin: new AdminClient(publicUrl, adminToken),
    seeding,
    adminToken,
    reset,
    async close() {
      await app.close();
      await platform.close();
      await store.close();
    },
  };
}
