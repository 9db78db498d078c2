import { randomBytes } from 'node:crypto';
import type { StoreOptions } from '../../src/index.js';

/**
 * A PostgreSQL database of the caller's own, dropped by `drop()`. Kysely's migrator looks for its
 * bookkeeping tables in every schema of a database, so a schema left behind by another test file can
 * make migrations in a fresh schema skip creating them; a separate database cannot be disturbed so.
 */
export async function ownDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `platform_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

/** The store options of a behaviour test on `name`: PostgreSQL gets a database of its own. */
export async function isolatedStore(name: string): Promise<{ store: StoreOptions; drop(): Promise<void> }> {
  const base = process.env.CLASSROOM_EMULATOR_TEST_DATABASE_URL;
  if (name !== 'postgres' || !base) return { store: { kind: 'sqlite' }, drop: async () => {} };
  const database = await ownDatabase(base);
  return { store: { kind: 'postgres', url: database.url, schema: 'emulator' }, drop: database.drop };
}
