#!/usr/bin/env node
/**
 * `classroom-errors`: looks up Classroom API error codes and explains error bodies from the terminal.
 *
 * @example
 * ```sh
 * classroom-errors explain CourseMemberLimitReached --lang ja
 * curl -s … | classroom-errors explain - --json
 * classroom-errors list
 * ```
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CATALOG, ERROR_CODES, lookup, nearMatches, type CatalogEntry, type Fix, type Resolver, type RetryPolicy } from './catalog.js';
import { decide, type DecisionAction } from './decide.js';
import { ClassroomApiError, tokenOf } from './error.js';
import { explain, LANGUAGES, negotiateLanguage, type Language } from './explain/index.js';
import { parseError } from './parse.js';
import type { CanonicalStatus } from './status.js';

const USAGE = `Usage:
  classroom-errors explain <CODE | JSON | -> [--lang <tag>] [--json]
  classroom-errors list [--lang <tag>] [--json]
  classroom-errors --help | --version

Commands:
  explain   Explain one error: a code (CourseMemberLimitReached, @coursememberlimitreached),
            a message line as logged ("@CourseNotModifiable The course is ARCHIVED…"),
            a Google error body as JSON ({"error":{…}}, either $.xgafv format),
            or - to read any of them from stdin.
  list      All known codes with HTTP status, canonical status, retry policy and resolver.

Options:
  --lang <tag>  Language of the explanation: en, ja, de, ru, it; a locale (ja_JP.UTF-8) or an
                Accept-Language list also works. Default: $LC_ALL, $LC_MESSAGES or $LANG, else en.
                Another language is answered in English, with a note on stderr.
  --json        Print JSON instead of text (explain: one object; list: an array).
  -h, --help    Show this help.
  -v, --version Show the version.

Exit status: 0 on success, 2 for an unknown code, unreadable input or bad usage.
`;

/** What `explain --json` prints, and each element of `list --json`. */
interface Report {
  code: string;
  httpStatus: number;
  status: CanonicalStatus;
  reason: string;
  retryable: boolean;
  retry: RetryPolicy;
  resolution: DecisionAction;
  resolvedBy: readonly Resolver[];
  fix: Fix | null;
  waitSeconds: number | null;
  methods: readonly string[];
  title: string;
  cause: string;
  action: string;
  lang: Language;
  inSpecification: boolean;
}

/** A failure the user can fix by changing the command line or the input: exit status 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        lang: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'v', default: false },
      },
    });
  } catch (error) {
    // parseArgs names the offending flag ("Unknown option '--jsn'"), which is worth more than "bad usage";
    // its advice on '--' after that is about positionals starting with '-', which this CLI never needs.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.replace(/\. To specify a positional argument[\s\S]*$/, '.'), true);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }

  const lang = negotiateLanguage(values.lang ?? defaultLocale());
  // An explicit --lang that none of the five languages matches is still answered (in English, which
  // every reader of these codes can use), but never silently: a script or a person learns why.
  if (values.lang !== undefined && !offersLanguage(values.lang)) {
    process.stderr.write(`classroom-errors: no explanations in "${values.lang}"; showing English. Languages: ${LANGUAGES.join(', ')}.\n`);
  }
  const [command, ...rest] = positionals;
  switch (command) {
    case 'explain': {
      if (rest.length !== 1) {
        throw new UsageError(rest.length === 0 ? 'explain needs a code, a JSON error body, or - for stdin.' : 'explain takes a single argument; quote JSON bodies.', true);
      }
      const input = rest[0] === '-' ? await readStdin() : (rest[0] ?? '');
      const report = reportFor(errorFromInput(input), lang);
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
      return 0;
    }
    case 'list': {
      if (rest.length > 0) throw new UsageError(`list takes no arguments (got ${rest.join(' ')}).`, true);
      const reports = ERROR_CODES.map((code) => reportFor(errorForEntry(CATALOG[code]), lang));
      process.stdout.write(values.json ? `${JSON.stringify(reports, null, 2)}\n` : renderTable(reports));
      return 0;
    }
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      throw new UsageError('No command given.', true);
    default:
      throw new UsageError(`Unknown command "${command}".`, true);
  }
}

// ---------------------------------------------------------------------------------------------------
// Input.

/** POSIX precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG. */
function defaultLocale(): string | undefined {
  const env = process.env;
  return [env['LC_ALL'], env['LC_MESSAGES'], env['LANG']].find((value) => value !== undefined && value !== '');
}

