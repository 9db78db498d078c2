import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, ERROR_CODES, type ErrorCode } from '../src/catalog.js';
import { decide } from '../src/decide.js';
import { ClassroomApiError } from '../src/error.js';
import { parseBatchResponse, parseError, parseResponse, parseRetryAfter } from '../src/parse.js';
import { renderError, type RenderOptions } from '../src/render.js';
import { closedPort, officialClient, replyOf, startWireServer, thrownBy, type WireReply, type WireServer } from './helpers/wire-server.js';

/** Codes that can travel on the wire (NetworkError is the absence of a response). */
const WIRE_CODES = ERROR_CODES.filter((code) => CATALOG[code].httpStatus !== 0);

/**
 * The server answers `/v1/courses/<scenario>/students`; the scenario names a reply in this table, and
 * `$.xgafv=2` in the query switches the body to the v2 format, as Google's front end does.
 */
const scenarios: Record<string, (format: 1 | 2) => WireReply> = {
  ...Object.fromEntries(WIRE_CODES.map((code) => [code, (format: 1 | 2) => replyOf(renderError(code, { format }))])),
  memberLimit: (format) =>
    replyOf(renderError('CourseMemberLimitReached', { format, message: 'The course already has 1000 members.' })),
  quotaRetry: (format) =>
    replyOf(
      renderError('RESOURCE_EXHAUSTED', {
        format,
        errorInfo: { reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' },
        metadata: { quota_limit: 'DefaultPerMinutePerUser', quota_metric: 'classroom.googleapis.com/default_requests', service: 'classroom.googleapis.com' },
        message: "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'classroom.googleapis.com'.",
        retryAfterSeconds: 3,
      }),
    ),
  // The header and the RetryInfo disagree: the header is what the front end decided last.
  headerWins: (format) => {
    const rendered = renderError('UNAVAILABLE', { format, retryAfterSeconds: 3 });
    return replyOf(rendered, { headers: { 'retry-after': '10' } });
  },
  html502: () => ({
    status: 502,
    body: '<!DOCTYPE html><html lang=en><meta charset=utf-8><title>Error 502 (Server Error)!!1</title><p><b>502.</b> <ins>That’s an error.</ins></html>',
  }),
  empty503: () => ({ status: 503 }),
  slow: () => ({ status: 200, body: {}, delayMs: 5_000 }),
  hangUp: () => ({ status: 200, hangUp: true }),
};

let server: WireServer;

beforeAll(async () => {
  server = await startWireServer((request) => {
    const url = new URL(request.url, 'http://localhost');
    const scenario = /^\/v1\/courses\/([^/]+)/.exec(url.pathname)?.[1] ?? '';
    const format = url.searchParams.get('$.xgafv') === '2' ? 2 : 1;
    const reply = scenarios[decodeURIComponent(scenario)];
    return reply ? reply(format) : { status: 404, body: renderError('NOT_FOUND', { format }).body };
  });
});

afterAll(async () => {
  await server.close();
});

/** What the official client throws for a roster join answered by `scenario`. */
function thrownByClient(scenario: string, format: 1 | 2 = 1): Promise<unknown> {
  const client = officialClient(server.url);
  return thrownBy(() =>
    client.courses.students.create({
      courseId: scenario,
      requestBody: { userId: 'student@example.edu' },
      ...(format === 2 ? { '$.xgafv': '2' } : {}),
    }),
  );
}

describe('parseError on GaxiosErrors from the official client', () => {
  it('reads a token error in the v1 format', async () => {
    const thrown = await thrownByClient('memberLimit');
    // The point of this suite: it is the real thing, not an imitation.
    expect((thrown as Error).constructor.name).toBe('GaxiosError');
    const err = parseError(thrown);
    expect(err).toBeInstanceOf(ClassroomApiError);
    expect(err.code).toBe('CourseMemberLimitReached');
    expect(err.known).toBe(true);
    expect(err.httpStatus).toBe(400);
    expect(err.status).toBe('FAILED_PRECONDITION');
    expect(err.reason).toBe('failedPrecondition');
    expect(err.message).toBe('@CourseMemberLimitReached The course already has 1000 members.');
    expect(err.detail).toBe('The course already has 1000 members.');
    expect(err.retryAfterMs).toBeUndefined();
    expect(err.raw).toBe(thrown);
    expect(err.retryable).toBe(false);
  });

  it('reads the v2 format, which has no errors[] and so no legacy reason', async () => {
    const thrown = await thrownByClient('memberLimit', 2);
    expect(server.requests.at(-1)?.url).toContain('xgafv=2');
    const err = parseError(thrown);
    expect(err.code).toBe('CourseMemberLimitReached');
    expect(err.status).toBe('FAILED_PRECONDITION');
    expect(err.reason).toBeUndefined();
  });

  it('maps a per-user quota error and takes Retry-After from the Headers instance', async () => {
    for (const format of [1, 2] as const) {
      const thrown = await thrownByClient('quotaRetry', format);
      // gaxios 7 hands over node-fetch's Headers class, not the global one: only `get` is shared.
      const headers = (thrown as { response: { headers: { get?: unknown } } }).response.headers;
      expect(typeof headers.get).toBe('function');
      const err = parseError(thrown);
      expect(err.code).toBe('UserRateLimitExceeded');
      expect(err.httpStatus).toBe(429);
      expect(err.retryAfterMs).toBe(3000);
      expect(err.errorInfo).toEqual({
        reason: 'RATE_LIMIT_EXCEEDED',
        domain: 'googleapis.com',
        metadata: {
          quota_limit: 'DefaultPerMinutePerUser',
          quota_metric: 'classroom.googleapis.com/default_requests',
          service: 'classroom.googleapis.com',
        },
      });
      expect(err.details.length).toBe(2);
      expect(err.retryable).toBe(true);
    }
  });

  it('reads headers given as a plain object, as older gaxios versions give them', async () => {
    const real = (await thrownByClient('quotaRetry')) as Error & { response: Response & { data: unknown } };
    // Rebuild what gaxios 6 threw: the same error, its response a plain object with plain headers.
    const plainHeaders: Record<string, string> = {};
    real.response.headers.forEach((value, name) => (plainHeaders[name] = value));
    const response = { status: real.response.status, statusText: real.response.statusText, data: real.response.data, headers: plainHeaders };
    const thrown = Object.assign(Object.create(Object.getPrototypeOf(real) as object) as Error, real, { response });
    expect(typeof (thrown as unknown as { response: { headers: { get?: unknown } } }).response.headers.get).toBe('undefined');
    const err = parseError(thrown);
    expect(err.code).toBe('UserRateLimitExceeded');
    expect(err.retryAfterMs).toBe(3000);
  });

  it('prefers the Retry-After header over the body RetryInfo', async () => {
    const err = parseError(await thrownByClient('headerWins'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.retryAfterMs).toBe(10_000);
  });

  it('reads a proxy HTML 502 page (data is a string)', async () => {
    const thrown = await thrownByClient('html502');
    expect(typeof (thrown as { response: { data: unknown } }).response.data).toBe('string');
    const err = parseError(thrown);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.httpStatus).toBe(502);
    expect(err.status).toBe('UNAVAILABLE');
    expect(err.message).toBe('Error 502 (Server Error)!!1');
    expect(err.retryable).toBe(true);
  });

  it('reads an empty 503', async () => {
    const err = parseError(await thrownByClient('empty503'));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.httpStatus).toBe(503);
  });

  it('reads a NOT_FOUND without a token', async () => {
    const err = parseError(await thrownByClient('no-such-scenario'));
    expect(err.code).toBe('NOT_FOUND');
    expect(err.httpStatus).toBe(404);
    expect(err.reason).toBe('notFound');
  });

  it.each(WIRE_CODES)('round-trips %s through the client in both formats', async (code) => {
    for (const format of [1, 2] as const) {
      const err = parseError(await thrownByClient(code, format));
      expect(err.code).toBe(code);
      expect(err.httpStatus).toBe(CATALOG[code].httpStatus);
      expect(err.status).toBe(CATALOG[code].status);
    }
  });
});

