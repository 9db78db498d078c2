import { backoffDelay, type BackoffOptions } from './backoff.js';
import { decide, DEFAULT_MAX_ATTEMPTS, type Decision } from './decide.js';
import { ClassroomApiError } from './error.js';
import { parseError } from './parse.js';

/**
 * Time as {@link withRetry} and {@link RetryBudget} see it. Injectable so tests run on virtual time and
 * never really sleep.
 */
export interface RetryClock {
  /** Current time in ms (epoch ms for the system clock; any monotonic origin works). */
  now(): number;
  /** Resolves after `ms`; rejects with `signal.reason` as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

// setTimeout overflows above 2^31-1 ms (~24.8 days) and fires at once; longer waits sleep in slices.
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The real clock: `Date.now` and `setTimeout`. Uses only globals, so it works in browsers and workers
 * as well as Node.
 */
export const systemClock: RetryClock = Object.freeze({
  now: () => Date.now(),
  sleep: (ms: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let remaining = Math.max(0, ms);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const tick = (): void => {
        if (remaining <= 0) {
          signal?.removeEventListener('abort', onAbort);
          resolve();
          return;
        }
        const slice = Math.min(remaining, MAX_TIMER_MS);
        remaining -= slice;
        timer = setTimeout(tick, slice);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      tick();
    }),
});

/** Settings of a {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /**
   * Tokens each call deposits; one retry costs one token. Default 0.1: retries stay under about 10 % of
   * calls, the per-client retry budget of the Google SRE book ("Handling Overload": retries allowed
   * while they are below 10 % of requests). Finagle's default is 0.2, gRPC's `retryThrottling.tokenRatio`
   * is set per service.
   */
  ratio?: number;
  /**
   * Retries per second allowed even when the ratio tokens are spent. Default 10, Finagle's
   * `minRetriesPerSec` default.
   *
   * Why a floor: a client that makes few calls (a CLI run, a nightly sync of three courses, a freshly
   * started worker) would otherwise never earn a whole token at 0.1 per call and could never retry a
   * single 503. Ten per second is plenty for such clients and negligible next to the traffic of a busy
   * one, so it cannot turn into a retry storm: a process that fails everything at 1 000 calls/s retries
   * at most 100 + 10 per second instead of up to 4 000. The floor is a bucket of its own (refilled
   * continuously at this rate from the injected clock, holding at most one second's worth), so it does
   * not accumulate during quiet hours either. 0 turns it off.
   */
  minRetriesPerSecond?: number;
  /**
   * Most ratio tokens ever stored. Default 100: the burst of retries a long healthy period can buy,
   * the same as the AWS SDKs' standard mode quota (500 tokens at 5 per retry = 100 retries).
   */
  maxTokens?: number;
  /** Only `now()` is used; defaults to {@link systemClock}. */
  clock?: Pick<RetryClock, 'now'>;
  /**
   * The shared pause of the callers sharing this budget [a new {@link RetryCoordinator} on the same
   * clock]. Pass one to share a pause between several budgets.
   */
  coordinator?: RetryCoordinator;
}

/** Counters of a {@link RetryBudget}, for metrics and logs. */
export interface RetryBudgetStats {
  /** Calls recorded with {@link RetryBudget.recordCall}. */
  calls: number;
  /** Retries the budget allowed. */
  retries: number;
  /** Retries the budget refused. */
  denied: number;
  /** Ratio tokens stored now (the floor not included). */
  tokens: number;
  /**
   * Retries of quota rejections (a 429 rate error, or a 429 with Retry-After) let through without a
   * token: they wait for the shared pause instead (see {@link isQuotaRejection}).
   */
  paced: number;
}

/**
 * A retry budget: a token bucket that keeps retries to a fraction of calls, so that during an outage
 * a client (or a fleet of workers sharing one budget per process) adds at most ~10 % load instead of
 * multiplying it by `maxAttempts`.
 *
 * Each call deposits {@link RetryBudgetOptions.ratio} tokens (capped at `maxTokens`); each retry
 * withdraws one. When the ratio tokens run out, a floor of `minRetriesPerSecond` still lets retries
 * through; beyond that retries are denied and {@link withRetry} throws the last error. The bucket
 * starts empty: a cold client lives on the floor until it has made calls.
 *
 * Prior art: the Google SRE book's per-client retry budget (10 %); gRPC retry throttling
 * (`maxTokens`, `tokenRatio`); the AWS SDKs' standard-mode retry quota (500 tokens, 5 per retry, 10 per
 * timeout, +1 per call that needed no retry); Finagle's `RetryBudget` (20 % + 10 retries/s).
 *
 * Share one instance between every caller of a client; a budget per call would budget nothing.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget(); // 10 % of calls + 10 retries/s
 * const courses = await withRetry(() => classroom.courses.list({}), { budget });
 * metrics.gauge('classroom.retry.denied', budget.stats.denied);
 * ```
 */
