import { createRequire } from 'node:module';

type Parse = (text: string, options?: { maxAliasCount?: number }) => unknown;
let parse: Parse | undefined;

/**
 * Parses YAML, loading the parser on first use: most runs never read YAML (no demo school, JSON
 * fixtures), and start-up time matters to users who start an emulator per test file.
 */
export function parseYaml(text: string, options?: { maxAliasCount?: number }): unknown {
  parse ??= (createRequire(import.meta.url)('yaml') as { parse: Parse }).parse;
  return parse(text, options);
}
