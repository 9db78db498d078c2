import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_DIR,
  fmt,
  fmtInt,
  PG_URL,
  postgresReachable,
  dropSchema,
  uniqueSchema,
  sleep,
  spawnJson,
  table,
  targetsTable,
  type CaseContext,
  type CaseResult,
  type JsonChild,
  type Target,
} from '../lib/common.js';
import { componentsOf, type CpuProfile } from '../lib/profile.js';
import { seedCourse, unlimited } from '../lib/seed.js';

const EMULATOR = join(BENCH_DIR, 'servers/emulator.mjs');
const LOAD = join(BENCH_DIR, 'servers/load.mjs');

interface Stats {
  userCpuMs: number;
  systemCpuMs: number;
  sqlStatements?: number;
}

/** The CPU (user + system, ms) each PostgreSQL backend of an application has used, by process id. */
async function backendCpuMs(applicationName: string): Promise<Map<number, number>> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName]);
    const ms = new Map<number, number>();
    for (const { pid } of rows) {
      try {
        // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command): utime, stime in ticks of 10 ms.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ms.set(pid, (Number(fields[11]) + Number(fields[12])) * 10);
      } catch {
        // the backend ended meanwhile
      }
    }
    return ms;
  } finally {
    await client.end();
  }
}

interface Measured {
  store: string;
  endpoint: string;
  requests: number;
  cpuUsPerRequest: number;
  statementsPerRequest: number;
  /** PostgreSQL backends' CPU per request (µs), PostgreSQL only. */
  databaseUsPerRequest?: number;
  components: { component: string; usPerRequest: number }[];
}

async function stats(server: JsonChild): Promise<Stats> {
  server.send({ cmd: 'stats' });
  return (await server.next<{ stats: Stats }>((m) => 'stats' in m, 10_000)).stats;
}

/** `n` sequential keep-alive GETs; fails on the first answer that is not 200. */
async function hammer(url: string, token: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  }
}

/**
 * Server CPU, statements and database CPU per request, and a CPU profile by component, over a load of
 * 10 keep-alive connections for `seconds` (the way the throughput case loads the server).
 */
