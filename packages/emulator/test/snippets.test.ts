import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator } from './helpers/harness.js';

/*
 * Every fenced code block of the READMEs and of packages/emulator/examples/*.md is executed here, as the
 * convention in CONTRIBUTING.md ("Documented snippets") describes: the HTML comment right before a block
 * says what the test does with it. A block with no such comment fails the first test below.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DOCS = [
  'README.md',
  'packages/emulator/README.md',
  'packages/errors/README.md',
  'packages/emulator/examples/admin-api.md',
  'packages/emulator/examples/demo-school.md',
  'packages/emulator/examples/fixtures.md',
];
/** The address the docs are written for; the test's emulator stands in for it. */
const DOCUMENTED_HOST = '127.0.0.1:8085';

type Kind = 'run' | 'output' | 'start' | 'typecheck' | 'python' | 'skip';

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  /** What the comment before the block says; undefined when there is none. */
  kind: Kind | undefined;
  /** `skip — reason`: the reason. */
  reason: string;
  /** For an output block: the runnable block (run or start) right before it in the same file. */
  of?: Block;
}

const MARKER = /^<!--\s*snippet:\s*(run|output|start|typecheck|python|skip)\s*(?:[—–-]\s*(.*?))?\s*-->$/;

/** The fenced blocks of one markdown file with the snippet comment before each. */
function blocksOf(file: string): Block[] {
  const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i] ?? '');
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    let j = start - 1;
    while (j >= 0 && (lines[j] ?? '').trim() === '') j--;
    const marker = MARKER.exec((lines[j] ?? '').trim());
    const block: Block = { file, line: start + 1, lang: open[1] ?? '', code: body.join('\n'), kind: marker?.[1] as Kind | undefined, reason: marker?.[2] ?? '' };
    if (block.kind === 'output') block.of = [...blocks].reverse().find((b) => b.kind === 'run' || b.kind === 'start');
    blocks.push(block);
  }
  return blocks;
}

const BLOCKS = DOCS.flatMap(blocksOf);
const named = (b: Block) => `${b.file}:${b.line} (${b.lang || 'text'})`;
const ofKind = (kind: Kind) => BLOCKS.filter((b) => b.kind === kind).map((b) => [named(b), b] as const);

/**
 * Compares output with what the doc shows: a line that is only `…` stands for any number of lines, a
 * `…` inside a line for any text, and trailing spaces do not count.
 */
