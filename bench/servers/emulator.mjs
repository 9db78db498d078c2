// A benchmark emulator in a process of its own: builds it from packages/emulator/dist with the
// store given in BENCH_CONFIG, prints {"ready":true,"url":...} on stdout, answers JSON commands on
// stdin ({"cmd":"stats"} → {"stats":{...}}) and closes when stdin ends.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

const started = performance.now();
const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}');
// `dist` (a folder holding another build of the emulator) lets the cost case compare two builds in one run.
const dist = config.dist ? new URL(`file://${config.dist.replace(/\/?$/, '/')}`) : new URL('../../packages/emulator/dist/', import.meta.url);
const { createEmulator } = await import(new URL('index.js', dist).href);
const importedMs = performance.now() - started;

// Count SQL statements run (for "statements per request"): every better-sqlite3 statement is counted
// each time it executes (the emulator reuses prepared statements, so counting prepares would undercount),
// and pg sends each one through Client#query. The same module instances the emulator loads, patched
// before it opens a store.
const sql = { statements: 0 };
const requireFromEmulator = createRequire(new URL('../package.json', dist));
try {
  const Database = requireFromEmulator('better-sqlite3');
  const prepare = Database.prototype.prepare;
  Database.prototype.prepare = function (...args) {
    const statement = prepare.apply(this, args);
    for (const run of ['all', 'get', 'run', 'iterate']) {
      const original = statement[run];
      if (typeof original !== 'function') continue;
      statement[run] = function (...params) {
        sql.statements++;
        return original.apply(this, params);
      };
    }
    return statement;
  };
} catch {
  // not installed
}
try {
  const pg = requireFromEmulator('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (...args) {
    sql.statements++;
    return query.apply(this, args);
  };
} catch {
  // not installed
}

/** @type {Record<string, unknown>} */
let store = { kind: 'sqlite' };
if (config.store === 'file') store = { kind: 'sqlite', dataDir: config.dataDir };
if (config.store === 'postgres') store = { kind: 'postgres', url: config.pgUrl, schema: config.schema };

const emulator = await createEmulator({
  store,
  port: config.port ?? 0,
  demo: config.demo ?? false,
  seed: config.seed ?? 1,
  ...(config.limits ? { limits: config.limits } : {}),
});

// Event-loop delay and GC pauses, reset by {"cmd":"stats","reset":true}: where tail latency comes from.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
let gc = { count: 0, totalMs: 0, maxMs: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.count++;
    gc.totalMs += entry.duration;
    gc.maxMs = Math.max(gc.maxMs, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

// CPU profile on demand ({"cmd":"profile-start"} … {"cmd":"profile-stop"} → {"profile":{...}}): the
// inspector's sampling profiler, so that a profile covers only the requests measured, not start-up.
/** @type {import('node:inspector').Session | undefined} */
let session;
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
const profileStart = async () => {
  const { Session } = await import('node:inspector');
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
};
const profileStop = async () => {
  const { profile } = await post('Profiler.stop');
  session.disconnect();
  session = undefined;
  return profile;
};

const say = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const stats = () => {
  const usage = process.resourceUsage();
  return {
    loopDelayMs: { p50: loopDelay.percentile(50) / 1e6, p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 },
    gc: { ...gc },
    sqlStatements: sql.statements,
    maxRssBytes: usage.maxRSS * 1024,
    rssBytes: process.memoryUsage().rss,
    userCpuMs: usage.userCPUTime / 1000,
    systemCpuMs: usage.systemCPUTime / 1000,
  };
};

say({
  ready: true,
  url: emulator.url,
  pid: process.pid,
  importMs: importedMs,
  startMs: performance.now() - started,
  hasFixtures: existsSync(new URL('seed/fixture.js', dist)),
});

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  try {
    await emulator.close();
  } finally {
    process.exit(0);
  }
};

createInterface({ input: process.stdin }).on('line', (line) => {
  let command;
  try {
    command = JSON.parse(line);
  } catch {
    return;
  }
  if (command.cmd === 'profile-start') {
    void profileStart().then(() => say({ profiling: true }));
    return;
  }
  if (command.cmd === 'profile-stop') {
    void profileStop().then((profile) => say({ profile }));
    return;
  }
  if (command.cmd === 'stats') {
    say({ stats: stats() });
    if (command.reset) {
      loopDelay.reset();
      gc = { count: 0, totalMs: 0, maxMs: 0 };
    }
  }
});
process.stdin.on('end', close);
process.on('SIGTERM', close);
