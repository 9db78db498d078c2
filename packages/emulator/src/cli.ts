#!/usr/bin/env node
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AdminApiError, AdminClient } from './admin/client.js';
import { CHECK_HELP, check } from './check/command.js';
import { createEmulator, type Emulator } from './emulator.js';
import { isLoopback } from './platform/addresses.js';
import { LIMIT_NAMES, type Limits } from './platform/limits.js';
import { commandLineLogger, defaultLogFormat, LOG_FORMATS, type LogFormat } from './platform/logger.js';
import { DEMO_DOMAIN, DEMO_TOKENS } from './seed/demo.js';
import type { FixtureProgress } from './seed/fixture.js';
import { DatabaseUnreachable, type StoreOptions } from './store/db.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const HELP = `classroom-emulator ${VERSION} — a local emulator of the Google Classroom API v1

Usage:
  classroom-emulator start [options]        run the emulator (the demo school unless --no-demo)
  classroom-emulator seed FILE [--url URL]  add a JSON or YAML fixture to a running emulator
  classroom-emulator export [--url URL] [--out FILE]
                                            write the whole state as JSON (stdout by default)
  classroom-emulator import FILE [--url URL]
                                            replace the whole state with an export
  classroom-emulator reset [--url URL] [--demo]
                                            empty the state (and re-seed the demo school)
${CHECK_HELP}

Options of start:
  --host HOST            interface to listen on (default 127.0.0.1)
  --port PORT            port (default $CLASSROOM_EMULATOR_PORT or 8085; 0 picks a free one)
  --data-dir DIR         keep state in DIR/classroom.sqlite across restarts ($CLASSROOM_EMULATOR_DATA_DIR)
  --database-url URL     keep state in PostgreSQL, shareable by several processes
                         ($CLASSROOM_EMULATOR_DATABASE_URL)
  --seed FILE            load a JSON or YAML fixture at start (into an empty store only)
  --no-demo              start empty instead of with the demo school
  --limit NAME=VALUE     change a limit, e.g. --limit courseMembers=50 (repeatable)
  --log-level LEVEL      fatal, error, warn, info, debug, trace or silent (default warn)
  --log-format FORMAT    json or pretty (default pretty on a terminal, json otherwise)
  --quota-retry-after    send Retry-After on quota errors (production sends none)
  --request-log-size N   requests kept in the request log (default 10000)
  --allow-origin ORIGIN  let web pages from ORIGIN call the emulator (repeatable; * for any)
  --allow-host NAME      accept NAME in the Host header besides localhost and IP addresses (repeatable)
  --admin-token TOKEN    require this bearer token on the admin API ($CLASSROOM_EMULATOR_ADMIN_TOKEN);
                         one is generated when --host is not a loopback address
  --allow-push-host NAME let topics push to NAME besides loopback addresses (repeatable; * for any)
  --request-timeout S    seconds a request may take to arrive whole before it gets 408 (default 30;
                         0 disables)
  --max-connections N    open connections at most; more are refused (default 1000; 0: no limit)

Options of the other commands:
  --url URL              the running emulator (default http://$CLASSROOM_EMULATOR_HOST, else
                         http://127.0.0.1:8085)
  --admin-token TOKEN    the emulator's admin token ($CLASSROOM_EMULATOR_ADMIN_TOKEN)

  -h, --help             this text
  -v, --version          the version
`;

/** A mistake in the command line: exit status 2. */
class UsageError extends Error {}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const START_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  seed: { type: 'string' },
  'no-demo': { type: 'boolean' },
  limit: { type: 'string', multiple: true },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  'quota-retry-after': { type: 'boolean' },
  'request-log-size': { type: 'string' },
  'allow-origin': { type: 'string', multiple: true },
  'allow-host': { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  'allow-push-host': { type: 'string', multiple: true },
  'request-timeout': { type: 'string' },
  'max-connections': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const CLIENT_OPTIONS = {
  url: { type: 'string' },
  out: { type: 'string' },
  demo: { type: 'boolean' },
  'admin-token': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

function parse<O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function parsePort(raw: string | undefined): number {
  // An empty variable counts as unset, as shells and CI templates often leave them.
  const value = raw ?? (process.env.CLASSROOM_EMULATOR_PORT || '8085');
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, not "${value}"`);
  return Number(value);
}

