import { describe, expect, it } from 'vitest';
import { backoffCeiling } from '../src/backoff.js';
import { CATALOG, ERROR_CODES, type ErrorCode } from '../src/catalog.js';
import { decide, DEFAULT_MAX_ATTEMPTS, type Decision } from '../src/decide.js';
import { ClassroomApiError } from '../src/error.js';
import { parseError } from '../src/parse.js';
import { renderError, type RenderOptions } from '../src/render.js';

const NOW = 1_750_000_000_000;
const now = (): number => NOW;

/** The error a client sees for `code`: its exact wire body, read by the real parser. */
function wireError(code: ErrorCode, options: RenderOptions = {}): ClassroomApiError {
  if (code === 'NetworkError') return parseError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
  const rendered = renderError(code, options);
  const err = parseError(rendered.body);
  // The rendered body says the code; make sure the fixture is what it claims before testing decide.
  expect(err.code).toBe(code);
  return err;
}

/** With a Retry-After, as the transport would have read it from the header. */
function withRetryAfter(err: ClassroomApiError, retryAfterMs: number): ClassroomApiError {
  return new ClassroomApiError({
    code: err.code,
    httpStatus: err.httpStatus,
    status: err.status,
    reason: err.reason,
    message: err.message,
    retryAfterMs,
    errorInfo: err.errorInfo,
    details: [...err.details],
    transport: err.transport,
    raw: err.raw,
  });
}

function decideAll(err: ClassroomApiError, maxAttempts = DEFAULT_MAX_ATTEMPTS): Decision[] {
  return Array.from({ length: maxAttempts + 2 }, (_, i) => decide(err, { attempt: i + 1 }, { maxAttempts, now, random: () => 0.5 }));
}

const PRECONDITION_CODES = ERROR_CODES.filter((code) => CATALOG[code].status === 'FAILED_PRECONDITION');
const NEVER_CODES = ERROR_CODES.filter((code) => CATALOG[code].retry === 'never');
const WINDOW_CODES = ERROR_CODES.filter((code) => CATALOG[code].retry === 'after-window');
const BACKOFF_CODES = ERROR_CODES.filter((code) => CATALOG[code].retry === 'backoff');
const ADMIN_CODES = ERROR_CODES.filter((code) => CATALOG[code].resolvedBy[0] === 'admin');

describe('decide: the catalog retry policies', () => {
  it('covers every code with a policy (sanity of the fixtures below)', () => {
    expect(NEVER_CODES.length + WINDOW_CODES.length + BACKOFF_CODES.length).toBe(ERROR_CODES.length);
    expect(PRECONDITION_CODES.length).toBeGreaterThanOrEqual(13);
    expect(ADMIN_CODES.length).toBeGreaterThanOrEqual(3);
  });

  it.each(PRECONDITION_CODES)('never retries the FAILED_PRECONDITION %s, at any attempt', (code) => {
    const err = wireError(code);
    for (const d of decideAll(err)) expect(d.action).not.toBe('retry');
    // Not even when the server (or a proxy) added a Retry-After.
    for (const d of decideAll(withRetryAfter(err, 1000))) expect(d.action).not.toBe('retry');
  });

  it('never retries an unknown @Token whose status is FAILED_PRECONDITION', () => {
    const err = parseError({ error: { code: 400, message: '@SomeFutureLimitReached Too many.', status: 'FAILED_PRECONDITION' } });
    expect(err.known).toBe(false);
    for (const d of decideAll(err)) expect(['retry', 'wait']).not.toContain(d.action);
  });

  it.each(NEVER_CODES)('%s (retry: never) is neither retried nor waited for', (code) => {
    for (const d of decideAll(wireError(code))) expect(['retry', 'wait']).not.toContain(d.action);
  });

  it.each(WINDOW_CODES)('%s (after-window) waits at least its window, whatever the attempt', (code) => {
    const window = (CATALOG[code].waitSeconds ?? 0) * 1000;
    expect(window).toBeGreaterThan(0);
    for (const d of decideAll(wireError(code))) {
      expect(d.action).toBe('wait');
      if (d.action !== 'wait') continue;
      expect(d.delayMs).toBeGreaterThanOrEqual(window);
      expect(d.untilMs).toBe(NOW + d.delayMs);
      expect(d.resolver).toBe('time');
    }
  });

  it.each(BACKOFF_CODES)('%s (backoff) is retried until maxAttempts, then reported', (code) => {
    const err = wireError(code);
    const decisions = decideAll(err, 4);
    for (const [i, d] of decisions.entries()) {
      const attempt = i + 1;
      if (attempt < 4) {
        expect(d.action).toBe('retry');
        if (d.action === 'retry') expect(d.delayMs).toBeLessThanOrEqual(backoffCeiling(attempt));
      } else {
        expect(d.action).toBe('report');
      }
    }
  });
});

