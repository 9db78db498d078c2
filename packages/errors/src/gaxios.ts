// No import of gaxios, not even `import type`: classroom-errors has no dependencies, and a declaration
// file naming 'gaxios' would fail to compile in apps that do not install it. The shapes below are the
// few members we touch; test/gaxios.test.ts checks that the result is assignable to gaxios's own
// `RetryConfig` and that the adapter fits `GaxiosOptions['adapter']`.
import { backoffDelay } from './backoff.js';
import { DEFAULT_MAX_ATTEMPTS } from './decide.js';
import type { ClassroomApiError } from './error.js';
import { parseError } from './parse.js';
import {
  planRetry,
  retryPolicy,
  type RetryCoordinator,
  systemClock,
  type RetryBudget,
  type RetryClock,
  type RetryInfo,
  type RetryOptions,
  type ShouldRetryInfo,
} from './retry.js';

/** The retry state gaxios keeps in `config.retryConfig` between attempts of one request. */
export interface GaxiosRetryState {
  /** Retries made so far (0 while the first attempt runs). */
  currentRetryAttempt?: number;
  /** `Date.now()` of the first failure (gaxios sets it then, despite its name). */
  timeOfFirstRequest?: number;
}

/** The members of a `GaxiosError` that {@link retryConfig} reads. */
export interface GaxiosErrorLike {
  config?: {
    method?: string;
    timeout?: number;
    signal?: AbortSignal | null;
    retryConfig?: GaxiosRetryState;
  };
}

/** Settings of {@link retryConfig}. */
export interface GaxiosRetryOptions
  extends Pick<RetryOptions, 'baseMs' | 'capMs' | 'multiplier' | 'maxAttempts' | 'deadlineMs' | 'maxWaitMs' | 'random'> {
  /**
   * When POST requests may be retried [`'if-not-applied'`].
   * - `'if-not-applied'`: only after failures that prove the request had no effect
   *   ({@link requestNeverApplied}: 429, ABORTED, connection refused / DNS failure).
   * - `'always'`: like every other method. Use it per call for POSTs that are safe to repeat: a
   *   `courses.create` with a `d:` alias id (a repeat gets ALREADY_EXISTS), `modifyAssignees`,
   *   `turnIn` / `return` / `reclaim`.
   */
  retryPost?: 'if-not-applied' | 'always';
  /** Shared budget; deny → gaxios throws. Count calls with {@link budgetAdapter}, or retries will live on the floor. */
  budget?: RetryBudget;
  /**
   * Shared pause [`budget.coordinator`, else none]. Retries wait for it here; first attempts wait for
   * it, and probing works, only through {@link budgetAdapter} or {@link pauseAdapter} (a RetryConfig sees
   * no request before its first failure), so give the client the adapter too.
   */
  coordinator?: RetryCoordinator;
  /**
   * [systemClock] `sleep` is used for the delays. `now()` must count epoch ms like `Date.now`, because
   * gaxios stamps the first failure with `Date.now()` and the deadline is measured from it.
   */
  clock?: RetryClock;
  /** Awaited before each sleep; `method` is the HTTP method of the request. */
  onRetry?: (info: RetryInfo & { method: string }) => void | Promise<void>;
  /** Last word on each failure, as in {@link RetryOptions.shouldRetry}. */
  shouldRetry?: (info: ShouldRetryInfo & { method: string }) => boolean | undefined | Promise<boolean | undefined>;
}

/**
 * A gaxios `RetryConfig`, typed structurally (see {@link retryConfig}). Every function member takes the
 * `GaxiosError` gaxios passes.
 */
export interface ClassroomRetryConfig {
  /** Informational upper bound (`maxAttempts - 1`); our `shouldRetry` enforces the real limit. */
  retry: number;
  /** 0, with `retryDelayMultiplier` 1, turns gaxios's own delay formula into 0 ms. */
  retryDelay: number;
  retryDelayMultiplier: number;
  /** Only gaxios's default `shouldRetry` reads these two; ours replaces it. Listed for the reader. */
  httpMethodsToRetry: string[];
  noResponseRetries: number;
  shouldRetry: (err: GaxiosErrorLike) => Promise<boolean>;
  retryBackoff: (err: GaxiosErrorLike, defaultBackoffMs: number) => Promise<void>;
  onRetryAttempt: (err: GaxiosErrorLike) => Promise<void>;
}

/**
 * PATCH is idempotent in Classroom: every patch names its fields in `updateMask` and sets them to the
 * values sent, so a repeat sets them again. gaxios leaves PATCH out of its default list.
 */
const IDEMPOTENT_METHODS = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'DELETE'] as const;

interface Pending {
  error: ClassroomApiError;
  attempt: number;
  delayMs: number;
  info: RetryInfo & { method: string };
  slept?: Promise<void>;
}

