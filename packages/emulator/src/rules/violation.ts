import type { ErrorCode, FieldViolation } from 'classroom-errors';

/**
 * A business rule that did not hold: a catalog code plus this occurrence's English message. Rules
 * return these; only the HTTP layer turns one into a wire body (through classroom-errors).
 */
export interface Violation {
  readonly code: ErrorCode;
  readonly message?: string;
  readonly fieldViolations?: FieldViolation[];
  readonly metadata?: Record<string, string>;
}

/** Builds a {@link Violation}. */
export function violation(code: ErrorCode, message?: string, extra: Omit<Violation, 'code' | 'message'> = {}): Violation {
  return { code, ...(message !== undefined ? { message } : {}), ...extra };
}

/** A rule's answer: nothing (it holds) or the violation. */
export type Verdict = Violation | undefined;
