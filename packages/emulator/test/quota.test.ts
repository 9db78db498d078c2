import { classroom } from '@googleapis/classroom';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, person, PG_URL, startEmulator, STORES, type Person } from './helpers/harness.js';
import { isolatedStore, ownDatabase } from './helpers/own-database.js';
import { startSecondProcess } from './helpers/second-process.js';

const DOMAIN = 'quota.example';
// 12:00 Pacific standard time: the daily quota resets twelve hours later.
const NOON_PACIFIC = Date.UTC(2026, 0, 15, 20, 0, 0);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** A failed call's status, wire body and Retry-After header. */
async function rejection(promise: Promise<unknown>): Promise<{ status: number; body: unknown; retryAfter: string | null }> {
  try {
    await promise;
  } catch (thrown) {
    const response = (thrown as { response?: { status: number; data: unknown; headers: { get?: (name: string) => string | null } & Record<string, unknown> } }).response;
    if (!response) throw thrown;
    const headers = response.headers;
    const retryAfter = typeof headers.get === 'function' ? headers.get('retry-after') : ((headers['retry-after'] as string | undefined) ?? null);
    return { status: response.status, body: response.data, retryAfter };
  }
  throw new Error('expected the call to fail');
}

/** The whole 429 body the emulator sends for a quota meter. */
function quotaBody(code: 'ProjectRateLimitExceeded' | 'UserRateLimitExceeded' | 'DailyLimitExceeded', message: string, metadata: Record<string, string>, retryDelay?: string) {
  return {
    error: {
      code: 429,
      message,
      errors: [{ message, domain: 'global', reason: 'rateLimitExceeded' }],
      status: 'RESOURCE_EXHAUSTED',
      details: [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com', metadata },
        ...(retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }] : []),
      ],
    },
  };
}

function metadata(number: string, limit: string, value: number): Record<string, string> {
  return {
    service: 'classroom.googleapis.com',
    consumer: `projects/${number}`,
    quota_metric: 'classroom.googleapis.com/default_requests',
    quota_limit: limit,
    quota_limit_value: String(value),
    quota_location: 'global',
  };
}

