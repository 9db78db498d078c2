import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { IncomingMessage } from 'node:http';
import { parseError } from 'classroom-errors';
import type { VirtualClock } from './clock.js';

/** One request, as GET /emulator/v1/requests shows it. */
export interface RequestRecord {
  /** `r<n>`: this process's sequence; fault accounting names requests by it. */
  id: string;
  /** When it arrived, on the virtual clock. */
  time: string;
  /** Discovery method id, when the path names a Classroom method. */
  method?: string;
  verb: string;
  path: string;
  /** The caller's address, once authenticated. */
  user?: string;
  /** The caller's Cloud project id. */
  project?: string;
  /** HTTP status sent; 0 when the connection was dropped without a complete answer. */
  status: number;
  /** For failures, the catalog code the answer carries (`CourseMemberLimitReached`, `INTERNAL`, …). */
  code?: string;
  /** Time spent serving it, wall-clock ms. */
  latencyMs: number;
  /** The `x-emulator-test-id` header. */
  testId?: string;
  /** The injected fault that acted on it. */
  fault?: string;
  /**
   * A short hash of verb, URL (query included) and body, recorded when the emulator was built with
   * `requestFingerprints`: equal fingerprints mean the same call was sent again (`check` tells retries
   * from new calls by it).
   */
  fingerprint?: string;
  /** The wait a failure asked for (Retry-After or RetryInfo), in ms. */
  retryAfterMs?: number;
}

/**
 * The fingerprint of a call: the same verb, URL and body give the same value.
 *
 * @example
 * ```ts
 * requestFingerprint('POST', '/v1/courses/c1/students', '{"userId":"ava"}'); // 'k3J…' (12 characters)
 * ```
 */
export function requestFingerprint(verb: string, url: string, body: unknown): string {
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return createHash('sha1').update(`${verb} ${url}\n${text}`).digest('base64url').slice(0, 12);
}

/** Filters of GET /emulator/v1/requests; all that are set must hold. */
export interface RequestFilter {
  method?: string;
  /** The caller's email address. */
  user?: string;
  status?: number;
  code?: string;
  testId?: string;
  /** Only requests at or after this time (epoch ms, virtual clock). */
  since?: number;
  /** The newest `limit` matches. */
  limit?: number;
}

/** Someone following the log as it grows (the request stream of the admin API). */
export interface RequestLogListener {
  /** A request has been answered and kept. */
  record(record: RequestRecord): void;
  /** The emulator is closing: the listener will hear nothing more. */
  end(): void;
}

interface Pending {
  record: RequestRecord;
  at: number;
  started: number;
  done: boolean;
}

/**
 * Every request the emulator answered (Classroom methods, unknown paths, discovery; not the admin API),
 * in a bounded ring buffer. Each process keeps its own: with PostgreSQL, ask each process for its log.
 *
 * @example
 * ```ts
 * const log = new RequestLog(clock, 10_000);
 * log.query({ method: 'classroom.courses.students.create', code: 'CourseMemberLimitReached', limit: 10 });
 * ```
 */
export class RequestLog {
  private ring: (RequestRecord & { at: number })[] = [];
  private next = 0;
  private sequence = 0;
  private readonly pending = new WeakMap<IncomingMessage, Pending>();
  private readonly listeners = new Set<RequestLogListener>();

  constructor(
    private readonly clock: VirtualClock,
    /** Most records kept; the oldest go first. */
    public capacity = 10_000,
  ) {}

  /** Starts a record for a request; returns its id. */
  begin(raw: IncomingMessage, fields: { verb: string; path: string; method?: string; testId?: string }): string {
    const id = `r${++this.sequence}`;
    const at = this.clock.now();
    this.pending.set(raw, {
      record: {
        id,
        time: new Date(at).toISOString(),
        ...(fields.method ? { method: fields.method } : {}),
        verb: fields.verb,
        path: fields.path,
        status: 0,
        latencyMs: 0,
        ...(fields.testId ? { testId: fields.testId } : {}),
      },
      at,
      started: performance.now(),
      done: false,
    });
    return id;
  }