/**
 * A gaxios `RetryConfig` that gives googleapis clients the same policy as {@link withRetry}, without
 * wrapping each call: the {@link decide} decision, full-jitter backoff, Retry-After, the deadline, the
 * budget, the shared pause of a {@link RetryCoordinator} (the budget's or the one given; first attempts
 * and probing need {@link budgetAdapter} or {@link pauseAdapter}). Pass it to the
 * client or to one call:
 *
 * ```ts
 * const classroom = google.classroom({ version: 'v1', auth, retryConfig: retryConfig() });
 * await classroom.courses.create({ requestBody }, { retryConfig: retryConfig({ retryPost: 'always' }) });
 * ```
 *
 * How it drives gaxios (7.x, read from `build/cjs/src/retry.js`): on each failure gaxios calls
 * `shouldRetry(err)` — ours replaces gaxios's default check entirely, so `retry`, `statusCodesToRetry`,
 * `httpMethodsToRetry` and `noResponseRetries` no longer matter — then computes its own delay
 * (`retryDelay` for the first retry, then `(multiplier^n − 1) / 2 · 1000` ms: 100, 500, 1 500, 3 500 ms
 * with the defaults, capped by `maxRetryDelay` and `totalTimeout`, no jitter, Retry-After ignored),
 * then calls `retryBackoff(err, thatDelay)` in place of its own `setTimeout` and awaits
 * `onRetryAttempt(err)`. We decide in `shouldRetry`, ignore gaxios's delay and sleep ours in
 * `retryBackoff`. `retryDelay: 0` and `retryDelayMultiplier: 1` make gaxios's formula 0 ms, and
 * `onRetryAttempt` sleeps in its place when a gaxios without `retryBackoff` never called it: our delay
 * is applied exactly once either way. gaxios's `totalTimeout` only shortens its own last sleep and never
 * stops retrying, so we leave it and `maxRetryDelay` unset: `deadlineMs` and `capMs` do their jobs.
 * Measured against a local server (test/gaxios.test.ts): gaxios's defaults wait 100 then 500 ms and
 * retry a `Retry-After: 1` 429 after 100 ms; with this config the waits are the jittered delays we
 * chose (within a few ms of round trip) and the 429 waits 1 000 ms.
 *
 * Which methods are retried: GET, HEAD, OPTIONS, PUT, PATCH and DELETE on every retryable decision —
 * repeating them cannot do anything twice. POST, which gaxios never retries by default, is what
 * Classroom's creates use (`courses.create`, `students.create`, `courseWork.create`, …): after a 500,
 * 503 or reset connection the server may already have created the item, and a repeat would post the
 * assignment twice or create a second course. So POST is retried only when the failure proves the
 * request had no effect (a 429 quota or rate-limit rejection, ABORTED, a refused connection), unless
 * `retryPost: 'always'`.
 *
 * Limits: gaxios never shows successful calls to a RetryConfig, so a {@link RetryBudget} only learns of
 * calls through {@link budgetAdapter}; the deadline counts from the first failure (gaxios's
 * `timeOfFirstRequest`), and an attempt in flight is bounded by gaxios's own `timeout` option, not by
 * `deadlineMs`.
 *
 * @example
 * ```ts
 * import { classroom } from '@googleapis/classroom';
 * import { RetryBudget, retryConfig, budgetAdapter } from 'classroom-errors';
 *
 * const budget = new RetryBudget();
 * const client = classroom({
 *   version: 'v1',
 *   auth,
 *   retryConfig: retryConfig({ budget, deadlineMs: 60_000, onRetry: ({ error, delayMs }) => log(error.code, delayMs) }),
 *   adapter: budgetAdapter(budget),
 * });
 * ```
 */
export function retryConfig(options: GaxiosRetryOptions = {}): ClassroomRetryConfig {
  const clock = options.clock ?? systemClock;
  const { onRetry, shouldRetry, ...given } = options;
  const coordinator = given.coordinator ?? given.budget?.coordinator;
  const rest = coordinator ? { ...given, coordinator } : given;
  const backoff = retryPolicy(rest, clock).backoff;
  // The error object is the one thread through shouldRetry → retryBackoff → onRetryAttempt.
  const pending = new WeakMap<object, Pending>();

  const sleepFor = async (err: GaxiosErrorLike, state: Pending): Promise<void> => {
    await onRetry?.(state.info);
    // With a `timeout`, gaxios's signal includes a timer that may fire during our sleep (or already
    // has, for a timed-out attempt); only a signal that is purely the caller's may cut the sleep short.
    const signal = err.config?.timeout ? undefined : (err.config?.signal ?? undefined);
    await clock.sleep(state.delayMs, signal);
    // Another caller may have lengthened the shared pause while we slept.
    for (let wait = coordinator?.waitMs(options.random) ?? 0; wait > 0; wait = coordinator?.waitMs(options.random) ?? 0) {
      await clock.sleep(wait, signal);
    }
  };

  return {
    retry: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - 1,
    retryDelay: 0,
    retryDelayMultiplier: 1,
    httpMethodsToRetry: [...IDEMPOTENT_METHODS, 'POST'],
    noResponseRetries: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS) - 1,

    async shouldRetry(err) {
      const method = (err.config?.method ?? 'GET').toUpperCase();
      const error = parseError(err);
      const attempt = (err.config?.retryConfig?.currentRetryAttempt ?? 0) + 1;
      const first = err.config?.retryConfig?.timeOfFirstRequest ?? clock.now();
      const idempotent = options.retryPost === 'always' || (IDEMPOTENT_METHODS as readonly string[]).includes(method);
      const policy = retryPolicy(
        { ...rest, ...(shouldRetry ? { shouldRetry: (info: ShouldRetryInfo) => shouldRetry({ ...info, method }) } : {}) },
        clock,
      );
      const step = await planRetry(error, attempt, Math.max(0, clock.now() - first), policy, idempotent);
      if (!step.retry) return false;
      pending.set(err, {
        error,
        attempt,
        delayMs: step.delayMs,
        info: { error, attempt, delayMs: step.delayMs, decision: step.decision, method },
      });
      return true;
    },

    retryBackoff(err) {
      const state = pending.get(err);
      // Not ours (someone else's shouldRetry said yes): fall back to a plain full-jitter delay.
      if (!state) return clock.sleep(backoffDelay(retryNumber(err), backoff, options.random));
      // Recorded synchronously, before any await, so onRetryAttempt (called right after) sees it.
      state.slept = sleepFor(err, state);
      return state.slept;
    },

    async onRetryAttempt(err) {
      const state = pending.get(err);
      if (!state || state.slept) return;
      // A gaxios without retryBackoff: its own delay is 0 ms (see retryDelay), so sleep ours here.
      state.slept = sleepFor(err, state);
      await state.slept;
    },
  };
}

