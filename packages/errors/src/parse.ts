import { isErrorCode, type ErrorCode } from './catalog.js';
import { ClassroomApiError, tokenOf, type ErrorInfo, type TransportFailure } from './error.js';
import { CANONICAL_STATUSES, isCanonicalStatus, statusForHttp, type CanonicalStatus } from './status.js';

/*
 * Every parser here is total: whatever arrives, a ClassroomApiError comes out. An error parser that
 * throws turns one failure into two, usually inside a catch block that has no second catch.
 */

/** One part of a `multipart/mixed` batch reply. */
export interface BatchPart {
  /**
   * The `Content-ID` of the request this part answers, without angle brackets and without the
   * `response-` prefix Google adds: the same id the request part carried.
   */
  contentId?: string;
  /** The status of the inner HTTP response; 0 when the part had no readable status line. */
  httpStatus: number;
  /** Present when the inner response is not a success (status outside 2xx/304). */
  error?: ClassroomApiError;
  /** The inner response body: parsed JSON when it is JSON, else the text; absent when empty. */
  body?: unknown;
}

type Headers_ = { get(name: string): string | null } | Record<string, unknown>;

/** What is known about an HTTP response besides its body. */
interface HttpContext {
  httpStatus?: number | undefined;
  headers?: Headers_ | undefined;
  raw: unknown;
}

/**
 * Turns anything a Classroom call can throw, or any error payload, into a {@link ClassroomApiError}.
 * Never throws.
 *
 * Accepts a `GaxiosError` from `googleapis` / `@googleapis/classroom` (with or without a response), an
 * error body `{error:{…}}` in either format (`$.xgafv=1` with `errors[]`, or 2 without), a bare
 * `{code, message, status}`, a JSON string of either, a `ClassroomApiError` (returned as is), Node and
 * fetch network failures (→ `NetworkError`), aborts (→ `NetworkError` with `transport.aborted`), and
 * anything else (→ `UNKNOWN`, with the value kept in `raw`).
 *
 * @example
 * ```ts
 * try {
 *   await classroom.courses.students.create({ courseId, requestBody: { userId } });
 * } catch (e) {
 *   const err = parseError(e);
 *   if (err.is('CourseMemberLimitReached')) showRosterFull();
 *   else if (err.retryable) scheduleRetry(err.retryAfterMs);
 * }
 * ```
 */
export function parseError(thrown: unknown): ClassroomApiError {
  try {
    return parseAny(thrown);
  } catch {
    // Only reachable through hostile inputs (throwing getters, revoked proxies): still answer.
    return unknown(thrown, 'The error could not be read.');
  }
}

/**
 * Reads a failed `fetch` Response into a {@link ClassroomApiError}. Reads the body once; tolerates
 * bodies that are not JSON (a proxy's HTML page) and bodies that were already read. Never rejects.
 *
 * `raw` is the body (parsed JSON, or the text), since the Response's stream is spent afterwards.
 *
 * @example
 * ```ts
 * const res = await fetch(url, { method: 'POST', headers, body });
 * if (!res.ok) throw await parseResponse(res);
 * ```
 */
export async function parseResponse(response: Response): Promise<ClassroomApiError> {
  let text = '';
  try {
    text = response.bodyUsed ? '' : await response.text();
  } catch {
    // A reset while streaming the body leaves us with the status line: still worth parsing.
  }
  try {
    return parseHttp(response.status, response.headers, text);
  } catch {
    return unknown(response, 'The response could not be read.');
  }
}

