import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, ERROR_CODES } from '../src/catalog.js';
import { renderError } from '../src/render.js';

/*
 * These tests run the built bin the way npm would install it, so they also catch what a unit test of
 * the functions cannot: the shebang, ESM resolution from dist/, and reading package.json at run time.
 */

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));
// The file package.json names as the bin: it loads dist/cli.js, so both are exercised.
const bin = fileURLToPath(new URL('../bin/classroom-errors.js', import.meta.url));
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

const REPORT_KEYS = [
  'code', 'httpStatus', 'status', 'reason', 'retryable', 'retry', 'resolution', 'resolvedBy',
  'fix', 'waitSeconds', 'methods', 'title', 'cause', 'action', 'lang', 'inSpecification',
];
const JAPANESE = /[\u3040-\u30ff\u4e00-\u9fff]/;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the bin with a clean locale (tests choose theirs) and optional stdin. */
function run(args: readonly string[], options: { input?: string; env?: Record<string, string>; command?: string } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['LANG', 'LC_ALL', 'LC_MESSAGES', 'LANGUAGE', 'NO_COLOR']) delete env[name];
  Object.assign(env, options.env);
  return new Promise((resolve) => {
    const [file, argv] = options.command ? [options.command, args] : [process.execPath, [bin, ...args]];
    const child = execFile(file, argv, { env, cwd: repoRoot }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(options.input ?? '');
  });
}

async function json(args: readonly string[], options?: { input?: string; env?: Record<string, string> }): Promise<Record<string, unknown>> {
  const result = await run([...args, '--json'], options);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

beforeAll(async () => {
  // `npx tsc -b packages/errors`, without npx's registry round trip.
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [tsc, '-b', 'packages/errors'], { cwd: repoRoot }, (error, stdout) => {
      if (error) reject(new Error(`tsc -b packages/errors failed:\n${stdout}`));
      else resolve();
    });
  });
}, 120_000);

describe('classroom-errors --help / --version', () => {
  it('prints the version of package.json', async () => {
    const { version } = JSON.parse(readFileSync(`${packageRoot}package.json`, 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await run([flag]);
      expect(result.code).toBe(0);
      expect(result.stdout.trim()).toBe(version);
    }
  });

  it('prints usage', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage:');
    expect(result.stdout).toContain('classroom-errors explain');
    expect(result.stdout).toContain('classroom-errors list');
  });

  it('starts with a shebang so npm can link it as a bin', () => {
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
  });
});

