import { describe, expect, it } from 'vitest';
import { check, type CheckIo } from '../src/check/command.js';
import { commandEnv, looksUncaught } from '../src/check/runner.js';
import { planScenarios } from '../src/check/scenarios.js';
import { createEmulator } from '../src/index.js';

function capture(): CheckIo & { text: () => string; files: Map<string, string> } {
  let text = '';
  const files = new Map<string, string>();
  return { out: (t) => (text += t), err: (t) => (text += t), writeFile: (p, t) => files.set(p, t), text: () => text, files };
}

describe('check command line', () => {
  it.each([
    [[], 'name the command to grade after --'],
    [['--timeout', 'soon', '--', 'node', 'x.mjs'], '--timeout takes seconds, not "soon"'],
    [['--lang', 'fr', '--', 'node', 'x.mjs'], '--lang takes one of en, ja, de, ru, it, not "fr"'],
    [['--parallel', '0', '--', 'node', 'x.mjs'], '--parallel takes a whole number of at least 1, not "0"'],
    [['--colour', '--', 'node', 'x.mjs'], "Unknown option '--colour'"],
  ])('refuses %j with status 2', async (argv, message) => {
    const io = capture();
    expect(await check(argv, io)).toBe(2);
    expect(io.text()).toContain(message);
    expect(io.text()).toContain('Usage: classroom-emulator check');
  });

  it('names the scenarios that apply when asked for one that does not', async () => {
    const io = capture();
    const status = await check(['--scenario', 'missing-grant', '--', process.execPath, '-e', `fetch('http://' + process.env.CLASSROOM_EMULATOR_HOST + '/v1/courses', { headers: { authorization: 'Bearer ' + process.env.CLASSROOM_EMULATOR_TOKEN_TEACHER } }).then((r) => process.exit(r.ok ? 0 : 1))`], io);
    expect(status).toBe(2);
    expect(io.text()).toContain('baseline: ok');
    expect(io.text()).toContain('no scenario missing-grant applies to this command; these do: internal-500-once,');
  }, 30_000);
});

describe('check scenarios and runner pieces', () => {
  it('arms each specification code only on the used methods that return it', () => {
    const plan = planScenarios(['classroom.courses.list', 'classroom.courses.teachers.delete', 'classroom.registrations.create'], 4);
    const names = plan.map((s) => s.name);
    expect(names).toContain('precondition-CannotRemoveCourseOwner');
    expect(names).toContain('missing-grant');
    expect(names).not.toContain('join-limit');
    expect(names).not.toContain('precondition-CourseMemberLimitReached');
    expect(plan.find((s) => s.name === 'precondition-CannotRemoveCourseOwner')?.methods).toEqual(['classroom.courses.teachers.delete']);
    expect(plan.find((s) => s.name === 'quota-429')?.quota).toEqual({ retryAfter: false, queriesPerWindow: 2, windowSeconds: 2 });
  });

  it('gives the command the host and every demo token', () => {
    expect(commandEnv('127.0.0.1:1234')).toMatchObject({
      CLASSROOM_EMULATOR_HOST: '127.0.0.1:1234',
      CLASSROOM_EMULATOR_TOKEN_ADMIN: 'demo-admin',
      CLASSROOM_EMULATOR_TOKEN_TEACHER: 'demo-teacher',
      CLASSROOM_EMULATOR_TOKEN_CLASSROOM_OFF: 'demo-classroom-off',
      CLASSROOM_EMULATOR_TOKEN_DWD: 'demo-dwd',
    });
  });

  it('tells an uncaught exception from a reported failure', () => {
    expect(looksUncaught('file:///x.mjs:3\nthrow e\nGaxiosError: boom\n    at Gaxios._request (file:///n/gaxios.js:142:13)\n')).toBe(true);
    expect(looksUncaught('Traceback (most recent call last):\n  File "x.py", line 1\nHttpError: 400\n')).toBe(true);
    expect(looksUncaught('The roster job stopped: CourseMemberLimitReached (ask-user)\n')).toBe(false);
  });

  it('fingerprints calls and records the Retry-After a failure asked for', async () => {
    const emulator = await createEmulator({ demo: true, requestFingerprints: true, quotaRetryAfter: true, limits: { projectQueriesPerMinute: 1 } });
    try {
      const get = (path: string) => fetch(`${emulator.url}${path}`, { headers: { authorization: 'Bearer demo-teacher' } });
      expect((await get('/v1/courses/d:welcome')).status).toBe(200);
      expect((await get('/v1/courses/d:welcome')).status).toBe(429);
      expect((await get('/v1/courses/d:science-draft')).status).toBe(429);
      const { requests } = await emulator.admin.requests();
      const [first, again, other] = requests;
      expect(first?.fingerprint).toMatch(/^[\w-]{12}$/);
      expect(again?.fingerprint).toBe(first?.fingerprint);
      expect(other?.fingerprint).not.toBe(first?.fingerprint);
      expect(first?.retryAfterMs).toBeUndefined();
      expect(again?.retryAfterMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await emulator.close();
    }
  });
});

describe('the last check report on the admin API', () => {
  it('keeps what check --publish leaves, and says when there is none', async () => {
    const emulator = await createEmulator();
    try {
      await expect(emulator.admin.lastCheckReport()).rejects.toMatchObject({ httpStatus: 404 });
      const io = capture();
      const status = await check(['--publish', emulator.url, '--scenario', 'permission-denied', '--', process.execPath, '-e', `fetch('http://' + process.env.CLASSROOM_EMULATOR_HOST + '/v1/courses', { headers: { authorization: 'Bearer ' + process.env.CLASSROOM_EMULATOR_TOKEN_TEACHER } }).then((r) => process.exit(r.ok ? 0 : 1))`], io);
      // One call, refused once and not retried: nothing to find.
      expect(status, io.text()).toBe(0);
      expect(io.text()).toContain(`published to ${emulator.url}/emulator/v1/check/last`);
      const last = await emulator.admin.lastCheckReport<{ summary: object; scenarios: { name: string; verdict: string }[] }>();
      expect(last.summary).toEqual({ pass: 1, warn: 0, fail: 0 });
      expect(last.scenarios).toEqual([expect.objectContaining({ name: 'permission-denied', verdict: 'pass' })]);
      await expect(emulator.admin.publishCheckReport({ command: 'x' })).rejects.toMatchObject({ httpStatus: 400 });
    } finally {
      await emulator.close();
    }
  }, 30_000);
});
