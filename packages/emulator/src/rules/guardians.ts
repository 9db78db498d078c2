import type { GuardianInvitationRow } from '../store/schema.js';
import { violation, type Verdict } from './violation.js';

/** How a student reference in a guardian path is written. */
export type StudentRefKind = 'me' | 'email' | 'id' | 'any';

const EMAIL = /^[^\s@]+@[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/** The longest address Classroom accepts for a guardian (the limit of an email address, RFC 5321). */
export const MAX_GUARDIAN_EMAIL_LENGTH = 254;

/**
 * Recognises a student reference: `me`, an email address, a numeric user id, or (where the method
 * allows it) `-` for every student the caller may see. Undefined when it is none of these — the
 * reference's INVALID_ARGUMENT case.
 */
export function studentRefKind(ref: string, options: { wildcard: boolean }): StudentRefKind | undefined {
  if (ref === 'me') return 'me';
  if (ref === '-') return options.wildcard ? 'any' : undefined;
  if (/^\d{1,30}$/.test(ref)) return 'id';
  if (ref.length <= MAX_GUARDIAN_EMAIL_LENGTH && EMAIL.test(ref)) return 'email';
  return undefined;
}

/** How the caller stands towards a student, for guardian questions. */
export interface GuardianRelation {
  /** The caller is the student. */
  self: boolean;
  /** The caller administers the student's domain. */
  admin: boolean;
  /** The caller teaches a course the student is enrolled in. */
  teacher: boolean;
}

/**
 * Who may see a student's guardians and guardian invitations: the student, the student's domain
 * administrators and the student's teachers.
 */
export function checkGuardianViewer(rel: GuardianRelation): Verdict {
  if (rel.self || rel.admin || rel.teacher) return undefined;
  return violation('PERMISSION_DENIED', "The caller is not permitted to view this student's guardians.");
}

/**
 * Who may invite, withdraw and remove guardians: domain administrators and the student's teachers.
 *
 * Differs from production: the domain setting that lets (or stops) teachers manage guardians, and the
 * setting that turns guardians off for a domain, are not modelled: guardians are always on and
 * teachers may always manage them.
 */
export function checkGuardianManager(rel: GuardianRelation): Verdict {
  if (rel.admin || rel.teacher) return undefined;
  return violation('PERMISSION_DENIED', "The caller is not permitted to manage this student's guardians.");
}

/** Listing across every student (`-`) or filtering by invited address is for domain administrators. */
export function checkDomainWideListing(isAdmin: boolean, what: string): Verdict {
  if (isAdmin) return undefined;
  return violation('PERMISSION_DENIED', `Only a domain administrator can ${what}.`);
}

/** A guardian's address must be a plausible email address of reasonable length. */
export function checkGuardianEmail(email: unknown): Verdict {
  const bad = (message: string) => violation('INVALID_ARGUMENT', message, { fieldViolations: [{ field: 'invited_email_address', description: message }] });
  if (typeof email !== 'string' || email === '') return bad('invitedEmailAddress is required.');
  if (email.length > MAX_GUARDIAN_EMAIL_LENGTH) return bad(`The guardian address is longer than ${MAX_GUARDIAN_EMAIL_LENGTH} characters.`);
  if (!EMAIL.test(email)) return bad(`"${email}" is not a valid email address.`);
  return undefined;
}

/** Fields a new guardian invitation may carry; anything else is read-only and rejected. */
const CREATE_FIELDS = new Set(['studentId', 'invitedEmailAddress', 'state']);

/**
 * The body of guardianInvitations.create: `studentId` and `invitedEmailAddress` are required, `state`
 * may only say PENDING, and read-only fields (`invitationId`, `creationTime`) may not be set.
 */
export function checkInvitationInput(body: Readonly<Record<string, unknown>>): Verdict {
  const bad = (field: string, message: string) => violation('INVALID_ARGUMENT', message, { fieldViolations: [{ field, description: message }] });
  for (const field of Object.keys(body)) {
    if (!CREATE_FIELDS.has(field)) {
      const proto = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      return bad(`guardian_invitation.${proto}`, `${field} is set by Classroom and cannot be given when inviting a guardian.`);
    }
  }
  if (typeof body.studentId !== 'string' || body.studentId === '') return bad('guardian_invitation.student_id', 'studentId is required.');
  if (body.state !== undefined && body.state !== 'PENDING') {
    return bad('guardian_invitation.state', 'A new guardian invitation can only be PENDING.');
  }
  return checkGuardianEmail(body.invitedEmailAddress);
}

/**
 * Room for one more guardian link: existing guardians plus invitations still waiting count against
 * the per-student limit.
 */
export function checkGuardianCapacity(guardians: number, pendingInvitations: number, limit: number): Verdict {
  if (guardians + pendingInvitations >= limit) {
    return violation('RESOURCE_EXHAUSTED', `The student already has ${limit} guardians or pending guardian invitations, the most allowed.`);
  }
  return undefined;
}

/**
 * guardianInvitations.patch: the mask must name `state` only and the new state must be COMPLETE
 * (INVALID_ARGUMENT otherwise); only a PENDING invitation can be withdrawn (FAILED_PRECONDITION).
 */
export function checkInvitationPatch(invitation: Pick<GuardianInvitationRow, 'state'>, mask: readonly string[], body: Readonly<Record<string, unknown>>): Verdict {
  const bad = (field: string, message: string) => violation('INVALID_ARGUMENT', message, { fieldViolations: [{ field, description: message }] });
  const other = mask.find((field) => field !== 'state');
  if (other !== undefined) return bad('update_mask', `Only state can be changed on a guardian invitation, not ${other}.`);
  if (!mask.includes('state')) return bad('update_mask', 'The update mask must name state.');
  if (body.state !== 'COMPLETE') return bad('guardian_invitation.state', 'A guardian invitation can only be changed to COMPLETE.');
  if (invitation.state !== 'PENDING') return violation('FAILED_PRECONDITION', 'The guardian invitation is no longer pending.');
  return undefined;
}

/** A student cannot be their own guardian. */
export function checkNotSelf(studentEmail: string, guardianEmail: string): Verdict {
  if (studentEmail.toLowerCase() === guardianEmail.toLowerCase()) {
    return violation('INVALID_ARGUMENT', 'A student cannot be invited as their own guardian.', {
      fieldViolations: [{ field: 'invited_email_address', description: 'the student cannot be their own guardian' }],
    });
  }
  return undefined;
}
