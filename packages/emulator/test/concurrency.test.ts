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
 * `count` domain admins, each with a token from its own Cloud project. Quota is counted per user and
 * per project in row-locked counters; calls sharing one token would queue there before they ever
 * reached the roster, and the race would hide a missing roster lock.
 */
async function adminTokens(emulator: Started, prefix: string, count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { email } = await emulator.admin.createUser({ email: `${prefix}${i}@${DOMAIN}`, admin: true });
      return (await emulator.admin.mintToken({ user: email, project: `${prefix}-project-${i}` })).accessToken;
    }),
  );
}

/** Starts every call at once and sorts the outcomes into successes and wire failures. */
async function settle(calls: readonly (() => Promise<unknown>)[]) {
  const started = performance.now();
  const outcomes = await Promise.all(
    calls.map(async (call) => {
      try {
        await call();
        return { ok: true as const };
      } catch (thrown) {
        return { ok: false as const, failed: await failure(Promise.reject(thrown)) };
      }
    }),
  );
  return {
    successes: outcomes.filter((o) => o.ok).length,
    failures: outcomes.flatMap((o) => (o.ok ? [] : [o.failed])),
    elapsedMs: performance.now() - started,
  };
}

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
  const tokens = await adminTokens(emulator, 'seat-admin', RACERS);
  const result = await settle(
    racers.map((racer, i) => () => clientAt(urls[i % urls.length]!, tokens[i]!).courses.students.create({ courseId: course.id!, requestBody: { userId: racer.id } })),
  );
  const { data: students } = await admin.api.courses.students.list({ courseId: course.id!, pageSize: 100 });
  const { data: teachers } = await admin.api.courses.teachers.list({ courseId: course.id!, pageSize: 100 });
  await emulator.admin.setLimits({ courseMembers: DEFAULT_LIMITS.courseMembers });
  return { ...result, members: (students.students?.length ?? 0) + (teachers.teachers?.length ?? 0) };
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

const DAILY_JOINS = 5;
const COURSES = 20;

/**
 * One user added to COURSES courses at once while only DAILY_JOINS joins a day are allowed: the user's
 * row lock must make the joins count one after another. Returns the outcomes and the courses joined.
 */
async function joinRace(emulator: Started, urls: readonly string[]) {
  const owner = await person(emulator, `join-owner@${DOMAIN}`);
  const joiner = await emulator.admin.createUser({ email: `joiner@${DOMAIN}` });
  const courses = [];
  for (let i = 0; i < COURSES; i++) {
    courses.push((await owner.api.courses.create({ requestBody: { name: `Join ${i}`, ownerId: 'me', courseState: 'ACTIVE' } })).data.id!);
  }
  const tokens = await adminTokens(emulator, 'join-admin', COURSES);
  await emulator.admin.setLimits({ userDailyJoins: DAILY_JOINS });
  try {
    const result = await settle(
      courses.map((courseId, i) => () => clientAt(urls[i % urls.length]!, tokens[i]!).courses.students.create({ courseId, requestBody: { userId: joiner.id } })),
    );
    const { data } = await owner.api.courses.list({ studentId: joiner.id, pageSize: 100 });
    return { ...result, joined: data.courses?.length ?? 0, email: joiner.email };
  } finally {
    await emulator.admin.setLimits({ userDailyJoins: DEFAULT_LIMITS.userDailyJoins });
  }
}

function expectDailyLimitHeld(result: Awaited<ReturnType<typeof joinRace>>): void {
  expect(result.successes).toBe(DAILY_JOINS);
  expect(result.joined).toBe(DAILY_JOINS);
  const message = `@UserCourseJoinRateLimitReached ${result.email} has joined ${DAILY_JOINS} courses in the last 24 hours, the most a day allows (${DAILY_JOINS}); try again later.`;
  for (const failed of result.failures) {
    expect(failed.status).toBe(429);
    expect(failed.body).toEqual(wireBody('', 'RESOURCE_EXHAUSTED', 429, 'rateLimitExceeded', message));
  }
  expect(result.failures).toHaveLength(COURSES - DAILY_JOINS);
}

describe('concurrent joins on SQLite, one process', () => {
  let emulator: Started;
  beforeAll(async () => {
    emulator = await startEmulator({ store: { kind: 'sqlite' } });
  });
  afterAll(() => emulator.close());

  it(`admits exactly one of ${RACERS} adds for the last seat; the rest get CourseMemberLimitReached`, async () => {
    const result = await race(emulator, [emulator.url]);
    expectOneWinner(result);
    console.info(`[concurrency] sqlite, 1 process: ${RACERS} adds in ${result.elapsedMs.toFixed(0)} ms`);
  });

  it(`lets one user join only ${DAILY_JOINS} of ${COURSES} courses added at once`, async () => {
    expectDailyLimitHeld(await joinRace(emulator, [emulator.url]));
  });
});

if (!PG_URL) {
  console.warn('[concurrency] CLASSROOM_EMULATOR_TEST_DATABASE_URL is not set: the two-process PostgreSQL race is skipped.');
}

describe.skipIf(!PG_URL)('concurrent joins on PostgreSQL, two processes sharing one schema', () => {
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

  it(`admits exactly one of ${RACERS} adds for the last seat across both processes; the rest get CourseMemberLimitReached`, async () => {
    const result = await race(emulator!, [emulator!.url, second!.url]);
    expectOneWinner(result);
    console.info(`[concurrency] postgres, 2 processes: ${RACERS} adds in ${result.elapsedMs.toFixed(0)} ms`);
  });

  it(`lets one user join only ${DAILY_JOINS} of ${COURSES} courses added at once across both processes`, async () => {
    expectDailyLimitHeld(await joinRace(emulator!, [emulator!.url, second!.url]));
  });
});
