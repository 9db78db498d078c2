import { readFileSync } from 'node:fs';
import type { GoogleErrorBody } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/platform/limits.js';
import { failure, officialClient, startEmulator, STORES, wireBody, type Classroom } from './helpers/harness.js';

const S = 'maplewood.example';
const FROZEN = Date.parse('2026-09-07T08:00:00Z');

/** The whole wire body of a FAILED_PRECONDITION code. */
const precondition = (code: string, text: string): GoogleErrorBody => wireBody(code, 'FAILED_PRECONDITION', 400, 'failedPrecondition', `@${code} ${text}`);
const forbidden = (code: string, text: string): GoogleErrorBody => wireBody(code, 'PERMISSION_DENIED', 403, 'forbidden', `@${code} ${text}`);

/** Every code the demo school makes one call away, as examples/demo-school.md documents it. */
const DOCUMENTED = [
  'CourseNotModifiable',
  'PendingInvitationExists',
  'CourseMemberLimitReached',
  'CourseTeacherLimitReached',
  'UserGroupsMembershipLimitReached',
  'CannotRemoveCourseFolderOwner',
  'CannotRemoveCourseOwner',
  'CannotRemoveCourseOwnerTransferIncomplete',
  'CannotRemoveTeacherWithNoCourseOwner',
  'InactiveCourseOwner',
  'IneligibleOwner',
  'UserCannotOwnCourse',
  'CannotDirectAddUser',
  'ClassroomDisabled',
  'ClassroomApiDisabled',
  'UserCourseJoinRateLimitReached',
  'MissingGrant',
];

