import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { StoreOptions } from '../../src/index.js';

/** A second emulator process sharing a PostgreSQL store with the test's own emulator. */
export interface PeerProcess {
  /** Base URL of the peer. */
  url: string;
  close(): Promise<void>;
}

const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

// Runs in the child: builds an emulator from the built package and reports its URL on stdout.
const SCRIPT = `
const { createEmulator } = await import(process.env.PEER_DIST_URL);
const emulator = await createEmulator({ store: { kind: 'postgres', url: process.env.PEER_PG_URL, schema: process.env.PEER_PG_SCHEMA } });
process.stdout.write(JSON.stringify({ url: emulator.url }) + '\\n');
process.stdin.on('data', async () => { await emulator.close(); process.exit(0); });
process.stdin.on('end', async () => { await emulator.close(); process.exit(0); });
`;

/**
 * Starts another Node process running the built emulator (packages/emulator/dist) on the same
 * PostgreSQL URL and schema, so that tests can check what must hold across processes.
 */
export async function startPeerProcess(options: { url: string; schema: string }): Promise<PeerProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--input-type=module', '-e', SCRIPT], {
    env: { ...process.env, PEER_DIST_URL: new URL(`file://${DIST}`).href, PEER_PG_URL: options.url, PEER_PG_SCHEMA: options.schema },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the peer process exited (${code}) before listening: ${stderr}`)));
  });
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin?.end('close\n');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

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
