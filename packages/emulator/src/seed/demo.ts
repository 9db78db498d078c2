import { readFileSync } from 'node:fs';
import type { Env } from '../env.js';
import type { Repos } from '../store/repos.js';
import { seedDemoAddOn } from './demo-add-on.js';
import { parseFixture, writeFixture, type Fixture, type FixtureCourse, type FixtureSummary } from './fixture.js';

/** The demo school's domain. */
export const DEMO_DOMAIN = 'maplewood.example';

/**
 * Every stable token of the demo school and who holds it (in {@link DEMO_DOMAIN} unless the name says
 * otherwise), printed by the CLI at start; examples/demo-school.md says what each one provokes.
 */
export const DEMO_TOKENS: readonly { token: string; who: string }[] = [
  { token: 'demo-admin', who: 'grace.okafor, domain admin' },
  { token: 'demo-teacher', who: 'maria.lopez, teacher' },
  { token: 'demo-coteacher', who: 'daniel.kim, co-teacher' },
  { token: 'demo-music-teacher', who: 'samuel.adeyemi, owns the full courses' },
  { token: 'demo-student', who: 'ava.chen, student' },
  { token: 'demo-student-2', who: 'noah.patel, student' },
  { token: 'demo-student-groups-full', who: 'liam.novak, at the group limit' },
  { token: 'demo-student-joins-used', who: "emma.schulz, used today's joins" },
  { token: 'demo-classroom-off', who: 'oliver.haddad, Classroom off' },
  { token: 'demo-api-off', who: 'principal@riverside.example, API access off' },
  { token: 'demo-dwd', who: 'service account as grace.okafor, no grant' },
];

const DEMO_FILE = new URL('../../examples/demo-school.yaml', import.meta.url);

/**
 * The demo school as a fixture: examples/demo-school.yaml plus the parts sized by the limits in force,
 * so that a limit is always exactly reached (or one short of it) even when started with other limits.
 */
export function demoFixture(env: Env): Fixture {
  const limits = env.limits;
  // Parsing and sizing cost most of a demo reset; the result depends only on these limits, and the
  // caller gets its own copy because writing may annotate it.
  const key = [limits.courseMembers, limits.courseTeachers, limits.userGroupMemberships, limits.userDailyJoins].join('/');
  let cached = sized.get(key);
  if (!cached) {
    cached = sizeDemo(parseFixture(readFileSync(DEMO_FILE, 'utf8')), limits);
    sized.clear();
    sized.set(key, cached);
  }
  return structuredClone(cached);
}

const sized = new Map<string, Fixture>();

function sizeDemo(fixture: Fixture, limits: Env['limits']): Fixture {
  const course = (key: string): FixtureCourse => {
    const found = fixture.courses?.find((c) => c.key === key);
    if (!found) throw new Error(`demo-school.yaml lost its course ${key}`);
    return found;
  };
  const users = (fixture.users ??= []);

  // Filler students: `full` holds the owner and courseMembers - 1 of them; `almost-full` one fewer.
  const fillers: string[] = [];
  const fillerCount = Math.max(0, limits.courseMembers - 1);
  const width = String(fillerCount).length;
  for (let n = 1; n <= fillerCount; n++) {
    const email = `student${String(n).padStart(width, '0')}@${DEMO_DOMAIN}`;
    fillers.push(email);
    users.push({ email, name: `Student ${n}`, canCreateCourses: false });
  }
  course('full').students = fillers;
  course('almost-full').students = fillers.slice(0, Math.max(0, fillerCount - 1));

  const teachers: string[] = [];
  for (let n = 1; n < limits.courseTeachers; n++) {
    const email = `coteacher${String(n).padStart(2, '0')}@${DEMO_DOMAIN}`;
    teachers.push(email);
    users.push({ email, name: `Co-teacher ${n}` });
  }
  course('teachers-full').teachers = teachers;

  const liam = users.find((u) => u.email.startsWith('liam.'));
  if (liam) liam.groupMemberships = limits.userGroupMemberships;
  (fixture.joins ??= []).push({ user: `emma.schulz@${DEMO_DOMAIN}`, count: limits.userDailyJoins, minutesAgo: 90 });
  return fixture;
}

/**
 * Seeds the demo school (see examples/demo-school.md for the call that provokes each error code).
 * With `repos`, it writes inside the caller's transaction.
 */
export async function seedDemo(env: Env, repos?: Repos): Promise<FixtureSummary> {
  const fixture = demoFixture(env);
  const write = async (tx: Repos) => {
    const summary = await writeFixture(env, tx, fixture);
    await seedDemoAddOn(env, tx);
    return summary;
  };
  if (repos) return write(repos);
  return env.store.transaction(write);
}
