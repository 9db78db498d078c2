import type { Env } from '../env.js';
import { fail } from '../failure.js';
import type { Store } from '../store/db.js';
import type { Repos, TokenHolder } from '../store/repos.js';
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
export async function authenticateWithDomain(
  env: Env,
  repos: Repos,
  token: string | undefined,
  methodId: string,
  /** Where the token's rows come from; by default a read of the store. */
  holderOf: (token: string) => Promise<RememberedHolder | undefined> = (t) => repos.identity.tokenHolder(t),
): Promise<Authenticated> {
  const metadata = { service: SERVICE, method: methodId };
  if (!token) {
    fail('UNAUTHENTICATED', 'Request is missing required authentication credential. Expected an OAuth 2 access token.', {
      errorInfo: { reason: 'CREDENTIALS_MISSING', domain: 'googleapis.com' },
      metadata,
      reason: 'required',
      location: { location: 'Authorization', locationType: 'header' },
    });
  }
  const holder = await holderOf(token);
  const invalid = (reason: string, message: string): never =>
    fail('UNAUTHENTICATED', message, {
      errorInfo: { reason, domain: 'googleapis.com' },
      metadata,
      location: { location: 'Authorization', locationType: 'header' },
    });
  if (!holder) return invalid('ACCESS_TOKEN_TYPE_UNSUPPORTED', 'Request had invalid authentication credentials. The access token is not known.');
  const row = holder.token;
  if (row.expires_at !== null && row.expires_at <= env.clock.now()) {
    return invalid('ACCESS_TOKEN_EXPIRED', 'Request had invalid authentication credentials. The access token has expired.');
  }
  const user = holder.user;
  if (!user || user.state !== 'ACTIVE') {
    return invalid('ACCOUNT_STATE_INVALID', 'Request had invalid authentication credentials. The account is suspended or deleted.');
  }
  const project = holder.project;
  if (!project) return invalid('ACCESS_TOKEN_TYPE_UNSUPPORTED', 'Request had invalid authentication credentials.');
  // Made once per remembered token: every check above depends only on its rows, but for the expiry.
  return (holder.authenticated ??= {
    caller: {
      user,
      project,
      scopes: new Set(row.scopes.split(' ').filter(Boolean)),
      via: row.via,
      token,
    },
    domain: holder.domain,
  });
}

/** A token's rows as remembered, with the caller made of them once they have passed the checks. */
type RememberedHolder = TokenHolder & { authenticated?: Authenticated };

interface Remembered {
  generation: number;
  holder: RememberedHolder;
}

/** Tokens remembered per store; a process serving more distinct tokens than this starts over. */
const REMEMBERED_TOKENS = 10_000;
const remembered = new WeakMap<Store, Map<string, Remembered>>();

/**
 * The rows of a token from this process's memory while no token, user, domain, project or grant has
 * changed since they were read (the store's {@link Store.authChanges} generation), else from the store.
 * Only the expiry depends on anything else (the clock), and it is checked on every request.
 *
 * On PostgreSQL the generation is the one read by this request's `env.sync()`, so the caller of
 * {@link authenticateRequest} must have synced first: a change committed through another process
 * before the request arrived is then always seen.
 */
async function rememberedHolder(store: Store, token: string): Promise<RememberedHolder | undefined> {
  let tokens = remembered.get(store);
  if (!tokens) remembered.set(store, (tokens = new Map()));
  const generation = store.authChanges;
  const hit = tokens.get(token);
  if (hit && hit.generation === generation.value) return hit.holder;
  // SQLite: the counter before the read; a change while the read waited for the connection makes the
  // entry stale at once. PostgreSQL: the generation in the read's own snapshot.
  const before = generation.value;
  const holder = await store.read.identity.tokenHolder(token);
  if (!holder) {
    tokens.delete(token);
    return undefined;
  }
  const at = holder.generation ?? before;
  generation.observe(at);
  if (at === generation.value) {
    if (tokens.size >= REMEMBERED_TOKENS) tokens.clear();
    tokens.set(token, { generation: at, holder });
  } else tokens.delete(token);
  return holder;
}

/**
 * {@link authenticateWithDomain} for a Classroom request, answered from this process's memory while the
 * rows a caller is made of are unchanged (see migration 006). Call `env.sync()` first.
 */
export function authenticateRequest(env: Env, token: string | undefined, methodId: string): Promise<Authenticated> {
  return authenticateWithDomain(env, env.store.read, token, methodId, (t) => rememberedHolder(env.store, t));
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
