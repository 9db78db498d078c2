import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../src/index.js';

/** The README documents the admin API; the served OpenAPI document is the truth it must match. */
describe('README admin table', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await createEmulator({ listen: false });
  });
  afterAll(() => emulator?.close());

  it('lists every admin endpoint the emulator serves (regenerate with scripts/admin-table.mjs)', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const doc = JSON.parse((await emulator.app.inject({ method: 'GET', url: '/emulator/v1/openapi.json' })).body) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations)) {
        const full = path.startsWith('/emulator/v1') ? path : `/emulator/v1${path}`;
        if (!readme.includes(`\`${method.toUpperCase()} ${full}\``)) missing.push(`${method.toUpperCase()} ${full}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
