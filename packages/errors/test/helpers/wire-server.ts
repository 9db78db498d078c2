/**
 * A throwaway HTTP server that answers with exact wire bodies, and the official Classroom client
 * pointed at it. Tests get real GaxiosErrors, real fetch Responses and real socket failures from it,
 * instead of hand-made imitations whose shape drifts from what the libraries actually throw.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classroom, type classroom_v1, type GlobalOptions } from '@googleapis/classroom';
import type { RenderedError } from '../../src/render.js';

/** One answer of the server. */
export interface WireReply {
  status: number;
  headers?: Record<string, string>;
  /**
   * An object is sent as JSON (`application/json; charset=UTF-8`); a string is sent as it is
   * (`text/html` unless `headers` names a content type); absent sends an empty body.
   */
  body?: unknown;
  /** Waits this long before answering, for abort and timeout tests. */
  delayMs?: number;
  /** Destroys the socket instead of answering (a reset mid-request, as a proxy does). */
  hangUp?: boolean;
}

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/courses/1/students?%24.xgafv=2`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * How the server answers: one reply for every request; a list served in order (the last one
 * repeating — e.g. `[429, 429, 200]` for retry tests); or a function of the request.
 */
export type WireScript = WireReply | readonly WireReply[] | ((request: RecordedRequest, index: number) => WireReply | Promise<WireReply>);

export interface WireServer {
  /** Base URL with a trailing slash, e.g. `http://127.0.0.1:41234/`: usable as the client's `rootUrl`. */
  url: string;
  port: number;
  /** Every request received so far, in order. */
  requests: RecordedRequest[];
  /** Changes the script for the following requests. */
  setScript(script: WireScript): void;
  /** Stops listening and drops open connections (pending delayed replies included). */
  close(): Promise<void>;
}

/**
 * Starts a server on 127.0.0.1, on a free port.
 *
 * @example
 * ```ts
 * const server = await startWireServer(replyOf(renderError('CourseMemberLimitReached')));
 * const client = officialClient(server.url);
 * await expect(client.courses.students.create({ courseId: '1', requestBody: { userId: 'me' } })).rejects.toThrow();
 * await server.close();
 * ```
 */
export async function startWireServer(script: WireScript): Promise<WireServer> {
  let current = script;
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const index = requests.push(request) - 1;
      void answer(current, request, index).then(
        (reply) => {
          if (reply.delayMs && reply.delayMs > 0) {
            const timer = setTimeout(() => {
              timers.delete(timer);
              send(res, reply);
            }, reply.delayMs);
            timers.add(timer);
          } else {
            send(res, reply);
          }
        },
        (error: unknown) => send(res, { status: 500, body: `wire-server script failed: ${String(error)}` }),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    requests,
    setScript(script) {
      current = script;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function answer(script: WireScript, request: RecordedRequest, index: number): Promise<WireReply> {
  if (typeof script === 'function') return script(request, index);
  if (isReplyList(script)) {
    const reply = script[Math.min(index, script.length - 1)];
    if (!reply) throw new Error('empty reply list');
    return reply;
  }
  return script;
}

function isReplyList(script: WireReply | readonly WireReply[]): script is readonly WireReply[] {
  return Array.isArray(script);
}

function send(res: ServerResponse, reply: WireReply): void {
  if (res.destroyed) return;
  if (reply.hangUp) {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name.toLowerCase()] = value;
  let payload = '';
  if (typeof reply.body === 'string') {
    payload = reply.body;
    headers['content-type'] ??= 'text/html; charset=UTF-8';
  } else if (reply.body !== undefined) {
    payload = JSON.stringify(reply.body, null, 2);
    headers['content-type'] ??= 'application/json; charset=UTF-8';
  }
  res.writeHead(reply.status, headers);
  res.end(payload);
}

/**
 * The reply for a rendered error: its status, headers (Retry-After included) and JSON body.
 *
 * @example
 * ```ts
 * replyOf(renderError('ProjectRateLimitExceeded', { retryAfterSeconds: 3 }));
 * ```
 */
export function replyOf(rendered: RenderedError, extra: Partial<WireReply> = {}): WireReply {
  return { status: rendered.httpStatus, headers: { ...rendered.headers }, body: rendered.body, ...extra };
}

/**
 * The official client (`@googleapis/classroom` v1) pointed at `url`, authenticated with a fixed bearer
 * token and with its own retries off, so that every call throws at most once. Pass `retry: true` or a
 * `retryConfig` in `options` to test retries on top of gaxios's.
 *
 * The token travels as a plain header: with no `auth` client, googleapis-common sends the request
 * through a bare Gaxios, which keeps google-auth-library (and its metadata-server probing) out of tests.
 *
 * @example
 * ```ts
 * const client = officialClient(server.url);
 * const error = await client.courses.get({ id: '1' }).catch((e: unknown) => e);
 * ```
 */
export function officialClient(url: string, options: Partial<GlobalOptions> = {}): classroom_v1.Classroom {
  const rootUrl = url.endsWith('/') ? url : `${url}/`;
  return classroom({
    version: 'v1',
    rootUrl,
    retry: false,
    ...options,
    headers: { Authorization: 'Bearer test-token', ...headerRecord(options.headers) },
  });
}

function headerRecord(headers: GlobalOptions['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers as [string, string][]);
  return { ...(headers as Record<string, string>) };
}

/**
 * Calls `fn` and returns what it threw; fails when it did not throw.
 *
 * @example
 * ```ts
 * const thrown = await thrownBy(() => client.courses.get({ id: '1' }));
 * ```
 */
export async function thrownBy(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

/**
 * A port on 127.0.0.1 that nothing listens on (bound, then released), for ECONNREFUSED.
 */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
