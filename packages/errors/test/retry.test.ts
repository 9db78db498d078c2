import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from '../src/backoff.js';
import { CATALOG, ERROR_CODES, type ErrorCode } from '../src/catalog.js';
import { ClassroomApiError } from '../src/error.js';
import { parseError } from '../src/parse.js';
import { renderError, type RenderOptions } from '../src/render.js';
import {
  isQuotaRejection,
  QUOTA_MAX_ATTEMPTS,
  requestNeverApplied,
  RetryBudget,
  RetryCoordinator,
  systemClock,
  withRetry,
  type RetryClock,
  type RetryInfo,
} from '../src/retry.js';

// ---------------------------------------------------------------------------------------------------
// Test tools: a seeded PRNG and a virtual clock, so nothing here really sleeps.

/** mulberry32: a tiny, good-enough seeded PRNG returning numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/**
 * Virtual time. `sleep` schedules a timer; `run(promise)` lets every pending microtask and I/O callback
 * settle, then jumps to the next timer, until the promise settles. Time only moves when everything is
 * waiting on it, which is what a real event loop looks like from inside withRetry.
 */
class VirtualClock implements RetryClock {
  t = 0;
  sleeps: number[] = [];
  #timers: Timer[] = [];
  #seq = 0;

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer: Timer = {
        at: this.t + Math.max(0, ms),
        seq: this.#seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        this.#timers = this.#timers.filter((x) => x !== timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#timers.push(timer);
    });
  }

  /** Runs `fn` at virtual time `at`. */
  at(at: number, fn: () => void): void {
    this.#timers.push({ at, seq: this.#seq++, fire: fn });
  }

  get pending(): number {
    return this.#timers.length;
  }

  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return promise;
      const next = this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) throw new Error('deadlock: the promise waits on nothing the clock knows');
      this.#timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
  }
}

/** What the official client would throw for `code`, parsed from its exact wire body. */
function wireError(code: ErrorCode, options: RenderOptions = {}): ClassroomApiError {
  if (code === 'NetworkError') return parseError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
  return parseError(renderError(code, options).body);
}

function withRetryAfter(err: ClassroomApiError, retryAfterMs: number): ClassroomApiError {
  return new ClassroomApiError({ code: err.code, httpStatus: err.httpStatus, status: err.status, message: err.message, retryAfterMs, raw: err.raw });
}

/** A raw thrown value (not yet a ClassroomApiError), as an HTTP client would throw it. */
function thrownBody(code: Exclude<ErrorCode, 'NetworkError'>, options: RenderOptions = {}): unknown {
  const rendered = renderError(code, options);
  return { response: { status: rendered.httpStatus, headers: rendered.headers, data: rendered.body }, message: 'Request failed' };
}

const TRANSIENT: ErrorCode[] = ['INTERNAL', 'UNAVAILABLE', 'RESOURCE_EXHAUSTED', 'ABORTED', 'DEADLINE_EXCEEDED', 'UNKNOWN', 'NetworkError'];

// ---------------------------------------------------------------------------------------------------