describe('classroom-errors explain --json', () => {
  it('explains a code with every field', async () => {
    const report = await json(['explain', 'CourseMemberLimitReached']);
    expect(Object.keys(report)).toEqual(REPORT_KEYS);
    expect(report).toMatchObject({
      code: 'CourseMemberLimitReached',
      httpStatus: 400,
      status: 'FAILED_PRECONDITION',
      reason: 'failedPrecondition',
      retryable: false,
      retry: 'never',
      resolution: 'ask-user',
      resolvedBy: ['user', 'app'],
      fix: { method: 'classroom.courses.students.delete' },
      waitSeconds: null,
      methods: CATALOG.CourseMemberLimitReached.methods,
      lang: 'en',
      inSpecification: true,
    });
    for (const key of ['title', 'cause', 'action'] as const) {
      expect(typeof report[key]).toBe('string');
      expect((report[key] as string).length).toBeGreaterThan(0);
    }
  });

  it('accepts the @token form in any case', async () => {
    expect((await json(['explain', '@coursememberlimitreached'])).code).toBe('CourseMemberLimitReached');
  });

  it('reports each resolution the decision policy can take', async () => {
    const expectations: Array<[string, Record<string, unknown>]> = [
      ['CourseNotModifiable', { resolution: 'fix', fix: CATALOG.CourseNotModifiable.fix }],
      ['UserCourseJoinRateLimitReached', { resolution: 'wait', waitSeconds: 86_400, retry: 'after-window', httpStatus: 429 }],
      ['INTERNAL', { resolution: 'retry', retryable: true, fix: null, waitSeconds: null }],
      ['ClassroomDisabled', { resolution: 'ask-admin', methods: ['*'], inSpecification: false }],
      ['MissingGrant', { resolution: 'report', resolvedBy: ['developer', 'app'] }],
      ['NetworkError', { resolution: 'retry', httpStatus: 0, status: 'UNAVAILABLE' }],
    ];
    for (const [code, expected] of expectations) {
      expect(await json(['explain', code])).toMatchObject({ code, ...expected });
    }
  });

  it('explains a wire body given as the argument, in both formats', async () => {
    for (const format of [1, 2] as const) {
      const body = renderError('CourseNotModifiable', { format, message: 'The course is archived.' }).body;
      const report = await json(['explain', JSON.stringify(body)]);
      expect(report).toMatchObject({ code: 'CourseNotModifiable', httpStatus: 400, status: 'FAILED_PRECONDITION', reason: 'failedPrecondition' });
    }
  });

  it('explains a quota body by its ErrorInfo, and takes the wait from a longer RetryInfo', async () => {
    const body = renderError('RESOURCE_EXHAUSTED', {
      errorInfo: { reason: 'RATE_LIMIT_EXCEEDED', domain: 'googleapis.com' },
      metadata: { quota_limit: 'DefaultPerDayPerProject' },
      retryAfterSeconds: 90_000,
    }).body;
    const report = await json(['explain', JSON.stringify(body)]);
    expect(report).toMatchObject({ code: 'DailyLimitExceeded', resolution: 'wait', waitSeconds: 90_000 });
  });

  it('reads a body or a code from stdin', async () => {
    const body = JSON.stringify(renderError('CourseTeacherLimitReached', { format: 2 }).body, null, 2);
    expect(await json(['explain', '-'], { input: body })).toMatchObject({ code: 'CourseTeacherLimitReached', httpStatus: 400 });
    expect(await json(['explain', '-'], { input: 'ineligibleowner\n' })).toMatchObject({ code: 'IneligibleOwner' });
  });

  it('explains an unknown token through its status and keeps the token', async () => {
    const body = { error: { code: 400, message: '@CourseGuardianLimitReached Too many guardians.', status: 'FAILED_PRECONDITION' } };
    const report = await json(['explain', JSON.stringify(body)]);
    expect(report).toMatchObject({ code: 'CourseGuardianLimitReached', status: 'FAILED_PRECONDITION', retry: 'never', inSpecification: false });
    const human = await run(['explain', JSON.stringify(body)]);
    expect(human.stdout).toContain('not in the catalog');
  });
});

describe('classroom-errors languages', () => {
  it('explains in Japanese with --lang ja and with a ja_JP.UTF-8 locale', async () => {
    const flagged = await json(['explain', 'CourseMemberLimitReached', '--lang', 'ja']);
    expect(flagged.lang).toBe('ja');
    expect(flagged.title).toMatch(JAPANESE);
    expect(flagged.action).toMatch(JAPANESE);

    const human = await run(['explain', 'CourseMemberLimitReached'], { env: { LANG: 'ja_JP.UTF-8' } });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(JAPANESE);
  });

  it('lets LC_ALL override LANG, and --lang override both', async () => {
    expect((await json(['explain', 'INTERNAL'], { env: { LANG: 'ja_JP.UTF-8', LC_ALL: 'de_DE.UTF-8' } })).lang).toBe('de');
    expect((await json(['explain', 'INTERNAL', '--lang', 'it-IT'], { env: { LC_ALL: 'de_DE.UTF-8' } })).lang).toBe('it');
    expect((await json(['explain', 'INTERNAL', '--lang', 'fr-FR, ru;q=0.5'])).lang).toBe('ru');
    expect((await json(['explain', 'INTERNAL'], { env: { LANG: 'C.UTF-8' } })).lang).toBe('en');
  });
});

