import type { GuardianInvitationRow } from '../../store/schema.js';
import { timestamp } from '../courses/schema.js';

/** The GuardianInvitation resource. */
export interface GuardianInvitation {
  studentId: string;
  invitationId: string;
  invitedEmailAddress: string;
  state: GuardianInvitationRow['state'];
  creationTime: string;
}

/** Maps an invitation row to the resource. */
export function toGuardianInvitation(row: GuardianInvitationRow): GuardianInvitation {
  return {
    studentId: row.student_id,
    invitationId: row.id,
    invitedEmailAddress: row.invited_email,
    state: row.state,
    creationTime: timestamp(row.created_at),
  };
}