describe('backoff jitter (property: 500 seeds × 40 attempts)', () => {
  it('is always an integer in [0, ceiling], and the ceiling never passes the cap', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const random = mulberry32(seed);
      const baseMs = 1 + Math.floor(random() * 2_000);
      const capMs = baseMs + Math.floor(random() * 40_000);
      const multiplier = 1 + random() * 3;
      for (let attempt = 1; attempt <= 40; attempt++) {
        const ceiling = backoffCeiling(attempt, { baseMs, capMs, multiplier });
        expect(ceiling).toBeLessThanOrEqual(capMs);
        expect(ceiling).toBeLessThanOrEqual(baseMs * multiplier ** (attempt - 1) * (1 + 1e-9));
        const delay = backoffDelay(attempt, { baseMs, capMs, multiplier }, random);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('is full jitter: it spreads over the whole range, not around the ceiling', () => {
    const random = mulberry32(42);
    const delays = Array.from({ length: 10_000 }, () => backoffDelay(4, { baseMs: 100, capMs: 10_000 }, random));
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(380); // ≈ 400 = ceiling 800 / 2
    expect(mean).toBeLessThan(420);
    expect(Math.min(...delays)).toBeLessThan(10);
    expect(Math.max(...delays)).toBeGreaterThan(790);
  });
});

describe('withRetry: delays (property: 300 seeded scenarios)', () => {
  it('never sleeps past capMs (unless Retry-After says longer), nor past the deadline; stops within maxAttempts', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = mulberry32(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const clock = new VirtualClock();
      const baseMs = 1 + Math.floor(random() * 1_000);
      const capMs = baseMs + Math.floor(random() * 10_000);
      const multiplier = 1.5 + random() * 2;
      const maxAttempts = 2 + Math.floor(random() * 8);
      const deadlineMs = random() < 0.5 ? undefined : 100 + Math.floor(random() * 30_000);
      const start = clock.now();
      const retries: (RetryInfo & { at: number })[] = [];
      let calls = 0;

      const outcome = clock.run(
        withRetry(
          async ({ signal }) => {
            calls++;
            // Some latency per attempt, aborted by the deadline like a real request would be.
            await clock.sleep(Math.floor(random() * 300), signal);
            const code = pick(TRANSIENT);
            const err = wireError(code);
            throw random() < 0.25 ? withRetryAfter(err, Math.floor(random() * 20_000)) : err;
          },
          {
            baseMs, capMs, multiplier, maxAttempts, clock,
            random: mulberry32(seed * 7919),
            ...(deadlineMs !== undefined ? { deadlineMs } : {}),
            onRetry: (info) => void retries.push({ ...info, at: clock.now() }),
          },
        ),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      const thrown = await outcome;

      expect(thrown).toBeInstanceOf(ClassroomApiError);
      expect(calls).toBeLessThanOrEqual(maxAttempts);
      expect(retries.length).toBe(calls - 1);
      for (const r of retries) {
        if (r.error.retryAfterMs !== undefined) {
          expect(r.delayMs).toBe(r.error.retryAfterMs);
        } else {
          expect(r.delayMs).toBeLessThanOrEqual(capMs);
          expect(r.delayMs).toBeLessThanOrEqual(backoffCeiling(r.attempt, { baseMs, capMs, multiplier }));
        }
        if (deadlineMs !== undefined) expect(r.at - start + r.delayMs).toBeLessThanOrEqual(deadlineMs);
      }
      // The run ends by the deadline: the attempt in flight is aborted when it passes.
      if (deadlineMs !== undefined) expect(clock.now() - start).toBeLessThanOrEqual(deadlineMs);
      // Nothing left behind: no deadline timer, no sleep.
      expect(clock.pending).toBe(0);
    }
  });

  it('Retry-After wins over backoff, above capMs', async () => {
    const clock = new VirtualClock();
    const retries: RetryInfo[] = [];
    let calls = 0;
    const result = await clock.run(
      withRetry(
        () => {
          calls++;
          if (calls === 1) return Promise.reject(thrownBody('UNAVAILABLE', { retryAfterSeconds: 5 }));
          return Promise.resolve('ok');
        },
        { clock, baseMs: 10, capMs: 100, random: () => 0.99, onRetry: (info) => void retries.push(info) },
      ),
    );
    expect(result).toBe('ok');
    expect(retries.map((r) => r.delayMs)).toEqual([5_000]);
    expect(clock.sleeps).toEqual([5_000]);
    expect(clock.now()).toBe(5_000);
  });

  it('gives up rather than retry early when Retry-After passes the deadline', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const thrown = await clock
      .run(withRetry(() => (calls++, Promise.reject(thrownBody('UNAVAILABLE', { retryAfterSeconds: 5 }))), { clock, deadlineMs: 3_000 }))
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(thrown).toMatchObject({ code: 'UNAVAILABLE', retryAfterMs: 5_000 });
    expect(clock.sleeps).toEqual([3_000]); // only the deadline timer, cancelled
    expect(clock.now()).toBe(0);
  });

  it('aborts the attempt in flight at the deadline and throws DEADLINE_EXCEEDED with what the attempt threw', async () => {
    const clock = new VirtualClock();
    let seen: unknown;
    const thrown = await clock
      .run(
        withRetry(
          async ({ signal }) => {
            await clock.sleep(60_000, signal).catch((e: unknown) => {
              seen = e;
              throw e;
            });
          },
          { clock, deadlineMs: 1_000 },
        ),
      )
      .catch((e: unknown) => e);
    expect(clock.now()).toBe(1_000);
    expect(thrown).toBeInstanceOf(ClassroomApiError);
    expect(thrown).toMatchObject({ code: 'DEADLINE_EXCEEDED', httpStatus: 0, transport: { aborted: false } });
    expect((thrown as ClassroomApiError).raw).toBe(seen);
    expect((seen as DOMException).name).toBe('TimeoutError');
  });
});

describe('withRetry: which failures are retried', () => {
  const nonRetryable = ERROR_CODES.filter((code) => CATALOG[code].retry !== 'backoff');

  it.each(nonRetryable)('%s: exactly one call, and the parsed error is thrown with the original as cause', async (code) => {
    const clock = new VirtualClock();
    const original = code === 'NetworkError' ? new Error('unreachable') : thrownBody(code);
    let calls = 0;
    const thrown = await clock
      .run(withRetry(() => (calls++, Promise.reject(original)), { clock, maxAttempts: 10 }))
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(thrown).toBeInstanceOf(ClassroomApiError);
    expect((thrown as ClassroomApiError).code).toBe(code);
    expect((thrown as ClassroomApiError).raw).toBe(original);
    expect((thrown as ClassroomApiError).cause).toBe(original);
    expect(clock.sleeps).toEqual([]);
  });

  it.each(TRANSIENT)('%s: retried until maxAttempts, then the last error is thrown', async (code) => {
    const clock = new VirtualClock();
    let calls = 0;
    const thrown = await clock
      .run(withRetry(() => (calls++, Promise.reject(wireError(code))), { clock, maxAttempts: 4, baseMs: 100 }))
      .catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((thrown as ClassroomApiError).code).toBe(code);
    expect(clock.sleeps.length).toBe(3);
  });

  it('passes attempt numbers and returns the first success', async () => {
    const clock = new VirtualClock();
    const attempts: number[] = [];
    const result = await clock.run(
      withRetry(
        ({ attempt }) => {
          attempts.push(attempt);
          return attempt < 3 ? Promise.reject(wireError('INTERNAL')) : Promise.resolve({ id: '42' });
        },
        { clock },
      ),
    );
    expect(result).toEqual({ id: '42' });
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('never retries UserCourseJoinRateLimitReached before its day, with or without maxWaitMs of an hour', async () => {
    for (const maxWaitMs of [0, 3_600_000]) {
      const clock = new VirtualClock();
      let calls = 0;
      const thrown = await clock
        .run(withRetry(() => (calls++, Promise.reject(thrownBody('UserCourseJoinRateLimitReached'))), { clock, maxWaitMs }))
        .catch((e: unknown) => e);
      expect(calls).toBe(1);
      expect(thrown).toMatchObject({ code: 'UserCourseJoinRateLimitReached' });
    }
  });

  it('sits out a wait that maxWaitMs covers (an ownership transfer), unless the deadline is shorter', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const result = await clock.run(
      withRetry(
        () => (++calls === 1 ? Promise.reject(thrownBody('CannotRemoveCourseOwnerTransferIncomplete')) : Promise.resolve('removed')),
        { clock, maxWaitMs: 10 * 60_000 },
      ),
    );
    expect(result).toBe('removed');
    expect(clock.now()).toBe(300_000);

    const short = new VirtualClock();
    calls = 0;
    const thrown = await short
      .run(
        withRetry(() => (calls++, Promise.reject(thrownBody('CannotRemoveCourseOwnerTransferIncomplete'))), {
          clock: short,
          maxWaitMs: 10 * 60_000,
          deadlineMs: 60_000,
        }),
      )
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(thrown).toMatchObject({ code: 'CannotRemoveCourseOwnerTransferIncomplete' });
  });

  it('idempotent: false retries only failures that prove the request had no effect', async () => {
    const cases: [unknown, number][] = [
      [thrownBody('UNAVAILABLE'), 1],
      [thrownBody('INTERNAL'), 1],
      [Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), 1],
      [thrownBody('RESOURCE_EXHAUSTED'), 3],
      [thrownBody('ABORTED'), 3],
      [new Error('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }), 3],
    ];
    for (const [thrown, expected] of cases) {
      const clock = new VirtualClock();
      let calls = 0;
      await clock.run(withRetry(() => (calls++, Promise.reject(thrown)), { clock, maxAttempts: 3, idempotent: false })).catch(() => undefined);
      expect(calls, parseError(thrown).code).toBe(expected);
    }
    expect(requestNeverApplied(wireError('UserCourseJoinRateLimitReached'))).toBe(true);
    expect(requestNeverApplied(parseError(new DOMException('aborted', 'AbortError')))).toBe(false);
  });

  it('shouldRetry can stop a retryable failure or force one the policy would not make', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    await clock
      .run(withRetry(() => (calls++, Promise.reject(wireError('UNAVAILABLE'))), { clock, shouldRetry: () => false }))
      .catch(() => undefined);
    expect(calls).toBe(1);

    calls = 0;
    const seen: boolean[] = [];
    const retries: RetryInfo[] = [];
    await clock
      .run(
        withRetry(() => (calls++, Promise.reject(wireError('NOT_FOUND'))), {
          clock,
          maxAttempts: 3,
          baseMs: 100,
          random: () => 0.5,
          // e.g. read-after-write: a course just created may 404 for a moment.
          shouldRetry: ({ error, retrying }) => (seen.push(retrying), error.is('NOT_FOUND') ? true : undefined),
          onRetry: (info) => void retries.push(info),
        }),
      )
      .catch(() => undefined);
    expect(calls).toBe(3); // maxAttempts still holds
    expect(seen).toEqual([false, false, false]);
    expect(retries.map((r) => [r.decision.action, r.delayMs])).toEqual([
      ['retry', 50],
      ['retry', 100],
    ]);
  });
});

describe('withRetry: onRetry', () => {
  it('gets the parsed error, the failed attempt, the delay and the decision, and is awaited', async () => {
    const clock = new VirtualClock();
    const events: string[] = [];
    const infos: RetryInfo[] = [];
    const random = mulberry32(7);
    const expected = mulberry32(7);
    const thrown = [thrownBody('INTERNAL'), thrownBody('UNAVAILABLE', { retryAfterSeconds: 2 }), thrownBody('INTERNAL')];
    let calls = 0;
    const result = await clock.run(
      withRetry(
        ({ attempt }) => {
          events.push(`attempt ${attempt} @${clock.now()}`);
          const next = thrown[calls++];
          return next ? Promise.reject(next) : Promise.resolve('done');
        },
        {
          clock,
          baseMs: 100,
          capMs: 1_000,
          random,
          onRetry: async (info) => {
            infos.push(info);
            events.push(`onRetry ${info.attempt} @${clock.now()}`);
            await clock.sleep(7); // an async hook (a log flush) is awaited before the backoff sleep
            events.push(`onRetry ${info.attempt} done @${clock.now()}`);
          },
        },
      ),
    );
    expect(result).toBe('done');
    const d1 = Math.floor(100 * expected());
    // Attempt 2 took its delay from Retry-After, so no jitter was drawn for it: attempt 3 gets the second draw.
    const d3 = Math.floor(400 * expected());
    expect(infos.map((i) => [i.attempt, i.error.code, i.delayMs, i.decision.action])).toEqual([
      [1, 'INTERNAL', d1, 'retry'],
      [2, 'UNAVAILABLE', 2_000, 'retry'],
      [3, 'INTERNAL', d3, 'retry'],
    ]);
    for (const info of infos) {
      expect(info.error).toBeInstanceOf(ClassroomApiError);
      expect(info.decision.action === 'retry' && info.decision.delayMs).toBe(info.delayMs);
    }
    expect(events.slice(0, 5)).toEqual([
      'attempt 1 @0',
      'onRetry 1 @0',
      'onRetry 1 done @7',
      `attempt 2 @${7 + d1}`,
      `onRetry 2 @${7 + d1}`,
    ]);
  });

  it('a throwing onRetry stops the retries with its error', async () => {
    const clock = new VirtualClock();
    let calls = 0;
    const boom = new Error('hook failed');
    const thrown = await clock
      .run(withRetry(() => (calls++, Promise.reject(wireError('INTERNAL'))), { clock, onRetry: () => Promise.reject(boom) }))
      .catch((e: unknown) => e);
    expect(thrown).toBe(boom);
    expect(calls).toBe(1);
  });
});

describe('withRetry: abort', () => {
  it('abort during the backoff sleep rejects with the abort reason at once, without another attempt', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    const reason = new Error('user navigated away');
    let calls = 0;
    clock.at(50, () => controller.abort(reason));
    const thrown = await clock
      .run(
        withRetry(() => (calls++, Promise.reject(wireError('UNAVAILABLE'))), {
          clock,
          signal: controller.signal,
          baseMs: 10_000,
          capMs: 10_000,
          random: () => 0.9,
        }),
      )
      .catch((e: unknown) => e);
    expect(thrown).toBe(reason);
    expect(calls).toBe(1);
    expect(clock.now()).toBe(50); // not 9 000: the sleep ended at the abort
    expect(clock.pending).toBe(0);
  });

  it('stops even when a custom clock ignores the signal', async () => {
    const virtual = new VirtualClock();
    const deaf: RetryClock = { now: () => virtual.now(), sleep: (ms) => virtual.sleep(ms) };
    const controller = new AbortController();
    virtual.at(5, () => controller.abort('stop'));
    const thrown = await virtual
      .run(withRetry(() => Promise.reject(wireError('UNAVAILABLE')), { clock: deaf, signal: controller.signal, baseMs: 1_000, random: () => 0.9 }))
      .catch((e: unknown) => e);
    expect(thrown).toBe('stop');
    expect(virtual.now()).toBe(5);
  });

  it('abort during an attempt rejects with the reason, not with the parsed error', async () => {
    const clock = new VirtualClock();
    const controller = new AbortController();
    clock.at(20, () => controller.abort(new Error('cancelled by user')));
    const thrown = await clock
      .run(withRetry(({ signal }) => clock.sleep(1_000, signal), { clock, signal: controller.signal }))
      .catch((e: unknown) => e);
    expect((thrown as Error).message).toBe('cancelled by user');
  });

  it('an already aborted signal makes no attempt', async () => {
    let calls = 0;
    await expect(withRetry(() => (calls++, Promise.resolve(1)), { signal: AbortSignal.abort('no') })).rejects.toBe('no');
    expect(calls).toBe(0);
  });

  it('the system clock really stops sleeping on abort', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort('now'), 5);
    await expect(systemClock.sleep(60_000, controller.signal)).rejects.toBe('now');
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

describe('RetryBudget', () => {
  it('allows ratio × calls retries plus the per-second floor, and no more', () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ ratio: 0.1, minRetriesPerSecond: 10, maxTokens: 1_000, clock });
    for (let i = 0; i < 1_000; i++) budget.recordCall();
    let granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(100 + 10); // 100 earned, 10 from the floor (it starts full)
    expect(budget.stats).toMatchObject({ calls: 1_000, retries: 110, denied: 1 });
    // The floor refills continuously: half a second later, five more.
    clock.t += 500;
    granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(5);
    // …but never holds more than one second's worth.
    clock.t += 3_600_000;
    granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(10);
  });

  it('caps stored tokens, so a long healthy spell cannot buy an unbounded burst', () => {
    const budget = new RetryBudget({ ratio: 0.5, minRetriesPerSecond: 0, maxTokens: 20, clock: { now: () => 0 } });
    for (let i = 0; i < 10_000; i++) budget.recordCall();
    expect(budget.stats.tokens).toBe(20);
    let granted = 0;
    while (budget.tryAcquire()) granted++;
    expect(granted).toBe(20);
  });

  it('lets a low-traffic client retry thanks to the floor, and denies without it', () => {
    const quiet = new RetryBudget({ clock: { now: () => 0 } });
    quiet.recordCall();
    expect(quiet.tryAcquire()).toBe(true);
    const strict = new RetryBudget({ minRetriesPerSecond: 0, clock: { now: () => 0 } });
    strict.recordCall();
    expect(strict.tryAcquire()).toBe(false);
    expect(strict.stats.denied).toBe(1);
  });

  it('survives a clock that steps back', () => {
    let now = 10_000;
    const budget = new RetryBudget({ minRetriesPerSecond: 2, clock: { now: () => now } });
    expect(budget.tryAcquire()).toBe(true);
    now = 0;
    expect(budget.tryAcquire()).toBe(true);
    expect(budget.tryAcquire()).toBe(false);
  });

  it('rejects nonsense settings', () => {
    expect(() => new RetryBudget({ ratio: -1 })).toThrow(RangeError);
    expect(() => new RetryBudget({ maxTokens: Number.NaN })).toThrow(RangeError);
  });

  it('caps retries of a fleet under sustained failure: 1 000 concurrent calls, all failing', async () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ clock }); // defaults: 10 %, floor 10/s, 100 tokens
    let attempts = 0;
    const retriesSeen: number[] = [];
    const runs = Array.from({ length: 1_000 }, (_, i) =>
      withRetry(
        async () => {
          attempts++;
          await clock.sleep(50); // each attempt takes 50 ms
          throw wireError('UNAVAILABLE');
        },
        { clock, budget, random: mulberry32(i + 1), onRetry: ({ attempt }) => void retriesSeen.push(attempt) },
      ).catch((e: unknown) => e),
    );
    const results = await clock.run(Promise.all(runs));
    const elapsedSeconds = clock.now() / 1000;
    const retries = attempts - 1_000;

    expect(results.every((r) => r instanceof ClassroomApiError && r.code === 'UNAVAILABLE')).toBe(true);
    expect(budget.stats.calls).toBe(1_000);
    expect(budget.stats.retries).toBe(retries);
    expect(retriesSeen.length).toBe(retries);
    // Without a budget this would be 4 000 retries (5 attempts each).
    expect(retries).toBeLessThanOrEqual(0.1 * 1_000 + 10 * (1 + elapsedSeconds));
    expect(budget.stats.denied).toBeGreaterThan(800);
    expect(budget.stats.denied + retries).toBeLessThanOrEqual(4_000);
  });

  it('caps retries of one worker making 1 000 calls in a row, all failing', async () => {
    const clock = new VirtualClock();
    const budget = new RetryBudget({ clock });
    let attempts = 0;
    for (let i = 0; i < 1_000; i++) {
      await clock
        .run(withRetry(() => (attempts++, Promise.reject(wireError('INTERNAL'))), { clock, budget, baseMs: 0 }))
        .catch(() => undefined);
    }
    // baseMs 0: no time passes, so the floor gives its initial 10 only.
    expect(attempts - 1_000).toBeLessThanOrEqual(100 + 10);
    expect(budget.stats.retries).toBe(attempts - 1_000);
    expect(budget.stats.denied).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// A quota storm on virtual time: a fixed window of `capacity` calls per `windowMs`, a latency per
// attempt, and a record of every attempt's start, end and status.

interface AttemptRecord {
  worker: number;
  start: number;
  end: number;
  status: 200 | 429;
}

interface Storm {
  attempts: AttemptRecord[];
  /** onRetry of every retried quota 429: when, and the delay its decision drew. */
  pauses: { at: number; decisionDelayMs: number; delayMs: number; worker: number }[];
  results: unknown[];
  clock: VirtualClock;
  budget: RetryBudget | undefined;
  coordinator: RetryCoordinator | undefined;
}

async function quotaStorm(options: {
  seed: number;
  workers: number;
  calls: number;
  capacity: number;
  windowMs: number;
  retryAfter: boolean;
  /** What the workers share: a coordinator, a budget (and its coordinator), or nothing. */
  share: 'coordinator' | 'budget' | 'none';
  budgetOptions?: ConstructorParameters<typeof RetryBudget>[0];
}): Promise<Storm> {
  const clock = new VirtualClock();
  const budget = options.share === 'budget' ? new RetryBudget({ ...options.budgetOptions, clock }) : undefined;
  const coordinator = options.share === 'coordinator' ? new RetryCoordinator({ clock }) : undefined;
  const random = mulberry32(options.seed);
  const attempts: AttemptRecord[] = [];
  const pauses: Storm['pauses'] = [];
  let windowStart = 0;
  let used = 0;
  const admit = (): number | undefined => {
    const now = clock.now();
    if (now >= windowStart + options.windowMs) {
      windowStart = now - ((now - windowStart) % options.windowMs);
      used = 0;
    }
    if (used < options.capacity) {
      used++;
      return undefined;
    }
    return windowStart + options.windowMs - now; // ms until the window frees
  };
  const workers = Array.from({ length: options.workers }, async (_, worker) => {
    const out: unknown[] = [];
    for (let c = 0; c < options.calls; c++) {
      out.push(
        await withRetry(
          async () => {
            const start = clock.now();
            await clock.sleep(1 + Math.floor(random() * 20)); // the request travels
            const freesIn = admit();
            const record: AttemptRecord = { worker, start, end: clock.now(), status: freesIn === undefined ? 200 : 429 };
            attempts.push(record);
            await clock.sleep(1 + Math.floor(random() * 5)); // the response travels back
            if (freesIn === undefined) return 'ok';
            const err = wireError('ProjectRateLimitExceeded');
            throw options.retryAfter ? withRetryAfter(err, Math.ceil(freesIn / 1000) * 1000) : err;
          },
          {
            clock,
            random: mulberry32(options.seed * 31 + worker),
            deadlineMs: 600_000,
            ...(coordinator ? { coordinator } : {}),
            ...(budget ? { budget } : {}),
            onRetry: (info) => {
              if (info.decision.action === 'retry')
                pauses.push({ at: clock.now(), decisionDelayMs: info.decision.delayMs, delayMs: info.delayMs, worker });
            },
          },
        ).catch((e: unknown) => e),
      );
    }
    return out;
  });
  const results = (await clock.run(Promise.all(workers))).flat();
  return { attempts, pauses, results, clock, budget, coordinator: coordinator ?? budget?.coordinator };
}

describe('RetryCoordinator: the shared pause', () => {
  it('waitMs is 0 without a pause, else the rest of it plus a jitter of at most 2 % of it (≤ 1 s) (property: 2 000 draws)', () => {
    const random = mulberry32(42);
    let now = 0;
    const coordinator = new RetryCoordinator({ clock: { now: () => now } });
    expect(coordinator.waitMs(random)).toBe(0);
    for (let i = 0; i < 2_000; i++) {
      now += Math.floor(random() * 50_000);
      const length = 1 + Math.floor(random() * 30_000);
      expect(coordinator.pauseUntil(now + length)).toBe(true);
      const into = Math.floor(random() * length);
      now += into;
      const wait = coordinator.waitMs(random);
      expect(wait).toBeGreaterThanOrEqual(length - into);
      expect(wait).toBeLessThanOrEqual(length - into + Math.min(1_000, 0.02 * length));
      expect(coordinator.pausedUntil).toBe(now - into + length);
      now += length; // past the pause
      expect(coordinator.waitMs(random)).toBe(0);
      expect(coordinator.pausedUntil).toBeUndefined();
    }
    expect(coordinator.stats.pauses).toBe(2_000);
  });

  it('never shortens a pause; only a later end lengthens it', () => {
    let now = 1_000;
    const coordinator = new RetryCoordinator({ clock: { now: () => now }, resumeJitter: 0 });
    expect(coordinator.pauseUntil(5_000)).toBe(true);
    expect(coordinator.pauseUntil(3_000)).toBe(false);
    expect(coordinator.pauseUntil(500)).toBe(false);
    expect(coordinator.waitMs()).toBe(4_000);
    expect(coordinator.pauseUntil(6_000)).toBe(true);
    now = 2_000;
    expect(coordinator.waitMs()).toBe(4_000);
    expect(coordinator.stats).toEqual({ pauses: 1, probes: 0, pausedUntil: 6_000 });
    expect(() => new RetryCoordinator({ resumeJitter: -1 })).toThrow(RangeError);
  });

  it('holds a first attempt started during a pause, and gives up at once when the pause outlasts the deadline', async () => {
    const clock = new VirtualClock();
    const coordinator = new RetryCoordinator({ clock, resumeJitter: 0 });
    coordinator.pauseUntil(2_000);
    const starts: number[] = [];
    await clock.run(withRetry(async () => void starts.push(clock.now()), { clock, coordinator }));
    expect(starts).toEqual([2_000]);

    coordinator.pauseUntil(clock.now() + 10_000);
    let calls = 0;
    const thrown = await clock
      .run(withRetry(async () => void calls++, { clock, coordinator, deadlineMs: 5_000 }))
      .catch((e: unknown) => e);
    expect(calls).toBe(0);
    expect(thrown).toBeInstanceOf(ClassroomApiError);
    expect((thrown as ClassroomApiError).code).toBe('DEADLINE_EXCEEDED');
    expect(clock.now()).toBe(2_000); // it did not sleep first
  });

  it('a 5xx without Retry-After sets no pause; a 503 with Retry-After does', async () => {
    const clock = new VirtualClock();
    const coordinator = new RetryCoordinator({ clock });
    let n = 0;
    await clock.run(
      withRetry(async () => {
        if (n++ === 0) throw wireError('UNAVAILABLE');
        return 'ok';
      }, { clock, coordinator }),
    );
    expect(coordinator.stats.pauses).toBe(0);
    n = 0;
    await clock.run(
      withRetry(async () => {
        if (n++ === 0) throw withRetryAfter(wireError('UNAVAILABLE'), 3_000);
        return 'ok';
      }, { clock, coordinator }),
    );
    expect(coordinator.stats.pauses).toBe(1);
  });

  it('a RetryBudget carries one: callers sharing a budget share the pause', () => {
    const budget = new RetryBudget({ clock: { now: () => 0 } });
    expect(budget.coordinator).toBeInstanceOf(RetryCoordinator);
    const mine = new RetryCoordinator();
    expect(new RetryBudget({ coordinator: mine }).coordinator).toBe(mine);
  });


  it('quota storm (property: 60 seeds, Retry-After on/off, coordinator or budget): no attempt starts inside a pause any caller learnt of; all complete', async () => {
    for (let seed = 1; seed <= 60; seed++) {
      const random = mulberry32(seed);
      const retryAfter = seed % 2 === 0;
      const share = seed % 3 === 0 ? 'budget' : 'coordinator';
      const workers = 3 + Math.floor(random() * 15);
      const calls = 3 + Math.floor(random() * 6);
      // A window serves at least half the fleet, so no call needs more than 8 attempts to get a slot.
      const capacity = Math.ceil(workers / 2) + Math.floor(random() * 20);
      const windowMs = 1_000 * (1 + Math.floor(random() * 2));
      const storm = await quotaStorm({ seed, workers, calls, capacity, windowMs, retryAfter, share });

      // 100 % completed: the budget never denies a quota retry, and the pause lets the window drain.
      expect(storm.results.every((r) => r === 'ok'), `seed ${seed}`).toBe(true);
      if (storm.budget) expect(storm.budget.stats).toMatchObject({ retries: 0, denied: 0, paced: storm.pauses.length });
      // The shared pause: once any caller learnt of a pause, nobody starts an attempt before it ends.
      for (const p of storm.pauses) {
        for (const a of storm.attempts) {
          if (a.start > p.at) expect(a.start, `seed ${seed}: attempt of worker ${a.worker} inside the pause of worker ${p.worker}`).toBeGreaterThanOrEqual(p.at + p.decisionDelayMs);
        }
        // …and the caller's own delay covers the pause, plus at most its resume jitter.
        expect(p.delayMs).toBeGreaterThanOrEqual(p.decisionDelayMs);
      }
      // Without Retry-After, the pause is the backoff delay the failing call drew from the quota base (1 s).
      if (!retryAfter) for (const p of storm.pauses) expect(p.decisionDelayMs).toBeLessThanOrEqual(32_000);
      expect(storm.clock.pending).toBe(0);
    }
  });

  it('wastes fewer calls than independent workers: 429s per window at most one per worker (property: 30 seeds, Retry-After on)', async () => {
    let shared429 = 0;
    let independent429 = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const shape = { seed, workers: 10, calls: 10, capacity: 25, windowMs: 2_000, retryAfter: true } as const;
      const shared = await quotaStorm({ ...shape, share: 'coordinator' });
      const alone = await quotaStorm({ ...shape, share: 'none' });
      const count = (s: Storm): number => s.attempts.filter((a) => a.status === 429).length;
      // Each pause costs at most the attempts already in flight when the window filled: one per worker.
      const windows = Math.ceil(shared.clock.now() / shape.windowMs) + 1;
      expect(count(shared), `seed ${seed}`).toBeLessThanOrEqual(shape.workers * windows);
      shared429 += count(shared);
      independent429 += count(alone);
    }
    expect(shared429).toBeLessThanOrEqual(independent429);
  });
});

describe('RetryCoordinator: probing after a pause', () => {
  it('after a pause, starts as many attempts as the window admitted, then one at a time until a probe succeeds', () => {
    let now = 0;
    const c = new RetryCoordinator({ clock: { now: () => now } });
    for (let i = 0; i < 3; i++) expect(c.tryStart()).toBe(true);
    for (let i = 0; i < 3; i++) c.finish(true);
    expect(c.tryStart()).toBe(true); // no pause yet: nothing learnt, no limit
    c.pauseUntil(1_000);
    c.finish(false); // a late answer of the cycle: a 429
    now = 1_000;
    for (let i = 0; i < 3; i++) expect(c.tryStart()).toBe(true);
    expect(c.stats.learned).toBe(3); // learnt when the pause ended: the window admitted 3
    expect(c.tryStart()).toBe(false); // the window's learnt capacity is in flight: wait
    for (let i = 0; i < 3; i++) c.finish(true);
    expect(c.tryStart()).toBe(true); // the probe
    expect(c.tryStart()).toBe(false); // one probe at a time
    c.finish(true); // the window had room: probing ends for this cycle
    expect(c.stats.learned).toBeUndefined();
    expect(c.tryStart()).toBe(true);
    expect(c.tryStart()).toBe(true);
    expect(c.stats.probes).toBe(1);
  });

  it('a pause that ended before the window freed: the next cycle starts with one probe, then the capacity learnt before', () => {
    let now = 0;
    const c = new RetryCoordinator({ clock: { now: () => now } });
    for (let i = 0; i < 4; i++) c.tryStart();
    for (let i = 0; i < 4; i++) c.finish(true);
    c.pauseUntil(100);
    now = 100; // cycle 2: the window is still full
    expect(c.tryStart()).toBe(true);
    c.finish(false);
    c.pauseUntil(300);
    now = 300; // cycle 3: nothing succeeded in cycle 2, so one probe first
    expect(c.tryStart()).toBe(true);
    expect(c.tryStart()).toBe(false);
    c.finish(true); // the window freed: 3 more, as cycle 1 learnt 4
    for (let i = 0; i < 3; i++) expect(c.tryStart()).toBe(true);
    expect(c.tryStart()).toBe(false);
    expect(c.stats.probes).toBe(1);
  });

  it('turn() resolves when an attempt finishes', async () => {
    const c = new RetryCoordinator({ clock: { now: () => 0 } });
    expect(c.tryStart()).toBe(true);
    let woke = false;
    const waiting = c.turn().then(() => (woke = true));
    await Promise.resolve();
    expect(woke).toBe(false);
    c.finish(true);
    await waiting;
    expect(woke).toBe(true);
  });

  it('quota storm with Retry-After (property: 40 seeds): after the first window, one 429 per window — the probe — not one per worker', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = mulberry32(seed);
      const workers = 4 + Math.floor(random() * 20);
      const storm = await quotaStorm({
        seed, workers, calls: 8, capacity: workers + Math.floor(random() * 30), windowMs: 1_000 * (1 + Math.floor(random() * 2)),
        retryAfter: true, share: seed % 2 === 0 ? 'budget' : 'coordinator',
      });
      expect(storm.results.every((r) => r === 'ok'), `seed ${seed}`).toBe(true);
      const refused = storm.attempts.filter((a) => a.status === 429).length;
      const pauses = storm.coordinator?.stats.pauses ?? 0;
      expect(refused, `seed ${seed}: ${refused} 429s, ${pauses} pauses, ${workers} workers`).toBeLessThanOrEqual(workers + pauses);
      expect(storm.clock.pending).toBe(0);
    }
  });
});

