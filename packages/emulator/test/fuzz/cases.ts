import fc from 'fast-check';

/** A seeded source of choices (mulberry32): the same seed gives the same requests, run after run. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One value of a fast-check arbitrary, drawn from this seed. */
  sample<T>(arbitrary: fc.Arbitrary<T>): T {
    return fc.sample(arbitrary, { seed: this.int(0, 2 ** 31 - 1), numRuns: 1 })[0] as T;
  }
}

/** The fast-check arbitraries the cases draw values from, built once. */
const ARB = {
  text10: fc.string({ maxLength: 10 }),
  text30: fc.string({ maxLength: 30 }),
  text40: fc.string({ maxLength: 40 }),
  key: fc.string({ minLength: 1, maxLength: 20 }),
  binary20: fc.string({ unit: 'binary', maxLength: 20 }),
  graphemes: fc.string({ unit: 'grapheme', maxLength: 60 }),
  json2: fc.jsonValue({ maxDepth: 2 }),
  json3: fc.jsonValue({ maxDepth: 3 }),
  bytes: fc.uint8Array({ minLength: 1, maxLength: 200 }),
};

/** Where a request goes: a Classroom method of the discovery document or an admin endpoint. */
export interface Target {
  kind: 'classroom' | 'admin';
  /** Discovery method id, or `admin VERB /path`. */
  id: string;
  verb: string;
  /** Path template with `{name}` placeholders, starting with `/`. */
  template: string;
  /** Query parameter names and their types. */
  query: Record<string, string>;
  /** Field names of the request body and their JSON types (empty when the target takes no body). */
  fields: Record<string, string>;
  hasBody: boolean;
  /** A discovery method the emulator does not implement yet (its 501 is expected). */
  unimplemented?: boolean;
}

/** One request of the fuzzer, however it travels. */
export interface FuzzRequest {
  family: string;
  target: string;
  /** `inject` runs in-process; `socket` sends the same request as bytes; `raw` sends `raw` as is. */
  transport: 'inject' | 'socket' | 'raw';
  method: string;
  /** Path and query, already encoded as they go on the wire. */
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  raw?: Buffer;
  /** True when the request may change state if it succeeds. */
  write: boolean;
}

/** Good values for path parameters, so requests reach the checks behind routing and authentication. */
const GOOD_IDS: Record<string, readonly string[]> = {
  courseId: ['d:algebra-1', 'd:physics'],
  id: ['d:algebra-1', '1', 'me'],
  userId: ['me', 'jo@oakridge.example'],
  studentId: ['me', 'jo@oakridge.example'],
  ref: ['jo@oakridge.example', 'ms.rivera@oakridge.example'],
  name: ['oakridge.example'],
};

const TRAVERSALS = [
  '..', '../..', '../../emulator/v1/reset', '%2e%2e', '%2E%2E%2F%2E%2E', '%2e%2e%2femulator%2fv1%2freset', '..%2F..%2F',
  '%2F', 'a%2Fb', '%5C..%5C', '.', '%2e', '....//....//', '%252e%252e', '..%00', '%c0%ae%c0%ae', '\\..\\..',
];

const BAD_JSON = [
  '{', '}', '{"a":}', '{"name":"x"', "{'name':'x'}", '{"name":"x",}', '[1,2', 'nul', 'undefined', 'NaN', '{"a":NaN}', '{"a":Infinity}',
  '\uFEFF{"name":"x"}', '{"a":"\\x41"}', '{"a":"\\u12"}', '{"a" "b"}', '{"a":1}{"b":2}', '0x10', '"just a string"', '1e99999', '--', '{,}',
];

const CONTENT_TYPES = [
  'text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', '',
  'application/x-www-form-urlencoded', 'application/yaml', '*/*', 'application/json;;;', 'garbage', 'application/json, text/plain',
  'application/octet-stream', 'text/html; charset=utf-8',
];

