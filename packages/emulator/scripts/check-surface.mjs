#!/usr/bin/env node
// Checks the shipped discovery document against the official Node client's generated code, so that a
// newer `@googleapis/classroom` with methods, parameters, schemas or fields the emulator's contract lacks
// shows up as a failing check (test/surface.test.ts runs it) instead of as a user's bug report.
//
//   node packages/emulator/scripts/check-surface.mjs [--document path/to/discovery.json] [--client dir]
//   npm run check-surface -w classroom-emulator
//
// The client's build/v1.js gives every method's path and HTTP verb; build/v1.d.ts gives every method's
// parameters (Params$Resource$… interfaces) and every schema with its fields (Schema$… interfaces).
// Prints one line per difference and exits 1 when there is any; prints a summary and exits 0 otherwise.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
}

const documentPath = option('--document', join(here, '../discovery/classroom.v1.discovery.json'));
const clientDir = option('--client', dirname(dirname(createRequire(import.meta.url).resolve('@googleapis/classroom'))));

const doc = JSON.parse(readFileSync(documentPath, 'utf8'));
const js = readFileSync(join(clientDir, 'build/v1.js'), 'utf8');
const dts = readFileSync(join(clientDir, 'build/v1.d.ts'), 'utf8');
const clientVersion = JSON.parse(readFileSync(join(clientDir, 'package.json'), 'utf8')).version;

/** `Resource$Courses$Studentgroups` + `create` → `courses.studentgroups.create` (the client lower-cases resource names). */
function key(className, method) {
  return [...className.replace(/^Resource\$/, '').split('$'), method].join('.').toLowerCase();
}

// --- the document's methods ------------------------------------------------------------------------
const docMethods = new Map();
(function walk(resources) {
  for (const resource of Object.values(resources ?? {})) {
    for (const method of Object.values(resource.methods ?? {})) {
      docMethods.set(method.id.replace(/^classroom\./, '').toLowerCase(), method);
    }
    walk(resource.resources);
  }
})(doc.resources);

// --- the client's methods (v1.js): class, method name, url, verb -------------------------------------
const clientMethods = new Map();
{
  const classes = [...js.matchAll(/^ {4}class (Resource\$[\w$]+) \{/gm)].map((m) => ({ name: m[1], at: m.index }));
  const methodPattern = /^ {8}(\w+)\(paramsOrCallback, optionsOrCallback, callback\) \{[\s\S]*?url: \(rootUrl \+\s*'\/([^']+)'\)[\s\S]*?method: '(\w+)'/gm;
  for (const m of js.matchAll(methodPattern)) {
    const owner = classes.filter((c) => c.at < m.index).at(-1);
    if (owner) clientMethods.set(key(owner.name, m[1]), { path: m[2], verb: m[3] });
  }
}

// --- the client's interfaces (v1.d.ts): Schema$X and Params$Resource$… with their fields -------------
function interfaces(prefix) {
  const out = new Map();
  let current;
  for (const line of dts.split('\n')) {
    const start = new RegExp(`^ {4}export interface ${prefix.replace(/\$/g, '\\$')}([\\w$]+)(?: extends \\w+)? \\{`).exec(line);
    if (start) {
      current = new Map();
      out.set(start[1], current);
      continue;
    }
    if (current && /^ {4}\}/.test(line)) {
      current = undefined;
      continue;
    }
    // A field's type ends the line (`name?: string | null;`) or opens an inline object (`name?: {`).
    const field = current && /^ {8}'?([@\w$]+)'?\??: (.+?);?$/.exec(line);
    if (field) current.set(field[1], field[2]);
  }
  return out;
}
const clientSchemas = interfaces('Schema$');
const clientParams = interfaces('Params$Resource$');

const problems = [];

for (const [id, method] of docMethods) {
  const client = clientMethods.get(id);
  if (!client) {
    problems.push(`method ${method.id}: in the document, not in the client`);
    continue;
  }
  if (client.path !== method.path) problems.push(`method ${method.id}: path ${method.path} in the document, ${client.path} in the client`);
  if (client.verb !== method.httpMethod) problems.push(`method ${method.id}: ${method.httpMethod} in the document, ${client.verb} in the client`);
}
for (const [id, client] of clientMethods) {
  if (!docMethods.has(id)) problems.push(`method ${id} (${client.verb} ${client.path}): in the client, not in the document`);
}

// Parameters: the client's Params interface holds every path and query parameter, plus requestBody.
const paramsByKey = new Map([...clientParams].map(([name, fields]) => [name.split('$').join('.').toLowerCase(), fields]));
for (const [id, method] of docMethods) {
  const fields = paramsByKey.get(id);
  if (!fields) {
    if (clientMethods.has(id)) problems.push(`method ${method.id}: the client declares no parameters interface`);
    continue;
  }
  const clientNames = new Set([...fields.keys()].filter((name) => name !== 'requestBody'));
  const docNames = new Set(Object.keys(method.parameters ?? {}));
  for (const name of docNames) if (!clientNames.has(name)) problems.push(`parameter ${method.id} ${name}: in the document, not in the client`);
  for (const name of clientNames) if (!docNames.has(name)) problems.push(`parameter ${method.id} ${name}: in the client, not in the document`);
  if (Boolean(method.request) !== fields.has('requestBody')) problems.push(`method ${method.id}: the document and the client disagree on whether it takes a body`);
}

/** The client's type for a property of the document, as the generator writes it. */
function expectedType(property) {
  if (property.$ref) return `Schema$${property.$ref}`;
  if (property.type === 'array' && property.items?.$ref) return `Schema$${property.items.$ref}[]`;
  return undefined;
}

for (const [name, schema] of Object.entries(doc.schemas)) {
  const client = clientSchemas.get(name);
  if (!client) {
    problems.push(`schema ${name}: in the document, not in the client`);
    continue;
  }
  const properties = schema.properties ?? {};
  for (const [field, property] of Object.entries(properties)) {
    const type = client.get(field);
    if (type === undefined) {
      problems.push(`field ${name}.${field}: in the document, not in the client`);
      continue;
    }
    const expected = expectedType(property);
    if (expected && !type.split(' | ').includes(expected)) problems.push(`field ${name}.${field}: ${expected} in the document, ${type} in the client`);
  }
  for (const field of client.keys()) {
    if (!(field in properties)) problems.push(`field ${name}.${field}: in the client, not in the document`);
  }
}
for (const name of clientSchemas.keys()) {
  if (!(name in doc.schemas)) problems.push(`schema ${name}: in the client, not in the document`);
}

if (problems.length > 0) {
  process.stdout.write(
    `The shipped discovery document (revision ${doc.revision}) and @googleapis/classroom ${clientVersion} disagree:\n` +
      problems.map((p) => `  ${p}\n`).join(''),
  );
  process.exitCode = 1;
} else {
  process.stdout.write(
    `discovery revision ${doc.revision} matches @googleapis/classroom ${clientVersion}: ` +
      `${docMethods.size} methods, ${Object.keys(doc.schemas).length} schemas\n`,
  );
}
