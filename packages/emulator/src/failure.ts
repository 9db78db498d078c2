import type { ErrorCode, RenderOptions } from 'classroom-errors';
import type { Violation } from './rules/violation.js';

/**
 * Thrown by services to end a request with a catalog error. Throwing (rather than returning) makes the
 * surrounding transaction roll back, so a failed request never leaves a partial write behind.
 */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly extra: Pick<RenderOptions, 'fieldViolations' | 'metadata' | 'errorInfo' | 'retryAfterSeconds' | 'location' | 'reason'> = {},
  ) {
    super(message ?? code);
    this.hasMessage = message !== undefined;
  }

  /** False when the catalog's default text should be used. */
  readonly hasMessage: boolean;

  static from(v: Violation): ApiFailure {
    return new ApiFailure(v.code, v.message, {
      ...(v.fieldViolations ? { fieldViolations: v.fieldViolations } : {}),
      ...(v.metadata ? { metadata: v.metadata } : {}),
    });
  }
}

/** Throws when a rule returned a violation. */
export function enforce(verdict: Violation | undefined): void {
  if (verdict) throw ApiFailure.from(verdict);
}

/** Throws an ApiFailure. */
export function fail(code: ErrorCode, message?: string, extra?: ConstructorParameters<typeof ApiFailure>[2]): never {
  throw new ApiFailure(code, message, extra);
}

/** INVALID_ARGUMENT naming the field, as Google's front end words it. */
export function invalidArgument(message: string, field: string): never {
  throw new ApiFailure('INVALID_ARGUMENT', message, { fieldViolations: [{ field, description: message }] });
}
