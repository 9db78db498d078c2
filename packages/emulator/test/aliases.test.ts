import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denied, failure, invalid, officialClient, person, type Person, startEmulator, STORES, wire } from './helpers/harness.js';
const UNKNOWN_COURSE = wire(404, 'NOT_FOUND', 'notFound', 'Requested entity was not found.');
describe.each(STORES)('courses.aliases on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let teacher: Person;
  let coteacher: Person;
  let student: Person;
  let foreignAdmin: Person;
  let foreignTeacher: Person;
  let courseId: string;

  /** The aliases a person sees on a course, sorted. */
  async function aliasesSeenBy(who: Person, id = courseId): Promise<string[]> {
    const { data } = await who.api.courses.aliases.list({ courseId: id });
    return (data.aliases ?? []).map((a) => a.alias!).sort();
  }

  /** Every alias row in the store: the "nothing changed" check across namespaces. */
  async function allAliases(): Promise<string[]> {
    return (await emulator.env.store.read.aliases.all()).map((a) => `${a.namespace}/${a.alias}`).sort();
  }

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, 'admin@aliases.example', { admin: true });
    teacher = await person(emulator, 'teacher@aliases.example');
    coteacher = await person(emulator, 'coteacher@aliases.example');
    student = await person(emulator, 'student@aliases.example');
    foreignAdmin = await person(emulator, 'admin@elsewhere-aliases.example', { admin: true });
    foreignTeacher = await person(emulator, 'teacher@elsewhere-aliases.example');
    courseId = (await teacher.api.courses.create({ requestBody: { name: 'Aliased', ownerId: 'me', courseState: 'ACTIVE' } })).data.id!;
    await admin.api.courses.teachers.create({ courseId, requestBody: { userId: coteacher.email } });
    // Users of another domain join by invitation only.
    const invitation = await teacher.api.invitations.create({ requestBody: { courseId, userId: foreignTeacher.email, role: 'TEACHER' } });
    await foreignTeacher.api.invitations.accept({ id: invitation.data.id! });
    await admin.api.courses.students.create({ courseId, requestBody: { userId: student.email } });
  });
  afterAll(() => emulator.close());

  it('a domain admin creates a domain alias; everyone in the domain resolves it', async () => {
    const { data } = await admin.api.courses.aliases.create({ courseId, requestBody: { alias: 'd:sis-1001' } });
    expect(data).toEqual({ alias: 'd:sis-1001' });
    expect((await student.api.courses.get({ id: 'd:sis-1001' })).data.id).toBe(courseId);
    expect(await aliasesSeenBy(teacher)).toContain('d:sis-1001');
    // The alias lives in aliases.example: a member from another domain neither sees nor resolves it.
    expect(await aliasesSeenBy(foreignTeacher)).not.toContain('d:sis-1001');
    expect((await failure(foreignTeacher.api.courses.get({ id: 'd:sis-1001' }))).body).toEqual(UNKNOWN_COURSE);
  });

  it('a teacher creates a project alias, visible only from that Cloud project', async () => {
    await teacher.api.courses.aliases.create({ courseId: courseId, requestBody: { alias: 'p:lms-77' } });
    expect((await teacher.api.courses.get({ id: 'p:lms-77' })).data.id).toBe(courseId);
    const { accessToken } = await emulator.admin.mintToken({ user: teacher.email, project: 'another-app' });
    const elsewhere = officialClient(emulator, accessToken);
    expect((await failure(elsewhere.courses.get({ id: 'p:lms-77' }))).body).toEqual(UNKNOWN_COURSE);
    const listed = await elsewhere.courses.aliases.list({ courseId });
    expect((listed.data.aliases ?? []).map((a) => a.alias)).toEqual(['d:sis-1001']);
    // The same name is free in the other project.
    await elsewhere.courses.aliases.create({ courseId, requestBody: { alias: 'p:lms-77' } });
    expect((await elsewhere.courses.get({ id: 'p:lms-77' })).data.id).toBe(courseId);
  });

  it('ALREADY_EXISTS for an alias already taken in its namespace, even by another course', async () => {
    const other = (await teacher.api.courses.create({ requestBody: { name: 'Other', ownerId: 'me' } })).data.id!;
    const before = await allAliases();
    const { status, body } = await failure(teacher.api.courses.aliases.create({ courseId: other, requestBody: { alias: 'p:lms-77' } }));
    expect(status).toBe(409);
    expect(body).toEqual(wire(409, 'ALREADY_EXISTS', 'duplicate', 'The alias p:lms-77 is already taken.'));
    const again = await failure(admin.api.courses.aliases.create({ courseId, requestBody: { alias: 'd:sis-1001' } }));
    expect(again.body).toEqual(wire(409, 'ALREADY_EXISTS', 'duplicate', 'The alias d:sis-1001 is already taken.'));
    expect(await allAliases()).toEqual(before);
  });

  it('PERMISSION_DENIED: a teacher cannot create a domain alias; a student cannot create any', async () => {
    const before = await allAliases();
    expect((await failure(teacher.api.courses.aliases.create({ courseId, requestBody: { alias: 'd:mine' } }))).body).toEqual(
      denied('Only a domain administrator can manage domain aliases.'),
    );
    expect((await failure(student.api.courses.aliases.create({ courseId, requestBody: { alias: 'p:mine' } }))).body).toEqual(
      denied('Only teachers of the course or a domain administrator can manage its aliases.'),
    );
    expect((await failure(foreignAdmin.api.courses.aliases.create({ courseId, requestBody: { alias: 'p:mine' } }))).body).toEqual(
      denied('The caller does not have permission to view this course.'),
    );
    expect(await allAliases()).toEqual(before);
  });

  it('FAILED_PRECONDITION: a user outside the owner’s domain asks for a domain alias', async () => {
    const before = await allAliases();
    const { status, body } = await failure(foreignTeacher.api.courses.aliases.create({ courseId, requestBody: { alias: 'd:visitor' } }));
    expect(status).toBe(400);
    expect(body).toEqual(
      wire(
        400,
        'FAILED_PRECONDITION',
        'failedPrecondition',
        'A domain alias of this course belongs to aliases.example; users of elsewhere-aliases.example cannot manage it.',
      ),
    );
    const removal = await failure(foreignTeacher.api.courses.aliases.delete({ courseId, alias: 'd:sis-1001' }));
    expect(removal.body).toEqual(body);
    expect(await allAliases()).toEqual(before);
  });

  it('INVALID_ARGUMENT for a malformed alias', async () => {
    const before = await allAliases();
    const text = (alias: string) =>
      `"${alias}" is not an alias: use d:<name> or p:<name> with letters, digits or _ . - ~, at most 256 characters.`;
    for (const alias of ['sis-1001', 'x:abc', 'd:', 'p:has space', `p:${'a'.repeat(255)}`]) {
      const { body } = await failure(teacher.api.courses.aliases.create({ courseId, requestBody: { alias } }));
      expect(body).toEqual(invalid(text(alias), 'course_alias.alias'));
    }
    expect((await failure(teacher.api.courses.aliases.create({ courseId, requestBody: {} }))).body).toEqual(
      invalid('An alias is required.', 'course_alias.alias'),
    );
    expect((await failure(teacher.api.courses.aliases.delete({ courseId, alias: courseId }))).body).toEqual(invalid(text(courseId), 'alias'));
    expect(await allAliases()).toEqual(before);
  });

  it('NOT_FOUND: an unknown course, or an alias the course does not have', async () => {
    const notFound = (text: string) => wire(404, 'NOT_FOUND', 'notFound', text);
    expect((await failure(teacher.api.courses.aliases.create({ courseId: '123456789012', requestBody: { alias: 'p:x' } }))).body).toEqual(
      notFound('Requested entity was not found.'),
    );
    expect((await failure(teacher.api.courses.aliases.list({ courseId: 'p:unknown' }))).body).toEqual(notFound('Requested entity was not found.'));
    const before = await allAliases();
    expect((await failure(teacher.api.courses.aliases.delete({ courseId, alias: 'p:never' }))).body).toEqual(notFound('The course has no alias p:never.'));
    const other = (await teacher.api.courses.create({ requestBody: { name: 'Other 2', ownerId: 'me' } })).data.id!;
    expect((await failure(teacher.api.courses.aliases.delete({ courseId: other, alias: 'p:lms-77' }))).body).toEqual(
      notFound('The course has no alias p:lms-77.'),
    );
    expect(await allAliases()).toEqual(before);
  });

  it('deletes: project aliases by a co-teacher, domain aliases by an admin; the course is then unknown by that name', async () => {
    await coteacher.api.courses.aliases.create({ courseId: 'd:sis-1001', requestBody: { alias: 'p:to-remove' } });
    expect(await aliasesSeenBy(coteacher)).toEqual(['d:sis-1001', 'p:lms-77', 'p:to-remove']);
    await coteacher.api.courses.aliases.delete({ courseId, alias: 'p:to-remove' });
    expect((await failure(coteacher.api.courses.get({ id: 'p:to-remove' }))).body).toEqual(UNKNOWN_COURSE);
    expect((await failure(teacher.api.courses.aliases.delete({ courseId, alias: 'd:sis-1001' }))).body).toEqual(
      denied('Only a domain administrator can manage domain aliases.'),
    );
    await admin.api.courses.aliases.delete({ courseId: 'd:sis-1001', alias: 'd:sis-1001' });
    expect(await aliasesSeenBy(teacher)).toEqual(['p:lms-77']);
  });

  it('requests racing for one alias: exactly one wins, the others get ALREADY_EXISTS', async () => {
    const courses = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (i) => (await teacher.api.courses.create({ requestBody: { name: `Race ${i}`, ownerId: 'me' } })).data.id!),
    );
    const results = await Promise.allSettled(courses.map((id) => teacher.api.courses.aliases.create({ courseId: id, requestBody: { alias: 'p:race' } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const lost of results.filter((r) => r.status === 'rejected')) {
      expect((await failure(Promise.reject((lost as PromiseRejectedResult).reason))).body).toEqual(
        wire(409, 'ALREADY_EXISTS', 'duplicate', 'The alias p:race is already taken.'),
      );
    }
    const before = (await emulator.env.store.read.courses.all()).length;
    const creations = await Promise.allSettled(
      [1, 2, 3, 4].map((i) => teacher.api.courses.create({ requestBody: { name: `Racing ${i}`, ownerId: 'me', id: 'p:race-create' } })),
    );
    expect(creations.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await emulator.env.store.read.courses.all()).length).toBe(before + 1);
  });

  it('lists over pages', async () => {
    const id = (await teacher.api.courses.create({ requestBody: { name: 'Paged', ownerId: 'me' } })).data.id!;
    for (const n of [1, 2, 3]) await teacher.api.courses.aliases.create({ courseId: id, requestBody: { alias: `p:paged-${n}` } });
    const first = await teacher.api.courses.aliases.list({ courseId: id, pageSize: 2 });
    expect(first.data.aliases).toEqual([{ alias: 'p:paged-1' }, { alias: 'p:paged-2' }]);
    const second = await teacher.api.courses.aliases.list({ courseId: id, pageSize: 2, pageToken: first.data.nextPageToken! });
    expect(second.data).toEqual({ aliases: [{ alias: 'p:paged-3' }] });
    // Anyone who sees a course may list its aliases; others may not.
    expect(await aliasesSeenBy(student)).toEqual(['p:lms-77']);
    expect((await failure(student.api.courses.aliases.list({ courseId: id }))).body).toEqual(denied('The caller does not have permission to view this course.'));
  });
});
