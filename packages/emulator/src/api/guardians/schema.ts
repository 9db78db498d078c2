import type { GuardianRow, UserRow } from '../../store/schema.js';
import { toUserProfile, type UserProfile } from '../user-profiles/schema.js';

/** The Guardian resource. */
export interface Guardian {
  studentId: string;
  guardianId: string;
  guardianProfile: UserProfile;
  invitedEmailAddress: string;
}

/** Maps a guardian link (and the guardian's account) to the resource. */
export function toGuardian(row: GuardianRow, guardian: UserRow, options: { showEmail: boolean; showPhoto: boolean }): Guardian {
  return {
    studentId: row.student_id,
    guardianId: row.guardian_id,
    guardianProfile: toUserProfile(guardian, { showEmail: options.showEmail, showPhoto: options.showPhoto }),
    invitedEmailAddress: row.invited_email,
  };
}
