import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { pushHostAllowed } from '../src/platform/addresses.js';
import { launch, running, start, stop } from './helpers/cli-process.js';
import { adminFailure, denied, invalid, startEmulator, wire } from './helpers/harness.js';

/** A raw HTTP request with exactly these headers (fetch would not let a test set Host). */
function send(url: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; body: unknown }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: target.hostname, port: target.port, method, path, headers, setHost: !('host' in headers) }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const unauthenticated = wire(
  401,
  'UNAUTHENTICATED',
  'authError',
  'The admin API needs "Authorization: Bearer <admin token>": the token the emulator printed at start, or --admin-token.',
);

function originRefused(origin: string) {
  return denied(`Requests from the web page at ${origin} are refused; start the emulator with --allow-origin ${origin} to accept them.`);
}

function hostRefused(host: string, name: string) {
  return denied(`The Host header "${host}" does not name this emulator; start it with --allow-host ${name} to accept it.`);
}

describe('a web page cannot drive the emulator', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ demo: true, allowOrigins: ['http://localhost:3000'], allowHosts: ['classroom.test'] });
  });
  afterAll(() => emulator.close());

  const courses = async () => ((await (await fetch(`${emulator.url}/v1/courses`, { headers: { authorization: 'Bearer demo-admin' } })).json()) as { courses?: unknown[] }).courses?.length ?? 0;

  it('refuses a cross-site text/plain POST to the admin reset before it runs; the state stays', async () => {
    const before = await courses();
    const evil = 'https://evil.example';
    const answer = await send(emulator.url, 'POST', '/emulator/v1/reset', { origin: evil, 'content-type': 'text/plain' }, '{}');
    expect(answer).toEqual({ status: 403, body: originRefused(evil) });
    expect(await courses()).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  it('refuses a cross-site course creation with a public demo token in the query', async () => {
    const before = await courses();
    const answer = await send(emulator.url, 'POST', '/v1/courses?access_token=demo-teacher', { origin: 'null', 'content-type': 'text/plain' }, '{"name":"Pwned","ownerId":"me"}');
    expect(answer).toEqual({ status: 403, body: originRefused('null') });
    expect(await courses()).toBe(before);
  });

  it('refuses chaos from another origin, and GETs too (the answer would be readable with CORS later)', async () => {
    const evil = 'http://attacker.localhost:8000';
    expect(await send(emulator.url, 'POST', '/emulator/v1/faults:chaos', { origin: evil, 'content-type': 'text/plain' }, '{"probability":1}')).toEqual({
      status: 403,
      body: originRefused(evil),
    });
    expect((await send(emulator.url, 'GET', '/emulator/v1/tokens', { origin: evil })).status).toBe(403);
  });

  it("accepts the emulator's own origin and one allowed by --allow-origin", async () => {
    const own = `http://${emulator.host}`;
    expect((await send(emulator.url, 'GET', '/emulator/v1/health', { origin: own })).status).toBe(200);
    expect((await send(emulator.url, 'GET', '/emulator/v1/health', { origin: 'http://localhost:3000' })).status).toBe(200);
    expect((await send(emulator.url, 'GET', '/emulator/v1/health', { origin: 'http://localhost:3001' })).status).toBe(403);
  });

  it('leaves requests without Origin as they were (curl, the official clients)', async () => {
    expect((await send(emulator.url, 'GET', '/v1/courses/d:welcome', { authorization: 'Bearer demo-teacher' })).status).toBe(200);
  });

  it('refuses a DNS-rebinding Host before the token list is read', async () => {
    const port = new URL(emulator.url).port;
    const host = `rebind.attacker.example:${port}`;
    expect(await send(emulator.url, 'GET', '/emulator/v1/tokens', { host })).toEqual({ status: 403, body: hostRefused(host, 'rebind.attacker.example') });
  });

  it('accepts localhost, loopback and other IP addresses, --allow-host and the name in CLASSROOM_EMULATOR_HOST', async () => {
    const port = new URL(emulator.url).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `10.1.2.3:${port}`, `classroom.test:${port}`, 'LOCALHOST']) {
      expect({ host, status: (await send(emulator.url, 'GET', '/emulator/v1/health', { host })).status }).toEqual({ host, status: 200 });
    }
    const saved = process.env.CLASSROOM_EMULATOR_HOST;
    process.env.CLASSROOM_EMULATOR_HOST = `emulator.internal:${port}`;
    try {
      expect((await send(emulator.url, 'GET', '/emulator/v1/health', { host: `emulator.internal:${port}` })).status).toBe(200);
    } finally {
      if (saved === undefined) delete process.env.CLASSROOM_EMULATOR_HOST;
      else process.env.CLASSROOM_EMULATOR_HOST = saved;
    }
    expect((await send(emulator.url, 'GET', '/emulator/v1/health', { host: `emulator.internal:${port}` })).status).toBe(403);
  });
});