const ODD_VERBS_SAFE = ['PROPFIND', 'OPTIONS', 'TRACE', 'LINK', 'PURGE', 'MKCOL', 'LOCK', 'SEARCH', 'REPORT', 'MOVE', 'COPY'];
const ODD_VERBS_RAW = ['FOO', 'GETX', 'get', 'G\tET', 'POST\0', 'X'.repeat(300), '\u00e9T', 'DELETEE', 'PRI', '1GET'];

const PAGE_SIZES = ['-1', '0', 'abc', '1e9', '99999999999', '1.5', '', ' 5', '0x10', '-0', '2147483648', '%00', '1,2'];

/** Garbage in the place of credentials. */
function garbageCredential(rng: Rng): { header?: string; query?: string } {
  switch (rng.int(0, 9)) {
    case 0: return { header: '' };
    case 1: return { header: 'Bearer' };
    case 2: return { header: `Bearer ${rng.sample(ARB.text40).replace(/[^\x20-\x7e]/g, '')}` };
    case 3: return { header: 'Basic b2FrOnRlYWNoZXI=' };
    case 4: return { header: 'bearer oak-teacher' };
    case 5: return { header: 'Bearer oak-teacher oak-admin' };
    case 6: return { header: `Bearer ${'x'.repeat(rng.int(1000, 12_000))}` };
    case 7: return { query: encodeURIComponent(rng.sample(ARB.text30)) };
    case 8: return { header: 'Bearer oak-student', query: 'oak-admin' };
    default: return { header: `Bearer ${encodeURIComponent(rng.sample(ARB.binary20))}` };
  }
}

/** Text of a value nested `depth` levels deep (built as text: JSON.stringify could not). */
function deepText(rng: Rng, depth: number): string {
  return rng.chance(0.5) ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A JSON value of a type other than the one the field takes. */
function wrongValue(rng: Rng, type: string): unknown {
  const candidates: unknown[] = [
    rng.sample(ARB.json3), 12345, -1.5, true, null, [], {}, ['a', 1], { nested: { x: 1 } }, '', 'text',
    1e308, -0, 2 ** 53 + 1, '\u0000', '\ud800',
  ];
  const typeOf = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? 'number' : typeof v);
  const wanted = type === 'integer' ? 'number' : type;
  const pool = candidates.filter((v) => typeOf(v) !== wanted);
  return rng.pick(pool.length > 0 ? pool : candidates);
}

function fill(template: string, rng: Rng, replace?: (name: string) => string): string {
  return template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (replace) return replace(name);
    return encodeURIComponent(rng.pick(GOOD_IDS[name] ?? [String(rng.int(1, 999_999))]));
  });
}

const FAMILIES = [
  'bad-json', 'wrong-types', 'huge', 'deep', 'invalid-utf8', 'nul-bytes', 'unknown-fields', 'paging', 'traversal', 'long-url',
  'odd-verbs', 'content-types', 'duplicate-params', 'proto-keys', 'credentials', 'raw-http',
] as const;