describe('RetryBudget: quota rejections are paced, not budgeted', () => {
  const strict = { ratio: 0, minRetriesPerSecond: 0 }; // denies every budgeted retry

  it('a budget that denies every retry still lets a quota storm drain (property: 20 seeds), and counts those retries as paced', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const storm = await quotaStorm({ seed, workers: 8, calls: 5, capacity: 10, windowMs: 1_000, retryAfter: seed % 2 === 0, share: 'budget', budgetOptions: strict });
      expect(storm.results.every((r) => r === 'ok'), `seed ${seed}`).toBe(true);
      expect(storm.budget?.stats).toMatchObject({ retries: 0, denied: 0 });
      expect(storm.budget?.stats.paced).toBe(storm.attempts.filter((a) => a.status === 429).length);
    }
  });

  it('keeps the budget fully in force for 5xx and transport failures, Retry-After or not (property: 200 seeds)', async () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = mulberry32(seed);
      const clock = new VirtualClock();
      const budget = new RetryBudget({ ...strict, clock });
      const code = (['INTERNAL', 'UNAVAILABLE', 'DEADLINE_EXCEEDED', 'NetworkError'] as const)[seed % 4]!;
      const err = random() < 0.5 ? withRetryAfter(wireError(code), Math.floor(random() * 2_000)) : wireError(code);
      let calls = 0;
      const thrown = await clock.run(withRetry(async () => (calls++, Promise.reject(err)), { clock, budget })).catch((e: unknown) => e);
      expect(thrown).toBeInstanceOf(ClassroomApiError);
      expect(calls, `seed ${seed} ${code}`).toBe(1);
      expect(budget.stats).toMatchObject({ retries: 0, denied: 1, paced: 0 });
    }
  });

  it('isQuotaRejection: per-minute quota 429s and any 429 with Retry-After; not the join limit, the daily limit or a 503', () => {
    expect(isQuotaRejection(wireError('ProjectRateLimitExceeded'))).toBe(true);
    expect(isQuotaRejection(wireError('UserRateLimitExceeded'))).toBe(true);
    expect(isQuotaRejection(wireError('RESOURCE_EXHAUSTED'))).toBe(true);
    expect(isQuotaRejection(wireError('UserCourseJoinRateLimitReached'))).toBe(false);
    expect(isQuotaRejection(wireError('DailyLimitExceeded'))).toBe(false);
    expect(isQuotaRejection(wireError('UNAVAILABLE'))).toBe(false);
    expect(isQuotaRejection(withRetryAfter(wireError('UNAVAILABLE'), 1_000))).toBe(false);
  });
});