describe('parseError on transport failures from the official client', () => {
  it('reads a real ECONNREFUSED', async () => {
    const port = await closedPort();
    const client = officialClient(`http://127.0.0.1:${port}/`);
    const thrown = await thrownBy(() => client.courses.get({ id: '1' }));
    expect((thrown as { response?: unknown }).response).toBeUndefined();
    const err = parseError(thrown);
    expect(err.code).toBe('NetworkError');
    expect(err.httpStatus).toBe(0);
    expect(err.status).toBe('UNAVAILABLE');
    expect(err.transport).toEqual({ errno: 'ECONNREFUSED', aborted: false });
    expect(err.retryable).toBe(true);
    expect(decide(err, { attempt: 1 }, { random: () => 0.5 }).action).toBe('retry');
  });

  it('reads a connection the server dropped mid-request', async () => {
    const err = parseError(await thrownByClient('hangUp'));
    expect(err.code).toBe('NetworkError');
    expect(err.transport?.aborted).toBe(false);
    expect(err.transport?.errno).toBe('ECONNRESET');
  });

  it('reads a real abort through an AbortController', async () => {
    const client = officialClient(server.url);
    const controller = new AbortController();
    const pending = thrownBy(() => client.courses.students.create({ courseId: 'slow', requestBody: {} }, { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    const err = parseError(await pending);
    expect(err.code).toBe('NetworkError');
    expect(err.httpStatus).toBe(0);
    expect(err.status).toBe('CANCELLED');
    expect(err.transport?.aborted).toBe(true);
    expect(err.retryable).toBe(false);
    expect(decide(err, { attempt: 1 }).action).toBe('report');
  });
});

describe('parseResponse on real fetch Responses', () => {
  it('reads a token error with Retry-After', async () => {
    const response = await fetch(`${server.url}v1/courses/UserCourseJoinRateLimitReached/students`, { method: 'POST', body: '{}' });
    const err = await parseResponse(response);
    expect(err.code).toBe('UserCourseJoinRateLimitReached');
    expect(err.httpStatus).toBe(429);
    expect(err.status).toBe('RESOURCE_EXHAUSTED');
    expect(response.bodyUsed).toBe(true);
  });

  it('reads the v2 format and a RetryInfo', async () => {
    const response = await fetch(`${server.url}v1/courses/quotaRetry/students?%24.xgafv=2`, { method: 'POST', body: '{}' });
    const err = await parseResponse(response);
    expect(err.code).toBe('UserRateLimitExceeded');
    expect(err.reason).toBeUndefined();
    expect(err.retryAfterMs).toBe(3000);
    expect(err.raw).toMatchObject({ error: { code: 429, status: 'RESOURCE_EXHAUSTED' } });
  });

  it('tolerates an HTML body', async () => {
    const err = await parseResponse(await fetch(`${server.url}v1/courses/html502/students`, { method: 'POST', body: '{}' }));
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.httpStatus).toBe(502);
    expect(err.message).toBe('Error 502 (Server Error)!!1');
    expect(typeof err.raw).toBe('string');
  });

  it('tolerates a body that was already read', async () => {
    const response = await fetch(`${server.url}v1/courses/memberLimit/students`, { method: 'POST', body: '{}' });
    await response.text();
    const err = await parseResponse(response);
    // Only the status is left, and Google pairs a bare 400 with INVALID_ARGUMENT.
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.httpStatus).toBe(400);
  });

  it('also reads a Response handed to the sync parser, from its status', async () => {
    const response = await fetch(`${server.url}v1/courses/html502/students`, { method: 'POST', body: '{}' });
    const err = parseError(response);
    expect(err.code).toBe('UNAVAILABLE');
    expect(err.raw).toBe(response);
    await response.body?.cancel();
  });

  it('reads a real fetch network failure (TypeError with an ECONNREFUSED cause)', async () => {
    const port = await closedPort();
    const thrown = await thrownBy(() => fetch(`http://127.0.0.1:${port}/v1/courses`));
    const err = parseError(thrown);
    expect(err.code).toBe('NetworkError');
    expect(err.transport).toEqual({ errno: 'ECONNREFUSED', aborted: false });
  });

  it('reads a real fetch abort and a real fetch timeout', async () => {
    const controller = new AbortController();
    const pending = thrownBy(() => fetch(`${server.url}v1/courses/slow/students`, { method: 'POST', body: '{}', signal: controller.signal }));
    setTimeout(() => controller.abort(), 20);
    const aborted = parseError(await pending);
    expect(aborted.transport?.aborted).toBe(true);
    expect(aborted.status).toBe('CANCELLED');

    const timedOut = parseError(
      await thrownBy(() => fetch(`${server.url}v1/courses/slow/students`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(20) })),
    );
    // A deadline is not a change of mind: it stays retryable.
    expect(timedOut.code).toBe('NetworkError');
    expect(timedOut.transport).toEqual({ errno: 'TimeoutError', aborted: false });
    expect(timedOut.retryable).toBe(true);
  });
});

