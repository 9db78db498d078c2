import type { Env } from '../../env.js';
import type { CourseRow, UserRow } from '../../store/schema.js';

/**
 * The row changes that start an ownership transfer to `newOwner` (already checked eligible). Both
 * courses.patch of `ownerId` and accepting an OWNER invitation go through here. The previous owner
 * stays a teacher; Drive resources follow after `ownershipTransferSeconds` on the virtual clock, and
 * until then the previous owner cannot be removed.
 */
export function ownershipTransfer(env: Env, course: CourseRow, newOwner: UserRow): Partial<CourseRow> {
  const now = env.clock.now();
  const patch: Partial<CourseRow> = {
    owner_id: newOwner.id,
    transfer_from_id: course.owner_id,
    transfer_done_at: now + env.limits.ownershipTransferSeconds * 1000,
    update_time: now,
  };
  // A folder that followed the owner moves with the transfer; one pinned to someone else stays.
  if (course.teacher_folder_owner_id === course.owner_id) patch.teacher_folder_owner_id = null;
  return patch;
}
