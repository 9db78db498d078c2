import type { Env } from '../../env.js';
import { enforce, fail } from '../../failure.js';
import type { Caller } from '../../identity/caller.js';
import type { ClassroomEvent } from '../../platform/events.js';
import type { CourseRelation } from '../../rules/courses.js';
import { checkJoin, JOIN_WINDOW_MS } from '../../rules/rosters.js';
import type { Repos } from '../../store/repos.js';
import type { CourseRole, CourseRow, UserRow } from '../../store/schema.js';
import { relationTo, resolveCourseId } from '../courses/access.js';

// The join path shared by courses.students.create, courses.teachers.create and invitations.accept.
// It lives with students because most joins are students; teachers and invitations import it.

/** A course locked for a roster change, with its owner and how the caller relates to it. */
export interface LockedCourse {
  course: CourseRow;
  owner: UserRow | undefined;
  rel: CourseRelation;
}

/**
 * Resolves and locks a course for a roster change. Unlike `loadCourse` it does not require the caller
 * to see the course: a user joining with an enrollment code is not a member yet.
 */
export async function lockCourse(repos: Repos, caller: Caller, ref: string): Promise<LockedCourse> {
  const id = await resolveCourseId(repos, caller, ref);
  const course = id === undefined ? undefined : await repos.courses.lock(id);
  if (!course) fail('NOT_FOUND', 'Requested entity was not found.');
  const owner = await repos.users.byId(course.owner_id);
  return { course, owner, rel: await relationTo(repos, caller, course, owner) };
}

/** A committed roster change, to announce once the transaction is over. */
export type RosterEvent = Extract<ClassroomEvent, { kind: 'roster' }>;

/** What joining did. */
export interface Admission {
  /** Roster events to emit after the commit. */
  events: RosterEvent[];
}

/**
 * Puts a locked user on a locked course's roster after the join checks (`checkJoin`), recording the
 * join for the daily limit. A student becoming a teacher keeps their seat and only changes role. Must run inside the
 * transaction that locked the course and then the user, in that order, so that two joins cannot
 * both take the last seat and two processes cannot deadlock.
 */
export async function admit(
  env: Env,
  repos: Repos,
  input: { course: CourseRow; owner: UserRow | undefined; user: UserRow; role: CourseRole; current: CourseRole | undefined; checkOwner: boolean },
): Promise<Admission> {
  const { course, owner, user, role } = input;
  const now = env.clock.now();
  const promoting = input.current === 'STUDENT' && role === 'TEACHER';
  const counts = await repos.members.count(course.id);
  const userMemberships = await repos.members.countForUser(user.id);
  const joinsInWindow = await repos.members.joinsSince(user.id, now - JOIN_WINDOW_MS);
  enforce(
    checkJoin({ course, owner, user, role, counts, userMemberships, joinsInWindow, promoting, checkOwner: input.checkOwner }, env.limits),
  );

  const base = { kind: 'roster' as const, courseId: course.id, userId: user.id, domain: owner?.domain ?? user.domain, at: now };
  if (promoting) {
    // Re-inserted rather than re-labelled, so the user lists among the teachers from the day they became one.
    await repos.members.delete(course.id, user.id);
    await repos.members.insert({ course_id: course.id, user_id: user.id, role, created_at: now });
    return {
      events: [
        { ...base, role: 'STUDENT', change: 'DELETED' },
        { ...base, role, change: 'CREATED' },
      ],
    };
  }
  await repos.members.insert({ course_id: course.id, user_id: user.id, role, created_at: now });
  await repos.members.recordJoin(user.id, course.id, now);
  return { events: [{ ...base, role, change: 'CREATED' }] };
}

/** Emits roster events; call only after the transaction that made them has committed. */
export function announce(env: Env, events: readonly RosterEvent[]): void {
  for (const event of events) env.events.emit(event);
}
