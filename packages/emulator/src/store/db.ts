import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
// Types only: the driver itself is imported on first use (see loadPostgresDriver).
import type pg from 'pg';
import { Generation } from './generation.js';
import { migrationProvider } from './migrations/index.js';
import { Availability, isConnectionFailure } from './availability.js';
import { Repos } from './repos.js';
import { openDataDir } from './sqlite-file.js';
import type { Database } from './schema.js';

/** Where the state lives. */
export type StoreOptions =
  | { kind: 'sqlite'; /** A folder for `classroom.sqlite`; in memory when absent. */ dataDir?: string }
  | {
      kind: 'postgres';
      url: string;
      /** A PostgreSQL schema to keep the tables in (created if missing); lets test files share a database. */
      schema?: string;
      poolSize?: number;
      /** How long a new connection may take before the request fails with 503. Default 10 s. */
      connectTimeoutMs?: number;
    };

/**
 * What differs between the dialects, as flags rather than `if (dialect === ...)` in resource code.
 */
export interface Capabilities {
  /** `SELECT … FOR UPDATE` exists and is needed: several connections (and processes) write at once. */
  readonly rowLocks: boolean;
}

/** The one place that owns the database connection. */
export class Store {
  constructor(
    readonly dialect: 'sqlite' | 'postgres',
    readonly db: Kysely<Database>,
    readonly capabilities: Capabilities,
    /**
     * The PostgreSQL schema the migration tables live in. Kysely otherwise looks for them in every
     * schema, so one left by another process (a parallel test file) makes it skip creating its own.
     */
    private readonly migrationSchema?: string,
    /** Whether the database is reachable (always for SQLite); set a listener to hear of outages. */
    readonly availability = new Availability(),
    /** Changes to the rows callers are made of, for the caller cache (see {@link Generation}). */
    readonly authChanges: Generation = new Generation(),
  ) {}

  /** Opens (and migrates) a store. */
  static async open(options: StoreOptions): Promise<Store> {
    const store = options.kind === 'sqlite' ? openSqlite(options.dataDir) : await openPostgres(options);
    await store.migrate();
    return store;
  }

  /** Runs `fn` in one transaction: everything it wrote is kept only if it returns normally. */
  async transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new Repos(trx, this.capabilities)));
  }

  /** Repositories outside a transaction, for reads. They hold no state, so one set serves every call. */
  get read(): Repos {
    return (this.reads ??= new Repos(this.db, this.capabilities));
  }

  private reads: Repos | undefined;

  async migrate(): Promise<void> {
    const migrator = new Migrator({
      db: this.db,
      provider: migrationProvider,
      ...(this.migrationSchema ? { migrationTableSchema: this.migrationSchema } : {}),
    });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /**
   * SQLite's full `PRAGMA integrity_check` ('ok', or the problems found, one per line); PostgreSQL
   * keeps its own pages consistent and answers 'ok'. For checks after a crash.
   */
  async integrityCheck(): Promise<string> {
    if (this.dialect !== 'sqlite') return 'ok';
    const { rows } = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(this.db);
    return rows.map((row) => row.integrity_check).join('\n');
  }
}

function openSqlite(dataDir: string | undefined): Store {
  // A data directory is checked, locked for this process and put in WAL mode by openDataDir.
  const opened = dataDir ? openDataDir(dataDir) : { database: new SQLite(':memory:'), release: () => {} };
  const database = opened.database;
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  // Migration 006's triggers call this on every changed token, user, domain, project or grant row.
  const authChanges = new Generation();
  database.function('classroom_auth_changed', { deterministic: false, varargs: false }, () => {
    authChanges.advance();
    return null;
  });
  // Kysely's SQLite driver serialises every query and transaction on this single connection, so a
  // transaction is never interleaved with another writer: limits hold without row locks.
  const statements = cachingStatements(database);
  const closing: SqliteDatabase = {
    prepare: (sql) => statements.prepare(sql),
    close: () => {
      statements.close();
      opened.release();
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: closing }) });
  return new Store('sqlite', db, { rowLocks: false }, undefined, undefined, authChanges);
}

/** A statement as better-sqlite3 prepares it: `busy` while a streamed query still iterates it. */
export type PreparedStatement = SqliteStatement & { readonly busy: boolean };

/**
 * The part of a better-sqlite3 `Database` that {@link cachingStatements} uses. Written out here so the
 * published type declarations never name better-sqlite3's types, which are not installed with the package.
 */
export interface PreparingDatabase {
  prepare(sql: string): PreparedStatement;
  close(): unknown;
}

/** How many prepared statements {@link cachingStatements} keeps by default. */
export const STATEMENT_CACHE_SIZE = 1000;

