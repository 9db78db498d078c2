/**
 * The canonical status names of Google's error model (google.rpc.Code), with the HTTP status and the
 * legacy v1 `errors[].reason` that Google's HTTP front end pairs with each when no more specific reason
 * applies.
 */
export const CANONICAL_STATUSES = {
  CANCELLED: { httpStatus: 499, reason: 'cancelled' },
  UNKNOWN: { httpStatus: 500, reason: 'backendError' },
  INVALID_ARGUMENT: { httpStatus: 400, reason: 'invalid' },
  DEADLINE_EXCEEDED: { httpStatus: 504, reason: 'deadlineExceeded' },
  NOT_FOUND: { httpStatus: 404, reason: 'notFound' },
  ALREADY_EXISTS: { httpStatus: 409, reason: 'duplicate' },
  PERMISSION_DENIED: { httpStatus: 403, reason: 'forbidden' },
  RESOURCE_EXHAUSTED: { httpStatus: 429, reason: 'rateLimitExceeded' },
  FAILED_PRECONDITION: { httpStatus: 400, reason: 'failedPrecondition' },
  ABORTED: { httpStatus: 409, reason: 'aborted' },
  OUT_OF_RANGE: { httpStatus: 400, reason: 'outOfRange' },
  UNIMPLEMENTED: { httpStatus: 501, reason: 'notImplemented' },
  INTERNAL: { httpStatus: 500, reason: 'backendError' },
  UNAVAILABLE: { httpStatus: 503, reason: 'backendError' },
  DATA_LOSS: { httpStatus: 500, reason: 'dataLoss' },
  UNAUTHENTICATED: { httpStatus: 401, reason: 'authError' },
} as const satisfies Record<string, { httpStatus: number; reason: string }>;

/** A canonical status name such as `FAILED_PRECONDITION`. */
export type CanonicalStatus = keyof typeof CANONICAL_STATUSES;

/** True when `value` names a canonical status. */
export function isCanonicalStatus(value: unknown): value is CanonicalStatus {
  return typeof value === 'string' && Object.hasOwn(CANONICAL_STATUSES, value);
}

/**
 * The canonical status Google uses for a bare HTTP status, for bodies that carry no `status` field
 * (old v1 bodies, proxies, HTML error pages).
 */
export function statusForHttp(httpStatus: number): CanonicalStatus {
  switch (httpStatus) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 412:
      return 'FAILED_PRECONDITION';
    case 416:
      return 'OUT_OF_RANGE';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'UNIMPLEMENTED';
    case 502:
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      if (httpStatus >= 500) return 'INTERNAL';
      if (httpStatus >= 400) return 'FAILED_PRECONDITION';
      return 'UNKNOWN';
  }
}
