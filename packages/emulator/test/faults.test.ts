import { parseError } from 'classroom-errors';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AdminApiError } from '../src/index.js';
import { failure, person, startEmulator, STORES, type Person } from './helpers/harness.js';
import { isolatedStore } from './helpers/own-database.js';

const DOMAIN = 'faults.example';
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

function body(code: number, status: string, reason: string, message: string) {
  return { error: { code, message, errors: [{ message, domain: 'global', reason }], status } };
}

/** What a call that got no complete HTTP answer throws, parsed. */
async function transportFailure(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (thrown) {
    expect((thrown as { response?: unknown }).response, 'the call got an HTTP answer').toBeUndefined();
    return parseError(thrown);
  }
  throw new Error('expected the call to fail');
}

describe.each(STORES)('fault injection on $name', ({ name }) => {
  let emulator: Emulator;
  let drop: (() => Promise<void>) | undefined;
  let teacher: Person;

  beforeAll(async () => {
    const isolated = await isolatedStore(name);
    drop = isolated.drop;
    emulator = await startEmulator({ store: isolated.store });
    teacher = await person(emulator, `teacher@${DOMAIN}`, {}, { project: 'faults-project' });
  });
  afterAll(async () => {
    await emulator?.close();
    await drop?.();
  });
  beforeEach(() => emulator.admin.deleteFaults());

  it('consumes scripted instructions one call each, in order, and accounts for which request took which', async () => {
    const set = await emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['return-500', 'return-503', 'return-429'] });
    expect(set).toMatchObject({ id: expect.stringMatching(/^fault-\d+$/), method: 'classroom.courses.list' });
    expect(set.instructions.map((i) => i.state)).toEqual(['pending', 'pending', 'pending']);
    // Another method is untouched.
    expect((await teacher.api.userProfiles.get({ userId: 'me' })).status).toBe(200);

    const first = await failure(teacher.api.courses.list({}));
    expect(first.status).toBe(500);
    expect(first.body).toEqual(body(500, 'INTERNAL', 'backendError', 'Internal error encountered.'));
    const second = await failure(teacher.api.courses.list({}));
    expect(second.body).toEqual(body(503, 'UNAVAILABLE', 'backendError', 'The service is currently unavailable.'));
    const third = await failure(teacher.api.courses.list({}));
    const project = (await emulator.env.store.read.identity.project('faults-project'))!;
    const message = `Quota exceeded: Cloud project ${project.number} has used all 3000 of its queries per 60 seconds.`;
    expect(third.body).toEqual({
      error: {
        code: 429,
        message,
        errors: [{ message, domain: 'global', reason: 'rateLimitExceeded' }],
        status: 'RESOURCE_EXHAUSTED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'RATE_LIMIT_EXCEEDED',
            domain: 'googleapis.com',
            metadata: {
              service: 'classroom.googleapis.com',
              consumer: `projects/${project.number}`,
              quota_metric: 'classroom.googleapis.com/default_requests',
              quota_limit: 'DefaultPerMinutePerProject',
              quota_limit_value: '3000',
              quota_location: 'global',
            },
          },
        ],
      },
    });
    expect(third.error.code).toBe('ProjectRateLimitExceeded');
    expect((await teacher.api.courses.list({})).status).toBe(200);

    const { faults } = await emulator.admin.faults();
    const log = await emulator.admin.requests({ method: 'classroom.courses.list', limit: 4 });
    expect(log.requests.map((r) => [r.status, r.code, r.fault])).toEqual([
      [500, 'INTERNAL', `${set.id}[0] return-500`],
      [503, 'UNAVAILABLE', `${set.id}[1] return-503`],
      [429, 'ProjectRateLimitExceeded', `${set.id}[2] return-429`],
      [200, undefined, undefined],
    ]);
    expect(faults).toEqual([
      {
        ...set,
        instructions: set.instructions.map((instruction, i) => ({
          ...instruction,
          state: 'consumed',
          consumedBy: { requestId: log.requests[i]!.id, at: expect.any(String) },
        })),
      },
    ]);
  });

  it('a faulted write changes nothing', async () => {
    await emulator.admin.addFaults({ method: 'classroom.courses.create', instructions: ['return-503'] });
    const { status } = await failure(teacher.api.courses.create({ requestBody: { name: 'Never made', ownerId: 'me' } }));
    expect(status).toBe(503);
    const listed = await teacher.api.courses.list({});
    expect((listed.data.courses ?? []).map((c) => c.name)).not.toContain('Never made');
  });

  it('return-<status>-after-<n> lets n calls through first; return-<Code> answers with that catalog error', async () => {
    const set = await emulator.admin.addFaults({ method: 'classroom.userProfiles.get', instructions: ['return-503-after-2', 'return-UserCourseJoinRateLimitReached'] });
    expect((await teacher.api.userProfiles.get({ userId: 'me' })).status).toBe(200);
    expect((await teacher.api.userProfiles.get({ userId: 'me' })).status).toBe(200);
    expect((await failure(teacher.api.userProfiles.get({ userId: 'me' }))).status).toBe(503);
    const join = await failure(teacher.api.userProfiles.get({ userId: 'me' }));
    const message = '@UserCourseJoinRateLimitReached The user has joined as many courses today as a day allows.';
    expect(join.body).toEqual(body(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', message));
    const { faults } = await emulator.admin.faults();
    const [afterTwo] = faults.find((f) => f.id === set.id)!.instructions;
    expect(afterTwo!.passed).toHaveLength(2);
    expect(afterTwo!.state).toBe('consumed');
  });

  it('a test id keeps a fault set to the requests that carry it', async () => {
    await emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['return-500'], testId: 'suite-a' });
    expect((await teacher.api.courses.list({})).status).toBe(200);
    expect((await teacher.api.courses.list({}, { headers: { 'x-emulator-test-id': 'suite-b' } })).status).toBe(200);
    const hit = await failure(teacher.api.courses.list({}, { headers: { 'x-emulator-test-id': 'suite-a' } }));
    expect(hit.status).toBe(500);
    expect((await teacher.api.courses.list({}, { headers: { 'x-emulator-test-id': 'suite-a' } })).status).toBe(200);
    const log = await emulator.admin.requests({ testId: 'suite-a' });
    expect(log.requests.map((r) => r.status)).toEqual([500, 200]);
  });

  it('delay-<ms>ms holds the answer, then the call succeeds', async () => {
    await emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['delay-250ms'] });
    const started = performance.now();
    expect((await teacher.api.courses.list({})).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    const [last] = (await emulator.admin.requests({ method: 'classroom.courses.list', limit: 1 })).requests;
    expect(last!.latencyMs).toBeGreaterThanOrEqual(240);
  });

  it('reset-connection and close-after-partial-body reach the client as transport errors: NetworkError', async () => {
    await emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['reset-connection', 'close-after-partial-body'] });
    const reset = await transportFailure(teacher.api.courses.list({}));
    expect(reset.code).toBe('NetworkError');
    expect(reset.retryable).toBe(true);
    const partial = await transportFailure(teacher.api.courses.list({}));
    expect(partial.code).toBe('NetworkError');
    expect((await teacher.api.courses.list({})).status).toBe(200);
    const log = await emulator.admin.requests({ method: 'classroom.courses.list', limit: 3 });
    expect(log.requests.map((r) => [r.status, r.code])).toEqual([[0, 'NetworkError'], [0, 'NetworkError'], [200, undefined]]);
  });

  it('an in-process request (a batch part, app.inject) cannot lose a connection: it gets 503 instead', async () => {
    await emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['reset-connection'] });
    const response = await emulator.app.inject({ method: 'GET', url: '/v1/courses', headers: { authorization: `Bearer ${teacher.token}` } });
    const message = 'The connection to the backend was lost.';
    expect(response.statusCode).toBe(503);
    expect(response.json()).toEqual(body(503, 'UNAVAILABLE', 'backendError', message));
  });

  it('chaos rules draw from a seed: the same seed fails the same calls', async () => {
    const run = async () => {
      const rule = await emulator.admin.addChaos({ method: 'classroom.userProfiles.get', probability: 0.4, status: 503, seed: 7 });
      const pattern: number[] = [];
      for (let i = 0; i < 20; i++) {
        pattern.push(await teacher.api.userProfiles.get({ userId: 'me' }).then((r) => r.status, (e: { response: { status: number } }) => e.response.status));
      }
      const { chaos } = await emulator.admin.faults();
      expect(chaos.find((c) => c.id === rule.id)).toMatchObject({ draws: 20, hits: pattern.filter((s) => s === 503).length, seed: 7 });
      await emulator.admin.deleteFaults(rule.id);
      return pattern;
    };
    const first = await run();
    expect(first.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(await run()).toEqual(first);
  });

  it('rejects bad fault requests with the field named, and unknown ids with NOT_FOUND', async () => {
    const bad = async (promise: Promise<unknown>) => {
      const error = await promise.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdminApiError);
      return error as AdminApiError;
    };
    const method = await bad(emulator.admin.addFaults({ method: 'classroom.courses.frobnicate', instructions: ['return-500'] }));
    const text = '"classroom.courses.frobnicate" is not a Classroom method id (such as classroom.courses.list) or "*".';
    expect(method.httpStatus).toBe(400);
    expect(method.body).toEqual({
      error: {
        ...body(400, 'INVALID_ARGUMENT', 'invalid', text).error,
        details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'method', description: text }] }],
      },
    });
    const instruction = await bad(emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['return-500', 'explode'] }));
    expect(instruction.body?.error.details).toEqual([
      expect.objectContaining({ fieldViolations: [expect.objectContaining({ field: 'instructions[1]' })] }),
    ]);
    const status = await bad(emulator.admin.addFaults({ method: 'classroom.courses.list', instructions: ['return-418'] }));
    expect(status.body?.error.message).toMatch(/418, which cannot be injected/);
    expect((await bad(emulator.admin.deleteFaults('fault-999'))).httpStatus).toBe(404);
    expect((await emulator.admin.faults()).faults).toEqual([]);
  });
});
