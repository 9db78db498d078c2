import { CATALOG, type ErrorCode } from 'classroom-errors';

/**
 * What a scenario's failure is, for the grader:
 * - `transient`: a few retries with backoff get through (500, 503, a dropped connection, a cut body);
 * - `quota`: the per-project quota runs out for a short window;
 * - `slow`: one answer takes longer than any reasonable client timeout;
 * - `non-retryable`: the same request fails until someone changes something (FAILED_PRECONDITION,
 *   PERMISSION_DENIED, MissingGrant);
 * - `join-limit`: UserCourseJoinRateLimitReached, which only a day's wait resolves.
 */
export type ScenarioKind = 'transient' | 'quota' | 'slow' | 'non-retryable' | 'join-limit';

/** One failure pattern, armed on a fresh emulator before the command runs. */
export interface Scenario {
  /** Stable name, for `--scenario` and the reports. */
  name: string;
  kind: ScenarioKind;
  /** The catalog code the injected failure carries (its explanation goes in the report). */
  code: ErrorCode;
  /** What is injected, in words. */
  injected: string;
  /** Fault instructions (platform/faults.ts grammar), scripted on each of `methods`. */
  instructions?: readonly string[];
  /** The Classroom methods (discovery ids) the faults are armed on. */
  methods: readonly string[];
  /** A real quota window instead of faults. */
  quota?: { retryAfter: boolean; queriesPerWindow: number; windowSeconds: number };
}

/**
 * A delay no per-request timeout should sit through: a client that has one gives up on the slow answer
 * and retries; one without it waits until the scenario's timeout ends it.
 */
export const SLOW_RESPONSE_MS = 120_000;

/** Failures in a row in the sustained-outage scenario: enough retries to judge backoff on (see grader). */
export const SUSTAINED_FAILURES = 4;

/**
 * The quota scenarios' moving window, in seconds of the virtual clock (which follows real time): short,
 * so a client that waits for the window gets through in seconds.
 */
export const QUOTA_WINDOW_SECONDS = 2;

/** The FAILED_PRECONDITION codes of the specification and the methods that return them. */
function preconditionCodes(): { code: ErrorCode; methods: readonly string[] }[] {
  return Object.values(CATALOG)
    .filter((entry) => entry.status === 'FAILED_PRECONDITION' && entry.inSpecification && entry.token)
    .map((entry) => ({ code: entry.code, methods: entry.methods }));
}

function returning(methods: readonly string[], used: readonly string[]): string[] {
  return methods.includes('*') ? [...used] : used.filter((m) => methods.includes(m));
}

/**
 * The scenarios that apply to a command, from the Classroom methods its baseline run used and how many
 * calls it made: the transient ones on every used method, each specification code only on the used
 * methods the catalog says return it.
 *
 * @example
 * ```ts
 * planScenarios(['classroom.courses.students.list', 'classroom.courses.students.create'], 3)
 *   .map((s) => s.name); // ['internal-500-once', …, 'precondition-CourseMemberLimitReached', …, 'join-limit', 'permission-denied']
 * ```
 */
export function planScenarios(used: readonly string[], baselineCalls: number): Scenario[] {
  const all = [...used];
  // About half the baseline's calls fit in a window, so the quota runs out part-way through the job.
  const queriesPerWindow = Math.max(1, Math.floor(baselineCalls / 2));
  const scenarios: Scenario[] = [
    { name: 'internal-500-once', kind: 'transient', code: 'INTERNAL', injected: 'HTTP 500 INTERNAL once on each method', instructions: ['return-500'], methods: all },
    { name: 'internal-500-twice', kind: 'transient', code: 'INTERNAL', injected: 'HTTP 500 INTERNAL twice in a row on each method', instructions: ['return-500', 'return-500'], methods: all },
    {
      name: 'unavailable-503-sustained',
      kind: 'transient',
      code: 'UNAVAILABLE',
      injected: `HTTP 503 UNAVAILABLE ${SUSTAINED_FAILURES} times in a row on each method`,
      instructions: Array.from({ length: SUSTAINED_FAILURES }, () => 'return-503'),
      methods: all,
    },
    {
      name: 'quota-429',
      kind: 'quota',
      code: 'ProjectRateLimitExceeded',
      injected: `project quota of ${queriesPerWindow} queries per ${QUOTA_WINDOW_SECONDS} s, no Retry-After (as production)`,
      methods: all,
      quota: { retryAfter: false, queriesPerWindow, windowSeconds: QUOTA_WINDOW_SECONDS },
    },
    {
      name: 'quota-429-retry-after',
      kind: 'quota',
      code: 'ProjectRateLimitExceeded',
      injected: `project quota of ${queriesPerWindow} queries per ${QUOTA_WINDOW_SECONDS} s, with Retry-After`,
      methods: all,
      quota: { retryAfter: true, queriesPerWindow, windowSeconds: QUOTA_WINDOW_SECONDS },
    },
    { name: 'connection-reset', kind: 'transient', code: 'NetworkError', injected: 'connection reset once on each method', instructions: ['reset-connection'], methods: all },
    { name: 'partial-body', kind: 'transient', code: 'NetworkError', injected: 'body cut short once on each method', instructions: ['close-after-partial-body'], methods: all },
    {
      name: 'slow-response',
      kind: 'slow',
      code: 'DEADLINE_EXCEEDED',
      injected: `one answer delayed ${SLOW_RESPONSE_MS / 1000} s on each method`,
      instructions: [`delay-${SLOW_RESPONSE_MS}ms`],
      methods: all,
    },
  ];
  for (const { code, methods } of preconditionCodes()) {
    const on = returning(methods, used);
    if (on.length > 0) scenarios.push({ name: `precondition-${code}`, kind: 'non-retryable', code, injected: `400 @${code} once on ${on.join(', ')}`, instructions: [`return-${code}`], methods: on });
  }
  const grant = returning(CATALOG.MissingGrant.methods, used);
  if (grant.length > 0) scenarios.push({ name: 'missing-grant', kind: 'non-retryable', code: 'MissingGrant', injected: `403 @MissingGrant once on ${grant.join(', ')}`, instructions: ['return-MissingGrant'], methods: grant });
  const joins = returning(CATALOG.UserCourseJoinRateLimitReached.methods, used);
  if (joins.length > 0) {
    scenarios.push({
      name: 'join-limit',
      kind: 'join-limit',
      code: 'UserCourseJoinRateLimitReached',
      injected: `429 @UserCourseJoinRateLimitReached once on ${joins.join(', ')}`,
      instructions: ['return-UserCourseJoinRateLimitReached'],
      methods: joins,
    });
  }
  scenarios.push({ name: 'permission-denied', kind: 'non-retryable', code: 'PERMISSION_DENIED', injected: 'HTTP 403 PERMISSION_DENIED once on each method', instructions: ['return-403'], methods: all });
  return scenarios;
}
