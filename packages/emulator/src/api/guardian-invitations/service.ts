import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import { ensureUser } from '../../identity/accounts.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import {
  checkGuardianCapacity,
  checkGuardianManager,
  checkGuardianViewer,
  checkInvitationInput,
  checkInvitationPatch,
  checkNotSelf,
  studentRefKind,
} from '../../rules/guardians.js';
import type { GuardianInvitationRow, GuardianRow } from '../../store/schema.js';
import { readMask } from '../courses/service.js';
import { loadOneStudent, loadStudent } from '../guardians/access.js';
import { finishPage, type Page } from '../paging.js';
import { toGuardianInvitation, type GuardianInvitation } from './schema.js';


/** GuardianInvitation.invitedEmailAddress is only visible to domain administrators. */
function adminView(caller: Caller): { showInvitedEmail: boolean } {
  return { showInvitedEmail: caller.user.is_admin === 1 };
}

/**
 * userProfiles.guardianInvitations.create: a domain admin or one of the student's teachers invites
 * an address. ALREADY_EXISTS when that address already has a pending invitation for the student or
 * already is their guardian; RESOURCE_EXHAUSTED when guardians plus pending invitations reach the
 * limit. The guardian accepts by email in production; here the admin API completes it.
 */
export async function createGuardianInvitation(
  env: Env,
  caller: Caller,
  studentRef: string,
  body: Readonly<Record<string, unknown>>,
): Promise<GuardianInvitation> {
  enforce(checkInvitationInput(body));
  const bodyStudent = body.studentId as string;
  if (!studentRefKind(bodyStudent, { wildcard: false })) {
    invalidArgument(`"${bodyStudent}" is not a student reference: use a user id, an email address or me.`, 'guardian_invitation.student_id');
  }
  const email = (body.invitedEmailAddress as string).toLowerCase();
  return env.store.transaction(async (repos) => {
    const { student, rel } = await loadOneStudent(repos, caller, studentRef, 'NOT_FOUND');
    const named = await resolveUser(repos, caller, bodyStudent);
    if (named?.id !== student.id) {
      invalidArgument('studentId in the invitation must name the student of the request path.', 'guardian_invitation.student_id');
    }
    enforce(checkGuardianManager(rel));
    enforce(checkNotSelf(student.email, email));
    // Counts below are read under the student's row lock, so two invitations cannot both take the last place.
    await repos.users.lock(student.id);
    const [pending] = await repos.guardians.invitations({ studentId: student.id, invitedEmail: email, states: ['PENDING'] }, { offset: 0, limit: 1 });
    if (pending) fail('ALREADY_EXISTS', `${email} already has a pending guardian invitation for this student.`);
    const existing = await repos.guardians.list({ studentId: student.id }, { offset: 0, limit: 100_000 });
    const accounts = await repos.users.byIds(existing.map((g) => g.guardian_id));
    if (existing.some((g) => g.invited_email === email || accounts.get(g.guardian_id)?.email === email)) {
      fail('ALREADY_EXISTS', `${email} already is a guardian of this student.`);
    }
    enforce(checkGuardianCapacity(existing.length, await repos.guardians.pendingInvitations(student.id), env.limits.studentGuardians));
    const row: GuardianInvitationRow = {
      id: env.ids.invitation(),
      student_id: student.id,
      invited_email: email,
      state: 'PENDING',
      created_at: env.clock.now(),
    };
    await repos.guardians.insertInvitation(row);
    return toGuardianInvitation(row, adminView(caller));
  });
}

/** userProfiles.guardianInvitations.get */
export async function getGuardianInvitation(env: Env, caller: Caller, studentRef: string, id: string): Promise<GuardianInvitation> {
  const repos = env.store.read;
  const { student, rel } = await loadOneStudent(repos, caller, studentRef, 'NOT_FOUND');
  enforce(checkGuardianViewer(rel));
  const row = await repos.guardians.invitation(student.id, id);
  if (!row) fail('NOT_FOUND', `The student has no guardian invitation ${id}.`);
  return toGuardianInvitation(row, adminView(caller));
}

/** Filters of guardianInvitations.list. */
export interface InvitationQuery {
  invitedEmail?: string;
  states?: string[];
}

/**
 * userProfiles.guardianInvitations.list: one student's invitations, or with `-` every invitation in
 * the caller's domain (admins only). Only PENDING ones unless `states` says otherwise.
 */