describe.each(STORES)('quota on $name', ({ name }) => {
  let emulator: Emulator;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const isolated = await isolatedStore(name);
    drop = isolated.drop;
    emulator = await startEmulator({ store: isolated.store, frozenAt: NOON_PACIFIC });
  });
  afterAll(async () => {
    await emulator?.close();
    await drop?.();
  });

  const projectNumber = async (id: string) => (await emulator.env.store.read.identity.project(id))!.number;
  const limits = (patch: Record<string, number>) =>
    emulator.admin.setLimits({ projectQueriesPerMinute: 1000, userQueriesPerMinute: 1000, projectQueriesPerDay: 100_000, quotaWindowSeconds: 60, ...patch });

  it('UserRateLimitExceeded: a user past their per-minute queries; the refused call changes nothing and does not count', async () => {
    const user = await person(emulator, `solo@${DOMAIN}`, {}, { project: 'quota-user' });
    await limits({ userQueriesPerMinute: 3, quotaWindowSeconds: 10 });
    for (let i = 0; i < 3; i++) await user.api.courses.list({});

    const { status, body, error } = await failure(user.api.courses.create({ requestBody: { name: 'Too late', ownerId: 'me' } }));
    const number = await projectNumber('quota-user');
    const message = `Quota exceeded: this user has used all 3 of their queries per 10 seconds in Cloud project ${number}.`;
    expect(status).toBe(429);
    expect(body).toEqual(quotaBody('UserRateLimitExceeded', message, metadata(number, 'DefaultPerMinutePerUser', 3)));
    expect(error.code).toBe('UserRateLimitExceeded');

    // Refusals half-way through the window must not count: when the first three leave it, three fit again.
    await emulator.admin.advanceClock(5);
    expect((await failure(user.api.courses.list({}))).status).toBe(429);
    await emulator.admin.advanceClock(5);
    for (let i = 0; i < 3; i++) await user.api.courses.list({});
    expect((await failure(user.api.courses.list({}))).error.code).toBe('UserRateLimitExceeded');
    await emulator.admin.advanceClock(10);
    expect((await user.api.courses.list({})).data.courses).toBeUndefined();
  });

  it('ProjectRateLimitExceeded: users of one project share its per-minute queries; another project is unaffected', async () => {
    const ada = await person(emulator, `ada@${DOMAIN}`, {}, { project: 'quota-project' });
    const bob = await person(emulator, `bob@${DOMAIN}`, {}, { project: 'quota-project' });
    const eve = await person(emulator, `eve@${DOMAIN}`, {}, { project: 'quota-other' });
    await limits({ projectQueriesPerMinute: 4 });
    await ada.api.courses.list({});
    await bob.api.courses.list({});
    await ada.api.courses.list({});
    await bob.api.userProfiles.get({ userId: 'me' });

    const { status, body } = await failure(ada.api.userProfiles.get({ userId: 'me' }));
    const number = await projectNumber('quota-project');
    const message = `Quota exceeded: Cloud project ${number} has used all 4 of its queries per 60 seconds.`;
    expect(status).toBe(429);
    expect(body).toEqual(quotaBody('ProjectRateLimitExceeded', message, metadata(number, 'DefaultPerMinutePerProject', 4)));
    expect((await failure(bob.api.courses.list({}))).error.code).toBe('ProjectRateLimitExceeded');
    expect((await eve.api.courses.list({})).status).toBe(200);

    await emulator.admin.advanceClock(60);
    expect((await bob.api.courses.list({})).status).toBe(200);
  });

  it('DailyLimitExceeded: the day quota holds past the minute window and resets at midnight Pacific time', async () => {
    const clock = await emulator.admin.clock();
    const hoursToMidnight = (Date.parse('2026-01-16T08:00:00.000Z') - Date.parse(clock.now)) / 3_600_000;
    expect(hoursToMidnight).toBeGreaterThan(2);
    const day = await person(emulator, `day@${DOMAIN}`, {}, { project: 'quota-daily' });
    await limits({ projectQueriesPerDay: 3 });
    for (let i = 0; i < 3; i++) await day.api.courses.list({});

    const { status, body, error } = await failure(day.api.courses.list({}));
    const number = await projectNumber('quota-daily');
    const message = `Quota exceeded: Cloud project ${number} has used all 3 of its queries for today (the count restarts at midnight Pacific time).`;
    expect(status).toBe(429);
    expect(body).toEqual(quotaBody('DailyLimitExceeded', message, metadata(number, 'DefaultPerDayPerProject', 3)));
    expect(error.code).toBe('DailyLimitExceeded');

    await emulator.admin.advanceClock((hoursToMidnight - 1) * 3600);
    expect((await failure(day.api.courses.list({}))).error.code).toBe('DailyLimitExceeded');
    await emulator.admin.advanceClock(3600);
    expect((await day.api.courses.list({})).status).toBe(200);
  });

  it('Retry-After: off by default as in production; when asked for, the seconds until the window frees a slot', async () => {
    const user = await person(emulator, `retry@${DOMAIN}`, {}, { project: 'quota-retry' });
    await limits({ userQueriesPerMinute: 2 });
    const number = await projectNumber('quota-retry');
    const message = `Quota exceeded: this user has used all 2 of their queries per 60 seconds in Cloud project ${number}.`;
    await user.api.courses.list({});
    await emulator.admin.advanceClock(20);
    await user.api.courses.list({});

    const plain = await rejection(user.api.courses.list({}));
    expect(plain).toEqual({ status: 429, retryAfter: null, body: quotaBody('UserRateLimitExceeded', message, metadata(number, 'DefaultPerMinutePerUser', 2)) });

    expect(await emulator.admin.setQuota({ retryAfter: true })).toEqual({ retryAfter: true });
    // The first call leaves the 60-second window 40 seconds from now.
    const told = await rejection(user.api.courses.list({}));
    expect(told).toEqual({
      status: 429,
      retryAfter: '40',
      body: quotaBody('UserRateLimitExceeded', message, metadata(number, 'DefaultPerMinutePerUser', 2), '40s'),
    });
    await emulator.admin.advanceClock(40);
    expect((await user.api.courses.list({})).status).toBe(200);
    await emulator.admin.setQuota({ retryAfter: false });
    expect((await rejection(user.api.courses.list({}))).retryAfter).toBeNull();
  });

  it('holds within one request under 50 concurrent callers', async () => {
    const callers: Person[] = [];
    for (let i = 0; i < 50; i++) callers.push(await person(emulator, `crowd${i}@${DOMAIN}`, {}, { project: 'quota-crowd' }));
    await limits({ projectQueriesPerMinute: 20 });
    const outcomes = await Promise.allSettled(callers.map((c) => c.api.courses.list({})));
    const passed = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(Math.abs(passed - 20)).toBeLessThanOrEqual(1);
    for (const o of outcomes) if (o.status === 'rejected') expect((await failure(Promise.reject(o.reason))).error.code).toBe('ProjectRateLimitExceeded');
    const usage = await emulator.admin.quota({ user: callers[0]!.email, project: 'quota-crowd' });
    expect(usage.usage?.find((u) => u.quotaLimit === 'DefaultPerMinutePerProject')).toMatchObject({ used: passed, limit: 20 });
  });

  it('rejects a bad quota setting with the field named', async () => {
    const { AdminApiError } = await import('../src/index.js');
    const error = await emulator.admin.setQuota({ retryAfter: 'yes' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdminApiError);
    expect((error as InstanceType<typeof AdminApiError>).body?.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'retryAfter', description: 'Invalid value for "retryAfter": must be boolean.' }] },
    ]);
  });
});

