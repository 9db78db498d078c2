import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, wire } from './helpers/harness.js';
import { parseRawResponse } from './helpers/raw-http.js';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** Opens a socket to the emulator, resolving once it is connected. */
function connect(emulator: Emulator): Promise<net.Socket> {
  const [host, port] = emulator.host.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host, () => resolve(socket));
    socket.once('error', reject);
  });
}

/**
 * Sends `head`, then one byte of `drip` every `everyMs` for as long as the server listens, and resolves
 * with what the server said and how long it took to hang up.
 */
async function trickle(emulator: Emulator, head: string, drip: string, everyMs: number, giveUpMs = 8000) {
  const socket = await connect(emulator);
  const started = performance.now();
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  socket.write(head);
  let i = 0;
  const timer = setInterval(() => {
    if (socket.writable) socket.write(drip[i++ % drip.length] ?? ' ');
  }, everyMs);
  const closed = await new Promise<boolean>((resolve) => {
    socket.on('close', () => resolve(true));
    setTimeout(() => resolve(false), giveUpMs);
  });
  clearInterval(timer);
  socket.destroy();
  return { closed, afterMs: performance.now() - started, answer: parseRawResponse(Buffer.concat(chunks).toString('latin1')) };
}

const TIMEOUT_MESSAGE = 'The request did not arrive whole in time; the connection is closed.';

describe('slow and idle clients', () => {
  let emulator: Emulator | undefined;
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
  });

  it('a body trickling in a byte at a time gets 408 in the envelope and the connection is closed', async () => {
    emulator = await startEmulator({ demo: true, requestTimeoutSeconds: 1 });
    const head = 'POST /v1/courses HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer demo-teacher\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const { closed, afterMs, answer } = await trickle(emulator, head, ' ', 200);
    expect(closed).toBe(true);
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(4000);
    expect(answer?.status).toBe(408);
    expect(JSON.parse(answer?.body ?? '')).toEqual(wire(408, 'DEADLINE_EXCEEDED', 'deadlineExceeded', TIMEOUT_MESSAGE));
  });

  it('headers trickling in a line at a time are cut the same way', async () => {
    emulator = await startEmulator({ requestTimeoutSeconds: 1 });
    const { closed, answer } = await trickle(emulator, 'GET /emulator/v1/health HTTP/1.1\r\n', 'X-Slow: y\r\n', 100);
    expect(closed).toBe(true);
    expect(answer?.status).toBe(408);
  });

  it('with the timeout disabled (0), a trickling body is still being read after the default deadline would have passed', async () => {
    emulator = await startEmulator({ requestTimeoutSeconds: 0 });
    const head = 'POST /emulator/v1/reset HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const { closed } = await trickle(emulator, head, ' ', 200, 1500);
    expect(closed).toBe(false);
  });

  it('a request that arrives whole in time is served, and a kept-alive connection idle between requests is not cut', async () => {
    emulator = await startEmulator({ requestTimeoutSeconds: 1 });
    const socket = await connect(emulator);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ask = async () => {
      chunks.length = 0;
      socket.write('GET /emulator/v1/health HTTP/1.1\r\nHost: localhost\r\n\r\n');
      // Polls rather than sleeping a fixed time: a loaded CI machine may take a while to answer.
      for (let waited = 0; waited < 5000; waited += 20) {
        const answer = parseRawResponse(Buffer.concat(chunks).toString('latin1'));
        if (answer) return answer.status;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return undefined;
    };
    expect(await ask()).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(socket.destroyed).toBe(false);
    expect(await ask()).toBe(200);
    socket.destroy();
  });

  it('past --max-connections new connections are refused, and served again once others close', async () => {
    emulator = await startEmulator({ maxConnections: 4 });
    const open = await Promise.all(Array.from({ length: 4 }, () => connect(emulator!)));
    const extra = await connect(emulator);
    const refused = await new Promise<boolean>((resolve) => {
      extra.on('error', () => undefined);
      extra.on('close', () => resolve(true));
      setTimeout(() => resolve(false), 2000);
    });
    expect(refused).toBe(true);
    for (const socket of open) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const response = await fetch(`${emulator.url}/emulator/v1/health`);
    expect(response.status).toBe(200);
  });
});
