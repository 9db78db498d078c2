import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The packages as a new user gets them: `npm pack` both, install the tarballs into an empty project,
 * compile a file that uses their public APIs with `strict` and `skipLibCheck: false`, run it, and start
 * the CLI. Installing uses npm's cache (`--offline`, falling back to `--prefer-offline`), so the test
 * needs no network when the monorepo was installed on this machine.
 *
 * Shortcut, and why: better-sqlite3's install script downloads a prebuilt binary or compiles SQLite for
 * about two minutes. The install runs with --ignore-scripts and takes the binary the monorepo's own
 * install produced (the same version, asserted), which tests our packages, not better-sqlite3's build.
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

interface Packed {
  name: string;
  filename: string;
  files: { path: string }[];
}

/** What a strict consumer writes: both packages' public APIs, typed, and one call through them. */
const CONSUMER = `
import { AdminClient, createEmulator, DEFAULT_LIMITS, type Emulator, type EmulatorOptions, type StoreOptions } from 'classroom-emulator';
import { CATALOG, decide, explain, parseError, renderError, retryConfig, RetryBudget, withRetry, type ClassroomApiError } from 'classroom-errors';

const store: StoreOptions = { kind: 'sqlite' };
const options: EmulatorOptions = { demo: true, store, limits: { courseMembers: DEFAULT_LIMITS.courseMembers } };
const emulator: Emulator = await createEmulator(options);
const admin: AdminClient = emulator.admin;
try {
  const response = await withRetry(
    () => fetch(emulator.url + '/v1/courses/d:full/students', {
      method: 'POST',
      headers: { authorization: 'Bearer demo-admin', 'content-type': 'application/json' },
      body: JSON.stringify({ userId: 'noah.patel@maplewood.example' }),
    }),
    { budget: new RetryBudget() },
  );
  const error: ClassroomApiError = parseError(await response.json());
  const { tokens } = await admin.tokens();
  // inject() runs light-my-request, and with it cookie 2, which declares Node 22: it must work on Node 20.
  const injected = await emulator.app.inject({ method: 'GET', url: '/emulator/v1/health' });
  console.log(JSON.stringify({
    status: response.status,
    code: error.code,
    action: decide(error, { attempt: 1 }).action,
    title: explain(error, 'de').title,
    tokens: tokens.length,
    catalogued: error.code in CATALOG,
    rendered: renderError('CourseMemberLimitReached', { message: 'full' }).httpStatus,
    gaxios: typeof retryConfig(),
    injected: injected.statusCode,
  }));
} finally {
  await emulator.close();
}
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    skipLibCheck: false,
    types: ['node'],
    outDir: 'out',
  },
  files: ['consumer.ts'],
};

describe('the packed packages, installed into a fresh strict project', () => {
  let work: string;
  let app: string;
  let packed: Packed[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'classroom-pack-'));
    app = join(work, 'app');
    mkdirSync(app);
    // prepack (tsc -b) rebuilds what is out of date, as `npm publish` would.
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work, '-w', 'packages/errors', '-w', 'packages/emulator'], {
      cwd: ROOT,
      maxBuffer: 16 << 20,
    });
    packed = JSON.parse(stdout) as Packed[];
    const typesNode = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string }).version;
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: Object.fromEntries(packed.map((p) => [p.name, `file:../${p.filename}`])),
        devDependencies: { '@types/node': typesNode },
      }),
    );
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
    writeFileSync(join(app, 'consumer.ts'), CONSUMER);
    const install = (mode: string) => run('npm', ['install', mode, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app });
    await install('--offline').catch(() => install('--prefer-offline'));
    const sqlite = (dir: string) => (JSON.parse(readFileSync(join(dir, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }).version;
    expect(sqlite(app), 'the same better-sqlite3 as the monorepo, so its binary fits').toBe(sqlite(ROOT));
    mkdirSync(join(app, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
    copyFileSync(join(ROOT, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'), join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('packs a LICENSE, built code with its sources, and nothing stale or repository-only', () => {
    for (const { name, files } of packed) {
      const paths = files.map((f) => f.path);
      expect(paths, name).toContain('LICENSE');
      expect(paths, name).toContain('README.md');
      // Every compiled file has its source (tsc -b never deletes the output of a removed source).
      // The console's browser bundle (dist/console-client) is built by esbuild from console/src, not by tsc.
      const orphans = paths.filter((p) => /^dist\/.*\.js$/.test(p) && !p.startsWith('dist/console-client/') && !paths.includes(p.replace(/^dist\//, 'src/').replace(/\.js$/, '.ts')));
      expect(orphans, `${name}: dist files without a source`).toEqual([]);
      expect(paths.filter((p) => /\.test\.|tsbuildinfo|(^|\/)test\//.test(p)), name).toEqual([]);
      // The example scripts import @googleapis/classroom, which is not a dependency: they stay in the repository.
      expect(paths.filter((p) => p.endsWith('.mjs')), name).toEqual([]);
    }
  });

  it('ships source maps whose sources resolve inside the installed package', () => {
    const unresolved: string[] = [];
    for (const { name, files } of packed) {
      const dir = join(app, 'node_modules', name);
      for (const { path } of files.filter((f) => f.path.endsWith('.map'))) {
        const map = JSON.parse(readFileSync(join(dir, path), 'utf8')) as { sources: string[]; sourceRoot?: string };
        for (const source of map.sources) {
          const resolved = join(dir, path, '..', map.sourceRoot ?? '', source);
          if (!existsSync(resolved)) unresolved.push(`${name}/${path} → ${source}`);
        }
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('does not install the PostgreSQL driver unless asked for', () => {
    expect(existsSync(join(app, 'node_modules/pg'))).toBe(false);
  });

  it('type-checks a strict consumer with skipLibCheck false, and the compiled consumer runs', async () => {
    const compiled = await run(process.execPath, [TSC, '-p', '.'], { cwd: app }).catch((error: { stdout?: string; message: string }) => {
      throw new Error(`tsc failed:\n${error.stdout ?? error.message}`);
    });
    expect(compiled.stdout).toBe('');
    const { stdout } = await run(process.execPath, ['out/consumer.js'], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({
      status: 400,
      code: 'CourseMemberLimitReached',
      action: 'ask-user',
      title: expect.any(String),
      tokens: expect.any(Number),
      catalogued: true,
      rendered: 400,
      gaxios: 'object',
      injected: 200,
    });
  }, 180_000);

  it('starts from the installed bin and answers a Classroom call', async () => {
    const child = spawn(join(app, 'node_modules/.bin/classroom-emulator'), ['start', '--port', '0'], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) resolve(match[1]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const response = await fetch(`${url}/v1/courses?teacherId=me`, { headers: { authorization: 'Bearer demo-teacher' } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { courses: unknown[] }).courses.length).toBeGreaterThan(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('says how to get PostgreSQL support when pg is not installed', async () => {
    const failure = await run(join(app, 'node_modules/.bin/classroom-emulator'), ['start', '--database-url', 'postgres://nobody@127.0.0.1:9/none'], {
      cwd: app,
    }).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/install pg to use --database-url/);
  });
});
