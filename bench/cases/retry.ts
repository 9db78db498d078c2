import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { join } from 'node:path';
import { classroom, type classroom_v1 } from '@googleapis/classroom';
import { budgetAdapter, RetryBudget, retryConfig, withRetry, type RetryBudgetStats } from 'classroom-errors';
import { OAuth2Client } from 'google-auth-library';
import pRetry from 'p-retry';
import { renderSvg, chartConfig } from '../lib/chart.js';
import {
  BENCH_DIR,
  fmt,
  jain,
  sleep,
  spawnJson,
  table,
  targetsTable,
  type CaseContext,
  type CaseResult,
  type Target,
} from '../lib/common.js';
import { admin, call, seedCourse, unlimited, user } from '../lib/seed.js';

const SERVER = join(BENCH_DIR, 'servers/emulator.mjs');

/** What the client saw: every HTTP attempt, by status. */
class Counter {
  attempts = 0;
  byStatus = new Map<number, number>();
  record(status: number): void {
    this.attempts++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }
  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }
}

type Adapter = (
  options: unknown,
  next: (options: unknown) => Promise<{ status: number }>,
) => Promise<{ status: number }>;

/** The call an attempt belongs to: the storm runs each call in its own context, the adapter counts into it. */
const currentCall = new AsyncLocalStorage<{ attempts: number }>();

/** A gaxios adapter that records every attempt's status (0 for a transport error), optionally inside another adapter. */
function counting(counter: Counter, inner?: Adapter): Adapter {
  const observe: Adapter = async (options, next) => {
    const call = currentCall.getStore();
    if (call) call.attempts++;
    try {
      const response = await next(options);
      counter.record(response.status);
      return response;
    } catch (e) {
      counter.record((e as { response?: { status?: number } }).response?.status ?? 0);
      throw e;
    }
  };
  return inner ? (options, next) => inner(options, (o) => observe(o, next)) : observe;
}

function client(url: string, token: string, extra: Record<string, unknown>): classroom_v1.Classroom {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return classroom({ version: 'v1', rootUrl: `${url}/`, auth, retry: false, ...extra } as Parameters<
    typeof classroom
  >[0]);
}

interface Policy {
  name: string;
  /** Ours: judged against the targets. */
  ours: boolean;
  retryAfter: boolean;
  /** Builds one shared client (or wrapper) for all workers and returns a function making one call. */
  make(url: string, token: string, counter: Counter, signal: AbortSignal): Runner;
}

type Runner = ((call: (api: classroom_v1.Classroom, signal?: AbortSignal) => Promise<unknown>) => Promise<unknown>) & {
  budget?: () => RetryBudgetStats;
};

function withBudget(run: Runner, budget: RetryBudget | undefined): Runner {
  if (budget) run.budget = () => budget.stats;
  return run;
}

const POLICIES: Policy[] = [
  {
    name: 'no retry',
    ours: false,
    retryAfter: false,
    make(url, token, counter) {
      const api = client(url, token, { adapter: counting(counter) });
      return (fn) => fn(api);
    },
  },
  {
    name: 'gaxios defaults (retry: true)',
    ours: false,
    retryAfter: false,
    make(url, token, counter) {
      const api = client(url, token, { retry: true, adapter: counting(counter) });
      return (fn) => fn(api);
    },
  },
  {
    name: 'p-retry defaults',
    ours: false,
    retryAfter: false,
    make(url, token, counter, signal) {
      const api = client(url, token, { adapter: counting(counter) });
      return (fn) => pRetry(() => fn(api), { signal });
    },
  },
  ...[true, false].flatMap((retryAfter) =>
    [true, false].map((budgeted): Policy => ({
      name: `gaxios + retryConfig()${budgeted ? ' + shared RetryBudget (budgetAdapter)' : ''}, Retry-After ${retryAfter ? 'on' : 'off'}`,
      ours: true,
      retryAfter,
      make(url, token, counter) {
        const budget = budgeted ? new RetryBudget() : undefined;
        const api = client(url, token, {
          retryConfig: retryConfig({ ...(budget ? { budget } : {}), deadlineMs: 60_000 }),
          adapter: budget ? counting(counter, budgetAdapter(budget) as unknown as Adapter) : counting(counter),
        });
        return withBudget((fn) => fn(api), budget);
      },
    })),
  ),
  ...[true, false].flatMap((retryAfter) =>
    [true, false].map((budgeted): Policy => ({
      name: `withRetry${budgeted ? ' + shared RetryBudget' : ''}, Retry-After ${retryAfter ? 'on' : 'off'}`,
      ours: true,
      retryAfter,
      make(url, token, counter, signal) {
        const budget = budgeted ? new RetryBudget() : undefined;
        const api = client(url, token, { adapter: counting(counter) });
        return withBudget(
          (fn) =>
            withRetry(({ signal: s }) => fn(api, s), { ...(budget ? { budget } : {}), deadlineMs: 60_000, signal }),
          budget,
        );
      },
    })),
  ),
];

