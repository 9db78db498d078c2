import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/platform/limits.js';
import { failure, invalid, officialClient, person, type Person, startEmulator, STORES, wireBody } from './helpers/harness.js';

const DOMAIN = 'students.example';

/** The whole body of a FAILED_PRECONDITION with a specific code. */
const precondition = (code: string, text: string) => wireBody(code, 'FAILED_PRECONDITION', 400, 'failedPrecondition', `@${code} ${text}`);

describe.each(STORES)('courses.students on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let teacher: Person;
  let users = 0;

  /** A new user of the school (or of another domain), with a client of their own. */
  const newPerson = (prefix: string, userOptions: Parameters<typeof person>[2] = {}, domain = DOMAIN) =>
    person(emulator, `${prefix}${++users}@${domain}`, userOptions);

  /** An ACTIVE course owned by `owner`. */
  const newCourse = async (owner: Person = teacher, name = 'Chemistry') =>
    (await owner.api.courses.create({ requestBody: { name, ownerId: 'me', courseState: 'ACTIVE' } })).data;

  const studentIds = async (courseId: string) =>
    ((await admin.api.courses.students.list({ courseId, pageSize: 1000 })).data.students ?? []).map((s) => s.userId);

  const enrol = (courseId: string, userId: string) => admin.api.courses.students.create({ courseId, requestBody: { userId } });

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, `admin@${DOMAIN}`, { admin: true });
    teacher = await person(emulator, `teacher@${DOMAIN}`);
  });
  afterAll(() => emulator.close());

  it('an admin adds a student by email; the roster shows them to teachers, classmates and the student', async () => {
    const course = await newCourse();
    const kid = await newPerson('kid', { name: 'Ada Lovelace' });
    const { data } = await enrol(course.id!, kid.email);
    const folderId = data.studentWorkFolder?.id;
    expect(folderId).toMatch(/^0B[\w-]{26}$/);
    const full = {
      courseId: course.id,
      userId: kid.id,
      profile: {
        id: kid.id,
        name: { givenName: 'Ada', familyName: 'Lovelace', fullName: 'Ada Lovelace' },
        emailAddress: kid.email,
        photoUrl: `//lh3.googleusercontent.com/a/emulator-${kid.id}`,
      },
      studentWorkFolder: { id: folderId, title: 'Chemistry', alternateLink: `https://drive.google.com/drive/folders/${folderId}` },
    };
    expect(data).toEqual(full);
    expect((await kid.api.courses.students.get({ courseId: course.id!, userId: 'me' })).data).toEqual(full);
    // The work folder is only visible to the student and domain administrators: not to teachers.
    const { studentWorkFolder: _hidden, ...withoutFolder } = full;
    expect((await teacher.api.courses.students.get({ courseId: course.id!, userId: kid.id })).data).toEqual(withoutFolder);
    expect((await teacher.api.courses.students.list({ courseId: course.id! })).data).toEqual({ students: [withoutFolder] });

    // A classmate sees the profile but not the work folder; without the emails and photos scopes, no address and no photo.
    const mate = await newPerson('mate');
    await enrol(course.id!, mate.id);
    expect((await mate.api.courses.students.get({ courseId: course.id!, userId: kid.email })).data).toEqual(withoutFolder);
    const { accessToken } = await emulator.admin.mintToken({ user: mate.email, scopes: ['classroom.rosters.readonly'] });
    const narrow = officialClient(emulator, accessToken);
    const { emailAddress: _email, photoUrl: _photo, ...profileWithoutEmail } = full.profile;
    expect((await narrow.courses.students.get({ courseId: course.id!, userId: kid.id })).data).toEqual({ ...withoutFolder, profile: profileWithoutEmail });
  });

  it('a user joins with the enrollment code; without it or with a wrong one, PERMISSION_DENIED and nothing changes', async () => {
    const course = await newCourse();
    const kid = await newPerson('self');
    const missing = await failure(kid.api.courses.students.create({ courseId: course.id!, requestBody: { userId: 'me' } }));
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'Joining a course as a student needs its enrollment code.'));
    const wrong = await failure(kid.api.courses.students.create({ courseId: course.id!, enrollmentCode: 'nope123', requestBody: { userId: 'me' } }));
    expect(wrong.body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'The enrollment code does not belong to this course.'));
    expect(await studentIds(course.id!)).toEqual([]);

    const { data } = await kid.api.courses.students.create({ courseId: course.id!, enrollmentCode: course.enrollmentCode!, requestBody: { userId: 'me' } });
    expect(data).toMatchObject({ courseId: course.id, userId: kid.id });
    expect(await studentIds(course.id!)).toEqual([kid.id]);
  });

  it('a teacher cannot add a student directly: PERMISSION_DENIED, nothing changes', async () => {
    const course = await newCourse();
    const kid = await newPerson('direct');
    const { status, body } = await failure(teacher.api.courses.students.create({ courseId: course.id!, requestBody: { userId: kid.email } }));
    expect(status).toBe(403);
    expect(body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'Teachers cannot add students directly; send the student an invitation instead.'));
    expect(await studentIds(course.id!)).toEqual([]);
  });

  it('ALREADY_EXISTS for a student added twice and for a teacher added as a student', async () => {
    const course = await newCourse();
    const kid = await newPerson('twice');
    await enrol(course.id!, kid.id);
    const again = await failure(enrol(course.id!, kid.email));
    expect(again.status).toBe(409);
    expect(again.body).toEqual(wireBody('', 'ALREADY_EXISTS', 409, 'duplicate', `${kid.email} is already a student of this course.`));
    const asStudent = await failure(enrol(course.id!, teacher.email));
    expect(asStudent.body).toEqual(wireBody('', 'ALREADY_EXISTS', 409, 'duplicate', `${teacher.email} is already a teacher of this course.`));
    expect(await studentIds(course.id!)).toEqual([kid.id]);
  });

  it('NOT_FOUND for an unknown course or user, and for a user who is not a student', async () => {
    const course = await newCourse();
    const unknownCourse = await failure(enrol('999999999999', teacher.email));
    expect(unknownCourse.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', 'Requested entity was not found.'));
    const unknownUser = await failure(enrol(course.id!, `ghost@${DOMAIN}`));
    expect(unknownUser.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', `No user ghost@${DOMAIN} exists.`));
    const notStudent = await failure(admin.api.courses.students.get({ courseId: course.id!, userId: teacher.id }));
    expect(notStudent.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', `${teacher.id} is not a student of this course.`));
    expect(await studentIds(course.id!)).toEqual([]);
  });

  it('INVALID_ARGUMENT naming the field when userId is missing', async () => {
    const course = await newCourse();
    const { status, body } = await failure(admin.api.courses.students.create({ courseId: course.id!, requestBody: {} }));
    expect(status).toBe(400);
    const message = 'userId must name the user: a numeric id, an email address or "me".';
    expect(body).toEqual(invalid(message, 'student.user_id'));
  });

  it('FAILED_PRECONDITION for a disabled account', async () => {
    const course = await newCourse();
    const { email } = await emulator.admin.createUser({ email: `off${++users}@${DOMAIN}`, state: 'SUSPENDED' });
    const { status, body } = await failure(enrol(course.id!, email));
    expect(status).toBe(400);
    expect(body).toEqual(wireBody('', 'FAILED_PRECONDITION', 400, 'failedPrecondition', `The account of ${email} is disabled.`));
    expect(await studentIds(course.id!)).toEqual([]);
  });

  it('announces a roster change only once it is committed, and nothing for a refused join', async () => {
    const course = await newCourse();
    const kid = await newPerson('event');
    const seen: { change: string; role: string; userId: string }[] = [];
    const off = emulator.env.events.on((event) => {
      if (event.kind === 'roster' && event.courseId === course.id) seen.push({ change: event.change, role: event.role, userId: event.userId });
    });
    try {
      await enrol(course.id!, kid.id);
      await failure(enrol(course.id!, kid.id));
      await teacher.api.courses.students.delete({ courseId: course.id!, userId: kid.id });
    } finally {
      off();
    }
    expect(seen).toEqual([
      { change: 'CREATED', role: 'STUDENT', userId: kid.id },
      { change: 'DELETED', role: 'STUDENT', userId: kid.id },
    ]);
  });

  it('CannotDirectAddUser: an admin adds a user outside their domain', async () => {
    const course = await newCourse();
    const outsider = await newPerson('far', {}, 'elsewhere-students.example');
    const { status, body } = await failure(enrol(course.id!, outsider.email));
    expect(status).toBe(403);
    expect(body).toEqual(
      wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', `@CannotDirectAddUser ${outsider.email} is not in the domain ${DOMAIN}, so they cannot be added directly; invite them instead.`),
    );
    expect(await studentIds(course.id!)).toEqual([]);
  });

  it('CourseNotModifiable: an archived course takes no students', async () => {
    const course = await newCourse();
    await teacher.api.courses.patch({ id: course.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const kid = await newPerson('late');
    const { status, body } = await failure(enrol(course.id!, kid.email));
    expect(status).toBe(400);
    expect(body).toEqual(precondition('CourseNotModifiable', 'The course is ARCHIVED and cannot take new members.'));
    expect(await studentIds(course.id!)).toEqual([]);
    expect((await admin.api.courses.list({ studentId: kid.id })).data.courses).toBeUndefined();
  });

  it("InactiveCourseOwner: the owner's account was deleted", async () => {
    const owner = await newPerson('gone');
    const course = await newCourse(owner);
    await emulator.admin.updateUser(owner.email, { state: 'DELETED' });
    try {
      const kid = await newPerson('orphan');
      const { body } = await failure(enrol(course.id!, kid.email));
      expect(body).toEqual(
        precondition('InactiveCourseOwner', "The course owner's account is no longer active; the owner's administrator must restore it first."),
      );
      expect(await studentIds(course.id!)).toEqual([]);
    } finally {
      await emulator.admin.updateUser(owner.email, { state: 'ACTIVE' });
    }
  });

  it('CourseMemberLimitReached: the course is full; removing a student frees the seat', async () => {
    const course = await newCourse();
    const [a, b, c] = [await newPerson('seat'), await newPerson('seat'), await newPerson('seat')];
    await emulator.admin.setLimits({ courseMembers: 3 });
    try {
      await enrol(course.id!, a!.id);
      await enrol(course.id!, b!.id);
      const { body } = await failure(enrol(course.id!, c!.id));
      expect(body).toEqual(precondition('CourseMemberLimitReached', 'The course already has 3 members, the most it can have (3).'));
      expect(await studentIds(course.id!)).toEqual([a!.id, b!.id]);
      await teacher.api.courses.students.delete({ courseId: course.id!, userId: b!.email });
      await enrol(course.id!, c!.id);
      expect(await studentIds(course.id!)).toEqual([a!.id, c!.id]);
    } finally {
      await emulator.admin.setLimits({ courseMembers: DEFAULT_LIMITS.courseMembers });
    }
  });

  it('UserGroupsMembershipLimitReached: memberships held outside Classroom count', async () => {
    const [first, second] = [await newCourse(), await newCourse()];
    const busy = await newPerson('busy', { groupMemberships: DEFAULT_LIMITS.userGroupMemberships - 1 });
    await enrol(first.id!, busy.id);
    const { body } = await failure(enrol(second.id!, busy.id));
    expect(body).toEqual(
      precondition('UserGroupsMembershipLimitReached', `${busy.email} is already a member of 3000 groups, the most an account may join.`),
    );
    expect(await studentIds(second.id!)).toEqual([]);
  });

  it('UserCourseJoinRateLimitReached: too many joins in a day; a day later the join works', async () => {
    const courses = [await newCourse(), await newCourse(), await newCourse()];
    const eager = await newPerson('eager');
    await emulator.admin.setLimits({ userDailyJoins: 2 });
    try {
      await enrol(courses[0]!.id!, eager.id);
      await eager.api.courses.students.create({ courseId: courses[1]!.id!, enrollmentCode: courses[1]!.enrollmentCode!, requestBody: { userId: 'me' } });
      const { status, body } = await failure(enrol(courses[2]!.id!, eager.id));
      expect(status).toBe(429);
      expect(body).toEqual(
        wireBody(
          '',
          'RESOURCE_EXHAUSTED',
          429,
          'rateLimitExceeded',
          `@UserCourseJoinRateLimitReached ${eager.email} has joined 2 courses in the last 24 hours, the most a day allows (2); try again later.`,
        ),
      );
      expect(await studentIds(courses[2]!.id!)).toEqual([]);
      await emulator.admin.advanceClock(24 * 60 * 60);
      await enrol(courses[2]!.id!, eager.id);
      expect(await studentIds(courses[2]!.id!)).toEqual([eager.id]);
    } finally {
      await emulator.admin.setLimits({ userDailyJoins: DEFAULT_LIMITS.userDailyJoins });
    }
  });

  it('students.delete: a student may leave, a classmate may not remove them, a teacher may', async () => {
    const course = await newCourse();
    const [a, b] = [await newPerson('leave'), await newPerson('leave')];
    await enrol(course.id!, a.id);
    await enrol(course.id!, b.id);
    const denied = await failure(b.api.courses.students.delete({ courseId: course.id!, userId: a.id }));
    expect(denied.body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'The caller may not remove students from this course.'));
    expect(await studentIds(course.id!)).toEqual([a.id, b.id]);
    expect((await a.api.courses.students.delete({ courseId: course.id!, userId: 'me' })).data).toEqual({});
    await teacher.api.courses.students.delete({ courseId: course.id!, userId: b.email });
    expect(await studentIds(course.id!)).toEqual([]);
    const gone = await failure(teacher.api.courses.students.delete({ courseId: course.id!, userId: b.email }));
    expect(gone.body).toEqual(wireBody('', 'NOT_FOUND', 404, 'notFound', `${b.email} is not a student of this course.`));
  });

  it('an outsider cannot read the roster', async () => {
    const course = await newCourse();
    const stranger = await newPerson('stranger');
    const { body } = await failure(stranger.api.courses.students.list({ courseId: course.id! }));
    expect(body).toEqual(wireBody('', 'PERMISSION_DENIED', 403, 'forbidden', 'The caller does not have permission to view this course.'));
  });

  it('pages students.list in join order, and rejects a token replayed on another course', async () => {
    const course = await newCourse();
    const other = await newCourse();
    const kids: Person[] = [];
    for (let i = 0; i < 7; i++) kids.push(await newPerson('page'));
    for (const kid of kids) await enrol(course.id!, kid.id);

    const seen: string[] = [];
    const pages: number[] = [];
    let pageToken: string | undefined;
    do {
      const { data } = await teacher.api.courses.students.list({ courseId: course.id!, pageSize: 3, ...(pageToken ? { pageToken } : {}) });
      pages.push(data.students?.length ?? 0);
      seen.push(...(data.students ?? []).map((s) => s.userId!));
      pageToken = data.nextPageToken ?? undefined;
      if (pages.length === 1) {
        const replay = await failure(teacher.api.courses.students.list({ courseId: other.id!, pageSize: 3, pageToken: data.nextPageToken! }));
        expect(replay.status).toBe(400);
        expect(replay.body.error.message).toBe('The page token is not valid for this request.');
      }
    } while (pageToken);
    expect(pages).toEqual([3, 3, 1]);
    expect(seen).toEqual(kids.map((k) => k.id));
  });

  it('the course alias works as courseId', async () => {
    const { data: course } = await admin.api.courses.create({ requestBody: { id: 'd:chem-alias', name: 'Alias', ownerId: teacher.email, courseState: 'ACTIVE' } });
    const kid = await newPerson('alias');
    const { data } = await admin.api.courses.students.create({ courseId: 'd:chem-alias', requestBody: { userId: kid.id } });
    expect(data.courseId).toBe(course.id);
    expect(await studentIds(course.id!)).toEqual([kid.id]);
  });
});
