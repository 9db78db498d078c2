import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../src/index.js';
import { running, start, stop, type Started } from './helpers/cli-process.js';
import { PG_URL } from './helpers/harness.js';
import { loadUntil } from './helpers/load.js';
import { ownDatabase } from './helpers/own-database.js';

// kill -9 in the middle of concurrent writes: every write the emulator acknowledged (200 with an id)
// must be there after a restart, and the SQLite file must pass a full integrity check. The writes are
// announcements (a Classroom write with its own transaction and id), kept in flight 64 at a time.
const ACKNOWLEDGED = 1000;
const CONCURRENCY = 64;
const ROUNDS = 3;
// A few seconds a round on an idle machine; generous for a loaded CI runner.
const TIMEOUT_MS = 180_000;

/** Writes through `urls` in turn until `ACKNOWLEDGED` are acknowledged, then kills `victim` with SIGKILL mid-flight. */
async function writeThenKill(urls: string[], victim: Started, label: string): Promise<{ acknowledged: Set<string>; inFlightAtKill: number }> {
  const acknowledged = new Set<string>();
  let started = 0;
  let answered = 0;
  let inFlightAtKill = 0;
  let killed: () => void = () => {};
  const killedNow = new Promise<void>((resolve) => (killed = resolve));
  const load = loadUntil(
    CONCURRENCY,
    (i) => {
      started++;
      return {
        url: `${urls[i % urls.length]}/v1/courses/d:welcome/announcements`,
        method: 'POST',
        headers: { authorization: 'Bearer demo-teacher', 'content-type': 'application/json' },
        body: JSON.stringify({ text: `${label} write ${i}` }),
      };
    },
    (_i, answer) => {
      answered++;
      if (answer.status === 200) acknowledged.add((JSON.parse(answer.body) as { id: string }).id);
      if (acknowledged.size >= ACKNOWLEDGED && inFlightAtKill === 0) {
        inFlightAtKill = started - answered;
        victim.child.kill('SIGKILL');
        killed();
      }
    },
  );
  await killedNow;
  await victim.exit;
  await load.stop();
  return { acknowledged, inFlightAtKill };
}

/** Every `id` value in an admin state export. */
function idsOf(state: { tables: Record<string, Record<string, unknown>[]> }): Set<string> {
  const ids = new Set<string>();
  for (const rows of Object.values(state.tables)) for (const row of rows) if (typeof row.id === 'string') ids.add(row.id);
  return ids;
}

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

describe('crash safety on a --data-dir', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'classroom-emulator-crash-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`keeps every acknowledged write through ${ROUNDS} rounds of kill -9 under ${CONCURRENCY} concurrent writers`, async () => {
    const everAcknowledged = new Set<string>();
    for (let round = 1; round <= ROUNDS; round++) {
      const emulator = await start(['--data-dir', dir, '--log-level', 'silent']);
      const { acknowledged, inFlightAtKill } = await writeThenKill([emulator.url], emulator, `round ${round}`);
      expect(inFlightAtKill).toBeGreaterThan(0);
      for (const id of acknowledged) everAcknowledged.add(id);

      // The restart: the same directory, a new owner; the stale pid file of the killed one is no obstacle.
      const restarted = await createEmulator({ store: { kind: 'sqlite', dataDir: dir }, listen: false });
      try {
        expect(await restarted.env.store.integrityCheck()).toBe('ok');
        const state = (await restarted.app.inject({ method: 'GET', url: '/emulator/v1/state' })).json<{ tables: Record<string, Record<string, unknown>[]> }>();
        const present = idsOf(state);
        const lost = [...everAcknowledged].filter((id) => !present.has(id));
        expect({ round, acknowledged: acknowledged.size, lost }).toEqual({ round, acknowledged: acknowledged.size, lost: [] });
        console.info(`[crash-safety] SQLite round ${round}: ${acknowledged.size} acknowledged, ${inFlightAtKill} in flight at kill -9, ${lost.length} lost, integrity ok`);
      } finally {
        await restarted.close();
      }
    }
    expect(everAcknowledged.size).toBeGreaterThanOrEqual(ROUNDS * ACKNOWLEDGED);
  }, TIMEOUT_MS);
});

describe.skipIf(!PG_URL)('crash safety on PostgreSQL with two processes, one killed', () => {
  it('keeps every write either process acknowledged; the survivor serves on', async () => {
    const database = await ownDatabase(PG_URL ?? '');
    try {
      const first = await start(['--database-url', database.url, '--log-level', 'silent']);
      const second = await start(['--database-url', database.url, '--log-level', 'silent']);
      try {
        const { acknowledged, inFlightAtKill } = await writeThenKill([first.url, second.url], first, 'two processes');
        expect(inFlightAtKill).toBeGreaterThan(0);
        const response = await fetch(`${second.url}/emulator/v1/state`);
        expect(response.status).toBe(200);
        const present = idsOf((await response.json()) as { tables: Record<string, Record<string, unknown>[]> });
        const lost = [...acknowledged].filter((id) => !present.has(id));
        expect(lost).toEqual([]);
        console.info(`[crash-safety] PostgreSQL, two processes: ${acknowledged.size} acknowledged, ${inFlightAtKill} in flight at kill -9, ${lost.length} lost`);
        // The survivor still writes.
        const more = await fetch(`${second.url}/v1/courses/d:welcome/announcements`, {
          method: 'POST',
          headers: { authorization: 'Bearer demo-teacher', 'content-type': 'application/json' },
          body: JSON.stringify({ text: 'after the crash' }),
        });
        expect(more.status).toBe(200);
      } finally {
        await stop(second);
      }
    } finally {
      await database.drop();
    }
  }, TIMEOUT_MS);
});

if (!PG_URL) console.warn('[crash-safety] CLASSROOM_EMULATOR_TEST_DATABASE_URL is not set: the PostgreSQL crash test is skipped.');
