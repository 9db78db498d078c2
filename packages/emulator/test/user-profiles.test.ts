import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, officialClient, person, startEmulator, STORES, type Person } from './helpers/harness.js';

const denied = (message: string) => ({ error: { code: 403, message, errors: [{ message, domain: 'global', reason: 'forbidden' }], status: 'PERMISSION_DENIED' } });
const HIDDEN = denied('The caller is not permitted to view this user profile.');

describe.each(STORES)('userProfiles on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let teacher: Person;
  let student: Person;
  let stranger: Person;
  let foreignAdmin: Person;

  /** The profile as production shapes it, given what the caller may see. */
  function profile(who: Person, name: [string, string], extra: Record<string, unknown> = {}) {
    return {
      id: who.id,
      name: { givenName: name[0], familyName: name[1], fullName: `${name[0]} ${name[1]}` },
      photoUrl: `//lh3.googleusercontent.com/a/emulator-${who.id}`,
      ...extra,
    };
  }

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, 'admin@profiles.example', { admin: true, name: 'Ada Admin' });
    teacher = await person(emulator, 'teacher@profiles.example', { name: 'Tess Teacher', verifiedTeacher: true });
    student = await person(emulator, 'student@profiles.example', { name: 'Sam Student', canCreateCourses: false });
    stranger = await person(emulator, 'stranger@profiles.example', { name: 'Stan Stranger' });
    foreignAdmin = await person(emulator, 'admin@elsewhere-profiles.example', { admin: true, name: 'Fay Foreign' });
    const { data } = await teacher.api.courses.create({ requestBody: { name: 'Shared', ownerId: 'me', courseState: 'ACTIVE' } });
    await admin.api.courses.students.create({ courseId: data.id!, requestBody: { userId: student.email } });
  });
  afterAll(() => emulator.close());

  it("'me' shows the caller's own profile with CREATE_COURSE and the address", async () => {
    const { data } = await teacher.api.userProfiles.get({ userId: 'me' });
    expect(data).toEqual(
      profile(teacher, ['Tess', 'Teacher'], {
        emailAddress: 'teacher@profiles.example',
        permissions: [{ permission: 'CREATE_COURSE' }],
        verifiedTeacher: true,
      }),
    );
    // A user who may not create courses has no permissions listed.
    expect((await student.api.userProfiles.get({ userId: 'me' })).data).toEqual(profile(student, ['Sam', 'Student'], { emailAddress: student.email }));
  });

  it('the address needs the classroom.profile.emails scope', async () => {
    const { accessToken } = await emulator.admin.mintToken({ user: teacher.email, scopes: ['classroom.rosters.readonly', 'classroom.profile.photos'] });
    const { data } = await officialClient(emulator, accessToken).userProfiles.get({ userId: student.email });
    expect(data).toEqual(profile(student, ['Sam', 'Student']));
  });

  it('people who share a course see each other, by id or by address', async () => {
    expect((await teacher.api.userProfiles.get({ userId: student.id })).data).toEqual(profile(student, ['Sam', 'Student'], { emailAddress: student.email }));
    expect((await student.api.userProfiles.get({ userId: teacher.email })).data).toEqual(
      profile(teacher, ['Tess', 'Teacher'], { emailAddress: teacher.email, verifiedTeacher: true }),
    );
  });

  it("a domain admin sees every profile of their domain, none of another's", async () => {
    expect((await admin.api.userProfiles.get({ userId: stranger.id })).data).toEqual(profile(stranger, ['Stan', 'Stranger'], { emailAddress: stranger.email }));
    const { status, body } = await failure(foreignAdmin.api.userProfiles.get({ userId: stranger.email }));
    expect(status).toBe(403);
    expect(body).toEqual(HIDDEN);
  });

  it('PERMISSION_DENIED for someone unrelated and, alike, for a user that does not exist', async () => {
    expect((await failure(stranger.api.userProfiles.get({ userId: student.id }))).body).toEqual(HIDDEN);
    expect((await failure(stranger.api.userProfiles.get({ userId: 'nobody@profiles.example' }))).body).toEqual(HIDDEN);
    expect((await failure(stranger.api.userProfiles.get({ userId: '100000000000000000001' }))).body).toEqual(HIDDEN);
  });

  it('needs a profile or roster scope', async () => {
    const { accessToken } = await emulator.admin.mintToken({ user: teacher.email, scopes: ['classroom.courses'] });
    const { status, body } = await failure(officialClient(emulator, accessToken).userProfiles.get({ userId: 'me' }));
    expect(status).toBe(403);
    const message = 'Request had insufficient authentication scopes.';
    expect(body).toEqual({
      error: {
        code: 403,
        message,
        errors: [{ message, domain: 'global', reason: 'insufficientPermissions' }],
        status: 'PERMISSION_DENIED',
        details: [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
            domain: 'googleapis.com',
            metadata: { service: 'classroom.googleapis.com', method: 'classroom.userProfiles.get' },
          },
        ],
      },
    });
  });
});
