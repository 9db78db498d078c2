import type { FieldViolation } from 'classroom-errors';
import type { CourseRelation } from '../../rules/courses.js';
import { violation, type Verdict, type Violation } from '../../rules/violation.js';
import type { FeedType } from '../../store/platform-repos.js';

const SCOPE = 'https://www.googleapis.com/auth/';

/** The grant scopes that let a project read a feed: either one of each pair is enough. */
export const FEED_SCOPES: Readonly<Record<FeedType, readonly string[]>> = {
  DOMAIN_ROSTER_CHANGES: [`${SCOPE}classroom.rosters`, `${SCOPE}classroom.rosters.readonly`],
  COURSE_ROSTER_CHANGES: [`${SCOPE}classroom.rosters`, `${SCOPE}classroom.rosters.readonly`],
  COURSE_WORK_CHANGES: [`${SCOPE}classroom.coursework.students`, `${SCOPE}classroom.coursework.students.readonly`],
};

/** How long a registration lasts. */
export const REGISTRATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** A Pub/Sub topic name: `projects/<project id>/topics/<topic>` with Pub/Sub's naming rules. */
const TOPIC = /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}$/;

/** A registration request after its shape was checked. */
export interface FeedRequest {
  feedType: FeedType;
  courseId?: string;
  topicName: string;
}

function invalid(message: string, field: string): Violation {
  const fieldViolations: FieldViolation[] = [{ field, description: message }];
  return violation('INVALID_ARGUMENT', message, { fieldViolations });
}

/** Checks a registrations.create body: a valid topic, a feed type, and the info that feed type needs. */
export function readFeedRequest(body: Readonly<Record<string, unknown>>): FeedRequest | Violation {
  const topic = body.cloudPubsubTopic as { topicName?: unknown } | undefined;
  if (!topic || typeof topic.topicName !== 'string' || topic.topicName === '') {
    return invalid('A Cloud Pub/Sub topic (cloudPubsubTopic.topicName) is required.', 'registration.cloud_pubsub_topic.topic_name');
  }
  if (!TOPIC.test(topic.topicName)) {
    return invalid(`"${topic.topicName}" is not a Cloud Pub/Sub topic name of the form projects/<project>/topics/<topic>.`, 'registration.cloud_pubsub_topic.topic_name');
  }
  const feed = body.feed as { feedType?: unknown; courseRosterChangesInfo?: { courseId?: unknown }; courseWorkChangesInfo?: { courseId?: unknown } } | undefined;
  if (!feed) return invalid('A feed is required.', 'registration.feed');
  const feedType = feed.feedType;
  if (feedType !== 'DOMAIN_ROSTER_CHANGES' && feedType !== 'COURSE_ROSTER_CHANGES' && feedType !== 'COURSE_WORK_CHANGES') {
    return invalid('The feed type must be DOMAIN_ROSTER_CHANGES, COURSE_ROSTER_CHANGES or COURSE_WORK_CHANGES.', 'registration.feed.feed_type');
  }
  const roster = feed.courseRosterChangesInfo;
  const work = feed.courseWorkChangesInfo;
  if (roster !== undefined && feedType !== 'COURSE_ROSTER_CHANGES') {
    return invalid(`courseRosterChangesInfo does not belong in a ${feedType} feed.`, 'registration.feed.course_roster_changes_info');
  }
  if (work !== undefined && feedType !== 'COURSE_WORK_CHANGES') {
    return invalid(`courseWorkChangesInfo does not belong in a ${feedType} feed.`, 'registration.feed.course_work_changes_info');
  }
  if (feedType === 'DOMAIN_ROSTER_CHANGES') return { feedType, topicName: topic.topicName };
  const [info, field] =
    feedType === 'COURSE_ROSTER_CHANGES'
      ? [roster, 'registration.feed.course_roster_changes_info.course_id']
      : [work, 'registration.feed.course_work_changes_info.course_id'];
  if (!info || typeof info.courseId !== 'string' || info.courseId === '') {
    return invalid(`A ${feedType} feed needs the course id (${feedType === 'COURSE_ROSTER_CHANGES' ? 'courseRosterChangesInfo' : 'courseWorkChangesInfo'}.courseId).`, field);
  }
  return { feedType, courseId: info.courseId, topicName: topic.topicName };
}

/** MissingGrant unless the user's grant to the project holds one of the scopes the feed needs. */
export function checkGrant(feedType: FeedType, grantScopes: readonly string[] | undefined, projectNumber: string): Verdict {
  const needed = FEED_SCOPES[feedType];
  if (grantScopes && needed.some((scope) => grantScopes.includes(scope))) return undefined;
  const names = needed.map((s) => s.slice(SCOPE.length)).join(' or ');
  return violation(
    'MissingGrant',
    grantScopes
      ? `The user's grant to Cloud project ${projectNumber} does not include ${names}, which a ${feedType} feed needs.`
      : `The user has never granted Cloud project ${projectNumber} access through OAuth; a ${feedType} feed needs a grant of ${names}. Domain-wide delegation does not count.`,
  );
}

/**
 * Who may receive a course feed: its teachers and the admins of the owner's domain. Someone who cannot
 * see the course learns nothing (NOT_FOUND); a student sees it but is refused.
 */
export function checkCourseFeedAccess(rel: CourseRelation): Verdict {
  if (rel.owner || rel.teacher || rel.admin) return undefined;
  if (rel.student) return violation('PERMISSION_DENIED', "Only the course's teachers and domain administrators may receive its notifications.");
  return violation('NOT_FOUND', 'Requested entity was not found.');
}

/** Who may receive a domain's roster changes: its administrators. */
export function checkDomainFeedAccess(isAdmin: boolean): Verdict {
  return isAdmin ? undefined : violation('PERMISSION_DENIED', "Only a domain administrator may receive the domain's roster changes.");
}
