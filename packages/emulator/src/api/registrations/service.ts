import type { Env } from '../../env.js';
import { ApiFailure, enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { platformRepos, type RegistrationRow } from '../../store/platform-repos.js';
import { relationTo, resolveCourseId } from '../courses/access.js';
import { checkCourseFeedAccess, checkDomainFeedAccess, checkGrant, readFeedRequest, REGISTRATION_LIFETIME_MS } from './feed.js';
import { toRegistration, type Registration } from './schema.js';

/**
 * registrations.create: checks the body, then the user's OAuth grant to the calling project (a
 * domain-wide-delegation token brings none: MissingGrant), then that the feed exists and the user may
 * receive it, then the topic. The registration lasts a week on the virtual clock.
 */
export async function createRegistration(env: Env, caller: Caller, body: Readonly<Record<string, unknown>>): Promise<Registration> {
  const request = readFeedRequest(body);
  if ('code' in request) throw ApiFailure.from(request);
  return env.store.transaction(async (repos) => {
    const grant = await repos.identity.grant(caller.user.id, caller.project.id);
    enforce(checkGrant(request.feedType, grant?.scopes.split(' ').filter(Boolean), caller.project.number));

    let courseId: string | null = null;
    if (request.feedType === 'DOMAIN_ROSTER_CHANGES') {
      enforce(checkDomainFeedAccess(caller.user.is_admin === 1));
    } else {
      const id = await resolveCourseId(repos, caller, request.courseId ?? '');
      const course = id === undefined ? undefined : await repos.courses.byId(id);
      if (!course) fail('NOT_FOUND', 'Requested entity was not found.');
      enforce(checkCourseFeedAccess(await relationTo(repos, caller, course)));
      courseId = course.id;
    }

    const platform = platformRepos(repos);
    const topic = await platform.topics.get(request.topicName);
    // Differs from production: Classroom checks the topic with Pub/Sub on a best-effort basis; here a
    // topic is assumed to exist and accept Classroom's messages unless the admin API says otherwise.
    if (topic && !topic.publishable) {
      fail('NOT_FOUND', `Classroom may not publish to ${request.topicName}: grant classroom-notifications@system.gserviceaccount.com the publish permission.`);
    }

    const now = env.clock.now();
    const row: RegistrationRow = {
      id: env.ids.digits(19),
      user_id: caller.user.id,
      project_id: caller.project.id,
      feed_type: request.feedType,
      course_id: courseId,
      domain: request.feedType === 'DOMAIN_ROSTER_CHANGES' ? caller.user.domain : null,
      topic_name: request.topicName,
      expiry_time: now + REGISTRATION_LIFETIME_MS,
      created_at: now,
    };
    await platform.registrations.insert(row);
    return toRegistration(row);
  });
}

/** registrations.delete: a registration is visible only to the Cloud project that created it. */
export async function deleteRegistration(env: Env, caller: Caller, registrationId: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const platform = platformRepos(repos);
    const row = await platform.registrations.get(registrationId);
    if (!row || row.project_id !== caller.project.id) fail('NOT_FOUND', 'Requested entity was not found.');
    await platform.registrations.delete(row.id);
    return {};
  });
}
