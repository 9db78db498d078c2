import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import type { GoogleErrorBody } from 'classroom-errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminFailure, failure, invalid, officialClient, person, type Person, startEmulator, STORES } from './helpers/harness.js';

const D = 'admin.example';
const notFound = (message: string): GoogleErrorBody => ({
  error: { code: 404, message, errors: [{ message, domain: 'global', reason: 'notFound' }], status: 'NOT_FOUND' },
});
const alreadyExists = (message: string): GoogleErrorBody => ({
  error: { code: 409, message, errors: [{ message, domain: 'global', reason: 'duplicate' }], status: 'ALREADY_EXISTS' },
});

describe.each(STORES)('admin API on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let teacher: Person;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options() });
    teacher = await person(emulator, `teacher@${D}`, { name: 'Tess Teacher' }, { project: 'admin-app' });
  });
  afterAll(() => emulator.close());

  it('domains: create, list, switch API access off and on', async () => {
    const admin = emulator.admin;
    expect(await admin.createDomain({ name: 'other.admin.example' })).toMatchObject({ name: 'other.admin.example', apiEnabled: true });
    expect((await adminFailure(admin.createDomain({ name: 'other.admin.example' }))).body).toEqual(alreadyExists('The domain other.admin.example already exists.'));
    expect((await adminFailure(admin.createDomain({ name: 'Not A Domain' }))).body).toEqual(
      invalid('Invalid value for "name": must match pattern "^[a-z0-9-]+(\\.[a-z0-9-]+)+$".', 'name'),
    );
    const { domains } = await admin.domains();
    expect(domains.map((d) => d.name)).toEqual(expect.arrayContaining([D, 'other.admin.example']));

    expect(await admin.updateDomain(D, { apiEnabled: false })).toMatchObject({ name: D, apiEnabled: false });
    const { body } = await failure(teacher.api.courses.list());
    expect(body.error.message).toMatch(/^@ClassroomApiDisabled /);
    await admin.updateDomain(D, { apiEnabled: true });
    await teacher.api.courses.list();

    expect((await adminFailure(admin.updateDomain('nowhere.example', { apiEnabled: true }))).body).toEqual(notFound('No domain nowhere.example.'));
    expect((await adminFailure(admin.request('PATCH', `/domains/${D}`, { apiEnabled: 'no' }))).body).toEqual(
      invalid('Invalid value for "apiEnabled": must be boolean.', 'apiEnabled'),
    );
  });

  it('users: list by domain, read, change; unknown users are NOT_FOUND', async () => {
    const admin = emulator.admin;
    await admin.createUser({ email: `pupil@${D}`, canCreateCourses: false });
    const { users } = await admin.listUsers({ domain: D });
    expect(users.map((u) => u.email)).toEqual(expect.arrayContaining([`teacher@${D}`, `pupil@${D}`]));
    expect(users.every((u) => u.domain === D)).toBe(true);
    expect(await admin.getUser(teacher.id)).toMatchObject({ email: `teacher@${D}`, name: { fullName: 'Tess Teacher' } });
    expect(await admin.updateUser(`pupil@${D}`, { groupMemberships: 12, classroomEnabled: false })).toMatchObject({ groupMemberships: 12, classroomEnabled: false });
    expect((await adminFailure(admin.getUser(`ghost@${D}`))).body).toEqual(notFound(`No user ghost@${D}.`));
    expect((await adminFailure(admin.updateUser(`ghost@${D}`, { admin: true }))).body).toEqual(notFound(`No user ghost@${D}.`));
    expect((await adminFailure(admin.updateUser(`pupil@${D}`, { state: 'GONE' as never }))).body).toEqual(
      invalid('Invalid value for "state": expected one of ACTIVE, SUSPENDED, DELETED.', 'state'),
    );
    expect((await adminFailure(admin.request('GET', '/users?domian=x'))).body).toEqual(invalid('Unknown query parameter "domian".', 'domian'));
  });

  it('projects and grants: create, list, replace, revoke', async () => {
    const admin = emulator.admin;
    expect(await admin.createProject({ id: 'grading-tool', name: 'Grading Tool' })).toMatchObject({ id: 'grading-tool', name: 'Grading Tool' });
    expect((await adminFailure(admin.createProject({ id: 'grading-tool' }))).body).toEqual(alreadyExists('The project grading-tool already exists.'));
    expect((await adminFailure(admin.createProject({ id: 'Bad_Id' }))).body?.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'id', description: expect.stringContaining('"id"') }] },
    ]);
    expect((await admin.projects()).projects.map((p) => p.id)).toEqual(expect.arrayContaining(['grading-tool', 'admin-app']));

    // Minting the teacher's OAuth token recorded a grant to admin-app.
    expect((await admin.grants({ user: teacher.email })).grants).toEqual([
      expect.objectContaining({ user: teacher.id, userEmail: teacher.email, project: 'admin-app' }),
    ]);
    const grant = await admin.putGrant({ user: teacher.email, project: 'grading-tool', scopes: ['classroom.rosters.readonly'] });
    expect(grant).toMatchObject({ project: 'grading-tool', scopes: ['https://www.googleapis.com/auth/classroom.rosters.readonly'] });
    expect((await admin.grants({ project: 'grading-tool' })).grants).toHaveLength(1);
    expect((await adminFailure(admin.putGrant({ user: teacher.email, project: 'grading-tool', scopes: ['not a scope'] }))).body).toEqual(
      invalid('"https://www.googleapis.com/auth/not a scope" is not an OAuth scope.', 'scopes[0]'),
    );
    expect((await adminFailure(admin.putGrant({ user: `ghost@${D}`, project: 'grading-tool', scopes: [] }))).body).toEqual(notFound(`No user ghost@${D}.`));
    await admin.deleteGrant(teacher.email, 'grading-tool');
    expect((await adminFailure(admin.deleteGrant(teacher.email, 'grading-tool'))).body).toEqual(notFound(`${teacher.email} has granted nothing to grading-tool.`));
    expect((await adminFailure(admin.request('DELETE', `/grants?user=${teacher.email}`))).body).toEqual(invalid('Missing required query parameter "project".', 'project'));
  });

  it('tokens: list one user\'s and revoke', async () => {
    const admin = emulator.admin;
    const extra = await admin.mintToken({ user: teacher.email, scopes: ['classroom.courses.readonly'], project: 'admin-app' });
    const { tokens } = await admin.tokens({ user: teacher.email });
    expect(tokens.map((t) => t.accessToken)).toEqual(expect.arrayContaining([teacher.token, extra.accessToken]));
    await admin.revokeToken(extra.accessToken);
    const { body } = await failure(officialClient(emulator, extra.accessToken).courses.list());
    expect(body.error.status).toBe('UNAUTHENTICATED');
    expect((await adminFailure(admin.revokeToken(extra.accessToken))).body).toEqual(notFound('No such token.'));
  });

  it('courses: the admin view shows members, folder owner and transfer state', async () => {
    const { data: course } = await teacher.api.courses.create({ requestBody: { name: 'Geometry', ownerId: 'me', courseState: 'ACTIVE' } });
    const view = await emulator.admin.course(course.id!);
    expect(view).toMatchObject({
      id: course.id,
      name: 'Geometry',
      courseState: 'ACTIVE',
      owner: { id: teacher.id, email: teacher.email, state: 'ACTIVE' },
      members: { teachers: 1, students: 0, total: 1 },
      teacherFolderOwner: { id: teacher.id, pinned: false },
      projectId: 'admin-app',
    });
    expect(view.transfer).toBeUndefined();
    expect((await emulator.admin.courses({ domain: D })).courses.map((c) => c.id)).toContain(course.id);
    expect((await emulator.admin.courses({ domain: 'nowhere.example' })).courses).toEqual([]);
    expect((await adminFailure(emulator.admin.course('999'))).body).toEqual(notFound('No course 999.'));
    expect((await adminFailure(emulator.admin.patchCourse('999', { courseState: 'SUSPENDED' }))).body).toEqual(notFound('No course 999.'));
    expect((await adminFailure(emulator.admin.courses({ state: 'OPEN' }))).body).toEqual(
      invalid('Invalid value for "state": expected one of ACTIVE, ARCHIVED, PROVISIONED, DECLINED, SUSPENDED.', 'state'),
    );
  });

  it('clock: a time that is not RFC 3339 names the field', async () => {
    expect((await adminFailure(emulator.admin.setClock({ now: 'yesterday' }))).body).toEqual(invalid('"yesterday" is not an RFC 3339 time.', 'now'));
    expect((await adminFailure(emulator.admin.request('POST', '/clock:advance', {}))).body).toEqual(invalid('Missing required field "seconds".', 'seconds'));
  });

  it('unknown admin paths are NOT_FOUND in the same envelope', async () => {
    expect((await adminFailure(emulator.admin.request('GET', '/nothing-here'))).body).toEqual(notFound('Nothing is served at GET /emulator/v1/nothing-here.'));
  });
});

