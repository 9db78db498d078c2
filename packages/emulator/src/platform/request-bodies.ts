/** What a request sent and what it was answered, as the console shows it. */
export interface RequestBodies {
  /** The query string, without the `?`. */
  query?: string;
  /** The request body as text (JSON, usually). */
  request?: string;
  /** The response body as text. */
  response?: string;
  /** The response's content type. */
  responseType?: string;
  /** True when a body was longer than the kept part. */
  truncated?: boolean;
}

/**
 * The bodies of the newest requests, by request log id. Kept apart from the request log so that
 * GET /emulator/v1/requests stays small, and bounded twice (requests kept, characters per body) so a
 * district import or a chaos run cannot make the emulator hoard memory.
 *
 * @example
 * ```ts
 * const bodies = new RequestBodyLog(300);
 * bodies.keep('r12', { request: '{"name":"Maths"}', response: '{"id":"1"}' });
 * bodies.get('r12')?.response; // '{"id":"1"}'
 * ```
 */
export class RequestBodyLog {
  private readonly entries = new Map<string, RequestBodies>();

  constructor(
    /** Requests whose bodies are kept; the oldest go first. */
    public capacity = 300,
    /** Characters kept of each body. */
    readonly maxChars = 32 * 1024,
  ) {}

  private cut(text: string | undefined, entry: RequestBodies): string | undefined {
    if (text === undefined || text === '') return undefined;
    if (text.length <= this.maxChars) return text;
    entry.truncated = true;
    return text.slice(0, this.maxChars);
  }

  /** Keeps a request's bodies (strings and buffers as text; anything else, such as a stream, is not kept). */
  keep(id: string, bodies: { query?: string; request?: unknown; response?: unknown; responseType?: string }): void {
    if (this.capacity <= 0) return;
    const entry: RequestBodies = {};
    const query = bodies.query ? bodies.query : undefined;
    const request = this.cut(asText(bodies.request), entry);
    const response = this.cut(asText(bodies.response), entry);
    if (query) entry.query = query;
    if (request !== undefined) entry.request = request;
    if (response !== undefined) entry.response = response;
    if (bodies.responseType) entry.responseType = bodies.responseType;
    this.entries.delete(id);
    this.entries.set(id, entry);
    // A Map iterates in insertion order, so the first key is the oldest.
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get(id: string): RequestBodies | undefined {
    return this.entries.get(id);
  }

  clear(): void {
    this.entries.clear();
  }
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}
