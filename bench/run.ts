// npm run bench [-- --quick] [-- <case>...] [-- --out DIR]
// Runs the benchmark cases one after another; prints each table and, in a full run, writes
// bench/results/<case>.md (+ SVG charts). Missed targets are reported, never fatal: the exit code is
// non-zero only when a case crashes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_DIR,
  commitLine,
  loadLine,
  machineLine,
  verdict,
  type CaseContext,
  type CaseResult,
} from './lib/common.js';

type Case = (ctx: CaseContext) => Promise<CaseResult>;

const CASES: Record<string, () => Promise<Case>> = {
  throughput: async () => (await import('./cases/throughput.js')).throughput,
  startup: async () => (await import('./cases/startup.js')).startup,
  district: async () => (await import('./cases/district.js')).district,
  retry: async () => (await import('./cases/retry.js')).retry,
  soak: async () => (await import('./cases/soak.js')).soak,
  cost: async () => (await import('./cases/cost.js')).cost,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const names = args.filter((a, i) => !a.startsWith('--') && !(outAt >= 0 && i === outAt + 1));
const unknown = names.filter((n) => !(n in CASES));
if (unknown.length) {
  console.error(`unknown case(s): ${unknown.join(', ')}; known: ${Object.keys(CASES).join(', ')}`);
  process.exit(2);
}
const selected = names.length ? names : Object.keys(CASES);
const outDir = outAt >= 0 ? args[outAt + 1] : quick ? undefined : join(BENCH_DIR, 'results');

const started = Date.now();
// The build (npm run bench builds first) is of the work tree as it is now.
const commit = commitLine();
const summary: string[] = [];
let crashed = false;
for (const name of selected) {
  const ctx: CaseContext = { quick, outDir, log: (line) => console.error(line) };
  const caseStarted = Date.now();
  const startLine = machineLine(commit);
  let result: CaseResult;
  try {
    result = await (await CASES[name]!())(ctx);
  } catch (e) {
    crashed = true;
    console.error(`[${name}] crashed: ${(e as Error).stack ?? String(e)}`);
    summary.push(`- ${name}: CRASHED — ${(e as Error).message.split('\n')[0]}`);
    continue;
  }
  const seconds = ((Date.now() - caseStarted) / 1000).toFixed(1);
  const doc = [
    `# ${result.title}${quick ? ' (quick mode)' : ''}`,
    '',
    startLine,
    '',
    `Run: \`npm run bench -- ${name}${quick ? ' --quick' : ''}\` (${seconds} s; load average at the end ${loadLine()})`,
    '',
    result.markdown,
    '',
  ].join('\n');
  console.log(`\n${doc}`);
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, `${name}.md`), doc);
    for (const [file, contents] of Object.entries(result.files ?? {})) writeFileSync(join(outDir, file), contents);
  }
  for (const t of result.targets) summary.push(`- ${name}: ${t.name}: ${t.measured} (goal ${t.goal}) → ${verdict(t)}`);
  if (outDir && !quick) recordTargets(outDir, name, result.targets, startLine);
}

/**
 * Keeps every case's latest verdicts in targets.json and rewrites the table between the markers of the
 * root README, so the README always shows the figures of the last full run of each case.
 */
function recordTargets(dir: string, name: string, targets: CaseResult['targets'], machine: string): void {
  const file = join(dir, 'targets.json');
  const all = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, { machine: string; targets: CaseResult['targets'] }>;
  all[name] = { machine, targets };
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
  const readme = join(BENCH_DIR, '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('<!-- bench:start -->');
  const end = text.indexOf('<!-- bench:end -->');
  if (start < 0 || end < start) return;
  const rows = ['| case | target | goal | measured | verdict |', '| --- | --- | --- | --- | --- |'];
  for (const [caseName, entry] of Object.entries(all)) {
    for (const t of entry.targets) {
      const cell = (v: string) => v.replace(/\|/g, '\\|');
      rows.push(`| ${caseName} | ${cell(t.name)} | ${cell(t.goal)} | ${cell(t.measured)} | ${cell(t.met === 'skipped' ? 'skipped' : t.met ? 'met' : '**MISSED**')} |`);
    }
  }
  const table = `<!-- bench:start -->\n${rows.join('\n')}\n\nReasons for each miss, machine and date: [bench/results/](bench/results/).\n`;
  writeFileSync(readme, text.slice(0, start) + table + text.slice(end));
}
console.log(
  `\n## Summary (${((Date.now() - started) / 1000).toFixed(1)} s${quick ? ', quick mode' : ''})\n\n${summary.join('\n')}`,
);
process.exit(crashed ? 1 : 0);
