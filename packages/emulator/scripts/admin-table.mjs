#!/usr/bin/env node
// Prints the README's admin API table from the served OpenAPI document, so the two never disagree
// (test/readme.test.ts checks the README lists every endpoint). Run after `npm run build`:
//   node packages/emulator/scripts/admin-table.mjs
import { createEmulator } from '../dist/index.js';

const emulator = await createEmulator({ listen: false });
try {
  const response = await emulator.app.inject({ method: 'GET', url: '/emulator/v1/openapi.json' });
  const doc = JSON.parse(response.body);
  const rows = ['| call | what it does |', '| --- | --- |'];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const full = path.startsWith('/emulator/v1') ? path : `/emulator/v1${path}`;
      rows.push(`| \`${method.toUpperCase()} ${full}\` | ${String(operation.summary ?? '').replace(/\|/g, '\\|')} |`);
    }
  }
  process.stdout.write(`${rows.join('\n')}\n`);
} finally {
  await emulator.close();
}
