import type { FeedType, RegistrationRow } from '../../store/platform-repos.js';

/** The Registration resource, as the API shows it. */
export interface Registration {
  registrationId: string;
  feed: {
    feedType: FeedType;
    courseRosterChangesInfo?: { courseId: string };
    courseWorkChangesInfo?: { courseId: string };
  };
  cloudPubsubTopic: { topicName: string };
  expiryTime: string;
}

/** Maps a registration row to the resource. */
export function toRegistration(row: RegistrationRow): Registration {
  const feed: Registration['feed'] = { feedType: row.feed_type };
  if (row.feed_type === 'COURSE_ROSTER_CHANGES' && row.course_id) feed.courseRosterChangesInfo = { courseId: row.course_id };
  if (row.feed_type === 'COURSE_WORK_CHANGES' && row.course_id) feed.courseWorkChangesInfo = { courseId: row.course_id };
  return {
    registrationId: row.id,
    feed,
    cloudPubsubTopic: { topicName: row.topic_name },
    expiryTime: new Date(row.expiry_time).toISOString(),
  };
}