describe.skipIf(!PG_URL)('quota across two processes sharing PostgreSQL', () => {
  let emulator: Emulator;
  let peer: Awaited<ReturnType<typeof startSecondProcess>>;
  let database: Awaited<ReturnType<typeof ownDatabase>>;
  const schema = 'emulator';

  beforeAll(async () => {
    database = await ownDatabase(PG_URL!);
    emulator = await startEmulator({ store: { kind: 'postgres', url: database.url, schema }, frozenAt: NOON_PACIFIC });
    // The peer reads the frozen clock and the limits from the shared store.
    await emulator.admin.setClock({ frozen: true });
    peer = await startSecondProcess({ url: database.url, schema });
  });
  afterAll(async () => {
    await peer?.close();
    await emulator?.close();
    await database?.drop();
  });

  it('holds within one request when 50 callers hit two processes at once', async () => {
    await emulator.admin.setLimits({ projectQueriesPerMinute: 20, userQueriesPerMinute: 1000, projectQueriesPerDay: 100_000, quotaWindowSeconds: 60 });
    const tokens: string[] = [];
    for (let i = 0; i < 50; i++) tokens.push((await person(emulator, `pair${i}@${DOMAIN}`, {}, { project: 'quota-pair' })).token);
    const clientOn = (url: string, token: string) => {
      const auth = new OAuth2Client();
      auth.setCredentials({ access_token: token });
      return classroom({ version: 'v1', rootUrl: `${url}/`, auth, retry: false });
    };
    // Warm the peer's connections up in another project, so that both processes really race.
    const { accessToken } = await emulator.admin.mintToken({ user: `pair0@${DOMAIN}`, project: 'quota-warm-up' });
    expect((await clientOn(peer.url, accessToken).courses.list({})).status).toBe(200);

    const outcomes = await Promise.allSettled(tokens.map((token, i) => clientOn(i % 2 === 0 ? emulator.url : peer.url, token).courses.list({})));
    // Counters kept per process would let each process pass 20 of its 25 callers: 40 in all.
    const passed = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(Math.abs(passed - 20)).toBeLessThanOrEqual(1);
    for (const o of outcomes) if (o.status === 'rejected') expect((await failure(Promise.reject(o.reason))).error.code).toBe('ProjectRateLimitExceeded');
  });
});
