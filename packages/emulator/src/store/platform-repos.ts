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
  async count(meters: readonly { key: string; bucket: number; after: number }[], prune = false): Promise<QuotaCounterRow[]> {
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
    const { rows } = await sql<QuotaCounterRow>`
      with relaxed as (select set_config('synchronous_commit', 'off', true)), ${pruned}
      counted as (
        insert into quota_counters (key, bucket, count) values ${values}
        on conflict (key, bucket) do update set count = quota_counters.count + 1
        returning key, bucket, count
      )
      select key, bucket, count from counted, relaxed
      union all
      select key, bucket, count from quota_counters where ${older}`.execute(this.db);
    return rows.map((r) => ({ key: r.key, bucket: Number(r.bucket), count: Number(r.count) }));
  }

  /** Takes back a request {@link count} counted and the quota then refused. */
  async uncount(entries: readonly { key: string; bucket: number }[]): Promise<void> {
    await this.db
      .updateTable('quota_counters')
      .set((eb) => ({ count: eb('count', '-', 1) }))
      .where(({ or, and, eb }) => or(entries.map((e) => and([eb('key', '=', e.key), eb('bucket', '=', e.bucket)]))))
      .execute();
  }

  async clear(): Promise<void> {
    await this.db.deleteFrom('quota_counters').execute();
    await this.db.deleteFrom('quota_keys').execute();
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
