import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_DIR,
  benchStores,
  EMULATOR_DIST,
  fmt,
  freePort,
  median,
  percentile,
  sleep,
  spawnJson,
  table,
  targetsTable,
  type CaseContext,
  type CaseResult,
  type Target,
} from '../lib/common.js';
import { admin } from '../lib/seed.js';

const SERVER = join(BENCH_DIR, 'servers/emulator.mjs');

function runToExit(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = performance.now();
    const child = spawn(process.execPath, args, { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve(performance.now() - t));
  });
}

/** Spawn → first 200 from GET /emulator/v1/health, polling every 2 ms; then the process is ended. */
interface Phases {
  importMs?: number;
  startMs?: number;
}

async function startOnce(
  command: { args: string[]; env?: Record<string, string> },
  port: number,
  phases?: Phases[],
): Promise<number> {
  const t = performance.now();
  const child = spawn(process.execPath, command.args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...command.env },
  });
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`the emulator exited before answering: ${stderr.slice(-500)}`);
      if (performance.now() - t > 20_000) throw new Error('no health answer within 20 s');
      try {
        const response = await fetch(`http://127.0.0.1:${port}/emulator/v1/health`);
        if (response.ok) {
          await response.arrayBuffer();
          const elapsed = performance.now() - t;
          const line = stdout.split('\n').find((l) => l.startsWith('{'));
          if (line && phases) {
            try {
              const ready = JSON.parse(line) as Phases;
              phases.push({
                ...(ready.importMs !== undefined ? { importMs: ready.importMs } : {}),
                ...(ready.startMs !== undefined ? { startMs: ready.startMs } : {}),
              });
            } catch {
              // not ours
            }
          }
          return elapsed;
        }
      } catch {
        // not listening yet
      }
      await sleep(2);
    }
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
    await new Promise<void>((resolve) => (exited ? resolve() : child.once('exit', () => resolve())));
  }
}

