import { CATALOG, isErrorCode, type CatalogEntry, type ErrorCode } from './catalog.js';
import type { CanonicalStatus } from './status.js';

/** The `google.rpc.ErrorInfo` of an error, when it carried one. */
export interface ErrorInfo {
  reason: string;
  domain: string;
  metadata: Record<string, string>;
}

/** What a failed connection looked like, for errors that never got an HTTP response. */
export interface TransportFailure {
  /** `ECONNRESET`, `ETIMEDOUT`, `ABORT_ERR`, … as reported by Node or the HTTP client. */
  errno?: string;
  /** True when the caller aborted on purpose (AbortSignal); such failures are never retried. */
  aborted: boolean;
}

/** Everything needed to construct a {@link ClassroomApiError}. */
export interface ClassroomApiErrorInit {
  /** A catalog code, or an `@Token` the catalog does not know (kept as it arrived, without `@`). */
  code: string;
  httpStatus: number;
  status: CanonicalStatus;
  /** The legacy `errors[0].reason`, when the body had one. */
  reason?: string | undefined;
  /** The whole `error.message`, token included. */
  message: string;
  retryAfterMs?: number | undefined;
  errorInfo?: ErrorInfo | undefined;
  details?: unknown[] | undefined;
  transport?: TransportFailure | undefined;
  /** What was parsed: the thrown value, response or body. */
  raw?: unknown;
}

const TOKEN = /^@([A-Za-z][A-Za-z0-9_]*)(?: |$)/;

/**
 * One Classroom API failure, whatever shape it arrived in.
 *
 * `code` is the specific catalog code when the error had one (`CourseMemberLimitReached`,
 * `ProjectRateLimitExceeded`), else the canonical status (`NOT_FOUND`), else the unknown `@Token` as it
 * arrived. `entry` is always a catalog entry: for an unknown token, the entry of its canonical status.
 *
 * @example
 * ```ts
 * try { await classroom.courses.students.create(...) }
 * catch (e) {
 *   const err = parseError(e);
 *   if (err.is('CourseMemberLimitReached')) ...
 * }
 * ```
 */
export class ClassroomApiError extends Error {
  override readonly name = 'ClassroomApiError';
  readonly code: string;
  /** True when `code` is in the catalog. */
  readonly known: boolean;
  readonly entry: CatalogEntry;
  /** HTTP status; 0 when no response arrived. */
  readonly httpStatus: number;
  readonly status: CanonicalStatus;
  readonly reason: string | undefined;
  /** `message` without its leading `@Code ` token. */
  readonly detail: string;
  /** From a `Retry-After` header or a `google.rpc.RetryInfo`, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  readonly errorInfo: ErrorInfo | undefined;
  readonly details: readonly unknown[];
  readonly transport: TransportFailure | undefined;
  readonly raw: unknown;

  constructor(init: ClassroomApiErrorInit) {
    super(init.message, { cause: init.raw });
    this.code = init.code;
    this.known = isErrorCode(init.code);
    this.entry = isErrorCode(init.code) ? CATALOG[init.code] : CATALOG[init.status];
    this.httpStatus = init.httpStatus;
    this.status = init.status;
    this.reason = init.reason;
    this.detail = init.message.replace(TOKEN, '').trim();
    this.retryAfterMs = init.retryAfterMs;
    this.errorInfo = init.errorInfo;
    this.details = init.details ?? [];
    this.transport = init.transport;
    this.raw = init.raw;
  }

  /** True when this error has `code`, or has `code` as its canonical status (`FAILED_PRECONDITION`). */
  is(code: ErrorCode | CanonicalStatus): boolean {
    return this.code === code || this.status === code;
  }

  /** True when retrying the same request can succeed without anyone changing anything. */
  get retryable(): boolean {
    if (this.transport?.aborted) return false;
    return this.entry.retry !== 'never';
  }

  /** A plain object for logs and JSON. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      known: this.known,
      httpStatus: this.httpStatus,
      status: this.status,
      reason: this.reason,
      message: this.message,
      retryAfterMs: this.retryAfterMs,
      errorInfo: this.errorInfo,
      transport: this.transport,
    };
  }
}

/** The `@Code` token at the start of a message, when there is one (without `@`). */
export function tokenOf(message: string): string | undefined {
  return TOKEN.exec(message)?.[1];
}
