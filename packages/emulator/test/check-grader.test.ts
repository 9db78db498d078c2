import { backoffDelay } from 'classroom-errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BACKOFF_MIN_BASE_MS,
  JOIN_LIMIT_WAIT_MS,
  NO_BACKOFF_GAP_MS,
  NO_JITTER_TOLERANCE_RATIO,
  RETRY_AFTER_SLACK_MS,
  RETRY_STORM_MAX_ATTEMPTS,
  grade,
  type ExitStatus,
  type GradedRecord,
  type Rule,
} from '../src/check/grader.js';
import type { ScenarioKind } from '../src/check/scenarios.js';

// Hand-made request logs: each record starts `at` ms after T0 and takes no time, so a gap is the
// difference of two `at`s.
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const EXITED_0: ExitStatus = { code: 0, signal: null, timedOut: false, uncaught: false };
const EXITED_1: ExitStatus = { code: 1, signal: null, timedOut: false, uncaught: false };
const CRASHED: ExitStatus = { code: 1, signal: null, timedOut: false, uncaught: true };
const TIMED_OUT: ExitStatus = { code: null, signal: 'SIGKILL', timedOut: true, uncaught: false };

type Spec = Partial<GradedRecord> & { at: number };

/** A log of one call (fingerprint `A` unless given), in the order written. */
function log(...specs: Spec[]): GradedRecord[] {
  return specs.map(({ at, ...fields }, i) => ({
    id: `r${i + 1}`,
    time: new Date(T0 + at).toISOString(),
    verb: 'GET',
    path: '/v1/courses/c1',
    method: 'classroom.courses.get',
    fingerprint: 'A',
    status: 200,
    latencyMs: 0,
    ...fields,
  }));
}

const fails = (code: string, status: number) => ({ status, code, fault: 'fault-1[0] injected' });
const e500 = fails('INTERNAL', 500);
const e503 = fails('UNAVAILABLE', 503);

/** A call that failed transiently before each wait in `gaps` and succeeded after the last. */
function retried(gaps: readonly number[], failure: Partial<GradedRecord> = e503, fingerprint = 'A'): Spec[] {
  const specs: Spec[] = [{ at: 0, fingerprint, ...failure }];
  let at = 0;
  gaps.forEach((gap, i) => {
    at += gap;
    specs.push(i === gaps.length - 1 ? { at, fingerprint } : { at, fingerprint, ...failure });
  });
  return specs;
}

function rules(kind: ScenarioKind, records: GradedRecord[], exit: ExitStatus = EXITED_0): Rule[] {
  return grade(kind, records, exit).findings.map((f) => f.rule);
}

