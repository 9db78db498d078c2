import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, person, startEmulator, STORES, type Person } from './helpers/harness.js';

describe.each(STORES)('courses on $name', ({ options }) => {
  let admin: Person;
  let teacher: Person;
  let emulator: Awaited<ReturnType<typeof startEmulator>>;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, 'admin@courses.example', { admin: true });
    teacher = await person(emulator, 'teacher@courses.example');
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

  it('CourseNotModifiable: an archived course rejects a rename but accepts a state change with it', async () => {
    const { data: course } = await teacher.api.courses.create({ requestBody: { name: 'History', ownerId: 'me', courseState: 'ACTIVE' } });
    await teacher.api.courses.patch({ id: course.id!, updateMask: 'courseState', requestBody: { courseState: 'ARCHIVED' } });
    const { status, body } = await failure(
      teacher.api.courses.patch({ id: course.id!, updateMask: 'name', requestBody: { name: 'History II' } }),
    );
    const message = '@CourseNotModifiable The course is ARCHIVED; only its state can be changed.';
    expect(status).toBe(400);
    expect(body).toEqual({
      error: { code: 400, message, errors: [{ message, domain: 'global', reason: 'failedPrecondition' }], status: 'FAILED_PRECONDITION' },
    });
    expect((await teacher.api.courses.get({ id: course.id! })).data.name).toBe('History');
    const revived = await teacher.api.courses.patch({
      id: course.id!,
      updateMask: 'courseState,name',
      requestBody: { courseState: 'ACTIVE', name: 'History II' },
    });
    expect(revived.data).toMatchObject({ courseState: 'ACTIVE', name: 'History II' });
  });

  it('UserCannotOwnCourse: a teacher names someone else as owner', async () => {
    const { body } = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: admin.email } }));
    expect(body.error.message).toMatch(/^@UserCannotOwnCourse /);
    expect(body.error.status).toBe('FAILED_PRECONDITION');
  });

  it('rejects unknown fields and bad enums with the field named', async () => {
    const unknown = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: 'me', colour: 'red' } as never }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toBe('Invalid JSON payload received. Unknown name "colour": Cannot find field.');
    const badEnum = await failure(teacher.api.courses.create({ requestBody: { name: 'X', ownerId: 'me', courseState: 'OPEN' } }));
    expect(badEnum.body.error.message).toBe(`Invalid value at 'course.course_state' (TYPE_ENUM), "OPEN"`);
    expect(badEnum.body.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'course.course_state', description: badEnum.body.error.message }] },
    ]);
  });
});