describe.each(STORES)('state export and import on $name', ({ options }) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;

  beforeAll(async () => {
    emulator = await startEmulator({ store: options(), demo: true });
  });
  afterAll(() => emulator.close());

  it('round-trips the whole state: export, reset, import, export again', async () => {
    const teacher = officialClient(emulator, 'demo-teacher');
    const { data: course } = await teacher.courses.create({ requestBody: { name: 'Round Trip', ownerId: 'me' } });
    await emulator.admin.setLimits({ courseTeachers: 7 });
    await emulator.admin.setClock({ now: '2027-01-01T00:00:00.000Z', frozen: true });
    const before = await emulator.admin.exportState();
    expect(before).toMatchObject({ format: 'classroom-emulator-state', version: 1, limits: { courseTeachers: 7 }, clock: { now: '2027-01-01T00:00:00.000Z', frozen: true } });
    expect(before.tables.users?.length).toBeGreaterThan(1000);

    await emulator.admin.reset();
    expect((await emulator.admin.listUsers()).users).toEqual([]);
    expect((await emulator.admin.limits()).courseTeachers).toBe(20);

    const { imported } = await emulator.admin.importState(JSON.parse(JSON.stringify(before)) as typeof before);
    expect(imported.users).toBe(before.tables.users?.length);
    const after = await emulator.admin.exportState();
    expect(after).toEqual(before);
    expect((await teacher.courses.get({ id: course.id! })).data.name).toBe('Round Trip');
    await emulator.admin.setClock({ frozen: false });
  });

  it('a bad import names the field and changes nothing', async () => {
    const users = (await emulator.admin.listUsers()).users.length;
    expect((await adminFailure(emulator.admin.importState({ tables: { pupils: [] } }))).body?.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    const broken = await adminFailure(emulator.admin.importState({ tables: { users: [{ id: '1', email: 'x@y.example' }] } }));
    expect(broken.status).toBe(400);
    expect(broken.body?.error.details).toEqual([
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'tables', description: expect.stringMatching(/^The state could not be imported: /) }] },
    ]);
    expect((await adminFailure(emulator.admin.importState({} as never))).body).toEqual(invalid('Missing required field "tables".', 'tables'));
    expect((await emulator.admin.listUsers()).users.length).toBe(users);
  });
});

