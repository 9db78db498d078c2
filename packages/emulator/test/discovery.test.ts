import { OAuth2Client } from 'google-auth-library';
import { Discovery } from 'googleapis-common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoveryMethods, type DiscoveryDocument } from '../src/discovery/document.js';
import { person, startEmulator, type Person } from './helpers/harness.js';

const ADDRESSES = ['/$discovery/rest?version=v1', '/discovery/v1/apis/classroom/v1/rest'];

describe('the served discovery document', () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let teacher: Person;

  beforeAll(async () => {
    emulator = await startEmulator();
    teacher = await person(emulator, 'teacher@discovery.example');
  });
  afterAll(() => emulator.close());

  it.each(ADDRESSES)('is served at %s with rootUrl and baseUrl pointing at the emulator', async (address) => {
    const response = await fetch(`${emulator.url}${address}`);
    expect(response.status).toBe(200);
    const doc = (await response.json()) as DiscoveryDocument;
    expect(doc).toMatchObject({ kind: 'discovery#restDescription', name: 'classroom', version: 'v1', rootUrl: `${emulator.url}/`, baseUrl: `${emulator.url}/` });
    expect(discoveryMethods(doc)).toHaveLength(104);
    expect(doc.schemas.Course).toBeDefined();
  });

  it('keeps its own address when listening, and follows the Host header when injected', async () => {
    const injected = await emulator.app.inject({ method: 'GET', url: '/discovery/v1/apis/classroom/v1/rest', headers: { host: 'localhost:9999' } });
    expect((JSON.parse(injected.body) as DiscoveryDocument).rootUrl).toBe(`${emulator.url}/`);
    const portless = await startEmulator({ listen: false });
    try {
      const answer = await portless.app.inject({ method: 'GET', url: '/$discovery/rest?version=v1', headers: { host: 'localhost:9999' } });
      expect((JSON.parse(answer.body) as DiscoveryDocument).rootUrl).toBe('http://localhost:9999/');
    } finally {
      await portless.close();
    }
  });

  it('builds a working client through googleapis-common discovery, using the served rootUrl', async () => {
    const creator = await new Discovery({}).discoverAPI(`${emulator.url}/discovery/v1/apis/classroom/v1/rest`);
    const auth = new OAuth2Client();
    auth.setCredentials({ access_token: teacher.token });
    const classroom = creator({ auth, retry: false }, {}) as unknown as {
      courses: {
        create(params: { requestBody: object }): Promise<{ data: { id: string; name: string; ownerId: string } }>;
        get(params: { id: string }): Promise<{ data: { id: string; name: string } }>;
      };
    };
    const { data: created } = await classroom.courses.create({ requestBody: { name: 'Discovered', ownerId: 'me' } });
    expect(created).toMatchObject({ name: 'Discovered', ownerId: teacher.id });
    const { data: got } = await classroom.courses.get({ id: created.id });
    expect(got.name).toBe('Discovered');
  });

  it('a raw call to the served rootUrl and a method path reaches the emulator', async () => {
    const doc = (await (await fetch(`${emulator.url}/$discovery/rest?version=v1`)).json()) as DiscoveryDocument;
    const list = discoveryMethods(doc).find((m) => m.id === 'classroom.courses.list');
    const response = await fetch(`${doc.rootUrl}${list?.flatPath}?teacherId=me`, { headers: { authorization: `Bearer ${teacher.token}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { courses?: { name: string }[] };
    expect(body.courses?.map((c) => c.name)).toContain('Discovered');
  });
});
