import type { Env } from '../../env.js';
import { enforce, fail, invalidArgument } from '../../failure.js';
import { resolveUser, type Caller } from '../../identity/caller.js';
import {
  canSeeInvitation,
  checkAcceptance,
  checkAcceptor,
  checkInvite,
  checkInviter,
  heldRole,
  managesRoster,
} from '../../rules/rosters.js';
import type { Repos } from '../../store/repos.js';
import type { InvitationRole, InvitationRow } from '../../store/schema.js';
import { loadCourse, relationTo, resolveCourseId } from '../courses/access.js';
import { ownershipTransfer } from '../courses/ownership.js';
import { finishPage, type Page } from '../paging.js';
import { admit, announce, type RosterEvent } from '../students/join.js';
import { targetUser, userRefOf } from '../students/service.js';
import { toInvitation, type Invitation } from './schema.js';

type Input = Readonly<Record<string, unknown>>;

const ROLES: ReadonlySet<string> = new Set(['STUDENT', 'TEACHER', 'OWNER']);

/**
 * invitations.create: teachers and admins invite; only the owner or an admin offers ownership. The
 * course is locked so that two requests cannot both create the one invitation allowed per user, or
 * two pending ownership transfers.
 */
export async function createInvitation(env: Env, caller: Caller, input: Input): Promise<Invitation> {
  const courseRef = input.courseId;
  if (typeof courseRef !== 'string' || courseRef.trim() === '') invalidArgument('courseId must name the course to invite to.', 'invitation.course_id');
  const userRef = userRefOf(input, 'invitation.user_id');
  const role = input.role;
  if (typeof role !== 'string' || !ROLES.has(role)) invalidArgument('role must be STUDENT, TEACHER or OWNER.', 'invitation.role');
  const invitationRole = role as InvitationRole;

  return env.store.transaction(async (repos) => {
    const { course, rel } = await loadCourse(repos, caller, courseRef.trim(), { lock: true });
    enforce(checkInviter(rel, invitationRole));
    const target = await targetUser(repos, caller, userRef);
    const member = await repos.members.get(course.id, target.id);
    const duplicate = (await repos.invitations.forCourseAndUser(course.id, target.id)) !== undefined;
    const pendingOwner = invitationRole === 'OWNER' && (await repos.invitations.pendingOwner(course.id)) !== undefined;
    enforce(checkInvite({ course, target, role: invitationRole, held: heldRole(course, target.id, member?.role), duplicate, pendingOwner }));
    const row: InvitationRow = { id: env.ids.invitation(), course_id: course.id, user_id: target.id, role: invitationRole, created_at: env.clock.now() };
    await repos.invitations.insert(row);
    return toInvitation(row);
  });
}

/** An invitation the caller may see, or NOT_FOUND / PERMISSION_DENIED. */
async function visibleInvitation(repos: Repos, caller: Caller, id: string): Promise<InvitationRow> {
  const row = await repos.invitations.byId(id);
  if (!row) fail('NOT_FOUND', `No invitation ${id} exists.`);
  const course = await repos.courses.byId(row.course_id);
  const rel = course ? await relationTo(repos, caller, course) : { owner: false, teacher: false, student: false, admin: false };
  if (!canSeeInvitation(rel, row.user_id === caller.user.id)) fail('PERMISSION_DENIED', 'The caller may not see this invitation.');
  return row;
}

/** invitations.get: the invitee, the course's teachers and admins. */
export async function getInvitation(env: Env, caller: Caller, id: string): Promise<Invitation> {
  return toInvitation(await visibleInvitation(env.store.read, caller, id));
}

/** invitations.delete: the invitee (declining), the course's teachers and admins (withdrawing). */
export async function deleteInvitation(env: Env, caller: Caller, id: string): Promise<Record<string, never>> {
  return env.store.transaction(async (repos) => {
    const row = await visibleInvitation(repos, caller, id);
    await repos.invitations.delete(row.id);
    return {};
  });
}

/** Filters of invitations.list. */
export interface InvitationListQuery {
  userId?: string;
  courseId?: string;
}

/**
 * invitations.list: at least one of userId and courseId. A caller sees their own invitations, and all
 * of a course's when they teach it or administer its domain. An unknown course or user matches
 * nothing, since the reference lists only PERMISSION_DENIED for this method.
 */
export async function listInvitations(env: Env, caller: Caller, query: InvitationListQuery, page: Page): Promise<{ invitations?: Invitation[]; nextPageToken?: string }> {
  if (!query.userId && !query.courseId) invalidArgument('Name a user (userId) or a course (courseId), or both.', 'user_id');
  const repos = env.store.read;
  const empty = {};
  const user = query.userId ? await resolveUser(repos, caller, query.userId) : undefined;
  if (query.userId && !user) return empty;

  let filter: { userId?: string; courseId?: string };
  if (query.courseId) {
    const courseId = await resolveCourseId(repos, caller, query.courseId);
    const course = courseId === undefined ? undefined : await repos.courses.byId(courseId);
    if (!course) return empty;
    const privileged = managesRoster(await relationTo(repos, caller, course));
    if (!privileged && user && user.id !== caller.user.id) fail('PERMISSION_DENIED', "The caller may not see other users' invitations to this course.");
    filter = { courseId: course.id, ...(privileged ? (user ? { userId: user.id } : {}) : { userId: caller.user.id }) };
  } else {
    const target = user ?? caller.user;
    const adminOfTarget = caller.user.is_admin === 1 && target.domain === caller.user.domain;
    if (target.id !== caller.user.id && !adminOfTarget) fail('PERMISSION_DENIED', "The caller may not see this user's invitations.");
    filter = { userId: target.id };
  }
  const { items, nextPageToken } = finishPage(page, await repos.invitations.list(filter, page.window));
  const invitations = items.map(toInvitation);
  return { ...(invitations.length > 0 ? { invitations } : {}), ...(nextPageToken ? { nextPageToken } : {}) };
}

/**
 * invitations.accept: only the invitee. A student or teacher invitation runs the join path; an owner
 * invitation starts the ownership transfer. Either way the invitation is gone afterwards.
 */
export async function acceptInvitation(env: Env, caller: Caller, id: string): Promise<Record<string, never>> {
  let events: RosterEvent[] = [];
  await env.store.transaction(async (repos) => {
    const first = await repos.invitations.byId(id);
    if (!first) fail('NOT_FOUND', `No invitation ${id} exists.`);
    enforce(checkAcceptor(first.user_id, caller.user.id));
    // Lock order as on every join path: the course, then the user. The invitation is read again under
    // the course lock, as a concurrent accept or delete may have removed it meanwhile.
    const course = await repos.courses.lock(first.course_id);
    const invitation = course ? await repos.invitations.byId(id) : undefined;
    if (!course || !invitation) fail('NOT_FOUND', `No invitation ${id} exists.`);
    const owner = await repos.users.byId(course.owner_id);
    const user = (await repos.users.lock(caller.user.id)) ?? caller.user;
    const member = await repos.members.get(course.id, user.id);
    enforce(checkAcceptance(course, user, invitation.role, heldRole(course, user.id, member?.role)));
    if (invitation.role === 'OWNER') {
      await repos.courses.update(course.id, ownershipTransfer(env, course, user));
    } else {
      ({ events } = await admit(env, repos, { course, owner, user, role: invitation.role, current: member?.role, checkOwner: false }));
    }
    await repos.invitations.delete(invitation.id);
  });
  announce(env, events);
  return {};
}
