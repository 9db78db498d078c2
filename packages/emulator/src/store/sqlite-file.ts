import { accessSync, constants, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';

/** The database file inside a `--data-dir`. */
export const DATABASE_FILE = 'classroom.sqlite';
/** Names the process that owns a data directory, for the refusal a second one prints. */
export const OWNER_FILE = 'classroom.sqlite.pid';

/** Why a data directory cannot be used; the message names the file and what to do. */
export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataDirError';
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writable for this process. The mode bits count too: the emulator often runs as root in containers,
 * where access() says yes to a file its owner made read-only — and SQLite would then write to it.
 */
function writable(path: string, stats: Stats): boolean {
  try {
    accessSync(path, constants.W_OK);
  } catch {
    return false;
  }
  return (stats.mode & 0o222) !== 0;
}

/** The pid an owner file names, if it names one. */
function ownerOf(dir: string): string | undefined {
  try {
    const text = readFileSync(join(dir, OWNER_FILE), 'utf8').trim();
    return /^\d+$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Opens `DIR/classroom.sqlite` for one process only, checking first what would otherwise surface as a
 * bare SQLite message (or, for a read-only file, as a 500 on every write).
 *
 * Ownership rests on SQLite's own lock, not on a lock file: `locking_mode = EXCLUSIVE` makes the
 * connection keep its exclusive file lock from the first write until it closes, and the operating
 * system drops that lock when the process dies, even by `kill -9` — so a crashed emulator never leaves
 * a stale lock behind, and a recycled pid can never keep a directory locked. The pid file beside the
 * database only serves to name the owner in the second process's refusal.
 *
 * @returns the open database and a function that gives the directory up (removes the pid file).
 * @throws {DataDirError} naming the directory or file and what is wrong with it.
 */
export function openDataDir(dataDir: string): { database: SQLite.Database; release: () => void } {
  const dir = resolve(dataDir);
  const dirStats = statOrUndefined(dir);
  if (dirStats && !dirStats.isDirectory()) throw new DataDirError(`--data-dir ${dir} is a file, not a directory.`);
  if (!dirStats) {
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new DataDirError(`cannot create the data directory ${dir}: ${(error as Error).message}`);
    }
  } else if (!writable(dir, dirStats)) {
    throw new DataDirError(`the data directory ${dir} is read-only; the emulator needs to write its database and journal there.`);
  }
  const file = join(dir, DATABASE_FILE);
  const fileStats = statOrUndefined(file);
  if (fileStats && !fileStats.isFile()) throw new DataDirError(`${file} is not a regular file.`);
  if (fileStats && !writable(file, fileStats)) {
    throw new DataDirError(`the database file ${file} is read-only; make it writable or start with another --data-dir.`);
  }

  let database: SQLite.Database;
  try {
    database = new SQLite(file);
  } catch (error) {
    throw new DataDirError(`cannot open the database file ${file}: ${(error as Error).message}`);
  }
  try {
    // Before the WAL is entered: an exclusive WAL keeps its index in memory, with no -shm file to share.
    database.pragma('locking_mode = EXCLUSIVE');
    // Fail at once rather than wait when another process holds the lock.
    database.pragma('busy_timeout = 0');
    try {
      database.pragma('journal_mode = WAL');
      // A write transaction takes the exclusive lock now, rather than at the first request.
      database.exec('BEGIN IMMEDIATE; COMMIT');
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
        const pid = ownerOf(dir);
        throw new DataDirError(
          `the data directory ${dir} is in use by another emulator${pid ? ` (process ${pid})` : ''}; only one process may own a --data-dir. ` +
            'To share state between processes, use PostgreSQL (--database-url).',
        );
      }
      throw error;
    }
    if (fileStats && fileStats.size > 0) {
      // A truncated or overwritten file otherwise starts, then fails some later request with a 500.
      const verdict = database.pragma('quick_check', { simple: true }) as string;
      if (verdict !== 'ok') throw new DataDirError(`the database file ${file} is damaged (${verdict}); restore it from a copy or move it away to start afresh.`);
    }
  } catch (error) {
    database.close();
    if (error instanceof DataDirError) throw error;
    const code = (error as { code?: string }).code ?? '';
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
      throw new DataDirError(`the database file ${file} is damaged or not an SQLite database (${(error as Error).message}); restore it from a copy or move it away to start afresh.`);
    }
    if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
      throw new DataDirError(`cannot write the database file ${file} (${(error as Error).message}).`);
    }
    throw error;
  }

  const owner = join(dir, OWNER_FILE);
  writeFileSync(owner, `${process.pid}\n`);
  return {
    database,
    release: () => {
      if (ownerOf(dir) === String(process.pid)) rmSync(owner, { force: true });
    },
  };
}
