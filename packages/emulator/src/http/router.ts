import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiCall, HandlerTable, Interceptor } from '../api/types.js';
import { discoveryMethods, type DiscoveryMethod } from '../discovery/document.js';
import { checkBody, checkParameters } from '../discovery/validate.js';
import type { Env } from '../env.js';
import { ApiFailure, fail } from '../failure.js';
import { authenticateRequest, bearerToken } from '../identity/caller.js';
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

/** Methods sharing one Fastify route: the same verb and path, told apart by a `:action` suffix on the last segment. */
interface RouteGroup {
  /** The method whose template ends in a parameter with no action (`v1/invitations/{id}`). */
  plain?: DiscoveryMethod;
  /** Methods whose template ends in `{name}:action`, by action. */
  actions: Map<string, DiscoveryMethod>;
}

/** The route config a Classroom route carries, so hooks learn the method without matching the path again. */
interface ClassroomRouteConfig {
  classroomGroup?: RouteGroup;
}

/** `{name}` placeholders of each method's template, in order; read once per method. */
const placeholders = new WeakMap<DiscoveryMethod, string[]>();

function placeholderNames(method: DiscoveryMethod): string[] {
  let names = placeholders.get(method);
  if (!names) placeholders.set(method, (names = [...method.flatPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '')));
  return names;
}

/**
 * One Fastify route per verb and path shape: `v1/courses/{courseId}/students/{userId}` becomes
 * `/v1/courses/:p0/students/:p1`. Parameters are positional so that methods naming them differently
 * share a route; a trailing `:action` (find-my-way cannot split a segment at a colon) is told apart
 * when the request arrives.
 */
function groupRoutes(methods: readonly DiscoveryMethod[]): Map<string, Map<string, RouteGroup>> {
  const byVerb = new Map<string, Map<string, RouteGroup>>();
  for (const method of methods) {
    const action = /\}:([A-Za-z][A-Za-z0-9]*)$/.exec(method.flatPath)?.[1];
    const template = action ? method.flatPath.slice(0, -(action.length + 1)) : method.flatPath;
    let index = 0;
    const url = `/${template
      .split(/(\{[^}]+\})/)
      .map((part) => (/^\{[^}]+\}$/.test(part) ? `:p${index++}` : part.replace(/:/g, '::')))
      .join('')}`;
    const groups = byVerb.get(method.httpMethod) ?? new Map<string, RouteGroup>();
    byVerb.set(method.httpMethod, groups);
    const group = groups.get(url) ?? { actions: new Map<string, DiscoveryMethod>() };
    groups.set(url, group);
    if (action) group.actions.set(action, method);
    else group.plain = method;
  }
  return byVerb;
}

/** The path of a request's raw URL, still encoded. */
function rawPath(request: FastifyRequest): string {
  const url = request.raw.url ?? '/';
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? url : url.slice(0, queryAt);
}

/** The method a matched group serves for this request, with its named (decoded) parameters. */
function resolve(group: RouteGroup, request: FastifyRequest): { method: DiscoveryMethod; params: Record<string, string> } | undefined {
  const positional = request.params as Record<string, string>;
  let method = group.plain;
  let lastCut = 0;
  if (group.actions.size > 0) {
    // The action is matched on the raw path, as the template is: an encoded colon (%3A) is part of the id.
    const path = rawPath(request);
    const colon = path.lastIndexOf(':');
    const action = colon > path.lastIndexOf('/') ? group.actions.get(path.slice(colon + 1)) : undefined;
    if (action) {
      method = action;
      lastCut = path.length - colon;
    }
  }
  if (!method) return undefined;
  const names = placeholderNames(method);
  const params: Record<string, string> = {};
  for (let i = 0; i < names.length; i++) {
    const value = positional[`p${i}`] ?? '';
    params[names[i] ?? ''] = i === names.length - 1 && lastCut > 0 ? value.slice(0, value.length - lastCut) : value;
  }
  // `{id}:accept` with an empty id: the template needs at least one character before the colon.
  if (lastCut > 0 && params[names[names.length - 1] ?? ''] === '') return undefined;
  return { method, params };
}

/**
 * The discovery method id a request names, for the request log: from the route Fastify matched, or
 * (for paths no route matched) from the template table.
 */
export function classroomMethodOf(request: FastifyRequest, table: RouteTable): string | undefined {
  const group = (request.routeOptions.config as ClassroomRouteConfig | undefined)?.classroomGroup;
  if (group) return resolve(group, request)?.method.id;
  return table.match(request.method, rawPath(request))?.method.id;
}

/**
 * Registers the Classroom REST surface: one Fastify route per discovery method (find-my-way matches
 * them), and one catch-all per verb under `/v1/` for paths no method answers. Each route checks
 * parameters, credentials, scopes, access and body shape, then runs the interceptors and the resource's
 * handler. Methods without a handler answer 501 UNIMPLEMENTED naming themselves.
 */
export function registerClassroomRoutes(
  app: FastifyInstance,
  env: Env,
  handlers: HandlerTable,
  interceptors: readonly Interceptor[],
  /** Quota and fault injection: right after authentication, before parameters are even read. */
  gate?: Gate,
): void {
  const methods = discoveryMethods();
  const table = new RouteTable(methods);

  const serve = async (request: FastifyRequest, reply: FastifyReply, method: DiscoveryMethod, pathParams: Record<string, string>) => {
    const query = (request.query ?? {}) as Record<string, string | string[] | undefined>;

    // Google authenticates before it looks at parameters: a request without credentials gets 401
    // even when its parameters are wrong.
    await env.sync();
    // The token, its user, the user's domain (for ClassroomApiDisabled below) and the project: from this
    // process's memory while none of them has changed (the generation `env.sync()` just read), else one statement.
    const { caller, domain } = await authenticateRequest(env, bearerToken(request.headers.authorization, query.access_token), method.id);
    if (gate && (await gate({ caller, method, request, reply })) === 'answered') return reply;

    const params = checkParameters(method, pathParams, query);
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

  /** Paths no route took: the template table decides between 404 and "not allowed". */
  const unmatched = async (request: FastifyRequest, reply: FastifyReply) => {
    const path = rawPath(request);
    const found = table.match(request.method, path);
    if (found) return serve(request, reply, found.method, found.params);
    if (table.knowsPath(path)) fail('NOT_FOUND', `The method ${request.method} is not allowed on ${path}.`);
    fail('NOT_FOUND', `No Classroom method answers ${request.method} ${path}.`);
  };

  for (const [verb, groups] of groupRoutes(methods)) {
    for (const [url, group] of groups) {
      const config: ClassroomRouteConfig = { classroomGroup: group };
      app.route({
        method: verb as DiscoveryMethod['httpMethod'],
        url,
        config,
        handler: (request, reply) => {
          const found = resolve(group, request);
          return found ? serve(request, reply, found.method, found.params) : unmatched(request, reply);
        },
      });
    }
  }
  for (const verb of ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const) {
    app.route({ method: verb, url: '/v1/*', handler: unmatched });
  }
}
