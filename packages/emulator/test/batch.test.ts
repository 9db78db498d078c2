import { parseBatchResponse, renderError } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { person, startEmulator, type Person } from './helpers/harness.js';

/** A batch body shaped like the one Python's discovery client sends. */
function batchBody(boundary: string, parts: { id: string; request: string; body?: unknown }[]): string {
  return (
    parts
      .map(
        (p) =>
          `--${boundary}\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\nMIME-Version: 1.0\r\nContent-ID: <${p.id}>\r\n\r\n` +
          `${p.request}\r\n${p.body === undefined ? '' : 'Content-Type: application/json\r\nMIME-Version: 1.0\r\n'}\r\n${p.body === undefined ? '' : JSON.stringify(p.body)}`,
      )
      .join('\r\n') + `\r\n--${boundary}--`
  );
}

describe('batch requests', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let teacher: Person;
  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator();
    teacher = await person(emulator, 'teacher@batch.example');
    courseId = (await teacher.api.courses.create({ requestBody: { name: 'Physics', ownerId: 'me' } })).data.id!;
  });
  afterAll(() => emulator.close());

  it('runs each part as its own call and answers in order, with response Content-IDs', async () => {
    const boundary = '===============7330845974216740156==';
    const response = await fetch(`${emulator.url}/batch/classroom/v1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${teacher.token}`, 'content-type': `multipart/mixed; boundary="${boundary}"` },
      body: batchBody(boundary, [
        { id: 'a1b2+1', request: `GET /v1/courses/${courseId}?alt=json HTTP/1.1` },
        { id: 'a1b2+2', request: 'POST /v1/courses?alt=json HTTP/1.1', body: { name: 'Optics', ownerId: 'me' } },
        { id: 'a1b2+3', request: 'GET /v1/courses/999999999999?alt=json HTTP/1.1' },
      ]),
    });
    expect(response.status).toBe(200);
    const parts = parseBatchResponse(await response.text(), response.headers.get('content-type') ?? '');
    expect(parts.map((p) => [p.contentId, p.httpStatus])).toEqual([
      ['a1b2+1', 200],
      ['a1b2+2', 200],
      ['a1b2+3', 404],
    ]);
    expect(parts[0]?.body).toMatchObject({ id: courseId, name: 'Physics' });
    expect(parts[1]?.body).toMatchObject({ name: 'Optics', ownerId: teacher.id });
    expect(parts[2]?.error?.code).toBe('NOT_FOUND');
    const { data } = await teacher.api.courses.list({});
    expect(data.courses?.map((c) => c.name).sort()).toEqual(['Optics', 'Physics']);
  });

  it('a part without credentials of its own and no outer ones is UNAUTHENTICATED alone', async () => {
    const boundary = 'b1';
    const response = await fetch(`${emulator.url}/batch`, {
      method: 'POST',
      headers: { 'content-type': `multipart/mixed; boundary=${boundary}` },
      body: batchBody(boundary, [
        { id: '1', request: `GET /v1/courses/${courseId} HTTP/1.1\r\nAuthorization: Bearer ${teacher.token}` },
        { id: '2', request: `GET /v1/courses/${courseId} HTTP/1.1` },
      ]),
    });
    const parts = parseBatchResponse(await response.text(), response.headers.get('content-type') ?? '');
    expect(parts.map((p) => p.httpStatus)).toEqual([200, 401]);
  });

  it('rejects a body that is not multipart with INVALID_ARGUMENT', async () => {
    const response = await fetch(`${emulator.url}/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${teacher.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    const message = 'A batch request must be multipart/mixed with a boundary.';
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(
      renderError('INVALID_ARGUMENT', { message, fieldViolations: [{ field: 'content-type', description: message }] }).body,
    );
  });
});
