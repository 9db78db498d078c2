import type { classroom_v1 } from '@googleapis/classroom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminApiError } from '../src/admin/client.js';
import {
  checkGuardianCapacity,
  checkGuardianEmail,
  checkGuardianManager,
  checkGuardianViewer,
  checkInvitationInput,
  checkInvitationPatch,
  checkNotSelf,
  studentRefKind,
} from '../src/rules/guardians.js';
import { denied, failure, invalid, notFound, officialClient, person, type Person, startEmulator, STORES, wire } from './helpers/harness.js';

type Invitation = classroom_v1.Schema$GuardianInvitation;const CANNOT_VIEW = denied("The caller is not permitted to view this student's guardians.");
const CANNOT_MANAGE = denied("The caller is not permitted to manage this student's guardians.");

describe('guardian rules', () => {
  const none = { self: false, admin: false, teacher: false };

  it('recognises student references', () => {
    expect(studentRefKind('me', { wildcard: false })).toBe('me');
    expect(studentRefKind('-', { wildcard: true })).toBe('any');
    expect(studentRefKind('-', { wildcard: false })).toBeUndefined();
    expect(studentRefKind('123456789', { wildcard: false })).toBe('id');
    expect(studentRefKind('kid@school.example', { wildcard: false })).toBe('email');
    expect(studentRefKind('not a user', { wildcard: true })).toBeUndefined();
    expect(studentRefKind(`${'a'.repeat(250)}@x.example`, { wildcard: false })).toBeUndefined();
  });

  it('the student, their teachers and their admins view; only teachers and admins manage', () => {
    expect(checkGuardianViewer({ ...none, self: true })).toBeUndefined();
    expect(checkGuardianViewer({ ...none, teacher: true })).toBeUndefined();
    expect(checkGuardianViewer(none)?.code).toBe('PERMISSION_DENIED');
    expect(checkGuardianManager({ ...none, self: true })?.code).toBe('PERMISSION_DENIED');
    expect(checkGuardianManager({ ...none, admin: true })).toBeUndefined();
  });

  it('checks invitation bodies', () => {
    expect(checkInvitationInput({ studentId: 'me', invitedEmailAddress: 'mum@home.example' })).toBeUndefined();
    expect(checkInvitationInput({ studentId: 'me', invitedEmailAddress: 'mum@home.example', state: 'PENDING' })).toBeUndefined();
    expect(checkInvitationInput({ studentId: 'me', invitedEmailAddress: 'mum@home.example', state: 'COMPLETE' })?.fieldViolations?.[0]?.field).toBe(
      'guardian_invitation.state',
    );
    expect(checkInvitationInput({ studentId: 'me', invitedEmailAddress: 'x', invitationId: '1' })?.fieldViolations?.[0]?.field).toBe(
      'guardian_invitation.invitation_id',
    );
    expect(checkInvitationInput({ invitedEmailAddress: 'mum@home.example' })?.fieldViolations?.[0]?.field).toBe('guardian_invitation.student_id');
    expect(checkGuardianEmail('no-at-sign')?.code).toBe('INVALID_ARGUMENT');
    expect(checkGuardianEmail(`${'a'.repeat(250)}@x.example`)?.code).toBe('INVALID_ARGUMENT');
    expect(checkNotSelf('Kid@School.example', 'kid@school.example')?.code).toBe('INVALID_ARGUMENT');
  });

  it('counts guardians and pending invitations against the limit', () => {
    expect(checkGuardianCapacity(19, 0, 20)).toBeUndefined();
    expect(checkGuardianCapacity(18, 2, 20)?.code).toBe('RESOURCE_EXHAUSTED');
  });

  it('lets a patch only withdraw a pending invitation', () => {
    expect(checkInvitationPatch({ state: 'PENDING' }, ['state'], { state: 'COMPLETE' })).toBeUndefined();
    expect(checkInvitationPatch({ state: 'PENDING' }, ['state'], { state: 'PENDING' })?.code).toBe('INVALID_ARGUMENT');
    expect(checkInvitationPatch({ state: 'PENDING' }, ['state', 'invitedEmailAddress'], { state: 'COMPLETE' })?.code).toBe('INVALID_ARGUMENT');
    expect(checkInvitationPatch({ state: 'COMPLETE' }, ['state'], { state: 'COMPLETE' })?.code).toBe('FAILED_PRECONDITION');
  });
});