export class RetryBudget {
  readonly ratio: number;
  readonly minRetriesPerSecond: number;
  readonly maxTokens: number;
  /** The pause shared by every caller of this budget. */
  readonly coordinator: RetryCoordinator;
  readonly #clock: Pick<RetryClock, 'now'>;
  // Milli-tokens, as gRPC keeps them: a thousand deposits of 0.1 make exactly 100, not 99.999….
  #milliTokens = 0;
  #reserve: number;
  #reserveAt: number;
  #calls = 0;
  #retries = 0;
  #denied = 0;
  #paced = 0;

  constructor(options: RetryBudgetOptions = {}) {
    this.ratio = nonNegative(options.ratio ?? 0.1, 'ratio');
    this.minRetriesPerSecond = nonNegative(options.minRetriesPerSecond ?? 10, 'minRetriesPerSecond');
    this.maxTokens = nonNegative(options.maxTokens ?? 100, 'maxTokens');
    this.#clock = options.clock ?? systemClock;
    this.coordinator = options.coordinator ?? new RetryCoordinator({ clock: this.#clock });
    this.#reserve = this.minRetriesPerSecond;
    this.#reserveAt = this.#clock.now();
  }

  /** Records one call (not one attempt): deposits `ratio` tokens. */
  recordCall(): void {
    this.#calls += 1;
    this.#milliTokens = Math.min(Math.round(this.maxTokens * 1000), this.#milliTokens + Math.round(this.ratio * 1000));
  }

  /**
   * Asks for one retry (or `cost` retries' worth). Takes ratio tokens first, so the floor stays
   * available for quiet periods; false when neither has enough, counted in `stats.denied`.
   */
  tryAcquire(cost = 1): boolean {
    this.#refillReserve();
    const milliCost = Math.round(cost * 1000);
    if (this.#milliTokens >= milliCost) {
      this.#milliTokens -= milliCost;
    } else if (this.#reserve >= cost - 1e-9) {
      this.#reserve -= cost;
    } else {
      this.#denied += 1;
      return false;
    }
    this.#retries += 1;
    return true;
  }

  /**
   * Records a retry of a quota rejection, which costs no token (see {@link isQuotaRejection}): the
   * server is healthy and has said, or the shared pause estimates, when our quota frees up.
   */
  recordPaced(): void {
    this.#paced += 1;
  }

  /** A snapshot of the counters. */
  get stats(): RetryBudgetStats {
    return {
      calls: this.#calls,
      retries: this.#retries,
      denied: this.#denied,
      tokens: this.#milliTokens / 1000,
      paced: this.#paced,
    };
  }

  #refillReserve(): void {
    const now = this.#clock.now();
    // A clock that steps back (NTP, a test) must not drain the reserve.
    const elapsedMs = Math.max(0, now - this.#reserveAt);
    this.#reserveAt = now;
    this.#reserve = Math.min(this.minRetriesPerSecond, this.#reserve + (elapsedMs / 1000) * this.minRetriesPerSecond);
  }
}

/** Settings of a {@link RetryCoordinator}. */
export interface RetryCoordinatorOptions {
  /** Only `now()` is used; defaults to {@link systemClock}. */
  clock?: Pick<RetryClock, 'now'>;
  /**
   * Each caller resumes after the pause plus a random share of it, up to this fraction of the pause
   * [0.02: 40 ms after a 2 s pause, 1 s after a minute's], so a fleet does not fire all at once the
   * instant the window opens (a thundering herd). Kept small: a caller that resumes early takes the
   * freed slots before the late ones arrive, so a wide spread costs fairness (the bench measured Jain
   * 0.84 with 0.1).
   */
  resumeJitter?: number;
  /** Upper bound of that resume jitter, in ms [1 000]. */
  maxResumeJitterMs?: number;
}

/**
 * A pause shared by every caller of one quota (one client, one Cloud project, one user token): when
 * one of them learns that the quota is spent — a Retry-After, or a 429 ProjectRateLimitExceeded /
 * UserRateLimitExceeded / RESOURCE_EXHAUSTED — all of them hold their next attempt, first attempts
 * included, until that time, instead of each sending a request into the full window to learn it from
 * its own 429.
 *
 * - With Retry-After, the pause ends when the server said.
 * - Without it, the pause is the backoff delay the failing call drew (for quota errors: base 1 s, see
 *   {@link withRetry}), so the fleet backs off together.
 * - A pause only ever grows: a second 429 cannot shorten the first one's.
 * - After a pause, probing: the successes the window admitted between the end of one pause and the
 *   start of the next are its learnt capacity. In the next cycle, once that many attempts have
 *   started, attempts go one at a time (a probe): a probe refused with a 429 starts the next pause
 *   having cost one wasted call instead of one per concurrent caller; a probe that succeeds ends
 *   probing for the cycle. Attempts must be paired {@link RetryCoordinator.tryStart} /
 *   {@link RetryCoordinator.finish}: withRetry does it, gaxios through {@link budgetAdapter} or
 *   {@link pauseAdapter}.
 * - On resume, each caller adds its own jitter (up to `resumeJitter` of the pause, at most
 *   `maxResumeJitterMs`), so the fleet does not return as one burst. The caller whose failure set
 *   the pause resumes exactly at its end, so a Retry-After is honoured to the millisecond.
 *
 * Every {@link RetryBudget} carries one (`budget.coordinator`), so callers sharing a budget share the
 * pause; pass `coordinator` to {@link withRetry} or {@link retryConfig} to share a pause without a
 * budget; given neither, `withRetry` and `retryConfig()` pause nobody but the caller itself.
 *
 * Scope it to one quota: a pause caused by one user's UserRateLimitExceeded holds every caller sharing
 * the coordinator, so a server acting for many users should share one per user token, not per process.
 *
 * Prior art: the AWS SDKs' adaptive retry mode (a client-side rate limiter every request waits on,
 * slowed by throttling responses); gRPC's `pushback` (`grpc-retry-pushback-ms`), which the server
 * sends to pace a client's retries.
 *
 * @example
 * ```ts
 * const coordinator = new RetryCoordinator();
 * await Promise.all(workers.map((w) => withRetry(() => w.next(), { coordinator })));
 * ```
 */
export class RetryCoordinator {
  readonly resumeJitter: number;
  readonly maxResumeJitterMs: number;
  readonly #clock: Pick<RetryClock, 'now'>;
  #until = Number.NEGATIVE_INFINITY;
  #lengthMs = 0;
  #pauses = 0;
  // Probing: the successes the window admitted between the end of one pause and the start of the next
  // (`#learned`), and this cycle's counts. See tryStart.
  #cycleStart: number;
  #started = 0;
  #ok = 0;
  #inFlight = 0;
  #learned: number | undefined;
  /** The last capacity learnt that was not 0. */
  #capacity = 0;
  #probing = false;
  #probes = 0;
  #waiters: (() => void)[] = [];

  constructor(options: RetryCoordinatorOptions = {}) {
    this.resumeJitter = nonNegative(options.resumeJitter ?? 0.02, 'resumeJitter', 'RetryCoordinator');
    this.maxResumeJitterMs = nonNegative(options.maxResumeJitterMs ?? 1_000, 'maxResumeJitterMs', 'RetryCoordinator');
    this.#clock = options.clock ?? systemClock;
    this.#cycleStart = this.#clock.now();
  }

  /**
   * Holds every caller until `untilMs` (clock time). Never shortens a pause already set; true when this
   * call set or lengthened it (its caller then resumes exactly at the end, the others with jitter).
   */
  pauseUntil(untilMs: number): boolean {
    if (!(untilMs > this.#until)) return false;
    const now = this.#clock.now();
    if (untilMs <= now) return false;
    if (this.#until <= now) {
      this.#pauses += 1;
      this.#rollCycle(now);
    }
    this.#until = untilMs;
    this.#lengthMs = untilMs - now;
    return true;
  }

  /** When the pause ends (clock time), or undefined when there is none. */
  get pausedUntil(): number | undefined {
    return this.#until > this.#clock.now() ? this.#until : undefined;
  }

  /**
   * How long a caller should wait before its next attempt: 0 when there is no pause, otherwise the rest
   * of the pause plus this caller's resume jitter.
   */
  waitMs(random: () => number = Math.random): number {
    const left = this.#until - this.#clock.now();
    if (!(left > 0)) return 0;
    const spread = Math.min(this.maxResumeJitterMs, this.resumeJitter * this.#lengthMs);
    return Math.ceil(left) + Math.floor(spread * Math.min(Math.max(random(), 0), 1));
  }

  /**
   * Asks to start an attempt now (call it once {@link waitMs} is 0; pair a true answer with exactly one
   * {@link finish}). False while probing: after a pause, once this cycle has started as many attempts
   * as the window admitted last cycle, only one attempt may be in flight, so that when the window is
   * full again one attempt learns it instead of one per concurrent caller. Wait for {@link turn}, then
   * ask again. A probe that succeeds ends probing for the cycle (the window had more room).
   */
  tryStart(): boolean {
    this.#rollCycle(this.#clock.now());
    if (this.#learned !== undefined && this.#started >= this.#learned) {
      if (this.#inFlight > 0) return false;
      this.#probes += 1;
      this.#probing = true; // alone in flight, so the next finish is the probe's
    }
    this.#started += 1;
    this.#inFlight += 1;
    return true;
  }

  /** Ends an attempt {@link tryStart} allowed; `ok` when it succeeded. Wakes the callers waiting on {@link turn}. */
  finish(ok: boolean): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    if (ok) this.#ok += 1;
    if (this.#probing) {
      this.#probing = false;
      // A probe that succeeds after a pause that ended too early: the window has just freed, so the
      // capacity it had last time is there again. After any other probe: the window had more room
      // than learnt, so no more probing this cycle.
      if (ok) this.#learned = this.#learned === 0 && this.#capacity > 0 ? this.#started + this.#capacity - 1 : undefined;
    }
    const waiters = this.#waiters.splice(0);
    for (const wake of waiters) wake();
  }

  /** Resolves when an attempt in flight finishes. */
  turn(): Promise<void> {
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  /**
   * A pause has ended since the cycle began: a new cycle (a new window) starts at its end, and what the
   * window admitted in the cycle that ended (its successes, late answers included) is its capacity.
   */
  #rollCycle(now: number): void {
    if (this.#until > this.#cycleStart && this.#until <= now) {
      // 0 when a pause ended too early (no Retry-After): the next cycle starts with a single probe.
      this.#learned = this.#ok;
      if (this.#ok > 0) this.#capacity = this.#ok;
      this.#cycleStart = this.#until;
      this.#started = 0;
      this.#ok = 0;
    }
  }

  /**
   * Pauses begun so far (extensions of a running pause not counted), attempts sent alone as probes,
   * the window's learnt capacity, and the end of the current pause.
   */
  get stats(): { pauses: number; probes: number; learned?: number; pausedUntil?: number } {
    const until = this.pausedUntil;
    return {
      pauses: this.#pauses,
      probes: this.#probes,
      ...(this.#learned !== undefined ? { learned: this.#learned } : {}),
      ...(until !== undefined ? { pausedUntil: until } : {}),
    };
  }
}

/** Error codes of the per-minute quotas: our own quota is spent, the backend is healthy. */
const QUOTA_RATE_CODES: ReadonlySet<string> = new Set(['ProjectRateLimitExceeded', 'UserRateLimitExceeded', 'RESOURCE_EXHAUSTED']);

/**
 * True for a 429 that says our quota is spent, not that the backend is failing: a per-minute quota
 * error (ProjectRateLimitExceeded, UserRateLimitExceeded, RESOURCE_EXHAUSTED) or any 429 carrying a
 * Retry-After. Such failures set the shared pause of a {@link RetryCoordinator}, are retried without a
 * {@link RetryBudget} token, and get up to 8 attempts by default (without Retry-After, backing off from
 * a 1 s base when a {@link RetryCoordinator} shares the pause).
 * UserCourseJoinRateLimitReached and DailyLimitExceeded are `wait` decisions and never reach this.
 */
export function isQuotaRejection(error: ClassroomApiError): boolean {
  return error.httpStatus === 429 && (QUOTA_RATE_CODES.has(error.code) || error.retryAfterMs !== undefined);
}

/** Base of the backoff after a quota error without Retry-After, when `baseMs` is not set and the pause is shared. */
export const QUOTA_BACKOFF_BASE_MS = 1_000;
/** Attempts after a quota rejection ({@link isQuotaRejection}), when `maxAttempts` is not set. */
export const QUOTA_MAX_ATTEMPTS = 8;

function nonNegative(value: number, name: string, owner = 'RetryBudget'): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${owner}: ${name} must be a finite number ≥ 0`);
  return value;
}

/** What {@link RetryOptions.onRetry} learns before each sleep. */
export interface RetryInfo {
  /** The failure, parsed. */
  error: ClassroomApiError;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** How long withRetry sleeps before attempt `attempt + 1`. */
  delayMs: number;
  /** The decision that led to the retry (a `retry`, or a `wait` that `maxWaitMs` covers). */
  decision: Decision;
}

/** What {@link RetryOptions.shouldRetry} is asked about. */
export interface ShouldRetryInfo {
  error: ClassroomApiError;
  /** The attempt that failed, from 1. */
  attempt: number;
  /** What {@link decide} (and `maxWaitMs`) concluded. */
  decision: Decision;
  /** Whether withRetry would retry on its own. */
  retrying: boolean;
}

/** Settings of {@link withRetry}. Defaults in brackets. */
export interface RetryOptions extends BackoffOptions {
  /** Attempts in all, the first included [5, `DEFAULT_MAX_ATTEMPTS`]. A hard limit, overrides included. */
  maxAttempts?: number;
  /**
   * Total time from the first attempt, in ms [none]. No sleep ends past it (withRetry gives up instead,
   * even when a Retry-After asks for longer), no attempt starts after it, and the attempt in flight when
   * it passes sees its `signal` abort; withRetry then throws a `DEADLINE_EXCEEDED` ClassroomApiError
   * whose `raw` is what the attempt threw.
   */
  deadlineMs?: number;
  /**
   * Longest `wait` decision to sit out, in ms [0: never]. A `wait` (UserCourseJoinRateLimitReached: a day,
   * CannotRemoveCourseOwnerTransferIncomplete: minutes, DailyLimitExceeded) is thrown at once unless this
   * covers it and the deadline allows; a job runner may set minutes, an interactive app leaves 0 and tells
   * the user.
   */
  maxWaitMs?: number;
  /**
   * False when the wrapped call must not run twice (a POST create without a client-chosen id): it is
   * then retried only when the failure proves the request never took effect (see
   * {@link requestNeverApplied}) [true].
   */
  idempotent?: boolean;
  /** Aborts the attempt in flight (via the `signal` given to `fn`) and any sleep; rejects with its reason. */
  signal?: AbortSignal;
  /** Called (and awaited) before each sleep. Throwing from it stops the retries with that error. */
  onRetry?: (info: RetryInfo) => void | Promise<void>;
  /**
   * Shared retry budget; withRetry records one call per withRetry and withdraws one token per retry of
   * an outage (5xx, transport); quota rejections ({@link isQuotaRejection}) wait for the shared pause
   * instead of spending a token. Its `coordinator` is the shared pause unless `coordinator` is given.
   */
  budget?: RetryBudget;
  /**
   * Shared pause [`budget.coordinator`, else none]: every attempt, the first included, waits for it; a
   * Retry-After or a quota 429 sets it for all its callers (see {@link RetryCoordinator}).
   */
  coordinator?: RetryCoordinator;
  /** [systemClock] */
  clock?: RetryClock;
  /** Source of jitter in [0, 1) [Math.random]. */
  random?: () => number;
  /**
   * Last word on each failure: `true` retries even what the decision would not (still within
   * `maxAttempts`, the deadline and the budget, with the decision's delay or a backoff delay), `false`
   * stops, `undefined` keeps the decision.
   */
  shouldRetry?: (info: ShouldRetryInfo) => boolean | undefined | Promise<boolean | undefined>;
}

/**
 * Transport errors raised before a connection existed: the request cannot have reached the server.
 * ECONNRESET, EPIPE and timeouts are deliberately absent: the request may have been received.
 */
const NOT_SENT_ERRNOS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when a failure proves the request had no effect, so that even a non-idempotent call (a POST
 * create) may be sent again without risking a duplicate:
 * - HTTP 429: quota and rate limits (`RESOURCE_EXHAUSTED`, UserCourseJoinRateLimitReached) are checked
 *   before the method runs.
 * - `ABORTED`: google.rpc.Code defines it as a concurrency conflict that aborted the transaction.
 * - a connection that was never established (ECONNREFUSED, ENOTFOUND, EAI_AGAIN, …).
 *
 * A 500, 503 or 504, a reset connection or a timeout prove nothing: the backend may have committed
 * before the failure, and a retried `courses.courseWork.create` would post the assignment twice. This
 * is why Google's generated client libraries configure no retry codes for non-idempotent methods.
 *
 * @example
 * ```ts
 * requestNeverApplied(parseError(e)); // true for a 429, false for a 503
 * ```
 */
export function requestNeverApplied(error: ClassroomApiError): boolean {
  if (error.transport?.aborted) return false;
  if (error.httpStatus === 429) return true;
  if (error.httpStatus !== 0 && error.status === 'ABORTED') return true;
  const errno = error.transport?.errno;
  return error.httpStatus === 0 && errno !== undefined && NOT_SENT_ERRNOS.has(errno);
}

/**
 * Runs `fn` until it succeeds or retrying cannot help, the way Google asks API clients to retry:
 * truncated exponential backoff with full jitter ({@link backoffDelay}), a server's Retry-After taking
 * precedence, and only for failures {@link decide} calls transient.
 *
 * - `retry` decisions sleep `delayMs` (at most `capMs`, unless a Retry-After asks for longer) and try again.
 * - `wait` decisions are retried only when `maxWaitMs` covers the window and the deadline allows it;
 *   otherwise, like every other decision (`ask-user`, `ask-admin`, `fix`, `report`), the failure is
 *   thrown at once. A FAILED_PRECONDITION is never retried; UserCourseJoinRateLimitReached never
 *   before its day has passed.
 * - A shared {@link RetryBudget} can deny a retry; the last error is then thrown.
 * - What is thrown is always the {@link ClassroomApiError} of the last failure (its `raw` and `cause` hold
 *   what `fn` threw), except on abort, which rejects with `signal.reason`.
 *
 * Defaults: 5 attempts, base 500 ms, cap 32 s, multiplier 2 (see {@link DEFAULT_BACKOFF}). For
 * comparison: the AWS SDKs' standard mode makes 3 attempts with full jitter, a 100 ms base in
 * aws-sdk-js-v3 (1 s in the cross-SDK spec) and a 20 s cap; gaxios (googleapis' HTTP client) retries 3
 * times after 100 ms, 500 ms, 1.5 s with no jitter and ignores Retry-After.
 *
 * @param fn one attempt; pass `signal` on to the request so that aborts and the deadline reach it.
 * @example
 * ```ts
 * const classroom = google.classroom({ version: 'v1', auth, retry: false }); // no gaxios retries
 * const budget = new RetryBudget();
 * const { data } = await withRetry(
 *   ({ signal }) => classroom.courses.get({ id }, { signal }),
 *   { deadlineMs: 30_000, budget, onRetry: ({ error, delayMs }) => log.warn(error.code, delayMs) },
 * );
 * ```
 */
export async function withRetry<T>(
  fn: (attempt: { attempt: number; signal?: AbortSignal }) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const clock = options.clock ?? systemClock;
  const { signal, deadlineMs, budget } = options;
  const policy = retryPolicy(options, clock);
  const { coordinator } = policy;

  signal?.throwIfAborted();
  const start = clock.now();
  budget?.recordCall();

  // One timer for the whole run aborts the attempt in flight when the deadline passes.
  const deadline = deadlineMs === undefined ? undefined : startDeadline(clock, deadlineMs);
  const attemptSignal = combine(signal, deadline?.signal);

  try {
    let last: ClassroomApiError | undefined;
    for (let attempt = 1; ; attempt++) {
      // The shared pause holds every attempt, first ones included; a pause set by another caller while
      // we slept is waited out too.
      for (;;) {
        const wait = coordinator?.waitMs(policy.random) ?? 0;
        if (wait > 0) {
          if (deadlineMs !== undefined && clock.now() - start + wait > deadlineMs) throw last ?? pauseDeadlineError(deadlineMs, wait);
          await abortable(clock.sleep(wait, signal), signal);
        } else if (!coordinator || coordinator.tryStart()) {
          break;
        } else {
          await abortable(coordinator.turn(), signal); // probing: one attempt in flight at a time
        }
      }
      let thrown: unknown;
      let ok = false;
      try {
        const result = await fn(attemptSignal ? { attempt, signal: attemptSignal } : { attempt });
        ok = true;
        return result;
      } catch (e) {
        thrown = e;
      } finally {
        coordinator?.finish(ok);
      }
      if (signal?.aborted) throw signal.reason;
      const error = thrown instanceof ClassroomApiError ? thrown : parseError(thrown);
      // An attempt cut short by the deadline has no HTTP status to tell; say what happened instead.
      if (deadline?.signal.aborted && error.httpStatus === 0) throw deadlineError(deadlineMs ?? 0, attempt, thrown);

      last = error;
      const step = await planRetry(error, attempt, clock.now() - start, policy, options.idempotent !== false);
      if (!step.retry) throw error;

      await options.onRetry?.({ error, attempt, delayMs: step.delayMs, decision: step.decision });
      // Re-checked after the hook: never sleep past the deadline, never shorten a server's Retry-After.
      if (deadlineMs !== undefined && clock.now() - start + step.delayMs > deadlineMs) throw error;
      await abortable(clock.sleep(step.delayMs, signal), signal);
    }
  } finally {
    deadline?.cancel();
  }
}

/**
 * The resolved policy shared by {@link withRetry} and the gaxios adapter.
 * @internal
 */
export interface ResolvedRetryPolicy {
  backoff: BackoffOptions;
  maxAttempts: number;
  maxWaitMs: number;
  deadlineMs: number | undefined;
  random: (() => number) | undefined;
  now: () => number;
  budget: RetryBudget | undefined;
  coordinator: RetryCoordinator | undefined;
  /** Whether `maxAttempts` and `baseMs` were left to their defaults (quota errors then get their own). */
  defaultAttempts: boolean;
  defaultBase: boolean;
  shouldRetry: RetryOptions['shouldRetry'];
}

/** @internal */
export function retryPolicy(options: Omit<RetryOptions, 'clock'>, clock: Pick<RetryClock, 'now'>): ResolvedRetryPolicy {
  return {
    backoff: {
      ...(options.baseMs !== undefined ? { baseMs: options.baseMs } : {}),
      ...(options.capMs !== undefined ? { capMs: options.capMs } : {}),
      ...(options.multiplier !== undefined ? { multiplier: options.multiplier } : {}),
    },
    maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    maxWaitMs: Math.max(0, options.maxWaitMs ?? 0),
    deadlineMs: options.deadlineMs,
    random: options.random,
    now: () => clock.now(),
    budget: options.budget,
    coordinator: options.coordinator ?? options.budget?.coordinator,
    defaultAttempts: options.maxAttempts === undefined,
    defaultBase: options.baseMs === undefined,
    shouldRetry: options.shouldRetry,
  };
}

/** @internal */
export type RetryStep = { retry: false; decision: Decision } | { retry: true; delayMs: number; decision: Decision };

/**
 * Whether, and after how long, to retry one failure: the decision, then `maxWaitMs`, idempotency,
 * the `shouldRetry` override and last the budget (so that a denied token is only spent on a retry
 * that would otherwise happen).
 * @internal
 */
export async function planRetry(
  error: ClassroomApiError,
  attempt: number,
  elapsedMs: number,
  policy: ResolvedRetryPolicy,
  idempotent: boolean,
): Promise<RetryStep> {
  const { deadlineMs } = policy;
  const quota = isQuotaRejection(error);
  // A quota rejection may take several windows to drain when the fleet is larger than a window: up to
  // 8 attempts; without Retry-After the window is guessed, backing off from 1 s. Only the defaults
  // change: a caller's own maxAttempts / baseMs rule. See the README for the numbers.
  const guessing = quota && error.retryAfterMs === undefined;
  const maxAttempts = quota && policy.defaultAttempts ? Math.max(policy.maxAttempts, QUOTA_MAX_ATTEMPTS) : policy.maxAttempts;
  // The 1 s base is for a shared pause, which the whole fleet sits out together; a caller on its own
  // keeps the 500 ms base (the bench measured 2.1× the physical limit for independent workers at 1 s).
  const backoff =
    guessing && policy.defaultBase && policy.coordinator ? { ...policy.backoff, baseMs: QUOTA_BACKOFF_BASE_MS } : policy.backoff;
  const fits = (delay: number): boolean => deadlineMs === undefined || elapsedMs + delay <= deadlineMs;
  const decision = decide(
    error,
    { attempt, elapsedMs, ...(deadlineMs !== undefined ? { deadlineMs } : {}) },
    { ...backoff, maxAttempts, now: policy.now, ...(policy.random ? { random: policy.random } : {}) },
  );
  // Tell everyone sharing the pause, whether or not this caller goes on: the news is about the quota.
  const leads =
    policy.coordinator !== undefined &&
    decision.action === 'retry' &&
    (quota || error.retryAfterMs !== undefined) &&
    policy.coordinator.pauseUntil(policy.now() + decision.delayMs);

  let retrying =
    attempt < maxAttempts &&
    (decision.action === 'retry' ||
      (decision.action === 'wait' && decision.delayMs <= policy.maxWaitMs && fits(decision.delayMs)));
  if (retrying && !idempotent && !requestNeverApplied(error)) retrying = false;

  let delayMs = decision.action === 'retry' || decision.action === 'wait' ? decision.delayMs : 0;
  let taken: Decision = decision;
  if (policy.shouldRetry) {
    const verdict = await policy.shouldRetry({ error, attempt, decision, retrying });
    if (verdict === false) retrying = false;
    if (verdict === true && !retrying && attempt < maxAttempts && !error.transport?.aborted) {
      if (decision.action !== 'retry' && decision.action !== 'wait') {
        delayMs = backoffDelay(attempt, backoff, policy.random);
        taken = { action: 'retry', code: decision.code, resolver: 'time', delayMs, why: `shouldRetry overrode: ${decision.why}` };
      }
      retrying = fits(delayMs);
    }
  }
  if (!retrying) return { retry: false, decision };
  // The shared pause may be longer than our own delay (another caller's Retry-After): sleep all of it,
  // plus our resume jitter. The caller whose failure set the pause resumes exactly when it ends.
  const paused = leads ? 0 : (policy.coordinator?.waitMs(policy.random) ?? 0);
  if (paused > delayMs) {
    if (!fits(paused)) return { retry: false, decision };
    delayMs = paused;
  }
  // The budget guards a failing backend against retry storms. A quota rejection comes from a healthy
  // server refusing our own excess, and its retry waits for the window (Retry-After or the shared
  // pause), so it costs no token: it cannot add load the quota does not already allow.
  if (policy.budget) {
    if (quota) policy.budget.recordPaced();
    else if (!policy.budget.tryAcquire()) return { retry: false, decision };
  }
  return { retry: true, delayMs, decision: taken };
}

function pauseDeadlineError(deadlineMs: number, waitMs: number): ClassroomApiError {
  return new ClassroomApiError({
    code: 'DEADLINE_EXCEEDED',
    httpStatus: 0,
    status: 'DEADLINE_EXCEEDED',
    message: `The shared retry pause (${waitMs} ms more) outlasts the ${deadlineMs} ms deadline; no attempt was made.`,
    transport: { errno: 'ETIMEDOUT', aborted: false },
  });
}

function startDeadline(clock: RetryClock, deadlineMs: number): { signal: AbortSignal; cancel(): void } {
  const fire = new AbortController();
  const timer = new AbortController();
  clock.sleep(Math.max(0, deadlineMs), timer.signal).then(
    () => fire.abort(new DOMException(`deadline of ${deadlineMs} ms passed`, 'TimeoutError')),
    () => undefined, // cancelled: the run ended first
  );
  return { signal: fire.signal, cancel: () => timer.abort() };
}

function combine(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (a && b) return AbortSignal.any([a, b]);
  return a ?? b;
}

function deadlineError(deadlineMs: number, attempt: number, thrown: unknown): ClassroomApiError {
  return new ClassroomApiError({
    code: 'DEADLINE_EXCEEDED',
    httpStatus: 0,
    status: 'DEADLINE_EXCEEDED',
    message: `The ${deadlineMs} ms deadline passed during attempt ${attempt}.`,
    transport: { errno: 'ETIMEDOUT', aborted: false },
    raw: thrown,
  });
}

/** Settles with `promise`, or rejects with `signal.reason` as soon as it aborts (even if a custom clock ignores it). */
function abortable(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