describe.each(STORES)('the demo school on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let as: (token: string) => Classroom;

  beforeAll(async () => {
    // A frozen clock keeps the ownership transfer "in progress" and its remaining time exact.
    emulator = await startEmulator({ store: options(), demo: true, frozenAt: FROZEN });
    as = (token) => officialClient(emulator, token);
  });
  afterAll(() => emulator.close());

  it('documents every code in examples/demo-school.md', () => {
    const doc = readFileSync(new URL('../examples/demo-school.md', import.meta.url), 'utf8');
    for (const code of DOCUMENTED) expect(doc, code).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });

  it('is seeded with stable tokens, aliases and limits reached exactly', async () => {
    expect(emulator.seeding).toMatchObject({ fresh: true, demo: true });
    const { courses } = await emulator.admin.courses({ domain: S });
    const byAlias = new Map(courses.flatMap((c) => c.aliases.map((a) => [a, c] as const)));
    expect(byAlias.get('d:almost-full')?.members.total).toBe(DEFAULT_LIMITS.courseMembers - 1);
    expect(byAlias.get('d:full')?.members.total).toBe(DEFAULT_LIMITS.courseMembers);
    expect(byAlias.get('d:teachers-full')?.members.teachers).toBe(DEFAULT_LIMITS.courseTeachers);
    expect(byAlias.get('d:welcome')).toMatchObject({ courseState: 'ACTIVE', enrollmentCode: 'wlcm123' });
    expect(byAlias.get('d:science-draft')?.courseState).toBe('PROVISIONED');
    expect(byAlias.get('d:history-archived')?.courseState).toBe('ARCHIVED');
    expect(byAlias.get('d:orphaned')?.owner).toMatchObject({ email: `hannah.berg@${S}`, state: 'DELETED' });
    expect(byAlias.get('d:folder-pinned')?.teacherFolderOwner).toMatchObject({ email: `daniel.kim@${S}`, pinned: true });
    expect(byAlias.get('d:transferring')?.transfer).toMatchObject({
      fromEmail: `maria.lopez@${S}`,
      inProgress: true,
      doneTime: new Date(FROZEN + 10 * 60_000).toISOString(),
    });
    expect(byAlias.get('d:pending-transfer')?.pendingOwnerInvitation).toBeDefined();
    const { data } = await as('demo-teacher').courses.get({ id: 'd:welcome' });
    expect(data.name).toBe('Welcome to Maplewood Elementary');
  });

  // Course rules first; roster and invitation methods after them.

  it('CourseNotModifiable: renaming the archived course', async () => {
    const { body } = await failure(as('demo-teacher').courses.patch({ id: 'd:history-archived', updateMask: 'name', requestBody: { name: 'History II' } }));
    expect(body).toEqual(precondition('CourseNotModifiable', 'The course is ARCHIVED; only its state can be changed.'));
  });

  it('PendingInvitationExists: transferring a course whose OWNER invitation is pending', async () => {
    const { body } = await failure(
      as('demo-teacher').courses.patch({ id: 'd:pending-transfer', updateMask: 'ownerId', requestBody: { ownerId: `daniel.kim@${S}` } }),
    );
    expect(body).toEqual(precondition('PendingInvitationExists', 'An ownership transfer invitation for this course is still pending.'));
  });

  it('InactiveCourseOwner: a co-teacher renames the course of a deleted owner', async () => {
    const { body } = await failure(as('demo-coteacher').courses.patch({ id: 'd:orphaned', updateMask: 'name', requestBody: { name: 'Art' } }));
    expect(body).toEqual(precondition('InactiveCourseOwner', "The course owner's account is no longer active; the owner's administrator must restore it first."));
  });

  it('IneligibleOwner: making a student the owner', async () => {
    const { body } = await failure(as('demo-teacher').courses.patch({ id: 'd:welcome', updateMask: 'ownerId', requestBody: { ownerId: `noah.patel@${S}` } }));
    expect(body).toEqual(precondition('IneligibleOwner', 'The new owner must already be a teacher of the course.'));
  });

  it('UserCannotOwnCourse: a teacher creates a course for the principal', async () => {
    const { body } = await failure(as('demo-teacher').courses.create({ requestBody: { name: 'Detention', ownerId: `grace.okafor@${S}` } }));
    expect(body).toEqual(
      precondition('UserCannotOwnCourse', `The requesting user may only create courses that they own themselves, not ones owned by grace.okafor@${S}.`),
    );
  });

  it('ClassroomDisabled: any call by the user with Classroom off', async () => {
    const { body } = await failure(as('demo-classroom-off').courses.list());
    expect(body).toEqual(forbidden('ClassroomDisabled', 'The user is not permitted to access Classroom.'));
  });

  it('ClassroomApiDisabled: any call from the domain with API access off', async () => {
    const { body } = await failure(as('demo-api-off').courses.list());
    expect(body).toEqual(forbidden('ClassroomApiDisabled', "The user's domain administrator has turned off access to the Classroom API."));
  });

  it('MissingGrant: the service account registers a domain roster feed', async () => {
    const { projects } = await emulator.admin.projects();
    const sync = projects.find((p) => p.id === 'maplewood-sync');
    const { body, status } = await failure(
      as('demo-dwd').registrations.create({
        requestBody: { feed: { feedType: 'DOMAIN_ROSTER_CHANGES' }, cloudPubsubTopic: { topicName: 'projects/maplewood-sync/topics/roster' } },
      }),
    );
    expect(status).toBe(403);
    expect(body).toEqual(
      forbidden(
        'MissingGrant',
        `The user has never granted Cloud project ${sync?.number} access through OAuth; a DOMAIN_ROSTER_CHANGES feed needs a grant of classroom.rosters or classroom.rosters.readonly. Domain-wide delegation does not count.`,
      ),
    );
  });

  it('CourseMemberLimitReached: adding a student to the full course', async () => {
    const { body } = await failure(as('demo-admin').courses.students.create({ courseId: 'd:full', requestBody: { userId: `noah.patel@${S}` } }));
    expect(body).toEqual(precondition('CourseMemberLimitReached', 'The course already has 1000 members, the most it can have (1000).'));
  });

  it('CourseTeacherLimitReached: adding a teacher to the course with 20', async () => {
    const { body } = await failure(as('demo-admin').courses.teachers.create({ courseId: 'd:teachers-full', requestBody: { userId: `samuel.adeyemi@${S}` } }));
    expect(body).toEqual(precondition('CourseTeacherLimitReached', 'The course already has 20 teachers, the most it can have (20).'));
  });

  it('UserGroupsMembershipLimitReached: adding the student at the group limit', async () => {
    const { body } = await failure(as('demo-admin').courses.students.create({ courseId: 'd:welcome', requestBody: { userId: `liam.novak@${S}` } }));
    expect(body).toEqual(
      precondition('UserGroupsMembershipLimitReached', `liam.novak@${S} is already a member of 3000 groups, the most an account may join.`),
    );
  });

  it('UserCourseJoinRateLimitReached: the student who used today\'s joins enrolls with the code', async () => {
    const { body } = await failure(
      as('demo-student-joins-used').courses.students.create({ courseId: 'd:welcome', enrollmentCode: 'wlcm123', requestBody: { userId: 'me' } }),
    );
    const message = `@UserCourseJoinRateLimitReached emma.schulz@${S} has joined 30 courses in the last 24 hours, the most a day allows (30); try again later.`;
    expect(body).toEqual(wireBody('UserCourseJoinRateLimitReached', 'RESOURCE_EXHAUSTED', 429, 'rateLimitExceeded', message));
  });

  it('CannotDirectAddUser: the admin adds a user from another domain', async () => {
    const { body } = await failure(as('demo-admin').courses.students.create({ courseId: 'd:welcome', requestBody: { userId: 'visitor@lakeside.example' } }));
    expect(body).toEqual(
      forbidden('CannotDirectAddUser', `visitor@lakeside.example is not in the domain ${S}, so they cannot be added directly; invite them instead.`),
    );
  });

  it('CannotRemoveCourseFolderOwner: removing the co-teacher who owns the Drive folder', async () => {
    const { body } = await failure(as('demo-teacher').courses.teachers.delete({ courseId: 'd:folder-pinned', userId: `daniel.kim@${S}` }));
    expect(body).toEqual(
      precondition('CannotRemoveCourseFolderOwner', "This teacher owns the course's Drive folder; move the folder to another teacher before removing them."),
    );
  });

  it('CannotRemoveCourseOwner: the owner removes herself', async () => {
    const { body } = await failure(as('demo-teacher').courses.teachers.delete({ courseId: 'd:welcome', userId: 'me' }));
    expect(body).toEqual(precondition('CannotRemoveCourseOwner', 'The course owner cannot be removed; transfer ownership to another teacher first.'));
  });

  it('CannotRemoveCourseOwnerTransferIncomplete: the new owner removes the previous one mid-transfer', async () => {
    const { body } = await failure(as('demo-coteacher').courses.teachers.delete({ courseId: 'd:transferring', userId: `maria.lopez@${S}` }));
    expect(body).toEqual(
      precondition(
        'CannotRemoveCourseOwnerTransferIncomplete',
        'The ownership transfer away from this teacher is still running (about 600 more seconds); remove them once it has finished.',
      ),
    );
  });

  it('CannotRemoveTeacherWithNoCourseOwner: removing a teacher from the course of a deleted owner', async () => {
    const { body } = await failure(as('demo-admin').courses.teachers.delete({ courseId: 'd:orphaned', userId: `daniel.kim@${S}` }));
    expect(body).toEqual(
      precondition(
        'CannotRemoveTeacherWithNoCourseOwner',
        "The course owner's account is not active, so no teacher can be removed until an administrator restores it.",
      ),
    );
  });

  it('PendingInvitationExists also answers a second OWNER invitation', async () => {
    const { body } = await failure(
      as('demo-teacher').invitations.create({ requestBody: { courseId: 'd:pending-transfer', userId: `samuel.adeyemi@${S}`, role: 'OWNER' } }),
    );
    expect(body.error.message).toMatch(/^@PendingInvitationExists /);
  });

  it('the almost-full course takes exactly one more member', async () => {
    const admin = as('demo-admin');
    await admin.courses.students.create({ courseId: 'd:almost-full', requestBody: { userId: `noah.patel@${S}` } });
    const { body } = await failure(admin.courses.students.create({ courseId: 'd:almost-full', requestBody: { userId: `ava.chen@${S}` } }));
    expect(body.error.message).toMatch(/^@CourseMemberLimitReached /);
  });

  it('reset {demo: true} brings the same school back, with the same tokens', async () => {
    await emulator.admin.reset({ demo: true });
    const { data } = await as('demo-teacher').courses.get({ id: 'd:welcome' });
    expect(data.enrollmentCode).toBe('wlcm123');
    const { courses } = await emulator.admin.courses({ domain: S });
    expect(courses.find((c) => c.aliases.includes('d:almost-full'))?.members.total).toBe(DEFAULT_LIMITS.courseMembers - 1);
  });
});

describe('the demo school under other limits', () => {
  it('sizes the full courses and the limit cases by the limits in force', async () => {
    const emulator = await startEmulator({ demo: true, limits: { courseMembers: 30, courseTeachers: 4, userGroupMemberships: 50, userDailyJoins: 3 } });
    try {
      const { courses } = await emulator.admin.courses();
      const byAlias = new Map(courses.flatMap((c) => c.aliases.map((a) => [a, c] as const)));
      expect(byAlias.get('d:full')?.members.total).toBe(30);
      expect(byAlias.get('d:almost-full')?.members.total).toBe(29);
      expect(byAlias.get('d:teachers-full')?.members.teachers).toBe(4);
      expect((await emulator.admin.getUser(`liam.novak@${S}`)).groupMemberships).toBe(50);
      const { body } = await failure(officialClient(emulator, 'demo-admin').courses.students.create({ courseId: 'd:full', requestBody: { userId: `noah.patel@${S}` } }));
      expect(body.error.message).toBe('@CourseMemberLimitReached The course already has 30 members, the most it can have (30).');
    } finally {
      await emulator.close();
    }
  });
});