describe('the admin OpenAPI document', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.close());

  it('is OpenAPI 3.1 and lists every endpoint with the schemas the routes validate with', async () => {
    const doc = (await emulator.admin.openApi()) as { openapi: string; paths: Record<string, Record<string, { summary: string; requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>> };
    expect(doc.openapi).toBe('3.1.0');
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => (op as unknown as { operationId: string }).operationId));
    expect(ids.every((id) => /^[a-z][A-Za-z0-9]*$/.test(id)), ids.join(' ')).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((verb) => `${verb.toUpperCase()} ${path}`));
    for (const expected of [
      'GET /emulator/v1/health', 'POST /emulator/v1/reset', 'GET /emulator/v1/domains', 'POST /emulator/v1/domains', 'PATCH /emulator/v1/domains/{name}',
      'GET /emulator/v1/users', 'POST /emulator/v1/users', 'GET /emulator/v1/users/{ref}', 'PATCH /emulator/v1/users/{ref}',
      'GET /emulator/v1/projects', 'POST /emulator/v1/projects', 'GET /emulator/v1/grants', 'PUT /emulator/v1/grants', 'DELETE /emulator/v1/grants',
      'GET /emulator/v1/tokens', 'POST /emulator/v1/tokens', 'GET /emulator/v1/limits', 'PATCH /emulator/v1/limits', 'GET /emulator/v1/clock',
      'POST /emulator/v1/clock:advance', 'POST /emulator/v1/clock', 'GET /emulator/v1/coverage', 'GET /emulator/v1/courses', 'GET /emulator/v1/courses/{id}',
      'PATCH /emulator/v1/courses/{id}', 'POST /emulator/v1/fixtures', 'GET /emulator/v1/state', 'POST /emulator/v1/state', 'GET /emulator/v1/openapi.json',
    ]) {
      expect(operations).toContain(expected);
    }
    expect(doc.paths['/emulator/v1/users']?.post?.requestBody?.content['application/json']?.schema.required).toEqual(['email']);
    expect(Object.keys(doc.paths['/emulator/v1/fixtures']?.post?.requestBody?.content ?? {})).toEqual(
      expect.arrayContaining(['application/json', 'application/yaml', 'text/yaml']),
    );
  });

  it('examples/admin-api.md lists every endpoint of the document', async () => {
    const doc = (await emulator.admin.openApi()) as { paths: Record<string, Record<string, unknown>> };
    const text = readFileSync(new URL('../examples/admin-api.md', import.meta.url), 'utf8');
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const verb of Object.keys(operations)) expect(text).toContain(`| \`${verb.toUpperCase()} ${path.replace('/emulator/v1', '')}\` |`);
    }
  });

  it('what the GET endpoints answer matches the response schemas the document declares', async () => {
    const demo = await startEmulator({ demo: true });
    try {
      const doc = (await demo.admin.openApi()) as {
        paths: Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: object }> }> }>>;
      };
      const ajv = new Ajv({ strict: false, allErrors: true });
      // ajv-formats is CommonJS: under NodeNext its default import is the module object.
      (formats as unknown as { default: (ajv: Ajv) => void }).default(ajv);
      // The demo school's courses carry every optional part of the course view (transfer, pending owner).
      const course = (await demo.admin.courses()).courses.find((c) => c.transfer)!;
      let checked = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        const get = operations.get;
        const schema = get?.responses['200']?.content['application/json']?.schema;
        if (!schema || path.endsWith('openapi.json')) continue;
        const concrete = path.replace('{ref}', 'grace.okafor@maplewood.example').replace('{id}', course.id);
        if (/\{/.test(concrete)) continue;
        const body = (await (await fetch(`${demo.url}${concrete}`)).json()) as unknown;
        const validate = ajv.compile(schema);
        expect(validate(body) ? [] : validate.errors, `GET ${path}`).toEqual([]);
        checked++;
      }
      expect(checked).toBeGreaterThanOrEqual(14);
    } finally {
      await demo.close();
    }
  });

  it('every endpoint with a body or a query rejects an unknown field by name, as the document promises', async () => {
    const doc = (await emulator.admin.openApi()) as {
      paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { in: string }[] }>>;
    };
    let checked = 0;
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [verb, operation] of Object.entries(operations)) {
        const url = `${emulator.url}${path.replace(/\{[^}]+\}/g, 'x')}`;
        if (operation.requestBody) {
          const response = await fetch(url, { method: verb.toUpperCase(), headers: { 'content-type': 'application/json' }, body: '{"bogusField": 1}' });
          const body = (await response.json()) as GoogleErrorBody;
          expect([response.status, body.error.status, body.error.details], `${verb} ${path}`).toEqual([
            400,
            'INVALID_ARGUMENT',
            [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'bogusField', description: 'Unknown field "bogusField".' }] }],
          ]);
          checked++;
        } else {
          const response = await fetch(`${url}?bogusParam=1`, { method: verb.toUpperCase() });
          const body = (await response.json()) as GoogleErrorBody;
          expect([response.status, body.error.details], `${verb} ${path}`).toEqual([
            400,
            [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'bogusParam', description: 'Unknown query parameter "bogusParam".' }] }],
          ]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(25);
  });
});
