import { CATALOG, isErrorCode, type RetryPolicy } from 'classroom-errors';
import type { RequestRecord } from '../platform/request-log.js';
import type { ScenarioKind } from './scenarios.js';

/** The parts of a request-log record the grader reads. */
export type GradedRecord = Pick<RequestRecord, 'id' | 'time' | 'verb' | 'path' | 'status' | 'latencyMs'> &
  Partial<Pick<RequestRecord, 'method' | 'code' | 'fault' | 'fingerprint' | 'retryAfterMs'>>;

/** How the command ended. */
export interface ExitStatus {
  /** Exit code; null when a signal ended it. */
  code: number | null;
  signal: string | null;
  /** The scenario's timeout ended it. */
  timedOut: boolean;
  /** It died of an uncaught exception (a stack trace or Python traceback on stderr). */
  uncaught: boolean;
}

/** The rules a finding can name. */
export type Rule =
  | 'retried-non-retryable'
  | 'retried-join-limit'
  | 'no-backoff'
  | 'no-jitter'
  | 'ignored-retry-after'
  | 'gave-up-on-retryable'
  | 'no-request-timeout'
  | 'retry-storm'
  | 'crashed-on-expected-error';

/** One thing the command did that the Request Errors page advises against. */
export interface Finding {
  rule: Rule;
  severity: 'fail' | 'warn';
  message: string;
  /** Request-log ids of the requests involved. */
  requests: string[];
}

export type Verdict = 'pass' | 'warn' | 'fail';

export interface Grade {
  verdict: Verdict;
  findings: Finding[];
}

// The page: "use truncated exponential backoff … with jitter". It names no base delay. Google's
// exponential-backoff algorithm starts at 1 s and classroom-errors' withRetry at 500 ms; a backoff is
// judged against a schedule starting at half of the smaller, doubling up to a 32 s cap.
/** The smallest first delay a backoff is expected to start from, ms. */
export const BACKOFF_MIN_BASE_MS = 250;
/** Where the doubling stops, ms. */
export const BACKOFF_CAP_MS = 32_000;
/**
 * Backoff is judged only over a run of at least this many retries of consecutive failures: full jitter
 * draws a short wait now and then, so a single short gap proves nothing.
 */
export const NO_BACKOFF_MIN_RETRIES = 4;
/**
 * A run fails `no-backoff` when its total wait is below this fraction of the capped exponential schedule
 * from {@link BACKOFF_MIN_BASE_MS}: for 4 retries, 150 ms out of 3.75 s. Full jitter on that schedule
 * waits less with probability (150⁴/4!)/(250·500·1000·2000) ≈ 8·10⁻⁵; an immediate retry waits a few
 * ms per attempt, tens on a busy machine.
 */
export const NO_BACKOFF_FRACTION = 0.04;
/**
 * …or when every wait of the run is below this, ms: full jitter draws four such waits in a row with
 * probability 0.2·0.1·0.05·0.025 ≈ 3·10⁻⁵ (the issue's "every gap under 50 ms").
 */
export const NO_BACKOFF_GAP_MS = 50;
/** Retry delays shorter than this are not deliberate waits (an immediate retry takes tens of ms on a busy machine), and tell nothing about jitter, ms. */
export const NO_JITTER_MIN_DELAY_MS = 100;
/** At least this many comparable delays before `no-jitter` is judged. */
export const NO_JITTER_MIN_SAMPLES = 3;
/** Delays whose spread is within max(this, {@link NO_JITTER_TOLERANCE_RATIO} of their mean) count as identical, ms. */
export const NO_JITTER_TOLERANCE_MS = 10;
export const NO_JITTER_TOLERANCE_RATIO = 0.05;
/** Slack for clock granularity when checking a retry against the Retry-After the emulator sent, ms. */
export const RETRY_AFTER_SLACK_MS = 20;
/** The page: UserCourseJoinRateLimitReached — wait one day before joining again. */
export const JOIN_LIMIT_WAIT_MS = 86_400_000;
/** A retry budget: more attempts than this for one call is a storm (the page: avoid excessive load). */
export const RETRY_STORM_MAX_ATTEMPTS = 10;
/** Retries allowed in any one second: a floor plus a share of the calls (classroom-errors' RetryBudget). */
export const RETRY_BUDGET_PER_SECOND = 10;
export const RETRY_BUDGET_RATIO = 0.1;

/** At most this many request ids per finding, so a storm's finding stays readable. */
const MAX_IDS = 12;

