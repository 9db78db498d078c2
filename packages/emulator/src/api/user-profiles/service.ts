import type { Env } from '../../env.js';
import { fail } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import type { Repos } from '../../store/repos.js';
import type { UserRow } from '../../store/schema.js';
import { seesEmails, seesPhotos, toUserProfile, type UserProfile } from './schema.js';

/**
 * Whether the caller may see a user's profile: themself, an administrator of the user's domain,
 * someone who shares a course with them, or a guardian link between the two.
 */
export async function canSeeProfile(repos: Repos, caller: Caller, user: UserRow): Promise<boolean> {
  if (user.id === caller.user.id) return true;
  if (caller.user.is_admin === 1 && caller.user.domain === user.domain) return true;
  if ((await repos.members.shared(caller.user.id, user.id)).length > 0) return true;
  const link = (await repos.guardians.get(user.id, caller.user.id)) ?? (await repos.guardians.get(caller.user.id, user.id));
  return link !== undefined;
}

/**
 * userProfiles.get: `me`, a user id or an email address. Per the reference an unknown user and an
 * invisible one answer alike (PERMISSION_DENIED), so a caller cannot probe which accounts exist.
 * The address needs the profile.emails scope; CREATE_COURSE is listed for the caller themself.
 */
export async function getUserProfile(env: Env, caller: Caller, ref: string): Promise<UserProfile> {
  const repos = env.store.read;
  const user = await resolveUser(repos, caller, ref);
  if (!user || !(await canSeeProfile(repos, caller, user))) {
    fail('PERMISSION_DENIED', 'The caller is not permitted to view this user profile.');
  }
  const self = user.id === caller.user.id;
  return toUserProfile(user, { showEmail: seesEmails(caller.scopes), showPhoto: seesPhotos(caller.scopes), self });
}