describe('classroom-errors explain (text)', () => {
  it('prints a readable block without ANSI codes when piped', async () => {
    const result = await run(['explain', 'CourseMemberLimitReached']);
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out.split('\n')[0]).toBe('CourseMemberLimitReached');
    expect(out).toContain('HTTP 400 · FAILED_PRECONDITION · reason failedPrecondition · in the specification');
    for (const label of ['Cause', 'Action', 'Resolved by', 'Next step', 'Retry', 'Methods']) expect(out).toContain(label);
    expect(out).toContain('classroom.courses.students.create');
    expect(out).toContain('classroom.courses.students.delete');
    expect(out).not.toContain('\u001b[');
  });

  // util-linux `script` gives the bin a real terminal; skipped where it is not installed.
  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasScript)('uses bold on a terminal unless NO_COLOR is set', async () => {
    const onTerminal = (noColor?: string) =>
      run(['-qec', `"${process.execPath}" "${bin}" explain INTERNAL`, '/dev/null'], { env: noColor === undefined ? {} : { NO_COLOR: noColor }, command: 'script' });
    expect((await onTerminal()).stdout).toContain('\u001b[1mINTERNAL\u001b[22m');
    expect((await onTerminal('1')).stdout).not.toContain('\u001b[');
    // no-color.org: an empty NO_COLOR does not count.
    expect((await onTerminal('')).stdout).toContain('\u001b[1m');
  });

  it('describes windows and transports in words', async () => {
    expect((await run(['explain', 'UserCourseJoinRateLimitReached'])).stdout).toContain('only after 1 day');
    expect((await run(['explain', 'CannotRemoveCourseOwnerTransferIncomplete'])).stdout).toContain('wait 5 minutes, then retry');
    expect((await run(['explain', 'NetworkError'])).stdout).toContain('no HTTP response');
  });
});

