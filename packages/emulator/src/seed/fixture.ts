import { Ajv, type ErrorObject } from 'ajv';
import { parseYaml } from './yaml.js';
import type { Env } from '../env.js';
import { ApiFailure, invalidArgument } from '../failure.js';
import { DEFAULT_PROJECT, domainOf, type UserInput } from '../identity/accounts.js';
import { allScopes, normalizeScope } from '../identity/scopes.js';
import type { StudentGroupMemberRow, StudentGroupRow } from '../store/group-repos.js';
import type { Repos } from '../store/repos.js';
import type {
  CourseAliasRow,
  CourseMemberRow,
  CourseRow,
  Database,
  DomainRow,
  GrantRow,
  InvitationRow,
  JoinRow,
  ProjectRow,
  TokenRow,
  UserRow,
} from '../store/schema.js';

/**
 * A fixture: state to add to the emulator, as JSON or YAML. It describes state rather than API calls,
 * so it can hold states the API cannot reach (an owner already deleted, a transfer half done).
 * Users are named by email everywhere; courses by the fixture's own `key`.
 *
 * @example
 * ```yaml
 * domains: [{ name: school.example }]
 * users:
 *   - { email: ada@school.example, admin: true }
 *   - { email: bob@school.example }
 * tokens: [{ user: ada@school.example, token: ada-token }]
 * courses:
 *   - { key: math, alias: "d:math", name: Math, owner: ada@school.example, students: [bob@school.example] }
 * ```
 */
export interface Fixture {
  domains?: FixtureDomain[];
  users?: FixtureUser[];
  projects?: FixtureProject[];
  grants?: FixtureGrant[];
  tokens?: FixtureToken[];
  courses?: FixtureCourse[];
  invitations?: FixtureInvitation[];
  joins?: FixtureJoin[];
}

/** A Workspace domain; `apiEnabled: false` is an admin who switched the Classroom API off. */
export interface FixtureDomain {
  name: string;
  apiEnabled?: boolean;
}

/** A user; the domain comes from the address and is created when new (the admin API's user shape). */
export type FixtureUser = UserInput;

/** A Cloud project. */
export interface FixtureProject {
  id: string;
  name?: string;
  number?: string;
}

/** An OAuth grant: the user consented to the project for these scopes. */
export interface FixtureGrant {
  user: string;
  project: string;
  /** Full URLs or short forms (`classroom.courses`); every Classroom scope when absent. */
  scopes?: string[];
}

/** An access token. An `oauth` token also records a grant, as a consent screen would; `dwd` does not. */
export interface FixtureToken {
  user: string;
  project?: string;
  scopes?: string[];
  via?: 'oauth' | 'dwd';
  serviceAccount?: string;
  /** A fixed token string, so that documentation can use stable tokens. Random when absent. */
  token?: string;
  expiresInSeconds?: number;
}

/** A course; the owner is always one of its teachers. */
export interface FixtureCourse {
  /** The name other entries of the fixture use for this course. */
  key: string;
  id?: string;
  /** `d:name` (in the owner's domain) or `p:name` (in `project`); one or several. */
  alias?: string | string[];
  name: string;
  section?: string;
  description?: string;
  room?: string;
  /** Course.subject (revision 20260111). */
  subject?: string;
  owner: string;
  state?: 'ACTIVE' | 'ARCHIVED' | 'PROVISIONED' | 'DECLINED' | 'SUSPENDED';
  teachers?: string[];
  students?: string[];
  /** A co-teacher who owns the course's Drive folder instead of the owner. */
  teacherFolderOwner?: string;
  enrollmentCode?: string;
  /** The Cloud project that created the course (and the namespace of `p:` aliases). */
  project?: string;
  guardiansEnabled?: boolean;
  /** The previous owner of an ownership transfer still in progress. */
  transferFrom?: string;
  /** How long the transfer still runs on the virtual clock; default: the ownershipTransferSeconds limit. */
  transferMinutesLeft?: number;
  /** Student groups of the course; their members must be among the course's `students`. */
  studentGroups?: FixtureStudentGroup[];
}