/**
 * Reads a `Retry-After` header value: delay-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2015 07:28:00 GMT"`), into milliseconds from `nowMs`. Dates in the past give 0;
 * anything unreadable gives `undefined`.
 *
 * @param nowMs the current time in epoch ms, for HTTP-dates; `Date.now()` by default.
 * @example
 * ```ts
 * parseRetryAfter('3'); // 3000
 * parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4_000); // 6000
 * parseRetryAfter('soon'); // undefined
 * ```
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  // RFC 9110 allows only integers; fractions are accepted because some proxies send them.
  if (/^\d+(?:\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Date.parse accepts almost anything ("-5" is year -5), so insist on a date with a month or day name.
  if (!/[A-Za-z]{3}/.test(text)) return undefined;
  const at = Date.parse(text);
  if (!Number.isFinite(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/**
 * Splits a batch reply (`POST /batch`, `multipart/mixed`) into its parts, parsing each inner HTTP
 * response; failed parts carry a {@link ClassroomApiError} with the part's own status and
 * `Retry-After`. Parts come back in the order of the reply, which Google does not promise to be the
 * order of the request: match them by `contentId`. Never throws; an unreadable body gives `[]`.
 *
 * @param contentType the reply's `Content-Type` header, which carries the boundary.
 * @example
 * ```ts
 * const res = await fetch('https://classroom.googleapis.com/batch', { method: 'POST', headers, body });
 * const parts = parseBatchResponse(await res.text(), res.headers.get('content-type') ?? '');
 * for (const part of parts) if (part.error?.is('CourseMemberLimitReached')) ...
 * ```
 */
