import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
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
    const match = /^([A-Z]+)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?$/.exec(requestLine.trim());
    if (!match?.[1] || !match[2]) invalidArgument(`Batch part ${parts.length + 1} does not start with an HTTP request line.`, 'batch');
    parts.push({
      contentId: partHeaders['content-id'],
      method: match[1],
      url: match[2],
      headers: headerLines(rest.join('\n')),
      body: innerBody.replace(/\r?\n$/, ''),
    });
  }
  if (parts.length === 0) invalidArgument('The batch request holds no parts.', 'batch');
  if (parts.length > MAX_BATCH_PARTS) fail('INVALID_ARGUMENT', `A batch request may hold at most ${MAX_BATCH_PARTS} calls.`);
  return parts;
}

/** Keeps the path (and query) of an absolute or relative request URL. */
function pathOf(url: string): string {
  if (/^https?:\/\//i.test(url)) {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  }
  return url.startsWith('/') ? url : `/${url}`;
}

/**
 * The batch endpoint of discovery-based clients (Python's `new_batch_http_request()`): each part runs
 * through the whole app as its own request — credentials, quota, faults and the request log included —
 * one after another, and the answers come back as one multipart/mixed response. A part without an
 * Authorization header uses the outer request's.
 */
export function registerBatchRoutes(app: FastifyInstance): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const parts = parseBatch(typeof request.body === 'string' ? request.body : '', request.headers['content-type']);
    const boundary = `batch_${randomUUID().replace(/-/g, '')}`;
    const chunks: string[] = [];
    for (const part of parts) {
      const headers: Record<string, string> = { ...part.headers };
      if (!headers.authorization && request.headers.authorization) headers.authorization = request.headers.authorization;
      if (part.body && !headers['content-type']) headers['content-type'] = 'application/json';
      const response = await app.inject({
        method: part.method as 'GET',
        url: pathOf(part.url),
        headers,
        ...(part.body ? { payload: part.body } : {}),
      });
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
