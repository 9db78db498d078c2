/**
 * `npm run fuzz -- --count N --seed S [--database-url URL] [--out FILE]`: sends N malformed requests drawn
 * from seed S to a fresh emulator (SQLite in memory, or a new schema of PostgreSQL) and exits 1, printing
 * the seed, when any answer breaks the rules.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { dropPostgresSchema } from '../../src/store/db.js';
import { createEmulator } from '../../src/index.js';
import { FUZZ_FIXTURE, runFuzz, summarize } from './engine.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    'database-url': { type: 'string' },
    out: { type: 'string' },
  },
});
const count = Number(values.count);
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(count) || count < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run fuzz -- --count N --seed S [--database-url postgres://...] [--out FILE]\n');
  process.exit(2);
}
const url = values['database-url'];
// A schema of its own (the harness's helper imports vitest, which cannot load outside a test run).
const schema = url ? `fuzz_${process.pid}_${Date.now().toString(36)}` : undefined;
const emulator = await createEmulator({
  seed: 1234,
  fixture: FUZZ_FIXTURE,
  store: url && schema ? { kind: 'postgres', url, schema } : { kind: 'sqlite' },
});
let lastPrinted = 0;
const report = await runFuzz(emulator, {
  count,
  seed,
  onProgress: (done) => {
    if (process.stderr.isTTY && (done - lastPrinted >= 250 || done === count)) {
      lastPrinted = done;
      process.stderr.write(`\r${done}/${count} requests`);
    }
  },
});
if (process.stderr.isTTY) process.stderr.write('\n');
const alive = await fetch(`${emulator.url}/emulator/v1/health`).then((r) => r.status === 200, () => false);
await emulator.close();
if (url && schema) await dropPostgresSchema(url, schema);

const summary = summarize(report, url ? 'PostgreSQL' : 'SQLite');
process.stdout.write(`${summary}\n`);
if (values.out) writeFileSync(values.out, `${summary}\n`);
for (const failure of report.failures.slice(0, 20)) process.stdout.write(`FAIL #${failure.index}: ${failure.rule}\n  ${JSON.stringify(failure.request)}\n  ${failure.status ?? ''} ${failure.answer ?? ''}\n`);
if (report.failures.length > 0 || !alive) {
  process.stdout.write(`\n${report.failures.length} failures${alive ? '' : ', and the emulator stopped answering'}. Reproduce with: npm run fuzz -- --count ${count} --seed ${seed}\n`);
  process.exit(1);
}
process.stdout.write(`OK: seed ${seed}, ${report.requests} requests, 0 failures.\n`);
