import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Runs every benchmark case of bench/ in its --quick mode (a few seconds each), so that the benches
// keep working as the emulator changes. Only that they run and report is checked here: missed targets
// are the benchmark's findings, not test failures.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

function runBench(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const CASES: [name: string, title: string, table: RegExp][] = [
  ['throughput', '# Throughput (quick mode)', /\| SQLite \(memory\) \| courses\.get \| \d+ \| [\d,]+ \| [\d,]+ \|/],
  ['startup', '# Start and reset (quick mode)', /\| SQLite \(memory\) \| reset \{\} \(wipe a seeded demo school\) \|/],
  ['district', '# District scale (quick mode)', /\| SQLite \(memory\) \| 30 \| 34 pages, 1000 students \|/],
  ['soak', '# Soak: mixed load for minutes (quick mode)', /\| errors \(non-2xx, socket errors, timeouts\) \| 0 \| \d+ of [\d,]+ /],
  [
    'retry',
    '# Retry under a quota storm (quick mode)',
    /\| withRetry \+ shared RetryBudget, Retry-After on \*\*\(ours\)\*\* \| [\d.]+ % \|/,
  ],
];

describe('npm run bench -- --quick', () => {
  for (const [name, title, row] of CASES) {
    it(`runs the ${name} case and prints its table`, { timeout: 180_000 }, async () => {
      const { code, stdout, stderr } = await runBench([name, '--quick']);
      expect(code, `bench ${name} exited ${code}\n${stderr.slice(-3000)}`).toBe(0);
      expect(stdout).toContain(title);
      expect(stdout).toMatch(row);
      expect(stdout).toContain('| target | goal | measured | verdict |');
      expect(stdout).not.toContain('CRASHED');
      expect(stdout).not.toMatch(/not measured/);
    });
  }
});
