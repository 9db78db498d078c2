import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/platform/limits.js';
import { failure, officialClient, person, startEmulator, STORES, wireBody, type Person } from './helpers/harness.js';

const DOMAIN = 'teachers.example';

const precondition = (code: string, text: string) => wireBody(code, 'FAILED_PRECONDITION', 400, 'failedPrecondition', `@${code} ${text}`);

describe.each(STORES)('courses.teachers on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let users = 0;

  const newPerson = (prefix: string, userOptions: Parameters<typeof person>[2] = {}, domain = DOMAIN) =>
    person(emulator, `${prefix}${++users}@${domain}`, userOptions);

  const newCourse = async (owner: Person) =>
    (await owner.api.courses.create({ requestBody: { name: 'Physics', ownerId: 'me', courseState: 'ACTIVE' } })).data;

  const teacherIds = async (courseId: string) =>
    ((await admin.api.courses.teachers.list({ courseId, pageSize: 100 })).data.teachers ?? []).map((t) => t.userId);

  const addTeacher = (courseId: string, userId: string) => admin.api.courses.teachers.create({ courseId, requestBody: { userId } });

  /** A course owned by a new teacher, with a second teacher already on it. */
  const cotaught = async () => {
    const owner = await newPerson('owner');
    const co = await newPerson('co');
    const course = await newCourse(owner);
    await addTeacher(course.id!, co.id);
    return { owner, co, course };
  };

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, `admin@${DOMAIN}`, { admin: true });
  });
  afterAll(() => emulator.close());

  it('an admin adds a teacher; get and list show them after the owner', async () => {
    const owner = await newPerson('owner');
    const course = await newCourse(owner);
    const co = await newPerson('co', { name: 'Grace Hopper' });
    const { data } = await addTeacher(course.id!, co.email);
    const full = {
      courseId: course.id,
      userId: co.id,
      profile: {
        id: co.id,
        name: { givenName: 'Grace', familyName: 'Hopper', fullName: 'Grace Hopper' },
        emailAddress: co.email,
        photoUrl: `//lh3.googleusercontent.com/a/emulator-${co.id}`,
      },
    };
    expect(data).toEqual(full);
    expect((await owner.api.courses.teachers.get({ courseId: course.id!, userId: co.email })).data).toEqual(full);
    expect((await co.api.courses.teachers.get({ courseId: course.id!, userId: 'me' })).data).toEqual(full);
    expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
    const { accessToken } = await emulator.admin.mintToken({ user: owner.email, scopes: ['classroom.rosters.readonly', 'classroom.profile.photos'] });
    const { emailAddress: _hidden, ...profile } = full.profile;
    expect((await officialClient(emulator, accessToken).courses.teachers.get({ courseId: course.id!, userId: co.id })).data).toEqual({ ...full, profile });
  });

  it('PERMISSION_DENIED: the owner cannot add a teacher directly; nothing changes', async () => {
    const owner = await newPerson('owner');
    const course = await newCourse(owner);
    const co = await newPerson('co');
    const { status, body } = await failure(owner.api.courses.teachers.create({ courseId: course.id!, requestBody: { userId: co.email } }));
    expect(status).toBe(403);
    expect(body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'Only a domain administrator can add teachers directly; others send an invitation.'));
    expect(await teacherIds(course.id!)).toEqual([owner.id]);
  });

  it('CannotDirectAddUser, ALREADY_EXISTS and NOT_FOUND on teachers.create', async () => {
    const owner = await newPerson('owner');
    const course = await newCourse(owner);
    const outsider = await newPerson('far', {}, 'elsewhere-teachers.example');
    const far = await failure(addTeacher(course.id!, outsider.email));
    expect(far.body).toEqual(
      wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', `@CannotDirectAddUser ${outsider.email} is not in the domain ${DOMAIN}, so they cannot be added directly; invite them instead.`),
    );
    const kid = await newPerson('kid');
    await admin.api.courses.students.create({ courseId: course.id!, requestBody: { userId: kid.id } });
    const twice = await failure(addTeacher(course.id!, kid.id));
    expect(twice.body).toEqual(wireBody('', 'ALREADY_EXISTS', 409, 'duplicate', `${kid.email} is already a student of this course.`));
    const ghost = await failure(addTeacher(course.id!, '123456789012345678901'));
    expect(ghost.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', 'No user 123456789012345678901 exists.'));
    expect(await teacherIds(course.id!)).toEqual([owner.id]);
  });

  it('CourseTeacherLimitReached: the course has as many teachers as it may', async () => {
    const { owner, co, course } = await cotaught();
    const third = await newPerson('third');
    await emulator.admin.setLimits({ courseTeachers: 2 });
    try {
      const { status, body } = await failure(addTeacher(course.id!, third.id));
      expect(status).toBe(400);
      expect(body).toEqual(precondition('CourseTeacherLimitReached', 'The course already has 2 teachers, the most it can have (2).'));
      expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
    } finally {
      await emulator.admin.setLimits({ courseTeachers: DEFAULT_LIMITS.courseTeachers });
    }
  });

  it('CourseMemberLimitReached on teachers.create: students take the seats too', async () => {
    const owner = await newPerson('owner');
    const course = await newCourse(owner);
    const kid = await newPerson('kid');
    const co = await newPerson('co');
    await admin.api.courses.students.create({ courseId: course.id!, requestBody: { userId: kid.id } });
    await emulator.admin.setLimits({ courseMembers: 2 });
    try {
      const { body } = await failure(addTeacher(course.id!, co.id));
      expect(body).toEqual(precondition('CourseMemberLimitReached', 'The course already has 2 members, the most it can have (2).'));
      expect(await teacherIds(course.id!)).toEqual([owner.id]);
    } finally {
      await emulator.admin.setLimits({ courseMembers: DEFAULT_LIMITS.courseMembers });
    }
  });

  it('UserGroupsMembershipLimitReached and InactiveCourseOwner on teachers.create', async () => {
    const owner = await newPerson('owner');
    const course = await newCourse(owner);
    const full = await newPerson('full', { groupMemberships: DEFAULT_LIMITS.userGroupMemberships });
    const groups = await failure(addTeacher(course.id!, full.id));
    expect(groups.body).toEqual(
      precondition('UserGroupsMembershipLimitReached', `${full.email} is already a member of 3000 groups, the most an account may join.`),
    );
    await emulator.admin.updateUser(owner.email, { state: 'DELETED' });
    try {
      const co = await newPerson('co');
      const inactive = await failure(addTeacher(course.id!, co.id));
      expect(inactive.body).toEqual(
        precondition('InactiveCourseOwner', "The course owner's account is no longer active; the owner's administrator must restore it first."),
      );
    } finally {
      await emulator.admin.updateUser(owner.email, { state: 'ACTIVE' });
    }
    expect(await teacherIds(course.id!)).toEqual([owner.id]);
  });

  it('CannotRemoveCourseOwner: the owner cannot remove themself', async () => {
    const { owner, co, course } = await cotaught();
    const { status, body } = await failure(owner.api.courses.teachers.delete({ courseId: course.id!, userId: 'me' }));
    expect(status).toBe(400);
    expect(body).toEqual(precondition('CannotRemoveCourseOwner', 'The course owner cannot be removed; transfer ownership to another teacher first.'));
    expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
  });

  it('CannotRemoveCourseOwnerTransferIncomplete: the previous owner stays until the transfer finishes', async () => {
    const { owner, co, course } = await cotaught();
    // Frozen, so the remaining time in the message is exact.
    await emulator.admin.setClock({ frozen: true });
    try {
      await owner.api.courses.patch({ id: course.id!, updateMask: 'ownerId', requestBody: { ownerId: co.id } });
      const { body } = await failure(co.api.courses.teachers.delete({ courseId: course.id!, userId: owner.email }));
      expect(body).toEqual(
        precondition(
          'CannotRemoveCourseOwnerTransferIncomplete',
          'The ownership transfer away from this teacher is still running (about 300 more seconds); remove them once it has finished.',
        ),
      );
      expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
      await emulator.admin.advanceClock(DEFAULT_LIMITS.ownershipTransferSeconds + 1);
      expect((await co.api.courses.teachers.delete({ courseId: course.id!, userId: owner.email })).data).toEqual({});
      expect(await teacherIds(course.id!)).toEqual([co.id]);
    } finally {
      await emulator.admin.setClock({ frozen: false });
    }
  });

  it('CannotRemoveTeacherWithNoCourseOwner: the owner account is deleted', async () => {
    const { owner, co, course } = await cotaught();
    await emulator.admin.updateUser(owner.email, { state: 'DELETED' });
    try {
      const { body } = await failure(admin.api.courses.teachers.delete({ courseId: course.id!, userId: co.id }));
      expect(body).toEqual(
        precondition(
          'CannotRemoveTeacherWithNoCourseOwner',
          "The course owner's account is not active, so no teacher can be removed until an administrator restores it.",
        ),
      );
      expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
    } finally {
      await emulator.admin.updateUser(owner.email, { state: 'ACTIVE' });
    }
  });

  it('CannotRemoveCourseFolderOwner: the co-teacher holds the Drive folder; moving it back frees them', async () => {
    const { owner, co, course } = await cotaught();
    await emulator.admin.patchCourse(course.id!, { teacherFolderOwner: co.email });
    const { body } = await failure(owner.api.courses.teachers.delete({ courseId: course.id!, userId: co.id }));
    expect(body).toEqual(
      precondition('CannotRemoveCourseFolderOwner', "This teacher owns the course's Drive folder; move the folder to another teacher before removing them."),
    );
    expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
    await emulator.admin.patchCourse(course.id!, { teacherFolderOwner: null });
    await owner.api.courses.teachers.delete({ courseId: course.id!, userId: co.id });
    expect(await teacherIds(course.id!)).toEqual([owner.id]);
  });

  it('teachers.delete: a student may not remove a teacher; NOT_FOUND for someone who does not teach', async () => {
    const { owner, co, course } = await cotaught();
    const kid = await newPerson('kid');
    await admin.api.courses.students.create({ courseId: course.id!, requestBody: { userId: kid.id } });
    const denied = await failure(kid.api.courses.teachers.delete({ courseId: course.id!, userId: co.id }));
    expect(denied.body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'The caller may not remove teachers from this course.'));
    const notTeacher = await failure(owner.api.courses.teachers.delete({ courseId: course.id!, userId: kid.email }));
    expect(notTeacher.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', `${kid.email} is not a teacher of this course.`));
    const noCourse = await failure(owner.api.courses.teachers.get({ courseId: '999999999999', userId: co.id }));
    expect(noCourse.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', 'Requested entity was not found.'));
    expect(await teacherIds(course.id!)).toEqual([owner.id, co.id]);
  });
});
