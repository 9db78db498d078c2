// District scale, in a process of its own: builds an emulator from packages/emulator/dist, generates a
// district (src/seed/district.ts) and imports it through the fixture loader (src/seed/fixture.ts),
// reporting progress as {"progress":{...}} lines; then adds a 1,000-student and a 30-student course
// for the listing comparison, prints {"loaded":{...}} with the peak RSS, and serves until stdin ends.
import { createInterface } from 'node:readline';

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
const dist = new URL('../../packages/emulator/dist/', import.meta.url);
const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

const { createEmulator } = await import(new URL('index.js', dist).href);
let loadFixture;
let generateDistrict;
try {
  ({ loadFixture } = await import(new URL('seed/fixture.js', dist).href));
  ({ generateDistrict } = await import(new URL('seed/district.js', dist).href));
} catch (e) {
  say({ error: `the fixture loader or district generator is not in packages/emulator/dist: ${e.message}` });
  process.exit(3);
}

let store = { kind: 'sqlite' };
if (config.store === 'file') store = { kind: 'sqlite', dataDir: config.dataDir };
if (config.store === 'postgres') store = { kind: 'postgres', url: config.pgUrl, schema: config.schema };

const big = config.bigCourse ?? 1000;
const emulator = await createEmulator({
  store,
  seed: 3,
  limits: {
    // Quotas out of the way; room for a 1,000-student course plus its teacher.
    projectQueriesPerMinute: 1_000_000_000,
    userQueriesPerMinute: 1_000_000_000,
    projectQueriesPerDay: 2_000_000_000,
    courseMembers: Math.max(1000, big + 10),
    userGroupMemberships: 100_000,
  },
});
const rssAtStart = process.memoryUsage().rss;
say({ ready: true, url: emulator.url, pid: process.pid });

let lastProgress = 0;
const onProgress = (progress) => {
  const now = performance.now();
  if (now - lastProgress < 100 && progress.done !== progress.total) return;
  lastProgress = now;
  say({ progress });
};

const t0 = performance.now();
const fixture = generateDistrict(config.size);
const generateMs = performance.now() - t0;
const t1 = performance.now();
const summary = await loadFixture(emulator.env, fixture, { onProgress });
const loadMs = performance.now() - t1;
const peakAfterLoad = process.resourceUsage().maxRSS * 1024;

// The listing courses: the district's teacher t0 owns a 1,000-student and a 30-student course.
const domain = 'district.example';
const students = (n, from) => Array.from({ length: n }, (_, i) => `s${from + i}@${domain}`);
const extra = await loadFixture(emulator.env, {
  tokens: [{ user: `t0@${domain}`, token: 'bench-teacher' }],
  courses: [
    { key: 'bench-big', name: 'Bench big', owner: `t0@${domain}`, state: 'ACTIVE', students: students(big, 0) },
    { key: 'bench-small', name: 'Bench small', owner: `t0@${domain}`, state: 'ACTIVE', students: students(30, big) },
  ],
});

say({
  loaded: {
    generateMs,
    loadMs,
    counts: { users: summary.users, courses: summary.courses, members: summary.members, tokens: summary.tokens },
    peakRssBytes: peakAfterLoad,
    rssAtStartBytes: rssAtStart,
    rssNowBytes: process.memoryUsage().rss,
    heapUsedBytes: process.memoryUsage().heapUsed,
    bigCourseId: extra.courseIds['bench-big'],
    smallCourseId: extra.courseIds['bench-small'],
    token: 'bench-teacher',
  },
});

createInterface({ input: process.stdin }).on('line', () => undefined);
process.stdin.on('end', async () => {
  await emulator.close();
  process.exit(0);
});
process.on('SIGTERM', () => process.exit(0));
