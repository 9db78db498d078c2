#!/usr/bin/env node
// Builds the web console's client into dist/console-client: one script and one stylesheet with
// content-hashed names (served as immutable) and the page that loads them (served no-cache).
// Runs as part of `npm run build`; about 100 ms. Usage: node packages/emulator/console/build.mjs
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const out = fileURLToPath(new URL('../dist/console-client/', import.meta.url));

/** Builds the client; returns the asset names and their sizes in bytes. */
export async function buildConsole() {
  // The folder is not emptied first: an emulator running from it (a test file next door) keeps finding
  // its files until the new page is written; stale assets are removed after that.
  mkdirSync(`${out}assets`, { recursive: true });
  const result = await build({
    entryPoints: [`${here}src/main.ts`],
    outdir: `${out}assets`,
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
    platform: 'browser',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  const files = Object.entries(result.metafile.outputs).map(([path, info]) => ({ name: basename(path), bytes: info.bytes }));
  const script = files.find((f) => f.name.endsWith('.js'));
  const style = files.find((f) => f.name.endsWith('.css'));
  if (!script || !style) throw new Error('the console build produced no script or no stylesheet');
  const icon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1l7 7-7 7-7-7z" fill="#2f6feb"/></svg>`;
  const iconName = `icon-${createHash('sha256').update(icon).digest('hex').slice(0, 8).toUpperCase()}.svg`;
  writeFileSync(`${out}assets/${iconName}`, icon);
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>classroom-emulator console</title>
<link rel="icon" href="/console/assets/${iconName}" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/${style.name}">
<script type="module" src="/console/assets/${script.name}"></script>
</head>
<body><noscript>The console needs JavaScript. The admin API it uses is at /emulator/v1/openapi.json.</noscript></body>
</html>
`;
  writeFileSync(`${out}index.html`, page);
  const current = new Set([script.name, style.name, iconName]);
  for (const name of readdirSync(`${out}assets`)) if (!current.has(name)) rmSync(`${out}assets/${name}`, { force: true });
  return { script, style, page: Buffer.byteLength(page) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { script, style } = await buildConsole();
  // On stderr: `npm pack --json` runs this build (prepack) and its stdout must stay JSON.
  process.stderr.write(`console: ${script.name} ${(script.bytes / 1024).toFixed(1)} KiB, ${style.name} ${(style.bytes / 1024).toFixed(1)} KiB\n`);
}
