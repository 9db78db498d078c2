import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LANGUAGES } from 'classroom-errors';
import { AdminClient } from '../admin/client.js';
import { renderJUnit, renderTable, type CheckReport } from './report.js';
import { runCheck, stopCommands, type ProgressEvent } from './runner.js';

/** `check`'s part of the CLI's help. */
export const CHECK_HELP = `  classroom-emulator check [--json FILE] [--junit FILE] [--timeout S] [--scenario NAME]… [--lang xx] -- COMMAND [ARGS…]
                                            grade COMMAND's error handling: run it against a fresh
                                            emulator once without faults, then once per failure
                                            scenario; exit 1 when a scenario fails, 2 when the
                                            run without faults fails`;

const USAGE = 'Usage: classroom-emulator check [--json FILE] [--junit FILE] [--timeout S] [--scenario NAME]… [--lang xx] [--parallel N] [--publish URL] -- COMMAND [ARGS…]';

/** Default longest run of the command in one scenario, seconds. */
export const DEFAULT_TIMEOUT_S = 30;

/** Where `check` writes what it learnt; replaceable in tests. */
export interface CheckIo {
  out: (text: string) => void;
  err: (text: string) => void;
  writeFile: (path: string, text: string) => void;
}

const processIo: CheckIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  writeFile: (path, text) => writeFileSync(path, text),
};

function usage(io: CheckIo, message: string): number {
  io.err(`classroom-emulator check: ${message}\n${USAGE}\n`);
  return 2;
}

function progress(io: CheckIo): (event: ProgressEvent) => void {
  return (event) => {
    if (event.kind === 'baseline-start') io.err('baseline: running the command without faults…\n');
    else if (event.kind === 'baseline-end') {
      io.err(`baseline: ${event.ok ? 'ok' : 'FAILED'} in ${(event.durationMs / 1000).toFixed(1)} s, ${event.requests} requests to ${event.methods.join(', ') || 'no Classroom method'}\n`);
    } else if (event.kind === 'scenario-end') {
      const { report } = event;
      const rules = [...new Set(report.findings.map((f) => f.rule))].join(', ');
      io.err(`[${event.index + 1}/${event.total}] ${report.name}: ${report.verdict}${rules ? ` (${rules})` : ''} in ${(report.durationMs / 1000).toFixed(1)} s\n`);
    }
  };
}

/**
 * `classroom-emulator check … -- COMMAND`: parses the arguments, runs the check with progress on stderr,
 * prints the table and writes the reports. Resolves to the exit status: 0 when no scenario fails, 1 when
 * one does, 2 when the baseline fails or the arguments are wrong.
 *
 * @example
 * ```ts
 * process.exitCode = await check(['--json', 'report.json', '--', 'node', 'sync.mjs']);
 * ```
 */
export async function check(argv: readonly string[], io: CheckIo = processIo): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash === -1 ? [...argv] : argv.slice(0, dash);
  const command = dash === -1 ? [] : argv.slice(dash + 1);
  let values: { json?: string; junit?: string; timeout?: string; scenario?: string[]; lang?: string; parallel?: string; publish?: string; help?: boolean };
  try {
    const parsed = parseArgs({
      args: own,
      strict: true,
      allowPositionals: false,
      options: {
        json: { type: 'string' },
        junit: { type: 'string' },
        timeout: { type: 'string' },
        scenario: { type: 'string', multiple: true },
        lang: { type: 'string' },
        parallel: { type: 'string' },
        publish: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    values = parsed.values;
  } catch (error) {
    return usage(io, (error as Error).message);
  }
  if (values.help) {
    io.out(`${USAGE}\n\n${CHECK_HELP}\n`);
    return 0;
  }
  if (command.length === 0) return usage(io, 'name the command to grade after --');
  const timeout = values.timeout ?? String(DEFAULT_TIMEOUT_S);
  if (!/^\d+(\.\d+)?$/.test(timeout) || Number(timeout) <= 0) return usage(io, `--timeout takes seconds, not "${timeout}"`);
  const parallel = values.parallel ?? '2';
  if (!/^\d+$/.test(parallel) || Number(parallel) < 1) return usage(io, `--parallel takes a whole number of at least 1, not "${parallel}"`);
  const lang = values.lang ?? 'en';
  if (!(LANGUAGES as readonly string[]).includes(lang.slice(0, 2).toLowerCase())) return usage(io, `--lang takes one of ${LANGUAGES.join(', ')}, not "${lang}"`);
  if (values.publish !== undefined && !/^https?:\/\/[^/]+/.test(values.publish)) return usage(io, `--publish takes the URL of a running emulator, not "${values.publish}"`);

  // The commands run in their own process groups, out of reach of the terminal's Ctrl-C: end them here.
  const interrupted = (signal: NodeJS.Signals) => {
    stopCommands();
    io.err(`classroom-emulator check: ${signal}, stopped\n`);
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  let outcome: Awaited<ReturnType<typeof runCheck>>;
  try {
    outcome = await runCheck({
      command,
      timeoutMs: Number(timeout) * 1000,
      lang,
      parallel: Number(parallel),
      ...(values.scenario ? { only: values.scenario } : {}),
      onProgress: progress(io),
    });
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
  }
  if (!outcome.ok) {
    io.err(`classroom-emulator check: ${outcome.reason}; no scenario was run.\n`);
    if (outcome.output.trim()) io.err(`Its output:\n${outcome.output.trimEnd()}\n`);
    return 2;
  }
  writeReports(outcome.report, values, io);
  if (values.publish) {
    // The console of a running emulator shows the last report; failing to leave it there is worth saying, not failing for.
    await new AdminClient(values.publish.replace(/\/+$/, '')).publishCheckReport(outcome.report).then(
      () => io.err(`published to ${values.publish}/emulator/v1/check/last\n`),
      (error: unknown) => io.err(`could not publish the report to ${values.publish}: ${(error as Error).message}\n`),
    );
  }
  return outcome.report.summary.fail > 0 ? 1 : 0;
}

function writeReports(report: CheckReport, files: { json?: string; junit?: string }, io: CheckIo): void {
  io.out(renderTable(report));
  if (files.json) {
    io.writeFile(files.json, `${JSON.stringify(report, null, 2)}\n`);
    io.err(`wrote ${files.json}\n`);
  }
  if (files.junit) {
    io.writeFile(files.junit, renderJUnit(report));
    io.err(`wrote ${files.junit}\n`);
  }
}
