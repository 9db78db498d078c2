import type { GaxiosError, GaxiosOptions, RetryConfig } from 'gaxios';
import { afterEach, describe, expect, it } from 'vitest';
import { ClassroomApiError } from '../src/error.js';
import { budgetAdapter, pauseAdapter, retryConfig } from '../src/gaxios.js';
import { parseError } from '../src/parse.js';
import { renderError } from '../src/render.js';
import { RetryBudget, RetryCoordinator, withRetry, type RetryInfo } from '../src/retry.js';
import { closedPort, officialClient, replyOf, startWireServer, thrownBy, type WireReply, type WireServer } from './helpers/wire-server.js';

/*
 * Real requests: the official client (@googleapis/classroom → googleapis-common → gaxios 7) against a
 * local node:http server that answers exact wire bodies. Timings are measured between the arrivals of
 * consecutive requests at the server, so they include everything gaxios and we add.
 */

// Compile-time: what retryConfig / budgetAdapter return fits gaxios's own types.
const _config: RetryConfig = retryConfig();
const _adapter: GaxiosOptions['adapter'] = budgetAdapter(new RetryBudget());
void _config;
void _adapter;

interface Timed {
  server: WireServer;
  /** performance.now() at each request's arrival. */
  times: number[];
  /** ms between consecutive arrivals. */
  gaps(): number[];
}

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server answering `replies` in order (the last repeating), timing each arrival. */
async function scripted(replies: readonly WireReply[]): Promise<Timed> {
  const times: number[] = [];
  const server = await startWireServer((_request, index) => {
    times.push(performance.now());
    const reply = replies[Math.min(index, replies.length - 1)];
    if (!reply) throw new Error('no reply scripted');
    return reply;
  });
  servers.push(server);
  return { server, times, gaps: () => times.slice(1).map((t, i) => t - (times[i] ?? 0)) };
}

const OK: WireReply = { status: 200, body: {} };
const err = (code: Parameters<typeof renderError>[0], options: Parameters<typeof renderError>[1] = {}): WireReply =>
  replyOf(renderError(code, options));

/** Our delays are exact; the gap adds a request's round trip on localhost (a few ms, more on a loaded CI box). */
function expectGapsMatch(gaps: number[], delays: number[]): void {
  expect(gaps.length).toBe(delays.length);
  gaps.forEach((gap, i) => {
    const delay = delays[i] ?? 0;
    expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(delay - 2);
    expect(gap, `gap ${i + 1}`).toBeLessThan(delay + 60);
  });
}

describe("gaxios's own retry policy, measured (the baseline we replace)", () => {
  it('retries a GET after 100 ms and then 500 ms, without jitter', async () => {
    const t = await scripted([err('UNAVAILABLE'), err('UNAVAILABLE'), OK]);
    const client = officialClient(t.server.url, { retry: true });
    await client.courses.get({ id: '1' });
    expect(t.server.requests.length).toBe(3);
    expectGapsMatch(t.gaps(), [100, 500]);
  });

  it('ignores Retry-After: a 429 asking for 1 s is retried after 100 ms', async () => {
    const t = await scripted([err('RESOURCE_EXHAUSTED', { retryAfterSeconds: 1 }), OK]);
    const client = officialClient(t.server.url, { retry: true });
    await client.courses.get({ id: '1' });
    expect(t.server.requests[0]?.headers).toBeDefined();
    expectGapsMatch(t.gaps(), [100]);
  });

  it('does not retry POST at all, not even a 429 that proves nothing was created', async () => {
    const t = await scripted([err('RESOURCE_EXHAUSTED'), OK]);
    const client = officialClient(t.server.url, { retry: true });
    await thrownBy(() => client.courses.create({ requestBody: { name: 'Algebra', ownerId: 'me' } }));
    expect(t.server.requests.length).toBe(1);
  });
});

