import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, running, start, stop } from './helpers/cli-process.js';

// Each case runs the real CLI as a child process: what matters is the message a developer reads and
// the exit status a script sees.
describe('start-up failures say what is wrong and where, and exit 1', { timeout: 90_000 }, () => {
  let scratch: string;
  /** A data directory holding a real database, made by a clean start and stop. */
  let good: string;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'classroom-emulator-start-'));
    good = join(scratch, 'good');
    const started = await start(['--data-dir', good, '--no-demo', '--log-level', 'silent']);
    expect(await stop(started)).toBe(0);
  });
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A copy of the good data directory to damage. */
  function copy(name: string): string {
    const dir = join(scratch, name);
    mkdirSync(dir);
    copyFileSync(join(good, 'classroom.sqlite'), join(dir, 'classroom.sqlite'));
    return dir;
  }

  it('a second process on one --data-dir is refused, naming the directory and the owner; PostgreSQL is the way to share', async () => {
    const dir = join(scratch, 'owned');
    const owner = await start(['--data-dir', dir, '--no-demo', '--log-level', 'silent']);
    try {
      const second = await run(['start', '--port', '0', '--data-dir', dir]);
      expect(second.code).toBe(1);
      expect(second.output).toContain(`the data directory ${dir} is in use by another emulator (process ${owner.child.pid})`);
      expect(second.output).toContain('use PostgreSQL (--database-url)');
      // The owner is unharmed.
      expect((await fetch(`${owner.url}/emulator/v1/health`)).status).toBe(200);
    } finally {
      expect(await stop(owner)).toBe(0);
    }
  });

  it('a directory left by a killed owner (its pid file still there) is taken over', async () => {
    const dir = join(scratch, 'killed');
    const owner = await start(['--data-dir', dir, '--no-demo', '--log-level', 'silent']);
    owner.child.kill('SIGKILL');
    await owner.exit;
    expect(readFileSync(join(dir, 'classroom.sqlite.pid'), 'utf8').trim()).toBe(String(owner.child.pid));
    const next = await start(['--data-dir', dir, '--no-demo', '--log-level', 'silent']);
    expect(await stop(next)).toBe(0);
  });

  const refusals: [string, () => string, (dir: string) => string][] = [
    ['a path that is a file', () => {
      const file = join(scratch, 'plain-file');
      writeFileSync(file, 'x');
      return file;
    }, (dir) => `--data-dir ${dir} is a file, not a directory.`],
    ['a read-only directory', () => {
      const dir = join(scratch, 'read-only-dir');
      mkdirSync(dir);
      chmodSync(dir, 0o555);
      return dir;
    }, (dir) => `the data directory ${dir} is read-only`],
    ['a read-only database file', () => {
      const dir = copy('read-only-file');
      chmodSync(join(dir, 'classroom.sqlite'), 0o444);
      return dir;
    }, (dir) => `the database file ${join(dir, 'classroom.sqlite')} is read-only`],
    ['a truncated database file', () => {
      const dir = copy('truncated');
      truncateSync(join(dir, 'classroom.sqlite'), Math.floor(statSync(join(dir, 'classroom.sqlite')).size / 3));
      return dir;
    }, (dir) => `the database file ${join(dir, 'classroom.sqlite')} is damaged`],
    ['a file that is not a database', () => {
      const dir = join(scratch, 'garbage');
      mkdirSync(dir);
      writeFileSync(join(dir, 'classroom.sqlite'), 'this is not an SQLite database, only text that happens to be here. '.repeat(100));
      return dir;
    }, (dir) => `the database file ${join(dir, 'classroom.sqlite')} is damaged or not an SQLite database`],
  ];

  it.each(refusals)('--data-dir: %s', async (_name, make, message) => {
    const dir = make();
    const { code, output } = await run(['start', '--port', '0', '--data-dir', dir]);
    expect({ code, output }).toEqual({ code: 1, output: expect.stringContaining(message(dir)) as unknown });
  });

  it('an empty database file is a new store', async () => {
    const dir = join(scratch, 'empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'classroom.sqlite'), '');
    const started = await start(['--data-dir', dir, '--log-level', 'silent']);
    expect(started.output()).toContain('demo-teacher');
    expect(await stop(started)).toBe(0);
  });

  it('an unreachable --database-url names PostgreSQL, the address and the flag; the variable when it came from there', async () => {
    const [byFlag, byEnv] = await Promise.all([
      run(['start', '--port', '0', '--database-url', 'postgres://nobody@127.0.0.1:1/none']),
      run(['start', '--port', '0'], { CLASSROOM_EMULATOR_DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }),
    ]);
    expect(byFlag.code).toBe(1);
    expect(byFlag.output).toContain('PostgreSQL at 127.0.0.1:1 could not be reached (connect ECONNREFUSED 127.0.0.1:1); the URL was given by --database-url.');
    expect(byEnv.code).toBe(1);
    expect(byEnv.output).toContain('the URL was given by CLASSROOM_EMULATOR_DATABASE_URL.');
  });
});
