import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isLoopback } from '../platform/addresses.js';
import { sendError } from './errors.js';

/** What the edge guard lets through beside the emulator's own names and origin. */
export interface EdgeOptions {
  /** The interface the emulator listens on (`--host`); a name here is accepted in the Host header. */
  listenHost?: string;
  /** More Host names to accept (`--allow-host`), e.g. a name in /etc/hosts or a tunnel's. */
  allowHosts?: readonly string[];
  /** More origins whose pages may call the emulator (`--allow-origin`), e.g. `http://localhost:3000`. */
  allowOrigins?: readonly string[];
  /** When set, every `/emulator/` request must carry `Authorization: Bearer <adminToken>`. */
  adminToken?: string;
}

/** A fresh admin token, for a network-facing emulator started without one. */
export function generateAdminToken(): string {
  return `admin-${randomBytes(18).toString('base64url')}`;
}

/** The hostname of a Host header (`[::1]:8085` → `::1`, `Example.test:80` → `example.test`). */
function hostnameOf(header: string): string {
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(header);
  if (bracketed) return (bracketed[1] ?? '').toLowerCase();
  const colon = header.lastIndexOf(':');
  // More than one colon without brackets is a bare IPv6 address, which carries no port.
  const bare = colon >= 0 && header.indexOf(':') === colon ? header.slice(0, colon) : header;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** The hostname in CLASSROOM_EMULATOR_HOST (`host:port` or a URL), when it names one. */
function envHostname(): string | undefined {
  const value = process.env.CLASSROOM_EMULATOR_HOST;
  if (!value) return undefined;
  try {
    return new URL(/^https?:\/\//.test(value) ? value : `http://${value}`).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return undefined;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Decides, before any route runs, whether a request may reach the emulator at all. The emulator
 * runs next to the developer's browser, so any web page could otherwise drive it; the checks follow
 * how local development servers defend themselves (Vite's and webpack-dev-server's host checks,
 * Jupyter's origin rule):
 *
 * - **Host** must name the emulator. A page on a name the attacker controls that is re-pointed at
 *   127.0.0.1 (DNS rebinding) sends its own name, so it is refused; an IP address in the Host header
 *   cannot be such a name and is always accepted (as Vite does), which keeps `--host 0.0.0.0`
 *   reachable by the machine's addresses.
 * - **Origin**, sent by browsers on cross-site requests (also on the "simple" `text/plain` POSTs that
 *   need no preflight), must be the emulator's own (`http://` + the Host header) or allowed. Requests
 *   without Origin — curl, the official clients, server code — pass unchanged.
 * - **The admin API** (`/emulator/…`) asks for the admin token when one is set (always on a
 *   network-facing `--host`): resetting state or reading every token is not for anyone on the network.
 *
 * Refusals are Google-shaped: 403 PERMISSION_DENIED for Host and Origin, 401 UNAUTHENTICATED for the
 * admin token.
 */
export function registerEdgeGuard(app: FastifyInstance, options: EdgeOptions): void {
  const names = new Set<string>(['localhost']);
  const listen = options.listenHost?.replace(/^\[|\]$/g, '').toLowerCase();
  if (listen && isIP(listen) === 0) names.add(listen);
  for (const name of options.allowHosts ?? []) names.add(hostnameOf(name.trim()));
  const origins = new Set((options.allowOrigins ?? []).map((origin) => origin.trim().replace(/\/$/, '').toLowerCase()));
  const adminToken = options.adminToken;

  const hostAllowed = (hostname: string): boolean => {
    if (isIP(hostname) !== 0 || isLoopback(hostname) || names.has(hostname) || names.has('*')) return true;
    const fromEnv = envHostname();
    return fromEnv !== undefined && fromEnv === hostname;
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const host = request.headers.host;
    // HTTP/1.0 may omit Host; no browser does, so such a request cannot be a rebinding attack.
    if (host !== undefined && !hostAllowed(hostnameOf(host))) {
      return sendError(reply, request, 'PERMISSION_DENIED', {
        message: `The Host header "${host}" does not name this emulator; start it with --allow-host ${hostnameOf(host)} to accept it.`,
      });
    }
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const normalised = origin.replace(/\/$/, '').toLowerCase();
      const own = host !== undefined && (normalised === `http://${host.toLowerCase()}` || normalised === `https://${host.toLowerCase()}`);
      if (!own && !origins.has(normalised) && !origins.has('*')) {
        return sendError(reply, request, 'PERMISSION_DENIED', {
          message: `Requests from the web page at ${origin} are refused; start the emulator with --allow-origin ${origin} to accept them.`,
        });
      }
    }
    if (adminToken !== undefined && (request.raw.url ?? '').startsWith('/emulator/')) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match?.[1] || !sameSecret(match[1], adminToken)) {
        return sendError(reply, request, 'UNAUTHENTICATED', {
          message: 'The admin API needs "Authorization: Bearer <admin token>": the token the emulator printed at start, or --admin-token.',
        });
      }
    }
    return undefined;
  });
}