describe('retryConfig(): our policy inside gaxios', () => {
  it('retries 500, 500 then succeeds, sleeping our full-jitter delays instead of gaxios’s', async () => {
    const t = await scripted([err('INTERNAL'), err('INTERNAL'), OK]);
    const infos: (RetryInfo & { method: string })[] = [];
    const client = officialClient(t.server.url, {
      retryConfig: retryConfig({ baseMs: 20, random: () => 0.999, onRetry: (info) => void infos.push(info) }),
    });
    const res = await client.courses.get({ id: '1' });
    expect(res.status).toBe(200);
    expect(t.server.requests.length).toBe(3);
    expect(infos.map((i) => [i.attempt, i.error.code, i.delayMs, i.decision.action, i.method])).toEqual([
      [1, 'INTERNAL', 19, 'retry', 'GET'],
      [2, 'INTERNAL', 39, 'retry', 'GET'],
    ]);
    expectGapsMatch(t.gaps(), [19, 39]);
  });

  it('honours Retry-After (1 s) above capMs', async () => {
    const t = await scripted([
      err('ProjectRateLimitExceeded', { metadata: { quota_limit: 'DefaultPerMinutePerProject' }, retryAfterSeconds: 1 }),
      OK,
    ]);
    const infos: RetryInfo[] = [];
    const client = officialClient(t.server.url, {
      retryConfig: retryConfig({ baseMs: 5, capMs: 50, onRetry: (info) => void infos.push(info) }),
    });
    await client.courses.list({});
    expect(t.server.requests.length).toBe(2);
    expect(infos.map((i) => [i.error.code, i.delayMs])).toEqual([['ProjectRateLimitExceeded', 1_000]]);
    expectGapsMatch(t.gaps(), [1_000]);
  });

  it('gives up at once when Retry-After passes the deadline', async () => {
    const t = await scripted([err('UNAVAILABLE', { retryAfterSeconds: 1 }), OK]);
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ deadlineMs: 300 }) });
    const thrown = await thrownBy(() => client.courses.get({ id: '1' }));
    expect(parseError(thrown).code).toBe('UNAVAILABLE');
    expect(t.server.requests.length).toBe(1);
  });

  it('tries a FAILED_PRECONDITION exactly once (POST students.create, PATCH courses.patch)', async () => {
    const t = await scripted([err('CourseMemberLimitReached')]);
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ baseMs: 5, maxAttempts: 10 }) });
    const joined = await thrownBy(() => client.courses.students.create({ courseId: '1', requestBody: { userId: 'me' } }));
    expect(parseError(joined).code).toBe('CourseMemberLimitReached');
    expect(t.server.requests.length).toBe(1);

    t.server.setScript(err('CourseNotModifiable'));
    const patched = await thrownBy(() => client.courses.patch({ id: '1', updateMask: 'name', requestBody: { name: 'x' } }));
    expect(parseError(patched).code).toBe('CourseNotModifiable');
    expect(t.server.requests.length).toBe(2);
    expect(t.server.requests[1]?.method).toBe('PATCH');
  });

  it('tries UserCourseJoinRateLimitReached exactly once, although it is a 429', async () => {
    const t = await scripted([err('UserCourseJoinRateLimitReached')]);
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ baseMs: 5 }) });
    const thrown = await thrownBy(() => client.courses.students.create({ courseId: '1', requestBody: { userId: 'me' } }));
    expect(parseError(thrown).code).toBe('UserCourseJoinRateLimitReached');
    const accept = await thrownBy(() => client.invitations.accept({ id: 'inv' }));
    expect(parseError(accept).code).toBe('UserCourseJoinRateLimitReached');
    expect(t.server.requests.length).toBe(2);
  });

  it('retries POST only after a failure that proves nothing was created, unless told otherwise', async () => {
    const t = await scripted([err('UNAVAILABLE'), OK]);
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ baseMs: 5 }) });
    const create = { requestBody: { name: 'Algebra', ownerId: 'me' } };
    await thrownBy(() => client.courses.create(create));
    expect(t.server.requests.length).toBe(1); // a 503 may have created the course

    const rate = await scripted([err('RESOURCE_EXHAUSTED'), OK]);
    const rateClient = officialClient(rate.server.url, { retryConfig: retryConfig({ baseMs: 5 }) });
    await rateClient.courses.create(create);
    expect(rate.server.requests.length).toBe(2); // a 429 is rejected before the method runs

    const alias = await scripted([err('UNAVAILABLE'), OK]);
    const aliasClient = officialClient(alias.server.url, { retryConfig: retryConfig({ baseMs: 5 }) });
    // Per call: a create with a `d:` alias id is safe to repeat (a duplicate gets ALREADY_EXISTS).
    await aliasClient.courses.create({ requestBody: { id: 'd:algebra-2025', name: 'Algebra', ownerId: 'me' } }, { retryConfig: retryConfig({ baseMs: 5, retryPost: 'always' }) });
    expect(alias.server.requests.length).toBe(2);
  });

  it('stops after maxAttempts on a persistent 503', async () => {
    const t = await scripted([err('UNAVAILABLE')]);
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ baseMs: 2, maxAttempts: 4 }) });
    await thrownBy(() => client.courses.get({ id: '1' }));
    expect(t.server.requests.length).toBe(4);
  });

  it('retries a refused connection (no response at all)', async () => {
    const port = await closedPort();
    const infos: RetryInfo[] = [];
    const client = officialClient(`http://127.0.0.1:${port}/`, {
      retryConfig: retryConfig({ baseMs: 2, maxAttempts: 3, onRetry: (info) => void infos.push(info) }),
    });
    const thrown = await thrownBy(() => client.courses.get({ id: '1' }));
    const parsed = parseError(thrown);
    expect(parsed.code).toBe('NetworkError');
    expect(parsed.transport?.errno).toBe('ECONNREFUSED');
    expect(infos.map((i) => i.attempt)).toEqual([1, 2]);
  });

  it('applies our delay exactly once on a gaxios without retryBackoff (onRetryAttempt sleeps, gaxios’s delay is 0)', async () => {
    const t = await scripted([err('INTERNAL'), err('INTERNAL'), OK]);
    const { retryBackoff: _ignored, ...withoutBackoff } = retryConfig({ baseMs: 20, random: () => 0.999 });
    const client = officialClient(t.server.url, { retryConfig: withoutBackoff });
    await client.courses.get({ id: '1' });
    expect(t.server.requests.length).toBe(3);
    expectGapsMatch(t.gaps(), [19, 39]);
  });

  it('shares a RetryBudget: budgetAdapter counts calls, not attempts; a denied retry throws', async () => {
    const t = await scripted([err('UNAVAILABLE'), OK]);
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 0 });
    const client = officialClient(t.server.url, {
      retryConfig: retryConfig({ baseMs: 2, budget }),
      adapter: budgetAdapter(budget),
    });
    // 9 calls earn 0.9 tokens: the 503 of the first call is not retried.
    const denied = await thrownBy(() => client.courses.get({ id: '1' }));
    expect(parseError(denied).code).toBe('UNAVAILABLE');
    expect(t.server.requests.length).toBe(1);
    expect(budget.stats).toMatchObject({ calls: 1, retries: 0, denied: 1 });

    for (let i = 0; i < 9; i++) await client.courses.get({ id: '1' });
    expect(budget.stats.calls).toBe(10); // now 1.0 token
    t.server.setScript((_request, index) => (index === 10 ? err('UNAVAILABLE') : OK));
    await client.courses.get({ id: '1' });
    expect(t.server.requests.length).toBe(12); // 1 + 9 + (503 and its retry)
    expect(budget.stats).toMatchObject({ calls: 11, retries: 1, denied: 1 });
  });

  it('shares the pause: a 429 with Retry-After holds the first attempt of another call (budgetAdapter), and costs no budget token', async () => {
    const t = await scripted([
      err('ProjectRateLimitExceeded', { metadata: { quota_limit: 'DefaultPerMinutePerProject' }, retryAfterSeconds: 1 }),
      OK,
    ]);
    // A budget that denies every budgeted retry: the quota retry goes through anyway, paced.
    const budget = new RetryBudget({ ratio: 0, minRetriesPerSecond: 0 });
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ budget }), adapter: budgetAdapter(budget) });
    const first = client.courses.get({ id: '1' });
    await new Promise((resolve) => setTimeout(resolve, 150)); // the 429 is in; call 1 sleeps its Retry-After
    expect(budget.coordinator.pausedUntil).toBeDefined();
    const second = client.courses.get({ id: '2' });
    await Promise.all([first, second]);
    expect(t.server.requests.length).toBe(3);
    const [, ...later] = t.times.map((at) => at - (t.times[0] ?? 0));
    // Both the retry and the other call's first attempt wait out the second (+ at most 2 % jitter).
    for (const gap of later) {
      expect(gap).toBeGreaterThanOrEqual(998);
      expect(gap).toBeLessThan(1_000 + 20 + 60);
    }
    expect(budget.stats).toMatchObject({ calls: 2, retries: 0, denied: 0, paced: 1 });
  });

  it('shares the pause between calls of one client without a budget: retries wait in retryConfig, first attempts in pauseAdapter', async () => {
    const t = await scripted([
      err('ProjectRateLimitExceeded', { metadata: { quota_limit: 'DefaultPerMinutePerProject' }, retryAfterSeconds: 1 }),
      OK,
    ]);
    const coordinator = new RetryCoordinator();
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ coordinator }), adapter: pauseAdapter(coordinator) });
    const first = client.courses.get({ id: '1' });
    await new Promise((resolve) => setTimeout(resolve, 150));
    const second = client.courses.get({ id: '2' });
    await Promise.all([first, second]);
    const [, ...later] = t.times.map((at) => at - (t.times[0] ?? 0));
    expect(later.length).toBe(2);
    for (const gap of later) expect(gap).toBeGreaterThanOrEqual(998);
    expect(coordinator.stats.pauses).toBe(1);
  });

  it('an abort during our sleep ends the call with the abort reason', async () => {
    const t = await scripted([err('UNAVAILABLE')]);
    const client = officialClient(t.server.url, { retryConfig: retryConfig({ baseMs: 10_000, capMs: 10_000, random: () => 0.9 }) });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(new Error('user left')), 50);
    const thrown = await thrownBy(() => client.courses.get({ id: '1' }, { signal: controller.signal }));
    expect((thrown as Error).message).toBe('user left');
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(t.server.requests.length).toBe(1);
  });
});

