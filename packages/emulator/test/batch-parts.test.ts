import { parseBatchResponse } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalid, notFound, person, startEmulator, type Person } from './helpers/harness.js';

/** Sends one batch whose parts are the given request lines (with optional JSON bodies). */
async function batch(url: string, token: string, parts: { line: string; body?: unknown }[]) {
  const boundary = 'part_boundary';
  const body =
    parts
      .map(
        (p, i) =>
          `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${i + 1}>\r\n\r\n${p.line}\r\n` +
          (p.body === undefined ? '\r\n' : `Content-Type: application/json\r\n\r\n${JSON.stringify(p.body)}`),
      )
      .join('\r\n') + `\r\n--${boundary}--\r\n`;
  const response = await fetch(`${url}/batch`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/mixed; boundary=${boundary}` },
    body,
  });
  expect(response.status).toBe(200);
  return parseBatchResponse(await response.text(), response.headers.get('content-type') ?? '');
}

describe('batch parts the emulator must refuse one by one', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let teacher: Person;

  beforeAll(async () => {
    emulator = await startEmulator();
    teacher = await person(emulator, 'teacher@batch-parts.example');
    await teacher.api.courses.create({ requestBody: { name: 'Kept', ownerId: 'me' } });
  });
  afterAll(() => emulator.close());

  it('a verb HTTP does not know gets its own 400 and the process keeps serving', async () => {
    const parts = await batch(emulator.url, teacher.token, [
      { line: 'FOO /v1/courses HTTP/1.1' },
      { line: 'GETX /v1/courses' },
      { line: 'GET /v1/courses' },
    ]);
    expect(parts.map((p) => p.httpStatus)).toEqual([400, 400, 200]);
    const first = 'Batch part 1: "FOO" is not an HTTP method.';
    expect(parts[0]?.body).toEqual(invalid(first, 'batch'));
    expect(parts[1]?.body).toEqual(invalid('Batch part 2: "GETX" is not an HTTP method.', 'batch'));
    expect((await teacher.api.courses.list({})).data.courses?.map((c) => c.name)).toEqual(['Kept']);
  });

  it('an invalid absolute URL is a 400 in its part, not a 500', async () => {
    const parts = await batch(emulator.url, teacher.token, [{ line: 'GET https://' }, { line: 'GET http://%zz/' }, { line: 'GET http:/ /x' }]);
    expect(parts.map((p) => p.httpStatus)).toEqual([400, 400, 400]);
    expect(parts[1]?.body).toEqual(invalid('Batch part 2: the request target is not a valid URL.', 'batch'));
  });

  it('a part without a request line is answered alone', async () => {
    const parts = await batch(emulator.url, teacher.token, [{ line: 'not-a-request-line' }, { line: 'GET /v1/courses' }]);
    expect(parts.map((p) => p.httpStatus)).toEqual([400, 200]);
    expect(parts[0]?.body).toEqual(invalid('Batch part 1 does not start with an HTTP request line.', 'batch'));
  });

  it('only the Classroom API can be called from a batch: the admin API and discovery are 404 and nothing runs', async () => {
    const parts = await batch(emulator.url, teacher.token, [
      { line: 'POST /emulator/v1/reset HTTP/1.1', body: {} },
      { line: 'POST http://127.0.0.1/emulator/v1/reset', body: {} },
      { line: 'POST /v1/../emulator/v1/reset', body: {} },
      { line: 'POST /v1/%2e%2e/emulator/v1/reset', body: {} },
      { line: 'POST /v1\\..\\emulator/v1/reset', body: {} },
      { line: 'GET /$discovery/rest' },
      { line: 'POST /batch' },
    ]);
    expect(parts.map((p) => p.httpStatus)).toEqual([404, 404, 404, 404, 404, 404, 404]);
    expect(parts[0]?.body).toEqual(notFound('A batch part may only call the Classroom API (/v1/...), not /emulator/v1/reset.'));
    expect(parts[5]?.body).toEqual(notFound('A batch part may only call the Classroom API (/v1/...), not /$discovery/rest.'));
    // The state survived: the reset parts never ran.
    expect((await teacher.api.courses.list({})).data.courses?.map((c) => c.name)).toEqual(['Kept']);
  });
});
