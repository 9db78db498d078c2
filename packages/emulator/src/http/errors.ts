import { renderError, type ErrorCode, type RenderOptions } from 'classroom-errors';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiFailure } from '../failure.js';
import { isConnectionFailure } from '../store/availability.js';

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
      return sendError(reply, request, 'INVALID_ARGUMENT', {
        message: `Request payload size exceeds the limit: ${app.initialConfig.bodyLimit ?? 1048576} bytes.`,
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

  app.setNotFoundHandler((request, reply) =>
    sendError(reply, request, 'NOT_FOUND', { message: `Nothing is served at ${request.method} ${request.url.split('?')[0]}.` }),
  );
}