const start = (r: GradedRecord): number => Date.parse(r.time);
const end = (r: GradedRecord): number => start(r) + r.latencyMs;
const keyOf = (r: GradedRecord): string => r.fingerprint ?? `${r.verb} ${r.path}`;
const failed = (r: GradedRecord): boolean => r.status === 0 || r.status >= 400;

function policyOf(r: GradedRecord): RetryPolicy | undefined {
  if (r.status === 0) return 'backoff';
  return r.code !== undefined && isErrorCode(r.code) ? CATALOG[r.code].retry : undefined;
}

const transient = (r: GradedRecord): boolean => failed(r) && policyOf(r) === 'backoff';
const nonRetryable = (r: GradedRecord): boolean => failed(r) && r.status !== 0 && policyOf(r) === 'never';
const label = (r: GradedRecord): string => r.method ?? `${r.verb} ${r.path}`;
const ids = (records: readonly GradedRecord[]): string[] => [...new Set(records.map((r) => r.id))].slice(0, MAX_IDS);
const ms = (value: number): string => `${Math.round(value)} ms`;

/** A retry: an attempt of a call whose previous attempt failed. */
interface Retry {
  previous: GradedRecord;
  record: GradedRecord;
  /** From the end of the failed answer to the start of the retry, ms. */
  gap: number;
  /** 1 for the first retry after a success or the first attempt, 2 for the next… */
  index: number;
}

/** The capped exponential schedule's total before the k-th retry. */
export function backoffScheduleMs(retries: number, baseMs = BACKOFF_MIN_BASE_MS, capMs = BACKOFF_CAP_MS): number {
  let total = 0;
  for (let i = 0; i < retries; i++) total += Math.min(capMs, baseMs * 2 ** i);
  return total;
}

/**
 * Grades one scenario from the request log and the command's exit status: a pure function, no I/O and
 * no clock, so every rule is unit-tested with hand-made logs.
 *
 * @example
 * ```ts
 * const { verdict, findings } = grade('transient', records, { code: 1, signal: null, timedOut: false, uncaught: true });
 * // verdict 'fail', findings [{ rule: 'gave-up-on-retryable', … }]
 * ```
 */
export function grade(kind: ScenarioKind, log: readonly GradedRecord[], exit: ExitStatus): Grade {
  const records = [...log].sort((a, b) => start(a) - start(b) || sequence(a) - sequence(b));
  const calls = new Map<string, GradedRecord[]>();
  for (const r of records) {
    const list = calls.get(keyOf(r)) ?? [];
    list.push(r);
    calls.set(keyOf(r), list);
  }
  const retries: Retry[] = [];
  for (const attempts of calls.values()) {
    let index = 0;
    for (let i = 1; i < attempts.length; i++) {
      const previous = attempts[i - 1] as GradedRecord;
      const record = attempts[i] as GradedRecord;
      if (!failed(previous)) {
        index = 0;
        continue;
      }
      index += 1;
      retries.push({ previous, record, gap: start(record) - end(previous), index });
    }
  }

  const findings: Finding[] = [
    ...retriedNonRetryable(records, retries),
    ...retriedJoinLimit(retries),
    ...noBackoff(calls),
    ...noJitter(retries),
    ...ignoredRetryAfter(retries),
    ...gaveUp(kind, records, exit),
    ...retryStorm(calls, retries),
    ...crashed(kind, records, exit),
  ];
  const verdict: Verdict = findings.some((f) => f.severity === 'fail') ? 'fail' : findings.length > 0 ? 'warn' : 'pass';
  return { verdict, findings };
}

function sequence(r: GradedRecord): number {
  const n = Number(r.id.replace(/^\D+/, ''));
  return Number.isFinite(n) ? n : 0;
}

function retriedNonRetryable(records: readonly GradedRecord[], retries: readonly Retry[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const { previous, record } of retries) {
    if (!nonRetryable(previous) || seen.has(keyOf(previous))) continue;
    // A change in between (a courses.patch back to ACTIVE, say) may have repaired the state: then a
    // retry is what the page advises, not a blind one.
    const between = records.filter((r) => start(r) >= end(previous) && start(r) < start(record) && keyOf(r) !== keyOf(previous));
    if (between.some((r) => r.verb !== 'GET')) continue;
    seen.add(keyOf(previous));
    out.push({
      rule: 'retried-non-retryable',
      severity: 'fail',
      message:
        `${label(previous)} was sent again unchanged after ${previous.code ?? previous.status}, which retrying cannot fix: ` +
        'the page says to tell the user (or repair the state with another call) first, and only then retry.',
      requests: [previous.id, record.id],
    });
  }
  return out;
}