interface StormResult {
  policy: Policy;
  calls: number;
  completed: number;
  gaveUp: number;
  cutByLimit: number;
  makespanMs: number;
  attempts: number;
  rejected429: number;
  serverRejected?: number;
  fairness: number;
  workerFinishMs: number[];
  errors: Map<string, number>;
  /** Attempts a given-up call had made → how many calls. */
  giveUpAttempts: Map<number, number>;
  budget?: RetryBudgetStats;
}

async function storm(
  url: string,
  token: string,
  policy: Policy,
  shape: { workers: number; calls: number; limit: number; windowS: number; timeLimitMs: number },
  courseId: string,
): Promise<StormResult> {
  await admin(url, 'PATCH', '/quota', { retryAfter: policy.retryAfter });
  await admin(url, 'DELETE', '/requests').catch(() => undefined);
  const counter = new Counter();
  const abort = new AbortController();
  setMaxListeners(10_000, abort.signal);
  const timer = setTimeout(() => abort.abort(new Error('bench time limit')), shape.timeLimitMs);
  const run = policy.make(url, token, counter, abort.signal);
  const started = performance.now();
  const finish: number[] = [];
  const successes: number[] = [];
  const errors = new Map<string, number>();
  const giveUpAttempts = new Map<number, number>();
  let gaveUp = 0;
  let cut = 0;
  await Promise.all(
    Array.from({ length: shape.workers }, async (_, w) => {
      let ok = 0;
      for (let i = 0; i < shape.calls; i++) {
        if (abort.signal.aborted) {
          cut++;
          continue;
        }
        const call = { attempts: 0 };
        try {
          await currentCall.run(call, () =>
            run((api, signal) => api.courses.get({ id: courseId }, signal ? { signal } : {})),
          );
          ok++;
        } catch (e) {
          if (abort.signal.aborted) cut++;
          else {
            gaveUp++;
            giveUpAttempts.set(call.attempts, (giveUpAttempts.get(call.attempts) ?? 0) + 1);
          }
          const status =
            (e as { response?: { status?: number }; httpStatus?: number }).response?.status ??
            (e as { httpStatus?: number }).httpStatus ??
            0;
          const key = `${status} ${(e as Error).name}`;
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }
      }
      finish[w] = performance.now() - started;
      successes[w] = ok;
    }),
  );
  clearTimeout(timer);
  const makespanMs = performance.now() - started;
  let serverRejected: number | undefined;
  try {
    serverRejected = (await admin<{ matched: number }>(url, 'GET', '/requests?status=429&limit=1')).matched;
  } catch {
    serverRejected = undefined;
  }
  const throughput = finish.map((ms, w) => (successes[w]! / Math.max(ms, 1)) * 1000);
  return {
    policy,
    calls: shape.workers * shape.calls,
    completed: successes.reduce((a, b) => a + b, 0),
    gaveUp,
    cutByLimit: cut,
    giveUpAttempts,
    makespanMs,
    attempts: counter.attempts,
    rejected429: counter.count(429),
    ...(serverRejected !== undefined ? { serverRejected } : {}),
    fairness: jain(throughput),
    workerFinishMs: finish,
    errors,
    ...(run.budget ? { budget: run.budget() } : {}),
  };
}

interface JoinResult {
  name: string;
  ours: boolean;
  joins: number;
  refused: number;
  attemptsOnRefused: number;
  retries: number;
  serverCount?: number;
}

