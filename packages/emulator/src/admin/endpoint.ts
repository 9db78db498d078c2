import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JSON_OR_YAML, readJson, readJsonOrYaml, readQuery } from './input.js';

/** The admin API's base path. */
export const ADMIN_BASE = '/emulator/v1';

/** What an admin handler receives: the request, its path parameters and its validated query and body. */
export interface AdminInput<B, Q> {
  request: FastifyRequest;
  /** For endpoints that answer with something other than one JSON value (a stream: see `produces`). */
  reply: FastifyReply;
  params: Record<string, string>;
  query: Q;
  body: B;
}

/**
 * One admin endpoint. The same definition registers the route and writes its OpenAPI entry, so the
 * document cannot drift from what the server validates.
 */
export interface AdminEndpoint<B = unknown, Q = unknown> {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Under /emulator/v1, OpenAPI style: `/users/{ref}`; a literal `:` as in `/clock:advance` is fine. */
  path: string;
  summary: string;
  /** Groups the endpoint in the document. */
  tag: string;
  /** JSON schema (an object schema) of the query parameters. */
  query?: object;
  /** JSON schema of the request body. */
  body?: object;
  /** Accept YAML as well as JSON. */
  yaml?: boolean;
  /** A larger body limit than the app's 1 MiB (state imports, fixtures). */
  bodyLimit?: number;
  /** What a success answers. */
  response: string;
  /** The media type of a success when it is not JSON (`text/event-stream`); the handler then writes the reply itself. */
  produces?: string;
  /** JSON schema of a success's body (admin/views.ts), for the document and the tests. */
  returns?: object;
  /** Descriptions of each path parameter. */
  params?: Record<string, string>;
  // Method syntax on purpose: it lets a table of differently typed endpoints share one array type.
  handle(input: AdminInput<B, Q>): Promise<unknown>;
}

/** Helps TypeScript infer body and query types per endpoint. */
export function endpoint<B = Record<string, never>, Q = Record<string, never>>(def: AdminEndpoint<B, Q>): AdminEndpoint<B, Q> {
  return def;
}

/**
 * `/users/{ref}` → Fastify's `/users/:ref`. A literal colon is escaped as `::`; a parameter followed by
 * one (`{id}:accept`, Google's custom-verb style) is bounded by a regex so the verb stays literal.
 */
function fastifyPath(path: string): string {
  const parts = path.split(/(\{[^}]+\})/);
  return parts
    .map((part, i) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (!name) return part.replace(/:/g, '::');
      return parts[i + 1]?.startsWith(':') ? `:${name}(^[^:/]+)` : `:${name}`;
    })
    .join('');
}

/** Registers every endpoint of the table on the app, each checking its query and body first. */
export function registerEndpoints(app: FastifyInstance, endpoints: readonly AdminEndpoint[]): void {
  for (const def of endpoints) {
    app.route({
      method: def.method,
      url: `${ADMIN_BASE}${fastifyPath(def.path)}`,
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      handler: async (request, reply) => {
        const query = readQuery<unknown>(request, def.query ?? { type: 'object', additionalProperties: false, properties: {} });
        const body = def.body ? (def.yaml ? readJsonOrYaml<unknown>(request, def.body) : readJson<unknown>(request, def.body)) : undefined;
        const result = await def.handle({ request, reply, params: (request.params ?? {}) as Record<string, string>, query, body });
        if (def.produces) return reply;
        void reply.header('content-type', 'application/json; charset=utf-8');
        return result ?? {};
      },
    });
  }
}

const ERROR_SCHEMA = {
  type: 'object',
  description: "Google's error envelope, as the Classroom API answers.",
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'integer' },
        message: { type: 'string' },
        status: { type: 'string' },
        errors: { type: 'array', items: { type: 'object' } },
        details: { type: 'array', items: { type: 'object' } },
      },
    },
  },
};

/**
 * The admin API as an OpenAPI 3.1 document, generated from the endpoint table (JSON Schema 2020-12
 * is OpenAPI 3.1's schema dialect, so the validation schemas go in unchanged).
 */
export function openApiDocument(endpoints: readonly AdminEndpoint[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of endpoints) {
    const parameters: Record<string, unknown>[] = [];
    for (const name of [...def.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '')) {
      parameters.push({ name, in: 'path', required: true, schema: { type: 'string' }, ...(def.params?.[name] ? { description: def.params[name] } : {}) });
    }
    const query = def.query as { properties?: Record<string, { description?: string }>; required?: string[] } | undefined;
    for (const [name, schema] of Object.entries(query?.properties ?? {})) {
      parameters.push({
        name,
        in: 'query',
        required: query?.required?.includes(name) ?? false,
        schema,
        ...(schema.description ? { description: schema.description } : {}),
      });
    }
    const types = def.yaml ? JSON_OR_YAML : ['application/json'];
    const operation: Record<string, unknown> = {
      operationId: `${def.method.toLowerCase()}${def.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(\w)/g, (_m, c: string) => c.toUpperCase())}`,
      summary: def.summary,
      tags: [def.tag],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(def.body ? { requestBody: { required: true, content: Object.fromEntries(types.map((t) => [t, { schema: def.body }])) } } : {}),
      responses: {
        '200': { description: def.response, content: { [def.produces ?? 'application/json']: { schema: def.returns ?? (def.produces ? { type: 'string' } : { type: 'object' }) } } },
        default: { description: 'An error in Google\'s envelope: 400 INVALID_ARGUMENT naming the field, 404 NOT_FOUND, 409 ALREADY_EXISTS.', content: { 'application/json': { schema: ERROR_SCHEMA } } },
      },
    };
    (paths[`${ADMIN_BASE}${def.path}`] ??= {})[def.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'classroom-emulator admin API',
      version: info.version,
      description: 'State that production keeps outside the Classroom API: users, domains, projects, grants, tokens, limits, time, fixtures and snapshots.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
  };
}
