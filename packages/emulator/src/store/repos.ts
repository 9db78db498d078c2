import { CompiledQuery, sql, type Compilable, type Kysely, type Updateable } from 'kysely';
import { AddOnRepo } from './add-on-repos.js';
import { ClassworkRepo, DriveRepo } from './classwork-repos.js';
import type { Capabilities } from './db.js';
import { GroupsRepo } from './group-repos.js';
import {
  TABLES,
  type CourseAliasRow,
  type CourseMemberRow,
  type CourseRole,
  type CourseRow,
  type Database,
  type DomainRow,
  type GrantRow,
  type GuardianInvitationRow,
  type GuardianRow,
  type InvitationRow,
  type ProjectRow,
  type TokenRow,
  type UserRow,
} from './schema.js';

/** A window of a list: rows `offset .. offset+limit-1`. */
export interface Window {
  offset: number;
  limit: number;
}

type Db = Kysely<Database>;

/**
 * The repositories, bound to a connection or to a transaction. The only code that writes SQL; it
 * decides nothing (no permissions, no limits): it loads, counts, locks and saves.
 */
export class Repos {
  readonly users: UsersRepo;
  readonly identity: IdentityRepo;
  readonly courses: CoursesRepo;
  readonly aliases: AliasesRepo;
  readonly members: MembersRepo;
  readonly invitations: InvitationsRepo;
  readonly guardians: GuardiansRepo;
  readonly settings: SettingsRepo;
  readonly state: StateRepo;
  readonly classwork: ClassworkRepo;
  readonly drive: DriveRepo;
  readonly groups: GroupsRepo;
  readonly addOns: AddOnRepo;

  constructor(readonly db: Db, readonly capabilities: Capabilities) {
    this.users = new UsersRepo(db, capabilities);
    this.identity = new IdentityRepo(db, capabilities);
    this.courses = new CoursesRepo(db, capabilities);
    this.aliases = new AliasesRepo(db);
    this.members = new MembersRepo(db);
    this.invitations = new InvitationsRepo(db);
    this.guardians = new GuardiansRepo(db);
    this.settings = new SettingsRepo(db, capabilities);
    this.state = new StateRepo(db);
    this.classwork = new ClassworkRepo(db, capabilities);
    this.drive = new DriveRepo(db);
    this.groups = new GroupsRepo(db, capabilities);
    this.addOns = new AddOnRepo(db, capabilities);
  }
}

export class UsersRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  byId(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byEmail(email: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
  }

  /** Several users by id, in one query. */
  async byIds(ids: readonly string[]): Promise<Map<string, UserRow>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', [...new Set(ids)]).execute();
    return new Map(rows.map((row) => [row.id, row]));
  }

  /** Several users by address, chunked so that a district-sized list stays under the parameter limit. */
  async byEmails(emails: readonly string[]): Promise<Map<string, UserRow>> {
    const out = new Map<string, UserRow>();
    const unique = [...new Set(emails.map((e) => e.toLowerCase()))];
    for (let i = 0; i < unique.length; i += 5000) {
      const rows = await this.db.selectFrom('users').selectAll().where('email', 'in', unique.slice(i, i + 5000)).execute();
      for (const row of rows) out.set(row.email, row);
    }
    return out;
  }

  /** Locks the user's row until the transaction ends (membership counts are read after it). */
  async lock(id: string): Promise<UserRow | undefined> {
    let query = this.db.selectFrom('users').selectAll().where('id', '=', id);
    if (this.caps.rowLocks) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  /**
   * Inserts a user unless the address or id is taken, and says whether it did. A unique violation
   * would abort a PostgreSQL transaction, so concurrent creations of one user must not raise one.
   */
  async insertIfAbsent(row: UserRow): Promise<boolean> {
    const result = await this.db.insertInto('users').values(row).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async update(id: string, patch: Updateable<UserRow>): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }

  list(domain: string | undefined, window: Window): Promise<UserRow[]> {
    let query = this.db.selectFrom('users').selectAll();
    if (domain) query = query.where('domain', '=', domain);
    return query.orderBy('created_at').orderBy('id').offset(window.offset).limit(window.limit).execute();
  }
}