describe('the admin token', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('is required on the admin API when set, and only there', async () => {
    emulator = await startEmulator({ demo: true, adminToken: 'sesame-1234' });
    expect(await send(emulator.url, 'GET', '/emulator/v1/tokens', {})).toEqual({ status: 401, body: unauthenticated });
    expect((await send(emulator.url, 'GET', '/emulator/v1/tokens', { authorization: 'Bearer sesame-12345' })).status).toBe(401);
    expect((await send(emulator.url, 'GET', '/emulator/v1/tokens', { authorization: 'Bearer sesame-1234' })).status).toBe(200);
    // The emulator's own admin client carries it.
    expect((await emulator.admin.tokens()).tokens.length).toBeGreaterThan(0);
    expect((await send(emulator.url, 'GET', '/v1/courses/d:welcome', { authorization: 'Bearer demo-teacher' })).status).toBe(200);
  });

  it('is generated on a network-facing host; a loopback host needs none', async () => {
    emulator = await startEmulator({ host: '0.0.0.0' });
    expect(emulator.adminToken).toMatch(/^admin-[\w-]{20,}$/);
    expect(emulator.listenAddress).toMatch(/^0\.0\.0\.0:\d+$/);
    expect((await send(emulator.url, 'GET', '/emulator/v1/health', {})).status).toBe(401);
    expect((await emulator.admin.health()).status).toBe('ok');
    await emulator.close();
    emulator = await startEmulator({});
    expect(emulator.adminToken).toBeUndefined();
    expect((await send(emulator.url, 'GET', '/emulator/v1/health', {})).status).toBe(200);
  });
});

describe('push endpoints', () => {
  const topic = 'projects/p/topics/t';

  it('are loopback addresses only unless --allow-push-host names the host', async () => {
    const emulator = await startEmulator({ allowPushHosts: ['hooks.example.test'] });
    try {
      const metadata = 'http://169.254.169.254/computeMetadata/v1/';
      const refused = await adminFailure(emulator.admin.putTopic(topic, { pushEndpoint: metadata }));
      const message = '"169.254.169.254" is not a loopback address; the emulator pushes to other hosts only when started with --allow-push-host 169.254.169.254.';
      expect(refused).toEqual({ status: 400, body: invalid(message, 'pushEndpoint') });
      for (const pushEndpoint of ['http://127.0.0.1:9/push', 'http://localhost:9/push', 'http://[::1]:9/push', 'https://hooks.example.test/push']) {
        expect((await emulator.admin.putTopic(topic, { pushEndpoint })).pushEndpoint).toBe(pushEndpoint);
      }
    } finally {
      await emulator.close();
    }
  });

  it('are checked by host name, not by prefix', () => {
    const allowed = ['hooks.example.test'];
    expect(pushHostAllowed(new URL('http://127.0.0.1.evil.example/'), allowed)).toBe(false);
    expect(pushHostAllowed(new URL('http://hooks.example.test.evil.example/'), allowed)).toBe(false);
    expect(pushHostAllowed(new URL('http://[::ffff:127.0.0.1]/'), allowed)).toBe(true);
    expect(pushHostAllowed(new URL('http://10.0.0.1/'), ['*'])).toBe(true);
  });
});

// Four child processes: a few seconds on an idle machine, far more on a loaded CI runner.
describe('the CLI on a network-facing host', { timeout: 120_000 }, () => {
  afterAll(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  it('prints the real address, a warning and the admin token; the client commands take the token', async () => {
    const started = await start(['--host', '0.0.0.0', '--no-demo']);
    try {
      const printed = started.output();
      expect(printed).toMatch(/listening on http:\/\/0\.0\.0\.0:\d+ /);
      expect(printed).toContain('the emulator is reachable from the network');
      const token = /admin token: (\S+)/.exec(printed)?.[1] ?? '';
      expect(token).toMatch(/^admin-/);
      const url = started.url.replace('0.0.0.0', '127.0.0.1');

      const without = launch(['reset', '--url', url]);
      expect((await without.exit).code).toBe(1);
      expect(without.output()).toContain('the emulator answered 401');
      const withFlag = launch(['reset', '--url', url, '--admin-token', token]);
      expect((await withFlag.exit).code).toBe(0);
      const withEnv = launch(['export', '--url', url], { CLASSROOM_EMULATOR_ADMIN_TOKEN: token });
      expect((await withEnv.exit).code).toBe(0);
      expect(withEnv.output()).toContain('"format":"classroom-emulator-state"');
    } finally {
      expect(await stop(started)).toBe(0);
    }
  });
});
