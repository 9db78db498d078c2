import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The repository root and the bench folder. */
export const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(BENCH_DIR, '..');
export const EMULATOR_DIST = join(ROOT, 'packages/emulator/dist');

/** What every case is given by bench/run.ts. */
export interface CaseContext {
  quick: boolean;
  /** Where results go; undefined in quick mode unless --out was given. */
  outDir: string | undefined;
  log: (line: string) => void;
}

/** What a case hands back: markdown sections (tables and notes) and files to write. */
export interface CaseResult {
  title: string;
  /** Markdown, printed and written to results/<case>.md. */
  markdown: string;
  /** Extra files (e.g. SVG charts), name → contents. */
  files?: Record<string, string>;
  /** Every target with its verdict, for the summary. */
  targets: Target[];
}

export interface Target {
  name: string;
  goal: string;
  measured: string;
  met: boolean | 'skipped';
  reason?: string;
}

export function verdict(t: Target): string {
  if (t.met === 'skipped') return `SKIPPED${t.reason ? ` (${t.reason})` : ''}`;
  return t.met ? 'met' : `MISSED${t.reason ? ` — ${t.reason}` : ''}`;
}

/** Machine, Node version and date, for the head of every results file. */
export function machineLine(commit = commitLine()): string {
  const list = cpus();
  const model = list[0]?.model.trim() ?? 'unknown CPU';
  return `Machine: ${model}, ${list.length} cores · Node ${process.version} · ${process.platform}/${process.arch} · ${new Date().toISOString()} · load average ${loadLine()} · commit ${commit}`;
}

/** The commit the emulator was built from, and whether the work tree had changes on top of it. */
export function commitLine(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', 'packages'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return `${head}${dirty ? ' + uncommitted changes in packages/' : ''}`;
  } catch {
    return 'unknown';
  }
}

/** 1/5/15-minute load averages: other work on the machine skews every figure, so each file records it. */
export function loadLine(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' / ');
}

/** A markdown table. */
export function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

export function targetsTable(targets: Target[]): string {
  return table(
    ['target', 'goal', 'measured', 'verdict'],
    targets.map((t) => [t.name, t.goal, t.measured, verdict(t)]),
  );
}

export const median = (xs: number[]): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

export const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};

/** Jain's fairness index: (Σx)² / (n·Σx²); 1 when all equal, 1/n when one takes everything. */
export function jain(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const sum = xs.reduce((a, b) => a + b, 0);
  const squares = xs.reduce((a, b) => a + b * b, 0);
  return squares === 0 ? 1 : (sum * sum) / (xs.length * squares);
}

export const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
export const fmtInt = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of live) child.kill('SIGKILL');
      process.exit(130);
    });
  }
}

