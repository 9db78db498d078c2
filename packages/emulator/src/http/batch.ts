import { randomUUID } from 'node:crypto';
import { METHODS, STATUS_CODES } from 'node:http';
import { renderError } from 'classroom-errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fail, invalidArgument } from '../failure.js';

/** Google's limit of calls in one batch request. */
export const MAX_BATCH_PARTS = 1000;

interface InnerRequest {
  contentId: string | undefined;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

function boundaryOf(contentType: string | undefined): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
  const boundary = match?.[1] ?? match?.[2];
  if (!contentType?.toLowerCase().startsWith('multipart/mixed') || !boundary) {
    invalidArgument('A batch request must be multipart/mixed with a boundary.', 'content-type');
  }
  return boundary;
}

/** Splits a block of `Name: value` lines. */
function headerLines(block: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const at = line.indexOf(':');
    if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
  }
  return headers;
}

/** Splits text at the first blank line. */
function splitHead(text: string): [string, string] {
  const match = /\r?\n\r?\n/.exec(text);
  return match ? [text.slice(0, match.index), text.slice(match.index + match[0].length)] : [text, ''];
}

/** Parses the parts of a batch body into the HTTP requests they carry. */
export function parseBatch(body: string, contentType: string | undefined): InnerRequest[] {
  const boundary = boundaryOf(contentType);
  const sections = body.split(`--${boundary}`);
  const parts: InnerRequest[] = [];
  // The text before the first boundary is a preamble and the one after the closing `--` an epilogue.
  for (const section of sections.slice(1)) {
    if (section.startsWith('--')) break;
    const [outer, inner] = splitHead(section.replace(/^\r?\n/, ''));
    const partHeaders = headerLines(outer);
    const [head, innerBody] = splitHead(inner);
    const [requestLine = '', ...rest] = head.split(/\r?\n/);
    // A part without a request line is answered on its own (run() refuses the empty verb).
    const match = /^(\S+)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?$/.exec(requestLine.trim());
    parts.push({
      contentId: partHeaders['content-id'],
      method: match?.[1] ?? '',
      url: match?.[2] ?? '',
      headers: headerLines(rest.join('\n')),
      body: innerBody.replace(/\r?\n$/, ''),
    });
  }
  if (parts.length === 0) invalidArgument('The batch request holds no parts.', 'batch');
  if (parts.length > MAX_BATCH_PARTS) fail('INVALID_ARGUMENT', `A batch request may hold at most ${MAX_BATCH_PARTS} calls.`);
  return parts;
}

/** A part's answer, whether the app gave it or the batch refused the part before running it. */
interface PartAnswer {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/** Verbs Node's HTTP layer knows; anything else cannot be run as a request at all. */
const KNOWN_VERBS = new Set(METHODS);

/** Resolves a part's target like a browser would, so `..`, `%2e%2e` and `\` cannot leave `/v1/`. */
function targetOf(url: string): URL | undefined {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(url) ? new URL(url) : new URL(url.startsWith('/') ? url : `/${url}`, 'http://batch.invalid');
  } catch {
    return undefined;
  }
}

/** A short, printable rendering of a token from the request, for messages. */
function describeToken(token: string): string {
  const printable = token.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 40 ? `${printable.slice(0, 40)}...` : printable;
}

function refusal(code: 'INVALID_ARGUMENT' | 'NOT_FOUND', message: string, field?: string): PartAnswer {
  const rendered = renderError(code, { message, ...(field ? { fieldViolations: [{ field, description: message }] } : {}) });
  return { statusCode: rendered.httpStatus, headers: rendered.headers, body: JSON.stringify(rendered.body) };
}

/**
 * The batch endpoint of discovery-based clients (Python's `new_batch_http_request()`): each part runs
 * through the whole app as its own request — credentials, quota, faults and the request log included —
 * one after another, and the answers come back as one multipart/mixed response. A part without an
 * Authorization header uses the outer request's. A part is checked before it runs: it must carry a
 * verb HTTP knows and address the Classroom API (`/v1/...`), so a batch can neither crash the server
 * nor reach the admin API; a part that fails these checks gets its own error and the others still run.
 */
export function registerBatchRoutes(app: FastifyInstance): void {
  const run = async (request: FastifyRequest, part: InnerRequest, index: number): Promise<PartAnswer> => {
    if (part.method === '') {
      return refusal('INVALID_ARGUMENT', `Batch part ${index + 1} does not start with an HTTP request line.`, 'batch');
    }
    if (!KNOWN_VERBS.has(part.method)) {
      return refusal('INVALID_ARGUMENT', `Batch part ${index + 1}: "${describeToken(part.method)}" is not an HTTP method.`, 'batch');
    }
    const target = targetOf(part.url);
    if (!target || !/^https?:$/.test(target.protocol)) {
      return refusal('INVALID_ARGUMENT', `Batch part ${index + 1}: the request target is not a valid URL.`, 'batch');
    }
    if (!target.pathname.startsWith('/v1/')) {
      return refusal('NOT_FOUND', `A batch part may only call the Classroom API (/v1/...), not ${describeToken(target.pathname)}.`);
    }
    const headers: Record<string, string> = { ...part.headers };
    if (!headers.authorization && request.headers.authorization) headers.authorization = request.headers.authorization;
    if (part.body && !headers['content-type']) headers['content-type'] = 'application/json';
    try {
      const response = await app.inject({
        method: part.method as 'GET',
        url: `${target.pathname}${target.search}`,
        headers,
        ...(part.body ? { payload: part.body } : {}),
      });
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      // The part's headers or body could not make a request (light-my-request refuses them before the app runs).
      request.log.debug({ err: error }, 'batch part refused');
      return refusal('INVALID_ARGUMENT', `Batch part ${index + 1} could not be read as an HTTP request.`, 'batch');
    }
  };

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const parts = parseBatch(typeof request.body === 'string' ? request.body : '', request.headers['content-type']);
    const boundary = `batch_${randomUUID().replace(/-/g, '')}`;
    const chunks: string[] = [];
    for (const [index, part] of parts.entries()) {
      const response = await run(request, part, index);
      const contentId = part.contentId ? `Content-ID: <response-${part.contentId.replace(/^<|>$/g, '')}>\r\n` : '';
      const retryAfter = response.headers['retry-after'] ? `Retry-After: ${String(response.headers['retry-after'])}\r\n` : '';
      chunks.push(
        `--${boundary}\r\nContent-Type: application/http\r\n${contentId}\r\n` +
          `HTTP/1.1 ${response.statusCode} ${STATUS_CODES[response.statusCode] ?? ''}\r\n` +
          `Content-Type: application/json; charset=UTF-8\r\n${retryAfter}\r\n${response.body}\r\n`,
      );
    }
    chunks.push(`--${boundary}--\r\n`);
    return reply.header('content-type', `multipart/mixed; boundary=${boundary}`).send(chunks.join(''));
  };
  app.post('/batch', handler);
  app.post('/batch/classroom/v1', handler);
}
