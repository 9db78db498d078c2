import { describe, expect, it } from 'vitest';
import { FUZZ_FIXTURE, runFuzz, summarize } from './fuzz/engine.js';
import { startEmulator, STORES } from './helpers/harness.js';

/** CI's fixed seed; `npm run fuzz -- --count N --seed S` runs others. */
const SEED = 20_261_204;
const COUNT = 2000;

describe('the fuzzer: malformed requests to every Classroom method and admin endpoint', () => {
  // Concurrent: the PostgreSQL run waits on the database while the SQLite run uses the CPU.
  it.concurrent.each(STORES)(
    `${COUNT} requests of seed ${SEED} on $name: no 5xx, every failure in Google's envelope, nothing changed by failed writes`,
    async ({ name, options }) => {
      const emulator = await startEmulator({ fixture: FUZZ_FIXTURE, store: options() });
      try {
        const report = await runFuzz(emulator, { count: COUNT, seed: SEED });
        if (report.failures.length > 0) console.error(summarize(report, name), JSON.stringify(report.failures.slice(0, 10), null, 1));
        expect(report.failures, `reproduce with: npm run fuzz -- --count ${COUNT} --seed ${SEED}`).toEqual([]);
        expect(report.requests).toBe(COUNT);
        expect(report.serverErrors).toBe(0);
        // The run reached the edge cases it is meant to: body limits, URL limits, header limits, odd verbs.
        for (const status of ['400', '401', '404', '405', '413', '431']) expect(report.statuses[status] ?? 0, status).toBeGreaterThan(0);
        expect(report.stateChecks).toBeGreaterThan(50);
        // Still alive and answering over a real socket.
        expect((await fetch(`${emulator.url}/emulator/v1/health`)).status).toBe(200);
      } finally {
        await emulator.close();
      }
    },
    180_000,
  );
});
