import { CATALOG, type ErrorCode, type ErrorInfoTemplate } from './catalog.js';
import type { CanonicalStatus } from './status.js';

/** One entry of the legacy v1 `error.errors[]` list. */
export interface LegacyErrorItem {
  message: string;
  domain: string;
  reason: string;
  location?: string;
  locationType?: string;
}

/** A `google.rpc.ErrorInfo` as it appears in `error.details`. */
export interface ErrorInfoDetail {
  '@type': 'type.googleapis.com/google.rpc.ErrorInfo';
  reason: string;
  domain: string;
  metadata?: Record<string, string>;
}

/** A field that failed validation, as in `google.rpc.BadRequest`. */
export interface FieldViolation {
  field: string;
  description: string;
}

/** Any entry of `error.details`; the `@type` says which google.rpc message it is. */
export interface ErrorDetail {
  '@type': string;
  [key: string]: unknown;
}

/** The JSON body Google APIs return for an error. */
export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors?: LegacyErrorItem[];
    status: CanonicalStatus;
    details?: ErrorDetail[];
  };
}

/** What a caller may add to an error when rendering it. */
export interface RenderOptions {
  /** Human text for this occurrence; the catalog's default when absent. Never include the `@Code` token. */
  message?: string;
  /** `$.xgafv`: 1 (default) keeps the legacy `errors[]` list, 2 drops it. */
  format?: 1 | 2 | '1' | '2';
  /** ErrorInfo metadata (quota metric and limit, the method, …). */
  metadata?: Record<string, string>;
  /** Replaces the catalog's ErrorInfo, or adds one where the catalog has none. */
  errorInfo?: ErrorInfoTemplate;
  /** Adds a `google.rpc.BadRequest` listing the fields that failed. */
  fieldViolations?: FieldViolation[];
  /** Adds a `google.rpc.RetryInfo` and a `Retry-After` header. */
  retryAfterSeconds?: number;
  /** Sets `location` / `locationType` of the legacy item (e.g. the Authorization header). */
  location?: { location: string; locationType: string };
  /** Replaces the legacy reason, for the few errors whose reason differs from their status's. */
  reason?: string;
  /**
   * The HTTP status when the refusal comes from the HTTP layer in front of the API rather than from the
   * API (a body too large: 413, a URL too long: 414, headers too large: 431, a slow client: 408); the
   * body's `code` follows it while `status` stays the catalog's.
   */
  httpStatus?: number;
}

/** A rendered error: the HTTP status, headers and JSON body to send. */
export interface RenderedError {
  httpStatus: number;
  headers: Record<string, string>;
  body: GoogleErrorBody;
}

/**
 * Builds the exact Google error response for a catalog code. This is the only function in the project
 * that produces an error body: the emulator sends what it returns, the tests compare against it.
 *
 * @example
 * ```ts
 * const { httpStatus, body } = renderError('CourseMemberLimitReached', {
 *   message: 'The course already has 1000 members.',
 * });
 * // httpStatus 400; body.error.message '@CourseMemberLimitReached The course already has 1000 members.'
 * ```
 */
export function renderError(code: ErrorCode, options: RenderOptions = {}): RenderedError {
  const entry = CATALOG[code];
  if (entry.httpStatus === 0) {
    throw new TypeError(`${code} describes a failed connection and has no wire form`);
  }
  const text = options.message ?? entry.defaultMessage;
  const message = entry.token ? (text ? `@${code} ${text}` : `@${code}`) : text;

  const details: ErrorDetail[] = [];
  const info = options.errorInfo ?? entry.errorInfo;
  if (info) {
    const detail: ErrorInfoDetail = {
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: info.reason,
      domain: info.domain,
    };
    const metadata = { ...(info.metadata ?? {}), ...(options.metadata ?? {}) };
    if (Object.keys(metadata).length > 0) detail.metadata = metadata;
    details.push({ ...detail });
  }
  if (options.fieldViolations && options.fieldViolations.length > 0) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: options.fieldViolations.map((v) => ({ field: v.field, description: v.description })),
    });
  }
  const headers: Record<string, string> = {};
  if (options.retryAfterSeconds !== undefined) {
    const seconds = Math.max(0, Math.ceil(options.retryAfterSeconds));
    headers['retry-after'] = String(seconds);
    details.push({ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` });
  }

  let errors: LegacyErrorItem[] | undefined;
  if (String(options.format ?? 1) !== '2') {
    const item: LegacyErrorItem = { message, domain: 'global', reason: options.reason ?? entry.reason };
    if (options.location) {
      item.location = options.location.location;
      item.locationType = options.location.locationType;
    }
    errors = [item];
  }
  // Key order follows Google's responses, so recorded bodies compare equal as text too.
  const httpStatus = options.httpStatus ?? entry.httpStatus;
  const error: GoogleErrorBody['error'] = {
    code: httpStatus,
    message,
    ...(errors ? { errors } : {}),
    status: entry.status,
    ...(details.length > 0 ? { details } : {}),
  };
  return { httpStatus, headers, body: { error } };
}