function matchesDocumented(actual: string, documented: string): boolean {
  const pattern = documented
    .trimEnd()
    .split('\n')
    .map((line) => (line.trim() === '…' ? '(?:[^\\n]*\\n)*?' : `${line.trimEnd().split('…').map(escape).join('[^\\n]*')}[ \\t]*\\n`))
    .join('');
  return new RegExp(`^${pattern}$`).test(`${actual.trimEnd()}\n`);
}
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function sh(command: string, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', command], { cwd, env: { ...process.env, ...env }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('documented snippets', () => {
  it('every code block says how it is tested, or why it is not', () => {
    const unmarked = BLOCKS.filter((b) => b.kind === undefined).map(named);
    const reasonless = BLOCKS.filter((b) => b.kind === 'skip' && b.reason.length < 10).map(named);
    const orphanOutputs = BLOCKS.filter((b) => b.kind === 'output' && !b.of).map(named);
    expect({ unmarked, reasonless, orphanOutputs }).toEqual({ unmarked: [], reasonless: [], orphanOutputs: [] });
  });

  describe('sh blocks against a demo emulator', () => {
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    const outputs = new Map<Block, string>();
    beforeAll(async () => {
      emulator = await startEmulator({ demo: true });
    });
    beforeEach(async () => {
      await emulator.admin.reset({ demo: true });
    });
    afterAll(() => emulator?.close());

    it.each(ofKind('run'))('%s runs', async (_name, block) => {
      const code = block.code.replaceAll(DOCUMENTED_HOST, emulator.host);
      const cwd = ROOT;
      const env = { CLASSROOM_EMULATOR_HOST: emulator.host, PATH: `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH ?? ''}` };
      const result = block.lang === 'sh' ? await sh(code, env, cwd) : await sh(`node --input-type=module -e ${JSON.stringify(code)}`, env, cwd);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const stdout = result.stdout.replaceAll(emulator.host, DOCUMENTED_HOST);
      outputs.set(block, stdout);
      // A comment naming an error code (`# … 400 @CourseNotModifiable`) promises that code in the output.
      for (const [, expected] of code.matchAll(/#.*?@(\w+)/g)) expect(stdout, `${named(block)} promises @${expected}`).toContain(`@${expected} `);
    }, 120_000); // a block may start several processes (npx, node); a loaded CI machine takes seconds for each

    it.each(ofKind('output').filter(([, b]) => b.of?.kind === 'run'))('%s is what its command prints', (_name, block) => {
      const actual = outputs.get(block.of!);
      expect(actual, `run ${named(block.of!)} first`).toBeDefined();
      expect(matchesDocumented(actual ?? '', block.code), `printed:\n${actual}`).toBe(true);
    });
  });

  it.each(ofKind('output').filter(([, b]) => b.of?.kind === 'start'))('%s is the banner classroom-emulator start prints', async (_name, block) => {
    const command = (block.of?.code ?? '').replace(/#.*$/gm, '').trim();
    expect(command).toMatch(/^(npx )?classroom-emulator start\b/);
    const args = command.replace(/^(npx )?classroom-emulator start/, '').trim().split(/\s+/).filter(Boolean);
    const banner = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [join(ROOT, 'packages/emulator/bin/classroom-emulator.js'), 'start', ...args, '--port', '0'], {
        env: { ...process.env, CLASSROOM_EMULATOR_PORT: '', CLASSROOM_EMULATOR_DATABASE_URL: '', CLASSROOM_EMULATOR_DATA_DIR: '' },
      });
      let out = '';
      child.stdout?.on('data', (chunk: string) => {
        out += chunk;
        if (out.includes('Ctrl-C to stop.')) {
          child.kill('SIGTERM');
          resolve(out);
        }
      });
      child.on('exit', () => reject(new Error(`exited before its banner was complete:\n${out}`)));
    });
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(banner)?.[1] ?? '';
    const actual = banner.replaceAll(`127.0.0.1:${port}`, DOCUMENTED_HOST);
    expect(matchesDocumented(actual, block.code), `printed:\n${actual}`).toBe(true);
  });

  it.each(ofKind('python'))('%s runs with google-api-python-client, where installed', async (_name, block) => {
    const probe = await sh('python3 -c "import googleapiclient, google.oauth2"', {}, ROOT);
    if (probe.code !== 0) {
      console.log(`${named(block)}: skipped, python3 cannot import googleapiclient (pip install google-api-python-client)`);
      return;
    }
    const emulator = await startEmulator({ demo: true });
    try {
      const result = await sh(`python3 -c ${JSON.stringify(block.code)}`, { CLASSROOM_EMULATOR_HOST: emulator.host }, ROOT);
      expect(result.code, result.stderr).toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it('the ts blocks type-check against the packages (names a fragment leaves open are declared any)', () => {
    const blocks = BLOCKS.filter((b) => b.kind === 'typecheck');
    expect(blocks.every((b) => b.lang === 'ts'), 'typecheck is for ts blocks').toBe(true);
    // Virtual files inside the emulator package resolve both packages and the official client as a user's code would.
    const files = new Map(blocks.map((b, i) => [join(ROOT, `packages/emulator/test/__snippet_${i}.mts`), `${b.code}\nexport {};\n`]));
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    };
    const check = (): readonly ts.Diagnostic[] => {
      const host = ts.createCompilerHost(options);
      const { fileExists, readFile, getSourceFile } = host;
      host.fileExists = (name) => files.has(name) || fileExists(name);
      host.readFile = (name) => files.get(name) ?? readFile(name);
      host.getSourceFile = (name, language, ...rest) => {
        const text = files.get(name);
        return text === undefined ? getSourceFile(name, language, ...rest) : ts.createSourceFile(name, text, language);
      };
      return ts.getPreEmitDiagnostics(ts.createProgram([...files.keys()], options, host));
    };
    // A fragment may use names it does not define (auth, courseId): declare each one any, and check again.
    for (const diagnostic of check()) {
      if (![2304, 2552, 18004].includes(diagnostic.code) || !diagnostic.file) continue;
      const name = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').match(/'(\w+)'/)?.[1];
      const text = files.get(diagnostic.file.fileName);
      if (name && text !== undefined && !text.includes(`declare const ${name}:`)) files.set(diagnostic.file.fileName, `declare const ${name}: any;\n${text}`);
    }
    const problems = check().map((d) => {
      const index = [...files.keys()].indexOf(d.file?.fileName ?? '');
      const block = blocks[index];
      const where = block ? named(block) : relative(ROOT, d.file?.fileName ?? '?');
      return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
    expect(problems).toEqual([]);
  }, 120_000);
});
