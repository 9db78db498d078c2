import { createHash } from 'node:crypto';

/** How many digests {@link memoDigest} keeps; past that it starts over (they are cheap to make again). */
const KEPT = 20_000;
const kept = new Map<string, string>();

/**
 * A digest of `input` (base64url or hex), remembered: resources show identifiers derived from their
 * keys (a course's group addresses, a student's work folder) on every read, and hashing them again for
 * every row of every page was a tenth of a roster page's CPU. The answer is the same as hashing afresh.
 *
 * @example
 * ```ts
 * memoDigest('sha256', `${courseId}/${userId}`, 'base64url'); // same as createHash(...).digest('base64url')
 * ```
 */
export function memoDigest(algorithm: 'sha1' | 'sha256', input: string, encoding: 'hex' | 'base64url'): string {
  const key = `${algorithm}:${encoding}:${input}`;
  let digest = kept.get(key);
  if (digest === undefined) {
    digest = createHash(algorithm).update(input).digest(encoding);
    if (kept.size >= KEPT) kept.clear();
    kept.set(key, digest);
  }
  return digest;
}