describe('decide: specific codes', () => {
  it('UserCourseJoinRateLimitReached waits a day (86 400 000 ms), even when Retry-After says less', () => {
    const err = wireError('UserCourseJoinRateLimitReached');
    expect(err.httpStatus).toBe(429);
    const d = decide(err, { attempt: 1 }, { now });
    expect(d).toMatchObject({ action: 'wait', code: 'UserCourseJoinRateLimitReached', resolver: 'time' });
    if (d.action !== 'wait') throw new Error('unreachable');
    expect(d.delayMs).toBeGreaterThanOrEqual(86_400_000);
    expect(d.untilMs).toBe(NOW + 86_400_000);

    // A short Retry-After (a proxy's generic 429 header) must not shorten the window.
    const short = decide(withRetryAfter(err, 3_000), { attempt: 1 }, { now });
    expect(short.action === 'wait' && short.delayMs).toBe(86_400_000);
    // A longer one is respected.
    const long = decide(withRetryAfter(err, 90_000_000), { attempt: 1 }, { now });
    expect(long.action === 'wait' && long.delayMs).toBe(90_000_000);
  });

  it('CannotRemoveCourseOwnerTransferIncomplete waits minutes, not a day and not a backoff', () => {
    const d = decide(wireError('CannotRemoveCourseOwnerTransferIncomplete'), { attempt: 1 }, { now });
    expect(d.action).toBe('wait');
    if (d.action !== 'wait') throw new Error('unreachable');
    expect(d.delayMs).toBeGreaterThanOrEqual(60_000);
    expect(d.delayMs).toBeLessThanOrEqual(60 * 60_000);
    expect(d.delayMs).toBe(300_000);
  });

  it('DailyLimitExceeded waits for the next day rather than burning the remaining attempts', () => {
    const err = wireError('DailyLimitExceeded', { metadata: { quota_limit: 'DefaultPerDayPerProject' } });
    const d = decide(err, { attempt: 1 }, { now });
    expect(d.action === 'wait' && d.delayMs).toBe(86_400_000);
  });

  it('CourseNotModifiable → fix: courses.patch courseState=ACTIVE', () => {
    const d = decide(wireError('CourseNotModifiable'), { attempt: 1 });
    expect(d).toEqual({
      action: 'fix',
      code: 'CourseNotModifiable',
      resolver: 'app',
      fix: { method: 'classroom.courses.patch', body: { courseState: 'ACTIVE' }, updateMask: 'courseState' },
      why: expect.any(String) as unknown,
    });
  });

  it('CannotDirectAddUser → fix: send an invitation instead', () => {
    const d = decide(wireError('CannotDirectAddUser'), { attempt: 1 });
    expect(d.action === 'fix' && d.fix.method).toBe('classroom.invitations.create');
  });

  it.each(ADMIN_CODES)('%s → ask-admin', (code) => {
    const d = decide(wireError(code), { attempt: 1 });
    expect(d).toMatchObject({ action: 'ask-admin', code, resolver: 'admin' });
  });

  it('user-resolved codes ask the user and name the call that would make room, where there is one', () => {
    const full = decide(wireError('CourseMemberLimitReached'), { attempt: 1 });
    expect(full).toMatchObject({ action: 'ask-user', resolver: 'user', fix: { method: 'classroom.courses.students.delete' } });
    const hidden = decide(wireError('AttachmentNotVisible'), { attempt: 1 });
    expect(hidden.action).toBe('ask-user');
    expect('fix' in hidden).toBe(false);
  });

  it('developer problems (scopes, a bad request) are reported, not retried', () => {
    expect(decide(wireError('InsufficientScopes'), { attempt: 1 }).action).toBe('report');
    expect(decide(wireError('INVALID_ARGUMENT'), { attempt: 1 }).action).toBe('report');
    expect(decide(wireError('ProjectPermissionDenied'), { attempt: 1 }).action).toBe('report');
  });
});