/** A token and the rows it leads to, each absent when missing (see {@link IdentityRepo.tokenHolder}). */
export interface TokenHolder {
  token: TokenRow;
  user?: UserRow;
  /** The user's domain. */
  domain?: DomainRow;
  project?: ProjectRow;
  /**
   * PostgreSQL: the generation of caller rows (migration 006) in the snapshot these rows were read in,
   * so that what is remembered of them is tagged with exactly the state it reflects.
   */
  generation?: number;
}

/**
 * Every column of a row type, checked by the compiler: a column added to the type and missing here is a
 * type error, so a joined read can never return a row short of a field.
 */
function columnsOf<T>() {
  return <const L extends readonly (keyof T & string)[]>(
    list: L & ([Exclude<keyof T, L[number]>] extends [never] ? unknown : { missingColumns: Exclude<keyof T, L[number]> }),
  ): L => list;
}

const TOKEN_COLUMNS = columnsOf<TokenRow>()(['token', 'user_id', 'project_id', 'scopes', 'via', 'service_account', 'expires_at', 'created_at']);
const USER_COLUMNS = columnsOf<UserRow>()([
  'id',
  'email',
  'domain',
  'given_name',
  'family_name',
  'is_admin',
  'can_create_courses',
  'classroom_enabled',
  'api_enabled',
  'state',
  'group_memberships',
  'verified_teacher',
  'created_at',
]);
const DOMAIN_COLUMNS = columnsOf<DomainRow>()(['name', 'api_enabled', 'created_at']);
const PROJECT_COLUMNS = columnsOf<ProjectRow>()(['id', 'number', 'name', 'created_at']);

/** The SQL of {@link IdentityRepo.tokenHolder} for each database (empty: not precompilable, build it each time). */
const tokenHolderSql = new WeakMap<object, string>();

/** `table.column AS prefix_column` for each column, so joined tables' columns keep apart. */
function prefixed(table: string, columns: readonly string[], prefix: string) {
  return columns.map((column) => sql.ref(`${table}.${column}`).as(`${prefix}${column}`));
}

/** The row of one table back out of a joined, prefixed result. */
function unprefixed<T>(row: Record<string, unknown>, columns: readonly string[], prefix: string): T {
  const out: Record<string, unknown> = {};
  for (const column of columns) out[column] = row[`${prefix}${column}`];
  return out as T;
}

/** SQL compiled once per database and statement, with where each argument goes among its parameters. */
const compiledOnce = new WeakMap<object, Map<string, { sql: string; order: number[] } | null>>();

/**
 * Runs a query Kysely would otherwise build and compile on every call (which costs more CPU than running
 * a small indexed read): it is compiled once per database with placeholder arguments, then run with the
 * real ones. A query whose parameters are not exactly its arguments is built each time as usual.
 */
async function runCompiledOnce<R>(db: Db, name: string, build: (...args: never[]) => Compilable<R>, args: readonly (string | number)[]): Promise<R[]> {
  let byName = compiledOnce.get(db);
  if (!byName) compiledOnce.set(db, (byName = new Map()));
  let compiled = byName.get(name);
  if (compiled === undefined) {
    const marks = args.map((_, i) => `\u0000arg${i}\u0000`);
    const query = build(...(marks as never[])).compile();
    const order = query.parameters.map((p) => marks.indexOf(p as string));
    compiled = order.every((i) => i >= 0) ? { sql: query.sql, order } : null;
    byName.set(name, compiled);
  }
  const query = compiled ? CompiledQuery.raw(compiled.sql, compiled.order.map((i) => args[i])) : build(...(args as never[])).compile();
  return (await db.executeQuery<R>(query as CompiledQuery<R>)).rows;
}

/** Prefixes of the owner's and the member's columns in {@link CoursesRepo.withOwnerAndMember}. */
const OWNER = 'owner__';
const MEMBER = 'member__';

