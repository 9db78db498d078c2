import { sql, type Kysely } from 'kysely';
import type { Capabilities } from './db.js';
import type { Repos } from './repos.js';
import type { Database } from './schema.js';

/** One quota key's requests in one bucket (a second of a per-minute meter, a day of a daily one). */
export interface QuotaCounterRow {
  key: string;
  bucket: number;
  count: number;
}

/** A quota key. Requests used to lock its row while they checked and counted; counting is now one statement (QuotaRepo.count) and the table stays empty. */
export interface QuotaKeyRow {
  key: string;
}

/** The feed kinds of registrations.create. */
export type FeedType = 'DOMAIN_ROSTER_CHANGES' | 'COURSE_ROSTER_CHANGES' | 'COURSE_WORK_CHANGES';

export interface RegistrationRow {
  id: string;
  /** The user whose access the feed is read with. */
  user_id: string;
  /** The Cloud project that registered. */
  project_id: string;
  feed_type: FeedType;
  /** For course feeds. */
  course_id: string | null;
  /** For DOMAIN_ROSTER_CHANGES: the registering admin's domain. */
  domain: string | null;
  topic_name: string;
  expiry_time: number;
  created_at: number;
}

/** Where the emulator pushes a topic's messages (a push subscription, in Pub/Sub's terms). */
export interface PubsubTopicRow {
  name: string;
  push_endpoint: string | null;
  subscription: string | null;
  /** 0: Classroom may not publish to it; registrations naming it fail with NOT_FOUND. */
  publishable: 0 | 1;
  updated_at: number;
}

declare module './schema.js' {
  interface Database {
    quota_keys: QuotaKeyRow;
    quota_counters: QuotaCounterRow;
    registrations: RegistrationRow;
    pubsub_topics: PubsubTopicRow;
  }
}

type Db = Kysely<Database>;

/**
 * The platform's repositories (quota counters, registrations, topics), bound to the same connection or
 * transaction as `repos`.
 *
 * @example
 * ```ts
 * await env.store.transaction((tx) => platformRepos(tx).registrations.insert(row));
 * ```
 */
export function platformRepos(repos: Repos): PlatformRepos {
  return new PlatformRepos(repos.db, repos.capabilities);
}

/** Quota counters, registrations and topics; no policy, only loads, locks and saves. */
export class PlatformRepos {
  readonly quota: QuotaRepo;
  readonly registrations: RegistrationsRepo;
  readonly topics: TopicsRepo;

  constructor(db: Db, capabilities: Capabilities) {
    this.quota = new QuotaRepo(db, capabilities);
    this.registrations = new RegistrationsRepo(db);
    this.topics = new TopicsRepo(db);
  }
}

export class QuotaRepo {
  constructor(private readonly db: Db, private readonly caps: Capabilities) {}

  /** The buckets of several keys, each after its own `after`, oldest first; in one statement. */
  buckets(windows: readonly { key: string; after: number }[]): Promise<QuotaCounterRow[]> {
    return this.db
      .selectFrom('quota_counters')
      .selectAll()
      .where(({ or, and, eb }) => or(windows.map((w) => and([eb('key', '=', w.key), eb('bucket', '>', w.after)]))))
      .orderBy('key')
      .orderBy('bucket')
      .execute();
  }