describe('parseError on payloads', () => {
  it.each(WIRE_CODES)('round-trips %s from its rendered body, both formats, object and JSON string', (code) => {
    for (const format of [1, 2] as const) {
      const { body, httpStatus } = renderError(code, { format });
      for (const input of [body, JSON.stringify(body), body.error, JSON.stringify(body.error)]) {
        const err = parseError(input);
        expect(err.code).toBe(code);
        expect(err.httpStatus).toBe(httpStatus);
        expect(err.status).toBe(CATALOG[code].status);
        expect(err.raw).toBe(input);
      }
    }
  });

  it('matches a token only when a space or the end follows it', () => {
    const longer = parseError(renderError('FAILED_PRECONDITION', { message: '@CourseNotModifiableX The course is odd.' }).body);
    expect(longer.code).toBe('CourseNotModifiableX');
    expect(longer.known).toBe(false);
    expect(longer.is('CourseNotModifiable')).toBe(false);

    const bare = parseError({ error: { code: 400, message: '@CourseNotModifiable', status: 'FAILED_PRECONDITION' } });
    expect(bare.code).toBe('CourseNotModifiable');

    const punctuated = parseError({ error: { code: 400, message: '@CourseNotModifiable: archived', status: 'FAILED_PRECONDITION' } });
    expect(punctuated.code).toBe('FAILED_PRECONDITION');

    const inside = parseError({ error: { code: 400, message: 'See @CourseNotModifiable later', status: 'FAILED_PRECONDITION' } });
    expect(inside.code).toBe('FAILED_PRECONDITION');
  });

  it('keeps an unknown token and falls back to its status for the entry', () => {
    const err = parseError(renderError('FAILED_PRECONDITION', { message: '@CourseGuardianLimitReached Too many guardians.' }).body);
    expect(err.code).toBe('CourseGuardianLimitReached');
    expect(err.known).toBe(false);
    expect(err.entry.code).toBe('FAILED_PRECONDITION');
    expect(err.detail).toBe('Too many guardians.');
    expect(err.retryable).toBe(false);
    expect(err.is('FAILED_PRECONDITION')).toBe(true);
  });

  it('maps rate-limit ErrorInfo by quota_limit, which wins over the message', () => {
    const cases: Array<[string, ErrorCode]> = [
      ['DefaultPerMinutePerProject', 'ProjectRateLimitExceeded'],
      ['DefaultPerMinutePerUser', 'UserRateLimitExceeded'],
      ['DefaultPerDayPerProject', 'DailyLimitExceeded'],
      ['Queries per day', 'DailyLimitExceeded'],
      ['queries per minute per user', 'UserRateLimitExceeded'],
    ];
    for (const [quota_limit, expected] of cases) {
      for (const format of [1, 2] as const) {
        const options: RenderOptions = {
          format,
          errorInfo: { reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' },
          metadata: { quota_limit },
          message: 'Quota exceeded for this project per day and per user.',
        };
        expect(parseError(renderError('RESOURCE_EXHAUSTED', options).body).code).toBe(expected);
      }
    }
  });

  it('maps rate-limit ErrorInfo by the message when quota_limit is missing', () => {
    const info = { reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' };
    const code = (message: string) => parseError(renderError('RESOURCE_EXHAUSTED', { errorInfo: info, message }).body).code;
    expect(code("Quota exceeded for quota metric 'Queries' and limit 'Queries per day' of service 'classroom.googleapis.com'.")).toBe('DailyLimitExceeded');
    expect(code("Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'.")).toBe('UserRateLimitExceeded');
    expect(code('Quota exceeded.')).toBe('ProjectRateLimitExceeded');
    // Without the ErrorInfo, a RESOURCE_EXHAUSTED stays generic.
    expect(parseError(renderError('RESOURCE_EXHAUSTED', { message: 'Queries per day' }).body).code).toBe('RESOURCE_EXHAUSTED');
  });

  it('recognises the legacy v1 quota reasons', () => {
    const body = (reason: string) => ({
      error: { code: 403, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason, message: 'Rate Limit Exceeded' }] },
    });
    expect(parseError(body('userRateLimitExceeded')).code).toBe('UserRateLimitExceeded');
    expect(parseError(body('dailyLimitExceeded')).code).toBe('DailyLimitExceeded');
  });

  it('recognises missing scopes by v1 reason or by ErrorInfo alone', () => {
    const v1 = { error: { code: 403, message: 'Insufficient Permission', errors: [{ message: 'Insufficient Permission', domain: 'global', reason: 'insufficientPermissions' }] } };
    expect(parseError(v1).code).toBe('InsufficientScopes');
    const v2 = renderError('PERMISSION_DENIED', {
      format: 2,
      message: 'Request had insufficient authentication scopes.',
      errorInfo: { reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com' },
      metadata: { method: 'google.classroom.v1.Courses.ListCourses', service: 'classroom.googleapis.com' },
    }).body;
    const err = parseError(v2);
    expect(err.code).toBe('InsufficientScopes');
    expect(err.errorInfo?.metadata['method']).toBe('google.classroom.v1.Courses.ListCourses');
  });

  it('reads RetryInfo delays with fractions and in object form', () => {
    const body = (retryDelay: unknown) => ({
      error: { code: 503, message: 'x', status: 'UNAVAILABLE', details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] },
    });
    expect(parseError(body('1.5s')).retryAfterMs).toBe(1500);
    expect(parseError(body('3s')).retryAfterMs).toBe(3000);
    expect(parseError(body({ seconds: 2, nanos: 500_000_000 })).retryAfterMs).toBe(2500);
    expect(parseError(body('soon')).retryAfterMs).toBeUndefined();
  });

  it('derives the status from the HTTP code when the body has none', () => {
    const err = parseError({ error: { code: 404, message: 'Not Found', errors: [{ message: 'Not Found', domain: 'global', reason: 'notFound' }] } });
    expect(err.code).toBe('NOT_FOUND');
    expect(err.status).toBe('NOT_FOUND');
    expect(err.reason).toBe('notFound');
  });

  it('reads the OAuth endpoint error shape', () => {
    const err = parseError({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.reason).toBe('invalid_grant');
    expect(err.message).toBe('invalid_grant: Token has been expired or revoked.');
  });

  it('reads a log line that kept only a known token message', () => {
    expect(parseError('@CourseNotModifiable The course is archived.').code).toBe('CourseNotModifiable');
    expect(parseError('@NotACatalogCode whatever').code).toBe('UNKNOWN');
  });

  it('reads errors of older googleapis that copied the body onto the error', () => {
    // googleapis before gaxios 7: `code` as a string or number, `errors[]` on the error itself.
    const legacy = Object.assign(new Error('@CourseNotModifiable The course is archived.'), {
      code: '400',
      errors: [{ message: '@CourseNotModifiable The course is archived.', domain: 'global', reason: 'failedPrecondition' }],
    });
    const err = parseError(legacy);
    expect(err.code).toBe('CourseNotModifiable');
    expect(err.httpStatus).toBe(400);
    expect(err.reason).toBe('failedPrecondition');
    expect(parseError(Object.assign(new Error('Not Found'), { code: 404 })).code).toBe('NOT_FOUND');
  });

  it('returns a ClassroomApiError as it is', () => {
    const err = parseError(renderError('CourseMemberLimitReached').body);
    expect(parseError(err)).toBe(err);
  });
});

describe('parseError on transport-shaped values', () => {
  const errno = (code: string, message = `connect ${code}`) => Object.assign(new Error(message), { code });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'])('reads a Node %s', (code) => {
    const thrown = errno(code);
    const err = parseError(thrown);
    expect(err.code).toBe('NetworkError');
    expect(err.httpStatus).toBe(0);
    expect(err.status).toBe('UNAVAILABLE');
    expect(err.transport).toEqual({ errno: code, aborted: false });
    expect(err.raw).toBe(thrown);
  });

  it('reads errnos nested in cause, and socket hang up messages', () => {
    expect(parseError(new TypeError('fetch failed', { cause: errno('EAI_AGAIN') })).transport?.errno).toBe('EAI_AGAIN');
    expect(parseError(new Error('outer', { cause: new Error('middle', { cause: errno('EPIPE') }) })).transport?.errno).toBe('EPIPE');
    expect(parseError(new Error('socket hang up')).transport).toEqual({ errno: 'ECONNRESET', aborted: false });
    const aggregate = new TypeError('fetch failed', { cause: new AggregateError([errno('ECONNREFUSED'), errno('ECONNREFUSED')]) });
    expect(parseError(aggregate).code).toBe('NetworkError');
  });

  it('reads aborts of every origin', () => {
    for (const thrown of [
      new DOMException('This operation was aborted', 'AbortError'),
      Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }),
      new Error('request failed', { cause: new DOMException('aborted', 'AbortError') }),
    ]) {
      const err = parseError(thrown);
      expect(err.code).toBe('NetworkError');
      expect(err.status).toBe('CANCELLED');
      expect(err.transport?.aborted).toBe(true);
    }
  });

  it('turns anything else into UNKNOWN, keeps it, and never throws', () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        has() {
          throw new Error('no');
        },
      },
    );
    const boom = new Error('boom');
    for (const thrown of [null, undefined, 42, 'not json {', '', {}, [], boom, Symbol('s'), hostile, '{"unrelated":true}']) {
      const err = parseError(thrown);
      expect(err).toBeInstanceOf(ClassroomApiError);
      expect(err.code).toBe('UNKNOWN');
      expect(err.raw).toBe(thrown);
    }
    expect(parseError(boom).message).toBe('boom');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-15T10:00:00Z');
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('0')).toBe(0);
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter(' 3 ')).toBe(3000);
    expect(parseRetryAfter('1.5')).toBe(1500);
    expect(parseRetryAfter('Wed, 15 Jan 2025 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wednesday, 15-Jan-25 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 09:00:00 GMT', now)).toBe(0);
  });
  it('gives undefined for what it cannot read', () => {
    for (const value of [null, undefined, '', '  ', '-5', 'soon', '3s', 'NaN']) expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe('parseBatchResponse', () => {
  const crlf = (lines: string[]) => lines.join('\r\n');
  const memberLimit = renderError('CourseMemberLimitReached', { message: 'The course already has 1000 members.' });
  const quota = renderError('RESOURCE_EXHAUSTED', {
    errorInfo: { reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' },
    metadata: { quota_limit: 'DefaultPerMinutePerProject' },
    retryAfterSeconds: 2,
  });
  // What https://classroom.googleapis.com/batch answers: an application/http part per request.
  const body = crlf([
    '--batch_Xy9Kq2',
    'Content-Type: application/http',
    'Content-ID: <response-item1>',
    '',
    'HTTP/1.1 200 OK',
    'Content-Type: application/json; charset=UTF-8',
    'Vary: Origin',
    '',
    JSON.stringify({ courseId: '123', userId: '456', profile: { id: '456' } }, null, 2),
    '--batch_Xy9Kq2',
    'Content-Type: application/http',
    'Content-ID: <response-item2>',
    '',
    'HTTP/1.1 400 Bad Request',
    'Content-Type: application/json; charset=UTF-8',
    '',
    JSON.stringify(memberLimit.body, null, 2),
    '--batch_Xy9Kq2',
    'Content-Type: application/http',
    'Content-ID: <response-item3>',
    '',
    'HTTP/1.1 429 Too Many Requests',
    'Content-Type: application/json; charset=UTF-8',
    'Retry-After: 7',
    '',
    JSON.stringify(quota.body, null, 2),
    '--batch_Xy9Kq2',
    'Content-Type: application/http',
    'Content-ID: <response-item4>',
    '',
    'HTTP/1.1 204 No Content',
    '',
    '',
    '--batch_Xy9Kq2--',
    '',
  ]);

  it('splits parts, parses bodies and errors, and strips the response- prefix', () => {
    const parts = parseBatchResponse(body, 'multipart/mixed; boundary=batch_Xy9Kq2');
    expect(parts.map((p) => [p.contentId, p.httpStatus])).toEqual([
      ['item1', 200],
      ['item2', 400],
      ['item3', 429],
      ['item4', 204],
    ]);
    expect(parts[0]?.error).toBeUndefined();
    expect(parts[0]?.body).toEqual({ courseId: '123', userId: '456', profile: { id: '456' } });
    expect(parts[1]?.error?.code).toBe('CourseMemberLimitReached');
    expect(parts[1]?.error?.detail).toBe('The course already has 1000 members.');
    expect(parts[1]?.body).toEqual(memberLimit.body);
    // The part's own Retry-After header wins over the RetryInfo.
    expect(parts[2]?.error?.code).toBe('ProjectRateLimitExceeded');
    expect(parts[2]?.error?.retryAfterMs).toBe(7000);
    expect(parts[3]?.body).toBeUndefined();
  });

  it('accepts a quoted boundary, LF line endings, and a missing Content-Type', () => {
    const lf = body.replace(/\r\n/g, '\n');
    expect(parseBatchResponse(lf, 'multipart/mixed; boundary="batch_Xy9Kq2"').map((p) => p.httpStatus)).toEqual([200, 400, 429, 204]);
    expect(parseBatchResponse(body, '').map((p) => p.error?.code)).toEqual([undefined, 'CourseMemberLimitReached', 'ProjectRateLimitExceeded', undefined]);
  });

  it('reads a batch reply served over HTTP', async () => {
    const batch = await startWireServer({ status: 200, headers: { 'content-type': 'multipart/mixed; boundary=batch_Xy9Kq2' }, body });
    try {
      const response = await fetch(`${batch.url}batch`, { method: 'POST', body: '' });
      const parts = parseBatchResponse(await response.text(), response.headers.get('content-type') ?? '');
      expect(parts.map((p) => p.error?.code ?? p.httpStatus)).toEqual([200, 'CourseMemberLimitReached', 'ProjectRateLimitExceeded', 204]);
    } finally {
      await batch.close();
    }
  });

  it('reads an HTML part and a part without a status line', () => {
    const odd = crlf([
      '--b',
      'Content-Type: application/http',
      '',
      'HTTP/1.1 502 Bad Gateway',
      'Content-Type: text/html',
      '',
      '<html><title>Bad Gateway</title></html>',
      '--b',
      'Content-Type: application/http',
      '',
      'garbage',
      '--b--',
    ]);
    const parts = parseBatchResponse(odd, 'multipart/mixed; boundary=b');
    expect(parts[0]?.error?.code).toBe('UNAVAILABLE');
    expect(parts[0]?.error?.message).toBe('Bad Gateway');
    expect(parts[0]?.contentId).toBeUndefined();
    expect(parts[1]?.httpStatus).toBe(0);
    expect(parts[1]?.error?.code).toBe('UNKNOWN');
  });

  it('gives [] for what is not a batch reply', () => {
    expect(parseBatchResponse('', 'multipart/mixed; boundary=x')).toEqual([]);
    expect(parseBatchResponse('{"error":{}}', 'application/json')).toEqual([]);
  });
});
