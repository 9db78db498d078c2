import { join } from 'node:path';
import { renderSvg, chartConfig } from '../lib/chart.js';
import {
  BENCH_DIR,
  benchStores,
  fmt,
  fmtInt,
  spawnJson,
  table,
  targetsTable,
  type CaseContext,
  type CaseResult,
  type Target,
} from '../lib/common.js';
import { capture, seedCourse, unlimited, type Captured } from '../lib/seed.js';

interface LoadResult {
  rps: number;
  totalRequests: number;
  durationS: number;
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const EMULATOR = join(BENCH_DIR, 'servers/emulator.mjs');
const BARE = join(BENCH_DIR, 'servers/bare.mjs');
const LOAD = join(BENCH_DIR, 'servers/load.mjs');

async function load(config: Record<string, unknown>): Promise<LoadResult> {
  const child = spawnJson(LOAD, config);
  try {
    const { result } = await child.next<{ result: LoadResult }>((m) => 'result' in m, 120_000);
    return result;
  } finally {
    await child.stop();
  }
}

interface Cost {
  cpuUsPerRequest: number;
  statementsPerRequest?: number;
}

interface Stats {
  loopDelayMs?: { p50: number; p99: number; max: number };
  gc?: { count: number; totalMs: number; maxMs: number };
  userCpuMs: number;
  systemCpuMs: number;
  sqlStatements?: number;
}

/** Server-side cost of one request: CPU time and SQL statements over `n` sequential keep-alive requests. */
async function cost(server: ReturnType<typeof spawnJson>, url: string, token: string, n: number): Promise<Cost> {
  const stats = async () => {
    server.send({ cmd: 'stats' });
    return (await server.next<{ stats: Stats }>((m) => 'stats' in m, 10_000)).stats;
  };
  const get = async () => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
  };
  for (let i = 0; i < 20; i++) await get();
  const before = await stats();
  for (let i = 0; i < n; i++) await get();
  const after = await stats();
  const cpu = after.userCpuMs + after.systemCpuMs - before.userCpuMs - before.systemCpuMs;
  return {
    cpuUsPerRequest: (cpu * 1000) / n,
    ...(after.sqlStatements !== undefined && before.sqlStatements !== undefined
      ? { statementsPerRequest: (after.sqlStatements - before.sqlStatements) / n }
      : {}),
  };
}

interface Row {
  /** The emulator process during the half-rate run. */
  halfStats?: Stats;
  emulatorCost?: Cost;
  bareCost?: Cost;
  store: string;
  endpoint: string;
  bytes: number;
  emulator?: LoadResult;
  bare?: LoadResult;
  half?: LoadResult;
  note?: string;
}

/**
 * Case 1: requests/s of courses.get and a 30-student courses.students.list page, emulator vs a bare
 * node:http server replaying the emulator's exact bytes; p99 at half the emulator's maximum rate.
 */