function parseLimits(entries: string[] | undefined): Partial<Limits> {
  const limits: Partial<Limits> = {};
  for (const entry of entries ?? []) {
    const match = /^([A-Za-z]+)=(\d+)$/.exec(entry);
    if (!match?.[1] || match[2] === undefined) throw new UsageError(`--limit takes NAME=VALUE with a whole number, not "${entry}"`);
    const name = match[1] as keyof Limits;
    if (!LIMIT_NAMES.includes(name)) throw new UsageError(`--limit: unknown limit "${match[1]}"; known limits: ${LIMIT_NAMES.join(', ')}`);
    limits[name] = Number(match[2]);
  }
  return limits;
}

function noPositionals(positionals: string[], command: string): void {
  if (positionals.length > 0) throw new UsageError(`${command} takes no argument "${positionals[0]}"`);
}

function onlyFlags(values: Record<string, unknown>, allowed: string[], command: string): void {
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key) && values[key] !== undefined) throw new UsageError(`${command} does not take --${key}`);
  }
}

/**
 * A one-line progress display on a terminal's stderr (nothing when redirected, so logs stay clean).
 * Redraws at most every 100 ms: a district load reports thousands of batches.
 */
function progressLine(label: string): ((progress: FixtureProgress) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = 0;
  return ({ phase, done, total }) => {
    const now = performance.now();
    if (phase !== 'done' && now - last < 100) return;
    last = now;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    process.stderr.write(`\rLoading ${label}: ${String(percent).padStart(3)}% (${done}/${total} rows, ${phase})\x1b[K`);
    if (phase === 'done') process.stderr.write('\n');
  };
}