function retriedJoinLimit(retries: readonly Retry[]): Finding[] {
  const hit = retries.filter(({ previous, gap }) => previous.code === 'UserCourseJoinRateLimitReached' && gap < JOIN_LIMIT_WAIT_MS);
  const first = hit[0];
  if (!first) return [];
  return [
    {
      rule: 'retried-join-limit',
      severity: 'fail',
      message:
        `${label(first.previous)} was retried ${ms(first.gap)} after UserCourseJoinRateLimitReached: the user has used today's joins, ` +
        'and the page says to wait a day before joining again; retrying sooner only burns quota.',
      requests: ids(hit.flatMap((h) => [h.previous, h.record])),
    },
  ];
}

function noBackoff(calls: ReadonlyMap<string, GradedRecord[]>): Finding[] {
  const out: Finding[] = [];
  for (const attempts of calls.values()) {
    // Runs of consecutive transient failures, each followed by another attempt of the same call.
    let run: GradedRecord[] = [];
    const judge = () => {
      const retries = run.length - 1;
      if (retries >= NO_BACKOFF_MIN_RETRIES) {
        const gaps = run.slice(1).map((r, i) => start(r) - end(run[i] as GradedRecord));
        const waited = gaps.reduce((a, b) => a + b, 0);
        const schedule = backoffScheduleMs(retries);
        if (waited < NO_BACKOFF_FRACTION * schedule || gaps.every((g) => g < NO_BACKOFF_GAP_MS)) {
          out.push({
            rule: 'no-backoff',
            severity: 'fail',
            message:
              `${label(run[0] as GradedRecord)} was retried ${retries} times after ${run[0]?.code ?? 'a failure'} with ${ms(waited)} of waiting in all; ` +
              `a truncated exponential backoff from ${BACKOFF_MIN_BASE_MS} ms would wait about ${ms(schedule / 2)} on average over as many retries. ` +
              'The page advises truncated exponential backoff with jitter.',
            requests: ids(run),
          });
        }
      }
      run = [];
    };
    for (const r of attempts) {
      run.push(r);
      if (!transient(r)) judge();
    }
    // A run that ended in a failure (the command gave up) still shows how it retried.
    judge();
  }
  return out;
}

function noJitter(retries: readonly Retry[]): Finding[] {
  // Waits the server dictated (Retry-After) are meant to be equal; only the client's own delays count.
  const deliberate = retries.filter((r) => transient(r.previous) && r.previous.retryAfterMs === undefined && r.gap >= NO_JITTER_MIN_DELAY_MS);
  const groups = new Map<string, Retry[]>();
  for (const r of deliberate) {
    for (const key of [`index:${r.index}`, `call:${keyOf(r.record)}`]) {
      const list = groups.get(key) ?? [];
      list.push(r);
      groups.set(key, list);
    }
  }
  for (const group of groups.values()) {
    if (group.length < NO_JITTER_MIN_SAMPLES) continue;
    const gaps = group.map((r) => r.gap);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const spread = Math.max(...gaps) - Math.min(...gaps);
    if (spread <= Math.max(NO_JITTER_TOLERANCE_MS, NO_JITTER_TOLERANCE_RATIO * mean)) {
      return [
        {
          rule: 'no-jitter',
          severity: 'warn',
          message:
            `${group.length} retries waited the same ${ms(mean)} (within ${ms(spread)}): without jitter, workers that failed together retry together. ` +
            'The page advises adding a random delay to spread the retries out.',
          requests: ids(group.map((r) => r.record)),
        },
      ];
    }
  }
  return [];
}

function ignoredRetryAfter(retries: readonly Retry[]): Finding[] {
  const early = retries.filter(({ previous, gap }) => previous.retryAfterMs !== undefined && gap < previous.retryAfterMs - RETRY_AFTER_SLACK_MS);
  const first = early[0];
  if (!first) return [];
  return [
    {
      rule: 'ignored-retry-after',
      severity: 'fail',
      message:
        `${label(first.previous)} was retried ${ms(first.gap)} after an answer that asked for ${ms(first.previous.retryAfterMs ?? 0)} (Retry-After)` +
        `${early.length > 1 ? `, and ${early.length - 1} more retries came early` : ''}: wait at least what the server asks.`,
      requests: ids(early.flatMap((r) => [r.previous, r.record])),
    },
  ];
}

