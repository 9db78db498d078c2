import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const SCRIPT = new URL('../scripts/check-surface.mjs', import.meta.url).pathname;
const SHIPPED = new URL('../discovery/classroom.v1.discovery.json', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'surface-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The parts of the discovery document these tests change. */
interface Doc {
  resources: {
    courses: {
      methods: Record<string, { httpMethod: string; path: string; parameters: Record<string, unknown> }>;
      resources: Record<string, unknown>;
    };
  };
  schemas: Record<string, { properties: Record<string, { $ref?: string }> }>;
}

/** Runs the check, optionally on a changed copy of the shipped document. */
async function check(change?: (doc: Doc) => void): Promise<{ code: number; out: string }> {
  const args = [SCRIPT];
  if (change) {
    const doc = JSON.parse(readFileSync(SHIPPED, 'utf8')) as Doc;
    change(doc);
    const file = join(dir, `doc-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(doc));
    args.push('--document', file);
  }
  try {
    const { stdout } = await run(process.execPath, args);
    return { code: 0, out: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, out: failed.stdout };
  }
}

describe('scripts/check-surface.mjs: the shipped discovery document against @googleapis/classroom', () => {
  it('finds the shipped document and the installed client in agreement', async () => {
    const { code, out } = await check();
    expect(out).toMatch(/^discovery revision 20260111 matches @googleapis\/classroom \d+\.\d+\.\d+: 104 methods, 84 schemas\n$/);
    expect(code).toBe(0);
  });

  it('fails, naming them, when the client has methods, schemas or fields the document lacks', async () => {
    const { code, out } = await check((doc) => {
      delete doc.resources.courses.resources.studentGroups;
      delete doc.schemas.StudentGroup;
      delete doc.schemas.Course!.properties.subject;
    });
    expect(code).toBe(1);
    expect(out).toContain('method courses.studentgroups.create (POST v1/courses/{courseId}/studentGroups): in the client, not in the document');
    expect(out).toContain('schema StudentGroup: in the client, not in the document');
    expect(out).toContain('field Course.subject: in the client, not in the document');
  });

  it('fails when a path, a verb, a parameter or a field type disagrees', async () => {
    const { code, out } = await check((doc) => {
      doc.resources.courses.methods.patch!.httpMethod = 'PUT';
      doc.resources.courses.methods.get!.path = 'v1/courses/{courseId}';
      delete doc.resources.courses.methods.list!.parameters.teacherId;
      doc.schemas.Course!.properties.gradebookSettings!.$ref = 'GradingPeriodSettings';
    });
    expect(code).toBe(1);
    expect(out).toContain('method classroom.courses.patch: PUT in the document, PATCH in the client');
    expect(out).toContain('method classroom.courses.get: path v1/courses/{courseId} in the document, v1/courses/{id} in the client');
    expect(out).toContain('parameter classroom.courses.list teacherId: in the client, not in the document');
    expect(out).toContain('field Course.gradebookSettings: Schema$GradingPeriodSettings in the document, Schema$GradebookSettings in the client');
  });
});
