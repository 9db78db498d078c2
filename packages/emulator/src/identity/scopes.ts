import { discoveryDocument } from '../discovery/document.js';

/** Every OAuth scope the Classroom API defines (from the discovery document). */
export function allScopes(): string[] {
  const auth = discoveryDocument().auth as { oauth2: { scopes: Record<string, unknown> } };
  return Object.keys(auth.oauth2.scopes);
}

const PREFIX = 'https://www.googleapis.com/auth/';

/** Accepts a full scope URL or its short form (`classroom.courses`). */
export function normalizeScope(scope: string): string {
  return scope.startsWith('https://') ? scope : `${PREFIX}${scope}`;
}

/** True when the caller holds at least one of the method's scopes, as Google requires. */
export function holdsAnyScope(held: ReadonlySet<string>, required: readonly string[]): boolean {
  return required.length === 0 || required.some((scope) => held.has(scope));
}
