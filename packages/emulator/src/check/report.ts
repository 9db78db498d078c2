import type { Finding, Verdict } from './grader.js';
import type { ScenarioKind } from './scenarios.js';

/** One scenario's outcome, as the JSON report holds it. */
export interface ScenarioReport {
  name: string;
  kind: ScenarioKind;
  /** What was injected, in words. */
  injected: string;
  /** The catalog code of the injected failure, and classroom-errors' explanation of it in the report's language. */
  code: string;
  explanation: { title: string; cause: string; action: string };
  verdict: Verdict;
  findings: Finding[];
  /** How the command ended. */
  exit: { code: number | null; signal: string | null; timedOut: boolean; uncaught: boolean };
  /** Classroom requests it made. */
  requests: number;
  durationMs: number;
}

/** The whole report: `check --json FILE` writes it. */
export interface CheckReport {
  /** The command as typed, words joined by spaces. */
  command: string;
  lang: string;
  baseline: { methods: string[]; requests: number; durationMs: number };
  scenarios: ScenarioReport[];
  summary: { pass: number; warn: number; fail: number };
}

/** Counts the verdicts. */
export function summarise(scenarios: readonly Pick<ScenarioReport, 'verdict'>[]): CheckReport['summary'] {
  const summary = { pass: 0, warn: 0, fail: 0 };
  for (const s of scenarios) summary[s.verdict] += 1;
  return summary;
}

/** Columns count East Asian wide characters twice, so tables with Japanese titles still line up. */
function width(text: string): number {
  let n = 0;
  for (const ch of text) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

/**
 * The terminal table: one row per scenario (verdict, the rules it broke, the injected code and its
 * explanation), then each finding with the requests it names.
 *
 * @example
 * ```ts
 * process.stdout.write(renderTable(report));
 * ```
 */
export function renderTable(report: CheckReport): string {
  const rows = report.scenarios.map((s) => [
    s.name,
    s.verdict.toUpperCase(),
    s.findings.length === 0 ? '-' : [...new Set(s.findings.map((f) => f.rule))].join(', '),
    `${s.code}: ${s.explanation.title}`,
  ]);
  const header = ['scenario', 'verdict', 'findings', 'injected code (explained)'];
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) => `${cells.map((c, i) => (i === cells.length - 1 ? c : pad(c, widths[i] ?? 0))).join('  ')}\n`;
  let out = line(header) + line(widths.map((w) => '-'.repeat(w)));
  for (const row of rows) out += line(row);
  const { pass, warn, fail } = report.summary;
  out += `\n${pass} pass, ${warn} warn, ${fail} fail — baseline used ${report.baseline.methods.join(', ')} (${report.baseline.requests} requests)\n`;
  const detailed = report.scenarios.filter((s) => s.findings.length > 0);
  if (detailed.length > 0) out += '\nFindings:\n';
  for (const s of detailed) {
    for (const f of s.findings) {
      out += `  ${s.name} · ${f.rule} (${f.severity}): ${f.message}${f.requests.length > 0 ? ` [${f.requests.join(' ')}]` : ''}\n`;
    }
  }
  return out;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/**
 * JUnit XML for CI systems: one test case per scenario; a failing scenario is a `<failure>`, a warning
 * passes with its findings in `<system-out>`.
 *
 * @example
 * ```ts
 * writeFileSync('check.xml', renderJUnit(report));
 * ```
 */
export function renderJUnit(report: CheckReport): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const total = report.scenarios.reduce((sum, s) => sum + s.durationMs, 0);
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<testsuites name="classroom-emulator check" tests="${report.scenarios.length}" failures="${report.summary.fail}" time="${seconds(total)}">\n`;
  out += `  <testsuite name="${xml(report.command)}" tests="${report.scenarios.length}" failures="${report.summary.fail}" errors="0" skipped="0" time="${seconds(total)}">\n`;
  for (const s of report.scenarios) {
    const text = s.findings.map((f) => `${f.rule} (${f.severity}): ${f.message} [${f.requests.join(' ')}]`).join('\n');
    out += `    <testcase classname="classroom-emulator.check" name="${xml(s.name)}" time="${seconds(s.durationMs)}">\n`;
    if (s.verdict === 'fail') {
      const rules = [...new Set(s.findings.filter((f) => f.severity === 'fail').map((f) => f.rule))].join(', ');
      out += `      <failure message="${xml(rules)}" type="${xml(s.code)}">${xml(text)}</failure>\n`;
    } else if (text) {
      out += `      <system-out>${xml(text)}</system-out>\n`;
    }
    out += '    </testcase>\n';
  }
  out += '  </testsuite>\n</testsuites>\n';
  return out;
}