export function parseBatchResponse(body: string, contentType: string): BatchPart[] {
  try {
    return splitBatch(body, contentType);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------------
// Dispatch on the shape of the thrown value.

function parseAny(thrown: unknown): ClassroomApiError {
  if (thrown instanceof ClassroomApiError) return thrown;
  if (typeof thrown === 'string') return parseString(thrown, { raw: thrown });
  if (!isObject(thrown)) return unknown(thrown, describe(thrown));

  // A Response passed to the sync parser: its body cannot be read here, the status still says a lot.
  if (typeof Response !== 'undefined' && thrown instanceof Response) {
    return fromBody(undefined, { httpStatus: thrown.status, headers: thrown.headers, raw: thrown });
  }

  // GaxiosError (and axios-like errors) that got an HTTP response.
  const response = thrown['response'];
  if (isObject(response) && typeof response['status'] === 'number' && response['status'] > 0) {
    return fromGaxiosResponse(thrown, response);
  }

  // Transport failures come before body shapes: a DOMException AbortError has a numeric `code` (20).
  const transport = transportFailure(thrown);
  if (transport) return networkError(thrown, transport);

  if ('error' in thrown && !(thrown instanceof Error)) {
    const inner = thrown['error'];
    if (isObject(inner) || typeof inner === 'string') return fromBody(thrown, { raw: thrown });
  }
  if (isBareError(thrown)) return fromBody({ error: thrown }, { raw: thrown });

  // A GaxiosError of an old gaxios that lost its response but kept the status (`code` as '400').
  const status = httpStatusOf(thrown);
  if (status !== undefined) {
    const message = typeof thrown['message'] === 'string' ? thrown['message'] : '';
    // googleapis of that era copied the legacy `errors[]` onto the error: keep its reason.
    return fromBody({ error: { code: status, message, errors: thrown['errors'] } }, { httpStatus: status, raw: thrown });
  }

  return unknown(thrown, thrown instanceof Error ? thrown.message : describe(thrown));
}

function parseString(text: string, context: HttpContext): ClassroomApiError {
  const json = tryJson(text);
  if (json.ok && (isObject(json.value) || typeof json.value === 'string')) {
    if (typeof json.value === 'string') return parseString(json.value, context);
    if ('error' in json.value) return fromBody(json.value, context);
    if (isBareError(json.value)) return fromBody({ error: json.value }, context);
  }
  // A log line that kept only the message still names its code; trust only codes the catalog knows.
  const token = tokenOf(text.trim());
  if (token !== undefined && isErrorCode(token)) {
    return fromBody({ error: { message: text.trim() } }, context);
  }
  return unknown(context.raw, text.length > 500 ? `${text.slice(0, 500)}…` : text);
}

function fromGaxiosResponse(thrown: Record<string, unknown>, response: Record<string, unknown>): ClassroomApiError {
  const httpStatus = response['status'] as number;
  const headers = isObject(response['headers']) ? (response['headers'] as Headers_) : undefined;
  const context: HttpContext = { httpStatus, headers, raw: thrown };
  const data = decodeData(response['data']);

  if (typeof data === 'string') {
    const json = tryJson(data);
    if (json.ok && isObject(json.value)) return fromBody(json.value, context);
    if (data.trim() !== '') return fromBody(undefined, context, textSummary(data));
  } else if (isObject(data)) {
    return fromBody(data, context);
  }
  // No readable body (a stream response, or an empty one): gaxios 7 keeps the API error in `cause`,
  // and every version keeps its message.
  const cause = thrown['cause'];
  if (isBareError(cause)) return fromBody({ error: cause }, context);
  const message = typeof thrown['message'] === 'string' ? thrown['message'] : '';
  return fromBody(undefined, context, message);
}

/** Reads a GaxiosResponse's data when it came back as bytes (`responseType: 'arraybuffer'`). */
function decodeData(data: unknown): unknown {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return new TextDecoder().decode(bytes);
  }
  return data;
}

function parseHttp(httpStatus: number, headers: Headers_ | undefined, text: string): ClassroomApiError {
  const json = tryJson(text);
  const raw = json.ok ? json.value : text;
  const context: HttpContext = { httpStatus, headers, raw };
  if (json.ok && isObject(json.value)) return fromBody(json.value, context);
  return fromBody(undefined, context, textSummary(text));
}

// ---------------------------------------------------------------------------------------------------
// The Google error body.

/**
 * Builds the error from a body (`{error:{…}}`, possibly absent) and what the HTTP layer said.
 * `fallbackMessage` is used when the body has no message (HTML pages, empty bodies).
 */
function fromBody(body: unknown, context: HttpContext, fallbackMessage?: string): ClassroomApiError {
  const error = isObject(body) ? body['error'] : undefined;

  // The OAuth endpoints answer `{"error":"invalid_grant","error_description":"…"}`.
  if (typeof error === 'string' && isObject(body)) {
    const description = typeof body['error_description'] === 'string' ? body['error_description'] : '';
    const httpStatus = context.httpStatus ?? 400;
    const status = statusForHttp(httpStatus);
    return new ClassroomApiError({
      code: status,
      httpStatus,
      status,
      reason: error,
      message: description ? `${error}: ${description}` : error,
      retryAfterMs: retryAfterHeader(context.headers),
      raw: context.raw,
    });
  }

  const e = isObject(error) ? error : {};
  const legacy = Array.isArray(e['errors']) && isObject(e['errors'][0]) ? e['errors'][0] : undefined;
  const legacyMessage = legacy && typeof legacy['message'] === 'string' ? legacy['message'] : undefined;
  const message =
    typeof e['message'] === 'string' ? e['message'] : (legacyMessage ?? fallbackMessage ?? (context.httpStatus ? `HTTP ${context.httpStatus}` : ''));
  const reason = legacy && typeof legacy['reason'] === 'string' ? legacy['reason'] : undefined;
  const details = Array.isArray(e['details']) ? (e['details'] as unknown[]) : undefined;
  const errorInfo = findErrorInfo(details);

  const bodyCode = typeof e['code'] === 'number' && e['code'] > 0 ? e['code'] : undefined;
  // The transport's status is the truth; a body's `code` only stands in when there was no transport.
  const httpStatus = context.httpStatus ?? bodyCode ?? (isCanonicalStatus(e['status']) ? CANONICAL_STATUSES[e['status']].httpStatus : 0);
  const status: CanonicalStatus = isCanonicalStatus(e['status'])
    ? e['status']
    : httpStatus > 0
      ? statusForHttp(httpStatus)
      : 'UNKNOWN';

  const code = resolveCode({ message, legacyMessage, status, httpStatus, reason, errorInfo });
  return new ClassroomApiError({
    code,
    httpStatus,
    status,
    reason,
    message,
    retryAfterMs: retryAfterHeader(context.headers) ?? retryInfoDelay(details),
    errorInfo,
    details,
    raw: context.raw,
  });
}

interface Clues {
  message: string;
  legacyMessage: string | undefined;
  status: CanonicalStatus;
  httpStatus: number;
  reason: string | undefined;
  errorInfo: ErrorInfo | undefined;
}

/** Picks the most specific code the clues support: token, then quota/scope shapes, then status. */
function resolveCode(clues: Clues): string {
  // The token wins even when unknown: a newer server code must not be flattened into its status.
  const token = tokenOf(clues.message) ?? (clues.legacyMessage !== undefined ? tokenOf(clues.legacyMessage) : undefined);
  if (token !== undefined) return token;

  const info = clues.errorInfo;
  if (clues.status === 'RESOURCE_EXHAUSTED' || clues.httpStatus === 429) {
    if (info?.reason === 'RATE_LIMIT_EXCEEDED') return quotaCode(info.metadata['quota_limit'], clues.message);
  }
  // The v1 reasons of Google's older quota errors, which some front ends still send (often as 403).
  if (clues.reason === 'userRateLimitExceeded') return 'UserRateLimitExceeded' satisfies ErrorCode;
  if (clues.reason === 'dailyLimitExceeded') return 'DailyLimitExceeded' satisfies ErrorCode;

  if (clues.httpStatus === 403 || clues.status === 'PERMISSION_DENIED') {
    if (
      clues.reason === 'insufficientPermissions' ||
      info?.reason === 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' ||
      /insufficient authentication scopes/i.test(clues.message)
    ) {
      return 'InsufficientScopes' satisfies ErrorCode;
    }
  }
  return clues.status;
}

/**
 * Which quota ran out. The `quota_limit` name is authoritative when present (Google's are
 * `DefaultPerMinutePerProject`, `DefaultPerMinutePerUser`, `DefaultPerDayPerProject`); the message
 * is read only without it. A daily limit is checked first: mistaking it for a per-minute one would
 * send clients into a day of futile retries.
 */
function quotaCode(quotaLimit: string | undefined, message: string): ErrorCode {
  const text = quotaLimit ?? message;
  if (/per[\s_-]?day|daily/i.test(text)) return 'DailyLimitExceeded';
  if (/per[\s_-]?user|for this user/i.test(text)) return 'UserRateLimitExceeded';
  return 'ProjectRateLimitExceeded';
}

function findErrorInfo(details: unknown[] | undefined): ErrorInfo | undefined {
  const detail = details?.find((d) => isObject(d) && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.ErrorInfo'));
  if (!isObject(detail)) return undefined;
  const metadata: Record<string, string> = {};
  if (isObject(detail['metadata'])) {
    for (const [key, value] of Object.entries(detail['metadata'])) {
      if (typeof value === 'string') metadata[key] = value;
    }
  }
  return {
    reason: typeof detail['reason'] === 'string' ? detail['reason'] : '',
    domain: typeof detail['domain'] === 'string' ? detail['domain'] : '',
    metadata,
  };
}

/** A `google.rpc.RetryInfo` delay: proto3 JSON is a string (`"3s"`, `"1.5s"`); some clients send `{seconds, nanos}`. */
function retryInfoDelay(details: unknown[] | undefined): number | undefined {
  const detail = details?.find((d) => isObject(d) && typeof d['@type'] === 'string' && d['@type'].endsWith('google.rpc.RetryInfo'));
  if (!isObject(detail)) return undefined;
  const delay = detail['retryDelay'];
  if (typeof delay === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(delay);
    return match ? Math.round(Number(match[1]) * 1000) : undefined;
  }
  if (isObject(delay)) {
    const seconds = Number(delay['seconds'] ?? 0);
    const nanos = Number(delay['nanos'] ?? 0);
    if (Number.isFinite(seconds) && Number.isFinite(nanos)) return Math.max(0, Math.round(seconds * 1000 + nanos / 1e6));
  }
  return undefined;
}

function retryAfterHeader(headers: Headers_ | undefined): number | undefined {
  return parseRetryAfter(headerOf(headers, 'retry-after'));
}

/** Reads a header from a fetch `Headers`, a `Map`, or a plain object (any key case, array values). */
function headerOf(headers: Headers_ | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof headers.get === 'function') {
    // fetch Headers are case-insensitive; a Map is asked with the lowercase name Node uses.
    const value: unknown = (headers as { get(name: string): unknown }).get(name);
    return typeof value === 'string' ? value : undefined;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------
// Transport failures.

/** Errnos (Node, undici) that mean the connection failed or broke before a full response. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'EAI_AGAIN',
  // DNS failure: usually a wrong host, but also a resolver outage; the retry budget bounds the cost.
  'ENOTFOUND',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
  // A deadline the caller set on the socket or with AbortSignal.timeout(): transient, not a cancel.
  'TimeoutError',
]);

const NETWORK_MESSAGES = /socket hang up|other side closed|network (?:socket )?(?:disconnected|error)|premature close|fetch failed|read ECONNRESET|connect ETIMEDOUT/i;

/**
 * Looks for a transport failure in the value and its `cause` / `error` / AggregateError chain.
 * An abort anywhere in the chain wins over a network errno: the caller's intent decides retrying.
 */
function transportFailure(thrown: Record<string, unknown>): TransportFailure | undefined {
  // An errno anywhere in the chain beats a message match: undici's outer "fetch failed" has no code,
  // its cause has the one worth reporting.
  let byErrno: string | undefined;
  let byMessage: TransportFailure | undefined;
  const seen = new Set<unknown>();
  const queue: unknown[] = [thrown];
  while (queue.length > 0 && seen.size < 16) {
    const value = queue.shift();
    if (!isObject(value) || seen.has(value)) continue;
    seen.add(value);
    const name = typeof value['name'] === 'string' ? value['name'] : '';
    const code = typeof value['code'] === 'string' ? value['code'] : undefined;
    // node-fetch's AbortError, DOMException, Node's AbortError (ABORT_ERR), gaxios copying the name to `code`.
    if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'AbortError' || value['type'] === 'aborted') {
      return { errno: code ?? 'ABORT_ERR', aborted: true };
    }
    if (byErrno === undefined) {
      if (code !== undefined && NETWORK_CODES.has(code)) byErrno = code;
      else if (name === 'TimeoutError') byErrno = 'TimeoutError';
      else if (typeof value['errno'] === 'string' && NETWORK_CODES.has(value['errno'])) byErrno = value['errno'];
    }
    if (!byMessage && typeof value['message'] === 'string' && NETWORK_MESSAGES.test(value['message']) && (value instanceof Error || name !== '')) {
      byMessage = /socket hang up/i.test(value['message']) ? { errno: 'ECONNRESET', aborted: false } : { aborted: false };
    }
    queue.push(value['cause'], value['error']);
    if (Array.isArray(value['errors'])) queue.push(...value['errors'].slice(0, 4));
  }
  return byErrno !== undefined ? { errno: byErrno, aborted: false } : byMessage;
}

function networkError(thrown: Record<string, unknown>, transport: TransportFailure): ClassroomApiError {
  const message =
    typeof thrown['message'] === 'string' && thrown['message'] !== ''
      ? thrown['message']
      : transport.aborted
        ? 'The request was aborted.'
        : 'The connection failed before a response arrived.';
  return new ClassroomApiError({
    code: 'NetworkError' satisfies ErrorCode,
    httpStatus: 0,
    status: transport.aborted ? 'CANCELLED' : 'UNAVAILABLE',
    message,
    transport,
    raw: thrown,
  });
}

// ---------------------------------------------------------------------------------------------------
// Small helpers.

function unknown(raw: unknown, message: string): ClassroomApiError {
  return new ClassroomApiError({ code: 'UNKNOWN', httpStatus: 0, status: 'UNKNOWN', message, raw });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** `{code, message, status}` as in `error` of a body, or gaxios 7's `cause`. */
function isBareError(value: unknown): boolean {
  if (!isObject(value) || typeof value['message'] !== 'string') return false;
  const code = value['code'];
  return (typeof code === 'number' && code >= 100 && code <= 599) || isCanonicalStatus(value['status']);
}

/** An HTTP status from `status`, or from an HTTP-looking `code` ('400' in old gaxios, 400 in new). */
function httpStatusOf(value: Record<string, unknown>): number | undefined {
  for (const candidate of [value['status'], value['code']]) {
    const n = typeof candidate === 'string' && /^\d{3}$/.test(candidate) ? Number(candidate) : candidate;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 400 && n <= 599) return n;
  }
  return undefined;
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  const trimmed = text.trim();
  // Skips JSON.parse (and its exception) for HTML pages and plain text.
  if (!/^[{["]/.test(trimmed)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(trimmed) as unknown };
  } catch {
    return { ok: false };
  }
}

/** A one-line message for a non-JSON body: an HTML page's title, else its text, shortened. */
function textSummary(text: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const plain = (title ?? text.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' '))
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > 200 ? `${plain.slice(0, 200)}…` : plain;
}

function describe(value: unknown): string {
  if (value === null) return 'null was thrown.';
  if (value === undefined) return 'undefined was thrown.';
  if (typeof value === 'object') return 'An object that is not an error was thrown.';
  return `A ${typeof value} was thrown: ${String(value as string | number | boolean | bigint | symbol)}`;
}

// ---------------------------------------------------------------------------------------------------
// Batch replies.

function splitBatch(body: string, contentType: string): BatchPart[] {
  const boundary =
    /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)?.slice(1).find(Boolean) ??
    // Without a header (a reply saved to a file), the first delimiter line names the boundary.
    /^--([^\r\n]+?)\s*$/m.exec(body)?.[1];
  if (!boundary) return [];

  const delimiter = `--${boundary}`;
  const parts: BatchPart[] = [];
  // The preamble (before the first delimiter) and the epilogue (after `--boundary--`) are ignored.
  const sections = body.split(delimiter).slice(1);
  for (const section of sections) {
    if (section.startsWith('--')) break;
    const part = parsePart(section.replace(/^[ \t]*\r?\n/, ''));
    if (part) parts.push(part);
  }
  return parts;
}

function parsePart(section: string): BatchPart | undefined {
  if (section.trim() === '') return undefined;
  const outer = splitHead(section);
  const contentId = outer.headers['content-id']
    ?.trim()
    .replace(/^<(.*)>$/, '$1')
    .replace(/^response-/, '');

  const inner = splitHead(outer.rest);
  const statusLine = inner.firstLine;
  const match = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine);
  const httpStatus = match ? Number(match[1]) : 0;
  // Drop the CRLF that belongs to the next delimiter.
  const text = inner.rest.replace(/\r?\n$/, '');
  const json = tryJson(text);
  const body = text.trim() === '' ? undefined : json.ok ? json.value : text;

  const part: BatchPart = { httpStatus };
  if (contentId) part.contentId = contentId;
  if (body !== undefined) part.body = body;
  const ok = (httpStatus >= 200 && httpStatus < 300) || httpStatus === 304;
  if (!ok) {
    part.error =
      httpStatus === 0
        ? unknown(section, 'A batch part had no readable HTTP status line.')
        : parseHttp(httpStatus, inner.headers, text);
  }
  return part;
}

/**
 * Splits a header block from what follows the first blank line. For the inner HTTP response the
 * first line is the status line rather than a header.
 */
function splitHead(text: string): { firstLine: string; headers: Record<string, string>; rest: string } {
  const blank = /\r?\n\r?\n/.exec(text);
  const head = blank ? text.slice(0, blank.index) : text;
  const rest = blank ? text.slice(blank.index + blank[0].length) : '';
  const lines = head.split(/\r?\n/);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0 && !/^HTTP\//.test(line)) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { firstLine: lines[0] ?? '', headers, rest };
}
