import { IncomingMessage, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { renderError, type ErrorCode, type RenderOptions } from 'classroom-errors';
import type { FastifyError, FastifyHttpOptions, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.js';

/** How the HTTP edge treats slow clients and crowds; `createEmulator` and the CLI fill it in. */
export interface EdgeOptions {
  /**
   * Seconds a request may take to arrive whole (headers and body); past it the client gets 408 and the
   * connection is closed. 0 disables the limit. Default 30.
   */
  requestTimeoutSeconds?: number;
  /** Open connections at most; further ones are closed as soon as they are accepted. 0: no limit. Default 1000. */
  maxConnections?: number;
}

/** Defaults of {@link EdgeOptions}. */
export const EDGE_DEFAULTS = { requestTimeoutSeconds: 30, maxConnections: 1000 } as const;

/**
 * Answers to requests Node's parser could not read, by llhttp error code. None is a 5xx: the client sent
 * something wrong, and 5xx would tell it (and its retry policy) that the server failed.
 */
const PARSE_FAILURES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'INVALID_ARGUMENT', message: 'The request headers are larger than the 16 KB the emulator reads.' },
  HPE_INVALID_METHOD: { status: 405, code: 'UNIMPLEMENTED', message: 'The request does not start with an HTTP method the emulator knows.' },
  HPE_INVALID_URL: { status: 400, code: 'INVALID_ARGUMENT', message: 'The request target is not a valid URL: spaces, control characters and characters outside ASCII must be percent-encoded.' },
  HPE_INVALID_CHUNK_SIZE: { status: 400, code: 'INVALID_ARGUMENT', message: 'The chunked request body is malformed.' },
  HPE_INVALID_TRANSFER_ENCODING: { status: 400, code: 'INVALID_ARGUMENT', message: 'The request has a Transfer-Encoding the emulator cannot read.' },
  HPE_UNEXPECTED_CONTENT_LENGTH: { status: 400, code: 'INVALID_ARGUMENT', message: 'The request has both Content-Length and Transfer-Encoding.' },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_ARGUMENT', message: 'The request has an invalid Content-Length.' },
  HPE_INVALID_VERSION: { status: 400, code: 'INVALID_ARGUMENT', message: 'The emulator speaks HTTP/1.0 and HTTP/1.1 only.' },
};

const NUL_MESSAGE = 'The request holds a NUL character (U+0000), which no field accepts.';
/** `\u0000` in JSON text, not preceded by an escaped backslash (`\\u0000` is the six characters themselves). */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/i;

/** The whole raw HTTP response for an error written straight to a socket (no request object exists). */
function rawErrorResponse(status: number, code: ErrorCode, options: RenderOptions): string {
  const rendered = renderError(code, { ...options, httpStatus: status });
  const body = JSON.stringify(rendered.body);
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    `Content-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`
  );
}

/**
 * Node's `clientError`: a request its parser could not read (bad bytes, headers over 16 KB, a verb it does
 * not know: 405, a broken chunked body) or one that did not arrive in time. HTTP leaves no choice but to close
 * these connections — the parser has lost its place in the stream — so the answer is written directly and
 * the socket ended after it.
 */
function onClientError(this: FastifyInstance, error: NodeJS.ErrnoException & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already on its way cannot be followed by another one on the same connection.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (!socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  let response: string;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    response = rawErrorResponse(408, 'DEADLINE_EXCEEDED', { message: 'The request did not arrive whole in time; the connection is closed.' });
  } else {
    const known = PARSE_FAILURES[error.code ?? ''];
    response = known
      ? rawErrorResponse(known.status, known.code, { message: known.message })
      : rawErrorResponse(400, 'INVALID_ARGUMENT', { message: 'The request is not valid HTTP/1.1.' });
  }
  this.log.debug({ err: error }, 'client error');
  socket.end(response, () => socket.destroy());
}

/** Fastify's complaints while routing: a path with bad percent-encoding, a path segment over the length limit. */
function onFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    void sendError(reply, request, 'INVALID_ARGUMENT', { httpStatus: 414, message: 'A segment of the request path is longer than 500 characters.' });
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    void sendError(reply, request, 'INVALID_ARGUMENT', { message: 'The request path holds an invalid percent-encoding.' });
    return;
  }
  request.log.error({ err: error }, 'unexpected routing failure');
  void sendError(reply, request, 'INTERNAL');
}

