import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiCall, HandlerTable, Interceptor } from '../api/types.js';
import { discoveryMethods, type DiscoveryMethod } from '../discovery/document.js';
import { checkBody, checkParameters } from '../discovery/validate.js';
import type { Env } from '../env.js';
import { ApiFailure, fail } from '../failure.js';
import { authenticateWithDomain, bearerToken } from '../identity/caller.js';
import { holdsAnyScope } from '../identity/scopes.js';
import type { Gate } from '../platform/platform.js';
import { applySelection, parseFields } from './fields.js';

interface Route {
  method: DiscoveryMethod;
  pattern: RegExp;
  names: string[];
  /** Literal characters in the template: more specific templates are tried first. */
  weight: number;
}

/** Compiles `v1/invitations/{id}:accept` into a matcher for the raw (still encoded) path. */
function compile(method: DiscoveryMethod): Route {
  const names: string[] = [];
  const source = method.flatPath
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name) {
        names.push(name);
        return '([^/]+?)';
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  const weight = method.flatPath.replace(/\{[^}]+\}/g, '').length;
  return { method, pattern: new RegExp(`^/${source}$`), names, weight };
}

/** The route table: every discovery method, matched by HTTP verb and path. */
export class RouteTable {
  private readonly byVerb = new Map<string, Route[]>();

  constructor(methods: DiscoveryMethod[] = discoveryMethods()) {
    for (const method of methods) {
      const list = this.byVerb.get(method.httpMethod) ?? [];
      list.push(compile(method));
      this.byVerb.set(method.httpMethod, list);
    }
    for (const list of this.byVerb.values()) list.sort((a, b) => b.weight - a.weight);
  }

  match(verb: string, path: string): { method: DiscoveryMethod; params: Record<string, string> } | undefined {
    for (const route of this.byVerb.get(verb) ?? []) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      try {
        route.names.forEach((name, i) => {
          params[name] = decodeURIComponent(m[i + 1] ?? '');
        });
      } catch {
        continue;
      }
      return { method: route.method, params };
    }
    return undefined;
  }

  /** True when some other verb serves this path (for 405-like answers). */
  knowsPath(path: string): boolean {
    for (const list of this.byVerb.values()) if (list.some((r) => r.pattern.test(path))) return true;
    return false;
  }
}

/**
 * Registers the Classroom REST surface: one catch-all route per verb that finds the discovery method,
 * checks parameters, credentials, scopes, access and body shape, then runs the interceptors and the
 * resource's handler. Methods without a handler answer 501 UNIMPLEMENTED naming themselves.
 */
export function registerClassroomRoutes(
  app: FastifyInstance,
  env: Env,
  handlers: HandlerTable,
  interceptors: readonly Interceptor[],
  /** Quota and fault injection: right after authentication, before parameters are even read. */
  gate?: Gate,
): void {
  const table = new RouteTable();

  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    const url = request.raw.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    // HEAD runs the GET method; Fastify drops the body.
    const found = table.match(request.method === 'HEAD' ? 'GET' : request.method, path);
    if (!found) {
      if (table.knowsPath(path)) fail('NOT_FOUND', `The method ${request.method} is not allowed on ${path}.`);
      fail('NOT_FOUND', `No Classroom method answers ${request.method} ${path}.`);
    }
    const { method } = found;
    const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;

    // Google authenticates before it looks at parameters: a request without credentials gets 401
    // even when its parameters are wrong.
    await env.sync();
    // One statement reads the token, its user, the user's domain (for ClassroomApiDisabled below) and the project.
    const { caller, domain } = await authenticateWithDomain(env, env.store.read, bearerToken(request.headers.authorization, query.access_token), method.id);
    if (gate && (await gate({ caller, method, request, reply })) === 'answered') return reply;

    const params = checkParameters(method, found.params, query);
    if (!params.ok) throw new ApiFailure('INVALID_ARGUMENT', params.error.message, { fieldViolations: params.error.fieldViolations });

    if (!holdsAnyScope(caller.scopes, method.scopes)) {
      fail('InsufficientScopes', undefined, {
        metadata: { service: 'classroom.googleapis.com', method: method.id },
      });
    }
    if (!caller.user.classroom_enabled) fail('ClassroomDisabled', 'The user is not permitted to access Classroom.');
    if (!caller.user.api_enabled || (domain && !domain.api_enabled)) {
      fail('ClassroomApiDisabled', "The user's domain administrator has turned off access to the Classroom API.");
    }

    const body = checkBody(method, typeof request.body === 'string' ? request.body : undefined);
    if (!body.ok) throw new ApiFailure('INVALID_ARGUMENT', body.error.message, { fieldViolations: body.error.fieldViolations });

    // Parsed before the handler runs, so a bad selector fails the request before anything changes.
    const selection = typeof query.fields === 'string' && query.fields !== '' ? parseFields(query.fields) : undefined;

    const call: ApiCall = { env, caller, method, params: params.value, body: body.value };
    const handler = handlers[method.id];
    const run = (index: number): Promise<unknown> => {
      const interceptor = interceptors[index];
      if (interceptor) return interceptor(call, () => run(index + 1));
      if (!handler) fail('UNIMPLEMENTED', `The emulator does not implement ${method.id} yet.`);
      return handler(call);
    };
    const result = await run(0);
    void reply.header('content-type', 'application/json; charset=UTF-8');
    return selection ? applySelection(result ?? {}, selection) : (result ?? {});
  };

  for (const verb of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
    app.route({ method: verb, url: '/v1/*', handler: serve });
  }
}
