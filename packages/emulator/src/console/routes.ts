import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fail } from '../failure.js';

/**
 * The web console's server side: its pages and its built assets, on the emulator's own port. The
 * console itself talks to the admin API only (/emulator/v1), from the page, like any other client.
 */

/** Where `console/build.mjs` writes the client: the same folder from src/console and dist/console. */
const ASSETS = new URL('../../dist/console-client/', import.meta.url);

/** The console's pages; each serves the same document, and the client draws the page its URL names. */
export const CONSOLE_PAGES = [
  '/console',
  '/console/courses',
  '/console/courses/:id',
  '/console/people',
  '/console/requests',
  '/console/requests/:id',
  '/console/faults',
  '/console/platform',
  '/console/notifications',
] as const;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
};

// The page loads only its own script and style, and is never framed (no clickjacking of the reset button).
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
} as const;

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

interface Bundle {
  page: Asset;
  assets: Map<string, Asset>;
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

/** Reads the built client; undefined when it has not been built. */
function loadBundle(): Bundle | undefined {
  let page: Buffer;
  try {
    page = readFileSync(new URL('index.html', ASSETS));
  } catch {
    return undefined;
  }
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(new URL('assets/', ASSETS))) {
    const type = TYPES[name.slice(name.lastIndexOf('.'))];
    if (!type) continue;
    try {
      assets.set(name, asset(readFileSync(new URL(`assets/${name}`, ASSETS)), type));
    } catch {
      // Removed by a build running right now: it is no longer named by the page.
    }
  }
  return { page: asset(page, 'text/html; charset=utf-8'), assets };
}

function send(request: FastifyRequest, reply: FastifyReply, item: Asset, cacheControl: string): FastifyReply {
  void reply.headers({ etag: item.etag, 'cache-control': cacheControl, ...SECURITY_HEADERS });
  if (request.headers['if-none-match'] === item.etag) return reply.code(304).send();
  return reply.type(item.type).send(item.body);
}

/**
 * Serves the console: `GET /` leads to it, its pages answer its document (never cached without asking,
 * so a new build shows at once), and its assets have content-hashed names and are cached for good.
 *
 * @example
 * ```ts
 * registerConsole(app); // then open http://127.0.0.1:8085/console/
 * ```
 */
export function registerConsole(app: FastifyInstance): void {
  // Read once, on first use: the emulator starts as fast without the console, and tests can build it first.
  let bundle: Bundle | undefined;
  const current = (): Bundle => {
    bundle ??= loadBundle();
    if (!bundle) fail('UNAVAILABLE', 'The console has not been built: run `npm run build` in the repository (it runs packages/emulator/console/build.mjs).');
    return bundle;
  };

  app.get('/', (_request, reply) => reply.redirect('/console/', 302));
  for (const page of CONSOLE_PAGES) {
    app.get(page, (request, reply) => send(request, reply, current().page, 'no-cache'));
  }
  app.get<{ Params: { name: string } }>('/console/assets/:name', (request, reply) => {
    const item = current().assets.get(request.params.name);
    if (!item) fail('NOT_FOUND', `The console has no asset ${request.params.name}.`);
    return send(request, reply, item, 'public, max-age=31536000, immutable');
  });
}
