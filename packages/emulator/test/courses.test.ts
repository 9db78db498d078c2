import type { classroom_v1 } from '@googleapis/classroom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denied, failure, invalid, notFound, person, type Person, startEmulator, STORES, wire } from './helpers/harness.js';

type Course = classroom_v1.Schema$Course;

/** The whole wire body of an error, as the emulator must send it. */const precondition = (code: string, text: string) => wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', `@${code} ${text}`);
const plainPrecondition = (text: string) => wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', text);
describe.each(STORES)('courses on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let teacher: Person;
  let coteacher: Person;
  let student: Person;
  let otherAdmin: Person;
  let outsider: Person;
  let n = 0;

  /** A fresh user of this file's domain. */
  const someone = (label: string, userOptions: Parameters<typeof person>[2] = {}) => person(emulator, `${label}-${n++}@courses.example`, userOptions);

  /** A course owned by `owner`, ACTIVE unless told otherwise. */
  async function course(owner: Person, body: Course = {}): Promise<Course> {
    const { data } = await owner.api.courses.create({ requestBody: { name: 'Chemistry', ownerId: 'me', courseState: 'ACTIVE', ...body } });
    return data;
  }

  /** The course as its owner sees it now: the "nothing changed" check. */
  async function reread(owner: Person, id: string): Promise<Course> {
    return (await owner.api.courses.get({ id })).data;
  }

  async function addTeacher(courseId: string, who: Person) {
    await admin.api.courses.teachers.create({ courseId, requestBody: { userId: who.email } });
  }

  async function addStudent(courseId: string, who: Person) {
    await admin.api.courses.students.create({ courseId, requestBody: { userId: who.email } });
  }

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, 'admin@courses.example', { admin: true });
    teacher = await person(emulator, 'teacher@courses.example', { verifiedTeacher: true });
    coteacher = await person(emulator, 'coteacher@courses.example');
    student = await person(emulator, 'student@courses.example');
    otherAdmin = await person(emulator, 'admin@other-courses.example', { admin: true });
    outsider = await person(emulator, 'teacher@other-courses.example');
  });
  afterAll(() => emulator.close());

  it('creates a course owned by the caller and lists it', async () => {
    const { data } = await teacher.api.courses.create({ requestBody: { name: 'Biology 10', section: 'B', ownerId: 'me' } });
    expect(data).toMatchObject({ name: 'Biology 10', section: 'B', ownerId: teacher.id, courseState: 'PROVISIONED' });
    expect(data.id).toMatch(/^\d{12}$/);
    expect(data.enrollmentCode).toMatch(/^\w{7}$/);
    const got = await teacher.api.courses.get({ id: data.id! });
    expect(got.data).toEqual(data);
    const listed = await teacher.api.courses.list({ teacherId: 'me' });
    expect(listed.data.courses?.map((c) => c.id)).toContain(data.id);
  });

  describe('CourseNotModifiable', () => {
    it('an archived course rejects a patch of another field but takes a state change with it', async () => {
      const created = await course(teacher, { name: 'History' });
      await teacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
      const before = await reread(teacher, created.id!);
      const { status, body } = await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'name', requestBody: { name: 'History II' } }));
      expect(status).toBe(400);
      expect(body).toEqual(precondition('CourseNotModifiable', 'The course is ARCHIVED; only its state can be changed.'));
      expect(await reread(teacher, created.id!)).toEqual(before);

      const revived = await teacher.api.courses.patch({
        id: created.id!,
        updateMask: 'courseState,name',
        requestBody: { courseState: 'ACTIVE', name: 'History II' },
      });
      expect(revived.data).toMatchObject({ courseState: 'ACTIVE', name: 'History II' });
    });

    it('courses.update on an archived course', async () => {
      const created = await course(teacher, { name: 'Geography', section: '1' });
      await teacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
      const before = await reread(teacher, created.id!);
      const { body } = await failure(
        teacher.api.courses.update({ id: created.id!, requestBody: { name: 'Geography', section: '2', courseState: 'ARCHIVED' } }),
      );
      expect(body).toEqual(precondition('CourseNotModifiable', 'The course is ARCHIVED; only its state can be changed.'));
      expect(await reread(teacher, created.id!)).toEqual(before);
    });

    it('a course suspended by Google rejects every change, its state included', async () => {
      const created = await course(teacher, { name: 'Music' });
      await emulator.admin.patchCourse(created.id!, { courseState: 'SUSPENDED' });
      const before = await reread(teacher, created.id!);
      const expected = precondition('CourseNotModifiable', 'The course is suspended and cannot be changed.');
      expect((await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'name', requestBody: { name: 'Music II' } }))).body).toEqual(expected);
      expect(
        (await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: 'ACTIVE' } }))).body,
      ).toEqual(expected);
      expect((await failure(teacher.api.courses.update({ id: created.id!, requestBody: { name: 'Music III' } }))).body).toEqual(expected);
      expect(await reread(teacher, created.id!)).toEqual(before);
    });
  });

  it('InactiveCourseOwner: a course whose owner was deleted cannot be patched', async () => {
    const owner = await someone('leaving');
    const created = await course(owner, { name: 'Latin' });
    await addTeacher(created.id!, coteacher);
    await emulator.admin.updateUser(owner.email, { state: 'DELETED' });
    const before = await reread(admin, created.id!);
    const expected = precondition('InactiveCourseOwner', "The course owner's account is no longer active; the owner's administrator must restore it first.");
    expect((await failure(admin.api.courses.patch({ id: created.id!, updateMask: 'room', requestBody: { room: '12' } }))).body).toEqual(expected);
    expect((await failure(coteacher.api.courses.patch({ id: created.id!, updateMask: 'section', requestBody: { section: 'A' } }))).body).toEqual(
      expected,
    );
    expect(await reread(admin, created.id!)).toEqual(before);
    // Restoring the account is the fix.
    await emulator.admin.updateUser(owner.email, { state: 'ACTIVE' });
    const { data } = await admin.api.courses.patch({ id: created.id!, updateMask: 'room', requestBody: { room: '12' } });
    expect(data.room).toBe('12');
  });

  describe('ownership', () => {
    it('IneligibleOwner: the new owner must already teach the course', async () => {
      const created = await course(teacher, { name: 'Drama' });
      await addStudent(created.id!, student);
      const before = await reread(teacher, created.id!);
      const expected = precondition('IneligibleOwner', 'The new owner must already be a teacher of the course.');
      expect((await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'ownerId', requestBody: { ownerId: student.email } }))).body).toEqual(
        expected,
      );
      expect((await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'ownerId', requestBody: { ownerId: admin.id } }))).body).toEqual(
        expected,
      );
      expect(await reread(teacher, created.id!)).toEqual(before);
    });

    it('a co-teacher becomes owner; the previous owner stays a teacher', async () => {
      const owner = await someone('handover');
      const created = await course(owner, { name: 'Art' });
      await addTeacher(created.id!, coteacher);
      const { data } = await owner.api.courses.patch({ id: created.id!, updateMask: 'owner_id', requestBody: { ownerId: coteacher.email } });
      expect(data.ownerId).toBe(coteacher.id);
      const teachers = await coteacher.api.courses.teachers.list({ courseId: created.id! });
      expect(teachers.data.teachers?.map((t) => t.userId).sort()).toEqual([owner.id, coteacher.id].sort());
    });

    it('only the owner or an admin may hand the course over', async () => {
      const created = await course(teacher, { name: 'Dance' });
      await addTeacher(created.id!, coteacher);
      const before = await reread(teacher, created.id!);
      const { body } = await failure(coteacher.api.courses.patch({ id: created.id!, updateMask: 'ownerId', requestBody: { ownerId: coteacher.id } }));
      expect(body).toEqual(denied('Only the course owner or a domain administrator can transfer ownership.'));
      expect(await reread(teacher, created.id!)).toEqual(before);
    });

    it('PendingInvitationExists: ownerId cannot change while an ownership invitation waits', async () => {
      const owner = await someone('transfer');
      const heir = await someone('heir');
      const created = await course(owner, { name: 'Physics' });
      await addTeacher(created.id!, heir);
      await addTeacher(created.id!, coteacher);
      await owner.api.invitations.create({ requestBody: { courseId: created.id!, userId: heir.email, role: 'OWNER' } });
      const before = await reread(owner, created.id!);
      const { status, body } = await failure(
        owner.api.courses.patch({ id: created.id!, updateMask: 'ownerId', requestBody: { ownerId: coteacher.email } }),
      );
      expect(status).toBe(400);
      expect(body).toEqual(precondition('PendingInvitationExists', 'An ownership transfer invitation for this course is still pending.'));
      expect(await reread(owner, created.id!)).toEqual(before);
    });
  });

  describe('UserCannotOwnCourse', () => {
    async function courseCount(): Promise<number> {
      return (await emulator.env.store.read.courses.all()).length;
    }

    it('a non-admin names someone else as owner', async () => {
      const count = await courseCount();
      const { status, body } = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: admin.email } }));
      expect(status).toBe(400);
      expect(body).toEqual(
        precondition('UserCannotOwnCourse', `The requesting user may only create courses that they own themselves, not ones owned by ${admin.email}.`),
      );
      expect(await courseCount()).toBe(count);
    });

    it('an admin names a user who does not exist', async () => {
      const count = await courseCount();
      const { body } = await failure(admin.api.courses.create({ requestBody: { name: 'X', ownerId: 'nobody@courses.example' } }));
      expect(body).toEqual(precondition('UserCannotOwnCourse', 'No user nobody@courses.example exists to own the course.'));
      expect(await courseCount()).toBe(count);
    });

    it('an admin names a user of another domain', async () => {
      const count = await courseCount();
      const { body } = await failure(admin.api.courses.create({ requestBody: { name: 'X', ownerId: outsider.id } }));
      expect(body).toEqual(precondition('UserCannotOwnCourse', `${outsider.email} is outside the domain courses.example and cannot own its courses.`));
      expect(await courseCount()).toBe(count);
    });

    it('an admin creates a course for a teacher of their domain', async () => {
      const { data } = await admin.api.courses.create({ requestBody: { name: 'Economics', ownerId: coteacher.email } });
      expect(data.ownerId).toBe(coteacher.id);
      expect((await coteacher.api.courses.get({ id: data.id! })).data.enrollmentCode).toBe(data.enrollmentCode);
    });
  });

  it('courses.create: PERMISSION_DENIED for a user who may not create courses; FAILED_PRECONDITION for a disabled owner', async () => {
    const count = (await emulator.env.store.read.courses.all()).length;
    const barred = await someone('barred', { canCreateCourses: false });
    expect((await failure(barred.api.courses.create({ requestBody: { name: 'No', ownerId: 'me' } }))).body).toEqual(
      denied('The requesting user is not permitted to create courses.'),
    );
    const away = await someone('away');
    await emulator.admin.updateUser(away.email, { state: 'SUSPENDED' });
    expect((await failure(admin.api.courses.create({ requestBody: { name: 'No', ownerId: away.email } }))).body).toEqual(
      plainPrecondition("The course owner's account is disabled."),
    );
    const nameless = await failure(teacher.api.courses.create({ requestBody: { ownerId: 'me' } }));
    expect(nameless.body).toEqual(invalid('The course name is required.', 'course.name'));
    const ownerless = await failure(teacher.api.courses.create({ requestBody: { name: 'X' } }));
    expect(ownerless.body).toEqual(invalid('The course owner (ownerId) is required.', 'course.owner_id'));
    expect((await emulator.env.store.read.courses.all()).length).toBe(count);
  });

  it('UserGroupsMembershipLimitReached: an owner already in 3000 groups cannot take a course', async () => {
    const full = await someone('busy', { groupMemberships: 3000 });
    const expected = precondition('UserGroupsMembershipLimitReached', `${full.email} is already a member of 3000 groups, the most an account may join.`);
    expect((await failure(full.api.courses.create({ requestBody: { name: 'Spanish', ownerId: 'me' } }))).body).toEqual(expected);
    expect((await failure(admin.api.courses.create({ requestBody: { name: 'Spanish', ownerId: full.id } }))).body).toEqual(expected);
    expect((await full.api.courses.list({ teacherId: 'me' })).data).toEqual({});
    await emulator.admin.updateUser(full.email, { groupMemberships: 2999 });
    expect((await full.api.courses.create({ requestBody: { name: 'Spanish', ownerId: 'me' } })).data.ownerId).toBe(full.id);
  });

  it('CourseTitleCannotContainUrl on create, patch and update', async () => {
    const expected = precondition('CourseTitleCannotContainUrl', 'The course title must not contain a URL.');
    const owner = await someone('titles');
    expect((await failure(owner.api.courses.create({ requestBody: { name: 'See https://example.com/x', ownerId: 'me' } }))).body).toEqual(expected);
    expect((await owner.api.courses.list({ teacherId: 'me' })).data).toEqual({});
    const created = await course(owner, { name: 'Robotics' });
    expect((await failure(owner.api.courses.patch({ id: created.id!, updateMask: 'name', requestBody: { name: 'www.robots.org' } }))).body).toEqual(
      expected,
    );
    expect((await failure(owner.api.courses.update({ id: created.id!, requestBody: { name: 'robots.com club' } }))).body).toEqual(expected);
    expect(await reread(owner, created.id!)).toEqual(created);
  });

  describe('states', () => {
    it('PROVISIONED → ACTIVE → ARCHIVED → ACTIVE, and DECLINED → PROVISIONED', async () => {
      const created = await course(teacher, { name: 'Astronomy', courseState: 'PROVISIONED' });
      for (const state of ['ACTIVE', 'ARCHIVED', 'ACTIVE']) {
        const { data } = await teacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: state } });
        expect(data.courseState).toBe(state);
      }
      const declined = await course(teacher, { name: 'Geology', courseState: 'PROVISIONED' });
      await teacher.api.courses.patch({ id: declined.id!, updateMask: 'courseState', requestBody: { courseState: 'DECLINED' } });
      const back = await teacher.api.courses.patch({ id: declined.id!, updateMask: 'courseState', requestBody: { courseState: 'PROVISIONED' } });
      expect(back.data.courseState).toBe('PROVISIONED');
    });

    it('refuses ACTIVE → PROVISIONED and PROVISIONED → ARCHIVED', async () => {
      const active = await course(teacher, { name: 'Botany' });
      const { body } = await failure(teacher.api.courses.patch({ id: active.id!, updateMask: 'courseState', requestBody: { courseState: 'PROVISIONED' } }));
      expect(body).toEqual(plainPrecondition('A course cannot move from ACTIVE to PROVISIONED.'));
      expect(await reread(teacher, active.id!)).toEqual(active);
      const provisioned = await course(teacher, { name: 'Zoology', courseState: 'PROVISIONED' });
      const second = await failure(teacher.api.courses.patch({ id: provisioned.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } }));
      expect(second.body).toEqual(plainPrecondition('A course cannot move from PROVISIONED to ARCHIVED.'));
      expect(await reread(teacher, provisioned.id!)).toEqual(provisioned);
    });

    it('only the owner or an admin changes the state; co-teachers edit the rest', async () => {
      const created = await course(teacher, { name: 'Ecology' });
      await addTeacher(created.id!, coteacher);
      const { body } = await failure(coteacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } }));
      expect(body).toEqual(denied('Only the course owner or a domain administrator can change the state of the course.'));
      expect(await reread(teacher, created.id!)).toEqual(created);
      const { data } = await coteacher.api.courses.patch({ id: created.id!, updateMask: 'room', requestBody: { room: 'Lab 2' } });
      expect(data.room).toBe('Lab 2');
      const archived = await admin.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
      expect(archived.data.courseState).toBe('ARCHIVED');
    });

    it('a state named in the mask must be given, and a course is created PROVISIONED or ACTIVE only', async () => {
      const created = await course(teacher, { name: 'Optics' });
      const missing = await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: {} }));
      expect(missing.body).toEqual(invalid('courseState must name a state when the update mask includes it.', 'course.course_state'));
      const unspecified = await failure(
        teacher.api.courses.patch({ id: created.id!, updateMask: 'courseState', requestBody: { courseState: 'COURSE_STATE_UNSPECIFIED' } }),
      );
      expect(unspecified.body).toEqual(missing.body);
      expect(await reread(teacher, created.id!)).toEqual(created);
      const archived = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: 'me', courseState: 'ARCHIVED' } }));
      expect(archived.body).toEqual(invalid('A course can only be created as PROVISIONED or ACTIVE, not ARCHIVED.', 'course.course_state'));
    });
  });

  describe('update masks', () => {
    it('a missing, empty or unknown mask is INVALID_ARGUMENT naming update_mask', async () => {
      const created = await course(teacher, { name: 'Calculus' });
      const required = invalid('An update mask is required: name the fields to change in updateMask.', 'update_mask');
      expect((await failure(teacher.api.courses.patch({ id: created.id!, requestBody: { name: 'Y' } }))).body).toEqual(required);
      expect((await failure(teacher.api.courses.patch({ id: created.id!, updateMask: '', requestBody: { name: 'Y' } }))).body).toEqual(required);
      expect((await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'name,enrollmentCode', requestBody: { name: 'Y' } }))).body).toEqual(
        invalid('The update mask names a field that cannot be changed: enrollmentCode.', 'update_mask'),
      );
      expect((await failure(teacher.api.courses.patch({ id: created.id!, updateMask: 'name,,room', requestBody: { name: 'Y' } }))).body).toEqual(
        invalid('The update mask has an empty field name.', 'update_mask'),
      );
      expect(await reread(teacher, created.id!)).toEqual(created);
    });

    it('proto names are accepted, fields left out of the mask stay, masked fields without a value are cleared', async () => {
      const created = await course(teacher, { name: 'Algebra', section: 'A', room: '7' });
      const { data } = await teacher.api.courses.patch({
        id: created.id!,
        updateMask: 'description_heading,room',
        requestBody: { descriptionHeading: 'Welcome', section: 'ignored' },
      });
      expect(data).toMatchObject({ name: 'Algebra', section: 'A', descriptionHeading: 'Welcome' });
      expect(data.room).toBeUndefined();
    });

    it('courses.update replaces every writable field and requires a name', async () => {
      const created = await course(teacher, { name: 'Statistics', section: 'S', room: '3' });
      const { data } = await teacher.api.courses.update({ id: created.id!, requestBody: { name: 'Statistics II', description: 'Data' } });
      expect(data).toMatchObject({ name: 'Statistics II', description: 'Data', courseState: 'ACTIVE' });
      expect(data.section).toBeUndefined();
      expect(data.room).toBeUndefined();
      const before = await reread(teacher, created.id!);
      const { body } = await failure(teacher.api.courses.update({ id: created.id!, requestBody: { section: 'T' } }));
      expect(body).toEqual(invalid('The course name cannot be empty.', 'course.name'));
      expect(await reread(teacher, created.id!)).toEqual(before);
    });
  });

  describe('courses.list', () => {
    let lister: Person;
    let pupil: Person;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      lister = await someone('lister');
      pupil = await someone('pupil');
      for (const [name, state] of [
        ['L1', 'ACTIVE'],
        ['L2', 'ACTIVE'],
        ['L3', 'PROVISIONED'],
        ['L4', 'ACTIVE'],
        ['L5', 'ACTIVE'],
      ] as const) {
        ids[name] = (await course(lister, { name, courseState: state })).id!;
      }
      await lister.api.courses.patch({ id: ids.L4!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
      await addStudent(ids.L1!, pupil);
      await addStudent(ids.L2!, pupil);
      await emulator.admin.patchCourse(ids.L5!, { courseState: 'SUSPENDED' });
    });

    const names = (courses: Course[] | undefined) => (courses ?? []).map((c) => c.name).sort();

    it('filters by teacher, student and repeated courseStates; SUSPENDED only when asked', async () => {
      expect(names((await lister.api.courses.list({ teacherId: 'me' })).data.courses)).toEqual(['L1', 'L2', 'L3', 'L4']);
      expect(names((await lister.api.courses.list({ teacherId: 'me', courseStates: ['ACTIVE', 'ARCHIVED'] })).data.courses)).toEqual(['L1', 'L2', 'L4']);
      expect(names((await lister.api.courses.list({ teacherId: lister.email, courseStates: ['SUSPENDED'] })).data.courses)).toEqual(['L5']);
      expect(names((await lister.api.courses.list({ studentId: pupil.id })).data.courses)).toEqual(['L1', 'L2']);
      expect(names((await pupil.api.courses.list({ studentId: 'me' })).data.courses)).toEqual(['L1', 'L2']);
      expect(names((await pupil.api.courses.list({ teacherId: lister.id })).data.courses)).toEqual(['L1', 'L2']);
      expect(names((await admin.api.courses.list({ teacherId: lister.id, courseStates: ['SUSPENDED', 'PROVISIONED'] })).data.courses)).toEqual(['L3', 'L5']);
    });

    it('returns the newest first, over several pages', async () => {
      const seen: string[] = [];
      let pageToken: string | undefined;
      let pages = 0;
      do {
        const { data } = await lister.api.courses.list({ teacherId: 'me', pageSize: 2, ...(pageToken ? { pageToken } : {}) });
        expect(data.courses!.length).toBeLessThanOrEqual(2);
        seen.push(...data.courses!.map((c) => c.name!));
        pageToken = data.nextPageToken ?? undefined;
        pages++;
      } while (pageToken);
      expect(pages).toBe(2);
      expect([...seen].sort()).toEqual(['L1', 'L2', 'L3', 'L4']);
      const all = (await lister.api.courses.list({ teacherId: 'me' })).data.courses!.map((c) => c.name);
      expect(seen).toEqual(all);
      const times = (await lister.api.courses.list({ teacherId: 'me' })).data.courses!.map((c) => c.creationTime!);
      expect([...times].sort().reverse()).toEqual(times);

      const three = await lister.api.courses.list({ teacherId: 'me', pageSize: 1 });
      expect(three.data.courses).toHaveLength(1);
      expect(three.data.nextPageToken).toBeTruthy();
    });

    it('rejects a page token replayed with other filters', async () => {
      const first = await lister.api.courses.list({ teacherId: 'me', pageSize: 1 });
      const { body } = await failure(lister.api.courses.list({ teacherId: 'me', courseStates: ['ACTIVE'], pageSize: 1, pageToken: first.data.nextPageToken! }));
      expect(body).toEqual(invalid('The page token is not valid for this request.', 'page_token'));
      const garbage = await failure(lister.api.courses.list({ pageToken: 'not-a-token' }));
      expect(garbage.body).toEqual(invalid('The page token is not valid for this request.', 'page_token'));
    });

    it('INVALID_ARGUMENT for an unknown state or a negative page size', async () => {
      expect((await failure(lister.api.courses.list({ courseStates: ['OPEN'] }))).body).toEqual(
        invalid(`Invalid value at 'course_states' (TYPE_ENUM), "OPEN"`, 'course_states'),
      );
      expect((await failure(lister.api.courses.list({ pageSize: -1 }))).body).toEqual(invalid('pageSize must not be negative.', 'page_size'));
    });

    it('NOT_FOUND when a filter names nobody', async () => {
      const { body } = await failure(lister.api.courses.list({ studentId: 'ghost@courses.example' }));
      expect(body).toEqual(notFound('No user ghost@courses.example.'));
      expect((await failure(lister.api.courses.list({ teacherId: '999999999999999999999' }))).body).toEqual(notFound('No user 999999999999999999999.'));
    });
  });

  describe('aliases in course paths', () => {
    it('get and patch accept a project alias given at creation; a domain alias resolves in its domain only', async () => {
      const created = await course(teacher, { name: 'Alias Biology', id: 'p:bio-2026' });
      expect((await teacher.api.courses.get({ id: 'p:bio-2026' })).data).toEqual(created);
      const { data } = await teacher.api.courses.patch({ id: 'p:bio-2026', updateMask: 'room', requestBody: { room: 'B1' } });
      expect(data).toMatchObject({ id: created.id, room: 'B1' });

      const owned = await admin.api.courses.create({ requestBody: { name: 'Alias Maths', ownerId: teacher.id, id: 'd:maths-101' } });
      expect((await teacher.api.courses.get({ id: 'd:maths-101' })).data.id).toBe(owned.data.id);
      // The other domain's namespace has no such alias.
      expect((await failure(otherAdmin.api.courses.get({ id: 'd:maths-101' }))).body).toEqual(notFound('Requested entity was not found.'));
    });

    it('ALREADY_EXISTS for an alias already taken; a non-admin cannot claim a domain alias; a malformed one is INVALID_ARGUMENT', async () => {
      const count = (await emulator.env.store.read.courses.all()).length;
      await course(teacher, { name: 'Taken', id: 'p:taken' });
      const { status, body } = await failure(teacher.api.courses.create({ requestBody: { name: 'Again', ownerId: 'me', id: 'p:taken' } }));
      expect(status).toBe(409);
      expect(body).toEqual(wire(409, 'ALREADY_EXISTS', 'duplicate', 'The alias p:taken is already taken.'));
      const domain = await failure(teacher.api.courses.create({ requestBody: { name: 'Mine', ownerId: 'me', id: 'd:mine' } }));
      expect(domain.body).toEqual(denied('Only a domain administrator can give a course a domain alias.'));
      const malformed = await failure(teacher.api.courses.create({ requestBody: { name: 'Mine', ownerId: 'me', id: 'x:mine' } }));
      expect(malformed.body).toEqual(
        invalid(
          'A course id given at creation must be an alias: d: or p: followed by letters, digits or _ . - ~ (256 characters at most).',
          'course.id',
        ),
      );
      expect((await emulator.env.store.read.courses.all()).length).toBe(count + 1);
    });
  });

  describe('delete', () => {
    it('co-teachers and students may not delete; the owner and an admin may', async () => {
      const created = await course(teacher, { name: 'Doomed' });
      await addTeacher(created.id!, coteacher);
      await addStudent(created.id!, student);
      const before = await reread(teacher, created.id!);
      const expected = denied('Only the course owner or a domain administrator can delete the course.');
      expect((await failure(coteacher.api.courses.delete({ id: created.id! }))).body).toEqual(expected);
      expect((await failure(student.api.courses.delete({ id: created.id! }))).body).toEqual(expected);
      expect((await failure(otherAdmin.api.courses.delete({ id: created.id! }))).body).toEqual(
        denied('The caller does not have permission to view this course.'),
      );
      expect(await reread(teacher, created.id!)).toEqual(before);
      await teacher.api.courses.delete({ id: created.id! });
      expect((await failure(teacher.api.courses.get({ id: created.id! }))).body).toEqual(notFound('Requested entity was not found.'));

      const second = await course(teacher, { name: 'Doomed too' });
      await admin.api.courses.delete({ id: second.id! });
      expect((await failure(admin.api.courses.delete({ id: second.id! }))).body).toEqual(notFound('Requested entity was not found.'));
    });
  });

  describe('grading period settings', () => {
    const periods = [
      { title: 'Term 1', startDate: { year: 2026, month: 9, day: 1 }, endDate: { year: 2026, month: 12, day: 18 } },
      { title: 'Term 2', startDate: { year: 2027, month: 1, day: 5 }, endDate: { year: 2027, month: 3, day: 26 } },
    ];

    it('UserIneligibleToUpdateGradingPeriodSettings without a licence for the caller or the owner', async () => {
      const unlicensed = await someone('unlicensed');
      const plain = await course(unlicensed, { name: 'Grades A' });
      const { status, body } = await failure(
        unlicensed.api.courses.updateGradingPeriodSettings({ courseId: plain.id!, updateMask: 'gradingPeriods', requestBody: { gradingPeriods: periods } }),
      );
      expect(status).toBe(403);
      expect(body).toEqual(
        wire(403, 'PERMISSION_DENIED', 'forbidden', '@UserIneligibleToUpdateGradingPeriodSettings The requesting user has no licence that allows grading periods.'),
      );
      // A licensed co-teacher in the same course still meets the owner's missing licence.
      await addTeacher(plain.id!, teacher);
      const owner = await failure(
        teacher.api.courses.updateGradingPeriodSettings({ courseId: plain.id!, updateMask: 'gradingPeriods', requestBody: { gradingPeriods: periods } }),
      );
      expect(owner.body).toEqual(
        wire(403, 'PERMISSION_DENIED', 'forbidden', '@UserIneligibleToUpdateGradingPeriodSettings The course owner has no licence that allows grading periods.'),
      );
      expect((await unlicensed.api.courses.getGradingPeriodSettings({ courseId: plain.id! })).data).toEqual({});
    });

    it('a licensed owner sets, edits and removes periods; unknown ids and overlaps are rejected', async () => {
      const created = await course(teacher, { name: 'Grades B' });
      const { data } = await teacher.api.courses.updateGradingPeriodSettings({
        courseId: created.id!,
        updateMask: 'grading_periods,apply_to_existing_coursework',
        requestBody: { gradingPeriods: periods, applyToExistingCoursework: true },
      });
      expect(data.applyToExistingCoursework).toBe(true);
      expect(data.gradingPeriods).toHaveLength(2);
      const [first, second] = data.gradingPeriods!;
      expect(first).toEqual({ ...periods[0], id: expect.stringMatching(/^\d+$/) });
      expect((await teacher.api.courses.getGradingPeriodSettings({ courseId: created.id! })).data).toEqual(data);

      const edited = await teacher.api.courses.updateGradingPeriodSettings({
        courseId: created.id!,
        updateMask: 'gradingPeriods',
        requestBody: { gradingPeriods: [{ ...second!, title: 'Spring' }] },
      });
      expect(edited.data.gradingPeriods).toEqual([{ ...second, title: 'Spring' }]);

      const unknown = await failure(
        teacher.api.courses.updateGradingPeriodSettings({
          courseId: created.id!,
          updateMask: 'gradingPeriods',
          requestBody: { gradingPeriods: [{ ...periods[0], id: '42' }] },
        }),
      );
      expect(unknown.body).toEqual(invalid('Grading period 1 names an id the course does not have: 42.', 'grading_periods[0].id'));
      const overlap = await failure(
        teacher.api.courses.updateGradingPeriodSettings({
          courseId: created.id!,
          updateMask: 'gradingPeriods',
          requestBody: { gradingPeriods: [periods[0]!, { ...periods[1]!, startDate: { year: 2026, month: 12, day: 1 } }] },
        }),
      );
      expect(overlap.body).toEqual(invalid('Grading period 2 overlaps the one before it.', 'grading_periods[1].start_date'));
      const badDate = await failure(
        teacher.api.courses.updateGradingPeriodSettings({
          courseId: created.id!,
          updateMask: 'gradingPeriods',
          requestBody: { gradingPeriods: [{ ...periods[0]!, endDate: { year: 2026, month: 2, day: 30 } }] },
        }),
      );
      expect(badDate.body).toEqual(invalid('Grading period 1 needs a valid end date.', 'grading_periods[0].end_date'));
      expect((await teacher.api.courses.getGradingPeriodSettings({ courseId: created.id! })).data).toEqual(edited.data);

      const mask = await failure(teacher.api.courses.updateGradingPeriodSettings({ courseId: created.id!, requestBody: {} }));
      expect(mask.body).toEqual(invalid('An update mask is required: name the fields to change in updateMask.', 'update_mask'));
    });

    it('students may read but not change grading periods', async () => {
      const created = await course(teacher, { name: 'Grades C' });
      await addStudent(created.id!, student);
      expect((await student.api.courses.getGradingPeriodSettings({ courseId: created.id! })).data).toEqual({});
      const { body } = await failure(
        student.api.courses.updateGradingPeriodSettings({ courseId: created.id!, updateMask: 'gradingPeriods', requestBody: { gradingPeriods: periods } }),
      );
      expect(body).toEqual(denied('The caller may not change grading periods of this course.'));
    });
  });

  it('rejects unknown fields and bad enums with the field named', async () => {
    const unknown = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: 'me', colour: 'red' } as never }));
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual(
      invalid('Invalid JSON payload received. Unknown name "colour": Cannot find field.', ''),
    );
    const badEnum = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: 'me', courseState: 'OPEN' } }));
    expect(badEnum.body).toEqual(invalid(`Invalid value at 'course.course_state' (TYPE_ENUM), "OPEN"`, 'course.course_state'));
  });
});