async function start(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, START_OPTIONS);
  noPositionals(positionals, 'start');
  const port = parsePort(values.port);
  const limits = parseLimits(values.limit);
  const logLevel = values['log-level'] ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${logLevel}"`);
  const logFormat = (values['log-format'] ?? defaultLogFormat(process.stdout.isTTY === true)) as LogFormat;
  if (!LOG_FORMATS.includes(logFormat)) throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}, not "${logFormat}"`);
  const databaseUrl = values['database-url'] ?? (process.env.CLASSROOM_EMULATOR_DATABASE_URL || undefined);
  const dataDir = values['data-dir'] ?? (process.env.CLASSROOM_EMULATOR_DATA_DIR || undefined);
  if (databaseUrl && values['data-dir']) throw new UsageError('--data-dir and --database-url exclude each other');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new UsageError(`--database-url must be a postgres:// URL, not "${databaseUrl}"`);
  const store: StoreOptions = databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'sqlite', ...(dataDir ? { dataDir } : {}) };
  const demo = !values['no-demo'];
  const logSize = values['request-log-size'];
  if (logSize !== undefined && (!/^\d+$/.test(logSize) || Number(logSize) < 1)) {
    throw new UsageError(`--request-log-size must be a whole number of at least 1, not "${logSize}"`);
  }
  const requestTimeout = values['request-timeout'];
  if (requestTimeout !== undefined && !/^\d+(\.\d+)?$/.test(requestTimeout)) {
    throw new UsageError(`--request-timeout must be a number of seconds (0 disables it), not "${requestTimeout}"`);
  }
  const maxConnections = values['max-connections'];
  if (maxConnections !== undefined && !/^\d+$/.test(maxConnections)) {
    throw new UsageError(`--max-connections must be a whole number (0: no limit), not "${maxConnections}"`);
  }
  if (values.seed !== undefined && !existsSync(values.seed)) throw new UsageError(`--seed: there is no file ${values.seed}`);
  const adminToken = adminTokenOf(values['admin-token']);

  let emulator: Emulator;
  try {
    emulator = await createEmulator({
      host: values.host ?? '127.0.0.1',
      port,
      store,
      demo,
      limits,
      ...(values['quota-retry-after'] ? { quotaRetryAfter: true } : {}),
      ...(logSize !== undefined ? { requestLogSize: Number(logSize) } : {}),
      ...(requestTimeout !== undefined ? { requestTimeoutSeconds: Number(requestTimeout) } : {}),
      ...(maxConnections !== undefined ? { maxConnections: Number(maxConnections) } : {}),
      ...(values.seed ? { fixture: values.seed, onFixtureProgress: progressLine(values.seed) } : {}),
      logger: await commandLineLogger(logLevel, logFormat),
      ...(adminToken !== undefined ? { adminToken } : {}),
      ...(values['allow-origin'] ? { allowOrigins: values['allow-origin'] } : {}),
      ...(values['allow-host'] ? { allowHosts: values['allow-host'] } : {}),
      ...(values['allow-push-host'] ? { allowPushHosts: values['allow-push-host'] } : {}),
    });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE') throw new Error(`port ${port} is already in use; pick another with --port`);
    if (error instanceof DatabaseUnreachable) {
      const source = values['database-url'] !== undefined ? '--database-url' : 'CLASSROOM_EMULATOR_DATABASE_URL';
      throw new Error(`${error.message}; the URL was given by ${source}.`);
    }
    throw error;
  }

  // Asked before the banner starts: the request is logged, and its log lines must not split the banner.
  const tokens = await emulator.admin.tokens().catch(() => ({ tokens: [] }));
  const known = new Set(tokens.tokens.map((t) => t.accessToken));
  const demoTokens = DEMO_TOKENS.filter(({ token }) => known.has(token));
  const where = store.kind === 'postgres' ? 'PostgreSQL' : dataDir ? `SQLite in ${dataDir}` : 'SQLite in memory';
  const out = process.stdout;
  const network = !isLoopback(values.host ?? '127.0.0.1');
  out.write(`classroom-emulator ${VERSION} listening on ${network ? `http://${emulator.listenAddress}` : emulator.url} (${where})\n`);
  if (network) out.write(`WARNING: listening on ${emulator.listenAddress}, the emulator is reachable from the network.\n`);
  if (emulator.adminToken !== undefined) out.write(`Admin API admin token: ${emulator.adminToken} (send "Authorization: Bearer <admin token>")\n`);
  out.write(`export CLASSROOM_EMULATOR_HOST=${emulator.host}\n`);
  out.write(`console: ${emulator.url}/console/\n`);
  if (!emulator.seeding.fresh) out.write('The store already holds state: nothing was seeded.\n');
  if (emulator.seeding.fixture) {
    const f = emulator.seeding.fixture;
    out.write(`Loaded ${values.seed}: ${f.users} users, ${f.courses} courses, ${f.members} memberships, ${f.tokens} tokens.\n`);
  }
  if (demoTokens.length > 0) {
    out.write(`\nDemo school (${DEMO_DOMAIN}) tokens:\n`);
    const width = Math.max(...demoTokens.map(({ token }) => token.length));
    for (const { token, who } of demoTokens) out.write(`  ${token.padEnd(width)}  ${who}\n`);
    out.write(`\nTry:  curl -H 'Authorization: Bearer demo-teacher' ${emulator.url}/v1/courses\n`);
  }
  out.write(`Admin API: ${emulator.url}/emulator/v1/openapi.json — Ctrl-C to stop.\n`);

  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) {
      process.exit(1);
    }
    closing = true;
    process.stderr.write(`\n${signal}: shutting down\n`);
    // The server stops taking requests first; the store closes once in-flight ones have finished.
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while shutting down: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function adminTokenOf(flag: string | undefined): string | undefined {
  const token = flag ?? (process.env.CLASSROOM_EMULATOR_ADMIN_TOKEN || undefined);
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) throw new UsageError('--admin-token must be printable ASCII without spaces');
  return token;
}