  /**
   * Counts one request in the current bucket of each key and reads each key's window, in one statement
   * and without holding a lock past it: the upsert returns each current bucket's count including this
   * request (concurrent requests on one bucket get distinct counts, in the order they were counted),
   * and the older buckets of the window come from the same statement's snapshot (nothing counts in a
   * past bucket any more). A request the counts refuse is taken back with {@link uncount}.
   *
   * The commit does not wait for the write-ahead log to reach the disk (`synchronous_commit` off for
   * this statement only): a counter lost in a crash of the database server is a quota slot given back,
   * and the flush would otherwise be the longest part of every Classroom request.
   */
  async count(unordered: readonly { key: string; bucket: number; after: number }[], prune = false): Promise<QuotaCounterRow[]> {
    // Every statement locks the counters it upserts in one order (by key), so two requests whose meters
    // overlap cannot each hold a row the other waits for.
    // (JavaScript compares strings by UTF-16 code unit, the same as PostgreSQL's "C" collation for the ASCII keys used here.)
    const meters = [...unordered].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.bucket - b.bucket));
    const values = sql.join(meters.map((m) => sql`(${m.key}, ${m.bucket}, 1)`));
    const older = sql.join(
      meters.map((m) => sql`(key = ${m.key} and bucket > ${m.after} and bucket < ${m.bucket})`),
      sql` or `,
    );
    // Buckets that left their window never count again; now and then the same statement deletes them.
    const gone = sql.join(
      meters.map((m) => sql`(key = ${m.key} and bucket <= ${m.after})`),
      sql` or `,
    );
    const pruned = prune ? sql`pruned as (delete from quota_counters where ${gone}),` : sql``;
    const { rows } = await retryDeadlock(() => sql<QuotaCounterRow>`
      with relaxed as (select set_config('synchronous_commit', 'off', true)), ${pruned}
      counted as (
        insert into quota_counters (key, bucket, count) values ${values}
        on conflict (key, bucket) do update set count = quota_counters.count + 1
        returning key, bucket, count
      )
      select key, bucket, count from counted, relaxed
      union all
      select key, bucket, count from quota_counters where ${older}`.execute(this.db));
    return rows.map((r) => ({ key: r.key, bucket: Number(r.bucket), count: Number(r.count) }));
  }

  /** Takes back a request {@link count} counted and the quota then refused. */
  async uncount(entries: readonly { key: string; bucket: number }[]): Promise<void> {
    // The rows are locked in count()'s order (key in byte order, then bucket) before they are changed:
    // a plain UPDATE locks them in scan order, which deadlocked with concurrent counts.
    const which = sql.join(
      entries.map((e) => sql`(key = ${e.key} and bucket = ${e.bucket})`),
      sql` or `,
    );
    await retryDeadlock(() =>
      sql`
        update quota_counters q set count = q.count - 1
        from (select key, bucket from quota_counters where ${which} order by key collate "C", bucket for update) locked
        where q.key = locked.key and q.bucket = locked.bucket`.execute(this.db),
    );
  }

  async clear(): Promise<void> {
    await this.db.deleteFrom('quota_counters').execute();
    await this.db.deleteFrom('quota_keys').execute();
  }
}

/**
 * Runs a single statement again when PostgreSQL chose it as a deadlock victim (40P01). An UPDATE whose
 * rows come from a scan can lock them in another order than a concurrent upsert (seen as a rare
 * INTERNAL among 50 concurrent callers of one project before both took one order); should another
 * order slip in, the victim's statement was rolled back whole, so running it again counts exactly once.
 */
async function retryDeadlock<T>(statement: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await statement();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
    }
  }
}

/** Which registrations an event reaches. */
export interface RegistrationMatch {
  courseId: string;
  /** Set for roster events: domain feeds of the course owner's domain match too. */
  domain?: string;
  feedTypes: readonly FeedType[];
  /** Only registrations still effective at this time. */
  at: number;
}

export class RegistrationsRepo {
  constructor(private readonly db: Db) {}

  get(id: string): Promise<RegistrationRow | undefined> {
    return this.db.selectFrom('registrations').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async insert(row: RegistrationRow): Promise<void> {
    await this.db.insertInto('registrations').values(row).execute();
  }

  async delete(id: string): Promise<number> {
    const result = await this.db.deleteFrom('registrations').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** Unexpired registrations whose feed covers the course (or, for domain feeds, its domain). */
  matching(match: RegistrationMatch): Promise<RegistrationRow[]> {
    return this.db
      .selectFrom('registrations')
      .selectAll()
      .where('expiry_time', '>', match.at)
      .where('feed_type', 'in', [...match.feedTypes])
      .where(({ or, eb }) =>
        or([
          eb('course_id', '=', match.courseId),
          ...(match.domain !== undefined ? [eb.and([eb('feed_type', '=', 'DOMAIN_ROSTER_CHANGES'), eb('domain', '=', match.domain)])] : []),
        ]),
      )
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  all(): Promise<RegistrationRow[]> {
    return this.db.selectFrom('registrations').selectAll().orderBy('created_at').orderBy('id').execute();
  }
}

export class TopicsRepo {
  constructor(private readonly db: Db) {}

  get(name: string): Promise<PubsubTopicRow | undefined> {
    return this.db.selectFrom('pubsub_topics').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async put(row: PubsubTopicRow): Promise<void> {
    await this.db.deleteFrom('pubsub_topics').where('name', '=', row.name).execute();
    await this.db.insertInto('pubsub_topics').values(row).execute();
  }

  async delete(name: string): Promise<number> {
    const result = await this.db.deleteFrom('pubsub_topics').where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  all(): Promise<PubsubTopicRow[]> {
    return this.db.selectFrom('pubsub_topics').selectAll().orderBy('name').execute();
  }
}
