import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerPlatformHooks } from './admin/platform-routes.js';
import { registerAdminRoutes } from './admin/routes.js';
import { HANDLERS } from './api/index.js';
import type { Interceptor } from './api/types.js';
import { registerConsole } from './console/routes.js';
import type { Env } from './env.js';
import { registerBatchRoutes } from './http/batch.js';
import { registerDiscoveryRoutes } from './http/discovery.js';
import { registerEdgeGuard, type EdgeOptions as GuardOptions } from './http/edge-guard.js';
import { edgeServerOptions, installEdgeHooks, type EdgeOptions as ConnectionOptions } from './http/edge-errors.js';
import { installErrorHandler } from './http/errors.js';
import { registerClassroomRoutes } from './http/router.js';
import type { Platform } from './platform/platform.js';

/** What the app is built from; `createEmulator` assembles it. */
export interface AppParts {
  env: Env;
  interceptors?: readonly Interceptor[];
  logger?: FastifyServerOptions['logger'];
  /** The emulator's own base URL, for the served discovery document; derived from the request when absent. */
  publicUrl?: () => string | undefined;
  /** Quota, faults, the request log and notifications. */
  platform?: Platform;
  /** Called by the admin reset endpoint. */
  reset: (options: { demo?: boolean }) => Promise<void>;
  /** The HTTP edge: Host, Origin and admin-token checks; request deadline and connection limit. */
  edge?: GuardOptions & ConnectionOptions;
}

/** Builds the HTTP app. It has no logic of its own: it wires the parts together. */
export function buildApp(parts: AppParts): FastifyInstance {
  const app = Fastify({
    logger: parts.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Google accepts repeated query parameters (`courseStates=A&courseStates=B`); keep them as arrays.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
    ...edgeServerOptions(parts.edge),
  });
  // Bodies are read as text and checked against the discovery schemas by the router, so that
  // malformed JSON gets Google's error shape instead of Fastify's.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  installErrorHandler(app);
  // First of all hooks: a refused request must not reach the request log, quota or any route.
  registerEdgeGuard(app, parts.edge ?? {});
  installEdgeHooks(app, parts.edge);
  if (parts.platform) registerPlatformHooks(app, parts.platform);
  registerClassroomRoutes(app, parts.env, HANDLERS, parts.interceptors ?? [], parts.platform?.gate);
  registerDiscoveryRoutes(app, parts.publicUrl ?? (() => undefined));
  registerBatchRoutes(app);
  registerAdminRoutes(app, parts);
  registerConsole(app);
  return app;
}
