import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, fmt, fmtInt, spawnJson, table, targetsTable, type CaseContext, type CaseResult, type Target } from '../lib/common.js';
import { seedCourse, unlimited } from '../lib/seed.js';

const EMULATOR = join(BENCH_DIR, 'servers/emulator.mjs');
const LOAD = join(BENCH_DIR, 'servers/soak-load.mjs');

interface Window {
  index: number;
  endS: number;
  requests: number;
  p50: number | null;
  p99: number | null;
  non2xx: number;
  errors: number;
}

interface Totals {
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statuses: Record<string, number>;
}

const MB = 1024 * 1024;

/**
 * Soak: 50 connections of mixed reads and writes (courses.get, a 30-student roster page,
 * announcements.create) against one emulator on an SQLite file for 3 minutes (6 s in quick mode).
 * Watches for leaks and drift: the server's RSS, p99 per window, and every error.
 *
 * RSS growth is counted from the end of the warm-up windows (30 s; the first window in quick mode):
 * before that, bounded structures are still filling (the request log keeps 10,000 requests, the
 * statement cache 1,000 statements, V8 tiers up), which is growth by design, not a leak.
 */
export async function soak(ctx: CaseContext): Promise<CaseResult> {
  const duration = ctx.quick ? 6 : 180;
  const windowS = ctx.quick ? 2 : 10;
  const warmupWindows = ctx.quick ? 1 : 3;
  const connections = 50;
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-soak-'));
  const emulator = spawnJson(EMULATOR, { store: 'file', dataDir, seed: 11 });
  try {
    const { url } = await emulator.next<{ url: string }>((m) => m.ready === true, 60_000);
    await unlimited(url);
    const seeded = await seedCourse(url, 'soak', 30);
    const headers = { authorization: `Bearer ${seeded.teacherToken}`, 'content-type': 'application/json' };
    const requests = [
      { method: 'GET', path: `/v1/courses/${seeded.courseId}`, headers },
      { method: 'GET', path: `/v1/courses/${seeded.courseId}/students?pageSize=30`, headers },
      { method: 'POST', path: `/v1/courses/${seeded.courseId}/announcements`, headers, body: JSON.stringify({ text: 'Soak test: bring your books.' }) },
    ];
    const rss = async () => {
      emulator.send({ cmd: 'stats' });
      return (await emulator.next<{ stats: { rssBytes: number } }>((m) => 'stats' in m, 10_000)).stats.rssBytes;
    };
    const rssAtStart = await rss();
    ctx.log(`[soak] ${connections} connections, mixed reads and writes, ${duration} s; RSS at start ${fmt(rssAtStart / MB)} MB`);

    const load = spawnJson(LOAD, { url, connections, duration, windowS, requests });
    const windows: (Window & { rssBytes: number })[] = [];
    try {
      for (;;) {
        const message = await load.next<{ window?: Window; result?: Totals }>((m) => 'window' in m || 'result' in m, (duration + 60) * 1000);
        if (message.result) {
          const totals = message.result;
          const rssAtEnd = await rss();
          return report(ctx, { duration, windowS, warmupWindows, connections, rssAtStart, rssAtEnd, windows, totals });
        }
        if (message.window) {
          const sampled = { ...message.window, rssBytes: await rss() };
          windows.push(sampled);
          ctx.log(`[soak] ${sampled.endS} s: ${sampled.requests} requests, p99 ${fmt(sampled.p99 ?? NaN)} ms, ${sampled.non2xx + sampled.errors} errors, RSS ${fmt(sampled.rssBytes / MB)} MB`);
        }
      }
    } finally {
      await load.stop();
    }
  } finally {
    await emulator.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(
  ctx: CaseContext,
  run: {
    duration: number;
    windowS: number;
    warmupWindows: number;
    connections: number;
    rssAtStart: number;
    rssAtEnd: number;
    windows: (Window & { rssBytes: number })[];
    totals: Totals;
  },
): CaseResult {
  const { windows, totals } = run;
  const baseline = windows[Math.min(run.warmupWindows, windows.length) - 1]?.rssBytes ?? run.rssAtStart;
  const growth = (run.rssAtEnd - baseline) / baseline;
  const errors = totals.non2xx + totals.errors + totals.timeouts;
  const steady = windows.slice(run.warmupWindows).filter((w) => w.p99 !== null);
  const firstP99 = steady[0]?.p99 ?? NaN;
  const lastP99 = steady.at(-1)?.p99 ?? NaN;
  const targets: Target[] = [
    {
      name: `RSS growth after the ${run.warmupWindows * run.windowS} s warm-up`,
      goal: '< 10 %',
      measured: `${fmt(growth * 100)} % (${fmt(baseline / MB)} → ${fmt(run.rssAtEnd / MB)} MB)`,
      met: growth < 0.1,
      ...(growth < 0.1 ? {} : { reason: 'RSS kept growing after the bounded caches were full' }),
    },
    {
      name: 'errors (non-2xx, socket errors, timeouts)',
      goal: '0',
      measured: `${errors} of ${fmtInt(totals.requests)} (statuses ${JSON.stringify(totals.statuses)}; ${totals.timeouts} timeouts after 10 s, ${totals.errors} socket errors)`,
      met: errors === 0,
      ...(errors === 0 ? {} : { reason: totals.timeouts > 0 ? 'requests waited more than 10 s for an answer' : 'failed requests' }),
    },
  ];
  const rows = windows.map((w) => [
    `${w.endS - run.windowS}–${w.endS} s`,
    fmtInt(w.requests),
    fmtInt(w.requests / run.windowS),
    w.p50 === null ? 'n/a' : fmt(w.p50),
    w.p99 === null ? 'n/a' : fmt(w.p99),
    w.non2xx + w.errors,
    fmt(w.rssBytes / MB),
  ]);
  const markdown = [
    `${run.connections} keep-alive connections for ${run.duration} s, each cycling courses.get, courses.students.list (30) and ` +
      'announcements.create (a write that grows the store all along), against one emulator on an SQLite file, quota unlimited. ' +
      `RSS of the emulator process: ${fmt(run.rssAtStart / MB)} MB before the load, ${fmt(baseline / MB)} MB after the warm-up, ` +
      `${fmt(run.rssAtEnd / MB)} MB at the end. p99 of the first steady window ${fmt(firstP99)} ms, of the last ${fmt(lastP99)} ms ` +
      `(drift ${Number.isFinite(firstP99) && Number.isFinite(lastP99) && firstP99 > 0 ? `${fmt((lastP99 / firstP99 - 1) * 100)} %` : 'n/a'}).`,
    '',
    table(['window', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB'], rows),
    '',
    targetsTable(targets),
  ].join('\n');
  ctx.log(`[soak] done: ${fmtInt(totals.requests)} requests, ${errors} errors, RSS growth ${fmt(growth * 100)} %`);
  return { title: 'Soak: mixed load for minutes', markdown, targets };
}
