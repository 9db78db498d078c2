import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { explain } from 'classroom-errors';
import { afterAll, describe, expect, it } from 'vitest';
import type { CheckReport } from '../src/check/report.js';

// `classroom-emulator check` as a user runs it (the built bin), on the three conformance clients of
// examples/conformance/: the same roster job, made naively, by hammering, and with classroom-errors.
const BIN = fileURLToPath(new URL('../bin/classroom-emulator.js', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../examples/conformance/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Checked {
  status: number | null;
  stdout: string;
  stderr: string;
  report: CheckReport | undefined;
}

function check(name: string, args: readonly string[], command: readonly string[]): Promise<Checked> {
  const json = join(dir, `${name}.json`);
  const junit = join(dir, `${name}.xml`);
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'check', '--json', json, '--junit', junit, ...args, '--', ...command], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      let report: CheckReport | undefined;
      try {
        report = JSON.parse(readFileSync(json, 'utf8')) as CheckReport;
      } catch {
        report = undefined;
      }
      resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr, report });
    });
  });
}

const node = (file: string) => [process.execPath, join(EXAMPLES, file)];
const rulesOf = (report: CheckReport | undefined, scenario: string) => new Set(report?.scenarios.find((s) => s.name === scenario)?.findings.map((f) => f.rule));
const verdictOf = (report: CheckReport | undefined, scenario: string) => report?.scenarios.find((s) => s.name === scenario)?.verdict;
const scenarios = (...names: string[]) => names.flatMap((n) => ['--scenario', n]);

describe('classroom-emulator check on the conformance clients', () => {
  it('passes the client built on withRetry, on every scenario', async () => {
    // A generous timeout: its sustained-outage run waits out up to 7.5 s of backoff per method, and CI's
    // two cores also run other test files meanwhile.
    const { status, stdout, stderr, report } = await check('with-retry', ['--timeout', '60'], node('with-retry.mjs'));
    expect(report?.summary.fail, `${stdout}\n${stderr}`).toBe(0);
    expect(status).toBe(0);
    // Every scenario the issue names applies to the roster job.
    expect(report?.scenarios.map((s) => s.name)).toEqual([
      'internal-500-once',
      'internal-500-twice',
      'unavailable-503-sustained',
      'quota-429',
      'quota-429-retry-after',
      'connection-reset',
      'partial-body',
      'slow-response',
      'precondition-CourseNotModifiable',
      'precondition-CourseMemberLimitReached',
      'precondition-UserGroupsMembershipLimitReached',
      'precondition-InactiveCourseOwner',
      'join-limit',
      'permission-denied',
    ]);
    expect(report?.baseline.methods).toEqual(['classroom.courses.get', 'classroom.courses.students.create', 'classroom.courses.students.list']);
    expect(stdout).toMatch(/^internal-500-once\s+PASS\s+-\s+INTERNAL: /m);
    expect(readFileSync(join(dir, 'with-retry.xml'), 'utf8')).toContain('<testcase classname="classroom-emulator.check" name="join-limit"');
    process.stderr.write(`check of with-retry.mjs, ${report?.scenarios.length} scenarios: ${stderr.split('\n').filter((l) => l.startsWith('[')).length} done\n`);
  }, 240_000);

  it('fails the hammering client for retrying what it must not and for storming', async () => {
    const { status, report, stdout } = await check(
      'hammering',
      scenarios('unavailable-503-sustained', 'quota-429-retry-after', 'precondition-CourseNotModifiable', 'join-limit'),
      node('hammering.mjs'),
    );
    expect(status, stdout).toBe(1);
    expect(rulesOf(report, 'precondition-CourseNotModifiable')).toEqual(new Set(['retried-non-retryable']));
    expect(rulesOf(report, 'join-limit')).toEqual(new Set(['retried-join-limit']));
    // 50 attempts at once against a 2-second quota window: every quota rule at once.
    expect([...rulesOf(report, 'quota-429-retry-after')]).toEqual(expect.arrayContaining(['no-backoff', 'ignored-retry-after', 'retry-storm']));
    expect(verdictOf(report, 'unavailable-503-sustained')).toBe('fail');
    expect(report?.summary).toEqual({ pass: 0, warn: 0, fail: 4 });
  }, 120_000);

  it('fails the naive client for giving up, and warns that it crashes on documented errors', async () => {
    const { status, report, stdout } = await check('naive', ['--lang', 'ja', ...scenarios('internal-500-once', 'precondition-CourseMemberLimitReached')], node('naive.mjs'));
    expect(status, stdout).toBe(1);
    // The injected code explained in the language asked for.
    expect(stdout).toContain(`CourseMemberLimitReached: ${explain('CourseMemberLimitReached', 'ja').title}`);
    expect(report?.lang).toBe('ja');
    expect(rulesOf(report, 'internal-500-once')).toEqual(new Set(['gave-up-on-retryable']));
    expect(rulesOf(report, 'precondition-CourseMemberLimitReached')).toEqual(new Set(['crashed-on-expected-error']));
    expect(report?.summary).toEqual({ pass: 0, warn: 1, fail: 1 });
  }, 60_000);

  it('stops with status 2 when the command fails without any fault', async () => {
    const { status, stderr, report } = await check('broken', [], [process.execPath, '-e', 'process.exit(3)']);
    expect(status).toBe(2);
    expect(stderr).toContain('the command exited 3 without any fault; no scenario was run.');
    expect(report).toBeUndefined();
  }, 60_000);

  const python = process.env.PYTHON ?? 'python3';
  const hasClient = spawnSync(python, ['-c', 'import googleapiclient, google_auth_httplib2'], { stdio: 'ignore' }).status === 0;
  if (!hasClient) process.stderr.write(`skipped: the Python check needs google-api-python-client and google-auth-httplib2 for ${python} (pip or apt: python3-googleapi)\n`);
  it.skipIf(!hasClient)('grades a Python program using the discovery client', async () => {
    const { status, report, stdout, stderr } = await check('python', scenarios('internal-500-once', 'precondition-CourseMemberLimitReached'), [python, join(EXAMPLES, 'roster_job.py')]);
    expect(report?.baseline.methods, `${stdout}\n${stderr}`).toEqual(['classroom.courses.get', 'classroom.courses.students.create', 'classroom.courses.students.list']);
    // execute(num_retries=…) retries the 500 with backoff; the 400 is reported, not retried.
    expect(verdictOf(report, 'internal-500-once'), stdout).toBe('pass');
    expect(verdictOf(report, 'precondition-CourseMemberLimitReached'), stdout).toBe('pass');
    expect(status).toBe(0);
  }, 120_000);
});
