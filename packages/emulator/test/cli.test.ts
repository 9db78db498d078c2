import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresSchema } from '../src/store/db.js';
import { PG_URL, uniqueSchema } from './helpers/harness.js';
import { run, running, start, stop, VERSION } from './helpers/cli-process.js';

async function classroom(url: string, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the classroom-emulator CLI', () => {
  let scratch: string;

  beforeAll(() => {
    const built = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    if (!existsSync(built)) throw new Error(`${built} is missing: build first with \`npx tsc -b packages/errors packages/emulator\`.`);
    scratch = mkdtempSync(join(tmpdir(), 'classroom-emulator-cli-'));
  });
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
    rmSync(scratch, { recursive: true, force: true });
  });

  it('starts with the demo school, prints URL, host and tokens that work, and exits cleanly on SIGTERM', async () => {
    const started = await start([]);
    const printed = started.output();
    const host = new URL(started.url).host;
    expect(printed).toContain(`export CLASSROOM_EMULATOR_HOST=${host}`);
    expect(printed).toContain('Demo school (maplewood.example) tokens:');
    expect(printed).toMatch(/demo-teacher\s+maria\.lopez, teacher/);
    // Every stable token of the demo school, not a selection.
    for (const token of ['demo-music-teacher', 'demo-student-2', 'demo-student-groups-full', 'demo-student-joins-used', 'demo-dwd']) expect(printed).toContain(`  ${token} `);

    const health = (await (await fetch(`${started.url}/emulator/v1/health`)).json()) as { status: string; store: string; version: string };
    expect(health).toMatchObject({ status: 'ok', store: 'sqlite', version: VERSION });
    const { status, body } = await classroom(started.url, 'demo-teacher', '/v1/courses/d:welcome');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'Welcome to Maplewood Elementary', enrollmentCode: 'wlcm123' });

    expect(await stop(started)).toBe(0);
    expect(started.output()).toContain('SIGTERM: shutting down');
  });

  it('--help and --version answer and exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.output).toContain('classroom-emulator start [options]');
    expect(help.output).toContain('--limit NAME=VALUE');
    const version = await run(['--version']);
    expect(version).toEqual({ code: 0, output: `${VERSION}\n` });
  });

  it.each([
    [['start', '--bogus'], /Unknown option '--bogus'/],
    [['start', '--port', 'eighty'], /--port must be a number from 0 to 65535, not "eighty"/],
    [['start', '--limit', 'courseSeats=5'], /--limit: unknown limit "courseSeats"/],
    [['start', '--limit', 'courseMembers'], /--limit takes NAME=VALUE/],
    [['start', '--log-level', 'loud'], /--log-level must be one of/],
    [['start', '--data-dir', '/tmp/x', '--database-url', 'postgres://h/db'], /exclude each other/],
    [['start', '--seed', '/nonexistent/school.yaml'], /--seed: there is no file \/nonexistent\/school.yaml/],
    [['start', '--request-timeout', 'soon'], /--request-timeout must be a number of seconds \(0 disables it\), not "soon"/],
    [['start', '--max-connections', 'many'], /--max-connections must be a whole number \(0: no limit\), not "many"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['seed'], /seed needs a FILE/],
    [['reset', '--out', 'x'], /reset does not take --out/],
  ])('exits 2 with a clear message on bad flags: %j', async (args, message) => {
    const { code, output } = await run(args);
    expect(code).toBe(2);
    expect(output).toMatch(message);
    expect(output).toContain('Run "classroom-emulator --help" for usage.');
  });

  it('applies --limit and --no-demo', async () => {
    const started = await start(['--no-demo', '--limit', 'courseMembers=42', '--limit', 'courseTeachers=3']);
    try {
      expect(started.output()).not.toContain('demo-teacher');
      const limits = (await (await fetch(`${started.url}/emulator/v1/limits`)).json()) as Record<string, number>;
      expect(limits).toMatchObject({ courseMembers: 42, courseTeachers: 3 });
      const users = (await (await fetch(`${started.url}/emulator/v1/users`)).json()) as { users: unknown[] };
      expect(users.users).toEqual([]);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('applies --quota-retry-after and --request-log-size', async () => {
    const started = await start(['--no-demo', '--quota-retry-after', '--request-log-size', '2']);
    try {
      const quota = (await (await fetch(`${started.url}/emulator/v1/quota`)).json()) as { retryAfter: boolean };
      expect(quota.retryAfter).toBe(true);
      for (let i = 0; i < 3; i++) await fetch(`${started.url}/v1/courses`);
      const log = (await (await fetch(`${started.url}/emulator/v1/requests`)).json()) as { requests: unknown[] };
      expect(log.requests).toHaveLength(2);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('applies --request-timeout and --max-connections', async () => {
    const started = await start(['--no-demo', '--request-timeout', '1', '--max-connections', '3']);
    try {
      const { hostname, port } = new URL(started.url);
      const open = (): Promise<Socket> =>
        new Promise((resolve) => {
          const socket = connect(Number(port), hostname, () => resolve(socket));
          socket.on('error', () => undefined);
        });
      // A request that never finishes arriving is answered 408 and closed about a second later.
      const slow = await open();
      let heard = '';
      slow.on('data', (chunk: Buffer) => (heard += chunk.toString()));
      slow.write('POST /emulator/v1/reset HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\n{');
      await new Promise((resolve) => slow.on('close', resolve));
      expect(heard).toMatch(/^HTTP\/1\.1 408 /);
      // Three connections fill the server; a fourth is closed at once.
      const held = await Promise.all([open(), open(), open()]);
      const extra = await open();
      await new Promise((resolve) => extra.on('close', resolve));
      for (const socket of held) socket.destroy();
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('keeps state in --data-dir across restarts and does not seed it again', async () => {
    const dataDir = join(scratch, 'data');
    const first = await start(['--data-dir', dataDir]);
    const created = await classroom(first.url, 'demo-teacher', '/v1/courses', { method: 'POST', body: JSON.stringify({ name: 'Persisted', ownerId: 'me' }) });
    expect(created.status).toBe(200);
    expect(await stop(first)).toBe(0);

    const second = await start(['--data-dir', dataDir]);
    try {
      expect(second.output()).toContain('The store already holds state: nothing was seeded.');
      const read = await classroom(second.url, 'demo-teacher', `/v1/courses/${String(created.body.id)}`);
      expect(read).toMatchObject({ status: 200, body: { name: 'Persisted' } });
    } finally {
      expect(await stop(second)).toBe(0);
    }
  });

  it('seed, export, import and reset talk to a running emulator', async () => {
    const started = await start(['--no-demo']);
    try {
      const fixture = join(scratch, 'school.yaml');
      writeFileSync(fixture, 'users:\n  - { email: t@cli.example }\ntokens:\n  - { user: t@cli.example, token: cli-teacher }\ncourses:\n  - { key: c, alias: "d:cli", name: CLI Course, owner: t@cli.example }\n');
      const seeded = await run(['seed', fixture, '--url', started.url]);
      expect(seeded).toMatchObject({ code: 0 });
      expect(seeded.output).toContain('1 users, 1 courses');
      expect((await classroom(started.url, 'cli-teacher', '/v1/courses/d:cli')).body).toMatchObject({ name: 'CLI Course' });

      const exported = join(scratch, 'state.json');
      expect((await run(['export', '--out', exported], { CLASSROOM_EMULATOR_HOST: new URL(started.url).host })).code).toBe(0);
      expect(JSON.parse(readFileSync(exported, 'utf8'))).toMatchObject({ format: 'classroom-emulator-state' });

      expect((await run(['reset', '--url', started.url])).code).toBe(0);
      expect((await classroom(started.url, 'cli-teacher', '/v1/courses/d:cli')).status).toBe(401);

      const imported = await run(['import', exported, '--url', started.url]);
      expect(imported.code).toBe(0);
      expect((await classroom(started.url, 'cli-teacher', '/v1/courses/d:cli')).body).toMatchObject({ name: 'CLI Course' });

      const again = await run(['seed', fixture, '--url', started.url]);
      expect(again.code).toBe(1);
      expect(again.output).toContain('the emulator answered 400: Invalid fixture: users[0].email: a user t@cli.example already exists.');

      expect((await run(['reset', '--demo', '--url', started.url])).code).toBe(0);
      expect((await classroom(started.url, 'demo-teacher', '/v1/courses/d:welcome')).status).toBe(200);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('--seed FILE loads a fixture at start', async () => {
    const fixture = join(scratch, 'start.json');
    writeFileSync(fixture, JSON.stringify({ users: [{ email: 'a@seeded.example' }], tokens: [{ user: 'a@seeded.example', token: 'seeded-token' }] }));
    const started = await start(['--no-demo', '--seed', fixture]);
    try {
      expect(started.output()).toContain(`Loaded ${fixture}: 1 users`);
      expect((await classroom(started.url, 'seeded-token', '/v1/userProfiles/me')).status).toBe(200);
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });

  it('reports a client command with no emulator behind the URL', async () => {
    const { code, output } = await run(['reset', '--url', 'http://127.0.0.1:9']);
    expect(code).toBe(1);
    expect(output).toContain('no emulator answers at that address');
  });

  it.skipIf(!PG_URL)('with --database-url, a second process neither re-seeds nor wipes a populated database', async () => {
    const schema = uniqueSchema();
    const url = `${PG_URL}${PG_URL?.includes('?') ? '&' : '?'}schema=${schema}`;
    try {
      const first = await start(['--database-url', url]);
      const created = await classroom(first.url, 'demo-teacher', '/v1/courses', { method: 'POST', body: JSON.stringify({ name: 'Shared', ownerId: 'me' }) });
      expect(created.status).toBe(200);

      // A second process on the same database while the first still runs, then after it stopped.
      const second = await start([], { CLASSROOM_EMULATOR_DATABASE_URL: url });
      expect(second.output()).toContain('The store already holds state: nothing was seeded.');
      expect((await classroom(second.url, 'demo-teacher', `/v1/courses/${String(created.body.id)}`)).body).toMatchObject({ name: 'Shared' });
      expect(await stop(first)).toBe(0);
      const users = (await (await fetch(`${second.url}/emulator/v1/users?domain=maplewood.example`)).json()) as { users: unknown[] };
      expect(users.users.length).toBeGreaterThan(1000);
      expect(await stop(second)).toBe(0);
    } finally {
      await dropPostgresSchema(PG_URL!, schema);
    }
  });
});
