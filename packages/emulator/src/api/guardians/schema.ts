import type { GuardianRow, UserRow } from '../../store/schema.js';
import { toUserProfile, type UserProfile } from '../user-profiles/schema.js';

/** The Guardian resource. */
export interface Guardian {
  studentId: string;
  guardianId: string;
  guardianProfile: UserProfile;
  /** Only visible to domain administrators (schemas.Guardian). */
  invitedEmailAddress?: string;
}

/** Maps a guardian link (and the guardian's account) to the resource. */
export function toGuardian(row: GuardianRow, guardian: UserRow, options: { showEmail: boolean; showPhoto: boolean; showInvitedEmail: boolean }): Guardian {
  return {
    studentId: row.student_id,
    guardianId: row.guardian_id,
    guardianProfile: toUserProfile(guardian, { showEmail: options.showEmail, showPhoto: options.showPhoto }),
    ...(options.showInvitedEmail ? { invitedEmailAddress: row.invited_email } : {}),
  };
}
