/**
 * How many times the rows a caller is made of (tokens, users, domains, projects, grants) have changed,
 * as far as this process knows: anything remembered about a caller is valid only at the generation it
 * was read at.
 *
 * On SQLite (one process) every changed row advances it at once, through a function the store's
 * triggers call. On PostgreSQL (processes sharing the database) it is the committed `auth_generation`
 * row, read with every request's settings (see migration 006): the highest value read so far, which never
 * goes back, since the row only grows.
 *
 * @example
 * ```ts
 * const seen = store.authChanges.value;
 * // ... read the token's rows ...
 * if (store.authChanges.value !== seen) // something changed meanwhile: do not keep what was read
 * ```
 */
export class Generation {
  /** The latest generation known to this process. */
  value = 0;

  /** A change happened (SQLite's trigger function). */
  advance(): void {
    this.value++;
  }

  /** A generation read from the database; an older one read late changes nothing. */
  observe(read: number): void {
    if (read > this.value) this.value = read;
  }
}