/** Case 2: process start to first health answer, and reset() of a seeded demo school. */
export async function startup(ctx: CaseContext): Promise<CaseResult> {
  const n = ctx.quick ? 2 : 10;
  const resets = ctx.quick ? 3 : 30;
  const targets: Target[] = [];
  const notes: string[] = [];

  // Reference: a Node process that does nothing.
  await runToExit(['-e', '0']);
  const reference: number[] = [];
  for (let i = 0; i < n; i++) reference.push(await runToExit(['-e', '0']));

  const cli = join(EMULATOR_DIST, 'cli.js');
  const starters: { name: string; command: (port: number) => { args: string[]; env?: Record<string, string> } }[] = [];
  if (existsSync(cli)) {
    starters.push({
      name: '`classroom-emulator start --port P` (dist/cli.js, demo school)',
      command: (port) => ({ args: [cli, 'start', '--port', String(port)] }),
    });
    starters.push({
      name: '`classroom-emulator start --port P --no-demo` (dist/cli.js, empty)',
      command: (port) => ({ args: [cli, 'start', '--port', String(port), '--no-demo'] }),
    });
  } else {
    notes.push(
      'packages/emulator/dist/cli.js does not exist in this build: start time is measured with bench/servers/emulator.mjs only.',
    );
  }
  if (ctx.quick && starters.length > 1) starters.splice(0, 1); // quick: the empty start only
  starters.push({
    name: 'bench/servers/emulator.mjs (createEmulator, in-memory SQLite, demo school)',
    command: (port) => ({
      args: [SERVER],
      env: { BENCH_CONFIG: JSON.stringify({ store: 'memory', port, demo: true }) },
    }),
  });

  const startRows: (string | number)[][] = [
    [
      `\`node -e 0\` (reference, to exit)`,
      fmt(median(reference), 0),
      fmt(Math.min(...reference), 0),
      fmt(Math.max(...reference), 0),
      '—',
      '—',
      '—',
    ],
  ];
  for (const starter of starters) {
    const times: number[] = [];
    const phases: Phases[] = [];
    let failure: string | undefined;
    if (!ctx.quick) {
      try {
        const port = await freePort();
        await startOnce(starter.command(port), port); // priming run (file cache), not counted
      } catch {
        // reported by the measured runs below
      }
    }
    for (let i = 0; i < n && !failure; i++) {
      const port = await freePort();
      try {
        times.push(await startOnce(starter.command(port), port, phases));
      } catch (e) {
        failure = (e as Error).message;
      }
    }
    const med = median(times);
    const importMs = median(phases.flatMap((p) => (p.importMs !== undefined ? [p.importMs] : [])));
    const readyMs = median(phases.flatMap((p) => (p.startMs !== undefined ? [p.startMs] : [])));
    const breakdown = Number.isFinite(importMs)
      ? `; inside the process: importing dist/index.js ${fmt(importMs, 0)} ms, createEmulator (store, migrations, demo seed, listen) ${fmt(readyMs - importMs, 0)} ms, the rest is Node's own start and the first request`
      : '';
    startRows.push([
      starter.name,
      fmt(med, 0),
      fmt(Math.min(...times), 0),
      fmt(Math.max(...times), 0),
      `${fmt(med / median(reference), 1)}×`,
      Number.isFinite(importMs) ? fmt(importMs, 0) : '—',
      Number.isFinite(readyMs) ? fmt(readyMs - importMs, 0) : '—',
    ]);
    targets.push({
      name: `start to first health answer — ${starter.name}`,
      goal: '≤ 500 ms (median)',
      measured: failure
        ? `failed: ${failure.slice(0, 120)}`
        : `${fmt(med, 0)} ms (node -e 0: ${fmt(median(reference), 0)} ms)`,
      met: !failure && med <= 500,
      ...(failure
        ? { reason: failure.slice(0, 200) }
        : med > 500
          ? {
              reason: breakdown
                ? `over the target${breakdown}`
                : 'over the target: see the import table (importing dist/index.js alone) below',
            }
          : {}),
    });
  }

  // Where the start goes: each runtime dependency imported alone in a fresh process, median of 3.
  const importRows: (string | number)[][] = [];
  const emulatorRequire = join(EMULATOR_DIST, '..');
  const modules = ctx.quick
    ? ['fastify', './dist/index.js']
    : [
        'fastify',
        'kysely',
        'better-sqlite3',
        'pg',
        'ajv',
        'ajv-formats',
        'yaml',
        'classroom-errors',
        './dist/index.js',
      ];
  for (const specifier of modules) {
    const times: number[] = [];
    for (let i = 0; i < (ctx.quick ? 1 : 3); i++) {
      times.push(await importTime(emulatorRequire, specifier));
    }
    importRows.push([
      specifier === './dist/index.js' ? 'packages/emulator/dist/index.js (everything)' : specifier,
      fmt(median(times), 0),
    ]);
  }

  // Reset, per store.
  const { stores, skipped } = await benchStores(ctx, 'rs');
  if (skipped) notes.push(`PostgreSQL skipped: ${skipped}`);

  const resetRows: (string | number)[][] = [];
  for (const store of stores) {
    const child = spawnJson(SERVER, { ...store.config, demo: true });
    try {
      const { url } = await child.next<{ url: string }>((m) => m.ready === true, 60_000);
      const users = await admin<{ users: unknown[] }>(url, 'GET', '/users');
      const timed = async (body: Record<string, unknown>) => {
        const t = performance.now();
        await admin(url, 'POST', '/reset', body);
        return performance.now() - t;
      };
      const sample = async () => {
        child.send({ cmd: 'stats' });
        const { stats } = await child.next<{
          stats: { sqlStatements: number; userCpuMs: number; systemCpuMs: number };
        }>((m) => 'stats' in m, 10_000);
        return { statements: stats.sqlStatements, cpuMs: stats.userCpuMs + stats.systemCpuMs };
      };
      for (let i = 0; i < (ctx.quick ? 1 : 3); i++) await timed({ demo: true });
      const demoTimes: number[] = [];
      let before = await sample();
      for (let i = 0; i < resets; i++) demoTimes.push(await timed({ demo: true }));
      let after = await sample();
      const demoCost = {
        statements: (after.statements - before.statements) / resets,
        cpuMs: (after.cpuMs - before.cpuMs) / resets,
      };
      const plainTimes: number[] = [];
      const plainCost = { statements: 0, cpuMs: 0 };
      for (let i = 0; i < resets; i++) {
        await timed({ demo: true }); // a seeded demo school to wipe, untimed
        before = await sample();
        plainTimes.push(await timed({}));
        after = await sample();
        plainCost.statements += (after.statements - before.statements) / resets;
        plainCost.cpuMs += (after.cpuMs - before.cpuMs) / resets;
      }
      for (const [kind, times, perReset] of [
        ['reset {demo:true} (wipe + re-seed)', demoTimes, demoCost],
        ['reset {} (wipe a seeded demo school)', plainTimes, plainCost],
      ] as const) {
        const med = median(times);
        resetRows.push([
          store.name,
          kind,
          users.users.length,
          fmt(med, 1),
          fmt(percentile(times, 90), 1),
          fmt(Math.max(...times), 1),
          fmt(perReset.statements, 0),
          fmt(perReset.cpuMs, 1),
        ]);
        targets.push({
          name: `${kind} — ${store.name}`,
          goal: '≤ 20 ms (median)',
          measured: `${fmt(med, 1)} ms`,
          met: med <= 20,
          ...(med > 20
            ? {
                reason: kind.startsWith('reset {demo')
                  ? `re-seeding the demo school (${users.users.length} users with their courses) inside the request: ${fmt(perReset.cpuMs, 0)} ms of emulator CPU and ${fmt(perReset.statements, 0)} SQL statements per reset`
                  : `${fmt(perReset.statements, 0)} SQL statements per wipe${store.name === 'PostgreSQL' ? ', each a round trip to the server (one DELETE per table)' : ''}, ${fmt(perReset.cpuMs, 0)} ms of emulator CPU`,
              }
            : {}),
        });
      }
    } catch (e) {
      notes.push(`${store.name}: ${(e as Error).message.split('\n')[0]}`);
      targets.push({
        name: `reset — ${store.name}`,
        goal: '≤ 20 ms',
        measured: 'not measured',
        met: false,
        reason: (e as Error).message.split('\n')[0]!,
      });
    } finally {
      await child.stop();
      await store.cleanup?.();
    }
  }

  const markdown = [
    `Start: spawn → first HTTP 200 from \`GET /emulator/v1/health\` (polled every 2 ms on a port chosen beforehand), median of ${n} after one priming run; the reference is \`node -e 0\` from spawn to exit.`,
    '',
    table(
      [
        'command',
        'median (ms)',
        'min (ms)',
        'max (ms)',
        '÷ node -e 0',
        'import dist/index.js (ms, median)',
        'createEmulator → listening (ms, median)',
      ],
      startRows,
    ),
    '',
    'Where the time goes: each runtime dependency of the emulator imported alone in a fresh process (from packages/emulator, median), the emulator last.',
    '',
    table(['module', 'import (ms)'], importRows),
    '',
    `Reset: \`POST /emulator/v1/reset\` timed from the bench process (HTTP round trip included) against an emulator in its own process, 3 warm-ups then ${resets} resets; a plain reset always follows an untimed \`{demo:true}\` one, so it wipes a seeded demo school.`,
    '',
    table(
      [
        'store',
        'reset',
        'demo users',
        'median (ms)',
        'p90 (ms)',
        'max (ms)',
        'SQL statements per reset',
        'emulator CPU per reset (ms)',
      ],
      resetRows,
    ),
    '',
    ...notes.map((x) => `- ${x}`),
    '',
    targetsTable(targets),
  ].join('\n');
  return { title: 'Start and reset', markdown, targets };
}

/** Milliseconds to import one module in a fresh Node process, measured inside it. */
function importTime(cwd: string, specifier: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const code = `const t=performance.now();import(${JSON.stringify(specifier)}).then(()=>{process.stdout.write(String(performance.now()-t));process.exit(0)})`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', () => resolve(Number(out)));
  });
}
