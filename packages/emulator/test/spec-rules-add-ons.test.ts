import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYaml } from '../src/seed/yaml.js';

/*
 * spec-rules/add-ons.yaml links each documented add-on rule to its sentence in the discovery document
 * and to a test. This keeps the links true: the path resolves, the quoted sentence is in the text
 * there, and the named test exists in the named file.
 */

interface Rule {
  id: string;
  source: string;
  sentence: string;
  behaviour: string;
  test: { file: string; name: string };
}

const ROOT = new URL('../', import.meta.url);
const rules = (parseYaml(readFileSync(new URL('spec-rules/add-ons.yaml', ROOT), 'utf8')) as { rules: Rule[] }).rules;
const discovery = JSON.parse(readFileSync(new URL('discovery/classroom.v1.discovery.json', ROOT), 'utf8')) as Record<string, unknown>;

/** Follows a dotted path (method ids have no dots in their keys) through the document. */
function at(path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], discovery);
}

describe('spec-rules/add-ons.yaml', () => {
  it('has rules with exactly the agreed keys and unique ids', () => {
    expect(rules.length).toBeGreaterThan(30);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(Object.keys(rule).sort(), rule.id).toEqual(['behaviour', 'id', 'sentence', 'source', 'test']);
      expect(Object.keys(rule.test).sort(), rule.id).toEqual(['file', 'name']);
    }
  });

  it.each(rules.map((r) => [r.id, r] as const))('%s: the sentence is in its source and the test exists', (_id, rule) => {
    const text = at(rule.source);
    expect(text, rule.source).toBeDefined();
    const haystack = Array.isArray(text) ? text.join('\n') : String(text);
    expect(haystack.replace(/\s+/g, ' ')).toContain(rule.sentence);
    const file = new URL(rule.test.file, ROOT);
    expect(existsSync(file), rule.test.file).toBe(true);
    const source = readFileSync(file, 'utf8').replace(/\\'/g, "'");
    expect(source, `${rule.test.file} has no test named "${rule.test.name}"`).toContain(`it('${rule.test.name}'`);
  });
});
