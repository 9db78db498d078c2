import { fileURLToPath } from 'node:url';
import type { GoogleErrorBody } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDistrict } from '../src/seed/district.js';
import { loadFixture, parseFixture, type FixtureProgress } from '../src/seed/fixture.js';
import { adminFailure, failure, invalid, officialClient, startEmulator, STORES } from './helpers/harness.js';

const D = 'fixtures.example';

const SCHOOL = `
domains:
  - { name: ${D} }
projects:
  - { id: fixture-app, name: Fixture App }
users:
  - { email: head@${D}, name: Hana Head, admin: true }
  - { email: ms.lee@${D}, name: Mina Lee, verifiedTeacher: true }
  - { email: mr.kim@${D}, name: { givenName: Jun, familyName: Kim } }
  - { email: gone@${D}, state: DELETED }
  - { email: ann@${D}, canCreateCourses: false }
  - { email: ben@${D}, canCreateCourses: false, groupMemberships: 7 }
tokens:
  - { user: head@${D}, project: fixture-app, token: fx-admin }
  - { user: ms.lee@${D}, project: fixture-app, token: fx-lee, scopes: [classroom.courses, classroom.rosters] }
  - { user: ann@${D}, project: fixture-app, token: fx-ann }
courses:
  - key: bio
    alias: d:bio
    name: Biology
    section: "10A"
    owner: ms.lee@${D}
    teachers: [mr.kim@${D}]
    students: [ann@${D}, ben@${D}]
    enrollmentCode: bio1234
  - key: old
    alias: [d:art, d:art-2019]
    name: Art
    owner: gone@${D}
    state: ARCHIVED
    teachers: [mr.kim@${D}]
  - key: moving
    name: Chemistry
    owner: mr.kim@${D}
    teachers: [ms.lee@${D}]
    teacherFolderOwner: ms.lee@${D}
    transferFrom: ms.lee@${D}
    transferMinutesLeft: 3
invitations:
  - { course: bio, user: head@${D}, role: TEACHER }
joins:
  - { user: ann@${D}, count: 4 }
`;

const adminBody = async (promise: Promise<unknown>) => (await adminFailure(promise)).body;

