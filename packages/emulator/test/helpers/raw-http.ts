import * as net from 'node:net';

/** One HTTP answer read off a socket, and whether the server closed the connection after it. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** True when the server closed the connection (within the wait). */
  closed: boolean;
  /** Everything the server sent. */
  text: string;
}

/** Splits the first HTTP response out of raw bytes (Content-Length bodies only, as the emulator sends). */
export function parseRawResponse(text: string, closed = false, head = false): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine = '', ...lines] = text.slice(0, end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  // A HEAD answer announces the GET body's length but sends none.
  const length = head ? 0 : Number(headers['content-length'] ?? 0);
  const body = Buffer.from(text.slice(end + 4, end + 4 + length), 'latin1').toString('utf8');
  return { status: Number(statusLine.split(' ')[1]), headers, body, closed, text };
}

/**
 * Writes raw bytes to the emulator and reads what comes back: resolves when the server closes the
 * connection or `waitMs` after the first complete answer, whichever is first. Node's `fetch` cannot send
 * what these tests send (bad bytes, unknown verbs, broken chunking), hence a plain socket. `head` says
 * the request was a HEAD (no body follows the headers).
 */
export function rawExchange(hostPort: string, bytes: string | Buffer, { waitMs = 250, head = false } = {}): Promise<RawAnswer> {
  const [host = '127.0.0.1', port = '0'] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), host);
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const answer = parseRawResponse(text, closed, head);
      socket.destroy();
      if (answer) resolve(answer);
      else reject(new Error(`no HTTP answer (got ${JSON.stringify(text.slice(0, 200))})`));
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const answer = parseRawResponse(Buffer.concat(chunks).toString('latin1'), false, head);
      if (answer && !timer && (head || Buffer.byteLength(answer.body) >= Number(answer.headers['content-length'] ?? 0))) timer = setTimeout(() => finish(false), waitMs);
    });
    socket.on('close', () => finish(true));
    socket.on('error', () => undefined);
    socket.write(bytes);
  });
}
