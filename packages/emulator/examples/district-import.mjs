// Imports a generated district through the fixture loader and prints how long it took and the peak RSS:
//   node packages/emulator/examples/district-import.mjs                 # full size, SQLite in memory
//   node packages/emulator/examples/district-import.mjs 10000 500 20000 # users courses enrollments
//   CLASSROOM_EMULATOR_DATABASE_URL=postgres://… node packages/emulator/examples/district-import.mjs
// Build first: npx tsc -b packages/errors packages/emulator
import { createEmulator, FULL_DISTRICT, generateDistrict, loadFixture } from '../dist/index.js';

const [users, courses, enrollments] = process.argv.slice(2).map(Number);
const size = users ? { users, courses, enrollments } : FULL_DISTRICT;
const url = process.env.CLASSROOM_EMULATOR_DATABASE_URL;
const schema = `district_${Date.now().toString(36)}`;
const emulator = await createEmulator({ listen: false, store: url ? { kind: 'postgres', url, schema } : { kind: 'sqlite' } });

let peak = process.memoryUsage().rss;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const started = performance.now();
const fixture = generateDistrict(size);
const generated = performance.now();
let shown = 0;
const summary = await loadFixture(emulator.env, fixture, {
  onProgress: ({ done, total }) => {
    sample();
    const percent = Math.floor((done / total) * 100);
    if (percent >= shown + 10) process.stderr.write(`${(shown = percent)}% `);
  },
});
const loaded = performance.now();
sample();
process.stderr.write('\n');
console.log(
  JSON.stringify({
    store: url ? 'postgres' : 'sqlite',
    users: summary.users,
    courses: summary.courses,
    memberships: summary.members,
    generateSeconds: +((generated - started) / 1000).toFixed(2),
    importSeconds: +((loaded - generated) / 1000).toFixed(2),
    peakRssMiB: Math.round(peak / 2 ** 20),
  }),
);
await emulator.close();
if (url) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool.end();
}
