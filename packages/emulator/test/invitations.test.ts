import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/platform/limits.js';
import { failure, invalid, person, type Person, startEmulator, STORES, wireBody } from './helpers/harness.js';

const DOMAIN = 'invitations.example';

const precondition = (code: string, text: string) => wireBody(code, 'FAILED_PRECONDITION', 400, 'failedPrecondition', `@${code} ${text}`);
const plain = (status: string, http: number, reason: string, message: string) => wireBody('', status, http, reason, message);

describe.each(STORES)('invitations on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let users = 0;

  const newPerson = (prefix: string, userOptions: Parameters<typeof person>[2] = {}, domain = DOMAIN) =>
    person(emulator, `${prefix}${++users}@${domain}`, userOptions);

  /** A course with a new owner and a co-teacher. */
  const newCourse = async () => {
    const owner = await newPerson('owner');
    const co = await newPerson('co');
    const { data: course } = await owner.api.courses.create({ requestBody: { name: 'Latin', ownerId: 'me', courseState: 'ACTIVE' } });
    await admin.api.courses.teachers.create({ courseId: course.id!, requestBody: { userId: co.id } });
    return { owner, co, course, id: course.id! };
  };

  const invite = (by: Person, courseId: string, userId: string, role: string) =>
    by.api.invitations.create({ requestBody: { courseId, userId, role } });

  const roster = async (courseId: string) => ({
    students: ((await admin.api.courses.students.list({ courseId })).data.students ?? []).map((s) => s.userId),
    teachers: ((await admin.api.courses.teachers.list({ courseId })).data.teachers ?? []).map((t) => t.userId),
  });

  const invitationIds = async (courseId: string) =>
    ((await admin.api.invitations.list({ courseId })).data.invitations ?? []).map((i) => i.id);

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, `admin@${DOMAIN}`, { admin: true });
  });
  afterAll(() => emulator.close());

  it('a teacher invites a student from another domain; the invitee sees it, accepts, and it is gone', async () => {
    const { owner, co, id } = await newCourse();
    const kid = await newPerson('kid', {}, 'elsewhere-invitations.example');
    const { data: invitation } = await invite(co, id, kid.email, 'STUDENT');
    expect(invitation).toEqual({ id: invitation.id, userId: kid.id, courseId: id, role: 'STUDENT' });
    expect(invitation.id).toMatch(/^\d{12}$/);
    for (const viewer of [kid, owner, co, admin]) {
      expect((await viewer.api.invitations.get({ id: invitation.id! })).data).toEqual(invitation);
    }
    expect((await kid.api.invitations.list({ userId: 'me' })).data).toEqual({ invitations: [invitation] });
    expect((await owner.api.invitations.list({ courseId: id })).data).toEqual({ invitations: [invitation] });

    expect((await kid.api.invitations.accept({ id: invitation.id! })).data).toEqual({});
    expect(await roster(id)).toEqual({ students: [kid.id], teachers: [owner.id, co.id] });
    const gone = await failure(kid.api.invitations.get({ id: invitation.id! }));
    expect(gone.body).toEqual(plain('NOT_FOUND', 404, 'notFound', `No invitation ${invitation.id} exists.`));
  });

  it('a TEACHER invitation makes a teacher; one sent to a student moves them to the teachers', async () => {
    const { owner, co, id } = await newCourse();
    const newcomer = await newPerson('new');
    const kid = await newPerson('kid');
    await admin.api.courses.students.create({ courseId: id, requestBody: { userId: kid.id } });
    const a = (await invite(owner, id, newcomer.id, 'TEACHER')).data;
    const b = (await invite(co, id, kid.id, 'TEACHER')).data;
    await newcomer.api.invitations.accept({ id: a.id! });
    await kid.api.invitations.accept({ id: b.id! });
    expect(await roster(id)).toEqual({ students: [], teachers: [owner.id, co.id, newcomer.id, kid.id] });
    expect(await invitationIds(id)).toEqual([]);
  });

  it('ALREADY_EXISTS for a second invitation; FAILED_PRECONDITION for a role already held or a disabled account', async () => {
    const { owner, co, id } = await newCourse();
    const kid = await newPerson('kid');
    const first = (await invite(owner, id, kid.id, 'STUDENT')).data;
    const twice = await failure(invite(co, id, kid.email, 'TEACHER'));
    expect(twice.status).toBe(409);
    expect(twice.body).toEqual(plain('ALREADY_EXISTS', 409, 'duplicate', `${kid.email} already has an invitation to this course.`));

    const held = await failure(invite(owner, id, co.id, 'STUDENT'));
    expect(held.body).toEqual(plain('FAILED_PRECONDITION', 400, 'failedPrecondition', `${co.email} is already a teacher of this course.`));
    const ownerAsTeacher = await failure(invite(admin, id, owner.id, 'TEACHER'));
    expect(ownerAsTeacher.body).toEqual(plain('FAILED_PRECONDITION', 400, 'failedPrecondition', `${owner.email} is already the owner of this course.`));

    const suspended = await newPerson('off', { state: 'SUSPENDED' });
    const disabled = await failure(invite(owner, id, suspended.email, 'STUDENT'));
    expect(disabled.body).toEqual(plain('FAILED_PRECONDITION', 400, 'failedPrecondition', `The account of ${suspended.email} is disabled.`));
    expect(await invitationIds(id)).toEqual([first.id]);
  });

  it('PERMISSION_DENIED for a student inviting and a co-teacher offering ownership; NOT_FOUND for unknown course or user', async () => {
    const { owner, co, id } = await newCourse();
    const kid = await newPerson('kid');
    await admin.api.courses.students.create({ courseId: id, requestBody: { userId: kid.id } });
    const friend = await newPerson('friend');
    const student = await failure(invite(kid, id, friend.id, 'STUDENT'));
    expect(student.status).toBe(403);
    expect(student.body).toEqual(plain('PERMISSION_DENIED', 403, 'forbidden', 'Only teachers of the course and domain administrators can invite users to it.'));
    const coOwner = await failure(invite(co, id, friend.id, 'OWNER'));
    expect(coOwner.body).toEqual(plain('PERMISSION_DENIED', 403, 'forbidden', 'Only the course owner or a domain administrator can invite a new owner.'));
    const noCourse = await failure(invite(owner, '999999999999', friend.id, 'STUDENT'));
    expect(noCourse.body).toEqual(plain('NOT_FOUND', 404, 'notFound', 'Requested entity was not found.'));
    const noUser = await failure(invite(owner, id, `ghost@${DOMAIN}`, 'STUDENT'));
    expect(noUser.body).toEqual(plain('NOT_FOUND', 404, 'notFound', `No user ghost@${DOMAIN} exists.`));
    expect(await invitationIds(id)).toEqual([]);
  });

  it('INVALID_ARGUMENT naming the field for a missing role', async () => {
    const { owner, id } = await newCourse();
    const kid = await newPerson('kid');
    const { body } = await failure(owner.api.invitations.create({ requestBody: { courseId: id, userId: kid.id } }));
    const message = 'role must be STUDENT, TEACHER or OWNER.';
    expect(body).toEqual(invalid(message, 'invitation.role'));
  });

  it('IneligibleOwner: ownership can only be offered to a teacher of the course', async () => {
    const { owner, id } = await newCourse();
    const kid = await newPerson('kid');
    const { status, body } = await failure(invite(owner, id, kid.id, 'OWNER'));
    expect(status).toBe(400);
    expect(body).toEqual(precondition('IneligibleOwner', 'The new owner must already be a teacher of the course.'));
    expect(await invitationIds(id)).toEqual([]);
  });

  it('PendingInvitationExists: a second ownership invitation while one is pending', async () => {
    const { owner, co, id } = await newCourse();
    const other = await newPerson('other');
    await admin.api.courses.teachers.create({ courseId: id, requestBody: { userId: other.id } });
    const pending = (await invite(owner, id, co.id, 'OWNER')).data;
    const { body } = await failure(invite(admin, id, other.id, 'OWNER'));
    expect(body).toEqual(precondition('PendingInvitationExists', 'An ownership transfer invitation for this course is still pending.'));
    expect(await invitationIds(id)).toEqual([pending.id]);
  });

  it('accepting an OWNER invitation transfers ownership; the previous owner stays until the transfer finishes', async () => {
    const { owner, co, id } = await newCourse();
    await emulator.admin.setClock({ frozen: true });
    try {
      const offer = (await invite(owner, id, co.email, 'OWNER')).data;
      await co.api.invitations.accept({ id: offer.id! });
      expect((await co.api.courses.get({ id })).data.ownerId).toBe(co.id);
      expect(await invitationIds(id)).toEqual([]);
      expect(await roster(id)).toEqual({ students: [], teachers: [owner.id, co.id] });

      const { body } = await failure(co.api.courses.teachers.delete({ courseId: id, userId: owner.id }));
      expect(body).toEqual(
        precondition(
          'CannotRemoveCourseOwnerTransferIncomplete',
          'The ownership transfer away from this teacher is still running (about 300 more seconds); remove them once it has finished.',
        ),
      );
      expect(await roster(id)).toEqual({ students: [], teachers: [owner.id, co.id] });
      await emulator.admin.advanceClock(DEFAULT_LIMITS.ownershipTransferSeconds + 1);
      await co.api.courses.teachers.delete({ courseId: id, userId: owner.id });
      expect(await roster(id)).toEqual({ students: [], teachers: [co.id] });
    } finally {
      await emulator.admin.setClock({ frozen: false });
    }
  });

  it('PERMISSION_DENIED when someone else accepts; the invitation stays', async () => {
    const { owner, co, id } = await newCourse();
    const kid = await newPerson('kid');
    const offer = (await invite(owner, id, kid.id, 'STUDENT')).data;
    const { body } = await failure(co.api.invitations.accept({ id: offer.id! }));
    expect(body).toEqual(plain('PERMISSION_DENIED', 403, 'forbidden', 'Only the invited user can accept this invitation.'));
    expect(await invitationIds(id)).toEqual([offer.id]);
    expect(await roster(id)).toEqual({ students: [], teachers: [owner.id, co.id] });
  });

  it('CourseNotModifiable on accept: the course was archived after the invitation', async () => {
    const { owner, co, id } = await newCourse();
    const kid = await newPerson('kid');
    const offer = (await invite(owner, id, kid.id, 'STUDENT')).data;
    await owner.api.courses.patch({ id, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const { status, body } = await failure(kid.api.invitations.accept({ id: offer.id! }));
    expect(status).toBe(400);
    expect(body).toEqual(precondition('CourseNotModifiable', 'The course is ARCHIVED and cannot take new members.'));
    expect(await invitationIds(id)).toEqual([offer.id]);
    expect(await roster(id)).toEqual({ students: [], teachers: [owner.id, co.id] });
  });

  it('CourseMemberLimitReached and CourseTeacherLimitReached on accept', async () => {
    const { owner, co, id } = await newCourse();
    const kid = await newPerson('kid');
    const helper = await newPerson('helper');
    const asStudent = (await invite(owner, id, kid.id, 'STUDENT')).data;
    const asTeacher = (await invite(owner, id, helper.id, 'TEACHER')).data;
    await emulator.admin.setLimits({ courseMembers: 2, courseTeachers: 2 });
    try {
      const members = await failure(kid.api.invitations.accept({ id: asStudent.id! }));
      expect(members.body).toEqual(precondition('CourseMemberLimitReached', 'The course already has 2 members, the most it can have (2).'));
      await emulator.admin.setLimits({ courseMembers: DEFAULT_LIMITS.courseMembers });
      const teachers = await failure(helper.api.invitations.accept({ id: asTeacher.id! }));
      expect(teachers.body).toEqual(precondition('CourseTeacherLimitReached', 'The course already has 2 teachers, the most it can have (2).'));
      expect(await invitationIds(id)).toEqual([asStudent.id, asTeacher.id]);
      expect(await roster(id)).toEqual({ students: [], teachers: [owner.id, co.id] });
    } finally {
      await emulator.admin.setLimits({ courseMembers: DEFAULT_LIMITS.courseMembers, courseTeachers: DEFAULT_LIMITS.courseTeachers });
    }
  });

  it('UserGroupsMembershipLimitReached and UserCourseJoinRateLimitReached on accept', async () => {
    const { owner, id } = await newCourse();
    const busy = await newPerson('busy', { groupMemberships: DEFAULT_LIMITS.userGroupMemberships });
    const offer = (await invite(owner, id, busy.id, 'STUDENT')).data;
    const groups = await failure(busy.api.invitations.accept({ id: offer.id! }));
    expect(groups.body).toEqual(
      precondition('UserGroupsMembershipLimitReached', `${busy.email} is already a member of 3000 groups, the most an account may join.`),
    );

    const eager = await newPerson('eager');
    const join = (await invite(owner, id, eager.id, 'STUDENT')).data;
    await emulator.admin.setLimits({ userDailyJoins: 0 });
    try {
      const rate = await failure(eager.api.invitations.accept({ id: join.id! }));
      expect(rate.status).toBe(429);
      expect(rate.body).toEqual(
        wireBody(
          '',
          'RESOURCE_EXHAUSTED',
          429,
          'rateLimitExceeded',
          `@UserCourseJoinRateLimitReached ${eager.email} has joined 0 courses in the last 24 hours, the most a day allows (0); try again later.`,
        ),
      );
    } finally {
      await emulator.admin.setLimits({ userDailyJoins: DEFAULT_LIMITS.userDailyJoins });
    }
    expect(await invitationIds(id)).toEqual([offer.id, join.id]);
    await eager.api.invitations.accept({ id: join.id! });
    expect((await roster(id)).students).toEqual([eager.id]);
  });

  it('CourseNotModifiable on create for an archived course', async () => {
    const { owner, id } = await newCourse();
    await owner.api.courses.patch({ id, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const kid = await newPerson('kid');
    const { body } = await failure(invite(owner, id, kid.id, 'STUDENT'));
    expect(body).toEqual(precondition('CourseNotModifiable', 'The course is ARCHIVED and cannot take new members.'));
    expect(await invitationIds(id)).toEqual([]);
  });

  it('list needs a user or a course, hides other users’ invitations, and pages', async () => {
    const { owner, co, id } = await newCourse();
    const missing = await failure(owner.api.invitations.list({}));
    const message = 'Name a user (userId) or a course (courseId), or both.';
    expect(missing.body).toEqual(invalid(message, 'user_id'));

    const kids: Person[] = [];
    for (let i = 0; i < 5; i++) kids.push(await newPerson('list'));
    const sent: string[] = [];
    for (const kid of kids) sent.push((await invite(owner, id, kid.id, 'STUDENT')).data.id!);

    const seen: string[] = [];
    const sizes: number[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await co.api.invitations.list({ courseId: id, pageSize: 2, ...(pageToken ? { pageToken } : {}) });
      sizes.push(data.invitations?.length ?? 0);
      seen.push(...(data.invitations ?? []).map((i) => i.id!));
      pageToken = data.nextPageToken ?? undefined;
    } while (pageToken);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(sent);

    // A student of the course sees only their own; asking for someone else's is refused.
    const peeker = kids[0]!;
    expect((await peeker.api.invitations.list({ courseId: id })).data).toEqual({
      invitations: [{ id: sent[0], userId: peeker.id, courseId: id, role: 'STUDENT' }],
    });
    const other = await failure(peeker.api.invitations.list({ userId: kids[1]!.id }));
    expect(other.body).toEqual(plain('PERMISSION_DENIED', 403, 'forbidden', "The caller may not see this user's invitations."));
    expect((await admin.api.invitations.list({ userId: kids[1]!.email })).data.invitations?.map((i) => i.id)).toEqual([sent[1]]);
  });

  it('delete: the invitee declines, a teacher withdraws, a stranger may not', async () => {
    const { owner, co, id } = await newCourse();
    const [a, b] = [await newPerson('del'), await newPerson('del')];
    const first = (await invite(owner, id, a.id, 'STUDENT')).data;
    const second = (await invite(owner, id, b.id, 'STUDENT')).data;
    const stranger = await newPerson('stranger');
    const denied = await failure(stranger.api.invitations.delete({ id: first.id! }));
    expect(denied.body).toEqual(plain('PERMISSION_DENIED', 403, 'forbidden', 'The caller may not see this invitation.'));
    expect(await invitationIds(id)).toEqual([first.id, second.id]);
    expect((await a.api.invitations.delete({ id: first.id! })).data).toEqual({});
    await co.api.invitations.delete({ id: second.id! });
    expect(await invitationIds(id)).toEqual([]);
    const again = await failure(co.api.invitations.delete({ id: second.id! }));
    expect(again.body).toEqual(plain('NOT_FOUND', 404, 'notFound', `No invitation ${second.id} exists.`));
  });
});