/** A student group of a course (revision 20260111). */
export interface FixtureStudentGroup {
  title: string;
  id?: string;
  students?: string[];
}

/** A pending invitation. */
export interface FixtureInvitation {
  course: string;
  user: string;
  role: 'STUDENT' | 'TEACHER' | 'OWNER';
  id?: string;
}

/** Past course joins today, counted by the rolling daily join limit. */
export interface FixtureJoin {
  user: string;
  /** A course key; the joins are recorded against a course nobody can see when absent. */
  course?: string;
  count?: number;
  /** How long ago the joins happened; default 60. */
  minutesAgo?: number;
}

const email = { type: 'string', minLength: 3, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' } as const;
const emails = { type: 'array', items: email } as const;
const scopes = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
const projectId = { type: 'string', pattern: '^[a-z][a-z0-9-]{1,61}[a-z0-9]$' } as const;
const alias = { type: 'string', pattern: '^[dp]:[A-Za-z0-9_.\\-]+$' } as const;

/** The JSON schema of a {@link Fixture}; the admin API validates and documents with the same object. */
export const FIXTURE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    domains: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: { name: { type: 'string', pattern: '^[a-z0-9-]+(\\.[a-z0-9-]+)+$' }, apiEnabled: { type: 'boolean' } },
      },
    },
    users: {
      type: 'array',
      items: {
        type: 'object',
        required: ['email'],
        additionalProperties: false,
        properties: {
          email,
          id: { type: 'string', pattern: '^[0-9]{1,30}$' },
          name: {
            oneOf: [
              { type: 'string' },
              { type: 'object', additionalProperties: false, properties: { givenName: { type: 'string' }, familyName: { type: 'string' } } },
            ],
          },
          admin: { type: 'boolean' },
          canCreateCourses: { type: 'boolean' },
          classroomEnabled: { type: 'boolean' },
          apiEnabled: { type: 'boolean' },
          state: { enum: ['ACTIVE', 'SUSPENDED', 'DELETED'] },
          groupMemberships: { type: 'integer', minimum: 0 },
          verifiedTeacher: { type: 'boolean' },
        },
      },
    },
    projects: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id'],
        additionalProperties: false,
        properties: { id: projectId, name: { type: 'string' }, number: { type: 'string', pattern: '^[0-9]{1,20}$' } },
      },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['user', 'project'],
        additionalProperties: false,
        properties: { user: email, project: projectId, scopes },
      },
    },
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['user'],
        additionalProperties: false,
        properties: {
          user: email,
          project: projectId,
          scopes,
          via: { enum: ['oauth', 'dwd'] },
          serviceAccount: { type: 'string', minLength: 1 },
          token: { type: 'string', pattern: '^[A-Za-z0-9._~+/=-]{1,200}$' },
          expiresInSeconds: { type: 'integer', minimum: 1 },
        },
      },
    },
    courses: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'name', 'owner'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', minLength: 1 },
          id: { type: 'string', pattern: '^[0-9]{1,20}$' },
          alias: { oneOf: [alias, { type: 'array', items: alias }] },
          name: { type: 'string', minLength: 1, maxLength: 750 },
          section: { type: 'string' },
          description: { type: 'string' },
          room: { type: 'string' },
          subject: { type: 'string' },
          owner: email,
          state: { enum: ['ACTIVE', 'ARCHIVED', 'PROVISIONED', 'DECLINED', 'SUSPENDED'] },
          teachers: emails,
          students: emails,
          teacherFolderOwner: email,
          enrollmentCode: { type: 'string', pattern: '^[A-Za-z0-9]{5,10}$' },
          project: projectId,
          guardiansEnabled: { type: 'boolean' },
          transferFrom: email,
          transferMinutesLeft: { type: 'number', minimum: 0 },
          studentGroups: {
            type: 'array',
            items: {
              type: 'object',
              required: ['title'],
              additionalProperties: false,
              properties: {
                title: { type: 'string', minLength: 1, pattern: '\\S' },
                id: { type: 'string', pattern: '^[0-9]{1,20}$' },
                students: emails,
              },
            },
          },
        },
      },
    },
    invitations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['course', 'user', 'role'],
        additionalProperties: false,
        properties: {
          course: { type: 'string', minLength: 1 },
          user: email,
          role: { enum: ['STUDENT', 'TEACHER', 'OWNER'] },
          id: { type: 'string', pattern: '^[0-9]{1,20}$' },
        },
      },
    },
    joins: {
      type: 'array',
      items: {
        type: 'object',
        required: ['user'],
        additionalProperties: false,
        properties: {
          user: email,
          course: { type: 'string', minLength: 1 },
          count: { type: 'integer', minimum: 1, maximum: 10_000 },
          minutesAgo: { type: 'number', minimum: 0, maximum: 1440 },
        },
      },
    },
  },
} as const;