/**
 * The database as Kysely's SQLite driver sees it, with `prepare` remembering the statements it made:
 * preparing (parsing and planning) was about a sixth of the CPU time of a simple request, and the
 * emulator runs the same few hundred SQL strings over and over.
 *
 * Reuse is safe because Kysely's driver binds the parameters and runs the statement (`all` or `run`)
 * synchronously, right after `prepare`, on the one connection, and better-sqlite3 resets a statement
 * after each run (also when it throws); nothing sets a statement's modes (`raw`, `pluck`, `bind` …).
 * Only a streamed query (`iterate`, which Kysely uses for `.stream()` alone) holds a statement across
 * awaits: one still busy is never handed out again, a fresh one is prepared instead. SQLite re-prepares
 * a statement by itself when the schema changes under it. At most `capacity` statements are kept; the
 * least recently used one is dropped first (better-sqlite3 finalizes it when it is collected).
 */
export function cachingStatements(database: PreparingDatabase, capacity = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const cache = new Map<string, PreparedStatement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      const cached = cache.get(sql);
      if (cached && !cached.busy) {
        // Most recently used last, so that the first key is the one to drop.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const statement = database.prepare(sql);
      if (cached) return statement;
      cache.set(sql, statement);
      if (cache.size > capacity) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}

let postgresDriver: Promise<typeof pg> | undefined;

/**
 * The PostgreSQL driver, imported on first use: `pg` is an optional peer dependency, so an emulator
 * that keeps its state in SQLite neither needs it installed nor pays for loading it.
 */
function loadPostgresDriver(): Promise<typeof pg> {
  return (postgresDriver ??= import('pg').then(
    ({ default: pg }) => {
      // Times are bigint epoch milliseconds: well inside Number's exact range.
      pg.types.setTypeParser(20, (value: string) => Number(value));
      return pg;
    },
    (error: unknown) => {
      postgresDriver = undefined;
      // Only pg itself missing gets the advice; a broken installation of pg keeps its own error.
      const missing = error as { code?: string; message?: string };
      if (missing.code !== 'ERR_MODULE_NOT_FOUND' || !/'pg'/.test(missing.message ?? '')) throw error;
      throw new Error(
        'PostgreSQL needs the "pg" package, an optional peer dependency of classroom-emulator: install pg to use ' +
          '--database-url (npm install pg); without it the emulator keeps its state in SQLite.',
        { cause: error },
      );
    },
  ));
}

/** PostgreSQL could not be reached at start; `address` is the host:port the URL names. */
export class DatabaseUnreachable extends Error {
  constructor(
    readonly address: string,
    cause: Error,
  ) {
    super(`PostgreSQL at ${address} could not be reached (${cause.message || (cause as { code?: string }).code || cause.name})`, { cause });
    this.name = 'DatabaseUnreachable';
  }
}

async function openPostgres(options: { url: string; schema?: string; poolSize?: number; connectTimeoutMs?: number }): Promise<Store> {
  const pg = await loadPostgresDriver();
  const url = new URL(options.url);
  const schema = options.schema ?? url.searchParams.get('schema') ?? undefined;
  url.searchParams.delete('schema');
  if (schema && !/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  // search_path as a start-up option applies before the first query of every pooled connection.
  const pool = new pg.Pool({
    connectionString: url.toString(),
    max: options.poolSize ?? 10,
    // An unreachable host fails a request (503) in seconds instead of holding it until the OS gives up.
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  const availability = new Availability();
  // Without these listeners a connection dropped under the pool (server restart, failover,
  // pg_terminate_backend, idle timeout) is an unhandled 'error' event and ends the process. Idle
  // clients report to the pool; checked-out ones only to themselves.
  const connectedAt = new WeakMap<object, number>();
  pool.on('error', (error, client) => availability.failed(error, connectedAt.get(client)));
  pool.on('connect', (client) => {
    const at = performance.now();
    connectedAt.set(client, at);
    client.on('error', (error) => availability.failed(error, at));
    availability.connected();
  });
  // Kysely takes its connections here: a failure to connect is the first sign of an outage.
  const watched = {
    connect: async () => {
      try {
        return await pool.connect();
      } catch (error) {
        if (error instanceof Error && isConnectionFailure(error)) availability.failed(error);
        throw error;
      }
    },
    end: () => pool.end(),
  };
  try {
    await pool.query('SELECT 1');
    if (schema) {
      try {
        await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      } catch (error) {
        // Two processes may race to create it; the loser sees a unique violation and can go on.
        if ((error as { code?: string }).code !== '23505') throw error;
      }
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    if (isConnectionFailure(error)) {
      throw new DatabaseUnreachable(`${url.hostname || 'localhost'}:${url.port || '5432'}`, error as Error);
    }
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: watched }) });
  return new Store('postgres', db, { rowLocks: true }, schema ?? 'public', availability);
}

/** Drops a PostgreSQL schema and everything in it (test clean-up). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`invalid PostgreSQL schema name: ${schema}`);
  const pg = await loadPostgresDriver();
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await pool.end();
  }
}
