import type { ClassworkItemRow } from '../../store/classwork-repos.js';
import { b64, compact, presentShared, type ItemView } from '../course-work/items.js';

/** Maps a course work material row to the CourseWorkMaterial resource. */
export function toCourseWorkMaterial(row: ClassworkItemRow, _view: ItemView) {
  const shared = presentShared(row, `https://classroom.google.com/c/${b64(row.course_id)}/m/${b64(row.id)}/details`);
  return compact({
    courseId: shared.courseId,
    id: shared.id,
    title: row.title,
    description: row.description,
    materials: shared.materials,
    state: shared.state,
    alternateLink: shared.alternateLink,
    creationTime: shared.creationTime,
    updateTime: shared.updateTime,
    scheduledTime: shared.scheduledTime,
    assigneeMode: shared.assigneeMode,
    individualStudentsOptions: shared.individualStudentsOptions,
    creatorUserId: shared.creatorUserId,
    topicId: row.topic_id,
  });
}

/** The CourseWorkMaterial resource type. */
export type CourseWorkMaterial = ReturnType<typeof toCourseWorkMaterial>;