describe.each(STORES)('fixtures on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
  });
  afterAll(() => emulator.close());

  it('loads a YAML school and the official client sees it through the fixed tokens and aliases', async () => {
    const summary = await emulator.admin.loadFixture(SCHOOL);
    expect(summary).toMatchObject({ users: 6, courses: 3, aliases: 3, members: 8, invitations: 1, joins: 4, tokens: 3, projects: 1 });
    const lee = officialClient(emulator, 'fx-lee');
    const { data: bio } = await lee.courses.get({ id: 'd:bio' });
    expect(bio).toMatchObject({ id: summary.courseIds.bio, name: 'Biology', section: '10A', courseState: 'ACTIVE', ownerId: summary.userIds[`ms.lee@${D}`], enrollmentCode: 'bio1234' });
    const { data: students } = await lee.courses.students.list({ courseId: 'd:bio' });
    expect(students.students?.map((s) => s.userId).sort()).toEqual([summary.userIds[`ann@${D}`], summary.userIds[`ben@${D}`]].sort());
    expect((await emulator.admin.getUser(`mr.kim@${D}`)).name).toMatchObject({ givenName: 'Jun', familyName: 'Kim' });
    expect((await emulator.admin.grants({ user: `ms.lee@${D}` })).grants[0]?.scopes).toEqual([
      'https://www.googleapis.com/auth/classroom.courses',
      'https://www.googleapis.com/auth/classroom.rosters',
    ]);
  });

  it('holds states the API cannot reach: a deleted owner, a transfer half done', async () => {
    const { courses } = await emulator.admin.courses({ domain: D });
    const art = courses.find((c) => c.name === 'Art');
    expect(art).toMatchObject({ courseState: 'ARCHIVED', owner: { email: `gone@${D}`, state: 'DELETED' }, aliases: ['d:art', 'd:art-2019'] });
    const chem = courses.find((c) => c.name === 'Chemistry');
    expect(chem?.transfer).toMatchObject({ fromEmail: `ms.lee@${D}`, inProgress: true });
    expect(chem?.teacherFolderOwner).toMatchObject({ email: `ms.lee@${D}`, pinned: true });
    const { body } = await failure(officialClient(emulator, 'fx-admin').courses.patch({ id: 'd:art', updateMask: 'courseState', requestBody: { courseState: 'ACTIVE' } }));
    expect(body.error.message).toMatch(/^@InactiveCourseOwner /);
  });

  it('adds to what is there: a second fixture refers to the first one\'s users', async () => {
    const summary = await emulator.admin.loadFixture({
      users: [{ email: `cara@${D}` }],
      courses: [{ key: 'maths', alias: 'd:maths', name: 'Maths', owner: `ms.lee@${D}`, students: [`ann@${D}`, `cara@${D}`] }],
    });
    expect(summary).toMatchObject({ users: 1, courses: 1, members: 3 });
    const { data } = await officialClient(emulator, 'fx-ann').courses.list({ studentId: 'me' });
    expect(data.courses?.map((c) => c.name).sort()).toEqual(['Biology', 'Maths']);
  });

  it('names the bad entry by its path and writes nothing', async () => {
    const before = (await emulator.admin.listUsers({ domain: D })).users.length;
    const unknownOwner = { users: [{ email: `dan@${D}` }], courses: [{ key: 'a', name: 'A', owner: `dan@${D}` }, { key: 'b', name: 'B', owner: `x@${D}` }] };
    expect(await adminBody(emulator.admin.loadFixture(unknownOwner))).toEqual(invalid(`Invalid fixture: courses[1].owner: no user x@${D}.`, 'courses[1].owner'));
    expect((await emulator.admin.listUsers({ domain: D })).users.length).toBe(before);

    expect(await adminBody(emulator.admin.loadFixture({ users: [{ email: `ann@${D}` }] }))).toEqual(
      invalid(`Invalid fixture: users[0].email: a user ann@${D} already exists.`, 'users[0].email'),
    );
    expect(await adminBody(emulator.admin.loadFixture({ users: [{ email: `eve@${D}`, colour: 'red' }] }))).toEqual(invalid('Unknown field "users[0].colour".', 'users[0].colour'));
    expect(await adminBody(emulator.admin.loadFixture({ invitations: [{ course: 'bio', user: `ann@${D}`, role: 'GUEST' }] }))).toEqual(
      invalid('Invalid value for "invitations[0].role": expected one of STUDENT, TEACHER, OWNER.', 'invitations[0].role'),
    );
    expect(await adminBody(emulator.admin.loadFixture({ invitations: [{ course: 'nope', user: `ann@${D}`, role: 'STUDENT' }] }))).toEqual(
      invalid('Invalid fixture: invitations[0].course: no course with key nope in this fixture.', 'invitations[0].course'),
    );
    expect(await adminBody(emulator.admin.loadFixture({ courses: [{ key: 'c', name: 'C', owner: `ann@${D}`, students: [`ann@${D}`] }] }))).toEqual(
      invalid(`Invalid fixture: courses[0].students[0]: ann@${D} is already a teacher of the course.`, 'courses[0].students[0]'),
    );
    expect(await adminBody(emulator.admin.loadFixture({ courses: [{ key: 'c', alias: 'd:bio', name: 'C', owner: `ann@${D}` }] }))).toEqual(
      invalid(`Invalid fixture: courses[0].alias: the alias d:bio is already taken in ${D}.`, 'courses[0].alias'),
    );
    expect(await adminBody(emulator.admin.loadFixture('users: [unclosed'))).toMatchObject({ error: { code: 400, status: 'INVALID_ARGUMENT' } });
    expect((await emulator.admin.listUsers({ domain: D })).users.length).toBe(before);
  });

  it('accepts JSON sent as JSON, YAML as application/yaml or text/yaml, and refuses other media types', async () => {
    const post = (type: string, body: string) =>
      fetch(`${emulator.url}/emulator/v1/fixtures`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('application/json', JSON.stringify({ users: [{ email: `json@${D}` }] }))).status).toBe(200);
    expect((await post('text/yaml', `users:\n  - email: yaml@${D}\n`)).status).toBe(200);
    expect((await post('application/yaml; charset=utf-8', `users:\n  - email: yaml2@${D}\n`)).status).toBe(200);
    const refused = await post('text/csv', 'email\nx@y.example');
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as GoogleErrorBody).error.details).toEqual([
      expect.objectContaining({ fieldViolations: [expect.objectContaining({ field: 'content-type' })] }),
    ]);
  });

  it('loads a generated district in batches, reporting progress', async () => {
    const size = { users: 600, courses: 25, enrollments: 1200, domain: 'district.fixtures.example' };
    const fixture = generateDistrict(size);
    expect(generateDistrict(size)).toEqual(fixture);
    const progress: FixtureProgress[] = [];
    const summary = await loadFixture(emulator.env, fixture, { onProgress: (p) => progress.push(p) });
    expect(summary).toMatchObject({ users: 600, courses: 25, members: 1225 });
    const last = progress.at(-1);
    expect(last).toMatchObject({ phase: 'done' });
    expect(last?.done).toBe(last?.total);
    expect(progress.every((p, i) => i === 0 || p.done >= (progress[i - 1]?.done ?? 0))).toBe(true);
    const { courses } = await emulator.admin.courses({ domain: size.domain });
    expect(courses.reduce((n, c) => n + c.members.students, 0)).toBe(1200);
    const { data } = await officialClient(emulator, 'district-admin').courses.list({ pageSize: 100 });
    expect(data.courses).toHaveLength(25);
  });
});

describe('the example fixtures', () => {
  it('small-school.yaml loads at start and its tokens work', async () => {
    const emulator = await startEmulator({ fixture: fileURLToPath(new URL('../examples/small-school.yaml', import.meta.url)) });
    try {
      expect(emulator.seeding.fixture).toMatchObject({ users: 5, courses: 2, invitations: 1 });
      const { data } = await officialClient(emulator, 'oak-teacher').courses.get({ id: 'd:algebra-1' });
      expect(data).toMatchObject({ name: 'Algebra I', enrollmentCode: 'alg1234' });
    } finally {
      await emulator.close();
    }
  });
});

describe('the fixture format', () => {
  it('parses YAML and JSON and reports the first bad entry with its path', () => {
    expect(parseFixture('users: [{ email: a@b.example }]')).toEqual({ users: [{ email: 'a@b.example' }] });
    expect(parseFixture('{"users": []}', 'application/json')).toEqual({ users: [] });
    expect(parseFixture('')).toEqual({});
    expect(() => parseFixture('courses: [{ key: k, name: N }]')).toThrow('Invalid fixture: courses[0].owner: required.');
    expect(() => parseFixture('tokens: [{ user: a@b.example, via: magic }]')).toThrow('Invalid fixture: tokens[0].via: expected one of oauth, dwd.');
  });
});