describe.each(STORES)('guardians and guardian invitations on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let admin: Person;
  let teacher: Person;
  let student: Person;
  let classmate: Person;
  let stranger: Person;
  let foreignAdmin: Person;
  let n = 0;

  const invite = (by: Person, studentRef: string, email: string) =>
    by.api.userProfiles.guardianInvitations.create({ studentId: studentRef, requestBody: { studentId: studentRef, invitedEmailAddress: email } });

  /** Every invitation of a student, whatever its state: the "nothing changed" check. */
  async function invitationsOf(who: Person): Promise<Invitation[]> {
    const { data } = await admin.api.userProfiles.guardianInvitations.list({ studentId: who.id, states: ['PENDING', 'COMPLETE'] });
    return data.guardianInvitations ?? [];
  }

  async function guardiansOf(who: Person): Promise<string[]> {
    const { data } = await admin.api.userProfiles.guardians.list({ studentId: who.id });
    return (data.guardians ?? []).map((g) => g.invitedEmailAddress!).sort();
  }

  /** A fresh student enrolled in the teacher's course. */
  async function pupil(): Promise<Person> {
    const kid = await person(emulator, `kid-${n++}@guardians.example`);
    await admin.api.courses.students.create({ courseId, requestBody: { userId: kid.email } });
    return kid;
  }

  let courseId: string;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    admin = await person(emulator, 'admin@guardians.example', { admin: true });
    teacher = await person(emulator, 'teacher@guardians.example');
    stranger = await person(emulator, 'stranger@guardians.example');
    foreignAdmin = await person(emulator, 'admin@elsewhere-guardians.example', { admin: true });
    courseId = (await teacher.api.courses.create({ requestBody: { name: 'Homeroom', ownerId: 'me', courseState: 'ACTIVE' } })).data.id!;
    student = await pupil();
    classmate = await pupil();
  });
  afterAll(() => emulator.close());

  it('a teacher invites, the guardian accepts, and the link appears', async () => {
    const { data: created } = await invite(teacher, student.email, 'Mum@Family.example');
    // The invited address is only visible to domain administrators: the inviting teacher gets it back without.
    expect(created).toEqual({
      studentId: student.id,
      invitationId: expect.stringMatching(/^\d+$/),
      state: 'PENDING',
      creationTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const full = { ...created, invitedEmailAddress: 'mum@family.example' };
    expect((await admin.api.userProfiles.guardianInvitations.get({ studentId: student.id, invitationId: created.invitationId! })).data).toEqual(full);
    expect((await teacher.api.userProfiles.guardianInvitations.get({ studentId: student.id, invitationId: created.invitationId! })).data).toEqual(created);
    expect((await student.api.userProfiles.guardianInvitations.list({ studentId: 'me' })).data).toEqual({ guardianInvitations: [created] });

    const accepted = await emulator.admin.acceptGuardianInvitation(created.invitationId!);
    const mum = await emulator.admin.getUser('mum@family.example');
    expect(accepted).toEqual({
      invitation: { ...full, state: 'COMPLETE' },
      guardian: { studentId: student.id, guardianId: mum.id, invitedEmailAddress: 'mum@family.example' },
    });

    const expected = {
      studentId: student.id,
      guardianId: mum.id,
      guardianProfile: {
        id: mum.id,
        name: { givenName: 'Mum', familyName: '', fullName: 'Mum' },
        emailAddress: 'mum@family.example',
        photoUrl: `//lh3.googleusercontent.com/a/emulator-${mum.id}`,
      },
    };
    expect((await teacher.api.userProfiles.guardians.list({ studentId: student.id })).data).toEqual({ guardians: [expected] });
    expect((await student.api.userProfiles.guardians.get({ studentId: 'me', guardianId: mum.id })).data).toEqual(expected);
    expect((await admin.api.userProfiles.guardians.get({ studentId: student.id, guardianId: mum.id })).data).toEqual({ ...expected, invitedEmailAddress: 'mum@family.example' });
    // Pending only by default: the completed invitation has left the default listing.
    expect((await teacher.api.userProfiles.guardianInvitations.list({ studentId: student.id })).data).toEqual({});
    expect((await teacher.api.userProfiles.guardianInvitations.list({ studentId: student.id, states: ['COMPLETE'] })).data).toEqual({
      guardianInvitations: [{ ...created, state: 'COMPLETE' }],
    });

    // The guardian, once an account, sees the student's profile.
    const { accessToken } = await emulator.admin.mintToken({ user: 'mum@family.example' });
    expect((await officialClient(emulator, accessToken).userProfiles.get({ userId: student.id })).data.id).toBe(student.id);
  });

  it('ALREADY_EXISTS for a second pending invitation, or for an address that already is a guardian', async () => {
    await invite(teacher, student.id, 'dad@family.example');
    const before = await invitationsOf(student);
    const pending = await failure(invite(admin, student.id, 'DAD@family.example'));
    expect(pending.status).toBe(409);
    expect(pending.body).toEqual(wire(409, 'ALREADY_EXISTS', 'duplicate', 'dad@family.example already has a pending guardian invitation for this student.'));
    const linked = await failure(invite(teacher, student.id, 'mum@family.example'));
    expect(linked.body).toEqual(wire(409, 'ALREADY_EXISTS', 'duplicate', 'mum@family.example already is a guardian of this student.'));
    expect(await invitationsOf(student)).toEqual(before);
  });

  describe('patch withdraws a pending invitation', () => {
    it('PENDING → COMPLETE without making a guardian; then FAILED_PRECONDITION', async () => {
      const kid = await pupil();
      const { data: created } = await invite(teacher, kid.id, 'aunt@family.example');
      const { data } = await teacher.api.userProfiles.guardianInvitations.patch({
        studentId: kid.id,
        invitationId: created.invitationId!,
        updateMask: 'state',
        requestBody: { state: 'COMPLETE' },
      });
      expect(data).toEqual({ ...created, state: 'COMPLETE' });
      expect(await guardiansOf(kid)).toEqual([]);

      const before = await invitationsOf(kid);
      const again = await failure(
        teacher.api.userProfiles.guardianInvitations.patch({ studentId: kid.id, invitationId: created.invitationId!, updateMask: 'state', requestBody: { state: 'COMPLETE' } }),
      );
      expect(again.status).toBe(400);
      expect(again.body).toEqual(wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', 'The guardian invitation is no longer pending.'));
      // A withdrawn invitation cannot be accepted either.
      const late = await emulator.admin.acceptGuardianInvitation(created.invitationId!).catch((e: unknown) => e);
      expect(late).toBeInstanceOf(AdminApiError);
      expect((late as AdminApiError).body).toEqual(wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', 'The guardian invitation is no longer pending.'));
      expect(await invitationsOf(kid)).toEqual(before);
      expect(await guardiansOf(kid)).toEqual([]);
    });

    it('INVALID_ARGUMENT for another state, another field or no mask; NOT_FOUND for an unknown invitation', async () => {
      const kid = await pupil();
      const { data: created } = await invite(admin, kid.id, 'uncle@family.example');
      const id = created.invitationId!;
      const patch = (updateMask: string | undefined, requestBody: Invitation) =>
        failure(teacher.api.userProfiles.guardianInvitations.patch({ studentId: kid.id, invitationId: id, ...(updateMask !== undefined ? { updateMask } : {}), requestBody }));
      expect((await patch('state', { state: 'PENDING' })).body).toEqual(
        invalid('A guardian invitation can only be changed to COMPLETE.', 'guardian_invitation.state'),
      );
      expect((await patch('state,invitedEmailAddress', { state: 'COMPLETE', invitedEmailAddress: 'x@y.example' })).body).toEqual(
        invalid('The update mask names a field that cannot be changed: invitedEmailAddress.', 'update_mask'),
      );
      expect((await patch(undefined, { state: 'COMPLETE' })).body).toEqual(
        invalid('An update mask is required: name the fields to change in updateMask.', 'update_mask'),
      );
      const unknown = await failure(
        teacher.api.userProfiles.guardianInvitations.patch({ studentId: kid.id, invitationId: '999', updateMask: 'state', requestBody: { state: 'COMPLETE' } }),
      );
      expect(unknown.body).toEqual(notFound('The student has no guardian invitation 999.'));
      expect(await invitationsOf(kid)).toEqual([created]);
    });
  });

  describe('who may do what', () => {
    it('students view their own guardians but cannot invite; strangers and other domains see nothing', async () => {
      const before = await invitationsOf(student);
      expect((await failure(invite(student, 'me', 'friend@family.example'))).body).toEqual(CANNOT_MANAGE);
      expect((await failure(invite(stranger, student.id, 'friend@family.example'))).body).toEqual(CANNOT_MANAGE);
      expect((await failure(invite(foreignAdmin, student.email, 'friend@family.example'))).body).toEqual(CANNOT_MANAGE);
      expect((await failure(stranger.api.userProfiles.guardians.list({ studentId: student.id }))).body).toEqual(CANNOT_VIEW);
      expect((await failure(stranger.api.userProfiles.guardianInvitations.list({ studentId: student.id }))).body).toEqual(CANNOT_VIEW);
      expect((await failure(classmate.api.userProfiles.guardians.list({ studentId: student.id }))).body).toEqual(CANNOT_VIEW);
      expect((await failure(foreignAdmin.api.userProfiles.guardians.get({ studentId: student.id, guardianId: '1' }))).body).toEqual(CANNOT_VIEW);
      expect(await invitationsOf(student)).toEqual(before);
      // The guardianlinks.me.readonly scope is enough for a student to read their own links.
      const { accessToken } = await emulator.admin.mintToken({ user: student.email, scopes: ['classroom.guardianlinks.me.readonly'] });
      expect(((await officialClient(emulator, accessToken).userProfiles.guardians.list({ studentId: 'me' })).data.guardians ?? []).length).toBe(1);
    });

    it("'-' and the invitedEmailAddress filter are for domain administrators", async () => {
      const everyone = await admin.api.userProfiles.guardians.list({ studentId: '-' });
      expect(everyone.data.guardians?.map((g) => g.invitedEmailAddress)).toEqual(['mum@family.example']);
      const filtered = await admin.api.userProfiles.guardians.list({ studentId: student.id, invitedEmailAddress: 'mum@family.example' });
      expect(filtered.data.guardians).toHaveLength(1);
      expect((await admin.api.userProfiles.guardians.list({ studentId: '-', invitedEmailAddress: 'dad@family.example' })).data).toEqual({});
      const pending = await admin.api.userProfiles.guardianInvitations.list({ studentId: '-', invitedEmailAddress: 'dad@family.example' });
      expect(pending.data.guardianInvitations?.map((i) => i.studentId)).toEqual([student.id]);
      expect((await foreignAdmin.api.userProfiles.guardians.list({ studentId: '-' })).data).toEqual({});

      expect((await failure(teacher.api.userProfiles.guardians.list({ studentId: '-' }))).body).toEqual(
        denied('Only a domain administrator can use - for every student.'),
      );
      expect((await failure(teacher.api.userProfiles.guardianInvitations.list({ studentId: '-' }))).body).toEqual(
        denied('Only a domain administrator can use - for every student.'),
      );
      expect((await failure(teacher.api.userProfiles.guardians.list({ studentId: student.id, invitedEmailAddress: 'mum@family.example' }))).body).toEqual(
        denied('Only a domain administrator can filter guardians by invited address.'),
      );
      // Teachers may filter invitations by address: the reference restricts only the guardians filter.
      const mine = await teacher.api.userProfiles.guardianInvitations.list({ studentId: student.id, invitedEmailAddress: 'dad@family.example' });
      expect(mine.data.guardianInvitations).toHaveLength(1);
    });
  });

  describe('malformed and unknown references', () => {
    it('INVALID_ARGUMENT: an unrecognisable student, a bad address, read-only fields, a state other than PENDING', async () => {
      const before = await invitationsOf(student);
      const studentText = '"not a user" is not a student reference: use a user id, an email address or me.';
      expect((await failure(invite(teacher, 'not a user', 'x@family.example'))).body).toEqual(
        invalid(studentText, 'guardian_invitation.student_id'),
      );
      expect((await failure(teacher.api.userProfiles.guardians.list({ studentId: 'not a user' }))).body).toEqual(invalid(studentText, 'student_id'));
      expect((await failure(invite(teacher, student.id, 'not-an-address'))).body).toEqual(
        invalid('"not-an-address" is not a valid email address.', 'invited_email_address'),
      );
      const long = `${'a'.repeat(250)}@family.example`;
      expect((await failure(invite(teacher, student.id, long))).body).toEqual(
        invalid('The guardian address is longer than 254 characters.', 'invited_email_address'),
      );
      const readOnly = await failure(
        teacher.api.userProfiles.guardianInvitations.create({
          studentId: student.id,
          requestBody: { studentId: student.id, invitedEmailAddress: 'x@family.example', invitationId: '5' },
        }),
      );
      expect(readOnly.body).toEqual(
        invalid('invitationId is set by Classroom and cannot be given when inviting a guardian.', 'guardian_invitation.invitation_id'),
      );
      const complete = await failure(
        teacher.api.userProfiles.guardianInvitations.create({
          studentId: student.id,
          requestBody: { studentId: student.id, invitedEmailAddress: 'x@family.example', state: 'COMPLETE' },
        }),
      );
      expect(complete.body).toEqual(invalid('A new guardian invitation can only be PENDING.', 'guardian_invitation.state'));
      const noStudent = await failure(teacher.api.userProfiles.guardianInvitations.create({ studentId: student.id, requestBody: { invitedEmailAddress: 'x@family.example' } }));
      expect(noStudent.body).toEqual(invalid('studentId is required.', 'guardian_invitation.student_id'));
      const mismatch = await failure(
        teacher.api.userProfiles.guardianInvitations.create({ studentId: student.id, requestBody: { studentId: classmate.id, invitedEmailAddress: 'x@family.example' } }),
      );
      expect(mismatch.body).toEqual(invalid('studentId in the invitation must name the student of the request path.', 'guardian_invitation.student_id'));
      expect((await failure(invite(teacher, student.id, student.email))).body).toEqual(
        invalid('A student cannot be invited as their own guardian.', 'invited_email_address', 'the student cannot be their own guardian'),
      );
      expect(await invitationsOf(student)).toEqual(before);
    });

    it('NOT_FOUND for an unknown student or invitation; guardians.get answers PERMISSION_DENIED for an unknown student', async () => {
      expect((await failure(invite(admin, '100000000000000000042', 'x@family.example'))).body).toEqual(notFound('No student 100000000000000000042.'));
      expect((await failure(admin.api.userProfiles.guardianInvitations.list({ studentId: 'ghost@guardians.example' }))).body).toEqual(
        notFound('No student ghost@guardians.example.'),
      );
      expect((await failure(teacher.api.userProfiles.guardianInvitations.get({ studentId: student.id, invitationId: '777' }))).body).toEqual(
        notFound('The student has no guardian invitation 777.'),
      );
      expect((await failure(admin.api.userProfiles.guardians.get({ studentId: 'ghost@guardians.example', guardianId: '1' }))).body).toEqual(CANNOT_VIEW);
      expect((await failure(admin.api.userProfiles.guardians.get({ studentId: student.id, guardianId: '1' }))).body).toEqual(
        notFound('The student has no guardian 1.'),
      );
      const unknownAccept = await emulator.admin.acceptGuardianInvitation('4242').catch((e: unknown) => e);
      expect((unknownAccept as AdminApiError).body).toEqual(notFound('No guardian invitation 4242.'));
    });
  });

  it('RESOURCE_EXHAUSTED when guardians and pending invitations reach the limit', async () => {
    const kid = await pupil();
    await emulator.admin.setLimits({ studentGuardians: 2 });
    try {
      const { data: first } = await invite(teacher, kid.id, 'g1@family.example');
      await emulator.admin.acceptGuardianInvitation(first.invitationId!);
      await invite(teacher, kid.id, 'g2@family.example');
      const before = await invitationsOf(kid);
      const { status, body } = await failure(invite(teacher, kid.id, 'g3@family.example'));
      expect(status).toBe(429);
      expect(body).toEqual(
        wire(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'The student already has 2 guardians or pending guardian invitations, the most allowed.'),
      );
      expect(await invitationsOf(kid)).toEqual(before);
    } finally {
      await emulator.admin.setLimits({ studentGuardians: 20 });
    }
  });

  it('racing invitations never pass the limit, and one invitation is accepted once', async () => {
    const kid = await pupil();
    await emulator.admin.setLimits({ studentGuardians: 3 });
    try {
      const results = await Promise.allSettled([1, 2, 3, 4, 5, 6, 7, 8].map((i) => invite(teacher, kid.id, `racer${i}@family.example`)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      for (const lost of results.filter((r) => r.status === 'rejected')) {
        expect((await failure(Promise.reject((lost as PromiseRejectedResult).reason))).body).toEqual(
          wire(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'The student already has 3 guardians or pending guardian invitations, the most allowed.'),
        );
      }
      expect(await invitationsOf(kid)).toHaveLength(3);
      const [first] = await invitationsOf(kid);
      const accepts = await Promise.allSettled([1, 2, 3, 4].map(() => emulator.admin.acceptGuardianInvitation(first!.invitationId!)));
      expect(accepts.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const lost of accepts.filter((r) => r.status === 'rejected')) {
        expect(((lost as PromiseRejectedResult).reason as AdminApiError).body).toEqual(
          wire(400, 'FAILED_PRECONDITION', 'failedPrecondition', 'The guardian invitation is no longer pending.'),
        );
      }
      expect(await guardiansOf(kid)).toEqual([first!.invitedEmailAddress]);
    } finally {
      await emulator.admin.setLimits({ studentGuardians: 20 });
    }
  });

  it('teachers and admins remove guardians; students may not', async () => {
    const kid = await pupil();
    const { data } = await invite(admin, kid.email, 'gran@family.example');
    const { guardian } = (await emulator.admin.acceptGuardianInvitation(data.invitationId!)) as { guardian: { guardianId: string } };
    expect((await failure(kid.api.userProfiles.guardians.delete({ studentId: 'me', guardianId: guardian.guardianId }))).body).toEqual(CANNOT_MANAGE);
    expect(await guardiansOf(kid)).toEqual(['gran@family.example']);
    await teacher.api.userProfiles.guardians.delete({ studentId: kid.id, guardianId: guardian.guardianId });
    expect(await guardiansOf(kid)).toEqual([]);
    expect((await failure(admin.api.userProfiles.guardians.delete({ studentId: kid.id, guardianId: guardian.guardianId }))).body).toEqual(
      notFound(`The student has no guardian ${guardian.guardianId}.`),
    );
    // The same address can be invited again once the link is gone.
    expect((await invite(teacher, kid.id, 'gran@family.example')).data.state).toBe('PENDING');
  });

  it('lists invitations over pages', async () => {
    const kid = await pupil();
    for (const who of ['p1', 'p2', 'p3']) await invite(teacher, kid.id, `${who}@family.example`);
    const first = await admin.api.userProfiles.guardianInvitations.list({ studentId: kid.id, pageSize: 2 });
    expect(first.data.guardianInvitations?.map((i) => i.invitedEmailAddress)).toEqual(['p1@family.example', 'p2@family.example']);
    const second = await admin.api.userProfiles.guardianInvitations.list({ studentId: kid.id, pageSize: 2, pageToken: first.data.nextPageToken! });
    expect(second.data.guardianInvitations?.map((i) => i.invitedEmailAddress)).toEqual(['p3@family.example']);
    expect(second.data.nextPageToken).toBeUndefined();
  });
});
