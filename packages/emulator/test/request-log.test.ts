import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError } from '../src/index.js';
import { failure, invalid, person, type Person, startEmulator, STORES } from './helpers/harness.js';
import { isolatedStore } from './helpers/own-database.js';

const DOMAIN = 'requests.example';
const START = Date.UTC(2026, 2, 2, 9, 0, 0);
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe.each(STORES)('request log on $name', ({ name }) => {
  let emulator: Emulator;
  let drop: (() => Promise<void>) | undefined;
  let teacher: Person;
  let student: Person;

  beforeAll(async () => {
    const isolated = await isolatedStore(name);
    drop = isolated.drop;
    emulator = await startEmulator({ store: isolated.store, frozenAt: START });
    teacher = await person(emulator, `teacher@${DOMAIN}`, {}, { project: 'log-project' });
    student = await person(emulator, `student@${DOMAIN}`, {}, { project: 'log-project' });
  });
  afterAll(async () => {
    await emulator?.close();
    await drop?.();
  });

  it('records successes, catalog failures, unauthenticated calls and unknown paths, with who, what and when', async () => {
    const { data: course } = await teacher.api.courses.create({ requestBody: { name: 'Logged', ownerId: 'me', courseState: 'ACTIVE' } });
    await teacher.api.courses.patch({ id: course.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const refused = await failure(teacher.api.courses.patch({ id: course.id!, updateMask: 'name', requestBody: { name: 'Renamed' } }));
    expect(refused.error.code).toBe('CourseNotModifiable');
    await failure(student.api.courses.get({ id: '999999999999' }));
    const anonymous = await fetch(`${emulator.url}/v1/courses`);
    expect(anonymous.status).toBe(401);
    const unknown = await fetch(`${emulator.url}/v1/nowhere`, { headers: { 'x-emulator-test-id': 'lost' } });
    expect(unknown.status).toBe(404);

    const { requests, matched } = await emulator.admin.requests({ limit: 6 });
    expect(matched).toBeGreaterThanOrEqual(6);
    const time = new Date(START).toISOString();
    const common = { id: expect.stringMatching(/^r\d+$/), time, latencyMs: expect.any(Number) };
    const by = (who: Person) => ({ user: who.email, project: 'log-project' });
    expect(requests).toEqual([
      { ...common, ...by(teacher), method: 'classroom.courses.create', verb: 'POST', path: '/v1/courses', status: 200 },
      { ...common, ...by(teacher), method: 'classroom.courses.patch', verb: 'PATCH', path: `/v1/courses/${course.id}`, status: 200 },
      { ...common, ...by(teacher), method: 'classroom.courses.patch', verb: 'PATCH', path: `/v1/courses/${course.id}`, status: 400, code: 'CourseNotModifiable' },
      { ...common, ...by(student), method: 'classroom.courses.get', verb: 'GET', path: '/v1/courses/999999999999', status: 404, code: 'NOT_FOUND' },
      { ...common, method: 'classroom.courses.list', verb: 'GET', path: '/v1/courses', status: 401, code: 'UNAUTHENTICATED' },
      { ...common, verb: 'GET', path: '/v1/nowhere', status: 404, code: 'NOT_FOUND', testId: 'lost' },
    ]);
    // The admin API's own traffic is not logged.
    expect((await emulator.admin.requests({ limit: 10_000 })).requests.some((r) => r.path.startsWith('/emulator/'))).toBe(false);
  });

  it('filters by method, user, status, code and time, and returns the newest `limit`', async () => {
    await emulator.admin.advanceClock(3600);
    const since = (await emulator.admin.clock()).now;
    await student.api.userProfiles.get({ userId: 'me' });
    await teacher.api.userProfiles.get({ userId: 'me' });
    await failure(student.api.courses.get({ id: '888888888888' }));
    await failure(student.api.courses.get({ id: '777777777777' }));

    const recent = await emulator.admin.requests({ since });
    expect(recent.requests.map((r) => r.path)).toEqual(['/v1/userProfiles/me', '/v1/userProfiles/me', '/v1/courses/888888888888', '/v1/courses/777777777777']);
    expect(recent.requests.every((r) => r.time === since)).toBe(true);
    expect((await emulator.admin.requests({ since, user: student.email })).matched).toBe(3);
    expect((await emulator.admin.requests({ since, user: student.email.toUpperCase() })).matched).toBe(3);
    expect((await emulator.admin.requests({ since, method: 'classroom.userProfiles.get' })).requests.map((r) => r.user)).toEqual([student.email, teacher.email]);
    const missing = await emulator.admin.requests({ since, status: 404, code: 'NOT_FOUND', limit: 1 });
    expect(missing.matched).toBe(2);
    expect(missing.requests.map((r) => r.path)).toEqual(['/v1/courses/777777777777']);
  });

  it('rejects a bad filter with the parameter named', async () => {
    const error = (await emulator.admin.request('GET', '/requests?status=teapot').catch((e: unknown) => e)) as AdminApiError;
    expect(error).toBeInstanceOf(AdminApiError);
    const message = 'status must be a whole number of at least 0.';
    expect(error.body).toEqual(invalid(message, 'status'));
    const since = (await emulator.admin.request('GET', '/requests?since=yesterday').catch((e: unknown) => e)) as AdminApiError;
    expect(since.body?.error.details).toEqual([expect.objectContaining({ fieldViolations: [expect.objectContaining({ field: 'since' })] })]);
  });
});

describe('request log bounds', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ requestLogSize: 5 });
  });
  afterAll(() => emulator.close());

  it('keeps only the newest entries, and a reset empties it', async () => {
    const user = await person(emulator, `ring@${DOMAIN}`);
    for (let i = 0; i < 8; i++) await user.api.userProfiles.get({ userId: 'me' });
    await failure(user.api.courses.get({ id: '123456789012' }));
    const { requests, matched } = await emulator.admin.requests({ limit: 100 });
    expect(matched).toBe(5);
    expect(requests.map((r) => r.status)).toEqual([200, 200, 200, 200, 404]);
    const ids = requests.map((r) => Number(r.id.slice(1)));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    await emulator.admin.reset();
    expect(await emulator.admin.requests()).toEqual({ requests: [], matched: 0 });
  });
});
