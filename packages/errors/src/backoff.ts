/** Truncated exponential backoff settings. */
export interface BackoffOptions {
  /** Delay scale of the first retry, in ms. Default 500 (between gaxios's 100 and Google's 1 s guidance). */
  baseMs?: number;
  /** Largest delay, in ms. Default 32 000, the truncation point of Google's backoff guidance. */
  capMs?: number;
  /** Growth per attempt. Default 2. */
  multiplier?: number;
}

/** The defaults of {@link BackoffOptions}. */
export const DEFAULT_BACKOFF: Required<BackoffOptions> = Object.freeze({
  baseMs: 500,
  capMs: 32_000,
  multiplier: 2,
});

/**
 * Full-jitter truncated exponential backoff: a delay drawn uniformly from
 * `[0, min(cap, base · multiplier^(attempt-1))]`. Full jitter spreads a fleet of retrying clients best
 * (it is what the AWS SDKs' standard mode and their backoff analysis settled on).
 *
 * @param attempt the attempt that just failed, from 1.
 * @param random a source of numbers in [0, 1); injectable for deterministic tests.
 * @example
 * ```ts
 * backoffDelay(3, { baseMs: 100, capMs: 1000 }, () => 0.5); // 200
 * ```
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, options);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(ceiling * r);
}

/** The upper bound of {@link backoffDelay} for an attempt. */
export function backoffCeiling(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs, capMs, multiplier } = { ...DEFAULT_BACKOFF, ...options };
  const exponent = Math.max(0, attempt - 1);
  // Computed in log space so huge attempt numbers cannot overflow to Infinity·0.
  const raw = exponent * Math.log(multiplier) + Math.log(Math.max(baseMs, 0));
  return raw >= Math.log(capMs) ? capMs : Math.max(0, Math.exp(raw));
}