describe('check grader', () => {
  it('passes a command that made its calls without trouble', () => {
    expect(grade('transient', log({ at: 0 }, { at: 5, fingerprint: 'B' }), EXITED_0)).toEqual({ verdict: 'pass', findings: [] });
  });

  describe('retried-non-retryable', () => {
    it.each([
      ['CourseNotModifiable', 400],
      ['PERMISSION_DENIED', 403],
      ['MissingGrant', 403],
      ['INVALID_ARGUMENT', 400],
      ['NOT_FOUND', 404],
    ])('fails the same call sent again after %s', (code, status) => {
      const { verdict, findings } = grade('non-retryable', log({ at: 0, ...fails(code, status) }, { at: 2000 }), EXITED_0);
      expect(verdict).toBe('fail');
      expect(findings).toEqual([expect.objectContaining({ rule: 'retried-non-retryable', severity: 'fail', requests: ['r1', 'r2'] })]);
      expect(findings[0]?.message).toContain(code);
    });

    it('accepts a retry after a change that may have repaired the state, and a different call', () => {
      const fixed = log(
        { at: 0, verb: 'POST', ...fails('CourseNotModifiable', 400) },
        { at: 10, verb: 'PATCH', method: 'classroom.courses.patch', fingerprint: 'FIX' },
        { at: 20, verb: 'POST' },
      );
      expect(rules('non-retryable', fixed)).toEqual([]);
      expect(rules('non-retryable', log({ at: 0, ...fails('CourseNotModifiable', 400) }, { at: 5, fingerprint: 'B' }))).toEqual([]);
    });

    it('does not count a retry of a transient failure', () => {
      expect(rules('transient', log(...retried([300])))).toEqual([]);
    });
  });

  describe('retried-join-limit', () => {
    const joined = (gap: number) => log({ at: 0, ...fails('UserCourseJoinRateLimitReached', 429) }, { at: gap });
    it('fails a join retried the same day', () => {
      expect(rules('join-limit', joined(60_000))).toEqual(['retried-join-limit']);
      expect(rules('join-limit', joined(JOIN_LIMIT_WAIT_MS - 1))).toEqual(['retried-join-limit']);
    });
    it('accepts a join retried a day later', () => {
      expect(rules('join-limit', joined(JOIN_LIMIT_WAIT_MS))).toEqual([]);
    });
  });

  describe('no-backoff', () => {
    it('fails four immediate retries of a sustained failure', () => {
      const { verdict, findings } = grade('transient', log(...retried([3, 2, 4, 3])), EXITED_0);
      expect(verdict).toBe('fail');
      expect(findings.map((f) => f.rule)).toEqual(['no-backoff']);
      expect(findings[0]?.requests).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    });

    it('never judges from fewer than four retries, however short the gaps', () => {
      expect(rules('transient', log(...retried([0, 0, 0])))).toEqual([]);
      expect(rules('transient', log(...retried([0])))).toEqual([]);
    });

    it('fails a total just under the threshold and passes one just over it', () => {
      // 4 % of 250 + 500 + 1000 + 2000 ms is 150 ms; one long gap keeps the every-gap test out of it.
      expect(rules('transient', log(...retried([80, 20, 20, 29])))).toEqual(['no-backoff']);
      expect(rules('transient', log(...retried([80, 20, 20, 31])))).toEqual([]);
    });

    it(`fails when every gap is under ${NO_BACKOFF_GAP_MS} ms, and passes when one is not`, () => {
      // Their total (168 ms) is over the total threshold: only the every-gap test catches these.
      expect(rules('transient', log(...retried([49, 30, 49, 40])))).toEqual(['no-backoff']);
      expect(rules('transient', log(...retried([49, 30, 49, 50])))).toEqual([]);
    });

    it('judges a run the command gave up on, too', () => {
      const failing = log({ at: 0, ...e503 }, { at: 1, ...e503 }, { at: 2, ...e503 }, { at: 3, ...e503 }, { at: 4, ...e503 });
      expect(grade('transient', failing, EXITED_1).findings.map((f) => f.rule)).toEqual(['no-backoff', 'gave-up-on-retryable']);
    });

    it('never flags a full-jitter client over many seeded runs, and always flags an immediate one', () => {
      // Uniform draws in [0, 1): from integers without bias (fast-check otherwise favours the ends of a
      // range, and its doubles crowd near 0), as Math.random gives them.
      const draw = fc.integer({ min: 0, max: 0xffffffff }).map((n) => n / 2 ** 32);
      const run = fc.noBias(fc.record({ retries: fc.integer({ min: 4, max: 6 }), draws: fc.array(draw, { minLength: 6, maxLength: 6 }) }));
      const settings = { seed: 20260105, numRuns: 3000 };
      fc.assert(
        fc.property(run, ({ retries, draws }) => {
          // The smallest base the grader assumes: the worst case for a legitimate client.
          const gaps = draws.slice(0, retries).map((r, i) => backoffDelay(i + 1, { baseMs: BACKOFF_MIN_BASE_MS }, () => r));
          expect(rules('transient', log(...retried(gaps)))).not.toContain('no-backoff');
        }),
        settings,
      );
      fc.assert(
        fc.property(run, ({ retries, draws }) => {
          // An immediate retry on a busy machine: up to 40 ms of client overhead each time.
          const gaps = draws.slice(0, retries).map((r) => Math.floor(r * 40));
          expect(rules('transient', log(...retried(gaps)))).toContain('no-backoff');
        }),
        settings,
      );
    });
  });

  describe('no-jitter', () => {
    const calls = (gaps: readonly number[]) => log(...gaps.flatMap((gap, i) => retried([gap], e500, `C${i}`).map((s) => ({ ...s, at: s.at + i * 5000 }))));

    it('warns when every worker waits the same before its retry', () => {
      const { verdict, findings } = grade('transient', calls([1000, 1000, 1000]), EXITED_0);
      expect(verdict).toBe('warn');
      expect(findings.map((f) => f.rule)).toEqual(['no-jitter']);
    });

    it('warns for a spread at the tolerance and passes one just over it', () => {
      const tolerance = NO_JITTER_TOLERANCE_RATIO * 1000; // 50 ms around a 1 s mean
      expect(rules('transient', calls([1000 - tolerance / 2, 1000, 1000 + tolerance / 2]))).toEqual(['no-jitter']);
      expect(rules('transient', calls([975, 1000, 1027]))).toEqual([]);
    });

    it('passes jittered delays, too few samples, and equal waits the server asked for', () => {
      expect(rules('transient', calls([1000, 1300, 700]))).toEqual([]);
      expect(rules('transient', calls([1000, 1000]))).toEqual([]);
      const told = log(...[0, 1, 2].flatMap((i) => retried([1000], { status: 429, code: 'ProjectRateLimitExceeded', retryAfterMs: 1000 }, `C${i}`).map((s) => ({ ...s, at: s.at + i * 5000 }))));
      expect(rules('quota', told)).toEqual([]);
    });

    it('warns for one call that always waits the same', () => {
      expect(rules('transient', log(...retried([500, 500, 500, 500])))).toEqual(['no-jitter']);
    });
  });

  describe('ignored-retry-after', () => {
    const quota = { status: 429, code: 'ProjectRateLimitExceeded', retryAfterMs: 1000 };
    it('fails a retry sooner than the Retry-After', () => {
      expect(rules('quota', log(...retried([500], quota)))).toEqual(['ignored-retry-after']);
      expect(rules('quota', log(...retried([1000 - RETRY_AFTER_SLACK_MS - 1], quota)))).toEqual(['ignored-retry-after']);
    });
    it('passes a retry after it (within the clock slack)', () => {
      expect(rules('quota', log(...retried([1000 - RETRY_AFTER_SLACK_MS], quota)))).toEqual([]);
      expect(rules('quota', log(...retried([1500], quota)))).toEqual([]);
    });
  });

  describe('gave-up-on-retryable', () => {
    it('fails a command that exited non-zero or timed out after a transient failure', () => {
      const { findings } = grade('transient', log({ at: 0, ...e500 }), EXITED_1);
      expect(findings).toEqual([expect.objectContaining({ rule: 'gave-up-on-retryable', severity: 'fail', requests: ['r1'] })]);
      expect(rules('quota', log({ at: 0, status: 429, code: 'ProjectRateLimitExceeded' }), TIMED_OUT)).toEqual(['gave-up-on-retryable']);
      expect(rules('transient', log({ at: 0, status: 0, code: 'NetworkError', fault: 'reset-connection' }), CRASHED)).toEqual(['gave-up-on-retryable']);
    });
    it('fails a command that exited 0 without ever completing the failed call', () => {
      expect(rules('transient', log({ at: 0, ...e500 }, { at: 300, fingerprint: 'B' }))).toEqual(['gave-up-on-retryable']);
    });
    it('passes a command that retried and completed', () => {
      expect(rules('transient', log(...retried([400])))).toEqual([]);
    });
    it('has nothing to judge when no failure reached the command', () => {
      expect(rules('transient', log({ at: 0 }), EXITED_1)).toEqual([]);
    });
  });

  describe('no-request-timeout', () => {
    it('fails a command still waiting on a slow answer when the scenario ended', () => {
      expect(rules('slow', log({ at: 0 }), TIMED_OUT)).toEqual(['no-request-timeout']);
    });
    it('passes a command that gave up on the slow answer and retried', () => {
      expect(rules('slow', log({ at: 0, status: 200, fault: 'delay-120000ms' }, { at: 5000 }))).toEqual([]);
    });
  });

  describe('retry-storm', () => {
    // A backoff, and not a constant one: only the attempt count is at stake.
    const attempts = (n: number) => retried(Array.from({ length: n - 1 }, (_, i) => 300 * 2 ** i + 13 * i), { status: 429, code: 'ProjectRateLimitExceeded' });
    it(`fails more than ${RETRY_STORM_MAX_ATTEMPTS} attempts of one call`, () => {
      expect(rules('quota', log(...attempts(RETRY_STORM_MAX_ATTEMPTS + 1)))).toEqual(['retry-storm']);
    });
    it(`passes ${RETRY_STORM_MAX_ATTEMPTS} attempts`, () => {
      expect(rules('quota', log(...attempts(RETRY_STORM_MAX_ATTEMPTS)))).toEqual([]);
    });

    // n calls, each failing once and retried once, all the retries within one second.
    const burst = (n: number) => log(...Array.from({ length: n }, (_, i) => retried([100 + 7 * i], e503, `C${i}`)).flat());
    it('fails more retries in one second than the budget (10 plus 10 % of the calls)', () => {
      expect(rules('transient', burst(12))).toEqual(['retry-storm']);
    });
    it('passes retries within the budget', () => {
      expect(rules('transient', burst(11))).toEqual([]);
    });
  });

  describe('crashed-on-expected-error', () => {
    const refused = log({ at: 0, ...fails('CourseMemberLimitReached', 400) });
    it('warns when the command died of an uncaught exception on a documented error', () => {
      const { verdict, findings } = grade('non-retryable', refused, CRASHED);
      expect(verdict).toBe('warn');
      expect(findings).toEqual([expect.objectContaining({ rule: 'crashed-on-expected-error', severity: 'warn', requests: ['r1'] })]);
    });
    it('passes a command that reported the error and exited non-zero', () => {
      expect(rules('non-retryable', refused, EXITED_1)).toEqual([]);
    });
    it('applies to the join limit too, and not to transient failures', () => {
      expect(rules('join-limit', log({ at: 0, ...fails('UserCourseJoinRateLimitReached', 429) }), CRASHED)).toEqual(['crashed-on-expected-error']);
      expect(rules('transient', log(...retried([400])), CRASHED)).not.toContain('crashed-on-expected-error');
    });
  });
});