export class IdentityRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  domain(name: string): Promise<DomainRow | undefined> {
    return this.db.selectFrom('domains').selectAll().where('name', '=', name).executeTakeFirst();
  }

  domains(): Promise<DomainRow[]> {
    return this.db.selectFrom('domains').selectAll().orderBy('name').execute();
  }

  /** Inserts a domain; a domain created meanwhile by a concurrent request is left as it is. */
  async insertDomain(row: DomainRow): Promise<void> {
    await this.db.insertInto('domains').values(row).onConflict((oc) => oc.column('name').doNothing()).execute();
  }

  async updateDomain(name: string, patch: Updateable<DomainRow>): Promise<void> {
    await this.db.updateTable('domains').set(patch).where('name', '=', name).execute();
  }

  project(id: string): Promise<ProjectRow | undefined> {
    return this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
  }

  projects(): Promise<ProjectRow[]> {
    return this.db.selectFrom('projects').selectAll().orderBy('created_at').execute();
  }

  async insertProject(row: ProjectRow): Promise<void> {
    await this.db.insertInto('projects').values(row).execute();
  }

  grant(userId: string, projectId: string): Promise<GrantRow | undefined> {
    return this.db
      .selectFrom('grants')
      .selectAll()
      .where('user_id', '=', userId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
  }

  grants(): Promise<GrantRow[]> {
    return this.db.selectFrom('grants').selectAll().orderBy('created_at').execute();
  }

  async putGrant(row: GrantRow): Promise<void> {
    await this.db.deleteFrom('grants').where('user_id', '=', row.user_id).where('project_id', '=', row.project_id).execute();
    await this.db.insertInto('grants').values(row).execute();
  }

  async deleteGrant(userId: string, projectId: string): Promise<number> {
    const result = await this.db
      .deleteFrom('grants')
      .where('user_id', '=', userId)
      .where('project_id', '=', projectId)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  token(token: string): Promise<TokenRow | undefined> {
    return this.db.selectFrom('tokens').selectAll().where('token', '=', token).executeTakeFirst();
  }

  /**
   * A token with everything authentication needs, in one statement: the user it acts for, that user's
   * domain and the project it was issued to, each absent when missing. One consistent read instead of
   * four lookups on every Classroom request.
   */
  async tokenHolder(token: string): Promise<TokenHolder | undefined> {
    // Building and compiling this query (28 columns) cost more CPU than running it: the SQL is compiled
    // once per database and then run with the token as its one parameter.
    let text = tokenHolderSql.get(this.db);
    if (text === undefined) {
      const compiled = this.tokenHolderQuery('').compile();
      text = compiled.parameters.length === 1 ? compiled.sql : '';
      tokenHolderSql.set(this.db, text);
    }
    const row = text
      ? (await this.db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, [token]))).rows[0]
      : ((await this.tokenHolderQuery(token).executeTakeFirst()) as Record<string, unknown> | undefined);
    if (!row) return undefined;
    return {
      token: unprefixed<TokenRow>(row, TOKEN_COLUMNS, 't_'),
      ...(row.u_id !== null ? { user: unprefixed<UserRow>(row, USER_COLUMNS, 'u_') } : {}),
      ...(row.d_name !== null ? { domain: unprefixed<DomainRow>(row, DOMAIN_COLUMNS, 'd_') } : {}),
      ...(row.p_id !== null ? { project: unprefixed<ProjectRow>(row, PROJECT_COLUMNS, 'p_') } : {}),
      ...(row.auth_generation !== undefined && row.auth_generation !== null ? { generation: Number(row.auth_generation) } : {}),
    };
  }

  private tokenHolderQuery(token: string) {
    const query = this.db
      .selectFrom('tokens')
      .leftJoin('users', 'users.id', 'tokens.user_id')
      .leftJoin('domains', 'domains.name', 'users.domain')
      .leftJoin('projects', 'projects.id', 'tokens.project_id')
      .select([
        ...prefixed('tokens', TOKEN_COLUMNS, 't_'),
        ...prefixed('users', USER_COLUMNS, 'u_'),
        ...prefixed('domains', DOMAIN_COLUMNS, 'd_'),
        ...prefixed('projects', PROJECT_COLUMNS, 'p_'),
      ])
      .where('tokens.token', '=', token);
    // Processes sharing the database tag what they remember with the generation read in the same snapshot.
    return this.caps.rowLocks ? query.select(sql<number>`(select n from auth_generation where id = 1)`.as('auth_generation')) : query;
  }

  /** Every token, or one user's; for the admin listing. */
  tokens(userId?: string): Promise<TokenRow[]> {
    let query = this.db.selectFrom('tokens').selectAll();
    if (userId) query = query.where('user_id', '=', userId);
    return query.orderBy('created_at').orderBy('token').execute();
  }

  async insertToken(row: TokenRow): Promise<void> {
    await this.db.insertInto('tokens').values(row).execute();
  }

  async deleteToken(token: string): Promise<number> {
    const result = await this.db.deleteFrom('tokens').where('token', '=', token).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** Filters of a course listing; all that are set must hold. */
export interface CourseFilter {
  studentId?: string;
  teacherId?: string;
  states?: readonly string[];
  /** Only courses whose owner is in this domain (a domain admin's view). */
  ownerDomain?: string;
  /** Only courses this user is a member of, or owns. */
  memberId?: string;
  /** SUSPENDED courses only when this user owns them (everyone but the owner and admins loses sight of them). */
  suspendedOnlyFor?: string;
}

export class CoursesRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  byId(id: string): Promise<CourseRow | undefined> {
    return this.db.selectFrom('courses').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /**
   * A course, its owner and one user's membership in it, in one statement: what every call on a course
   * reads first. Owner and membership are absent when missing.
   */
  async withOwnerAndMember(id: string, userId: string): Promise<{ course: CourseRow; owner?: UserRow; member?: CourseMemberRow } | undefined> {
    const [row] = await runCompiledOnce<Record<string, unknown>>(
      this.db,
      'courses.withOwnerAndMember',
      (courseId: string, memberId: string) =>
        this.db
          .selectFrom('courses')
          .leftJoin('users', 'users.id', 'courses.owner_id')
          .leftJoin('course_members', (join) => join.onRef('course_members.course_id', '=', 'courses.id').on('course_members.user_id', '=', memberId))
          .selectAll('courses')
          .select([...prefixed('users', USER_COLUMNS, OWNER), sql.ref('course_members.role').as(`${MEMBER}role`), sql.ref('course_members.created_at').as(`${MEMBER}created_at`)])
          .where('courses.id', '=', courseId),
      [id, userId],
    );
    if (!row) return undefined;
    // Every column that is not the owner's or the member's is the course's, whatever columns it gains.
    const course: Record<string, unknown> = {};
    for (const key in row) if (!key.startsWith(OWNER) && !key.startsWith(MEMBER)) course[key] = row[key];
    return {
      course: course as unknown as CourseRow,
      ...(row[`${OWNER}id`] !== null ? { owner: unprefixed<UserRow>(row, USER_COLUMNS, OWNER) } : {}),
      ...(row[`${MEMBER}role`] !== null
        ? { member: { course_id: id, user_id: userId, role: row[`${MEMBER}role`] as CourseRole, created_at: Number(row[`${MEMBER}created_at`]) } }
        : {}),
    };
  }

  /**
   * Locks the course row for the rest of the transaction. Every write that checks a course-wide limit
   * takes this lock first, so two requests cannot both see the last free seat.
   */
  async lock(id: string): Promise<CourseRow | undefined> {
    let query = this.db.selectFrom('courses').selectAll().where('id', '=', id);
    if (this.caps.rowLocks) query = query.forUpdate();
    return query.executeTakeFirst();
  }

  async insert(row: CourseRow): Promise<void> {
    await this.db.insertInto('courses').values(row).execute();
  }

  async update(id: string, patch: Updateable<CourseRow>): Promise<void> {
    await this.db.updateTable('courses').set(patch).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('course_joins').where('course_id', '=', id).execute();
    await this.db.deleteFrom('courses').where('id', '=', id).execute();
  }

  list(filter: CourseFilter, window: Window): Promise<CourseRow[]> {
    let query = this.db.selectFrom('courses').selectAll('courses');
    for (const [id, role] of [
      [filter.studentId, 'STUDENT'],
      [filter.teacherId, 'TEACHER'],
    ] as const) {
      if (!id) continue;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('course_members as m')
            .select('m.user_id')
            .whereRef('m.course_id', '=', 'courses.id')
            .where('m.user_id', '=', id)
            .where('m.role', '=', role),
        ),
      );
    }
    if (filter.memberId) {
      const id = filter.memberId;
      query = query.where(({ or, eb, exists, selectFrom }) =>
        or([
          eb('courses.owner_id', '=', id),
          exists(
            selectFrom('course_members as m')
              .select('m.user_id')
              .whereRef('m.course_id', '=', 'courses.id')
              .where('m.user_id', '=', id),
          ),
        ]),
      );
    }
    if (filter.ownerDomain) {
      const domain = filter.ownerDomain;
      query = query.where(({ exists, selectFrom }) =>
        exists(
          selectFrom('users as o')
            .select('o.id')
            .whereRef('o.id', '=', 'courses.owner_id')
            .where('o.domain', '=', domain),
        ),
      );
    }
    if (filter.states && filter.states.length > 0) query = query.where('courses.course_state', 'in', [...filter.states]);
    if (filter.suspendedOnlyFor) {
      const id = filter.suspendedOnlyFor;
      query = query.where(({ or, eb }) => or([eb('courses.course_state', '!=', 'SUSPENDED'), eb('courses.owner_id', '=', id)]));
    }
    return query
      .orderBy('courses.creation_time', 'desc')
      .orderBy('courses.id', 'desc')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  /** Every course, for admin listings and exports. */
  all(): Promise<CourseRow[]> {
    return this.db.selectFrom('courses').selectAll().orderBy('creation_time').execute();
  }
}

