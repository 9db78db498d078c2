import type { TopicRow } from '../../store/classwork-repos.js';

/** The Topic resource, as the API shows it. */
export interface Topic {
  courseId: string;
  topicId: string;
  name: string;
  updateTime: string;
}

/** Maps a topic row to the resource. */
export function toTopic(row: TopicRow): Topic {
  return { courseId: row.course_id, topicId: row.id, name: row.name, updateTime: new Date(row.update_time).toISOString() };
}