/** True when `tag` (a locale or an Accept-Language list) names one of {@link LANGUAGES}, or `*`. */
function offersLanguage(tag: string): boolean {
  const primaries = tag.split(',').map((item) => (item.split(';')[0] ?? '').trim().toLowerCase().split(/[-_.@]/)[0] ?? '');
  return primaries.some((primary) => primary === '*' || (LANGUAGES as readonly string[]).includes(primary));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A code or a JSON error body, as typed or piped, to the error it describes. */
function errorFromInput(input: string): ClassroomApiError {
  const text = input.replace(/^\uFEFF/, '').trim();
  if (text === '') throw new UsageError('The input is empty: give a code or a JSON error body.');
  // A message line as logged or pasted ("@CourseNotModifiable The course is …") names its code first.
  const token = /\s/.test(text) ? tokenOf(text) : undefined;
  if (token !== undefined) {
    const entry = lookup(token);
    // The line says which error, not how it arrived: status and reason come from the catalog.
    return entry ? errorForEntry(entry, text) : errorForCode(token);
  }
  if (!/^[{["]/.test(text)) return errorForCode(text);

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The input is not valid JSON: ${describeJsonError(text, error)}.`);
  }
  // A quoted code ("CourseNotModifiable") is still a code.
  if (typeof value === 'string') return errorForCode(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('The JSON is not an error body: expected an object with an `error` object.');
  }
  const record = value as Record<string, unknown>;
  // A string `error` is the OAuth endpoints' shape ({"error":"invalid_grant",…}), which parseError reads too.
  const isBody = (typeof record['error'] === 'object' && record['error'] !== null) || typeof record['error'] === 'string';
  const isBare = typeof record['message'] === 'string' && (typeof record['code'] === 'number' || typeof record['status'] === 'string');
  if (!isBody && !isBare) {
    throw new UsageError('The JSON has no `error` object: expected {"error":{"code":…,"message":…,"status":…}}.');
  }
  return parseError(value);
}

function errorForCode(name: string): ClassroomApiError {
  const entry = lookup(name);
  if (entry) return errorForEntry(entry);
  const suggestions = nearMatches(name);
  const hint =
    suggestions.length > 0
      ? `Did you mean: ${suggestions.join(', ')}?`
      : 'Run `classroom-errors list` to see every code.';
  throw new UsageError(`Unknown error code "${name.trim()}". ${hint}`);
}

/** The error a bare code stands for, as if it had arrived with the catalog's defaults (and `message`, when given). */
function errorForEntry(entry: CatalogEntry, message?: string): ClassroomApiError {
  return new ClassroomApiError({
    code: entry.code,
    httpStatus: entry.httpStatus,
    status: entry.status,
    reason: entry.reason || undefined,
    message: message ?? (entry.token ? `@${entry.code} ${entry.defaultMessage}` : entry.defaultMessage),
  });
}

/**
 * Says where JSON broke. Node 20's JSON.parse messages quote the input instead of giving a
 * position, which is useless for a body piped from a log, so the text is scanned again here.
 */
function describeJsonError(text: string, error: unknown): string {
  const found = locateJsonError(text);
  if (!found) return error instanceof Error ? error.message : String(error);
  const before = text.slice(0, found.offset);
  const line = before.split('\n').length;
  const column = found.offset - before.lastIndexOf('\n');
  return `${found.problem} at line ${line}, column ${column} (position ${found.offset})`;
}

/** A small JSON grammar walk that reports the first offending offset, or undefined for valid JSON. */
function locateJsonError(text: string): { offset: number; problem: string } | undefined {
  let i = 0;
  class Stop {
    constructor(readonly problem: string) {}
  }
  const fail = (problem: string): never => {
    throw new Stop(i >= text.length ? 'unexpected end of input' : problem);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i] ?? '')) i++;
  };
  const string = () => {
    i++;
    for (;;) {
      const c = text[i];
      if (c === undefined) fail('unterminated string');
      else if (c === '"') {
        i++;
        return;
      } else if (c === '\\') {
        i++;
        const e = text[i] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('invalid \\u escape');
          i += 5;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i++;
        else fail(`invalid escape \\${e}`);
      } else if (c < ' ') fail('control character in a string');
      else i++;
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a property name in double quotes');
        string();
        ws();
        if (text[i] !== ':') fail("expected ':' after the property name");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("expected ',' or '}'");
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("expected ',' or ']'");
      }
    } else if (c === '"') {
      string();
    } else if (c !== undefined && /[-0-9]/.test(c)) {
      const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
      number.lastIndex = i;
      if (!number.exec(text)) fail('invalid number');
      i = number.lastIndex;
    } else {
      for (const word of ['true', 'false', 'null']) {
        if (text.startsWith(word, i)) {
          i += word.length;
          return;
        }
      }
      fail(`unexpected character ${JSON.stringify(c)}`);
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail('unexpected text after the JSON value');
    return undefined;
  } catch (stop) {
    if (stop instanceof Stop) return { offset: i, problem: stop.problem };
    throw stop;
  }
}

// ---------------------------------------------------------------------------------------------------
// Output.

function reportFor(error: ClassroomApiError, lang: Language): Report {
  const entry = error.entry;
  const decision = decide(error, { attempt: 1 });
  const texts = explain(error, lang);
  const waitSeconds = decision.action === 'wait' ? Math.ceil(decision.delayMs / 1000) : (entry.waitSeconds ?? null);
  return {
    code: error.code,
    httpStatus: error.httpStatus,
    status: error.status,
    reason: error.reason ?? entry.reason,
    retryable: error.retryable,
    retry: entry.retry,
    resolution: decision.action,
    resolvedBy: entry.resolvedBy,
    fix: entry.fix ?? null,
    waitSeconds,
    methods: entry.methods,
    title: texts.title,
    cause: texts.cause,
    action: texts.action,
    lang: texts.lang,
    inSpecification: error.known && entry.inSpecification,
  };
}

/** ANSI bold only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
function bold(text: string): string {
  const noColor = process.env['NO_COLOR'];
  const plain = !process.stdout.isTTY || (noColor !== undefined && noColor !== '');
  return plain ? text : `\u001b[1m${text}\u001b[22m`;
}

const RESOLVERS: Record<Resolver, string> = {
  app: 'the app (another API call or a code change)',
  user: 'the user, in Classroom',
  admin: 'a Google Workspace administrator',
  developer: 'the developer (Cloud project, scopes, grants or code)',
  time: 'time (it passes by itself)',
  google: 'Google (report it when it persists)',
};

function retryText(report: Report): string {
  switch (report.retry) {
    case 'never':
      return 'never: the same request fails until something changes';
    case 'backoff':
      return 'yes, with exponential backoff and jitter (a Retry-After from the server comes first)';
    case 'after-window':
      return `only after ${duration(report.waitSeconds ?? 0)}; retrying sooner cannot succeed`;
  }
}

function resolutionText(report: Report): string {
  const fix = report.fix ? describeFix(report.fix) : undefined;
  switch (report.resolution) {
    case 'retry':
      return 'retry';
    case 'wait':
      return `wait ${duration(report.waitSeconds ?? 0)}, then retry`;
    case 'fix':
      return fix ? `fix: the app can call ${fix}, then retry` : 'fix';
    case 'ask-user':
      return fix ? `ask the user (or the app calls ${fix} for them)` : 'ask the user';
    case 'ask-admin':
      return 'ask a domain administrator';
    case 'report':
      return 'report: retrying cannot help';
  }
}

function describeFix(fix: Fix): string {
  const parts = [fix.method];
  if (fix.body) parts.push(JSON.stringify(fix.body));
  if (fix.updateMask) parts.push(`updateMask=${fix.updateMask}`);
  return parts.join(' ');
}

function duration(seconds: number): string {
  if (seconds >= 86_400 && seconds % 3600 === 0) return seconds === 86_400 ? '1 day' : `${seconds / 86_400} days`;
  if (seconds >= 3600 && seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  if (seconds >= 60 && seconds % 60 === 0) return seconds === 60 ? '1 minute' : `${seconds / 60} minutes`;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}

/** The field labels of the text report, in each language of the explanations. */
const LABELS: Readonly<Record<Language, Record<'cause' | 'action' | 'resolvedBy' | 'nextStep' | 'retry' | 'methods', string>>> = {
  en: { cause: 'Cause', action: 'Action', resolvedBy: 'Resolved by', nextStep: 'Next step', retry: 'Retry', methods: 'Methods' },
  ja: { cause: '原因', action: '対処', resolvedBy: '解決する人', nextStep: '次の手順', retry: '再試行', methods: 'メソッド' },
  de: { cause: 'Ursache', action: 'Abhilfe', resolvedBy: 'Zuständig', nextStep: 'Nächster Schritt', retry: 'Wiederholen', methods: 'Methoden' },
  ru: { cause: 'Причина', action: 'Что делать', resolvedBy: 'Кто решает', nextStep: 'Следующий шаг', retry: 'Повтор', methods: 'Методы' },
  it: { cause: 'Causa', action: 'Azione', resolvedBy: 'Chi risolve', nextStep: 'Passo successivo', retry: 'Ripetere', methods: 'Metodi' },
};

/** Columns a string takes in a terminal: East Asian wide characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return width;
}

function renderReport(report: Report): string {
  const known = lookup(report.code)?.code === report.code;
  const http = report.httpStatus === 0 ? 'no HTTP response' : `HTTP ${report.httpStatus}`;
  const facts = [http, report.status];
  if (report.reason) facts.push(`reason ${report.reason}`);
  if (report.inSpecification) facts.push('in the specification');
  const names = LABELS[report.lang];
  const column = Math.max(12, ...Object.values(names).map(displayWidth));
  const label = (name: string) => `  ${name}${' '.repeat(column - displayWidth(name))} `;
  const indent = ' '.repeat(column + 3);
  const lines = [
    `${bold(report.code)}${known ? '' : `  (not in the catalog; explained as ${report.status})`}`,
    `  ${facts.join(' · ')}`,
    '',
    `  ${bold(report.title)}`,
    '',
    `${label(names.cause)}${report.cause}`,
    `${label(names.action)}${report.action}`,
    '',
    `${label(names.resolvedBy)}${report.resolvedBy.map((r) => RESOLVERS[r]).join(`\n${indent}`)}`,
    `${label(names.nextStep)}${resolutionText(report)}`,
    `${label(names.retry)}${retryText(report)}`,
    `${label(names.methods)}${report.methods.includes('*') ? 'every method' : report.methods.join(`\n${indent}`)}`,
  ];
  return `${lines.join('\n')}\n`;
}

function renderTable(reports: readonly Report[]): string {
  const header = ['CODE', 'HTTP', 'STATUS', 'RETRY', 'RESOLVED BY', 'TITLE'];
  const rows = reports.map((r) => [
    r.code,
    r.httpStatus === 0 ? '-' : String(r.httpStatus),
    r.status,
    r.retry === 'after-window' ? `after ${duration(r.waitSeconds ?? 0)}` : r.retry,
    r.resolvedBy.join(', '),
    r.title,
  ]);
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => (row[column] ?? '').length)));
  // The title comes last so that wide (CJK) characters cannot push later columns out of line.
  const format = (cells: readonly string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[bold(format(header)), ...rows.map(format)].join('\n')}\n`;
}

function packageVersion(): string {
  // dist/cli.js sits one level below the package root; read at run time so the bin never drifts.
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: unknown };
  return typeof manifest.version === 'string' ? manifest.version : 'unknown';
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`classroom-errors: ${error.message}\n`);
      if (error.showUsage) process.stderr.write(`\n${USAGE}`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`classroom-errors: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    }
  },
);