export class AliasesRepo {
  constructor(private readonly db: Db) {}

  get(namespace: string, alias: string): Promise<CourseAliasRow | undefined> {
    return this.db
      .selectFrom('course_aliases')
      .selectAll()
      .where('namespace', '=', namespace)
      .where('alias', '=', alias)
      .executeTakeFirst();
  }

  list(courseId: string, window: Window): Promise<CourseAliasRow[]> {
    return this.db
      .selectFrom('course_aliases')
      .selectAll()
      .where('course_id', '=', courseId)
      .orderBy('created_at')
      .orderBy('alias')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  /** Every alias, for admin listings. */
  all(): Promise<CourseAliasRow[]> {
    return this.db.selectFrom('course_aliases').selectAll().orderBy('created_at').orderBy('alias').execute();
  }

  /** A course's aliases in the given namespaces only (a caller sees its domain's and its project's). */
  listIn(courseId: string, namespaces: readonly string[], window: Window): Promise<CourseAliasRow[]> {
    if (namespaces.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('course_aliases')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('namespace', 'in', [...namespaces])
      .orderBy('created_at')
      .orderBy('alias')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  async insert(row: CourseAliasRow): Promise<void> {
    await this.db.insertInto('course_aliases').values(row).execute();
  }

  /**
   * Inserts an alias unless its namespace already holds it; false when it was taken. The check and the
   * insert are one statement, so two requests racing for one alias cannot both win (nor fail with a
   * constraint error).
   */
  async insertIfAbsent(row: CourseAliasRow): Promise<boolean> {
    const result = await this.db
      .insertInto('course_aliases')
      .values(row)
      .onConflict((oc) => oc.columns(['namespace', 'alias']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async delete(namespace: string, alias: string): Promise<void> {
    await this.db.deleteFrom('course_aliases').where('namespace', '=', namespace).where('alias', '=', alias).execute();
  }
}

export class MembersRepo {
  constructor(private readonly db: Db) {}

  get(courseId: string, userId: string): Promise<CourseMemberRow | undefined> {
    return this.db
      .selectFrom('course_members')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  async insert(row: CourseMemberRow): Promise<void> {
    await this.db.insertInto('course_members').values(row).execute();
  }

  async delete(courseId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('course_members').where('course_id', '=', courseId).where('user_id', '=', userId).execute();
  }

  async setRole(courseId: string, userId: string, role: CourseRole): Promise<void> {
    await this.db.updateTable('course_members').set({ role }).where('course_id', '=', courseId).where('user_id', '=', userId).execute();
  }

  /** Members of a course by role: the count a limit is checked against. */
  async count(courseId: string): Promise<{ students: number; teachers: number }> {
    const rows = await this.db
      .selectFrom('course_members')
      .select(['role', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('course_id', '=', courseId)
      .groupBy('role')
      .execute();
    const of = (role: CourseRole) => Number(rows.find((r) => r.role === role)?.n ?? 0);
    return { students: of('STUDENT'), teachers: of('TEACHER') };
  }

  /** Members of every course by role, in one grouped query (admin listings). */
  async countByCourse(): Promise<Map<string, { students: number; teachers: number }>> {
    const rows = await this.db
      .selectFrom('course_members')
      .select(['course_id', 'role', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy(['course_id', 'role'])
      .execute();
    const out = new Map<string, { students: number; teachers: number }>();
    for (const row of rows) {
      const entry = out.get(row.course_id) ?? { students: 0, teachers: 0 };
      if (row.role === 'STUDENT') entry.students = Number(row.n);
      else entry.teachers = Number(row.n);
      out.set(row.course_id, entry);
    }
    return out;
  }

  /** The courses two users both belong to, with each one's role there. */
  async shared(userA: string, userB: string): Promise<{ course_id: string; role_a: CourseRole; role_b: CourseRole }[]> {
    return this.db
      .selectFrom('course_members as a')
      .innerJoin('course_members as b', 'b.course_id', 'a.course_id')
      .select(['a.course_id as course_id', 'a.role as role_a', 'b.role as role_b'])
      .where('a.user_id', '=', userA)
      .where('b.user_id', '=', userB)
      .execute();
  }

  /** How many courses the user is a member of (each one is a group membership). */
  async countForUser(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('course_members')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /**
   * The users of a page of members, in join order, in one statement (the order index of migration 006
   * gives the page; each user is a primary-key lookup).
   */
  users(courseId: string, role: CourseRole, window: Window): Promise<UserRow[]> {
    return runCompiledOnce<UserRow>(
      this.db,
      'members.users',
      (course: string, memberRole: CourseRole, offset: number, limit: number) =>
        this.db
          .selectFrom('course_members')
          .innerJoin('users', 'users.id', 'course_members.user_id')
          .selectAll('users')
          .where('course_members.course_id', '=', course)
          .where('course_members.role', '=', memberRole)
          .orderBy('course_members.created_at')
          .orderBy('course_members.user_id')
          .offset(offset)
          .limit(limit),
      [courseId, role, window.offset, window.limit],
    );
  }

  list(courseId: string, role: CourseRole, window: Window): Promise<CourseMemberRow[]> {
    return this.db
      .selectFrom('course_members')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('role', '=', role)
      .orderBy('created_at')
      .orderBy('user_id')
      .offset(window.offset)
      .limit(window.limit)
      .execute();
  }

  /** Records a join for the rolling daily join limit. */
  async recordJoin(userId: string, courseId: string, at: number): Promise<void> {
    await this.db.insertInto('course_joins').values({ user_id: userId, course_id: courseId, at }).execute();
  }

  async joinsSince(userId: string, since: number): Promise<number> {
    const row = await this.db
      .selectFrom('course_joins')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('at', '>', since)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}

export class InvitationsRepo {
  constructor(private readonly db: Db) {}

  byId(id: string): Promise<InvitationRow | undefined> {
    return this.db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  forCourseAndUser(courseId: string, userId: string): Promise<InvitationRow | undefined> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /** The pending ownership-transfer invitation of a course, if any. */
  pendingOwner(courseId: string): Promise<InvitationRow | undefined> {
    return this.db
      .selectFrom('invitations')
      .selectAll()
      .where('course_id', '=', courseId)
      .where('role', '=', 'OWNER')
      .executeTakeFirst();
  }

  async insert(row: InvitationRow): Promise<void> {
    await this.db.insertInto('invitations').values(row).execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('invitations').where('id', '=', id).execute();
  }

  list(filter: { userId?: string; courseId?: string; courseIds?: readonly string[] }, window: Window): Promise<InvitationRow[]> {
    let query = this.db.selectFrom('invitations').selectAll();
    if (filter.userId) query = query.where('user_id', '=', filter.userId);
    if (filter.courseId) query = query.where('course_id', '=', filter.courseId);
    if (filter.courseIds) {
      if (filter.courseIds.length === 0) return Promise.resolve([]);
      query = query.where('course_id', 'in', [...filter.courseIds]);
    }
    return query.orderBy('created_at').orderBy('id').offset(window.offset).limit(window.limit).execute();
  }
}

export class GuardiansRepo {
  constructor(private readonly db: Db) {}

  get(studentId: string, guardianId: string): Promise<GuardianRow | undefined> {
    return this.db
      .selectFrom('guardians')
      .selectAll()
      .where('student_id', '=', studentId)
      .where('guardian_id', '=', guardianId)
      .executeTakeFirst();
  }

  list(filter: { studentId?: string; guardianId?: string; invitedEmail?: string; studentIds?: readonly string[] }, window: Window): Promise<GuardianRow[]> {
    let query = this.db.selectFrom('guardians').selectAll();
    if (filter.studentId) query = query.where('student_id', '=', filter.studentId);
    if (filter.guardianId) query = query.where('guardian_id', '=', filter.guardianId);
    if (filter.invitedEmail) query = query.where('invited_email', '=', filter.invitedEmail);
    if (filter.studentIds) {
      if (filter.studentIds.length === 0) return Promise.resolve([]);
      query = query.where('student_id', 'in', [...filter.studentIds]);
    }
    return query.orderBy('created_at').orderBy('guardian_id').offset(window.offset).limit(window.limit).execute();
  }

  async count(studentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('guardians')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('student_id', '=', studentId)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insert(row: GuardianRow): Promise<void> {
    await this.db.insertInto('guardians').values(row).execute();
  }

  async delete(studentId: string, guardianId: string): Promise<void> {
    await this.db.deleteFrom('guardians').where('student_id', '=', studentId).where('guardian_id', '=', guardianId).execute();
  }

  invitation(studentId: string, id: string): Promise<GuardianInvitationRow | undefined> {
    return this.db
      .selectFrom('guardian_invitations')
      .selectAll()
      .where('student_id', '=', studentId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  invitations(filter: { studentId?: string; invitedEmail?: string; states?: readonly string[]; studentIds?: readonly string[] }, window: Window): Promise<GuardianInvitationRow[]> {
    let query = this.db.selectFrom('guardian_invitations').selectAll();
    if (filter.studentId) query = query.where('student_id', '=', filter.studentId);
    if (filter.invitedEmail) query = query.where('invited_email', '=', filter.invitedEmail);
    if (filter.states && filter.states.length > 0) query = query.where('state', 'in', [...filter.states] as GuardianInvitationRow['state'][]);
    if (filter.studentIds) {
      if (filter.studentIds.length === 0) return Promise.resolve([]);
      query = query.where('student_id', 'in', [...filter.studentIds]);
    }
    return query.orderBy('created_at').orderBy('id').offset(window.offset).limit(window.limit).execute();
  }

  /** Guardian links of every student in a domain (a domain admin's `-` listing). */
  listInDomain(domain: string, filter: { invitedEmail?: string }, window: Window): Promise<GuardianRow[]> {
    let query = this.db
      .selectFrom('guardians')
      .innerJoin('users as s', 's.id', 'guardians.student_id')
      .selectAll('guardians')
      .where('s.domain', '=', domain);
    if (filter.invitedEmail) query = query.where('guardians.invited_email', '=', filter.invitedEmail);
    return query.orderBy('guardians.created_at').orderBy('guardians.guardian_id').offset(window.offset).limit(window.limit).execute();
  }

  /** Guardian invitations of every student in a domain (a domain admin's `-` listing). */
  invitationsInDomain(domain: string, filter: { invitedEmail?: string; states?: readonly string[] }, window: Window): Promise<GuardianInvitationRow[]> {
    let query = this.db
      .selectFrom('guardian_invitations')
      .innerJoin('users as s', 's.id', 'guardian_invitations.student_id')
      .selectAll('guardian_invitations')
      .where('s.domain', '=', domain);
    if (filter.invitedEmail) query = query.where('guardian_invitations.invited_email', '=', filter.invitedEmail);
    if (filter.states && filter.states.length > 0) {
      query = query.where('guardian_invitations.state', 'in', [...filter.states] as GuardianInvitationRow['state'][]);
    }
    return query.orderBy('guardian_invitations.created_at').orderBy('guardian_invitations.id').offset(window.offset).limit(window.limit).execute();
  }

  /** A guardian invitation by id alone (the admin API completes invitations without a student). */
  invitationById(id: string): Promise<GuardianInvitationRow | undefined> {
    return this.db.selectFrom('guardian_invitations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Pending invitations of a student: they count towards the guardian limit. */
  async pendingInvitations(studentId: string): Promise<number> {
    const row = await this.db
      .selectFrom('guardian_invitations')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('student_id', '=', studentId)
      .where('state', '=', 'PENDING')
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async insertInvitation(row: GuardianInvitationRow): Promise<void> {
    await this.db.insertInto('guardian_invitations').values(row).execute();
  }

  async updateInvitation(id: string, state: GuardianInvitationRow['state']): Promise<void> {
    await this.db.updateTable('guardian_invitations').set({ state }).where('id', '=', id).execute();
  }
}

export class SettingsRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  async get<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  /** Several settings in one statement, parsed; keys without a value are absent from the map. */
  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).where('key', 'in', [...keys]).execute();
    return new Map(rows.map((row) => [row.key, JSON.parse(row.value) as unknown]));
  }

  /**
   * {@link getMany}, and on stores shared by several processes also the generation of caller rows
   * (migration 006), in the same statement: one round trip tells a request both.
   */
  async getManyWithAuthGeneration(keys: readonly string[]): Promise<{ settings: Map<string, unknown>; authGeneration?: number }> {
    if (!this.caps.rowLocks) return { settings: await this.getMany(keys) };
    const { rows } = await sql<{ key: string | null; value: string }>`
      select key, value from settings where key in (${sql.join(keys)})
      union all select null, cast(n as text) from auth_generation where id = 1`.execute(this.db);
    const settings = new Map<string, unknown>();
    let authGeneration: number | undefined;
    for (const row of rows) {
      if (row.key === null) authGeneration = Number(row.value);
      else settings.set(row.key, JSON.parse(row.value) as unknown);
    }
    return { settings, ...(authGeneration !== undefined ? { authGeneration } : {}) };
  }

  async put(key: string, value: unknown): Promise<void> {
    const text = JSON.stringify(value);
    await this.db
      .insertInto('settings')
      .values({ key, value: text })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text }))
      .execute();
  }
}

/** Whole-state operations: reset, export, import. */
export class StateRepo {
  constructor(private readonly db: Db) {}

  /** Empties every table; settings too unless `keepSettings`. */
  async wipe(options: { keepSettings?: boolean } = {}): Promise<void> {
    for (const table of TABLES) {
      if (table === 'settings' && options.keepSettings) continue;
      await this.db.deleteFrom(table).execute();
    }
  }

  /** Every row of every table, keyed by table name. */
  async dump(): Promise<Record<string, unknown[]>> {
    const out: Record<string, unknown[]> = {};
    for (const table of [...TABLES].reverse()) {
      out[table] = await this.db.selectFrom(table).selectAll().execute();
    }
    return out;
  }

  /**
   * Inserts many rows of one table in multi-row statements sized to stay under both dialects' bound
   * parameter limits (SQLite 32,766; PostgreSQL 65,535). `onChunk` reports rows written so far.
   */
  async insertMany<T extends keyof Database>(table: T, rows: readonly Database[T][], onChunk?: (written: number) => void): Promise<void> {
    const first = rows[0];
    if (!first) return;
    const perRow = Math.max(1, Object.keys(first).length);
    const size = Math.max(1, Math.floor(30_000 / perRow));
    for (let i = 0; i < rows.length; i += size) {
      await this.db
        .insertInto(table)
        .values(rows.slice(i, i + size) as never)
        .execute();
      onChunk?.(Math.min(rows.length, i + size));
    }
  }

  /** Which of `values` already occur in `table.column` (chunked). */
  async existing<T extends keyof Database>(table: T, column: keyof Database[T] & string, values: readonly string[]): Promise<Set<string>> {
    const found = new Set<string>();
    const unique = [...new Set(values)];
    for (let i = 0; i < unique.length; i += 5000) {
      const rows = (await this.db
        .selectFrom(table as never)
        .select(column as never)
        .where(column as never, 'in', unique.slice(i, i + 5000) as never)
        .execute()) as Record<string, unknown>[];
      for (const row of rows) found.add(String(row[column]));
    }
    return found;
  }

  /** Loads rows exported by {@link dump}; tables it does not name stay empty. */
  async load(tables: Record<string, unknown[]>): Promise<void> {
    for (const table of [...TABLES].reverse()) {
      const rows = tables[table];
      if (!rows || rows.length === 0) continue;
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < rows.length; i += 200) {
        await this.db
          .insertInto(table)
          .values(rows.slice(i, i + 200) as never)
          .execute();
      }
    }
  }
}
