import { createHash } from 'node:crypto';
import { invalidArgument } from '../failure.js';
import type { Window } from '../store/repos.js';
import type { ApiCall } from './types.js';

/**
 * Opaque page tokens: the offset of the next page plus a fingerprint of the request's filters, so a
 * token replayed with other filters is rejected as production rejects it, instead of paging wrongly.
 */
export interface Page {
  window: Window;
  pageSize: number;
  fingerprint: string;
}

/** Reads `pageSize` and `pageToken` of a list call. */
export function readPage(call: ApiCall, filters: Record<string, unknown>, defaultSize = 100): Page {
  const fingerprint = createHash('sha256').update(JSON.stringify([call.method.id, filters])).digest('base64url').slice(0, 12);
  const rawSize = call.params.pageSize;
  const size = typeof rawSize === 'number' ? rawSize : 0;
  if (size < 0) invalidArgument('pageSize must not be negative.', 'page_size');
  const pageSize = Math.min(size === 0 ? defaultSize : size, call.env.limits.maxPageSize);
  let offset = 0;
  const token = call.params.pageToken;
  if (typeof token === 'string' && token !== '') {
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    } catch {
      decoded = undefined;
    }
    const parsed = decoded as { o?: unknown; f?: unknown } | undefined;
    if (!parsed || typeof parsed.o !== 'number' || !Number.isInteger(parsed.o) || parsed.o < 0 || parsed.f !== fingerprint) {
      invalidArgument('The page token is not valid for this request.', 'page_token');
    }
    offset = parsed.o;
  }
  // One extra row tells whether another page follows, without a count query.
  return { window: { offset, limit: pageSize + 1 }, pageSize, fingerprint };
}

/** Cuts the extra row off and builds `nextPageToken` when more rows follow. */
export function finishPage<T>(page: Page, rows: T[]): { items: T[]; nextPageToken?: string } {
  if (rows.length <= page.pageSize) return { items: rows };
  const next = Buffer.from(JSON.stringify({ o: page.window.offset + page.pageSize, f: page.fingerprint })).toString('base64url');
  return { items: rows.slice(0, page.pageSize), nextPageToken: next };
}