/** gaxios has already counted the retry when it calls retryBackoff. */
function retryNumber(err: GaxiosErrorLike): number {
  return Math.max(1, err.config?.retryConfig?.currentRetryAttempt ?? 1);
}

/**
 * A gaxios `adapter` that records one call in `budget` per request (not per attempt), so that the
 * budget of a {@link retryConfig} earns its tokens from successes too. gaxios hands every attempt to
 * `adapter` before sending it; the first is the one with no retry counted yet.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget();
 * const client = classroom({ version: 'v1', auth, retryConfig: retryConfig({ budget }), adapter: budgetAdapter(budget) });
 * ```
 */
export function budgetAdapter(
  budget: RetryBudget,
  clock: RetryClock = systemClock,
): <O extends { retryConfig?: GaxiosRetryState }, R>(options: O, defaultAdapter: (options: O) => R) => R {
  const paused = pauseAdapter(budget.coordinator, clock);
  return (options, defaultAdapter) => {
    if (!options.retryConfig?.currentRetryAttempt) budget.recordCall();
    return paused(options, defaultAdapter);
  };
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** gaxios's default adapter resolves with error responses too; its caller checks the status. */
function succeeded(response: unknown): boolean {
  const status = (response as { status?: unknown } | null)?.status;
  return typeof status !== 'number' || (status >= 200 && status < 400);
}

/**
 * A gaxios `adapter` that holds every attempt, first attempts included, while `coordinator` is paused
 * (see {@link RetryCoordinator}): without it, a {@link retryConfig} pauses only retries, since gaxios
 * shows a RetryConfig nothing before the first failure. {@link budgetAdapter} does this for the
 * budget's coordinator.
 *
 * @example
 * ```ts
 * const coordinator = new RetryCoordinator();
 * const client = classroom({ version: 'v1', auth, retryConfig: retryConfig({ coordinator }), adapter: pauseAdapter(coordinator) });
 * ```
 */
export function pauseAdapter(
  coordinator: RetryCoordinator,
  clock: RetryClock = systemClock,
  random: () => number = Math.random,
): <O, R>(options: O, defaultAdapter: (options: O) => R) => R {
  const send = <O, R>(options: O, defaultAdapter: (options: O) => R): R => {
    let result: R;
    try {
      result = defaultAdapter(options);
    } catch (e) {
      coordinator.finish(false);
      throw e;
    }
    if (isThenable(result)) {
      // A failure is reported a macrotask later: gaxios runs shouldRetry (which sets the pause) in the
      // promise jobs that follow, and a probe's waiters must not start before the pause is set.
      const failed = (): void => void setTimeout(() => coordinator.finish(false), 0);
      result.then(
        (response) => (succeeded(response) ? coordinator.finish(true) : failed()),
        failed,
      );
    } else {
      coordinator.finish(succeeded(result));
    }
    return result;
  };
  return <O, R>(options: O, defaultAdapter: (options: O) => R): R => {
    if (coordinator.waitMs(random) <= 0 && coordinator.tryStart()) return send(options, defaultAdapter);
    // gaxios adapters return promises; R is one whenever we get here.
    const waitOut = async (): Promise<unknown> => {
      for (;;) {
        const wait = coordinator.waitMs(random);
        if (wait > 0) await clock.sleep(wait);
        else if (coordinator.tryStart()) return send(options, defaultAdapter);
        else await coordinator.turn(); // probing: one attempt in flight at a time
      }
    };
    return waitOut() as R;
  };
}