/** The request-level garbage only a socket can carry. */
function rawHttp(rng: Rng, path: string): Buffer {
  const cases: (() => string | Buffer)[] = [
    () => Buffer.from(rng.sample(ARB.bytes)),
    () => `POST ${path} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
    () => `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}`,
    () => `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n`,
    () => `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    () => `GET ${path} HTTP/1.1\r\n\r\n`,
    () => `GET ${path}\r\n\r\n`,
    () => `GET ${path} HTTP/3.0\r\nHost: localhost\r\n\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\n\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Fold: a\r\n  folded\r\n\r\n`,
    () => `GET ${path} extra HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    () => `GET http://x${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    () => 'OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n',
    () => 'CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: localhost\r\n\r\n',
    () => Buffer.concat([Buffer.from(`GET ${path}/`), Buffer.from([0xff, 0xfe, 0x00, 0xc3]), Buffer.from(' HTTP/1.1\r\nHost: localhost\r\n\r\n')]),
    () => Buffer.concat([Buffer.from(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Bad: `), Buffer.from([0xff, 0x00, 0x7f]), Buffer.from('\r\n\r\n')]),
    () => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(rng.int(17_000, 40_000))}\r\n\r\n`,
    () => `${rng.pick(ODD_VERBS_RAW)} ${path} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    () => `GET /${'a'.repeat(rng.int(20_000, 100_000))} HTTP/1.1\r\nHost: localhost\r\n\r\n`,
    () => `POST ${path} HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n`,
    () => `GET ${path} HTTP/1.1\r\nHost: localhost\r\nHost: y\r\n\r\n`,
  ];
  const text = rng.pick(cases)();
  return typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
}

/**
 * Builds request number `index` of a run: a target, a family of malformation and the details, all from
 * the run's seed. Most requests carry a valid token, so they get past authentication to the checks of
 * parameters and bodies; the `credentials` family is the exception.
 */
export function makeRequest(rng: Rng, targets: readonly Target[]): FuzzRequest {
  const target = rng.pick(targets);
  const family = rng.pick(FAMILIES);
  const token = rng.pick(['oak-teacher', 'oak-teacher', 'oak-admin', 'oak-student']);
  const headers: Record<string, string> = target.kind === 'classroom' ? { authorization: `Bearer ${token}` } : {};
  let path = fill(target.template, rng);
  const query: string[] = [];
  let method = target.verb;
  let body: string | Buffer | undefined;
  let contentType = 'application/json';
  let transport: FuzzRequest['transport'] = rng.chance(0.15) ? 'socket' : 'inject';
  const fieldNames = Object.keys(target.fields);
  const someField = () => (fieldNames.length > 0 ? rng.pick(fieldNames) : rng.pick(['name', 'title', 'email', 'id']));
  const withField = (text: string) => `{${JSON.stringify(someField())}:${text}}`;

  switch (family) {
    case 'bad-json':
      body = rng.chance(0.7) ? rng.pick(BAD_JSON) : rng.sample(ARB.graphemes);
      break;
    case 'wrong-types': {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < rng.int(1, 3); i++) {
        const name = someField();
        out[name] = wrongValue(rng, target.fields[name] ?? 'string');
      }
      body = JSON.stringify(out);
      break;
    }
    case 'huge':
      body = rng.pick([
        () => withField(JSON.stringify('x'.repeat(rng.int(10_000, 300_000)))),
        () => withField(`[${Array.from({ length: rng.int(10_000, 60_000) }, (_, i) => i).join(',')}]`),
        () => withField(JSON.stringify('y'.repeat(1024 * 1024 + rng.int(1, 1000)))),
        () => JSON.stringify(Object.fromEntries(Array.from({ length: rng.int(1000, 20_000) }, (_, i) => [`k${i}`, i]))),
      ])();
      break;
    case 'deep':
      body = rng.chance(0.8) ? withField(deepText(rng, rng.int(500, 20_000))) : deepText(rng, rng.int(500, 20_000));
      break;
    case 'invalid-utf8':
      body = Buffer.concat([Buffer.from(`{${JSON.stringify(someField())}:"`), Buffer.from(rng.pick([[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf8, 0x88, 0x80, 0x80, 0x80]])), Buffer.from('"}')]);
      if (rng.chance(0.3)) path = fill(target.template, rng, () => rng.pick(['%ff', '%c3%28', '%ed%a0%80', '%C0%AF']));
      if (rng.chance(0.2)) query.push(`pageToken=${rng.pick(['%ff', '%c3%28', '%e2%82'])}`);
      break;
    case 'nul-bytes':
      body = withField(JSON.stringify(`a\u0000b${rng.sample(ARB.text10)}`));
      if (rng.chance(0.4)) path = fill(target.template, rng, () => rng.pick(['%00', 'a%00b', '%00..%00']));
      if (rng.chance(0.3)) query.push('fields=%00');
      break;
    case 'unknown-fields': {
      const key = rng.sample(ARB.key);
      body = JSON.stringify({ [key]: rng.sample(ARB.json2), zz_unknown: 1 });
      if (rng.chance(0.3)) query.push(`${encodeURIComponent(key)}=1`);
      break;
    }
    case 'paging':
      query.push(`pageSize=${encodeURIComponent(rng.pick(PAGE_SIZES))}`);
      query.push(`pageToken=${encodeURIComponent(rng.pick(['', 'garbage', '%%%', 'eyJ4IjoxfQ', 'A'.repeat(rng.int(1, 5000)), rng.sample(ARB.text30)]))}`);
      break;
    case 'traversal':
      path = fill(target.template, rng, () => rng.pick(TRAVERSALS));
      break;
    case 'long-url':
      if (rng.chance(0.5)) path = fill(target.template, rng, () => 'a'.repeat(rng.int(501, 100_000)));
      else query.push(`pageToken=${'b'.repeat(rng.int(10_000, 100_000))}`);
      break;
    case 'odd-verbs':
      method = rng.pick(ODD_VERBS_SAFE);
      break;
    case 'content-types':
      contentType = rng.pick(CONTENT_TYPES);
      body = rng.pick(['{}', 'name=x', '<a/>', '{"name":"x"}', '---']);
      break;
    case 'duplicate-params':
      query.push(
        rng.pick([
          'pageSize=1&pageSize=2', 'updateMask=name&updateMask=section', 'courseStates=ACTIVE&courseStates=BOGUS', 'alt=json&alt=media',
          'fields=id&fields=name', '$.xgafv=1&$.xgafv=2', 'access_token=a&access_token=b', 'teacherId=me&teacherId=me',
          'user=a&user=b', 'domain=x&domain=y', 'userId=me&userId=you',
        ]),
      );
      break;
    case 'proto-keys':
      body = rng.pick([
        '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{"polluted":1}}}', withField('{"__proto__":{"x":1}}'),
        '{"__proto__":null}', '{"hasOwnProperty":1,"toString":"x"}', '{"prototype":{}}',
      ]);
      if (rng.chance(0.5)) query.push(rng.pick(['__proto__=1', 'constructor[prototype][x]=1', '__proto__.x=1', 'toString=1', 'hasOwnProperty=x']));
      break;
    case 'credentials': {
      const credential = garbageCredential(rng);
      if (credential.header !== undefined) headers.authorization = credential.header;
      else delete headers.authorization;
      if (credential.query !== undefined) query.push(`access_token=${credential.query}`);
      if (target.kind === 'admin' && rng.chance(0.5)) headers['x-admin-token'] = 'garbage';
      break;
    }
    case 'raw-http':
      transport = 'raw';
      break;
  }

  if (body !== undefined && !target.hasBody && rng.chance(0.5)) body = undefined;
  if (target.hasBody && body === undefined && method !== 'GET' && method !== 'DELETE') body = '{}';
  if (body !== undefined) headers['content-type'] = contentType;
  if (body !== undefined && contentType === '') delete headers['content-type'];
  const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
  // Long URLs and bad bytes in paths go over a socket too, where Node's own limits answer them.
  if (transport === 'inject' && (family === 'long-url' || family === 'invalid-utf8') && rng.chance(0.3)) transport = 'socket';
  const write = !['GET', 'HEAD'].includes(method);
  return { family, target: target.id, transport, method, url, headers, ...(body !== undefined ? { body } : {}), ...(transport === 'raw' ? { raw: rawHttp(rng, path) } : {}), write };
}

/** The wire bytes of a request, for the socket transport. */
export function requestBytes(request: FuzzRequest, host: string): Buffer {
  if (request.raw) return request.raw;
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(request.body) ? request.body : Buffer.from(request.body, 'utf8');
  const lines = [`${request.method} ${request.url} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  if (request.body !== undefined || request.write) lines.push(`Content-Length: ${body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}