async function measure(server: JsonChild, store: string, endpoint: string, url: string, token: string, seconds: number, applicationName?: string): Promise<Measured> {
  await hammer(url, token, 200);
  const before = await stats(server);
  const dbBefore = applicationName ? await backendCpuMs(applicationName) : new Map<number, number>();
  server.send({ cmd: 'profile-start' });
  await server.next((m) => 'profiling' in m, 10_000);
  const result = await loadRun({ url, headers: { authorization: `Bearer ${token}` }, connections: 10, duration: seconds });
  server.send({ cmd: 'profile-stop' });
  const { profile } = await server.next<{ profile: CpuProfile }>((m) => 'profile' in m, 60_000);
  // Backends that started during the run count whole; one that ended during it is missed (the pool keeps them 10 s).
  let databaseMs = 0;
  if (applicationName) for (const [pid, ms] of await backendCpuMs(applicationName)) databaseMs += ms - (dbBefore.get(pid) ?? 0);
  const after = await stats(server);
  if (result.non2xx + result.errors > 0) throw new Error(`${endpoint}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  const n = result.totalRequests;
  return {
    store,
    endpoint,
    requests: n,
    cpuUsPerRequest: ((after.userCpuMs + after.systemCpuMs - before.userCpuMs - before.systemCpuMs) * 1000) / n,
    statementsPerRequest: ((after.sqlStatements ?? 0) - (before.sqlStatements ?? 0)) / n,
    ...(applicationName ? { databaseUsPerRequest: (databaseMs * 1000) / n } : {}),
    components: componentsOf(profile, n),
  };
}

interface LoadResult {
  rps: number;
  totalRequests: number;
  non2xx: number;
  errors: number;
}

async function loadRun(config: Record<string, unknown>): Promise<LoadResult> {
  const child = spawnJson(LOAD, config);
  try {
    return (await child.next<{ result: LoadResult }>((m) => 'result' in m, 120_000)).result;
  } finally {
    await child.stop();
  }
}

/** Share of this application's active backends that wait on a lock, sampled while `during` runs. */
async function lockWaitShare(applicationName: string, during: Promise<unknown>): Promise<{ active: number; waiting: number; samples: number }> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  let done = false;
  void during.finally(() => (done = true));
  const out = { active: 0, waiting: 0, samples: 0 };
  try {
    while (!done) {
      const { rows } = await client.query<{ active: number; waiting: number }>(
        `select count(*)::int as active, count(*) filter (where wait_event_type = 'Lock')::int as waiting
           from pg_stat_activity where application_name = $1 and state = 'active'`,
        [applicationName],
      );
      out.active += rows[0]?.active ?? 0;
      out.waiting += rows[0]?.waiting ?? 0;
      out.samples++;
      await sleep(10);
    }
  } finally {
    await client.end();
  }
  return out;
}

/** Several measurements of one build and endpoint, added up: CPU and statements per request, components. */
function combine(runs: readonly Measured[]): Measured {
  const requests = runs.reduce((n, r) => n + r.requests, 0);
  const weighted = (f: (r: Measured) => number) => runs.reduce((sum, r) => sum + f(r) * r.requests, 0) / requests;
  const components = new Map<string, number>();
  for (const r of runs) for (const c of r.components) components.set(c.component, (components.get(c.component) ?? 0) + c.usPerRequest * r.requests);
  return {
    ...runs[0]!,
    requests,
    cpuUsPerRequest: weighted((r) => r.cpuUsPerRequest),
    statementsPerRequest: weighted((r) => r.statementsPerRequest),
    components: [...components].map(([component, us]) => ({ component, usPerRequest: us / requests })).sort((a, b) => b.usPerRequest - a.usPerRequest),
  };
}

/**
 * Two builds side by side on SQLite in memory (BENCH_COST_BASELINE: the dist folder of the other build),
 * measured in alternation so that both see the same load on the machine: the before/after of a change.
 */
async function compareBuilds(ctx: CaseContext, baseline: string, seconds: number, rounds: number): Promise<string> {
  const builds = [
    { name: 'baseline', server: spawnJson(EMULATOR, { store: 'memory', seed: 11, dist: baseline }) },
    { name: 'this tree', server: spawnJson(EMULATOR, { store: 'memory', seed: 11 }) },
  ];
  try {
    const prepared = [];
    for (const build of builds) {
      const { url } = await build.server.next<{ url: string }>((m) => m.ready === true, 60_000);
      await unlimited(url);
      const small = await seedCourse(url, 'c30', 30);
      prepared.push({ ...build, url, cases: [
        { endpoint: 'courses.get', path: `/v1/courses/${small.courseId}`, token: small.teacherToken },
        { endpoint: 'courses.students.list (30 of 30)', path: `/v1/courses/${small.courseId}/students?pageSize=30`, token: small.teacherToken },
      ] });
    }
    const sections: string[] = [];
    for (let i = 0; i < prepared[0]!.cases.length; i++) {
      const runs: Measured[][] = prepared.map(() => []);
      for (let round = 0; round < rounds; round++) {
        for (const [b, build] of prepared.entries()) {
          const c = build.cases[i]!;
          ctx.log(`[cost] A/B ${c.endpoint}: ${build.name}, round ${round + 1} of ${rounds}`);
          runs[b]!.push(await measure(build.server, build.name, c.endpoint, `${build.url}${c.path}`, c.token, seconds));
        }
      }
      const [before, after] = runs.map(combine) as [Measured, Measured];
      const names = [...new Set([...before.components, ...after.components].map((c) => c.component))];
      const us = (m: Measured, name: string) => m.components.find((c) => c.component === name)?.usPerRequest ?? 0;
      names.sort((a, b) => us(before, b) + us(after, b) - us(before, a) - us(after, a));
      sections.push(
        `### ${before.endpoint}, SQLite (memory): baseline vs this tree

` +
          table(
            ['', 'baseline', 'this tree'],
            [
              ['server CPU µs/request (resourceUsage)', fmt(before.cpuUsPerRequest, 0), fmt(after.cpuUsPerRequest, 0)],
              ['SQL statements/request', fmt(before.statementsPerRequest, 1), fmt(after.statementsPerRequest, 1)],
              ['requests measured', fmtInt(before.requests), fmtInt(after.requests)],
              ...names.filter((n) => us(before, n) >= 2 || us(after, n) >= 2).map((n) => [n, fmt(us(before, n), 1), fmt(us(after, n), 1)]),
            ],
          ),
      );
    }
    return [
      `## Before and after, in one run`,
      '',
      `Baseline: the build in \`${baseline}\`. Both emulators run at once; each endpoint is measured ${rounds} times on each, alternating, ${seconds} s each under the same load as above, and the rounds are added up. Component rows: profile self time, µs per request.`,
      '',
      ...sections.flatMap((section) => [section, '']),
    ].join('\n');
  } finally {
    for (const build of builds) await build.server.stop();
  }
}

/**
 * Case "cost": where a request's CPU goes. Per store, server CPU and SQL statements (round trips on
 * PostgreSQL) per request, the PostgreSQL backends' CPU per request, a CPU profile by component, the
 * growth of a page's cost with the course's size; on PostgreSQL, two processes against one.
 */