/** Progress of a fixture load, for a progress bar: rows written so far out of all rows. */
export interface FixtureProgress {
  /** The table being written. */
  phase: string;
  done: number;
  total: number;
}

/** What a load wrote, by kind. */
export interface FixtureSummary {
  domains: number;
  users: number;
  projects: number;
  grants: number;
  tokens: number;
  courses: number;
  aliases: number;
  members: number;
  invitations: number;
  joins: number;
  studentGroups: number;
  studentGroupMembers: number;
  /** Course keys to the ids they received. */
  courseIds: Record<string, string>;
  /** Addresses to user ids of the fixture's users (left empty above 2,000 users). */
  userIds: Record<string, string>;
}

/**
 * A JSON path as the fixture's author reads it: `courses[3].owner`. Ajv reports `/courses/3/owner`.
 */
export function fixturePath(instancePath: string, extra?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (extra) parts.push(extra);
  return parts.reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : out ? `${out}.${part}` : part), '');
}

function explain(error: ErrorObject): { field: string; message: string } {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const field = fixturePath(error.instancePath, String(params.missingProperty));
      return { field, message: `${field}: required` };
    }
    case 'additionalProperties': {
      const field = fixturePath(error.instancePath, String(params.additionalProperty));
      return { field, message: `${field}: unknown field` };
    }
    case 'enum': {
      const field = fixturePath(error.instancePath);
      return { field, message: `${field}: expected one of ${(params.allowedValues as unknown[]).join(', ')}` };
    }
    default: {
      const field = fixturePath(error.instancePath) || '(fixture)';
      return { field, message: `${field}: ${error.message ?? 'not accepted'}` };
    }
  }
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validateShape = ajv.compile(FIXTURE_SCHEMA);

/** Checks a fixture's shape; INVALID_ARGUMENT naming the path of the first bad entry. */
export function validateFixture(value: unknown): asserts value is Fixture {
  if (!validateShape(value)) {
    const first = validateShape.errors?.[0];
    const { field, message } = first ? explain(first) : { field: '', message: 'the fixture is not valid' };
    invalidArgument(`Invalid fixture: ${message}.`, field);
  }
}

/**
 * Reads fixture text: YAML (of which JSON is a subset) unless the content type says JSON.
 * INVALID_ARGUMENT when it does not parse.
 */
export function parseFixture(text: string, contentType = 'application/yaml'): Fixture {
  let value: unknown;
  try {
    value = /json/i.test(contentType) ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 1000 });
  } catch (error) {
    invalidArgument(`The fixture does not parse: ${(error as Error).message.split('\n')[0]}`, '');
  }
  if (value === null || value === undefined) value = {};
  validateFixture(value);
  return value;
}

const flag = (value: boolean | undefined, fallback: boolean): 0 | 1 => ((value ?? fallback) ? 1 : 0);