/** Students joining past UserCourseJoinRateLimitReached: how many times each policy re-sends a refused join. */
async function joinScenario(url: string, ctx: CaseContext): Promise<{ rows: JoinResult[]; note?: string }> {
  const students = ctx.quick ? 2 : 5;
  const perStudent = 4;
  const dailyJoins = 2;
  const cutS = ctx.quick ? 1.5 : 4;
  await admin(url, 'PATCH', '/limits', { userDailyJoins: dailyJoins });
  const teacher = await user(url, 'joins.teacher@bench.school', { canCreateCourses: true });
  const codes: { id: string; code: string }[] = [];
  for (let c = 0; c < perStudent; c++) {
    const course = await call<{ id: string; enrollmentCode?: string }>(
      url,
      'POST',
      '/v1/courses',
      { name: `Join ${c}`, ownerId: 'me', courseState: 'ACTIVE' },
      teacher.token,
    );
    if (!course.enrollmentCode)
      return { rows: [], note: 'courses.create returned no enrollmentCode: join scenario not run' };
    codes.push({ id: course.id, code: course.enrollmentCode });
  }
  const policies: {
    name: string;
    ours: boolean;
    wrap: (
      api: (c: Counter) => classroom_v1.Classroom,
      counter: Counter,
    ) => (fn: (api: classroom_v1.Classroom) => Promise<unknown>) => Promise<unknown>;
  }[] = [
    {
      name: 'withRetry (ours)',
      ours: true,
      wrap: (mk, c) => {
        const api = mk(c);
        const budget = new RetryBudget();
        return (fn) => withRetry(() => fn(api), { budget, idempotent: false, deadlineMs: 30_000 });
      },
    },
    {
      name: 'gaxios + retryConfig() (ours)',
      ours: true,
      wrap: (mk, c) => {
        const api = mk(c);
        return (fn) => fn(api);
      },
    },
    {
      name: 'gaxios defaults (retry: true)',
      ours: false,
      wrap: (mk, c) => {
        const api = mk(c);
        return (fn) => fn(api);
      },
    },
    {
      name: `p-retry defaults (cut at ${cutS} s)`,
      ours: false,
      wrap: (mk, c) => {
        const api = mk(c);
        return (fn) => pRetry(() => fn(api), { signal: AbortSignal.timeout(cutS * 1000) });
      },
    },
  ];
  const rows: JoinResult[] = [];
  for (const [p, policy] of policies.entries()) {
    await admin(url, 'PATCH', '/quota', { retryAfter: false });
    await admin(url, 'DELETE', '/requests').catch(() => undefined);
    let joins = 0;
    let refused = 0;
    let attemptsOnRefused = 0;
    await Promise.all(
      Array.from({ length: students }, async (_, s) => {
        const student = await user(url, `joiner${p}.${s}@bench.school`, { canCreateCourses: false });
        for (const course of codes) {
          const counter = new Counter();
          const extra = policy.name.startsWith('gaxios + retryConfig')
            ? { retryConfig: retryConfig({ deadlineMs: 30_000 }) }
            : policy.name.startsWith('gaxios defaults')
              ? { retry: true }
              : {};
          const make = (c: Counter) => client(url, student.token, { ...extra, adapter: counting(c) });
          const run = policy.wrap(make, counter);
          try {
            await run((api) =>
              api.courses.students.create({
                courseId: course.id,
                enrollmentCode: course.code,
                requestBody: { userId: 'me' },
              }),
            );
            joins++;
          } catch {
            refused++;
            attemptsOnRefused += counter.attempts;
          }
        }
      }),
    );
    let serverCount: number | undefined;
    try {
      serverCount = (
        await admin<{ matched: number }>(url, 'GET', '/requests?code=UserCourseJoinRateLimitReached&limit=1')
      ).matched;
    } catch {
      serverCount = undefined;
    }
    rows.push({
      name: policy.name,
      ours: policy.ours,
      joins,
      refused,
      attemptsOnRefused,
      retries: attemptsOnRefused - refused,
      ...(serverCount !== undefined ? { serverCount } : {}),
    });
  }
  return { rows };
}