export async function cost(ctx: CaseContext): Promise<CaseResult> {
  const seconds = Number(process.env.BENCH_COST_SECONDS) || (ctx.quick ? 1 : 4);
  const notes: string[] = [];
  const stores: { name: string; config: Record<string, unknown>; applicationName?: string; cleanup?: () => Promise<void> }[] = [
    { name: 'SQLite (memory)', config: { store: 'memory' } },
  ];
  if (!ctx.quick) {
    const pg = await postgresReachable();
    if (pg.ok) {
      const schema = uniqueSchema('cost');
      const url = new URL(PG_URL);
      url.searchParams.set('application_name', schema);
      stores.push({ name: 'PostgreSQL', config: { store: 'postgres', pgUrl: url.toString(), schema }, applicationName: schema, cleanup: () => dropSchema(schema) });
    } else notes.push(`PostgreSQL skipped: ${pg.reason}`);
  } else notes.push('PostgreSQL skipped: quick mode');

  const baseline = process.env.BENCH_COST_BASELINE;
  const comparison = baseline ? await compareBuilds(ctx, baseline, seconds, Number(process.env.BENCH_COST_ROUNDS) || 3) : '';

  const measured: Measured[] = [];
  const targets: Target[] = [];
  let scale: { one: number; two: number; share: number; samples: number } | undefined;
  for (const store of stores) {
    const server = spawnJson(EMULATOR, { ...store.config, seed: 11 });
    try {
      const { url } = await server.next<{ url: string }>((m) => m.ready === true, 60_000);
      await unlimited(url);
      const small = await seedCourse(url, 'c30', 30);
      const large = await seedCourse(url, 'c999', 999);
      const cases = [
        { endpoint: 'courses.get', path: `/v1/courses/${small.courseId}`, token: small.teacherToken },
        { endpoint: 'courses.students.list (30 of 30)', path: `/v1/courses/${small.courseId}/students?pageSize=30`, token: small.teacherToken },
        { endpoint: 'courses.students.list (30 of 999)', path: `/v1/courses/${large.courseId}/students?pageSize=30`, token: large.teacherToken },
      ];
      for (const c of cases) {
        ctx.log(`[cost] ${store.name} ${c.endpoint}: ${seconds} s under load, profiled`);
        measured.push(await measure(server, store.name, c.endpoint, `${url}${c.path}`, c.token, seconds, store.applicationName));
      }

      if (store.applicationName && !ctx.quick) {
        // Two processes on one database against one, same total connections and load generator.
        const path = cases[0]!.path;
        const headers = { authorization: `Bearer ${small.teacherToken}` };
        ctx.log('[cost] PostgreSQL: one process, 10 connections');
        const one = await loadRun({ url: `${url}${path}`, headers, connections: 10, duration: 5, warmup: 1 });
        const second = spawnJson(EMULATOR, { ...store.config, seed: 12 });
        try {
          const { url: url2 } = await second.next<{ url: string }>((m) => m.ready === true, 60_000);
          ctx.log('[cost] PostgreSQL: two processes, 5 connections each');
          const both = Promise.all([
            loadRun({ url: `${url}${path}`, headers, connections: 5, duration: 5, warmup: 1 }),
            loadRun({ url: `${url2}${path}`, headers, connections: 5, duration: 5, warmup: 1 }),
          ]);
          const waits = await lockWaitShare(store.applicationName, both);
          const [a, b] = await both;
          scale = { one: one.rps, two: a.rps + b.rps, share: waits.active ? waits.waiting / waits.active : 0, samples: waits.samples };
        } finally {
          await second.stop();
        }
      }
    } catch (e) {
      notes.push(`${store.name} failed: ${(e as Error).message.split('\n')[0]}`);
      ctx.log(`[cost] ${store.name} failed: ${(e as Error).message}`);
    } finally {
      await server.stop();
      await store.cleanup?.();
    }
  }

  for (const m of measured) {
    if (m.store === 'PostgreSQL' && m.endpoint === 'courses.get') {
      targets.push({
        name: 'round trips per request — courses.get, PostgreSQL',
        goal: '≤ 3',
        measured: fmt(m.statementsPerRequest, 1),
        met: m.statementsPerRequest <= 3,
      });
      targets.push({
        name: 'PostgreSQL server CPU per request — courses.get',
        goal: '≤ 0.3 ms',
        measured: `${fmt((m.databaseUsPerRequest ?? NaN) / 1000, 2)} ms (/proc ticks of its backends ÷ ${fmtInt(m.requests)} requests under load)`,
        met: (m.databaseUsPerRequest ?? Infinity) <= 300,
      });
    }
  }
  for (const storeName of new Set(measured.map((m) => m.store))) {
    const small = measured.find((m) => m.store === storeName && m.endpoint.includes('30 of 30'));
    const large = measured.find((m) => m.store === storeName && m.endpoint.includes('30 of 999'));
    if (!small || !large) continue;
    const growth = (large.cpuUsPerRequest + (large.databaseUsPerRequest ?? 0)) / (small.cpuUsPerRequest + (small.databaseUsPerRequest ?? 0));
    targets.push({
      name: `page cost growth: 999-student course vs 30, pageSize 30 — ${storeName}`,
      goal: '≤ 1.20× (flat)',
      measured: `${fmt(growth, 2)}× CPU per request (server${large.databaseUsPerRequest !== undefined ? ' + database' : ''})`,
      met: growth <= 1.2,
    });
  }
  if (scale) {
    targets.push({
      name: 'PostgreSQL, 2 processes vs 1 on one database — courses.get',
      goal: '≥ 0.95×',
      measured: `${fmt(scale.two / scale.one, 2)}× (${fmtInt(scale.two)} vs ${fmtInt(scale.one)} req/s)`,
      met: scale.two / scale.one >= 0.95,
    });
    targets.push({
      name: 'PostgreSQL, 2 processes: active backends waiting on a lock',
      goal: '< 2 %',
      measured: `${fmt(scale.share * 100, 1)} % (${scale.samples} samples of pg_stat_activity)`,
      met: scale.share < 0.02,
    });
  }

  const summary = table(
    ['store', 'endpoint', 'server CPU µs/req', 'SQL statements/req', 'PostgreSQL backends CPU µs/req'],
    measured.map((m) => [m.store, m.endpoint, fmt(m.cpuUsPerRequest, 0), fmt(m.statementsPerRequest, 1), m.databaseUsPerRequest === undefined ? '—' : fmt(m.databaseUsPerRequest, 0)]),
  );
  const profiles = measured.map(
    (m) =>
      `### ${m.endpoint}, ${m.store}\n\n` +
      table(
        ['component', 'µs/request (self time)'],
        m.components.filter((c) => c.usPerRequest >= 1).map((c) => [c.component, fmt(c.usPerRequest, 1)]),
      ),
  );
  let paper = '';
  const pgGet = measured.find((m) => m.store === 'PostgreSQL' && m.endpoint === 'courses.get');
  if (pgGet?.databaseUsPerRequest !== undefined) {
    const e = pgGet.cpuUsPerRequest;
    const d = pgGet.databaseUsPerRequest;
    const rows = [1, 2, 3, 4, 7].map((k) => {
      // k emulator processes, k+1 cores: each process is bounded by its own core, the whole by all cores.
      const rps = Math.min(k * (1e6 / e), ((k + 1) * 1e6) / (e + d));
      return [k, k + 1, fmtInt(rps), fmt(rps / Math.min(1e6 / e, 2e6 / (e + d)), 2)];
    });
    paper =
      `On paper, from the measured CPU split of courses.get on PostgreSQL (emulator ${fmt(e, 0)} µs + database ${fmt(d, 0)} µs per request), ` +
      'k processes on k+1 cores with nothing else running (CPU-bound, no lock waits):\n\n' +
      table(['processes', 'cores', 'req/s', '× one process on 2 cores'], rows);
  }
  return {
    title: 'Cost per request',
    markdown: [
      summary,
      '',
      `- Load: autocannon, 10 keep-alive connections, ${seconds} s per endpoint, after 200 sequential warm-up requests; the profiler runs during the load (its sampling adds a few % of CPU).`,
      '- Server CPU: `process.resourceUsage()` (user + system) of the emulator process over the load ÷ requests answered: less sensitive to the other processes on the machine than req/s, though a contended CPU still inflates it.',
      '- SQL statements: counted inside the emulator process (better-sqlite3 statement runs, pg `Client#query` calls); on PostgreSQL each is one round trip.',
      "- PostgreSQL backends' CPU: utime + stime from /proc/<pid>/stat of every backend whose application_name is the run's, before and after, ÷ requests (10 ms ticks).",
      "- Profile: the inspector's sampling profiler (100 µs interval) in the emulator process during the load; self time per component ÷ requests, native calls charged to their caller (SQLite's statement runs as \"SQLite native\").",
      '- Two processes: autocannon 10 connections on one process, then 5 + 5 on two processes of the same schema; pg_stat_activity sampled every 10 ms during the second run.',
      ...notes.map((note) => `- ${note}`),
      '',
      ...profiles.flatMap((p) => [p, '']),
      paper,
      '',
      comparison,
      '',
      targetsTable(targets),
    ].join('\n'),
    targets,
  };
}
