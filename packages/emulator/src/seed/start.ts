import { readFileSync } from 'node:fs';
import type { Env } from '../env.js';
import { seedDemo } from './demo.js';
import { parseFixture, writeFixture, type Fixture, type FixtureProgress, type FixtureSummary } from './fixture.js';

/** What was seeded when the emulator started. */
export interface StartSeeding {
  /** False when the store already held state (a data dir or a shared database): nothing was written. */
  fresh: boolean;
  demo: boolean;
  fixture?: FixtureSummary;
}

/** Reads a fixture file: JSON when its name ends in .json, YAML otherwise. */
export function readFixtureFile(path: string): Fixture {
  return parseFixture(readFileSync(path, 'utf8'), path.endsWith('.json') ? 'application/json' : 'application/yaml');
}

async function isEmpty(env: Env): Promise<boolean> {
  return (await env.store.read.users.list(undefined, { offset: 0, limit: 1 })).length === 0;
}

/**
 * Seeds the demo school and/or a fixture at start, in one transaction, but only into an empty store:
 * a persistent SQLite file or a PostgreSQL database that already holds state is never re-seeded.
 * When two processes race on one new database, the loser finds it seeded and carries on.
 */
export async function seedOnStart(
  env: Env,
  options: { demo?: boolean; fixture?: Fixture | string; onProgress?: (progress: FixtureProgress) => void },
): Promise<StartSeeding> {
  if (!options.demo && options.fixture === undefined) return { fresh: await isEmpty(env), demo: false };
  if (!(await isEmpty(env))) return { fresh: false, demo: false };
  const fixture = typeof options.fixture === 'string' ? readFixtureFile(options.fixture) : options.fixture;
  try {
    return await env.store.transaction(async (repos) => {
      if (options.demo) await seedDemo(env, repos);
      const summary = fixture ? await writeFixture(env, repos, fixture, options.onProgress) : undefined;
      return { fresh: true, demo: options.demo === true, ...(summary ? { fixture: summary } : {}) };
    });
  } catch (error) {
    if (!(await isEmpty(env))) return { fresh: false, demo: false };
    throw error;
  }
}
