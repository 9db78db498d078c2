import type { GuardianInvitationRow } from '../../store/schema.js';
import { timestamp } from '../courses/schema.js';

/** The GuardianInvitation resource. */
export interface GuardianInvitation {
  studentId: string;
  invitationId: string;
  /** Only visible to domain administrators (schemas.GuardianInvitation). */
  invitedEmailAddress?: string;
  state: GuardianInvitationRow['state'];
  creationTime: string;
}

/**
 * Maps an invitation row to the resource; the invited address only for domain administrators (the
 * admin API passes `showInvitedEmail: true`).
 */
export function toGuardianInvitation(row: GuardianInvitationRow, options: { showInvitedEmail: boolean }): GuardianInvitation {
  return {
    studentId: row.student_id,
    invitationId: row.id,
    ...(options.showInvitedEmail ? { invitedEmailAddress: row.invited_email } : {}),
    state: row.state,
    creationTime: timestamp(row.created_at),
  };
}
