import { readFileSync } from 'node:fs';

/** A V8 CPU profile as the inspector's `Profiler.stop` returns it. */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; hitCount?: number; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

/** Which component a script belongs to, by its URL. */
function componentOfUrl(url: string): string | undefined {
  if (!url) return undefined;
  // First, so that a build kept inside node_modules for a comparison still counts as the emulator.
  const own = /\/packages\/emulator\/dist\/(.+)\.js$/.exec(url)?.[1];
  if (own) return `emulator: ${own}`;
  const module = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
  if (module) {
    if (module === 'kysely') return 'kysely (build, compile, driver)';
    if (module === 'better-sqlite3') return 'better-sqlite3 (JS + native)';
    if (module.startsWith('pg')) return 'pg driver';
    if (
      ['fastify', 'find-my-way', 'avvio', 'light-my-request', 'fast-json-stringify', 'secure-json-parse', 'toad-cache', 'fastq', 'abstract-logging', 'pino', 'fast-querystring', 'fast-decode-uri-component', 'process-warning', 'rfdc'].includes(module) ||
      module.startsWith('@fastify/')
    ) {
      return 'Fastify (+ find-my-way)';
    }
    return `other: ${module}`;
  }
  if (url.includes('/packages/errors/')) return 'classroom-errors';
  // The bench's statement counter wraps SQLite's statement runs: its frames are the statements' own time.
  if (url.includes('/bench/servers/')) return 'SQLite native (statements)';
  if (url.startsWith('node:')) {
    if (/^node:(_http|http|net|internal\/(http|stream|streams|net|dns|js_stream|timers)|stream|events|buffer|internal\/buffer)/.test(url)) return 'node HTTP + socket';
    if (/^node:internal\/(process\/task_queues|async_hooks|process\/promises)/.test(url)) return 'await / microtasks';
    return `node: ${url.slice(5)}`;
  }
  return `other: ${url}`;
}

/**
 * Self time per component (µs per request): each sample goes to the component of its innermost frame
 * that has a script; native frames (SQLite's `all`/`get`/`run`, JSON, crypto) go to the script that
 * called them, except those called from the driver glue, which count as the database's own time.
 */
export function componentsOf(profile: CpuProfile, requests: number): { component: string; usPerRequest: number }[] {
  const parent = new Map<number, number>();
  const byId = new Map<number, CpuProfile['nodes'][number]>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node.id);
  }
  const componentOf = (id: number): string => {
    const node = byId.get(id);
    if (!node) return 'unknown';
    const { functionName, url } = node.callFrame;
    if (functionName === '(garbage collector)') return 'GC';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, unattributed)';
    if (functionName === '(root)') return '(root)';
    const own = componentOfUrl(url);
    if (own) return own;
    // A native function: charge it to the nearest caller with a script.
    let at = parent.get(id);
    while (at !== undefined) {
      const caller = byId.get(at)!;
      const component = componentOfUrl(caller.callFrame.url);
      if (component) {
        if (component === 'SQLite native (statements)') return component;
        if (/better-sqlite3|kysely|emulator: store\/db/.test(component) && ['all', 'get', 'run', 'iterate', 'prepare'].includes(functionName)) {
          return 'SQLite native (statements)';
        }
        return `${component} (native)`;
      }
      at = parent.get(at);
    }
    return `native: ${functionName}`;
  };
  // Time per sample from the deltas; hit counts alone would assume a fixed interval.
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next one.
    const us = deltas[i + 1] ?? 0;
    const id = samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
  }
  const totals = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const component = componentOf(id);
    totals.set(component, (totals.get(component) ?? 0) + us);
  }
  totals.delete('(idle)');
  totals.delete('(root)');
  return [...totals]
    .map(([component, us]) => ({ component, usPerRequest: us / requests }))
    .sort((a, b) => b.usPerRequest - a.usPerRequest);
}

/** Reads a profile written by `node --cpu-prof`. */
export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}
