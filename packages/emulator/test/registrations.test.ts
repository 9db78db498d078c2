import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, officialClient, person, startEmulator, STORES, type Person } from './helpers/harness.js';
import { isolatedStore } from './helpers/own-database.js';

const DOMAIN = 'registrations.example';
const START = Date.UTC(2026, 3, 6, 15, 30, 0);
const WEEK_LATER = new Date(START + 7 * 86_400_000).toISOString();
const TOPIC = 'projects/reg-project/topics/classroom-feed';
const SCOPE = 'https://www.googleapis.com/auth/';
type Emulator = Awaited<ReturnType<typeof startEmulator>>;

function body(code: number, status: string, reason: string, message: string, field?: string) {
  return {
    error: {
      code,
      message,
      errors: [{ message, domain: 'global', reason }],
      status,
      ...(field ? { details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field, description: message }] }] } : {}),
    },
  };
}

const rosterFeed = (courseId: string) => ({ feedType: 'COURSE_ROSTER_CHANGES', courseRosterChangesInfo: { courseId } });

describe.each(STORES)('registrations on $name', ({ name }) => {
  let emulator: Emulator;
  let drop: (() => Promise<void>) | undefined;
  let admin: Person;
  let teacher: Person;
  let student: Person;
  let outsider: Person;
  let courseId: string;

  const stored = async () => (await emulator.admin.request<{ registrations: { registrationId: string }[] }>('GET', '/registrations')).registrations;
  const projectNumber = async (id: string) => (await emulator.env.store.read.identity.project(id))!.number;

  beforeAll(async () => {
    const isolated = await isolatedStore(name);
    drop = isolated.drop;
    emulator = await startEmulator({ store: isolated.store, frozenAt: START });
    admin = await person(emulator, `admin@${DOMAIN}`, { admin: true }, { project: 'reg-project' });
    teacher = await person(emulator, `teacher@${DOMAIN}`, {}, { project: 'reg-project' });
    student = await person(emulator, `student@${DOMAIN}`, {}, { project: 'reg-project' });
    outsider = await person(emulator, `outsider@${DOMAIN}`, {}, { project: 'reg-project' });
    courseId = (await teacher.api.courses.create({ requestBody: { name: 'Feeds', ownerId: 'me', courseState: 'ACTIVE' } })).data.id!;
    await admin.api.courses.students.create({ courseId, requestBody: { userId: student.email } });
  });
  afterAll(async () => {
    await emulator?.close();
    await drop?.();
  });

  it("a teacher registers for the course's roster changes for a week, and deletes the registration", async () => {
    const { data } = await teacher.api.registrations.create({ requestBody: { feed: rosterFeed(courseId), cloudPubsubTopic: { topicName: TOPIC } } });
    expect(data).toEqual({
      registrationId: expect.stringMatching(/^\d{19}$/),
      feed: { feedType: 'COURSE_ROSTER_CHANGES', courseRosterChangesInfo: { courseId } },
      cloudPubsubTopic: { topicName: TOPIC },
      expiryTime: WEEK_LATER,
    });
    expect((await stored()).map((r) => r.registrationId)).toContain(data.registrationId);

    expect((await teacher.api.registrations.delete({ registrationId: data.registrationId! })).data).toEqual({});
    expect((await stored()).map((r) => r.registrationId)).not.toContain(data.registrationId);
    const again = await failure(teacher.api.registrations.delete({ registrationId: data.registrationId! }));
    expect(again.body).toEqual(body(404, 'NOT_FOUND', 'notFound', 'Requested entity was not found.'));
  });

  it('a domain admin registers for the domain roster and for any course of the domain; ids and expiry come from the server', async () => {
    const domain = await admin.api.registrations.create({
      requestBody: { feed: { feedType: 'DOMAIN_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: TOPIC }, registrationId: 'mine', expiryTime: '2030-01-01T00:00:00Z' },
    });
    expect(domain.data).toEqual({ registrationId: expect.stringMatching(/^\d{19}$/), feed: { feedType: 'DOMAIN_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: TOPIC }, expiryTime: WEEK_LATER });
    const work = await admin.api.registrations.create({
      requestBody: { feed: { feedType: 'COURSE_WORK_CHANGES', courseWorkChangesInfo: { courseId } }, cloudPubsubTopic: { topicName: TOPIC } },
    });
    expect(work.data.feed).toEqual({ feedType: 'COURSE_WORK_CHANGES', courseWorkChangesInfo: { courseId } });
  });

  it('MissingGrant: a domain-wide-delegation token brings no OAuth grant; after the user grants the project, it works', async () => {
    const delegated = await person(emulator, `synced@${DOMAIN}`, {}, { project: 'reg-dwd', via: 'dwd' });
    const own = (await delegated.api.courses.create({ requestBody: { name: 'Synced', ownerId: 'me' } })).data.id!;
    const before = (await stored()).length;
    const { status, body: wire, error } = await failure(
      delegated.api.registrations.create({ requestBody: { feed: rosterFeed(own), cloudPubsubTopic: { topicName: TOPIC } } }),
    );
    const number = await projectNumber('reg-dwd');
    const message = `@MissingGrant The user has never granted Cloud project ${number} access through OAuth; a COURSE_ROSTER_CHANGES feed needs a grant of classroom.rosters or classroom.rosters.readonly. Domain-wide delegation does not count.`;
    expect(status).toBe(403);
    expect(wire).toEqual(body(403, 'PERMISSION_DENIED', 'forbidden', message));
    expect(error.code).toBe('MissingGrant');
    expect(await stored()).toHaveLength(before);

    const { accessToken } = await emulator.admin.mintToken({ user: delegated.email, project: 'reg-dwd' });
    const granted = officialClient(emulator, accessToken);
    const { data } = await granted.registrations.create({ requestBody: { feed: rosterFeed(own), cloudPubsubTopic: { topicName: TOPIC } } });
    expect(data.feed).toEqual(rosterFeed(own));
  });

  it("MissingGrant: the grant lacks the feed's scopes until the user grants more", async () => {
    const narrow = await person(emulator, `narrow@${DOMAIN}`, {}, {
      project: 'reg-narrow',
      scopes: [`${SCOPE}classroom.push-notifications`, `${SCOPE}classroom.courses`, `${SCOPE}classroom.rosters.readonly`],
    });
    const own = (await narrow.api.courses.create({ requestBody: { name: 'Narrow', ownerId: 'me' } })).data.id!;
    const request = { feed: { feedType: 'COURSE_WORK_CHANGES', courseWorkChangesInfo: { courseId: own } }, cloudPubsubTopic: { topicName: TOPIC } };
    const { body: wire } = await failure(narrow.api.registrations.create({ requestBody: request }));
    const number = await projectNumber('reg-narrow');
    const message = `@MissingGrant The user's grant to Cloud project ${number} does not include classroom.coursework.students or classroom.coursework.students.readonly, which a COURSE_WORK_CHANGES feed needs.`;
    expect(wire).toEqual(body(403, 'PERMISSION_DENIED', 'forbidden', message));
    // The roster feed is covered by the grant already.
    expect((await narrow.api.registrations.create({ requestBody: { feed: rosterFeed(own), cloudPubsubTopic: { topicName: TOPIC } } })).status).toBe(200);

    await emulator.admin.mintToken({ user: narrow.email, project: 'reg-narrow', scopes: [`${SCOPE}classroom.coursework.students.readonly`] });
    expect((await narrow.api.registrations.create({ requestBody: request })).status).toBe(200);
  });

  it('PERMISSION_DENIED: a student of the course, and a non-admin asking for the domain roster', async () => {
    const before = (await stored()).length;
    const asStudent = await failure(student.api.registrations.create({ requestBody: { feed: rosterFeed(courseId), cloudPubsubTopic: { topicName: TOPIC } } }));
    expect(asStudent.body).toEqual(body(403, 'PERMISSION_DENIED', 'forbidden', "Only the course's teachers and domain administrators may receive its notifications."));
    const domain = await failure(teacher.api.registrations.create({ requestBody: { feed: { feedType: 'DOMAIN_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: TOPIC } } }));
    expect(domain.body).toEqual(body(403, 'PERMISSION_DENIED', 'forbidden', "Only a domain administrator may receive the domain's roster changes."));
    expect(await stored()).toHaveLength(before);
  });

  it('NOT_FOUND: a course the caller cannot see, a course that does not exist, a topic Classroom may not publish to', async () => {
    const notFound = body(404, 'NOT_FOUND', 'notFound', 'Requested entity was not found.');
    const hidden = await failure(outsider.api.registrations.create({ requestBody: { feed: rosterFeed(courseId), cloudPubsubTopic: { topicName: TOPIC } } }));
    expect(hidden.body).toEqual(notFound);
    const missing = await failure(admin.api.registrations.create({ requestBody: { feed: rosterFeed('404040404040'), cloudPubsubTopic: { topicName: TOPIC } } }));
    expect(missing.body).toEqual(notFound);

    const closed = 'projects/reg-project/topics/closed-topic';
    await emulator.admin.putTopic(closed, { publishable: false });
    const topic = await failure(teacher.api.registrations.create({ requestBody: { feed: rosterFeed(courseId), cloudPubsubTopic: { topicName: closed } } }));
    expect(topic.body).toEqual(
      body(404, 'NOT_FOUND', 'notFound', `Classroom may not publish to ${closed}: grant classroom-notifications@system.gserviceaccount.com the publish permission.`),
    );
  });

  it('INVALID_ARGUMENT naming the field: topic missing or malformed, feed missing, unspecified or without its course', async () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [{ feed: rosterFeed(courseId) }, 'A Cloud Pub/Sub topic (cloudPubsubTopic.topicName) is required.', 'registration.cloud_pubsub_topic.topic_name'],
      [
        { feed: rosterFeed(courseId), cloudPubsubTopic: { topicName: 'classroom-feed' } },
        '"classroom-feed" is not a Cloud Pub/Sub topic name of the form projects/<project>/topics/<topic>.',
        'registration.cloud_pubsub_topic.topic_name',
      ],
      [{ cloudPubsubTopic: { topicName: TOPIC } }, 'A feed is required.', 'registration.feed'],
      [
        { feed: { feedType: 'FEED_TYPE_UNSPECIFIED' }, cloudPubsubTopic: { topicName: TOPIC } },
        'The feed type must be DOMAIN_ROSTER_CHANGES, COURSE_ROSTER_CHANGES or COURSE_WORK_CHANGES.',
        'registration.feed.feed_type',
      ],
      [
        { feed: { feedType: 'COURSE_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: TOPIC } },
        'A COURSE_ROSTER_CHANGES feed needs the course id (courseRosterChangesInfo.courseId).',
        'registration.feed.course_roster_changes_info.course_id',
      ],
      [
        { feed: { feedType: 'COURSE_ROSTER_CHANGES', courseWorkChangesInfo: { courseId } }, cloudPubsubTopic: { topicName: TOPIC } },
        'courseWorkChangesInfo does not belong in a COURSE_ROSTER_CHANGES feed.',
        'registration.feed.course_work_changes_info',
      ],
    ];
    for (const [requestBody, message, field] of cases) {
      const { body: wire } = await failure(teacher.api.registrations.create({ requestBody }));
      expect(wire).toEqual(body(400, 'INVALID_ARGUMENT', 'invalid', message, field));
    }
  });

  it('needs the push-notifications scope, and a registration is visible only to the project that made it', async () => {
    const scoped = await person(emulator, `scoped@${DOMAIN}`, {}, { project: 'reg-project', scopes: [`${SCOPE}classroom.rosters`] });
    const { error } = await failure(scoped.api.registrations.create({ requestBody: { feed: { feedType: 'DOMAIN_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: TOPIC } } }));
    expect(error.code).toBe('InsufficientScopes');

    const { data } = await teacher.api.registrations.create({ requestBody: { feed: rosterFeed(courseId), cloudPubsubTopic: { topicName: TOPIC } } });
    const { accessToken } = await emulator.admin.mintToken({ user: teacher.email, project: 'reg-elsewhere' });
    const elsewhere = await failure(officialClient(emulator, accessToken).registrations.delete({ registrationId: data.registrationId! }));
    expect(elsewhere.status).toBe(404);
    expect((await stored()).map((r) => r.registrationId)).toContain(data.registrationId);
  });
});