/** Case 4: 20 workers × 20 calls against a 100-calls-per-window project quota, policy by policy. */
export async function retry(ctx: CaseContext): Promise<CaseResult> {
  const shape = ctx.quick
    ? { workers: 3, calls: 4, limit: 8, windowS: 1, timeLimitMs: 15_000 }
    : { workers: 20, calls: 20, limit: 100, windowS: 2, timeLimitMs: 90_000 };
  const rate = shape.limit / shape.windowS;
  const physicalMs = ((shape.workers * shape.calls) / rate) * 1000;
  const child = spawnJson(SERVER, { store: 'memory', seed: 11 });
  const results: StormResult[] = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  let joins: Awaited<ReturnType<typeof joinScenario>> = { rows: [] };
  try {
    const { url } = await child.next<{ url: string }>((m) => m.ready === true, 60_000);
    await unlimited(url);
    const seeded = await seedCourse(url, 'rt', 0);
    try {
      await admin(url, 'GET', '/quota');
    } catch (e) {
      notes.push(
        `GET /emulator/v1/quota failed (${(e as Error).message.slice(0, 120)}): Retry-After cannot be switched.`,
      );
    }
    for (const policy of POLICIES) {
      await admin(url, 'PATCH', '/limits', {
        projectQueriesPerMinute: shape.limit,
        quotaWindowSeconds: shape.windowS,
        userQueriesPerMinute: 1_000_000_000,
      });
      // The moving window empties: the quota runs on the virtual clock, so advance it past the window
      // (or, on an emulator without the clock endpoint, wait it out).
      await admin(url, 'POST', '/clock:advance', { seconds: shape.windowS + 1 }).catch(() =>
        sleep(shape.windowS * 1000 + 300),
      );
      ctx.log(
        `[retry] ${policy.name}: ${shape.workers} workers × ${shape.calls} calls, quota ${shape.limit} per ${shape.windowS} s`,
      );
      const r = await storm(url, seeded.teacherToken, policy, shape, seeded.courseId);
      results.push(r);
      ctx.log(
        `[retry]   ${r.completed}/${r.calls} completed in ${fmt(r.makespanMs / 1000, 2)} s, ${r.rejected429} × 429 of ${r.attempts} attempts`,
      );
    }
    await unlimited(url);
    await admin(url, 'PATCH', '/quota', { retryAfter: false });
    joins = await joinScenario(url, ctx);
    if (joins.note) notes.push(joins.note);
  } finally {
    await child.stop();
  }

  const rows = results.map((r) => [
    r.policy.name + (r.policy.ours ? ' **(ours)**' : ''),
    `${fmt((100 * r.completed) / r.calls, 1)} %`,
    fmt(r.makespanMs / 1000, 2),
    `${fmt(r.makespanMs / physicalMs, 2)}×`,
    r.attempts,
    `${r.rejected429} (${fmt((100 * r.rejected429) / Math.max(1, r.attempts), 1)} %)`,
    r.serverRejected ?? '—',
    fmt(r.fairness, 3),
    r.gaveUp +
      (r.giveUpAttempts.size
        ? ` (after ${[...r.giveUpAttempts.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([attempts, calls]) => `${attempts} attempts: ${calls}`)
            .join(', ')})`
        : '') +
      (r.cutByLimit ? ` (+${r.cutByLimit} cut at ${shape.timeLimitMs / 1000} s)` : ''),
    r.budget ? `${r.budget.retries} allowed / ${r.budget.denied} denied` : '—',
    [...r.errors.entries()].map(([k, v]) => `${v}× ${k}`).join(', ') || '—',
  ]);

  const total = shape.workers * shape.calls;
  const windows = Math.ceil(total / shape.limit);
  const floor429 = shape.workers * (windows - 1);
  for (const r of results.filter((x) => x.policy.ours)) {
    const ra = r.policy.retryAfter;
    const label = r.policy.name;
    const completedPct = (100 * r.completed) / r.calls;
    const ratio = r.makespanMs / physicalMs;
    const waste = (100 * r.rejected429) / Math.max(1, r.attempts);
    let why: string | undefined;
    if (r.gaveUp > 0) {
      const denied = Math.min(r.budget?.denied ?? 0, r.gaveUp);
      const parts: string[] = [];
      if (denied > 0)
        parts.push(
          `the shared RetryBudget denied ${denied} retries (it allows 10 % of calls + 10 retries/s; this storm needs about one retry per worker per window, ${fmt(shape.workers / shape.windowS, 0)}/s, and more without Retry-After)`,
        );
      const atMax = r.giveUpAttempts.get(5) ?? 0;
      if (r.gaveUp - denied > 0)
        parts.push(
          `${atMax} of them after all 5 attempts, the default maxAttempts (${ra ? 'Retry-After sleeps of whole seconds while other workers take the freed slots' : 'full-jitter delays of U[0, 0.5·2^(n−1)] s, at most 7.5 s in all, end before the queue ahead of them drains'})`,
        );
      why = `${r.gaveUp} calls gave up with the 429: ${parts.join('; ')}`;
    }
    const spread = `worker finish times ${fmt(Math.min(...r.workerFinishMs) / 1000, 1)}–${fmt(Math.max(...r.workerFinishMs) / 1000, 1)} s`;
    targets.push({
      name: `completed — ${label}`,
      goal: '100 %',
      measured: `${fmt(completedPct, 1)} %`,
      met: r.completed === r.calls,
      ...(why ? { reason: why } : {}),
    });
    const ratioGoal = ra ? 1.1 : 1.25;
    targets.push({
      name: `makespan ÷ physical limit — ${label}`,
      goal: `≤ ${fmt(ratioGoal, 2)}×`,
      measured: `${fmt(ratio, 2)}×${r.completed < r.calls ? ' (not comparable: calls gave up)' : ''}`,
      met: ratio <= ratioGoal && r.completed === r.calls,
      ...(r.completed < r.calls
        ? { reason: 'calls gave up early, so the makespan covers only part of the work' }
        : ratio > ratioGoal
          ? { reason: 'backoff sleeps leave quota unused after windows free up' }
          : {}),
    });
    const wasteGoal = ra ? 2 : 10;
    targets.push({
      name: `wasted calls (429 ÷ attempts) — ${label}`,
      goal: `≤ ${wasteGoal} %`,
      measured: `${fmt(waste, 1)} % (${r.rejected429} of ${r.attempts})`,
      met: waste <= wasteGoal,
      ...(waste > wasteGoal
        ? {
            reason: ra
              ? `each of the ${shape.workers} workers learns that the window is full from its own 429, once per window after the first: ${shape.workers} × (${windows} − 1) = ${floor429} 429s of ${total + floor429} attempts (${fmt((100 * floor429) / (total + floor429), 1)} %) is the floor for workers that retry independently; ≤ ${wasteGoal} % needs the workers to share one pause when the first of them gets a Retry-After`
              : 'without Retry-After every worker guesses the window with jittered backoff and retries into a full window',
          }
        : {}),
    });
    targets.push({
      name: `Jain fairness — ${label}`,
      goal: '≥ 0.98',
      measured: fmt(r.fairness, 3),
      met: r.fairness >= 0.98 && r.completed === r.calls,
      ...(r.completed < r.calls
        ? { reason: `workers whose calls gave up have less goodput; ${spread}` }
        : r.fairness < 0.98
          ? {
              reason: `${spread}: a worker asleep in a ${ra ? 'Retry-After' : 'backoff'} loses the freed slots to workers that arrive while the window has room`,
            }
          : {}),
    });
  }
  for (const j of joins.rows.filter((x) => x.ours)) {
    targets.push({
      name: `retries of UserCourseJoinRateLimitReached — ${j.name}`,
      goal: '0',
      measured: `${j.retries} (${j.refused} refused joins, ${j.attemptsOnRefused} attempts${j.serverCount !== undefined ? `; emulator log: ${j.serverCount}` : ''})`,
      met: j.refused > 0 && j.retries === 0,
      ...(j.refused === 0
        ? { reason: 'no join was refused: the scenario did not reach the limit' }
        : j.retries > 0
          ? { reason: 'the policy re-sent a join the daily limit refused' }
          : {}),
    });
  }
  if (joins.rows.length === 0)
    targets.push({
      name: 'retries of UserCourseJoinRateLimitReached',
      goal: '0',
      measured: 'not measured',
      met: false,
      reason: joins.note ?? 'scenario failed',
    });

  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: chartConfig,
    title: `Quota storm: ${shape.workers} workers × ${shape.calls} calls, ${shape.limit} calls per ${shape.windowS} s`,
    hconcat: [
      {
        width: 260,
        height: 220,
        data: {
          values: results.map((r) => ({
            policy: short(r.policy.name),
            completed: (100 * r.completed) / r.calls,
            ours: r.policy.ours ? 'ours' : 'others',
          })),
        },
        mark: 'bar',
        encoding: {
          y: { field: 'policy', type: 'nominal', sort: null, title: null, axis: { labelLimit: 600 } },
          x: { field: 'completed', type: 'quantitative', title: 'completed %', scale: { domain: [0, 100] } },
          color: { field: 'ours', type: 'nominal', title: null },
        },
      },
      {
        width: 200,
        height: 220,
        layer: [
          {
            data: {
              values: results.map((r) => ({
                policy: short(r.policy.name),
                ratio: r.makespanMs / physicalMs,
                ours: r.policy.ours ? 'ours' : 'others',
              })),
            },
            mark: 'bar',
            encoding: {
              y: { field: 'policy', type: 'nominal', sort: null, title: null, axis: { labels: false } },
              x: { field: 'ratio', type: 'quantitative', title: 'makespan ÷ physical limit' },
              color: { field: 'ours', type: 'nominal', title: null },
            },
          },
          {
            data: { values: [{ x: 1 }] },
            mark: { type: 'rule', strokeDash: [4, 3] },
            encoding: { x: { field: 'x', type: 'quantitative' } },
          },
        ],
      },
      {
        width: 200,
        height: 220,
        data: {
          values: results.map((r) => ({
            policy: short(r.policy.name),
            waste: (100 * r.rejected429) / Math.max(1, r.attempts),
            ours: r.policy.ours ? 'ours' : 'others',
          })),
        },
        mark: 'bar',
        encoding: {
          y: { field: 'policy', type: 'nominal', sort: null, title: null, axis: { labels: false } },
          x: { field: 'waste', type: 'quantitative', title: '429s % of attempts' },
          color: { field: 'ours', type: 'nominal', title: null },
        },
      },
    ],
  });

  const markdown = [
    `Storm: ${shape.workers} concurrent workers, each making ${shape.calls} sequential \`courses.get\` calls through the official \`@googleapis/classroom\` client, one token (one Cloud project) for all,`,
    `against an emulator in its own process with \`projectQueriesPerMinute: ${shape.limit}\` and \`quotaWindowSeconds: ${shape.windowS}\` (${shape.limit} calls per ${shape.windowS}-s moving window = ${fmt(rate, 0)} calls/s).`,
    `Physical limit = total calls ÷ quota rate = ${shape.workers * shape.calls} ÷ ${fmt(rate, 0)}/s = ${fmt(physicalMs / 1000, 2)} s (the first window's burst lets a perfect client finish slightly under it).`,
    "Attempts and 429s are counted at the client by a gaxios `adapter` wrapped around every request (retries included); the emulator's request log (`GET /emulator/v1/requests?status=429`) is shown beside it.",
    "Fairness: Jain's index over per-worker goodput (successful calls ÷ the worker's own finish time). Give-ups: calls that ended in an error; calls still running when the bench's time limit aborted the policy are counted separately.",
    'Ours are judged both as defaults (no budget: withRetry and retryConfig() make none unless given one) and as the README sets them up (one RetryBudget shared by all workers).',
    'Retry-After is switched with `PATCH /emulator/v1/quota {retryAfter}` (production sends none); each policy starts on an empty window (the virtual clock advanced past it with `POST /emulator/v1/clock:advance`), with a fresh RetryBudget where it uses one.',
    '',
    table(
      [
        'policy',
        'completed',
        'makespan (s)',
        '÷ physical limit',
        'HTTP attempts',
        '429s (waste)',
        '429s in emulator log',
        'Jain fairness',
        'give-ups',
        'RetryBudget retries',
        'errors',
      ],
      rows,
    ),
    '',
    '![retry](retry.svg)',
    '',
    `Join limit: \`userDailyJoins: 2\`; ${ctx.quick ? 2 : 5} new students per policy each join 4 courses with the enrollment code (\`courses.students.create\`, userId \`me\`, POST), so 2 of their 4 joins are refused with 429 UserCourseJoinRateLimitReached. Retries = attempts on refused joins − refused joins.`,
    '',
    table(
      [
        'policy',
        'joins',
        'refused',
        'attempts on refused joins',
        'retries',
        'UserCourseJoinRateLimitReached in emulator log',
      ],
      joins.rows.map((j) => [j.name, j.joins, j.refused, j.attemptsOnRefused, j.retries, j.serverCount ?? '—']),
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    '',
    targetsTable(targets),
  ].join('\n');
  return { title: 'Retry under a quota storm', markdown, files: { 'retry.svg': svg }, targets };
}

/** A policy name short enough for a chart axis. */
function short(name: string): string {
  return name
    .replace(' + shared RetryBudget (budgetAdapter)', ' + budget')
    .replace(' + shared RetryBudget', ' + budget')
    .replace('gaxios + retryConfig()', 'retryConfig()')
    .replace('Retry-After', 'RA');
}