function nameOf(user: FixtureUser): { given: string; family: string } {
  if (typeof user.name === 'object') return { given: user.name.givenName ?? '', family: user.name.familyName ?? '' };
  if (typeof user.name === 'string' && user.name.trim() !== '') {
    const [given = '', ...rest] = user.name.trim().split(/\s+/);
    return { given, family: rest.join(' ') };
  }
  const local = user.email.split('@')[0] ?? '';
  const words = local.split(/[._-]+/).filter(Boolean).map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  return { given: words[0] ?? local, family: words.slice(1).join(' ') };
}

function bad(field: string, message: string): never {
  invalidArgument(`Invalid fixture: ${field}: ${message}.`, field);
}

function scopesOf(list: string[] | undefined, field: string): string[] {
  const known = new Set(allScopes());
  const out = (list ?? allScopes()).map(normalizeScope);
  out.forEach((scope, i) => {
    if (!known.has(scope) && !/^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i.test(scope)) bad(`${field}[${i}]`, `"${scope}" is not an OAuth scope`);
  });
  return out;
}

/**
 * Adds a fixture to the state, in one transaction: everything or nothing. Rows are written directly
 * (no API rules run), in multi-row batches, so a district of 100,000 users loads in seconds.
 * References are checked first and reported with the path of the bad entry, e.g.
 * `courses[3].owner: no user x@y`.
 *
 * @example
 * ```ts
 * await loadFixture(env, parseFixture(readFileSync('school.yaml', 'utf8')), {
 *   onProgress: ({ done, total }) => bar.update(done, { total }),
 * });
 * ```
 */
export async function loadFixture(
  env: Env,
  fixture: Fixture,
  options: { onProgress?: (progress: FixtureProgress) => void } = {},
): Promise<FixtureSummary> {
  validateFixture(fixture);
  return env.store.transaction((repos) => writeFixture(env, repos, fixture, options.onProgress));
}