describe('classroom-errors failures', () => {
  it('rejects an unknown code with near matches', async () => {
    const result = await run(['explain', 'CourseMemberLimitReachd']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Unknown error code "CourseMemberLimitReachd"');
    expect(result.stderr).toContain('Did you mean: CourseMemberLimitReached');
  });

  it('rejects a code nothing resembles', async () => {
    const result = await run(['explain', 'Zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('classroom-errors list');
  });

  it('names where bad JSON breaks', async () => {
    const result = await run(['explain', '{"error": {"code": 400, "message": }}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('not valid JSON');
    expect(result.stderr).toContain('line 1, column 36 (position 35)');

    const piped = await run(['explain', '-'], { input: '{\n  "error": {\n    "code": 400,\n  }\n}' });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain('expected a property name in double quotes at line 4, column 3');

    const cut = await run(['explain', '-'], { input: '{"error": {"code": 4' });
    expect(cut.stderr).toContain('unexpected end of input');
  });

  it('rejects JSON that is not an error body', async () => {
    for (const input of ['{"kind": "classroom#course"}', '[1, 2]', '{"error": null}']) {
      const result = await run(['explain', input]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no `error` object|not an error body/);
    }
  });

  it('rejects empty stdin', async () => {
    const result = await run(['explain', '-'], { input: '  \n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('empty');
  });

  it('rejects unknown commands, flags and missing arguments with usage', async () => {
    for (const args of [['frobnicate'], ['explain', 'INTERNAL', '--jsn'], ['explain'], ['list', 'extra'], [], ['explain', 'INTERNAL', '--lang']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('Usage:');
      expect(result.stdout).toBe('');
    }
    const flag = await run(['explain', 'INTERNAL', '--jsn']);
    expect(flag.stderr).toContain("Unknown option '--jsn'.");
    expect(flag.stderr).not.toContain('positional argument');
  });
});

describe('classroom-errors list', () => {
  it('prints every code as a JSON array of explain objects', async () => {
    const result = await run(['list', '--json']);
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(reports.map((r) => r.code)).toEqual(ERROR_CODES);
    for (const report of reports) expect(Object.keys(report)).toEqual(REPORT_KEYS);
    expect(reports.find((r) => r.code === 'UserCourseJoinRateLimitReached')).toMatchObject({ resolution: 'wait', waitSeconds: 86_400 });
  });

  it('prints a table with one row per code', async () => {
    const result = await run(['list']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^CODE\s+HTTP\s+STATUS\s+RETRY\s+RESOLVED BY\s+TITLE$/);
    expect(lines).toHaveLength(ERROR_CODES.length + 1);
    expect(lines.find((l) => l.startsWith('CourseMemberLimitReached '))).toMatch(/\s400\s+FAILED_PRECONDITION\s+never\s+user, app\s/);
    expect(lines.find((l) => l.startsWith('DailyLimitExceeded '))).toContain('after 1 day');
    expect(lines.find((l) => l.startsWith('NetworkError '))).toMatch(/\s-\s+UNAVAILABLE\s+backoff/);
  });

  it('uses the language for titles', async () => {
    const result = await run(['list', '--lang', 'ja']);
    expect(result.stdout).toMatch(JAPANESE);
    const reports = JSON.parse((await run(['list', '--json', '--lang', 'ja'])).stdout) as Array<{ lang: string }>;
    expect(new Set(reports.map((r) => r.lang))).toEqual(new Set(['ja']));
  });
});

describe('classroom-errors with languages it does not have, pasted lines and translated labels', () => {
  it('answers an unsupported --lang in English and says so on stderr, naming the languages', async () => {
    const result = await run(['explain', 'CourseNotModifiable', '--lang', 'fr', '--json']);
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as { lang: string }).lang).toBe('en');
    expect(result.stderr).toBe('classroom-errors: no explanations in "fr"; showing English. Languages: en, ja, de, ru, it.\n');
  });

  it('stays quiet when any language of an --lang list is supported, and for a locale from the environment', async () => {
    expect((await run(['explain', 'INTERNAL', '--lang', 'fr-FR, ru;q=0.5'])).stderr).toBe('');
    expect((await run(['explain', 'INTERNAL', '--lang', 'de_DE.UTF-8'])).stderr).toBe('');
    expect((await run(['explain', 'INTERNAL'], { env: { LANG: 'fr_FR.UTF-8' } })).stderr).toBe('');
  });

  it('recognises a pasted message line by its @token, with the catalog status and the pasted message', async () => {
    const line = '@CourseNotModifiable The course is ARCHIVED; only its state can be changed.';
    const report = await json(['explain', line]);
    expect(report).toMatchObject({ code: 'CourseNotModifiable', httpStatus: 400, status: 'FAILED_PRECONDITION', resolution: 'fix' });
    expect((await json(['explain', '-'], { input: `${line}\n` })).code).toBe('CourseNotModifiable');
  });

  it('suggests codes for a pasted line whose token is misspelt', async () => {
    const result = await run(['explain', '@CourseNotModifyable the course is archived']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Unknown error code "CourseNotModifyable". Did you mean: CourseNotModifiable?');
  });

  it.each([
    ['ja', ['原因', '対処', '解決する人', '次の手順', '再試行', 'メソッド']],
    ['de', ['Ursache', 'Abhilfe', 'Zuständig', 'Nächster Schritt', 'Wiederholen', 'Methoden']],
    ['ru', ['Причина', 'Что делать', 'Кто решает', 'Следующий шаг', 'Повтор', 'Методы']],
    ['it', ['Causa', 'Azione', 'Chi risolve', 'Passo successivo', 'Ripetere', 'Metodi']],
  ] as const)('labels the fields in %s, aligned', async (lang, labels) => {
    const result = await run(['explain', 'CourseMemberLimitReached', '--lang', lang]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const starts = labels.map((label) => lines.find((line) => line.startsWith(`  ${label} `)));
    expect(starts.every((line) => line !== undefined), result.stdout).toBe(true);
    expect(result.stdout).not.toMatch(/^ {2}(Cause|Action|Resolved by|Next step|Retry|Methods) /m);
    // Every value starts in the same terminal column; Japanese labels are two columns a character.
    const wide = (text: string) => [...text].reduce((width, ch) => width + (/[\u3000-\u30ff\u4e00-\u9fff]/.test(ch) ? 2 : 1), 0);
    const valueColumns = starts.map((line, i) => {
      const afterLabel = (line ?? '').slice(2 + (labels[i]?.length ?? 0));
      return 2 + wide(labels[i] ?? '') + (afterLabel.length - afterLabel.trimStart().length);
    });
    expect(new Set(valueColumns).size, result.stdout).toBe(1);
  });
});
