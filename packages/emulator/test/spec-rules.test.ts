import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { discoveryDocument, type DiscoveryDocument } from '../src/discovery/document.js';

// spec-rules/*.yaml: every documented rule → its source sentence → what the emulator does → the test
// that proves it. This file checks the tables themselves (format in spec-rules/README.md).

const FOLDER = new URL('../spec-rules/', import.meta.url);
const ROOT = new URL('../', import.meta.url);

interface Rule {
  id: string;
  source: string;
  quote: string;
  behaviour: string;
  test: { file: string; name: string };
  difference?: string;
}

const files = readdirSync(FOLDER).filter((f) => f.endsWith('.yaml')).sort();
const tables = files.map((file) => ({ file, table: parse(readFileSync(new URL(file, FOLDER), 'utf8')) as { area?: unknown; rules?: unknown } }));
const rules: (Rule & { file: string })[] = tables.flatMap(({ file, table }) => ((table.rules ?? []) as Rule[]).map((rule) => ({ ...rule, file })));

interface Node {
  methods?: Record<string, { description?: string; scopes?: string[]; parameters?: Record<string, { description?: string }> }>;
  resources?: Record<string, Node>;
}

/** The description a `source` path names, or undefined when the path leads nowhere. */
function describedBy(doc: DiscoveryDocument, source: string): string | undefined {
  const parts = source.split('.');
  if (parts[0] === 'schemas') {
    const schema = doc.schemas[parts[1] ?? ''];
    if (parts.length === 2) return schema?.description;
    if (parts[2] === 'properties' && parts.length === 4) return schema?.properties?.[parts[3] ?? '']?.description;
    return undefined;
  }
  if (parts[0] !== 'methods') return undefined;
  let node: Node = { resources: doc.resources as Record<string, Node> };
  for (let i = 1; i < parts.length; i++) {
    const name = parts[i] ?? '';
    const method = node.methods?.[name];
    if (method && (i === parts.length - 1 || parts[i + 1] === 'parameters' || parts[i + 1] === 'scopes')) {
      if (i === parts.length - 1) return method.description;
      // A method's scopes are part of its contract too: `….create.scopes` quotes one of them.
      if (parts[i + 1] === 'scopes') return parts.length === i + 2 ? method.scopes?.join('\n') : undefined;
      return parts.length === i + 3 ? method.parameters?.[parts[i + 2] ?? '']?.description : undefined;
    }
    const next = node.resources?.[name];
    if (!next) return undefined;
    node = next;
  }
  return undefined;
}

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('spec-rules: the table of documented rules', () => {
  it('has core area files, each with an area and a list of rules', () => {
    expect(files).toEqual(expect.arrayContaining(['courses.yaml', 'rosters.yaml', 'classwork.yaml', 'student-groups.yaml', 'registrations.yaml']));
    for (const { file, table } of tables) {
      expect(typeof table.area, file).toBe('string');
      expect(Array.isArray(table.rules), file).toBe(true);
    }
  });

  it('every rule id is unique across the files, and well formed', () => {
    const seen = new Map<string, string>();
    for (const rule of rules) {
      expect(rule.id, `${rule.file}: ${JSON.stringify(rule)}`).toMatch(/^[a-zA-Z0-9]+([.-][a-zA-Z0-9]+)*$/);
      expect(seen.get(rule.id), `${rule.id} in ${rule.file} and ${seen.get(rule.id)}`).toBeUndefined();
      seen.set(rule.id, rule.file);
    }
  });

  it('every source exists in the shipped discovery document and contains its quotation', () => {
    const doc = discoveryDocument();
    for (const rule of rules) {
      const description = describedBy(doc, rule.source);
      expect(description, `${rule.id}: ${rule.source} has no description in the document`).toBeTypeOf('string');
      expect(typeof rule.quote === 'string' && rule.quote.length > 0 && rule.quote.length <= 300, `${rule.id}: quote`).toBe(true);
      expect(squash(description!), `${rule.id}: the quotation is not in ${rule.source}`).toContain(squash(rule.quote));
      expect(typeof rule.behaviour === 'string' && rule.behaviour.trim().length > 0, `${rule.id}: behaviour`).toBe(true);
      if (rule.difference !== undefined) expect(typeof rule.difference === 'string' && rule.difference.trim().length > 0, `${rule.id}: difference`).toBe(true);
    }
  });

  it("every rule's test exists: the file is there and holds a test of that exact name", () => {
    const cache = new Map<string, string>();
    for (const rule of rules) {
      expect(rule.test?.file, `${rule.id}: test.file`).toMatch(/^test\/[\w./-]+\.test\.ts$/);
      const url = new URL(rule.test.file, ROOT);
      expect(existsSync(url), `${rule.id}: ${rule.test.file} does not exist`).toBe(true);
      if (!cache.has(rule.test.file)) cache.set(rule.test.file, readFileSync(url, 'utf8'));
      const text = cache.get(rule.test.file)!;
      const name = rule.test.name;
      const quoted = [`'${name.replace(/'/g, "\\'")}'`, `"${name}"`, `\`${name}\``].some((q) => text.includes(q));
      expect(quoted, `${rule.id}: no test titled "${name}" in ${rule.test.file}`).toBe(true);
    }
  });

  it('finds sources the way the README says (schema fields, methods, method parameters)', () => {
    const doc = discoveryDocument();
    expect(describedBy(doc, 'schemas.Course.properties.name')).toMatch(/between 1 and 750 characters/);
    expect(describedBy(doc, 'methods.courses.studentGroups.studentGroupMembers.create')).toMatch(/ALREADY_EXISTS/);
    expect(describedBy(doc, 'methods.courses.patch.parameters.updateMask')).toMatch(/`subject`/);
    expect(describedBy(doc, 'methods.courses.nothing')).toBeUndefined();
    expect(describedBy(doc, 'schemas.Course.properties.nothing')).toBeUndefined();
  });
});
