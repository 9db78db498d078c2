import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { explain } from 'classroom-errors';
import { createEmulator, type Emulator } from '../emulator.js';
import { DEMO_TOKENS } from '../seed/demo.js';
import { grade, type ExitStatus, type GradedRecord } from './grader.js';
import { summarise, type CheckReport, type ScenarioReport } from './report.js';
import { planScenarios, type Scenario } from './scenarios.js';

/** How to run a check. */
export interface RunOptions {
  /** The command and its arguments. */
  command: readonly string[];
  /** Longest one run of the command may take, ms. */
  timeoutMs: number;
  /** Only these scenarios (all that apply when empty). */
  only?: readonly string[];
  /** Language of the explanations. */
  lang?: string;
  /** Scenarios run at the same time. Default 2 (each is an emulator plus the command). */
  parallel?: number;
  /** Told as each scenario starts and ends. */
  onProgress?: (event: ProgressEvent) => void;
  /** Where the command's own output goes (default: kept, shown only when the baseline fails). */
  echo?: (chunk: string) => void;
}

export type ProgressEvent =
  | { kind: 'baseline-start' }
  | { kind: 'baseline-end'; ok: boolean; methods: string[]; requests: number; durationMs: number }
  | { kind: 'scenario-start'; name: string; index: number; total: number }
  | { kind: 'scenario-end'; report: ScenarioReport; index: number; total: number };

/** The outcome: a report, or why the baseline failed. */
export type CheckOutcome = { ok: true; report: CheckReport } | { ok: false; reason: string; output: string };

/** The environment variables the command gets: the emulator's address and the demo school's tokens. */
export function commandEnv(host: string): Record<string, string> {
  const env: Record<string, string> = { CLASSROOM_EMULATOR_HOST: host };
  // demo-admin → CLASSROOM_EMULATOR_TOKEN_ADMIN, demo-classroom-off → …_CLASSROOM_OFF
  for (const { token } of DEMO_TOKENS) env[`CLASSROOM_EMULATOR_TOKEN_${token.replace(/^demo-/, '').replace(/-/g, '_').toUpperCase()}`] = token;
  return env;
}

/** A stack trace (Node) or a traceback (Python) on stderr: the command died of an exception it did not catch. */
export function looksUncaught(stderr: string): boolean {
  return /^Traceback \(most recent call last\):/m.test(stderr) || /^\s+at .+:\d+:\d+\)?$/m.test(stderr);
}

interface Run {
  records: GradedRecord[];
  exit: ExitStatus;
  output: string;
  durationMs: number;
}

/** Commands running now, each the leader of its own process group. */
const running = new Set<number>();

