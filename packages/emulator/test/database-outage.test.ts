import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { running, start, stop } from './helpers/cli-process.js';
import { PG_URL, wire } from './helpers/harness.js';
import { loadUntil, type Answer, type LoadRequest } from './helpers/load.js';
import { ownDatabase } from './helpers/own-database.js';

// PostgreSQL drops the emulator's connections under load (pg_terminate_backend, as a restart or a
// failover would). The emulator lives in a database of its own, so only its backends are terminated.

const unavailable = wire(503, 'UNAVAILABLE', 'backendError', 'The emulator cannot reach its database right now; try again shortly.');

/** Terminates every backend connected to `database` but the caller's; resolves to how many. */
async function terminate(admin: pg.Client, database: string): Promise<number> {
  // Two statements on purpose: in one, the planner may call pg_terminate_backend before the datname
  // filter, on every backend of the server — other test runs' connections included.
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  if (rows.length === 0) return 0;
  const pids = rows.map((row) => row.pid);
  await admin.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]);
  return pids.length;
}

/** A client of the shared test database, outside the emulator's own (the store alone may import pg statically). */
async function adminClient(): Promise<pg.Client> {
  const { default: driver } = await import('pg');
  const client = new driver.Client({ connectionString: PG_URL });
  await client.connect();
  return client;
}

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

if (!PG_URL) console.warn('[database-outage] CLASSROOM_EMULATOR_TEST_DATABASE_URL is not set: the PostgreSQL outage tests are skipped.');

describe.skipIf(!PG_URL)('a PostgreSQL outage under load', () => {
  it('answers 503 UNAVAILABLE only while the connections are down, recovers without a restart, and logs it once each way', async () => {
    const database = await ownDatabase(PG_URL ?? '');
    const name = new URL(database.url).pathname.slice(1);
    const admin = await adminClient();
    const emulator = await start(['--database-url', database.url, '--log-level', 'warn']);
    try {
      const answers: { at: number; sentAt: number; answer: Answer }[] = [];
      const sentAt = new Map<number, number>();
      const load = loadUntil(
        16,
        (i): LoadRequest => {
          sentAt.set(i, performance.now());
          return i % 2 === 0
            ? { url: `${emulator.url}/v1/courses/d:welcome`, headers: { authorization: 'Bearer demo-teacher' } }
            : {
                url: `${emulator.url}/v1/courses/d:welcome/announcements`,
                method: 'POST',
                headers: { authorization: 'Bearer demo-teacher', 'content-type': 'application/json' },
                body: JSON.stringify({ text: `outage write ${i}` }),
              };
        },
        (i, answer) => answers.push({ at: performance.now(), sentAt: sentAt.get(i) ?? 0, answer }),
      );
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      const settled = (from: number) => answers.filter((a) => a.sentAt > from).some((a) => a.answer.status === 200);

      // One blow: every connection of the pool at once, as a database restart does.
      await pause(500);
      expect(await terminate(admin, name)).toBeGreaterThan(0);
      const blow = performance.now();
      while (!settled(blow)) await pause(20);
      await pause(300);

      // A sustained outage: connections are terminated as fast as they are made, for a second.
      const outageStart = performance.now();
      while (performance.now() - outageStart < 1000) {
        await terminate(admin, name);
        await pause(10);
      }
      const outageEnd = performance.now();
      while (!settled(outageEnd)) await pause(5);
      const recovered = answers.find((a) => a.sentAt > outageEnd && a.answer.status === 200)?.at ?? outageEnd;
      await pause(500);
      await load.stop();

      // Nothing but successes and Google-shaped 503s; none after the outage ended and service came back.
      const statuses = new Set(answers.map((a) => a.answer.status));
      expect([...statuses].sort()).toEqual(statuses.has(503) ? [200, 503] : [200]);
      for (const { answer } of answers.filter((a) => a.answer.status === 503)) expect(JSON.parse(answer.body)).toEqual(unavailable);
      expect(answers.filter((a) => a.sentAt > recovered && a.answer.status !== 200)).toEqual([]);
      expect(answers.filter((a) => a.answer.status === 503).length).toBeGreaterThan(0);
      console.info(
        `[database-outage] ${answers.length} requests, ${answers.filter((a) => a.answer.status === 503).length} answered 503; ` +
          `service back ${Math.round(recovered - outageEnd)} ms after the outage ended.`,
      );

      // Still the same process, still serving.
      expect(emulator.child.exitCode).toBeNull();
      expect((await fetch(`${emulator.url}/v1/courses/d:welcome`, { headers: { authorization: 'Bearer demo-teacher' } })).status).toBe(200);

      // The single blow was logged as one outage: lost once, back once (the sustained one adds more pairs).
      const log = emulator.output();
      const lost = log.split('\n').filter((line) => line.includes('lost the connection to the database'));
      const back = log.split('\n').filter((line) => line.includes('the database is reachable again'));
      expect(lost.length).toBeGreaterThanOrEqual(1);
      expect(back.length).toBe(lost.length);
    } finally {
      await stop(emulator);
      await admin.end();
      await database.drop();
    }
  }, 60_000);

  it('a single blow is one line when lost and one when back', async () => {
    const database = await ownDatabase(PG_URL ?? '');
    const name = new URL(database.url).pathname.slice(1);
    const admin = await adminClient();
    const emulator = await start(['--database-url', database.url, '--log-level', 'warn']);
    try {
      const read = () => fetch(`${emulator.url}/v1/courses/d:welcome`, { headers: { authorization: 'Bearer demo-teacher' } });
      // Fill the pool with idle connections, then drop them all: idle clients dying used to end the process.
      await Promise.all(Array.from({ length: 10 }, read));
      expect(await terminate(admin, name)).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(emulator.child.exitCode).toBeNull();
      let status = 0;
      for (let attempt = 0; attempt < 20 && status !== 200; attempt++) status = (await read()).status;
      expect(status).toBe(200);
      const lines = emulator.output().split('\n');
      expect(lines.filter((line) => line.includes('lost the connection to the database'))).toHaveLength(1);
      expect(lines.filter((line) => line.includes('the database is reachable again'))).toHaveLength(1);
    } finally {
      await stop(emulator);
      await admin.end();
      await database.drop();
    }
  }, 60_000);
});