/** A child Node process that speaks JSON lines on stdout and takes commands on stdin. */
export interface JsonChild {
  child: ChildProcess;
  /** Resolves with the next JSON message satisfying `match` (messages are buffered). */
  next<T = Record<string, unknown>>(match?: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<T>;
  /** Every message, as it arrives. */
  onMessage(listener: (m: Record<string, unknown>) => void): void;
  send(command: Record<string, unknown>): void;
  /** Ends the child (stdin closed, then SIGTERM, then SIGKILL) and waits for it. */
  stop(): Promise<void>;
  stderr(): string;
}

/**
 * Spawns `node script` with `config` as JSON in BENCH_CONFIG. Lines on stdout that parse as JSON objects
 * are messages; anything else is passed to `log`.
 */
export function spawnJson(
  script: string,
  config: unknown,
  options: { log?: (line: string) => void; nodeArgs?: string[] } = {},
): JsonChild {
  installExitHook();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    cwd: ROOT,
    env: { ...process.env, BENCH_CONFIG: JSON.stringify(config) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const queue: Record<string, unknown>[] = [];
  const waiters: { match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] =
    [];
  const listeners: ((m: Record<string, unknown>) => void)[] = [];
  let errText = '';
  let exited: { code: number | null; signal: string | null } | undefined;
  const exitWaiters: (() => void)[] = [];

  child.stderr!.on('data', (chunk: Buffer) => {
    errText += chunk.toString();
    if (errText.length > 20_000) errText = errText.slice(-20_000);
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let message: Record<string, unknown> | undefined;
    if (line.startsWith('{')) {
      try {
        message = JSON.parse(line) as Record<string, unknown>;
      } catch {
        message = undefined;
      }
    }
    if (!message) {
      options.log?.(line);
      return;
    }
    for (const l of listeners) l(message);
    const i = waiters.findIndex((w) => w.match(message));
    if (i >= 0) waiters.splice(i, 1)[0]!.resolve(message);
    else queue.push(message);
  });
  child.on('exit', (code, signal) => {
    live.delete(child);
    exited = { code, signal };
    for (const w of exitWaiters.splice(0)) w();
  });
  child.stdin!.on('error', () => undefined);

  const whenExited = () => new Promise<void>((resolve) => (exited ? resolve() : exitWaiters.push(resolve)));

  return {
    child,
    next<T>(match: (m: Record<string, unknown>) => boolean = () => true, timeoutMs = 120_000): Promise<T> {
      const i = queue.findIndex(match);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as T);
      return new Promise<T>((resolve, reject) => {
        const waiter = {
          match,
          resolve: (m: Record<string, unknown>) => {
            clearTimeout(timer);
            resolve(m as T);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `${script}: no message in ${timeoutMs} ms${exited ? ` (exited ${exited.code ?? exited.signal})` : ''}\n${errText.slice(-3000)}`,
            ),
          );
        }, timeoutMs);
        waiters.push(waiter);
        void whenExited().then(() => {
          // Give buffered stdout a moment, then fail the waiter if nothing matched.
          setTimeout(() => {
            if (!waiters.includes(waiter)) return;
            waiters.splice(waiters.indexOf(waiter), 1);
            clearTimeout(timer);
            reject(
              new Error(
                `${script} exited (${exited?.code ?? exited?.signal}) before answering\n${errText.slice(-3000)}`,
              ),
            );
          }, 200);
        });
      });
    },
    onMessage(listener) {
      listeners.push(listener);
    },
    send(command) {
      child.stdin!.write(`${JSON.stringify(command)}\n`);
    },
    async stop() {
      if (exited) return;
      child.stdin!.end();
      const soft = setTimeout(() => child.kill('SIGTERM'), 3000);
      const hard = setTimeout(() => child.kill('SIGKILL'), 8000);
      await whenExited();
      clearTimeout(soft);
      clearTimeout(hard);
    },
    stderr: () => errText,
  };
}

/** The PostgreSQL URL the bench uses, and whether a server answers there. */
export const PG_URL =
  process.env.BENCH_DATABASE_URL ??
  process.env.CLASSROOM_EMULATOR_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

export async function postgresReachable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.query('select 1');
    await client.end();
    return { ok: true };
  } catch (e) {
    return {
      ok: false,
      reason: `PostgreSQL unreachable at ${PG_URL.replace(/\/\/[^@]*@/, '//')}: ${(e as Error).message}`,
    };
  }
}

export function uniqueSchema(tag: string): string {
  return `bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  try {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    await client.connect();
    await client.query(`drop schema if exists "${schema.replace(/"/g, '')}" cascade`);
    await client.end();
  } catch {
    // best effort
  }
}

/** A store an emulator child process is started on, with what removes its leftovers. */
export interface BenchStore {
  name: string;
  /** Options for bench/servers/emulator.mjs. */
  config: Record<string, unknown>;
  cleanup?: () => Promise<void>;
}

/**
 * The stores a case runs on: SQLite in memory always; in full runs also SQLite in a file and
 * PostgreSQL when a server answers. `skipped` says why PostgreSQL is not in the list.
 */
export async function benchStores(ctx: CaseContext, tag: string): Promise<{ stores: BenchStore[]; skipped?: string }> {
  const stores: BenchStore[] = [{ name: 'SQLite (memory)', config: { store: 'memory' } }];
  if (ctx.quick) return { stores, skipped: 'quick mode: SQLite in memory only' };
  const dataDir = mkdtempSync(join(tmpdir(), `bench-${tag}-`));
  stores.push({
    name: 'SQLite (file)',
    config: { store: 'file', dataDir },
    cleanup: async () => rmSync(dataDir, { recursive: true, force: true }),
  });
  const pg = await postgresReachable();
  if (!pg.ok) return { stores, skipped: pg.reason };
  const schema = uniqueSchema(tag);
  stores.push({ name: 'PostgreSQL', config: { store: 'postgres', pgUrl: PG_URL, schema }, cleanup: () => dropSchema(schema) });
  return { stores };
}