describe('withRetry: quota errors without Retry-After back off longer', () => {
  it(`makes ${QUOTA_MAX_ATTEMPTS} attempts (from a 1 s base when the pause is shared) by default; 5 for other failures; maxAttempts still rules (property: 100 seeds)`, async () => {
    let above500 = 0;
    for (let seed = 1; seed <= 100; seed++) {
      const clock = new VirtualClock();
      const quota = seed % 2 === 0 ? 'ProjectRateLimitExceeded' : 'UserRateLimitExceeded';
      for (const shared of [true, false]) {
        const retries: RetryInfo[] = [];
        let tries = 0;
        const coordinator = shared ? new RetryCoordinator({ clock }) : undefined;
        await clock
          .run(
            withRetry(async () => (tries++, Promise.reject(wireError(quota))), {
              clock, random: mulberry32(seed), ...(coordinator ? { coordinator } : {}), onRetry: (i) => void retries.push(i),
            }),
          )
          .catch(() => undefined);
        expect(tries).toBe(QUOTA_MAX_ATTEMPTS);
        const baseMs = shared ? 1_000 : 500;
        retries.forEach((r) => expect(r.decision.action === 'retry' && r.decision.delayMs).toBeLessThanOrEqual(backoffCeiling(r.attempt, { baseMs })));
        if (shared) above500 += retries.filter((r) => r.decision.action === 'retry' && r.decision.delayMs > backoffCeiling(r.attempt, { baseMs: 500 })).length;
      }
      let calls = 0;
      await clock.run(withRetry(async () => (calls++, Promise.reject(wireError('UNAVAILABLE'))), { clock, random: mulberry32(seed) })).catch(() => undefined);
      expect(calls).toBe(5);
      calls = 0;
      await clock.run(withRetry(async () => (calls++, Promise.reject(wireError(quota))), { clock, maxAttempts: 3 })).catch(() => undefined);
      expect(calls).toBe(3);
      calls = 0;
      await clock.run(withRetry(async () => (calls++, Promise.reject(withRetryAfter(wireError(quota), 100))), { clock })).catch(() => undefined);
      expect(calls).toBe(QUOTA_MAX_ATTEMPTS); // a fleet larger than the window may need several windows
      calls = 0;
      await clock.run(withRetry(async () => (calls++, Promise.reject(withRetryAfter(wireError('UNAVAILABLE'), 100))), { clock })).catch(() => undefined);
      expect(calls).toBe(5);
    }
    expect(above500).toBeGreaterThan(100); // the 1 s base shows: about half the shared draws pass the 500 ms ceilings
  });
});
