import { renderError, type ErrorCode, type RenderOptions } from 'classroom-errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiFailure } from '../failure.js';
import { isConnectionFailure } from '../store/availability.js';

/** The verbs some route of the emulator serves; any other verb is answered 405. */
const SERVED_VERBS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** `$.xgafv=2` or the equivalent header ask for the v2 error format (no `errors[]`). */
function formatOf(request: FastifyRequest): 1 | 2 {
  const query = request.query as Record<string, unknown> | undefined;
  const header = request.headers['x-goog-api-format-version'];
  return query?.['$.xgafv'] === '2' || header === '2' ? 2 : 1;
}

/** Sends a catalog error; the only way an error body leaves the emulator. */
export function sendError(reply: FastifyReply, request: FastifyRequest, code: ErrorCode, options: RenderOptions = {}): FastifyReply {
  const rendered = renderError(code, { ...options, format: formatOf(request) });
  return reply
    .code(rendered.httpStatus)
    .headers({ ...rendered.headers, 'content-type': 'application/json; charset=UTF-8' })
    .send(rendered.body);
}

/**
 * The single error handler: catalog failures are rendered as they are; Fastify's own complaints about
 * the request become INVALID_ARGUMENT; anything else is logged and becomes INTERNAL, never a stack.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiFailure | Error, request, reply) => {
    if (error instanceof ApiFailure) {
      return sendError(reply, request, error.code, { ...error.extra, ...(error.hasMessage ? { message: error.message } : {}) });
    }
    const fastifyError = error as FastifyError;
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // The route's own limit (admin imports allow more) is the one that was exceeded.
      const limit = request.routeOptions.bodyLimit ?? app.initialConfig.bodyLimit ?? 1048576;
      return sendError(reply, request, 'INVALID_ARGUMENT', {
        httpStatus: 413,
        message: `Request payload size exceeds the limit: ${limit} bytes.`,
      });
    }
    if (fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || fastifyError.code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH') {
      return sendError(reply, request, 'INVALID_ARGUMENT', { message: 'The request body could not be read as JSON.' });
    }
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return sendError(reply, request, 'INVALID_ARGUMENT', { message: error.message });
    }
    if (isConnectionFailure(error)) {
      // The store logs the outage once; the client gets a 503 that classroom-errors' retry policy retries.
      return sendError(reply, request, 'UNAVAILABLE', { message: 'The emulator cannot reach its database right now; try again shortly.' });
    }
    request.log.error({ err: error }, 'unexpected failure');
    return sendError(reply, request, 'INTERNAL');
  });

  app.setNotFoundHandler((request, reply) => {
    // A verb no route serves is refused as not allowed, whatever the path. RFC 9110 would allow 501 here;
    // 405 keeps "5xx" meaning that the server failed, which is what clients and the fuzzer read it as.
    if (!SERVED_VERBS.has(request.method)) {
      return sendError(reply, request, 'UNIMPLEMENTED', {
        httpStatus: 405,
        message: `The emulator does not serve the HTTP method ${request.method}.`,
      });
    }
    return sendError(reply, request, 'NOT_FOUND', { message: `Nothing is served at ${request.method} ${request.url.split('?')[0]}.` });
  });
}
