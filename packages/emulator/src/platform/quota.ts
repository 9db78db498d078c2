import type { ErrorCode } from 'classroom-errors';
import type { Env } from '../env.js';
import { ApiFailure } from '../failure.js';
import type { Caller } from '../identity/caller.js';
import { platformRepos } from '../store/platform-repos.js';
import type { Limits } from './limits.js';

/** The quota limit names Google puts in `quota_limit`; classroom-errors' parser reads them. */
export type QuotaLimitName = 'DefaultPerMinutePerProject' | 'DefaultPerMinutePerUser' | 'DefaultPerDayPerProject';

/** One counter a request is checked against and counted in. */
export interface Meter {
  code: Extract<ErrorCode, 'ProjectRateLimitExceeded' | 'UserRateLimitExceeded' | 'DailyLimitExceeded'>;
  limitName: QuotaLimitName;
  key: string;
  /** The bucket this request falls in: a second for per-minute meters, a Pacific day for the daily one. */
  bucket: number;
  /** Buckets after this one are inside the window. */
  after: number;
  limit: number;
  /** When a request counted in `bucket` stops counting (epoch ms). */
  freesAt: (bucket: number) => number;
}

/** What a check decided. */
export type QuotaVerdict = { ok: true } | { ok: false; meter: Meter; used: number; freesAt: number };

/** Where counters live: this process's memory (SQLite) or the shared database (PostgreSQL). */
interface QuotaBackend {
  take(meters: readonly Meter[], now: number): Promise<QuotaVerdict>;
  used(meter: Meter): Promise<number>;
  clear(): Promise<void>;
}

/** The first meter that has no slot left, and when enough of its requests leave the window. */
function judge(meter: Meter, buckets: readonly { bucket: number; count: number }[], now: number): QuotaVerdict | undefined {
  const used = buckets.reduce((sum, b) => sum + b.count, 0);
  if (used < meter.limit) return undefined;
  // Enough requests must leave the window for one more to fit.
  let toFree = used - meter.limit + 1;
  let freesAt = meter.freesAt(meter.bucket);
  for (const b of buckets) {
    toFree -= b.count;
    if (toFree <= 0) {
      freesAt = meter.freesAt(b.bucket);
      break;
    }
  }
  return { ok: false, meter, used, freesAt: Math.max(freesAt, now) };
}

/**
 * Per-second buckets in memory. Right for SQLite: one process, and `take` runs without awaiting between
 * its check and its count, so concurrent requests cannot both see the last slot.
 */
class MemoryQuota implements QuotaBackend {
  private readonly counters = new Map<string, Map<number, number>>();

  private buckets(meter: Meter): { bucket: number; count: number }[] {
    const map = this.counters.get(meter.key);
    if (!map) return [];
    const out: { bucket: number; count: number }[] = [];
    for (const [bucket, count] of map) {
      if (bucket <= meter.after) map.delete(bucket);
      else out.push({ bucket, count });
    }
    return out.sort((a, b) => a.bucket - b.bucket);
  }

  async take(meters: readonly Meter[], now: number): Promise<QuotaVerdict> {
    for (const meter of meters) {
      const verdict = judge(meter, this.buckets(meter), now);
      if (verdict) return verdict;
    }
    for (const meter of meters) {
      const map = this.counters.get(meter.key) ?? new Map<number, number>();
      map.set(meter.bucket, (map.get(meter.bucket) ?? 0) + 1);
      this.counters.set(meter.key, map);
    }
    return { ok: true };
  }

  async used(meter: Meter): Promise<number> {
    return this.buckets(meter).reduce((sum, b) => sum + b.count, 0);
  }

  async clear(): Promise<void> {
    this.counters.clear();
  }
}

/** How often (in checks) a process clears buckets that have left their window; they never count again. */
const PRUNE_EVERY = 50;

/**
 * Counters in the database, for processes sharing PostgreSQL. Count first, then judge: one statement
 * counts the request in every meter and reads their windows (see QuotaRepo.count); a request that finds
 * a meter over its limit is taken back out. No lock is held between statements, so requests of one
 * project never queue behind each other's round trips.
 *
 * Why the limit still holds exactly: concurrent requests on one bucket get distinct counts, and a
 * request passes only if, with its own count, every meter is within its limit; every meter's counter is
 * the requests passed plus refused ones not yet taken back, so passes never exceed the limit. A request
 * can be refused while a refused one is still being taken back (the slot is then free again for the
 * next), which, like Google's own, errs on refusing.
 */