describe('decide: transient failures', () => {
  const transient: ErrorCode[] = ['INTERNAL', 'UNAVAILABLE', 'ProjectRateLimitExceeded', 'UserRateLimitExceeded', 'RESOURCE_EXHAUSTED', 'NetworkError'];

  it.each(transient)('%s is retried with backoff, then reported after maxAttempts', (code) => {
    const err = wireError(code, code.endsWith('RateLimitExceeded') ? { metadata: { quota_limit: code === 'UserRateLimitExceeded' ? 'DefaultPerMinutePerUser' : 'DefaultPerMinutePerProject' } } : {});
    for (let attempt = 1; attempt < DEFAULT_MAX_ATTEMPTS; attempt++) {
      const d = decide(err, { attempt }, { random: () => 0.999_999, baseMs: 100, capMs: 1_000 });
      expect(d.action).toBe('retry');
      if (d.action === 'retry') {
        expect(d.delayMs).toBeLessThanOrEqual(Math.min(1_000, 100 * 2 ** (attempt - 1)));
        expect(d.delayMs).toBeGreaterThanOrEqual(Math.min(1_000, 100 * 2 ** (attempt - 1)) - 1);
      }
    }
    const last = decide(err, { attempt: DEFAULT_MAX_ATTEMPTS });
    expect(last.action).toBe('report');
    // After a persistent quota error the developer (a quota increase) is the one to tell, otherwise Google.
    expect(last.resolver).toBe(CATALOG[code].resolvedBy.find((r) => r !== 'time') ?? 'google');
    expect(decide(err, { attempt: 2 }, { maxAttempts: 2 }).action).toBe('report');
  });

  it('a delay that would pass the deadline is reported instead; one that fits exactly is retried', () => {
    const err = wireError('UNAVAILABLE');
    const options = { baseMs: 1_000, capMs: 1_000, random: () => 0.5 }; // delay 500 ms
    expect(decide(err, { attempt: 1, elapsedMs: 9_500, deadlineMs: 10_000 }, options).action).toBe('retry');
    expect(decide(err, { attempt: 1, elapsedMs: 9_501, deadlineMs: 10_000 }, options)).toMatchObject({
      action: 'report',
      why: expect.stringContaining('deadline') as unknown,
    });
  });

  it('Retry-After takes precedence over backoff, above the cap too, but not past the deadline', () => {
    const err = withRetryAfter(wireError('UNAVAILABLE'), 7_000);
    const d = decide(err, { attempt: 1 }, { baseMs: 100, capMs: 1_000, random: () => 0.9 });
    expect(d.action === 'retry' && d.delayMs).toBe(7_000);
    // A shorter one is honoured as is, even below what backoff would pick.
    const short = decide(withRetryAfter(wireError('INTERNAL'), 10), { attempt: 4 }, { baseMs: 1_000, random: () => 0.9 });
    expect(short.action === 'retry' && short.delayMs).toBe(10);
    expect(decide(err, { attempt: 1, elapsedMs: 0, deadlineMs: 5_000 }).action).toBe('report');
  });

  it('reads Retry-After from the RetryInfo of a quota error body', () => {
    const err = wireError('ProjectRateLimitExceeded', { metadata: { quota_limit: 'DefaultPerMinutePerProject' }, retryAfterSeconds: 4 });
    expect(err.retryAfterMs).toBe(4_000);
    const d = decide(err, { attempt: 1 }, { capMs: 500 });
    expect(d.action === 'retry' && d.delayMs).toBe(4_000);
  });

  it('an aborted transport is reported, never retried', () => {
    const aborted = parseError(new DOMException('This operation was aborted', 'AbortError'));
    expect(aborted.transport?.aborted).toBe(true);
    expect(decide(aborted, { attempt: 1 })).toMatchObject({ action: 'report', resolver: 'app' });
    // A reset connection, by contrast, is transient.
    expect(decide(wireError('NetworkError'), { attempt: 1 }).action).toBe('retry');
  });
});
