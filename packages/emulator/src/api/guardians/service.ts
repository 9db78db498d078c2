import type { Env } from '../../env.js';
import { enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import { checkDomainWideListing, checkGuardianManager, checkGuardianViewer } from '../../rules/guardians.js';
import type { Repos } from '../../store/repos.js';
import type { GuardianRow } from '../../store/schema.js';
import { finishPage, type Page } from '../paging.js';
import { seesEmails, seesPhotos } from '../user-profiles/schema.js';
import { loadOneStudent, loadStudent } from './access.js';
import { toGuardian, type Guardian } from './schema.js';

async function present(repos: Repos, caller: Caller, rows: GuardianRow[]): Promise<Guardian[]> {
  const users = await repos.users.byIds(rows.map((r) => r.guardian_id));
  const showEmail = seesEmails(caller.scopes);
  const showPhoto = seesPhotos(caller.scopes);
  // The invited address is only visible to domain administrators, who only ever see their own domain's students.
  const showInvitedEmail = caller.user.is_admin === 1;
  return rows.flatMap((row) => {
    const guardian = users.get(row.guardian_id);
    return guardian ? [toGuardian(row, guardian, { showEmail, showPhoto, showInvitedEmail })] : [];
  });
}

/**
 * userProfiles.guardians.list: one student's guardians (the student, their teachers, their domain's
 * admins), or with `-` every guardian in the caller's domain (admins only). Filtering by the invited
 * address is for domain administrators.
 */
export async function listGuardians(
  env: Env,
  caller: Caller,
  studentRef: string,
  invitedEmail: string | undefined,
  page: Page,
): Promise<{ guardians?: Guardian[]; nextPageToken?: string }> {
  const repos = env.store.read;
  const loaded = await loadStudent(repos, caller, studentRef, { wildcard: true, unknown: 'NOT_FOUND' });
  const email = invitedEmail?.toLowerCase();
  let rows: GuardianRow[];
  if (loaded === 'any') {
    rows = await repos.guardians.listInDomain(caller.user.domain, email ? { invitedEmail: email } : {}, page.window);
  } else {
    if (email) enforce(checkDomainWideListing(loaded.rel.admin, 'filter guardians by invited address'));
    enforce(checkGuardianViewer(loaded.rel));
    rows = await repos.guardians.list({ studentId: loaded.student.id, ...(email ? { invitedEmail: email } : {}) }, page.window);
  }
  const { items, nextPageToken } = finishPage(page, rows);
  const guardians = await present(repos, caller, items);
  return { ...(guardians.length > 0 ? { guardians } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/** userProfiles.guardians.get */
export async function getGuardian(env: Env, caller: Caller, studentRef: string, guardianId: string): Promise<Guardian> {
  const repos = env.store.read;
  const { student, rel } = await loadOneStudent(repos, caller, studentRef, 'PERMISSION_DENIED');
  enforce(checkGuardianViewer(rel));
  const row = await repos.guardians.get(student.id, guardianId);
  const [guardian] = row ? await present(repos, caller, [row]) : [];
  if (!guardian) fail('NOT_FOUND', `The student has no guardian ${guardianId}.`);
  return guardian;
}

/** userProfiles.guardians.delete: the guardian stops receiving summaries; the invitation stays COMPLETE. */
export async function deleteGuardian(env: Env, caller: Caller, studentRef: string, guardianId: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const { student, rel } = await loadOneStudent(repos, caller, studentRef, 'PERMISSION_DENIED');
    enforce(checkGuardianManager(rel));
    await repos.users.lock(student.id);
    if (!(await repos.guardians.get(student.id, guardianId))) fail('NOT_FOUND', `The student has no guardian ${guardianId}.`);
    await repos.guardians.delete(student.id, guardianId);
    return {};
  });
}