export async function listGuardianInvitations(
  env: Env,
  caller: Caller,
  studentRef: string,
  query: InvitationQuery,
  page: Page,
): Promise<{ guardianInvitations?: GuardianInvitation[]; nextPageToken?: string }> {
  const states = query.states && query.states.length > 0 ? query.states : ['PENDING'];
  if (states.includes('GUARDIAN_INVITATION_STATE_UNSPECIFIED')) invalidArgument('states must name PENDING or COMPLETE.', 'states');
  const email = query.invitedEmail?.toLowerCase();
  const repos = env.store.read;
  const loaded = await loadStudent(repos, caller, studentRef, { wildcard: true, unknown: 'NOT_FOUND' });
  let rows: GuardianInvitationRow[];
  if (loaded === 'any') {
    rows = await repos.guardians.invitationsInDomain(caller.user.domain, { states, ...(email ? { invitedEmail: email } : {}) }, page.window);
  } else {
    enforce(checkGuardianViewer(loaded.rel));
    rows = await repos.guardians.invitations({ studentId: loaded.student.id, states, ...(email ? { invitedEmail: email } : {}) }, page.window);
  }
  const { items, nextPageToken } = finishPage(page, rows);
  const guardianInvitations = items.map((row) => toGuardianInvitation(row, adminView(caller)));
  return { ...(guardianInvitations.length > 0 ? { guardianInvitations } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/**
 * userProfiles.guardianInvitations.patch: the only change is PENDING → COMPLETE, which withdraws the
 * invitation (no guardian link is made).
 */
export async function patchGuardianInvitation(
  env: Env,
  caller: Caller,
  studentRef: string,
  id: string,
  updateMask: unknown,
  body: Readonly<Record<string, unknown>>,
): Promise<GuardianInvitation> {
  const mask = readMask(updateMask, ['state']);
  return env.store.transaction(async (repos) => {
    const { student, rel } = await loadOneStudent(repos, caller, studentRef, 'NOT_FOUND');
    enforce(checkGuardianManager(rel));
    await repos.users.lock(student.id);
    const row = await repos.guardians.invitation(student.id, id);
    if (!row) fail('NOT_FOUND', `The student has no guardian invitation ${id}.`);
    enforce(checkInvitationPatch(row, mask, body));
    await repos.guardians.updateInvitation(row.id, 'COMPLETE');
    return toGuardianInvitation({ ...row, state: 'COMPLETE' }, adminView(caller));
  });
}

/** What completing an invitation produced. */
export interface CompletedInvitation {
  invitation: GuardianInvitation;
  guardian: { studentId: string; guardianId: string; invitedEmailAddress: string };
}

/**
 * The guardian accepts an invitation (production: a link in an email; here: the admin API). The
 * invitation becomes COMPLETE and the guardian link is made; an address without an account gets one,
 * as accepting with a new Google account would. FAILED_PRECONDITION when it is no longer pending,
 * RESOURCE_EXHAUSTED when the student already has the most guardians allowed.
 */
export async function completeGuardianInvitation(env: Env, id: string): Promise<CompletedInvitation> {
  return env.store.transaction(async (repos) => {
    const found = await repos.guardians.invitationById(id);
    if (!found) fail('NOT_FOUND', `No guardian invitation ${id}.`);
    const student = await repos.users.lock(found.student_id);
    // Re-read under the lock: a concurrent withdrawal or acceptance must be seen.
    const row = await repos.guardians.invitationById(id);
    if (!student || !row) fail('NOT_FOUND', `No guardian invitation ${id}.`);
    if (row.state !== 'PENDING') fail('FAILED_PRECONDITION', 'The guardian invitation is no longer pending.');
    const guardian = await ensureUser(env, repos, row.invited_email);
    if (await repos.guardians.get(student.id, guardian.id)) fail('ALREADY_EXISTS', `${row.invited_email} already is a guardian of this student.`);
    // The invitation being completed held one of the places, so it is not counted twice.
    enforce(checkGuardianCapacity(await repos.guardians.count(student.id), 0, env.limits.studentGuardians));
    const link: GuardianRow = { student_id: student.id, guardian_id: guardian.id, invited_email: row.invited_email, created_at: env.clock.now() };
    await repos.guardians.insert(link);
    await repos.guardians.updateInvitation(row.id, 'COMPLETE');
    return {
      invitation: toGuardianInvitation({ ...row, state: 'COMPLETE' }, { showInvitedEmail: true }),
      guardian: { studentId: link.student_id, guardianId: link.guardian_id, invitedEmailAddress: link.invited_email },
    };
  });
}