class StoreQuota implements QuotaBackend {
  private takes = 0;

  constructor(private readonly env: Env) {}

  async take(meters: readonly Meter[], now: number): Promise<QuotaVerdict> {
    const quota = platformRepos(this.env.store.read).quota;
    const rows = await quota.count(meters, ++this.takes % PRUNE_EVERY === 0);
    for (const meter of meters) {
      // The window as it was before this request: the current bucket without its own count.
      const buckets = rows
        .filter((r) => r.key === meter.key)
        .map((r) => (r.bucket === meter.bucket ? { bucket: r.bucket, count: r.count - 1 } : r))
        .sort((a, b) => a.bucket - b.bucket);
      const verdict = judge(meter, buckets, now);
      if (verdict) {
        await quota.uncount(meters);
        return verdict;
      }
    }
    return { ok: true };
  }

  async used(meter: Meter): Promise<number> {
    const rows = await platformRepos(this.env.store.read).quota.buckets([meter]);
    return rows.reduce((sum, b) => sum + b.count, 0);
  }

  async clear(): Promise<void> {
    await this.env.store.transaction((tx) => platformRepos(tx).quota.clear());
  }
}

const pacific = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Los_Angeles',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** The Pacific calendar date of an instant, and the zone's offset from UTC then. */
function pacificDate(at: number): { year: number; month: number; day: number; offsetMs: number } {
  const parts = Object.fromEntries(pacific.formatToParts(new Date(at)).map((p) => [p.type, Number(p.value)])) as Record<string, number>;
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  const local = Date.UTC(year, month - 1, day, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
  return { year, month, day, offsetMs: local - Math.floor(at / 1000) * 1000 };
}

/** The Pacific day an instant falls in, as a day count since the epoch. */
export function pacificDay(at: number): number {
  // Days change on whole seconds, so the answer for one second holds for all of it; every request asks
  // (for its daily meter), and formatting a date in a time zone is not cheap.
  const second = Math.floor(at / 1000);
  if (second === lastDay.second) return lastDay.day;
  const { year, month, day } = pacificDate(at);
  lastDay = { second, day: Date.UTC(year, month - 1, day) / 86_400_000 };
  return lastDay.day;
}

/** The last second {@link pacificDay} answered for, and its answer. */
let lastDay = { second: Number.NaN, day: 0 };

/** The next midnight in Pacific time after `at` (epoch ms), when Google's daily quotas reset. */
export function nextPacificMidnight(at: number): number {
  const { year, month, day, offsetMs } = pacificDate(at);
  const localMidnight = Date.UTC(year, month - 1, day + 1);
  // The offset may change overnight (daylight saving); read it again near the answer.
  return localMidnight - pacificDate(localMidnight - offsetMs).offsetMs;
}

const SERVICE = 'classroom.googleapis.com';

/** The meters one request is counted in, most severe first (a daily refusal matters most to a client). */
export function metersFor(caller: Pick<Caller, 'user' | 'project'>, limits: Readonly<Limits>, now: number): Meter[] {
  const windowSeconds = Math.max(1, limits.quotaWindowSeconds);
  const second = Math.floor(now / 1000);
  const perMinute = (bucket: number) => (bucket + windowSeconds) * 1000;
  const day = pacificDay(now);
  const project = caller.project.id;
  return [
    {
      code: 'DailyLimitExceeded',
      limitName: 'DefaultPerDayPerProject',
      key: `day:${project}`,
      bucket: day,
      after: day - 1,
      limit: limits.projectQueriesPerDay,
      freesAt: () => nextPacificMidnight(now),
    },
    {
      code: 'ProjectRateLimitExceeded',
      limitName: 'DefaultPerMinutePerProject',
      key: `minute:${project}`,
      bucket: second,
      after: second - windowSeconds,
      limit: limits.projectQueriesPerMinute,
      freesAt: perMinute,
    },
    {
      // Google's per-user quota is counted within the consumer project, not across projects.
      code: 'UserRateLimitExceeded',
      limitName: 'DefaultPerMinutePerUser',
      key: `user:${project}:${caller.user.id}`,
      bucket: second,
      after: second - windowSeconds,
      limit: limits.userQueriesPerMinute,
      freesAt: perMinute,
    },
  ];
}

/** One meter's state, for the admin view. */
export interface QuotaUsage {
  quotaLimit: QuotaLimitName;
  key: string;
  used: number;
  limit: number;
}

/**
 * The Classroom API's request quotas: per Cloud project 3,000 queries a minute, per user (within a
 * project) 1,200 a minute, per project 4,000,000 a day, from `env.limits`. The per-minute ones are a
 * moving window of `quotaWindowSeconds` on the virtual clock, so advancing the clock frees quota; the
 * daily one resets at midnight Pacific time, as Google's daily quotas do.
 *
 * Every authenticated request is checked and, when every meter has room, counted — including requests
 * that then fail validation or a rule, as Google's front end counts them. A request refused for quota is
 * not counted: Google's quota allocation either grants the whole request or nothing, so a client that
 * backs off recovers once the window moves on instead of being locked out by its own retries.
 *
 * Production sends no Retry-After on these errors; with `retryAfter` on, the emulator sends one (and a
 * google.rpc.RetryInfo) saying when the window frees a slot.
 *
 * Differs from production: Google does not publish how its moving average is computed; here the window
 * is counted in whole seconds of the virtual clock, so a request leaves it between `quotaWindowSeconds - 1`
 * and `quotaWindowSeconds` after it was made. Counters live in memory on SQLite (one process) and in
 * the database on PostgreSQL, where every process sharing it draws on the same quota.
 *
 * @example
 * ```ts
 * const quota = new Quota(env);
 * await quota.admit(caller); // counts the call, or throws ApiFailure('UserRateLimitExceeded', …)
 * ```
 */
export class Quota {
  private readonly backend: QuotaBackend;

  constructor(
    private readonly env: Env,
    /** Send Retry-After with quota errors. */
    public retryAfter = false,
  ) {
    this.backend = env.store.capabilities.rowLocks ? new StoreQuota(env) : new MemoryQuota();
  }

  /** Counts the request, or throws the quota error of the first meter without room. */
  async admit(caller: Caller): Promise<void> {
    const now = this.env.clock.now();
    const verdict = await this.backend.take(metersFor(caller, this.env.limits, now), now);
    if (verdict.ok) return;
    throw quotaFailure(verdict.meter, caller, this.env.limits, this.retryAfter ? (verdict.freesAt - now) / 1000 : undefined);
  }

  /** How much of each meter a caller has used, for GET /emulator/v1/quota. */
  async usage(caller: Pick<Caller, 'user' | 'project'>): Promise<QuotaUsage[]> {
    const meters = metersFor(caller, this.env.limits, this.env.clock.now());
    return Promise.all(
      meters.map(async (m) => ({ quotaLimit: m.limitName, key: m.key, used: await this.backend.used(m), limit: m.limit })),
    );
  }

  /** Forgets every count (admin reset). */
  clear(): Promise<void> {
    return this.backend.clear();
  }
}

/**
 * The 429 for a meter, rendered by the catalog with the ErrorInfo metadata Google's front end sends.
 * Also used for injected `return-429` faults, so that clients see the same shape either way.
 */
export function quotaFailure(meter: Pick<Meter, 'code' | 'limitName' | 'limit'>, caller: Pick<Caller, 'project'>, limits: Readonly<Limits>, retryAfterSeconds?: number): ApiFailure {
  const window = Math.max(1, limits.quotaWindowSeconds);
  const number = caller.project.number;
  const message =
    meter.code === 'DailyLimitExceeded'
      ? `Quota exceeded: Cloud project ${number} has used all ${meter.limit} of its queries for today (the count restarts at midnight Pacific time).`
      : meter.code === 'UserRateLimitExceeded'
        ? `Quota exceeded: this user has used all ${meter.limit} of their queries per ${window} seconds in Cloud project ${number}.`
        : `Quota exceeded: Cloud project ${number} has used all ${meter.limit} of its queries per ${window} seconds.`;
  return new ApiFailure(meter.code, message, {
    metadata: {
      service: SERVICE,
      consumer: `projects/${number}`,
      quota_metric: `${SERVICE}/default_requests`,
      quota_limit: meter.limitName,
      quota_limit_value: String(meter.limit),
      quota_location: 'global',
    },
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) } : {}),
  });
}
