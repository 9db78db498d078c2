import type { InvitationRow } from '../../store/schema.js';

/** The Invitation resource, as the API shows it. */
export interface Invitation {
  id: string;
  userId: string;
  courseId: string;
  role: string;
}

/** Maps an invitation row to the resource. */
export function toInvitation(row: InvitationRow): Invitation {
  return { id: row.id, userId: row.user_id, courseId: row.course_id, role: row.role };
}
