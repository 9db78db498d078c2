import { withRetry, type RetryClock, type RetryInfo } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person, startEmulator, STORES, type Person } from './helpers/harness.js';
import { isolatedStore } from './helpers/own-database.js';

const DOMAIN = 'retry-recovery.example';
const START = Date.UTC(2026, 5, 1, 16, 0, 0);
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** withRetry's clock, driving the emulator's virtual clock: sleeping advances it, nothing really waits. */
function virtualClock(emulator: Emulator): RetryClock & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    now: () => emulator.env.clock.now(),
    async sleep(ms: number) {
      slept.push(ms);
      await emulator.admin.advanceClock(ms / 1000);
    },
  };
}

const headers = (testId: string) => ({ headers: { 'x-emulator-test-id': testId } });

describe.each(STORES)('withRetry against the emulator on $name', ({ name }) => {
  let emulator: Emulator;
  let drop: (() => Promise<void>) | undefined;
  let admin: Person;
  let teacher: Person;

  beforeAll(async () => {
    const isolated = await isolatedStore(name);
    drop = isolated.drop;
    emulator = await startEmulator({ store: isolated.store, frozenAt: START });
    admin = await person(emulator, `admin@${DOMAIN}`, { admin: true });
    teacher = await person(emulator, `teacher@${DOMAIN}`);
  });
  afterAll(async () => {
    await emulator?.close();
    await drop?.();
  });

  it('recovers from two scripted 500s on the third attempt', async () => {
    await emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['return-500', 'return-500'], testId: 'two-500s' });
    const clock = virtualClock(emulator);
    const retries: RetryInfo[] = [];
    const { status } = await withRetry(({ signal }) => teacher.api.courses.list({}, { ...headers('two-500s'), ...(signal ? { signal } : {}) }), {
      clock,
      random: () => 0.5,
      onRetry: (info) => void retries.push(info),
    });
    expect(status).toBe(200);
    expect(retries.map((r) => [r.attempt, r.error.code, r.decision.action])).toEqual([
      [1, 'INTERNAL', 'retry'],
      [2, 'INTERNAL', 'retry'],
    ]);
    // Full jitter at half of a doubling backoff: about 250 ms, then about 500 ms.
    expect(clock.slept).toHaveLength(2);
    expect(clock.slept[0]).toBeGreaterThan(200);
    expect(clock.slept[1]).toBeGreaterThan(clock.slept[0]! * 1.5);
    const log = await emulator.admin.requests({ testId: 'two-500s' });
    expect(log.requests.map((r) => [r.status, r.code])).toEqual([[500, 'INTERNAL'], [500, 'INTERNAL'], [200, undefined]]);
  });

  it('rides out a quota storm: every caller gets through once the window moves on', async () => {
    const callers: Person[] = [];
    for (let i = 0; i < 8; i++) callers.push(await person(emulator, `storm${i}@${DOMAIN}`, {}, { project: 'storm-project' }));
    await emulator.admin.setLimits({ projectQueriesPerMinute: 3, quotaWindowSeconds: 5 });
    await emulator.admin.setQuota({ retryAfter: true });
    try {
      const clock = virtualClock(emulator);
      const codes: string[] = [];
      const results = await Promise.all(
        callers.map((caller) =>
          withRetry(({ signal }) => caller.api.userProfiles.get({ userId: 'me' }, { ...headers('storm'), ...(signal ? { signal } : {}) }), {
            clock,
            random: () => 0.5,
            maxAttempts: 20,
            onRetry: (info) => void codes.push(info.error.code),
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
      expect(codes.length).toBeGreaterThan(0);
      expect(new Set(codes)).toEqual(new Set(['ProjectRateLimitExceeded']));
      const log = await emulator.admin.requests({ testId: 'storm', limit: 1000 });
      expect(log.requests.filter((r) => r.status === 200)).toHaveLength(8);
      expect(log.requests.filter((r) => r.status === 429)).toHaveLength(codes.length);
    } finally {
      await emulator.admin.setQuota({ retryAfter: false });
      await emulator.admin.setLimits({ projectQueriesPerMinute: 3000, quotaWindowSeconds: 60 });
    }
  });

  it('does not retry UserCourseJoinRateLimitReached: exactly one request reaches the emulator', async () => {
    const student = await person(emulator, `joiner@${DOMAIN}`);
    const first = (await teacher.api.courses.create({ requestBody: { name: 'First', ownerId: 'me', courseState: 'ACTIVE' } })).data.id!;
    const second = (await teacher.api.courses.create({ requestBody: { name: 'Second', ownerId: 'me', courseState: 'ACTIVE' } })).data.id!;
    await emulator.admin.setLimits({ userDailyJoins: 1 });
    try {
      await admin.api.courses.students.create({ courseId: first, requestBody: { userId: student.email } });
      const clock = virtualClock(emulator);
      const thrown = await withRetry(
        ({ signal }) => admin.api.courses.students.create({ courseId: second, requestBody: { userId: student.email } }, { ...headers('joins'), ...(signal ? { signal } : {}) }),
        { clock, random: () => 0.5 },
      ).then(
        () => undefined,
        (e: unknown) => e as { code?: string },
      );
      expect(thrown?.code).toBe('UserCourseJoinRateLimitReached');
      expect(clock.slept).toEqual([]);
      const log = await emulator.admin.requests({ testId: 'joins' });
      expect(log.requests.map((r) => [r.method, r.status, r.code])).toEqual([
        ['classroom.courses.students.create', 429, 'UserCourseJoinRateLimitReached'],
      ]);
    } finally {
      await emulator.admin.setLimits({ userDailyJoins: 30 });
    }
  });
});
