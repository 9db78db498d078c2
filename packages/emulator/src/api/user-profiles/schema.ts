import type { UserRow } from '../../store/schema.js';

/** The UserProfile resource, as the API shows it. */
export interface UserProfile {
  id: string;
  name: { givenName: string; familyName: string; fullName: string };
  emailAddress?: string;
  photoUrl?: string;
  permissions?: { permission: string }[];
  verifiedTeacher?: boolean;
}

/**
 * Maps a user row to the UserProfile resource. Email addresses are shown only to callers holding
 * the `classroom.profile.emails` scope, photo URLs only to callers holding `classroom.profile.photos`,
 * as the schema's descriptions say.
 */
export function toUserProfile(user: UserRow, options: { showEmail: boolean; showPhoto: boolean; self?: boolean }): UserProfile {
  const fullName = [user.given_name, user.family_name].filter(Boolean).join(' ');
  const profile: UserProfile = {
    id: user.id,
    name: { givenName: user.given_name, familyName: user.family_name, fullName },
  };
  if (options.showPhoto) profile.photoUrl = `//lh3.googleusercontent.com/a/emulator-${user.id}`;
  if (options.showEmail) profile.emailAddress = user.email;
  if (options.self && user.can_create_courses) profile.permissions = [{ permission: 'CREATE_COURSE' }];
  if (user.verified_teacher) profile.verifiedTeacher = true;
  return profile;
}

/** True when the caller's scopes let it see email addresses. */
export function seesEmails(scopes: ReadonlySet<string>): boolean {
  return scopes.has('https://www.googleapis.com/auth/classroom.profile.emails');
}

/** True when the caller's scopes let it see profile photos. */
export function seesPhotos(scopes: ReadonlySet<string>): boolean {
  return scopes.has('https://www.googleapis.com/auth/classroom.profile.photos');
}