function gaveUp(kind: ScenarioKind, records: readonly GradedRecord[], exit: ExitStatus): Finding[] {
  if (kind !== 'transient' && kind !== 'quota' && kind !== 'slow') return [];
  const injected = records.filter((r) => (kind === 'slow' ? r.fault !== undefined : transient(r)));
  if (kind === 'slow' && exit.timedOut) {
    return [
      {
        rule: 'no-request-timeout',
        severity: 'fail',
        message:
          'The command was still waiting for a slow answer when the scenario timed out: give each request a timeout, ' +
          'then retry it with backoff as for any transient failure.',
        requests: ids(injected),
      },
    ];
  }
  if (injected.length === 0 && !exit.timedOut) return [];
  const failures = records.filter(transient);
  if (exit.timedOut || exit.code !== 0) {
    const how = exit.timedOut ? 'did not finish within the scenario timeout' : exit.code === null ? `was ended by ${exit.signal ?? 'a signal'}` : `exited ${exit.code}`;
    return [
      {
        rule: 'gave-up-on-retryable',
        severity: 'fail',
        message:
          `The command ${how} after ${failures.length} transient failure(s) that a few retries would have survived: ` +
          'the page advises retrying these with truncated exponential backoff.',
        requests: ids(failures),
      },
    ];
  }
  const succeeded = (r: GradedRecord) => records.some((later) => keyOf(later) === keyOf(r) && start(later) >= start(r) && later.status >= 200 && later.status < 300);
  const abandoned = failures.filter((r) => !succeeded(r));
  if (abandoned.length === 0) return [];
  return [
    {
      rule: 'gave-up-on-retryable',
      severity: 'fail',
      message:
        `The command exited 0 but never completed ${[...new Set(abandoned.map(label))].join(', ')} after a transient failure: ` +
        'the work was silently dropped; retry it with backoff.',
      requests: ids(abandoned),
    },
  ];
}

function retryStorm(calls: ReadonlyMap<string, GradedRecord[]>, retries: readonly Retry[]): Finding[] {
  for (const attempts of calls.values()) {
    const tried = attempts.length;
    if (tried > RETRY_STORM_MAX_ATTEMPTS && attempts.some(failed)) {
      return [
        {
          rule: 'retry-storm',
          severity: 'fail',
          message:
            `${label(attempts[0] as GradedRecord)} was attempted ${tried} times, more than a retry budget of ${RETRY_STORM_MAX_ATTEMPTS} allows: ` +
            'retries without a limit multiply an outage (the page: these errors come from excessive load).',
          requests: ids(attempts),
        },
      ];
    }
  }
  // A sliding second: more retries in it than the budget's floor plus its share of the calls.
  const allowed = RETRY_BUDGET_PER_SECOND + RETRY_BUDGET_RATIO * calls.size;
  const times = retries.map((r) => start(r.record)).sort((a, b) => a - b);
  let from = 0;
  for (let to = 0; to < times.length; to++) {
    while ((times[to] as number) - (times[from] as number) >= 1000) from++;
    if (to - from + 1 > allowed) {
      return [
        {
          rule: 'retry-storm',
          severity: 'fail',
          message:
            `${to - from + 1} retries within one second across ${calls.size} call(s), above a budget of ${Math.floor(allowed)}: ` +
            'cap retries across the whole client (about 10 % of calls) so a failing backend is not flooded.',
          requests: ids(retries.filter((r) => start(r.record) >= (times[from] as number) && start(r.record) <= (times[to] as number)).map((r) => r.record)),
        },
      ];
    }
  }
  return [];
}

function crashed(kind: ScenarioKind, records: readonly GradedRecord[], exit: ExitStatus): Finding[] {
  if ((kind !== 'non-retryable' && kind !== 'join-limit') || !exit.uncaught) return [];
  const injected = records.filter((r) => r.fault !== undefined);
  if (injected.length === 0) return [];
  const codes = [...new Set(injected.map((r) => r.code ?? String(r.status)))].join(', ');
  return [
    {
      rule: 'crashed-on-expected-error',
      severity: 'warn',
      message:
        `The command died of an uncaught exception on ${codes}, a documented error with a known remedy: ` +
        'catch it and tell the user (or an admin) what to do, as the page advises.',
      requests: ids(injected),
    },
  ];
}
