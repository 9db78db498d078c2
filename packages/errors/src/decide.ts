import { backoffDelay, type BackoffOptions } from './backoff.js';
import type { Fix, Resolver } from './catalog.js';
import type { ClassroomApiError } from './error.js';

/** Where a caller stands after a failed attempt. */
export interface AttemptHistory {
  /** How many attempts have been made, the failed one included (1 after the first failure). */
  attempt: number;
  /** Time since the first attempt started, in ms. */
  elapsedMs?: number;
  /** Total time the caller allows from the first attempt, in ms. */
  deadlineMs?: number;
}

/** The policy knobs of {@link decide}. */
export interface DecideOptions extends BackoffOptions {
  /** Attempts in all (the first included) before a transient failure is reported. Default 5. */
  maxAttempts?: number;
  /** Source of numbers in [0, 1) for jitter. */
  random?: () => number;
  /** Current time in epoch ms, for `wait` decisions. */
  now?: () => number;
}

interface DecisionBase {
  /** The error's code. */
  code: string;
  /** Who is expected to act. */
  resolver: Resolver;
  /** A short English reason, for logs. */
  why: string;
}

/**
 * What to do about a failure.
 * - `retry`: send the same request again after `delayMs`.
 * - `wait`: the same request can only succeed after a known window; not before `untilMs`.
 * - `ask-user` / `ask-admin`: show the explanation to that person; `fix` names a call the app could
 *   make on the user's behalf instead, where there is one.
 * - `fix`: the app itself can change state with the named call, then retry.
 * - `report`: nothing at run time helps (a bug, missing scopes or grants, a persistent outage).
 */
export type Decision =
  | (DecisionBase & { action: 'retry'; delayMs: number })
  | (DecisionBase & { action: 'wait'; delayMs: number; untilMs: number })
  | (DecisionBase & { action: 'ask-user'; fix?: Fix })
  | (DecisionBase & { action: 'ask-admin' })
  | (DecisionBase & { action: 'fix'; fix: Fix })
  | (DecisionBase & { action: 'report' });

/** The action names of {@link Decision}. */
export type DecisionAction = Decision['action'];

/** Default number of attempts for transient failures. */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Decides what to do about a failed Classroom call.
 *
 * A FAILED_PRECONDITION is never retried blindly; a failure tied to a window (the daily join limit, an
 * ownership transfer in progress, the daily quota) is never retried before the window; transient
 * failures are retried with full-jitter backoff, a server's Retry-After taking precedence, until the
 * attempts or the deadline run out.
 *
 * @example
 * ```ts
 * const d = decide(parseError(e), { attempt: 1 });
 * if (d.action === 'retry') await sleep(d.delayMs);
 * ```
 */
export function decide(error: ClassroomApiError, history: AttemptHistory, options: DecideOptions = {}): Decision {
  const entry = error.entry;
  const code = error.code;
  const primary: Resolver = entry.resolvedBy[0] ?? 'developer';

  if (error.transport?.aborted) {
    return { action: 'report', code, resolver: 'app', why: 'the caller aborted the request' };
  }

  if (entry.retry === 'after-window') {
    const delayMs = Math.max(error.retryAfterMs ?? 0, (entry.waitSeconds ?? 0) * 1000);
    const now = (options.now ?? Date.now)();
    return { action: 'wait', code, resolver: 'time', delayMs, untilMs: now + delayMs, why: `${code}: retrying before the window ends cannot succeed` };
  }

  if (entry.retry === 'backoff') {
    const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const after = entry.resolvedBy.find((r) => r !== 'time') ?? 'google';
    if (history.attempt >= maxAttempts) {
      return { action: 'report', code, resolver: after, why: `${code} persisted through ${history.attempt} attempts` };
    }
    const delayMs =
      error.retryAfterMs !== undefined
        ? Math.max(0, error.retryAfterMs)
        : backoffDelay(history.attempt, options, options.random);
    if (history.deadlineMs !== undefined && (history.elapsedMs ?? 0) + delayMs > history.deadlineMs) {
      return { action: 'report', code, resolver: after, why: `${code}: the next attempt would pass the deadline` };
    }
    return { action: 'retry', code, resolver: 'time', delayMs, why: `${code} is transient` };
  }

  switch (primary) {
    case 'app':
      return entry.fix
        ? { action: 'fix', code, resolver: 'app', fix: entry.fix, why: `${code}: the app can change the state itself` }
        : { action: 'report', code, resolver: 'app', why: `${code}: the request itself must change` };
    case 'user':
      return entry.fix
        ? { action: 'ask-user', code, resolver: 'user', fix: entry.fix, why: `${code}: the user must act` }
        : { action: 'ask-user', code, resolver: 'user', why: `${code}: the user must act` };
    case 'admin':
      return { action: 'ask-admin', code, resolver: 'admin', why: `${code}: a domain administrator must act` };
    default:
      return { action: 'report', code, resolver: primary, why: `${code}: retrying cannot help` };
  }
}
