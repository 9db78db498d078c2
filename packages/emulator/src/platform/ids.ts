/**
 * Identifiers shaped like production's: numeric strings (courses ~12 digits, users 21 digits), drawn
 * from a seeded generator so that a test that fixes the seed gets the same ids every run.
 */
export class IdSource {
  private state: number;

  constructor(seed: number = Math.floor(Math.random() * 2 ** 32)) {
    this.state = seed >>> 0;
  }

  /** mulberry32: tiny, fast and good enough for identifiers (not for secrets). */
  private next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  digits(count: number, firstNonZero = true): string {
    let out = '';
    for (let i = 0; i < count; i++) {
      const d = Math.floor(this.next() * 10);
      out += i === 0 && firstNonZero ? String(1 + (d % 9)) : String(d);
    }
    return out;
  }

  /** A course id, like `702461839215`. */
  course(): string {
    return this.digits(12);
  }

  /** A user id, 21 digits starting with 1, like production's Google account ids. */
  user(): string {
    return '1' + this.digits(20, false);
  }

  /** Invitation and guardian-invitation ids. */
  invitation(): string {
    return this.digits(12);
  }

  /** A Cloud project number. */
  projectNumber(): string {
    return this.digits(12);
  }

  /** Letters and digits, for enrollment codes, folder ids and tokens. */
  text(length: number, alphabet = 'abcdefghijkmnpqrstuvwxyz23456789'): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)] ?? 'a';
    return out;
  }
}