  /** The id given to a request by {@link begin}. */
  idOf(raw: IncomingMessage): string | undefined {
    return this.pending.get(raw)?.record.id;
  }

  /** Adds what later stages learn (the caller, an injected fault). */
  annotate(raw: IncomingMessage, fields: Partial<Pick<RequestRecord, 'user' | 'project' | 'fault' | 'code' | 'fingerprint'>>): void {
    const pending = this.pending.get(raw);
    if (pending) Object.assign(pending.record, fields);
  }

  /** Reads the catalog code out of an error body about to be sent. */
  noteErrorBody(raw: IncomingMessage, status: number, payload: unknown): void {
    const pending = this.pending.get(raw);
    if (!pending || status < 400 || pending.record.code !== undefined) return;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : undefined;
    if (text === undefined) return;
    const parsed = parseError(text);
    pending.record.code = parsed.code;
    if (parsed.retryAfterMs !== undefined) pending.record.retryAfterMs = parsed.retryAfterMs;
  }

  /** Ends the record and keeps it. Only the first call counts. */
  finish(raw: IncomingMessage, status: number, code?: string): void {
    const pending = this.pending.get(raw);
    if (!pending || pending.done) return;
    pending.done = true;
    const record = { ...pending.record, status, latencyMs: Math.round((performance.now() - pending.started) * 1000) / 1000, at: pending.at };
    if (code !== undefined) record.code = code;
    if (this.capacity <= 0) return;
    this.tell(record);
    if (this.ring.length < this.capacity) this.ring.push(record);
    else {
      this.ring[this.next] = record;
      this.next = (this.next + 1) % this.capacity;
    }
  }

  /** Follows the log: every record kept from now on. Returns the unsubscribe function. */
  subscribe(listener: RequestLogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ends every subscription (the app is closing, and open streams must not hold it up). */
  endSubscriptions(): void {
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
  }

  private tell(record: RequestRecord & { at: number }): void {
    if (this.listeners.size === 0) return;
    const { at: _at, ...shown } = record;
    for (const listener of this.listeners) listener.record(shown);
  }

  /** Kept records after the one with sequence `n` (`r<n>`), oldest first: what a reconnecting stream missed. */
  after(n: number): RequestRecord[] {
    return this.ordered()
      .filter((r) => Number(r.id.slice(1)) > n)
      .map(({ at: _at, ...r }) => r);
  }

  /** One kept record by id. */
  byId(id: string): RequestRecord | undefined {
    const found = this.ring.find((r) => r.id === id);
    if (!found) return undefined;
    const { at: _at, ...record } = found;
    return record;
  }

  /** Kept records, oldest first. */
  private ordered(): (RequestRecord & { at: number })[] {
    return this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Matching records, oldest first, the newest `limit` of them (default 100). */
  query(filter: RequestFilter = {}): { requests: RequestRecord[]; matched: number } {
    const user = filter.user?.toLowerCase();
    const matches = this.ordered().filter(
      (r) =>
        (filter.method === undefined || r.method === filter.method) &&
        (user === undefined || r.user === user) &&
        (filter.status === undefined || r.status === filter.status) &&
        (filter.code === undefined || r.code === filter.code) &&
        (filter.testId === undefined || r.testId === filter.testId) &&
        (filter.since === undefined || r.at >= filter.since),
    );
    const limit = filter.limit ?? 100;
    return { requests: matches.slice(Math.max(0, matches.length - limit)).map(({ at: _at, ...r }) => r), matched: matches.length };
  }

  /** Empties the log (admin reset); numbering continues so ids stay unique in this process. */
  clear(): void {
    this.ring = [];
    this.next = 0;
  }

  /** Changes the capacity, keeping the newest records. */
  resize(capacity: number): void {
    const kept = this.ordered().slice(-capacity);
    this.capacity = capacity;
    this.ring = capacity > 0 ? kept : [];
    this.next = 0;
  }
}