function killGroup(pid: number): void {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Ends every command a check is running (and what they started), e.g. when the check is interrupted. */
export function stopCommands(): void {
  for (const pid of running) killGroup(pid);
  running.clear();
}

/** Keeps the last part of the command's output (enough to show why a baseline failed). */
const OUTPUT_KEPT = 16_384;

async function runCommand(emulator: Emulator, options: RunOptions): Promise<Omit<Run, 'records'>> {
  const [file, ...args] = options.command;
  if (!file) throw new Error('no command to run');
  const started = performance.now();
  return new Promise((resolve) => {
    // Its own process group, so a timeout ends whatever the command started too (npm, a shell…).
    const child = spawn(file, args, {
      env: { ...process.env, ...commandEnv(emulator.host) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let output = '';
    let stderr = '';
    const keep = (chunk: Buffer, isErr: boolean) => {
      const text = chunk.toString('utf8');
      options.echo?.(text);
      output = (output + text).slice(-OUTPUT_KEPT);
      if (isErr) stderr = (stderr + text).slice(-OUTPUT_KEPT);
    };
    child.stdout.on('data', (c: Buffer) => keep(c, false));
    child.stderr.on('data', (c: Buffer) => keep(c, true));
    let timedOut = false;
    const pid = child.pid;
    if (pid !== undefined) running.add(pid);
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid !== undefined) killGroup(pid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      resolve({ exit: { code: 127, signal: null, timedOut: false, uncaught: false }, output: `${output}\n${error.message}`, durationMs: performance.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (pid !== undefined) running.delete(pid);
      resolve({ exit: { code, signal, timedOut, uncaught: !timedOut && code !== 0 && looksUncaught(stderr) }, output, durationMs: performance.now() - started });
    });
  });
}

/** A fresh emulator with the demo school, armed for one scenario; the command run against it; its log. */
async function runOnce(scenario: Scenario | undefined, options: RunOptions): Promise<Run> {
  const emulator = await createEmulator({ demo: true, requestFingerprints: true, requestLogSize: 100_000 });
  try {
    if (scenario?.quota) {
      await emulator.admin.setLimits({ projectQueriesPerMinute: scenario.quota.queriesPerWindow, quotaWindowSeconds: scenario.quota.windowSeconds });
      await emulator.admin.setQuota({ retryAfter: scenario.quota.retryAfter });
    }
    for (const method of scenario?.instructions ? scenario.methods : []) {
      await emulator.admin.addFaults({ method, instructions: [...(scenario?.instructions ?? [])] });
    }
    const run = await runCommand(emulator, options);
    const { requests } = await emulator.admin.requests({ limit: 100_000 });
    return { ...run, records: requests.filter((r) => r.method !== undefined) };
  } finally {
    // A delayed answer may still be pending inside; do not wait for it.
    await Promise.race([emulator.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  }
}

/** Runs `tasks` with at most `limit` in flight, keeping their order. */
async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * The whole check: a baseline run without faults (it must exit 0; its log says which methods the
 * command uses), then every scenario that applies, each on a fresh emulator, graded.
 *
 * @example
 * ```ts
 * const outcome = await runCheck({ command: ['node', 'sync.mjs'], timeoutMs: 30_000 });
 * if (outcome.ok) process.stdout.write(renderTable(outcome.report));
 * ```
 */
export async function runCheck(options: RunOptions): Promise<CheckOutcome> {
  options.onProgress?.({ kind: 'baseline-start' });
  const baseline = await runOnce(undefined, options);
  const methods = [...new Set(baseline.records.map((r) => r.method).filter((m): m is string => m !== undefined))].sort();
  const ok = baseline.exit.code === 0 && !baseline.exit.timedOut && methods.length > 0;
  options.onProgress?.({ kind: 'baseline-end', ok, methods, requests: baseline.records.length, durationMs: baseline.durationMs });
  if (!ok) {
    const reason = baseline.exit.timedOut
      ? `the command did not finish within ${options.timeoutMs / 1000} s without any fault`
      : baseline.exit.code !== 0
        ? `the command exited ${baseline.exit.code ?? baseline.exit.signal} without any fault`
        : 'the command made no Classroom call: does it read CLASSROOM_EMULATOR_HOST?';
    return { ok: false, reason, output: baseline.output };
  }

  let scenarios = planScenarios(methods, baseline.records.length);
  if (options.only && options.only.length > 0) {
    const unknown = options.only.filter((name) => !scenarios.some((s) => s.name === name));
    if (unknown.length > 0) {
      return { ok: false, reason: `no scenario ${unknown.join(', ')} applies to this command; these do: ${scenarios.map((s) => s.name).join(', ')}`, output: '' };
    }
    scenarios = scenarios.filter((s) => options.only?.includes(s.name));
  }

  const total = scenarios.length;
  const reports = await pool(scenarios, options.parallel ?? 2, async (scenario, index) => {
    options.onProgress?.({ kind: 'scenario-start', name: scenario.name, index, total });
    const run = await runOnce(scenario, options);
    const { verdict, findings } = grade(scenario.kind, run.records, run.exit);
    const { title, cause, action } = explain(scenario.code, options.lang);
    const report: ScenarioReport = {
      name: scenario.name,
      kind: scenario.kind,
      injected: scenario.injected,
      code: scenario.code,
      explanation: { title, cause, action },
      verdict,
      findings,
      exit: run.exit,
      requests: run.records.length,
      durationMs: Math.round(run.durationMs),
    };
    options.onProgress?.({ kind: 'scenario-end', report, index, total });
    return report;
  });

  return {
    ok: true,
    report: {
      command: options.command.join(' '),
      lang: explain('INTERNAL', options.lang).lang,
      baseline: { methods, requests: baseline.records.length, durationMs: Math.round(baseline.durationMs) },
      scenarios: reports,
      summary: summarise(reports),
    },
  };
}
