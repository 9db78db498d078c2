import { enforce, fail, invalidArgument } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import { checkDomainWideListing, studentRefKind, type GuardianRelation } from '../../rules/guardians.js';
import type { Repos } from '../../store/repos.js';
import type { UserRow } from '../../store/schema.js';

/** A student named in a guardian path, and how the caller stands towards them. */
export interface LoadedStudent {
  student: UserRow;
  rel: GuardianRelation;
}

/** How the caller stands towards a student: themself, their domain's admin, or one of their teachers. */
export async function guardianRelation(repos: Repos, caller: Caller, student: UserRow): Promise<GuardianRelation> {
  const self = student.id === caller.user.id;
  const admin = caller.user.is_admin === 1 && caller.user.domain === student.domain;
  const teacher = !self && (await repos.members.shared(caller.user.id, student.id)).some((c) => c.role_a === 'TEACHER' && c.role_b === 'STUDENT');
  return { self, admin, teacher };
}

/**
 * Resolves the `studentId` of a guardian call. INVALID_ARGUMENT when the reference is neither `me`,
 * an email address nor a user id (nor `-` where `wildcard` allows it); `unknown` says what an
 * unknown student answers, which differs between the methods' references. Returns `'any'` for `-`,
 * after checking the caller is a domain administrator.
 */
export async function loadStudent(
  repos: Repos,
  caller: Caller,
  ref: string,
  options: { wildcard?: boolean; unknown: 'NOT_FOUND' | 'PERMISSION_DENIED' },
): Promise<LoadedStudent | 'any'> {
  const kind = studentRefKind(ref, { wildcard: options.wildcard ?? false });
  if (!kind) invalidArgument(`"${ref}" is not a student reference: use a user id, an email address or me.`, 'student_id');
  if (kind === 'any') {
    enforce(checkDomainWideListing(caller.user.is_admin === 1, 'use - for every student'));
    return 'any';
  }
  const student = await resolveUser(repos, caller, ref);
  if (!student) {
    if (options.unknown === 'PERMISSION_DENIED') fail('PERMISSION_DENIED', "The caller is not permitted to view this student's guardians.");
    fail('NOT_FOUND', `No student ${ref}.`);
  }
  return { student, rel: await guardianRelation(repos, caller, student) };
}

/** {@link loadStudent} for methods that do not accept `-`. */
export async function loadOneStudent(repos: Repos, caller: Caller, ref: string, unknown: 'NOT_FOUND' | 'PERMISSION_DENIED'): Promise<LoadedStudent> {
  const loaded = await loadStudent(repos, caller, ref, { unknown });
  if (loaded === 'any') return fail('INVALID_ARGUMENT', 'A single student is required.');
  return loaded;
}
