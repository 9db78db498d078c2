import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invalid, notFound, startEmulator, wire } from './helpers/harness.js';
import { rawExchange } from './helpers/raw-http.js';

/**
 * What Fastify and Node refuse before any route runs, read off a real socket: every answer is Google's
 * envelope with the right status, and the connection stays open unless HTTP leaves no choice.
 */
describe('failures at the HTTP edge are Google errors', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  const auth = 'Authorization: Bearer demo-teacher\r\n';

  beforeAll(async () => {
    emulator = await startEmulator({ demo: true });
  });
  afterAll(() => emulator.close());

  const send = (bytes: string | Buffer, head = false) => rawExchange(emulator.host, bytes, { head });
  const json = (body: string): unknown => JSON.parse(body);

  it('bad percent-encoding in a path is 400 INVALID_ARGUMENT and the connection stays open', async () => {
    const answer = await send(`GET /v1/courses/%ff HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`);
    expect([answer.status, answer.closed]).toEqual([400, false]);
    expect(json(answer.body)).toEqual(invalid('The request path holds an invalid percent-encoding.'));
  });

  it('a path segment over 500 characters is 414', async () => {
    const answer = await send(`GET /emulator/v1/users/${'a'.repeat(600)} HTTP/1.1\r\nHost: localhost\r\n\r\n`);
    expect(answer.status).toBe(414);
    const message = 'A segment of the request path is longer than 500 characters.';
    expect(json(answer.body)).toEqual(wire(414, 'INVALID_ARGUMENT', 'invalid', message));
  });

  it('more than 16 KB of headers is 431, and the connection is closed', async () => {
    const answer = await send(`GET /v1/courses HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`);
    expect([answer.status, answer.closed]).toEqual([431, true]);
    const message = 'The request headers are larger than the 16 KB the emulator reads.';
    expect(json(answer.body)).toEqual(wire(431, 'INVALID_ARGUMENT', 'invalid', message));
  });

  it('a verb Node does not know is 405 (closed: the parser lost its place); a known one no route serves is 405 too', async () => {
    const unknown = await send('FOO /v1/courses HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect([unknown.status, unknown.closed]).toEqual([405, true]);
    const message = 'The request does not start with an HTTP method the emulator knows.';
    expect(json(unknown.body)).toEqual(wire(405, 'UNIMPLEMENTED', 'notImplemented', message));
    const propfind = await send('PROPFIND /emulator/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect([propfind.status, propfind.closed]).toEqual([405, false]);
    expect(json(propfind.body)).toEqual(wire(405, 'UNIMPLEMENTED', 'notImplemented', 'The emulator does not serve the HTTP method PROPFIND.'));
  });

  it('CONNECT is refused with 405 in the envelope, not a silently dropped socket', async () => {
    const answer = await send('CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(answer.status).toBe(405);
    expect(json(answer.body)).toEqual(wire(405, 'UNIMPLEMENTED', 'notImplemented', 'The emulator is not a proxy: it does not serve CONNECT.'));
  });

  it('NUL (U+0000), which PostgreSQL cannot store, is 400 on every store: in a path, a query or a JSON string', async () => {
    const message = 'The request holds a NUL character (U+0000), which no field accepts.';
    const headers = { authorization: 'Bearer demo-teacher', 'content-type': 'application/json' };
    for (const [path, body] of [
      ['/v1/courses/a%00b', undefined],
      ['/v1/courses?pageToken=%00', undefined],
      ['/v1/courses', '{"name":"a\\u0000b","ownerId":"me"}'],
      ['/emulator/v1/tokens/a%00b', undefined],
    ] as const) {
      const response = await fetch(`${emulator.url}${path}`, { method: body ? 'POST' : 'GET', headers, ...(body ? { body } : {}) });
      expect(response.status, path).toBe(400);
      expect(await response.json()).toEqual(invalid(message));
    }
    // Six characters that spell it are just text.
    const spelled = await fetch(`${emulator.url}/v1/courses`, { method: 'POST', headers, body: '{"name":"a\\\\u0000b","ownerId":"me"}' });
    expect(spelled.status).toBe(200);
  });

  it('raw non-ASCII and NUL bytes in the URL are 400', async () => {
    for (const target of [Buffer.from('/v1/courses/é', 'utf8'), Buffer.from('/v1/cour\0ses', 'latin1')]) {
      const answer = await send(Buffer.concat([Buffer.from('GET '), target, Buffer.from(' HTTP/1.1\r\nHost: localhost\r\n\r\n')]));
      expect(answer.status).toBe(400);
      const message = 'The request target is not a valid URL: spaces, control characters and characters outside ASCII must be percent-encoded.';
      expect(json(answer.body)).toEqual(invalid(message));
    }
  });

  it('a malformed chunked body is 400', async () => {
    const answer = await send(`POST /v1/courses HTTP/1.1\r\nHost: localhost\r\n${auth}Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`);
    expect(answer.status).toBe(400);
    expect(json(answer.body)).toEqual(invalid('The chunked request body is malformed.'));
  });

  it('an HTTP/1.1 request without Host is 400, in the envelope, on a connection that stays open', async () => {
    const answer = await send('GET /emulator/v1/health HTTP/1.1\r\n\r\n');
    expect([answer.status, answer.closed]).toEqual([400, false]);
    expect(json(answer.body)).toEqual(invalid('An HTTP/1.1 request must carry a Host header.'));
  });

  it('a body over the limit is 413', async () => {
    const body = JSON.stringify({ name: 'Huge', ownerId: 'me', description: 'x'.repeat(1024 * 1024) });
    const response = await fetch(`${emulator.url}/v1/courses`, {
      method: 'POST',
      headers: { authorization: 'Bearer demo-teacher', 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual(wire(413, 'INVALID_ARGUMENT', 'invalid', 'Request payload size exceeds the limit: 1048576 bytes.'));
  });

  it('a POST to the Classroom API without Content-Length is 411, as at Google', async () => {
    const answer = await send(`POST /v1/courses HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`);
    expect([answer.status, answer.closed]).toEqual([411, false]);
    const message = 'A POST request must carry a Content-Length header (Content-Length: 0 for an empty body).';
    expect(json(answer.body)).toEqual(wire(411, 'INVALID_ARGUMENT', 'invalid', message));
  });

  it('HEAD on a GET route answers like GET without a body', async () => {
    const get = await send(`GET /v1/courses HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`);
    const head = await send(`HEAD /v1/courses HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`, true);
    expect(get.status).toBe(200);
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text.endsWith('\r\n\r\n')).toBe(true);
    const missing = await send(`HEAD /v1/courses/404404 HTTP/1.1\r\nHost: localhost\r\n${auth}\r\n`, true);
    expect(missing.status).toBe(404);
  });

  it('an unknown path outside the API is a Google 404', async () => {
    const answer = await send('GET /nothing/here HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(json(answer.body)).toEqual(notFound('Nothing is served at GET /nothing/here.'));
  });
});