export async function throughput(ctx: CaseContext): Promise<CaseResult> {
  const duration = ctx.quick ? 1 : 5;
  const warmup = ctx.quick ? 0 : 2;
  const connections = 10;
  const notes: string[] = [];
  const { stores, skipped } = await benchStores(ctx, 'tp');
  if (skipped) {
    notes.push(`PostgreSQL skipped: ${skipped}`);
    ctx.log(`[throughput] PostgreSQL skipped: ${skipped}`);
  }

  const rows: Row[] = [];
  for (const store of stores) {
    ctx.log(`[throughput] ${store.name}: starting emulator, seeding a 30-student course`);
    const emulator = spawnJson(EMULATOR, { ...store.config, seed: 7 });
    let bare: ReturnType<typeof spawnJson> | undefined;
    try {
      const { url } = await emulator.next<{ url: string }>((m) => m.ready === true, 60_000);
      await unlimited(url);
      const seeded = await seedCourse(url, 'tp', 30);
      if (!notes.some((n) => n.startsWith('Seeding:')))
        notes.push(`Seeding: a teacher's course with 30 students, via ${seeded.via}.`);
      const token = seeded.teacherToken;
      const endpoints: { name: string; path: string }[] = [
        { name: 'courses.get', path: `/v1/courses/${seeded.courseId}` },
        { name: 'courses.students.list (30)', path: `/v1/courses/${seeded.courseId}/students?pageSize=30` },
      ];
      const captured: Captured[] = [];
      for (const endpoint of endpoints) captured.push(await capture(url, endpoint.path, token));
      bare = spawnJson(BARE, { routes: captured });
      const { url: bareUrl } = await bare.next<{ url: string }>((m) => m.ready === true, 30_000);

      for (const [i, endpoint] of endpoints.entries()) {
        const shot = captured[i]!;
        const row: Row = { store: store.name, endpoint: endpoint.name, bytes: shot.bytes };
        rows.push(row);
        if (shot.status !== 200) {
          row.note = `emulator answered HTTP ${shot.status}: ${Buffer.from(shot.bodyBase64, 'base64').toString().slice(0, 160)}`;
          if (!seeded.rosterOk && endpoint.name.startsWith('courses.students')) row.note += ` (${seeded.via})`;
          ctx.log(`[throughput] ${store.name} ${endpoint.name}: ${row.note}`);
          continue;
        }
        const headers = { authorization: `Bearer ${token}` };
        ctx.log(
          `[throughput] ${store.name} ${endpoint.name}: emulator at full speed (${connections} connections, ${duration} s)`,
        );
        row.emulator = await load({ url: `${url}${endpoint.path}`, headers, connections, duration, warmup });
        ctx.log(`[throughput] ${store.name} ${endpoint.name}: bare node:http at full speed`);
        row.bare = await load({ url: `${bareUrl}${endpoint.path}`, headers, connections, duration, warmup });
        const rate = Math.max(1, Math.floor(row.emulator.rps / 2));
        ctx.log(`[throughput] ${store.name} ${endpoint.name}: emulator at a fixed ${rate} req/s`);
        emulator.send({ cmd: 'stats', reset: true });
        await emulator.next((m) => 'stats' in m, 10_000);
        row.half = await load({
          url: `${url}${endpoint.path}`,
          headers,
          connections,
          duration: ctx.quick ? duration : Math.max(duration, 5),
          overallRate: rate,
        });
        emulator.send({ cmd: 'stats' });
        row.halfStats = (await emulator.next<{ stats: Stats }>((m) => 'stats' in m, 10_000)).stats;
        const probes = ctx.quick ? 50 : 500;
        row.emulatorCost = await cost(emulator, `${url}${endpoint.path}`, token, probes);
        row.bareCost = await cost(bare, `${bareUrl}${endpoint.path}`, token, probes);
      }
    } catch (e) {
      rows.push({ store: store.name, endpoint: '—', bytes: 0, note: `failed: ${(e as Error).message.split('\n')[0]}` });
      ctx.log(`[throughput] ${store.name} failed: ${(e as Error).message}`);
    } finally {
      await bare?.stop();
      await emulator.stop();
      await store.cleanup?.();
    }
  }

  const targets: Target[] = [];
  for (const row of rows) {
    const label = `${row.endpoint}, ${row.store}`;
    if (!row.emulator || !row.bare || !row.half) {
      targets.push({
        name: `req/s ≥ 0.5× bare — ${label}`,
        goal: '≥ 0.50×',
        measured: 'not measured',
        met: false,
        reason: row.note ?? 'no result',
      });
      targets.push({
        name: `p99 at half rate — ${label}`,
        goal: '< 10 ms',
        measured: 'not measured',
        met: false,
        reason: row.note ?? 'no result',
      });
      continue;
    }
    const ratio = row.emulator.rps / row.bare.rps;
    const errs = row.emulator.non2xx + row.emulator.errors + row.half.non2xx + row.half.errors;
    targets.push({
      name: `req/s ≥ 0.5× bare — ${label}`,
      goal: '≥ 0.50×',
      measured: `${fmt(ratio, 2)}× (${fmtInt(row.emulator.rps)} vs ${fmtInt(row.bare.rps)} req/s)`,
      met: ratio >= 0.5 && errs === 0,
      ...(ratio < 0.5
        ? {
            reason:
              `server CPU per request ${fmt(row.emulatorCost?.cpuUsPerRequest ?? NaN, 0)} µs vs ${fmt(row.bareCost?.cpuUsPerRequest ?? NaN, 0)} µs bare` +
              (row.emulatorCost?.statementsPerRequest !== undefined
                ? `; ${fmt(row.emulatorCost.statementsPerRequest, 1)} SQL statements per request`
                : '') +
              (row.store === 'PostgreSQL'
                ? '; each a round trip to the database, and the quota row lock serializes requests of one project'
                : ''),
          }
        : {}),
      ...(errs > 0 ? { reason: `${errs} non-2xx or errors during the run` } : {}),
    });
    targets.push({
      name: `p99 at half rate — ${label}`,
      goal: '< 10 ms',
      measured: `${fmt(row.half.latency.p99, 1)} ms at ${fmtInt(row.half.rps)} req/s`,
      met: row.half.latency.p99 < 10,
      ...(row.half.latency.p99 >= 10
        ? {
            reason:
              `p50 ${fmt(row.half.latency.p50, 0)} ms, max ${fmt(row.half.latency.max, 0)} ms` +
              (row.halfStats?.loopDelayMs
                ? `; in the emulator during that run: event-loop delay p99 ${fmt(row.halfStats.loopDelayMs.p99, 1)} ms / max ${fmt(row.halfStats.loopDelayMs.max, 0)} ms, ${row.halfStats.gc?.count ?? 0} GC pauses totalling ${fmt(row.halfStats.gc?.totalMs ?? NaN, 0)} ms (longest ${fmt(row.halfStats.gc?.maxMs ?? NaN, 1)} ms)`
                : '') +
              (row.store === 'PostgreSQL'
                ? '; every request waits for its database round trips and the project quota row lock'
                : ''),
          }
        : {}),
    });
  }

  const results = table(
    [
      'store',
      'endpoint',
      'body bytes',
      'emulator req/s',
      'bare node:http req/s',
      'ratio',
      'emulator p50 / p99 at max (ms)',
      'fixed rate (req/s)',
      'p50 / p99 at half rate (ms)',
      'non-2xx',
      'server CPU µs/req (emulator / bare)',
      'SQL statements/req',
    ],
    rows.map((r) =>
      r.emulator && r.bare && r.half
        ? [
            r.store,
            r.endpoint,
            r.bytes,
            fmtInt(r.emulator.rps),
            fmtInt(r.bare.rps),
            `${fmt(r.emulator.rps / r.bare.rps, 2)}×`,
            `${fmt(r.emulator.latency.p50, 1)} / ${fmt(r.emulator.latency.p99, 1)}`,
            fmtInt(r.half.rps),
            `${fmt(r.half.latency.p50, 1)} / ${fmt(r.half.latency.p99, 1)}`,
            r.emulator.non2xx + r.half.non2xx,
            `${fmt(r.emulatorCost?.cpuUsPerRequest ?? NaN, 0)} / ${fmt(r.bareCost?.cpuUsPerRequest ?? NaN, 0)}`,
            fmt(r.emulatorCost?.statementsPerRequest ?? NaN, 1),
          ]
        : [r.store, r.endpoint, r.bytes, '—', '—', '—', '—', '—', '—', r.note ?? '', '—', '—'],
    ),
  );

  const method = [
    `Load: autocannon (programmatic API) in its own process, ${connections} keep-alive connections, pipelining 1, ${warmup ? `${warmup} s warm-up then ` : ''}${duration} s measured.`,
    'Each server is its own process: the emulator built from packages/emulator/dist (bench/servers/emulator.mjs, quotas raised out of the way),',
    'and a bare `node:http` server (bench/servers/bare.mjs) replaying the exact status, headers and body bytes captured from the emulator.',
    `Half rate: a second autocannon run with \`overallRate\` = ½ of the emulator's measured maximum, same ${connections} connections, ${ctx.quick ? duration : Math.max(duration, 5)} s.`,
    'Both servers share the 2 cores with the load generator, so ratios matter more than absolute numbers.',
    'Server cost: CPU time (`process.resourceUsage()`, user + system) of the server process over sequential keep-alive requests from the bench process, divided by their number; SQL statements counted by wrapping better-sqlite3 `prepare` and pg `Client#query` inside the emulator process.',
    "Latency percentiles are autocannon's, in whole milliseconds.",
  ];

  const chartRows = rows.flatMap((r) =>
    r.emulator && r.bare
      ? [
          { case: `${r.endpoint} · ${r.store}`, server: 'emulator', rps: Math.round(r.emulator.rps) },
          { case: `${r.endpoint} · ${r.store}`, server: 'bare node:http', rps: Math.round(r.bare.rps) },
        ]
      : [],
  );
  const p99Rows = rows.flatMap((r) =>
    r.half ? [{ case: `${r.endpoint} · ${r.store}`, p99: r.half.latency.p99 }] : [],
  );
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    config: chartConfig,
    title: 'Throughput: emulator vs bare node:http (same bytes)',
    hconcat: [
      {
        width: 320,
        height: 240,
        data: { values: chartRows },
        mark: 'bar',
        encoding: {
          y: { field: 'case', type: 'nominal', title: null, axis: { labelLimit: 600 } },
          yOffset: { field: 'server' },
          x: { field: 'rps', type: 'quantitative', title: 'requests/s (max)' },
          color: { field: 'server', type: 'nominal', title: 'server' },
        },
      },
      {
        width: 220,
        height: 240,
        layer: [
          {
            data: { values: p99Rows },
            mark: 'bar',
            encoding: {
              y: { field: 'case', type: 'nominal', title: null, axis: { labels: false } },
              x: { field: 'p99', type: 'quantitative', title: 'p99 ms at half rate' },
              color: { value: '#e45756' },
            },
          },
          {
            data: { values: [{ target: 10 }] },
            mark: { type: 'rule', strokeDash: [4, 3] },
            encoding: { x: { field: 'target', type: 'quantitative' } },
          },
        ],
      },
    ],
  });

  return {
    title: 'Throughput',
    markdown: [
      results,
      '',
      ...method.map((m) => `- ${m}`),
      ...notes.map((n) => `- ${n}`),
      '',
      '![throughput](throughput.svg)',
      '',
      targetsTable(targets),
    ].join('\n'),
    files: { 'throughput.svg': svg },
    targets,
  };
}
