import type { Env } from '../env.js';
import { fail } from '../failure.js';
import type { Repos } from '../store/repos.js';
import type { DomainRow, ProjectRow, UserRow } from '../store/schema.js';

/** Who is calling: the user a token acts for, the Cloud project it was issued to, and its scopes. */
export interface Caller {
  readonly user: UserRow;
  readonly project: ProjectRow;
  readonly scopes: ReadonlySet<string>;
  /** `oauth`: the user granted the project; `dwd`: a service account acting through domain-wide delegation. */
  readonly via: 'oauth' | 'dwd';
  readonly token: string;
}

const SERVICE = 'classroom.googleapis.com';

/**
 * Turns a bearer token into a {@link Caller}, or fails with UNAUTHENTICATED as Google's front end does:
 * no credentials, an unknown or expired token, or a user who can no longer sign in.
 */
export async function authenticate(env: Env, repos: Repos, token: string | undefined, methodId: string): Promise<Caller> {
  return (await authenticateWithDomain(env, repos, token, methodId)).caller;
}

/** An authenticated caller and the domain row of their user (absent when the domain has no row). */
export interface Authenticated {
  readonly caller: Caller;
  readonly domain: DomainRow | undefined;
}

/**
 * {@link authenticate}, also giving the caller's domain row: the token, its user, the user's domain and
 * the project are read in one statement, since every Classroom request needs all four.
 */
export async function authenticateWithDomain(env: Env, repos: Repos, token: string | undefined, methodId: string): Promise<Authenticated> {
  const metadata = { service: SERVICE, method: methodId };
  if (!token) {
    fail('UNAUTHENTICATED', 'Request is missing required authentication credential. Expected an OAuth 2 access token.', {
      errorInfo: { reason: 'CREDENTIALS_MISSING', domain: 'googleapis.com' },
      metadata,
      reason: 'required',
      location: { location: 'Authorization', locationType: 'header' },
    });
  }
  const holder = await repos.identity.tokenHolder(token);
  const row = holder?.token;
  const invalid = (reason: string, message: string): never =>
    fail('UNAUTHENTICATED', message, {
      errorInfo: { reason, domain: 'googleapis.com' },
      metadata,
      location: { location: 'Authorization', locationType: 'header' },
    });
  if (!row) return invalid('ACCESS_TOKEN_TYPE_UNSUPPORTED', 'Request had invalid authentication credentials. The access token is not known.');
  if (row.expires_at !== null && row.expires_at <= env.clock.now()) {
    return invalid('ACCESS_TOKEN_EXPIRED', 'Request had invalid authentication credentials. The access token has expired.');
  }
  const user = holder?.user;
  if (!user || user.state !== 'ACTIVE') {
    return invalid('ACCOUNT_STATE_INVALID', 'Request had invalid authentication credentials. The account is suspended or deleted.');
  }
  const project = holder?.project;
  if (!project) return invalid('ACCESS_TOKEN_TYPE_UNSUPPORTED', 'Request had invalid authentication credentials.');
  return {
    caller: {
      user,
      project,
      scopes: new Set(row.scopes.split(' ').filter(Boolean)),
      via: row.via,
      token,
    },
    domain: holder?.domain,
  };
}

/** The bearer token of a request: the Authorization header, or the `access_token` query parameter. */
export function bearerToken(authorization: string | undefined, queryToken: unknown): string | undefined {
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1];
  }
  return typeof queryToken === 'string' && queryToken !== '' ? queryToken : undefined;
}

/**
 * Resolves a user reference as the API accepts it: the numeric id, the email address, or `me`.
 * Returns undefined when nobody matches.
 */
export async function resolveUser(repos: Repos, caller: Caller, ref: string): Promise<UserRow | undefined> {
  if (ref === 'me') return caller.user;
  if (ref.includes('@')) return repos.users.byEmail(ref);
  return repos.users.byId(ref);
}