/**
 * Server options of the HTTP edge, spread into `Fastify({...})`: error answers in Google's envelope for
 * what Fastify and Node refuse before any route runs, and the request deadline.
 *
 * On Node 20 a request's deadline is only enforced when `headersTimeout` is not larger than
 * `requestTimeout`, and only as often as `connectionsCheckingInterval` (30 s by default) looks, so all
 * three are set: a body trickling in a byte at a time is cut within a second of its deadline.
 */
export function edgeServerOptions(options: EdgeOptions = {}): Pick<FastifyHttpOptions<Server>, 'frameworkErrors' | 'clientErrorHandler' | 'requestTimeout' | 'http'> {
  const seconds = options.requestTimeoutSeconds ?? EDGE_DEFAULTS.requestTimeoutSeconds;
  const ms = Math.round(seconds * 1000);
  return {
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
    ...(ms > 0 ? { requestTimeout: ms } : {}),
    http: {
      // A missing Host is answered in Google's envelope by the hook below, not by Node's empty 400.
      requireHostHeader: false,
      ...(ms > 0 ? { requestTimeout: ms, headersTimeout: ms, connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(ms / 4))) } : {}),
    },
  };
}

/** Paths of the Classroom API proper (the batch endpoint included): the ones held to Google's front-end rules. */
function isApiPath(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/batch');
}

/**
 * Hooks of the HTTP edge, registered before every route: the open-connection limit, a missing Host, a
 * POST or PUT to the Classroom API without a length (Google's front end answers 411 there too).
 */
export function installEdgeHooks(app: FastifyInstance, options: EdgeOptions = {}): void {
  const limit = options.maxConnections ?? EDGE_DEFAULTS.maxConnections;
  if (limit > 0) {
    app.server.maxConnections = limit;
    let warned = 0;
    app.server.on('drop', () => {
      // One line a minute at most: a flood of refused connections must not become a flood of log lines.
      const now = performance.now();
      if (now - warned < 60_000 && warned !== 0) return;
      warned = now;
      app.log.warn(`connection refused: ${limit} connections are open (--max-connections)`);
    });
  }

  // Node hands CONNECT (a proxy's verb) to a 'connect' listener and silently drops the socket without one.
  app.server.on('connect', (_request: IncomingMessage, socket: Socket) => {
    socket.on('error', () => undefined);
    socket.end(rawErrorResponse(405, 'UNIMPLEMENTED', { message: 'The emulator is not a proxy: it does not serve CONNECT.' }), () => socket.destroy());
  });

  // NUL cannot be stored in PostgreSQL text (SQLite would keep it), so the same request would be a 500
  // on one store and a success on the other: refuse it everywhere, before anything runs.
  app.addHook('onRequest', async (request, reply) => {
    if (/%00/i.test(request.raw.url ?? '')) return sendError(reply, request, 'INVALID_ARGUMENT', { message: NUL_MESSAGE });
    return undefined;
  });
  app.addHook('preValidation', async (request, reply) => {
    if (typeof request.body === 'string' && (request.body.includes('\u0000') || NUL_ESCAPE.test(request.body))) {
      return sendError(reply, request, 'INVALID_ARGUMENT', { message: NUL_MESSAGE });
    }
    return undefined;
  });

  app.addHook('onRequest', async (request, reply) => {
    const raw = request.raw;
    // Injected requests (the batch endpoint's parts, tests) are built by the emulator, not read off a socket.
    if (!(raw instanceof IncomingMessage)) return;
    if (raw.httpVersionMajor === 1 && raw.httpVersionMinor >= 1 && raw.headers.host === undefined) {
      return sendError(reply, request, 'INVALID_ARGUMENT', { message: 'An HTTP/1.1 request must carry a Host header.' });
    }
    if (
      (request.method === 'POST' || request.method === 'PUT') &&
      raw.headers['content-length'] === undefined &&
      raw.headers['transfer-encoding'] === undefined &&
      isApiPath(raw.url ?? '')
    ) {
      return sendError(reply, request, 'INVALID_ARGUMENT', {
        httpStatus: 411,
        message: `A ${request.method} request must carry a Content-Length header (Content-Length: 0 for an empty body).`,
      });
    }
    return undefined;
  });
}
