/**
 * Error codes that mean "the database cannot be reached right now", not "this query is wrong":
 * socket errors, and PostgreSQL's connection-exception (08…) and operator-intervention (57P0…) classes
 * (a terminated backend, a server shutting down or still starting).
 */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True when `error` says the database is unreachable, so the request deserves a 503 to retry rather
 * than a 500. pg reports a socket closed under it only by message, without a code.
 */
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (SOCKET_CODES.has(code) || code.startsWith('08') || /^57P0[1-3]$/.test(code))) return true;
  return /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error|^Client was closed and is not queryable/.test(error.message);
}

/** What the store reports when it loses and regains its database. */
export interface AvailabilityListener {
  lost(error: Error): void;
  back(downForMs: number): void;
}

/**
 * Whether the database was last seen reachable, so that an outage is logged once when it starts and
 * once when it ends, however many requests fail in between.
 */
export class Availability {
  private downSince: number | undefined;
  private backAt = -Infinity;
  listener: AvailabilityListener | undefined;

  get up(): boolean {
    return this.downSince === undefined;
  }

  /**
   * A connection failed: the first failure of an outage is reported. `connectedAt` (performance.now()
   * when that connection was made) lets a connection that predates the last recovery, and so belongs to
   * the outage already reported, die without reporting another.
   */
  failed(error: Error, connectedAt?: number): void {
    if (this.downSince !== undefined) return;
    if (connectedAt !== undefined && connectedAt < this.backAt) return;
    this.downSince = performance.now();
    this.listener?.lost(error);
  }

  /** A connection was made: reported when it ends an outage. */
  connected(): void {
    if (this.downSince === undefined) return;
    this.backAt = performance.now();
    const downFor = this.backAt - this.downSince;
    this.downSince = undefined;
    this.listener?.back(Math.round(downFor));
  }
}