describe('withRetry around the official client (its own retries off)', () => {
  it('retries 503, 503, then returns the response, with our delays', async () => {
    const t = await scripted([err('UNAVAILABLE'), err('UNAVAILABLE'), { status: 200, body: { id: '1', name: 'Algebra' } }]);
    const client = officialClient(t.server.url); // retry: false
    const delays: number[] = [];
    const res = await withRetry(({ signal }) => client.courses.get({ id: '1' }, signal ? { signal } : {}), {
      baseMs: 15,
      random: () => 0.999,
      onRetry: ({ delayMs }) => void delays.push(delayMs),
    });
    expect(res.data).toEqual({ id: '1', name: 'Algebra' });
    expect(t.server.requests.length).toBe(3);
    expect(delays).toEqual([14, 29]);
    expectGapsMatch(t.gaps(), [14, 29]);
  });

  it('throws a FAILED_PRECONDITION after one request, as a ClassroomApiError holding the GaxiosError', async () => {
    const t = await scripted([err('CourseMemberLimitReached', { message: 'The course already has 1000 members.' })]);
    const client = officialClient(t.server.url);
    const thrown = await withRetry(() => client.courses.students.create({ courseId: '1', requestBody: { userId: 'me' } }), { baseMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(t.server.requests.length).toBe(1);
    expect(thrown).toBeInstanceOf(ClassroomApiError);
    const e = thrown as ClassroomApiError;
    expect(e.code).toBe('CourseMemberLimitReached');
    expect(e.detail).toBe('The course already has 1000 members.');
    expect((e.raw as GaxiosError).constructor.name).toBe('GaxiosError');
    expect(e.cause).toBe(e.raw);
  });

  it('the deadline aborts a hung request through the signal handed to the attempt', async () => {
    const t = await scripted([{ status: 200, body: {}, delayMs: 5_000 }]);
    const client = officialClient(t.server.url);
    const started = performance.now();
    const thrown = await withRetry(({ signal }) => client.courses.get({ id: '1' }, signal ? { signal } : {}), { deadlineMs: 100 }).catch(
      (e: unknown) => e,
    );
    const took = performance.now() - started;
    expect(thrown).toMatchObject({ code: 'DEADLINE_EXCEEDED', httpStatus: 0 });
    expect(took).toBeGreaterThanOrEqual(95);
    expect(took).toBeLessThan(1_000);
    expect(t.server.requests.length).toBe(1);
  });
});