/** {@link loadFixture} inside a transaction the caller owns (a reset that re-seeds, for one). */
export async function writeFixture(env: Env, repos: Repos, fixture: Fixture, onProgress?: (progress: FixtureProgress) => void): Promise<FixtureSummary> {
  const now = env.clock.now();
  const ids = env.ids;

  // Users: new ones from the fixture, plus existing ones the fixture refers to.
  const fixtureUsers = fixture.users ?? [];
  const byEmail = new Map<string, UserRow>();
  const newUsers: UserRow[] = [];
  const seenIds = new Set<string>();
  fixtureUsers.forEach((user, i) => {
    const address = user.email.trim().toLowerCase();
    if (byEmail.has(address)) bad(`users[${i}].email`, `${address} appears twice`);
    let domain: string;
    try {
      domain = domainOf(address);
    } catch {
      bad(`users[${i}].email`, `"${user.email}" is not an email address`);
    }
    if (user.id !== undefined) {
      if (seenIds.has(user.id)) bad(`users[${i}].id`, `the id ${user.id} appears twice`);
      seenIds.add(user.id);
    }
    const { given, family } = nameOf(user);
    const row: UserRow = {
      id: user.id ?? ids.user(),
      email: address,
      domain,
      given_name: given,
      family_name: family,
      is_admin: flag(user.admin, false),
      can_create_courses: flag(user.canCreateCourses, true),
      classroom_enabled: flag(user.classroomEnabled, true),
      api_enabled: flag(user.apiEnabled, true),
      state: user.state ?? 'ACTIVE',
      group_memberships: user.groupMemberships ?? 0,
      verified_teacher: flag(user.verifiedTeacher, false),
      created_at: now,
    };
    byEmail.set(address, row);
    newUsers.push(row);
  });
  if (newUsers.length > 0) {
    const taken = await repos.users.byEmails(newUsers.map((u) => u.email));
    const takenIds = await repos.state.existing('users', 'id', newUsers.map((u) => u.id));
    newUsers.forEach((row, i) => {
      if (taken.has(row.email)) bad(`users[${i}].email`, `a user ${row.email} already exists`);
      if (takenIds.has(row.id)) {
        if (fixtureUsers[i]?.id !== undefined) bad(`users[${i}].id`, `a user with id ${row.id} already exists`);
        row.id = ids.user();
      }
    });
  }

  const referenced: string[] = [];
  const note = (address: string | undefined) => {
    if (address && !byEmail.has(address.toLowerCase())) referenced.push(address.toLowerCase());
  };
  for (const g of fixture.grants ?? []) note(g.user);
  for (const t of fixture.tokens ?? []) note(t.user);
  for (const c of fixture.courses ?? []) {
    note(c.owner);
    note(c.teacherFolderOwner);
    note(c.transferFrom);
    for (const e of c.teachers ?? []) note(e);
    for (const e of c.students ?? []) note(e);
  }
  for (const inv of fixture.invitations ?? []) note(inv.user);
  for (const j of fixture.joins ?? []) note(j.user);
  if (referenced.length > 0) for (const [address, row] of await repos.users.byEmails(referenced)) byEmail.set(address, row);
  const userId = (address: string, field: string): string => {
    const row = byEmail.get(address.toLowerCase());
    if (!row) bad(field, `no user ${address}`);
    return row.id;
  };

  // Domains: the fixture's own (an existing one has its switch updated), then any a new user needs.
  const existingDomains = new Map((await repos.identity.domains()).map((d) => [d.name, d]));
  const newDomains = new Map<string, DomainRow>();
  const domainUpdates: DomainRow[] = [];
  (fixture.domains ?? []).forEach((domain, i) => {
    if (newDomains.has(domain.name) || domainUpdates.some((d) => d.name === domain.name)) bad(`domains[${i}].name`, `${domain.name} appears twice`);
    const row: DomainRow = { name: domain.name, api_enabled: flag(domain.apiEnabled, true), created_at: now };
    if (existingDomains.has(domain.name)) {
      if (domain.apiEnabled !== undefined) domainUpdates.push(row);
    } else newDomains.set(domain.name, row);
  });
  for (const user of newUsers) {
    if (!existingDomains.has(user.domain) && !newDomains.has(user.domain)) {
      newDomains.set(user.domain, { name: user.domain, api_enabled: 1, created_at: now });
    }
  }

  // Projects: listed ones, and any a grant, token or course names.
  const projects = new Map<string, ProjectRow>();
  const knownProjects = new Set((await repos.identity.projects()).map((p) => p.id));
  (fixture.projects ?? []).forEach((project, i) => {
    if (projects.has(project.id)) bad(`projects[${i}].id`, `${project.id} appears twice`);
    if (knownProjects.has(project.id)) return;
    projects.set(project.id, { id: project.id, number: project.number ?? ids.projectNumber(), name: project.name ?? project.id, created_at: now });
  });
  const needProject = (id: string) => {
    if (!knownProjects.has(id) && !projects.has(id)) projects.set(id, { id, number: ids.projectNumber(), name: id, created_at: now });
  };

  // Grants and tokens.
  const grants = new Map<string, GrantRow>();
  const putGrant = (user: string, project: string, list: string[]) => {
    const key = `${user} ${project}`;
    const previous = grants.get(key);
    const merged = new Set([...(previous?.scopes.split(' ') ?? []), ...list]);
    grants.set(key, { user_id: user, project_id: project, scopes: [...merged].join(' '), created_at: now });
  };
  (fixture.grants ?? []).forEach((grant, i) => {
    needProject(grant.project);
    putGrant(userId(grant.user, `grants[${i}].user`), grant.project, scopesOf(grant.scopes, `grants[${i}].scopes`));
  });
  const tokens: TokenRow[] = [];
  const tokenStrings = new Set<string>();
  (fixture.tokens ?? []).forEach((token, i) => {
    const user = userId(token.user, `tokens[${i}].user`);
    const project = token.project ?? DEFAULT_PROJECT;
    needProject(project);
    const list = scopesOf(token.scopes, `tokens[${i}].scopes`);
    const via = token.via ?? 'oauth';
    if (via === 'oauth') putGrant(user, project, list);
    const value = token.token ?? `ya29.emu-${ids.text(40, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-')}`;
    if (tokenStrings.has(value)) bad(`tokens[${i}].token`, `the token ${value} appears twice`);
    tokenStrings.add(value);
    tokens.push({
      token: value,
      user_id: user,
      project_id: project,
      scopes: list.join(' '),
      via,
      service_account: via === 'dwd' ? (token.serviceAccount ?? `sync@${project}.iam.gserviceaccount.com`) : null,
      expires_at: token.expiresInSeconds !== undefined ? now + token.expiresInSeconds * 1000 : null,
      created_at: now,
    });
  });
  if (tokens.length > 0) {
    const taken = await repos.state.existing('tokens', 'token', tokens.map((t) => t.token));
    tokens.forEach((t, i) => {
      if (taken.has(t.token)) bad(`tokens[${i}].token`, `the token ${t.token} already exists`);
    });
  }
  // A grant already in the store is widened, not duplicated.
  for (const grant of grants.values()) {
    const stored = await repos.identity.grant(grant.user_id, grant.project_id);
    if (stored) grant.scopes = [...new Set([...stored.scopes.split(' '), ...grant.scopes.split(' ')])].filter(Boolean).join(' ');
  }

  // Courses, their aliases and members.
  const courses: CourseRow[] = [];
  const courseByKey = new Map<string, CourseRow>();
  const aliases: CourseAliasRow[] = [];
  const aliasKeys = new Set<string>();
  const members: CourseMemberRow[] = [];
  const courseSpecs = fixture.courses ?? [];
  const givenIds = courseSpecs.map((c) => c.id).filter((id): id is string => id !== undefined);
  const takenCourseIds = givenIds.length > 0 ? await repos.state.existing('courses', 'id', givenIds) : new Set<string>();
  const usedCourseIds = new Set<string>();
  const studentGroups: StudentGroupRow[] = [];
  const studentGroupMembers: StudentGroupMemberRow[] = [];
  const givenGroupIds = courseSpecs.flatMap((c) => (c.studentGroups ?? []).map((g) => g.id)).filter((id): id is string => id !== undefined);
  // Taken ids count as seen, so a given id that already exists is refused like a duplicate.
  const groupIds = givenGroupIds.length > 0 ? await repos.state.existing('student_groups', 'id', givenGroupIds) : new Set<string>();
  for (const [i, spec] of courseSpecs.entries()) {
    const at = `courses[${i}]`;
    if (courseByKey.has(spec.key)) bad(`${at}.key`, `the key ${spec.key} appears twice`);
    if (spec.id !== undefined && (takenCourseIds.has(spec.id) || usedCourseIds.has(spec.id))) bad(`${at}.id`, `a course ${spec.id} already exists`);
    const ownerId = userId(spec.owner, `${at}.owner`);
    const owner = byEmail.get(spec.owner.toLowerCase());
    if (spec.project) needProject(spec.project);
    const row: CourseRow = {
      id: spec.id ?? ids.course(),
      name: spec.name,
      section: spec.section ?? null,
      description_heading: null,
      description: spec.description ?? null,
      room: spec.room ?? null,
      subject: spec.subject ?? null,
      owner_id: ownerId,
      course_state: spec.state ?? 'ACTIVE',
      enrollment_code: spec.enrollmentCode ?? ids.text(7),
      creation_time: now,
      update_time: now,
      teacher_folder_id: `0B${ids.text(26, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}`,
      teacher_folder_owner_id: spec.teacherFolderOwner ? userId(spec.teacherFolderOwner, `${at}.teacherFolderOwner`) : null,
      guardians_enabled: flag(spec.guardiansEnabled, false),
      calendar_id: `classroom${ids.digits(15)}@group.calendar.google.com`,
      project_id: spec.project ?? null,
      grading_period_settings: null,
      gradebook_settings: null,
      transfer_from_id: spec.transferFrom ? userId(spec.transferFrom, `${at}.transferFrom`) : null,
      transfer_done_at: spec.transferFrom
        ? now + (spec.transferMinutesLeft !== undefined ? spec.transferMinutesLeft * 60_000 : env.limits.ownershipTransferSeconds * 1000)
        : null,
    };
    if (spec.transferMinutesLeft !== undefined && !spec.transferFrom) bad(`${at}.transferMinutesLeft`, 'needs transferFrom');
    courses.push(row);
    usedCourseIds.add(row.id);
    courseByKey.set(spec.key, row);

    const aliasList = spec.alias === undefined ? [] : Array.isArray(spec.alias) ? spec.alias : [spec.alias];
    for (const [j, name] of aliasList.entries()) {
      const field = Array.isArray(spec.alias) ? `${at}.alias[${j}]` : `${at}.alias`;
      let namespace: string;
      if (name.startsWith('d:')) namespace = owner?.domain ?? bad(field, 'the owner has no domain');
      else if (spec.project) namespace = spec.project;
      else bad(field, 'a p: alias needs the course project');
      const key = `${namespace} ${name}`;
      if (aliasKeys.has(key) || (await repos.aliases.get(namespace, name))) bad(field, `the alias ${name} is already taken in ${namespace}`);
      aliasKeys.add(key);
      aliases.push({ alias: name, namespace, course_id: row.id, created_at: now });
    }

    const inCourse = new Map<string, string>();
    const add = (address: string, role: 'TEACHER' | 'STUDENT', field: string) => {
      const id = userId(address, field);
      const previous = inCourse.get(id);
      if (previous !== undefined) {
        if (previous === role && role === 'TEACHER' && id === ownerId) return;
        bad(field, `${address} is already a ${previous.toLowerCase()} of the course`);
      }
      inCourse.set(id, role);
      members.push({ course_id: row.id, user_id: id, role, created_at: now });
    };
    inCourse.set(ownerId, 'TEACHER');
    members.push({ course_id: row.id, user_id: ownerId, role: 'TEACHER', created_at: now });
    (spec.teachers ?? []).forEach((address, j) => add(address, 'TEACHER', `${at}.teachers[${j}]`));
    (spec.students ?? []).forEach((address, j) => add(address, 'STUDENT', `${at}.students[${j}]`));
    if (row.teacher_folder_owner_id && inCourse.get(row.teacher_folder_owner_id) !== 'TEACHER') {
      bad(`${at}.teacherFolderOwner`, `${spec.teacherFolderOwner} is not a teacher of the course`);
    }
    (spec.studentGroups ?? []).forEach((group, g) => {
      const field = `${at}.studentGroups[${g}]`;
      const id = group.id ?? ids.digits(12);
      if (groupIds.has(id)) bad(`${field}.id`, `the student group id ${id} is already taken`);
      groupIds.add(id);
      studentGroups.push({ id, course_id: row.id, title: group.title.trim(), created_at: now });
      const inGroup = new Set<string>();
      (group.students ?? []).forEach((address, j) => {
        const user = userId(address, `${field}.students[${j}]`);
        if (inCourse.get(user) !== 'STUDENT') bad(`${field}.students[${j}]`, `${address} is not a student of the course`);
        if (inGroup.has(user)) bad(`${field}.students[${j}]`, `${address} is already in the group`);
        inGroup.add(user);
        studentGroupMembers.push({ group_id: id, course_id: row.id, user_id: user, created_at: now });
      });
    });
  }

  const courseId = (ref: string, field: string): string => {
    const course = courseByKey.get(ref);
    if (!course) bad(field, `no course with key ${ref} in this fixture`);
    return course.id;
  };

  const invitations: InvitationRow[] = [];
  const invited = new Set<string>();
  (fixture.invitations ?? []).forEach((inv, i) => {
    const course = courseId(inv.course, `invitations[${i}].course`);
    const user = userId(inv.user, `invitations[${i}].user`);
    if (invited.has(`${course} ${user}`)) bad(`invitations[${i}]`, `${inv.user} is already invited to ${inv.course}`);
    if (inv.role === 'OWNER' && invitations.some((x) => x.course_id === course && x.role === 'OWNER')) {
      bad(`invitations[${i}].role`, `${inv.course} already has a pending ownership invitation`);
    }
    invited.add(`${course} ${user}`);
    invitations.push({ id: inv.id ?? ids.invitation(), course_id: course, user_id: user, role: inv.role, created_at: now });
  });

  const joins: JoinRow[] = [];
  (fixture.joins ?? []).forEach((join, i) => {
    const user = userId(join.user, `joins[${i}].user`);
    const course = join.course ? courseId(join.course, `joins[${i}].course`) : '0';
    const at = now - (join.minutesAgo ?? 60) * 60_000;
    for (let n = 0; n < (join.count ?? 1); n++) joins.push({ user_id: user, course_id: course, at });
  });

  // Everything checked: write, parents first.
  const plan: [string, () => Promise<void>, number][] = [];
  const total =
    newDomains.size + domainUpdates.length + newUsers.length + projects.size + grants.size + tokens.length + courses.length + aliases.length + members.length + invitations.length + joins.length +
    studentGroups.length + studentGroupMembers.length;
  let done = 0;
  const step = <T extends keyof Database>(table: T, rows: readonly Database[T][]) => {
    plan.push([
      table,
      async () => {
        const before = done;
        await repos.state.insertMany(table, rows, (written) => {
          done = before + written;
          onProgress?.({ phase: table, done, total });
        });
      },
      rows.length,
    ]);
  };
  step('domains', [...newDomains.values()]);
  step('users', newUsers);
  step('projects', [...projects.values()]);
  plan.push([
    'grants',
    async () => {
      for (const grant of grants.values()) await repos.identity.putGrant(grant);
      done += grants.size;
      onProgress?.({ phase: 'grants', done, total });
    },
    grants.size,
  ]);
  step('tokens', tokens);
  step('courses', courses);
  step('course_aliases', aliases);
  step('course_members', members);
  step('invitations', invitations);
  step('course_joins', joins);
  step('student_groups', studentGroups);
  step('student_group_members', studentGroupMembers);
  for (const domain of domainUpdates) await repos.identity.updateDomain(domain.name, { api_enabled: domain.api_enabled });
  done += domainUpdates.length;
  try {
    for (const [, run, count] of plan) if (count > 0) await run();
  } catch (error) {
    if (error instanceof ApiFailure) throw error;
    // Every reference was checked above; what is left is a constraint the checks did not foresee.
    invalidArgument(`Invalid fixture: the store refused it (${(error as Error).message}).`, '');
  }
  onProgress?.({ phase: 'done', done: total, total });

  return {
    domains: newDomains.size,
    users: newUsers.length,
    projects: projects.size,
    grants: grants.size,
    tokens: tokens.length,
    courses: courses.length,
    aliases: aliases.length,
    members: members.length,
    invitations: invitations.length,
    joins: joins.length,
    studentGroups: studentGroups.length,
    studentGroupMembers: studentGroupMembers.length,
    courseIds: Object.fromEntries([...courseByKey].map(([key, row]) => [key, row.id])),
    // Large loads (a district) would make this map the bulk of the answer; tests and docs need small ones.
    userIds: newUsers.length <= 2000 ? Object.fromEntries(newUsers.map((u) => [u.email, u.id])) : {},
  };
}
