import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cliProgress from 'cli-progress';
import {
  BENCH_DIR,
  fmt,
  fmtInt,
  median,
  spawnJson,
  table,
  targetsTable,
  type CaseContext,
  type CaseResult,
  type Target,
} from '../lib/common.js';

const DISTRICT = join(BENCH_DIR, 'servers/district.mjs');
const GIB = 1024 ** 3;

interface Loaded {
  generateMs: number;
  loadMs: number;
  counts: { users: number; courses: number; members: number };
  peakRssBytes: number;
  rssAtStartBytes: number;
  bigCourseId: string;
  smallCourseId: string;
  token: string;
}

interface Listing {
  pageSize: number;
  bigPages: number;
  /** Median over rounds of each page's time, then the median and the slowest page. */
  bigMedianPageMs: number;
  bigSlowestPageMs: number;
  bigTotalMs: number;
  smallPageMs: number;
  bigPerStudentUs: number;
  smallPerStudentUs: number;
}

async function timeList(
  url: string,
  courseId: string,
  token: string,
  pageSize: number,
): Promise<{ pages: number[]; students: number }> {
  const pages: number[] = [];
  let students = 0;
  let pageToken: string | undefined;
  for (let i = 0; i < 200; i++) {
    const q = new URLSearchParams({ pageSize: String(pageSize), ...(pageToken ? { pageToken } : {}) });
    const t = performance.now();
    const response = await fetch(`${url}/v1/courses/${courseId}/students?${q}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { students?: unknown[]; nextPageToken?: string };
    pages.push(performance.now() - t);
    if (!response.ok)
      throw new Error(`students.list answered HTTP ${response.status}: ${JSON.stringify(body).slice(0, 200)}`);
    students += body.students?.length ?? 0;
    pageToken = body.nextPageToken;
    if (!pageToken) break;
  }
  return { pages, students };
}

async function measureListing(
  url: string,
  loaded: Loaded,
  pageSize: number,
  rounds: number,
): Promise<Listing & { bigStudents: number; smallStudents: number }> {
  // One warm-up round of each, then `rounds` measured rounds; per page position, the median over rounds.
  await timeList(url, loaded.bigCourseId, loaded.token, pageSize);
  await timeList(url, loaded.smallCourseId, loaded.token, pageSize);
  const bigRounds: number[][] = [];
  const smallRounds: number[] = [];
  let bigStudents = 0;
  let smallStudents = 0;
  for (let r = 0; r < rounds; r++) {
    const big = await timeList(url, loaded.bigCourseId, loaded.token, pageSize);
    const small = await timeList(url, loaded.smallCourseId, loaded.token, pageSize);
    bigRounds.push(big.pages);
    smallRounds.push(small.pages.reduce((a, b) => a + b, 0));
    bigStudents = big.students;
    smallStudents = small.students;
  }
  const pageCount = bigRounds[0]!.length;
  const perPage = Array.from({ length: pageCount }, (_, i) => median(bigRounds.map((pages) => pages[i] ?? NaN)));
  const bigTotal = median(bigRounds.map((pages) => pages.reduce((a, b) => a + b, 0)));
  const smallPage = median(smallRounds);
  return {
    pageSize,
    bigPages: pageCount,
    bigMedianPageMs: median(perPage),
    bigSlowestPageMs: Math.max(...perPage),
    bigTotalMs: bigTotal,
    smallPageMs: smallPage,
    bigPerStudentUs: (bigTotal * 1000) / bigStudents,
    smallPerStudentUs: (smallPage * 1000) / smallStudents,
    bigStudents,
    smallStudents,
  };
}

/** Case 3: import a generated district through the fixture loader; then list a 1,000-student course. */
export async function district(ctx: CaseContext): Promise<CaseResult> {
  const size = ctx.quick
    ? { users: 2_000, courses: 100, enrollments: 4_000 }
    : { users: 100_000, courses: 5_000, enrollments: 200_000 };
  const rounds = ctx.quick ? 2 : 7;
  const stores = ctx.quick ? (['memory'] as const) : (['memory', 'file'] as const);
  const rows: (string | number)[][] = [];
  const listRows: (string | number)[][] = [];
  const targets: Target[] = [];
  const notes: string[] = [];

  for (const store of stores) {
    const dataDir = store === 'file' ? mkdtempSync(join(tmpdir(), 'bench-district-')) : undefined;
    const label = store === 'memory' ? 'SQLite (memory)' : 'SQLite (file)';
    const child = spawnJson(DISTRICT, { size, store, dataDir, bigCourse: 1000 });
    const bar = new cliProgress.SingleBar(
      {
        format: `  ${label} import |{bar}| {percentage}% · {value}/{total} rows · {phase} · {duration}s`,
        noTTYOutput: false,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let barStarted = false;
    child.onMessage((m) => {
      const p = m.progress as { phase: string; done: number; total: number } | undefined;
      if (!p) return;
      if (!barStarted) {
        bar.start(p.total, p.done, { phase: p.phase });
        barStarted = true;
      }
      bar.setTotal(p.total);
      bar.update(p.done, { phase: p.phase });
    });
    try {
      const ready = await child.next<{ url?: string; error?: string }>((m) => m.ready === true || 'error' in m, 60_000);
      if (ready.error) throw new Error(ready.error);
      ctx.log(
        `[district] ${label}: importing ${fmtInt(size.users)} users, ${fmtInt(size.courses)} courses, ${fmtInt(size.enrollments)} enrollments`,
      );
      const wall = performance.now();
      const { loaded } = await child.next<{ loaded: Loaded }>((m) => 'loaded' in m, 300_000);
      const wallMs = performance.now() - wall;
      if (barStarted) bar.stop();
      ctx.log(
        `[district] ${label}: loaded in ${fmt(loaded.loadMs / 1000, 1)} s, peak RSS ${fmt(loaded.peakRssBytes / 1024 ** 2, 0)} MiB`,
      );
      rows.push([
        label,
        `${fmtInt(loaded.counts.users)} / ${fmtInt(loaded.counts.courses)} / ${fmtInt(loaded.counts.members)}`,
        fmt(loaded.generateMs / 1000, 2),
        fmt(loaded.loadMs / 1000, 2),
        fmt(wallMs / 1000, 2),
        fmt(loaded.peakRssBytes / 1024 ** 2, 0),
      ]);
      const limitS = 60;
      targets.push({
        name: `district import time — ${label}`,
        goal: `≤ ${limitS} s`,
        measured: `${fmt(loaded.loadMs / 1000, 2)} s`,
        met: ctx.quick ? 'skipped' : loaded.loadMs <= limitS * 1000,
        ...(ctx.quick
          ? { reason: 'quick mode imports a small district' }
          : loaded.loadMs > limitS * 1000
            ? { reason: 'fixture loader slower than the target' }
            : {}),
      });
      targets.push({
        name: `district import peak RSS — ${label}`,
        goal: '≤ 1 GiB',
        measured: `${fmt(loaded.peakRssBytes / 1024 ** 2, 0)} MiB`,
        met: ctx.quick ? 'skipped' : loaded.peakRssBytes <= GIB,
        ...(ctx.quick
          ? { reason: 'quick mode imports a small district' }
          : loaded.peakRssBytes > GIB
            ? { reason: 'peak RSS above 1 GiB' }
            : {}),
      });

      for (const pageSize of [30, 100]) {
        const l = await measureListing(ready.url!, loaded, pageSize, rounds);
        const pageRatio = l.bigMedianPageMs / l.smallPageMs;
        const slowRatio = l.bigSlowestPageMs / l.smallPageMs;
        listRows.push([
          label,
          pageSize,
          `${l.bigPages} pages, ${l.bigStudents} students`,
          fmt(l.bigMedianPageMs, 2),
          fmt(l.bigSlowestPageMs, 2),
          fmt(l.smallPageMs, 2),
          `${fmt(pageRatio, 2)}× (slowest ${fmt(slowRatio, 2)}×)`,
          fmt(l.bigPerStudentUs, 1),
          fmt(l.smallPerStudentUs, 1),
          `${fmt(l.bigPerStudentUs / l.smallPerStudentUs, 2)}×`,
        ]);
        if (pageSize === 30) {
          targets.push({
            name: `1,000-student listing per page ≤ 2× a 30-student page — ${label}`,
            goal: '≤ 2.00× (median page; slowest page shown)',
            measured: `${fmt(pageRatio, 2)}× (${fmt(l.bigMedianPageMs, 2)} vs ${fmt(l.smallPageMs, 2)} ms; slowest ${fmt(slowRatio, 2)}×)`,
            met: pageRatio <= 2 && l.bigStudents >= 1000,
            ...(l.bigStudents < 1000
              ? { reason: `only ${l.bigStudents} students listed` }
              : pageRatio > 2
                ? { reason: 'pages of a large course cost more than a small course’s page' }
                : {}),
          });
        }
      }
    } catch (e) {
      if (barStarted) bar.stop();
      const message = (e as Error).message.split('\n')[0]!;
      ctx.log(`[district] ${label} failed: ${(e as Error).message}`);
      notes.push(`${label}: ${message}`);
      targets.push({
        name: `district import — ${label}`,
        goal: '≤ 60 s, ≤ 1 GiB',
        measured: 'not measured',
        met: false,
        reason: message,
      });
    } finally {
      await child.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    }
  }

  const markdown = [
    `District: ${fmtInt(size.users)} users (1 admin, 1 teacher in 20, the rest students), ${fmtInt(size.courses)} courses, ${fmtInt(size.enrollments)} enrollments, from \`generateDistrict\` (packages/emulator/dist/seed/district.js),`,
    'imported with `loadFixture` (dist/seed/fixture.js) in one transaction, in a child process that reports progress (the bar above on stderr) and its own peak RSS (`process.resourceUsage().maxRSS`, the whole process: Node, the emulator, the generated fixture and in-memory SQLite).',
    '',
    table(
      [
        'store',
        'users / courses / members written',
        'generate (s)',
        'import (s)',
        'ready → loaded, parent clock (s)',
        'peak RSS (MiB)',
      ],
      rows,
    ),
    '',
    `Listing: after the import the same emulator gets a 1,000-student and a 30-student course (teacher t0); the parent process lists each with \`courses.students.list\` over keep-alive HTTP, following nextPageToken, 1 warm-up then ${rounds} rounds; per page position the median over rounds.`,
    "**Definition of the target:** with the same pageSize (30), the median time of one page of the 1,000-student course (34 pages) against the time of the 30-student course's single page; the slowest (usually deepest) page is shown too. Per-student times for pageSize 100 are listed for reference.",
    '',
    table(
      [
        'store',
        'pageSize',
        '1,000-student course',
        'median page (ms)',
        'slowest page (ms)',
        '30-student course page (ms)',
        'per-page ratio',
        'µs per student, 1,000',
        'µs per student, 30',
        'per-student ratio',
      ],
      listRows,
    ),
    '',
    ...notes.map((n) => `- ${n}`),
    targetsTable(targets),
  ].join('\n');
  return { title: 'District scale', markdown, targets };
}
