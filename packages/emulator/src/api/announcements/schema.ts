import type { ClassworkItemRow } from '../../store/classwork-repos.js';
import { b64, compact, presentShared, type ItemView } from '../course-work/items.js';

/** Maps an announcement row to the Announcement resource (its text is kept in `description`). */
export function toAnnouncement(row: ClassworkItemRow, _view: ItemView) {
  const shared = presentShared(row, `https://classroom.google.com/c/${b64(row.course_id)}/p/${b64(row.id)}`);
  return compact({
    courseId: shared.courseId,
    id: shared.id,
    text: row.description ?? '',
    materials: shared.materials,
    state: shared.state,
    alternateLink: shared.alternateLink,
    creationTime: shared.creationTime,
    updateTime: shared.updateTime,
    scheduledTime: shared.scheduledTime,
    assigneeMode: shared.assigneeMode,
    individualStudentsOptions: shared.individualStudentsOptions,
    creatorUserId: shared.creatorUserId,
  });
}

/** The Announcement resource type. */
export type Announcement = ReturnType<typeof toAnnouncement>;