function clientFor(url: string | undefined, adminToken?: string): AdminClient {
  const host = process.env.CLASSROOM_EMULATOR_HOST;
  const base = url ?? (host ? (/^https?:\/\//.test(host) ? host : `http://${host}`) : 'http://127.0.0.1:8085');
  if (!/^https?:\/\/[^/]+/.test(base)) throw new UsageError(`--url must be an http(s) URL, not "${base}"`);
  return new AdminClient(base, adminTokenOf(adminToken));
}

function oneFile(positionals: string[], command: string): string {
  const [file, extra] = positionals;
  if (!file) throw new UsageError(`${command} needs a FILE`);
  if (extra !== undefined) throw new UsageError(`${command} takes one FILE, not also "${extra}"`);
  return file;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as Error).message}`);
  }
}

async function seed(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS);
  onlyFlags(values, ['url', 'admin-token'], 'seed');
  const file = oneFile(positionals, 'seed');
  const text = readText(file);
  const client = clientFor(values.url, values['admin-token']);
  const summary = file.endsWith('.json') ? await client.loadFixture(JSON.parse(text) as object) : await client.loadFixture(text);
  process.stdout.write(
    `Loaded ${file}: ${summary.domains} domains, ${summary.users} users, ${summary.courses} courses, ${summary.members} memberships, ` +
      `${summary.invitations} invitations, ${summary.tokens} tokens.\n`,
  );
}

async function exportState(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS);
  onlyFlags(values, ['url', 'out', 'admin-token'], 'export');
  noPositionals(positionals, 'export');
  const state = await clientFor(values.url, values['admin-token']).exportState();
  const text = `${JSON.stringify(state)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    const rows = Object.values(state.tables).reduce((n, rowsOf) => n + rowsOf.length, 0);
    process.stderr.write(`Wrote ${rows} rows to ${values.out}.\n`);
  } else process.stdout.write(text);
}

async function importState(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS);
  onlyFlags(values, ['url', 'admin-token'], 'import');
  const file = oneFile(positionals, 'import');
  let state: unknown;
  try {
    state = JSON.parse(readText(file));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`);
  }
  const { imported } = await clientFor(values.url, values['admin-token']).importState(state as Parameters<AdminClient['importState']>[0]);
  const rows = Object.values(imported).reduce((n, count) => n + count, 0);
  process.stdout.write(`Imported ${rows} rows from ${file}.\n`);
}

async function reset(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, CLIENT_OPTIONS);
  onlyFlags(values, ['url', 'demo', 'admin-token'], 'reset');
  noPositionals(positionals, 'reset');
  await clientFor(values.url, values['admin-token']).reset({ demo: values.demo === true });
  process.stdout.write(values.demo ? 'Reset; the demo school is seeded.\n' : 'Reset; the state is empty.\n');
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { start, seed, export: exportState, import: importState, reset };

/** Runs the command line; resolves to the exit status (start keeps running until a signal). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === 'check') return check(rest);
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    await run(rest);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`classroom-emulator: ${error.message}\nRun "classroom-emulator --help" for usage.\n`);
      return 2;
    }
    if (error instanceof AdminApiError) {
      process.stderr.write(`classroom-emulator: the emulator answered ${error.httpStatus}: ${error.message}\n`);
      return 1;
    }
    // fetch reports an unreachable server as "fetch failed" with the socket error as its cause.
    const cause = (error as { cause?: { code?: string; errors?: { code?: string }[] } }).cause;
    const code = cause?.code ?? cause?.errors?.[0]?.code;
    if (error instanceof TypeError && error.message === 'fetch failed') {
      process.stderr.write(`classroom-emulator: no emulator answers at that address (${code ?? 'unreachable'}); start one or pass --url.\n`);
      return 1;
    }
    process.stderr.write(`classroom-emulator: ${(error as Error).message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    // `start` keeps the process alive through its server; every other command ends here.
    if (status !== 0 || process.argv[2] !== 'start') process.exit(status);
  },
  (error: unknown) => {
    process.stderr.write(`classroom-emulator: ${(error as Error).message}\n`);
    process.exit(1);
  },
);
