import { classroom } from '@googleapis/classroom';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/platform/limits.js';
import { failure, person, PG_URL, startEmulator, uniqueSchema, wireBody, type Classroom } from './helpers/harness.js';
import { assertBuilt, startSecondProcess, type SecondProcess } from './helpers/second-process.js';

const DOMAIN = 'concurrency.example';
const RACERS = 50;
const SEATS = 10;

/** An official client for any emulator URL (the second process is not an in-test emulator). */
function clientAt(url: string, token: string): Classroom {
  const auth = new OAuth2Client();
  auth.setCredentials({ access_token: token });
  return classroom({ version: 'v1', rootUrl: `${url}/`, auth, retry: false });
}

type Started = Awaited<ReturnType<typeof startEmulator>>;

/**
 * A course one seat below its member limit, then RACERS domain admins adding one distinct user each,
 * all at once, spread over the given emulator URLs. Returns how the calls ended and the roster afterwards.
 */
async function race(emulator: Started, urls: readonly string[]) {
  await emulator.admin.setLimits({ courseMembers: SEATS });
  const admin = await person(emulator, `admin@${DOMAIN}`, { admin: true });
  const owner = await person(emulator, `owner@${DOMAIN}`);
  const { data: course } = await owner.api.courses.create({ requestBody: { name: 'Race', ownerId: 'me', courseState: 'ACTIVE' } });
  // The owner holds one seat; fill all but the last.
  for (let i = 0; i < SEATS - 2; i++) {
    const { email } = await emulator.admin.createUser({ email: `seated${i}@${DOMAIN}` });
    await admin.api.courses.students.create({ courseId: course.id!, requestBody: { userId: email } });
  }
  const racers = await Promise.all(
    Array.from({ length: RACERS }, (_, i) => emulator.admin.createUser({ email: `racer${i}@${DOMAIN}` })),
  );
  // One token per call, each from its own Cloud project: quota is counted per user and per project in
  // row-locked counters, and one shared token would queue the 50 calls there before they ever reach
  // the roster, hiding a missing course lock.
  const tokens = await Promise.all(
    racers.map(async (_, i) => {
      const { email } = await emulator.admin.createUser({ email: `admin${i}@${DOMAIN}`, admin: true });
      return (await emulator.admin.mintToken({ user: email, project: `race-project-${i}` })).accessToken;
    }),
  );

  const started = performance.now();
  const outcomes = await Promise.all(
    racers.map(async (racer, i) => {
      const api = clientAt(urls[i % urls.length]!, tokens[i]!);
      try {
        await api.courses.students.create({ courseId: course.id!, requestBody: { userId: racer.id } });
        return { ok: true as const };
      } catch (thrown) {
        return { ok: false as const, failed: await failure(Promise.reject(thrown)) };
      }
    }),
  );
  const elapsedMs = performance.now() - started;

  const { data: students } = await admin.api.courses.students.list({ courseId: course.id!, pageSize: 100 });
  const { data: teachers } = await admin.api.courses.teachers.list({ courseId: course.id!, pageSize: 100 });
  return {
    successes: outcomes.filter((o) => o.ok).length,
    failures: outcomes.flatMap((o) => (o.ok ? [] : [o.failed])),
    members: (students.students?.length ?? 0) + (teachers.teachers?.length ?? 0),
    elapsedMs,
  };
}

const full = wireBody(
  '',
  'FAILED_PRECONDITION',
  400,
  'failedPrecondition',
  `@CourseMemberLimitReached The course already has ${SEATS} members, the most it can have (${SEATS}).`,
);

function expectOneWinner(result: Awaited<ReturnType<typeof race>>): void {
  expect(result.successes).toBe(1);
  expect(result.failures).toHaveLength(RACERS - 1);
  for (const failed of result.failures) {
    expect(failed.status).toBe(400);
    expect(failed.body).toEqual(full);
  }
  expect(result.members).toBe(SEATS);
}

describe('50 concurrent students.create on the last free seat: SQLite, one process', () => {
  let emulator: Started;
  beforeAll(async () => {
    emulator = await startEmulator({ store: { kind: 'sqlite' } });
  });
  afterAll(() => emulator.close());

  it('admits exactly one and refuses the other 49 with CourseMemberLimitReached', async () => {
    const result = await race(emulator, [emulator.url]);
    expectOneWinner(result);
    console.info(`[concurrency] sqlite, 1 process: ${RACERS} adds in ${result.elapsedMs.toFixed(0)} ms`);
    await emulator.admin.setLimits({ courseMembers: DEFAULT_LIMITS.courseMembers });
  });
});

if (!PG_URL) {
  console.warn('[concurrency] CLASSROOM_EMULATOR_TEST_DATABASE_URL is not set: the two-process PostgreSQL race is skipped.');
}

describe.skipIf(!PG_URL)('50 concurrent students.create on the last free seat: PostgreSQL, two processes', () => {
  let emulator: Started | undefined;
  let second: SecondProcess | undefined;

  beforeAll(async () => {
    assertBuilt();
    const schema = uniqueSchema();
    emulator = await startEmulator({ store: { kind: 'postgres', url: PG_URL!, schema } });
    second = await startSecondProcess({ url: PG_URL!, schema });
  });
  afterAll(async () => {
    // The second process first: the first emulator's close drops the schema they share.
    await second?.close();
    await emulator?.close();
  });

  it('runs the second emulator in another process on the same state', async () => {
    expect(second!.pid).not.toBe(process.pid);
    const health = (await (await fetch(`${second!.url}/emulator/v1/health`)).json()) as { store: string };
    expect(health.store).toBe('postgres');
  });

  it('admits exactly one across both processes and refuses the other 49 with CourseMemberLimitReached', async () => {
    const result = await race(emulator!, [emulator!.url, second!.url]);
    expectOneWinner(result);
    console.info(`[concurrency] postgres, 2 processes: ${RACERS} adds in ${result.elapsedMs.toFixed(0)} ms`);
  });
});
