import { invalidArgument } from '../failure.js';

/** A parsed `fields` selector: `null` selects a whole value, a map selects some of its members. */
export type Selection = Map<string, Selection | null>;

/**
 * Parses Google's partial-response syntax: comma-separated paths, `a/b` for nesting, `a(b,c)` for
 * several members of `a`, `*` for everything at one level.
 *
 * @example
 * ```ts
 * parseFields('courses(id,name),nextPageToken');
 * ```
 */
export function parseFields(input: string): Selection {
  let pos = 0;
  const fail = (): never => invalidArgument(`Invalid field selection "${input}" at position ${pos}.`, 'fields');

  const name = (): string => {
    const start = pos;
    while (pos < input.length && /[A-Za-z0-9_*.$@-]/.test(input[pos] ?? '')) pos++;
    if (pos === start) fail();
    return input.slice(start, pos);
  };

  const merge = (into: Selection, key: string, value: Selection | null) => {
    const existing = into.get(key);
    if (existing === null || value === null) into.set(key, null);
    else if (existing) for (const [k, v] of value) merge(existing, k, v);
    else into.set(key, value);
  };

  const list = (closing: string | undefined): Selection => {
    const out: Selection = new Map();
    for (;;) {
      while (input[pos] === ' ') pos++;
      const path = [name()];
      while (input[pos] === '/') {
        pos++;
        path.push(name());
      }
      let leaf: Selection | null = null;
      if (input[pos] === '(') {
        pos++;
        leaf = list(')');
        if (input[pos] !== ')') fail();
        pos++;
      }
      let value: Selection | null = leaf;
      for (let i = path.length - 1; i > 0; i--) value = new Map([[path[i] as string, value]]);
      merge(out, path[0] as string, value);
      while (input[pos] === ' ') pos++;
      if (input[pos] === ',') {
        pos++;
        continue;
      }
      if (input[pos] === closing || (closing === undefined && pos === input.length)) return out;
      fail();
    }
  };

  return list(undefined);
}

/** Keeps only the selected members of a response; arrays apply the selection to each element. */
export function applySelection(value: unknown, selection: Selection | null): unknown {
  if (selection === null || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => applySelection(item, selection));
  if (selection.has('*')) return value;
  const out: Record<string, unknown> = {};
  for (const [key, sub] of selection) {
    if (Object.hasOwn(value, key)) out[key] = applySelection((value as Record<string, unknown>)[key], sub);
  }
  return out;
}
