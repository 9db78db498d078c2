import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { PG_URL, STORES, startEmulator, uniqueSchema } from './helpers/harness.js';
import { assertBuilt, startSecondProcess, type SecondProcess } from './helpers/second-process.js';

// Each process remembers the callers of tokens it has seen. Whatever that saves, a change to a token,
// user, domain or membership must be seen by the very next request, in this process and in any other
// sharing the database: each case below calls once (so the caller is remembered), changes it, and calls
// again at once.

/** Status and ErrorInfo reason of `GET /v1/userProfiles/me` with a token, against a base URL. */
async function whoAmI(base: string, token: string): Promise<{ status: number; reason?: string; email?: string }> {
  const response = await fetch(`${base}/v1/userProfiles/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as {
    emailAddress?: string;
    error?: { details?: { '@type'?: string; reason?: string }[]; status?: string };
  };
  const reason = body.error?.details?.find((d) => d['@type']?.endsWith('ErrorInfo'))?.reason ?? body.error?.status;
  return { status: response.status, ...(reason ? { reason } : {}), ...(body.emailAddress ? { email: body.emailAddress } : {}) };
}

/** Status of `GET /v1/courses/{id}`. */
async function courseStatus(base: string, token: string, id: string): Promise<number> {
  const response = await fetch(`${base}/v1/courses/${id}`, { headers: { authorization: `Bearer ${token}` } });
  await response.arrayBuffer();
  return response.status;
}

/** Changes made through `changer`, seen through `reader` (the same emulator, or another process). */
function invalidationCases(setup: () => { changer: Emulator; reader: () => string }) {
  let n = 0;
  const fresh = async (tag: string) => {
    const { changer } = setup();
    const email = `${tag}.${++n}@cache.example`;
    await changer.admin.createUser({ email, canCreateCourses: true });
    const { accessToken } = await changer.admin.mintToken({ user: email });
    const seen = await whoAmI(setup().reader(), accessToken);
    expect(seen).toMatchObject({ status: 200, email });
    return { email, token: accessToken };
  };

  it('a revoked token is refused on the next request', async () => {
    const { token } = await fresh('revoked');
    await setup().changer.admin.revokeToken(token);
    expect(await whoAmI(setup().reader(), token)).toMatchObject({ status: 401, reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED' });
  });

  it('a suspended user is refused on the next request, and served again once reinstated', async () => {
    const { email, token } = await fresh('suspended');
    await setup().changer.admin.updateUser(email, { state: 'SUSPENDED' });
    expect(await whoAmI(setup().reader(), token)).toMatchObject({ status: 401, reason: 'ACCOUNT_STATE_INVALID' });
    await setup().changer.admin.updateUser(email, { state: 'ACTIVE' });
    expect(await whoAmI(setup().reader(), token)).toMatchObject({ status: 200, email });
  });

  it("a domain's API switch-off applies to the next request", async () => {
    const { token } = await fresh('domain');
    await setup().changer.admin.updateDomain('cache.example', { apiEnabled: false });
    try {
      expect(await whoAmI(setup().reader(), token)).toMatchObject({ status: 403 });
    } finally {
      await setup().changer.admin.updateDomain('cache.example', { apiEnabled: true });
    }
    expect((await whoAmI(setup().reader(), token)).status).toBe(200);
  });

  it('a user who lost course creation rights cannot create a course on the next request', async () => {
    const { email, token } = await fresh('rights');
    await setup().changer.admin.updateUser(email, { canCreateCourses: false });
    const response = await fetch(`${setup().reader()}/v1/courses`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Not allowed', ownerId: 'me' }),
    });
    await response.arrayBuffer();
    expect(response.status).toBe(403);
  });

  it('a removed student no longer sees the course on the next request', async () => {
    const teacher = await fresh('teacher');
    const student = await fresh('student');
    const { changer } = setup();
    const post = async (path: string, token: string, body: unknown) => {
      const response = await fetch(`${changer.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status, await response.clone().text()).toBe(200);
      return (await response.json()) as { id: string };
    };
    const course = await post('/v1/courses', teacher.token, { name: 'Cache', ownerId: 'me', courseState: 'ACTIVE' });
    const { enrollmentCode } = (await (await fetch(`${changer.url}/v1/courses/${course.id}`, { headers: { authorization: `Bearer ${teacher.token}` } })).json()) as { enrollmentCode: string };
    await post(`/v1/courses/${course.id}/students?enrollmentCode=${enrollmentCode}`, student.token, { userId: 'me' });
    expect(await courseStatus(setup().reader(), student.token, course.id)).toBe(200);
    const removed = await fetch(`${changer.url}/v1/courses/${course.id}/students/${student.email}`, { method: 'DELETE', headers: { authorization: `Bearer ${teacher.token}` } });
    expect(removed.status).toBe(200);
    expect(await courseStatus(setup().reader(), student.token, course.id)).not.toBe(200);
  });

  it('after a reset, a token of the old state is refused on the next request', async () => {
    const { token } = await fresh('reset');
    await setup().changer.admin.reset();
    expect(await whoAmI(setup().reader(), token)).toMatchObject({ status: 401, reason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED' });
  });

  it('a token value given to another user acts for its new user on the next request', async () => {
    const { changer } = setup();
    const token = `cache-same-token-${++n}`;
    await changer.admin.loadFixture({ users: [{ email: `first.${n}@cache.example`, name: 'First' }], tokens: [{ user: `first.${n}@cache.example`, token }] });
    expect((await whoAmI(setup().reader(), token)).email).toBe(`first.${n}@cache.example`);
    await changer.admin.revokeToken(token);
    await changer.admin.loadFixture({ users: [{ email: `second.${n}@cache.example`, name: 'Second' }], tokens: [{ user: `second.${n}@cache.example`, token }] });
    expect((await whoAmI(setup().reader(), token)).email).toBe(`second.${n}@cache.example`);
  });
}

for (const store of STORES) {
  describe(`remembered callers, one process (${store.name})`, () => {
    let emulator: Emulator;
    beforeAll(async () => {
      emulator = await startEmulator({ store: store.options() });
    });
    afterAll(async () => {
      await emulator.close();
    });
    invalidationCases(() => ({ changer: emulator, reader: () => emulator.url }));
  });
}

if (!PG_URL) {
  console.warn('[caller-cache] CLASSROOM_EMULATOR_TEST_DATABASE_URL is not set: the two-process PostgreSQL cases are skipped.');
}

describe.skipIf(!PG_URL)('remembered callers, two processes sharing one PostgreSQL schema', () => {
  let emulator: Emulator;
  let second: SecondProcess;
  beforeAll(async () => {
    assertBuilt();
    const schema = uniqueSchema();
    emulator = await startEmulator({ store: { kind: 'postgres', url: PG_URL!, schema } });
    second = await startSecondProcess({ url: PG_URL!, schema });
  }, 60_000);
  afterAll(async () => {
    await second?.close();
    await emulator?.close();
  });
  // Changes go through the in-test emulator; the other process, which has remembered the caller, must see them.
  invalidationCases(() => ({ changer: emulator, reader: () => second.url }));
});
