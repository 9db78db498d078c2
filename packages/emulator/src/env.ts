import type { Logger } from './platform/logger.js';
import type { VirtualClock } from './platform/clock.js';
import { EventBus } from './platform/events.js';
import type { IdSource } from './platform/ids.js';
import { DEFAULT_LIMITS, type Limits } from './platform/limits.js';
import type { Store } from './store/db.js';
import type { Repos } from './store/repos.js';

/**
 * What every service needs besides its input: the store, the clock, the id source and the limits.
 * One per emulator; passed explicitly so a service never reaches for a global.
 */
export class Env {
  private current: Limits;
  /** Committed changes, for the notification feeds. */
  readonly events = new EventBus();

  constructor(
    readonly store: Store,
    readonly clock: VirtualClock,
    readonly ids: IdSource,
    readonly log: Logger,
    limits: Partial<Limits> = {},
    /** Limits given at start; a reset returns to these. */
    readonly baseLimits: Readonly<Limits> = { ...DEFAULT_LIMITS, ...limits },
  ) {
    this.current = { ...this.baseLimits };
  }

  get limits(): Readonly<Limits> {
    return this.current;
  }

  /** Changes limits here and in the store, where other processes sharing it read them. */
  async setLimits(patch: Partial<Limits>): Promise<Limits> {
    this.current = { ...this.current, ...patch };
    await this.store.read.settings.put('limits', this.current);
    return this.current;
  }

  /** Persists the clock so that other processes on the same database see the same time. */
  async saveClock(): Promise<void> {
    await this.store.read.settings.put('clock', this.clock.snapshot());
  }

  /**
   * Picks up limits and clock written by other processes (one read of both). Only stores that several
   * processes can share need it, so the in-process SQLite store skips the read.
   */
  async sync(repos: Repos = this.store.read): Promise<void> {
    if (!this.store.capabilities.rowLocks) return;
    // The generation of caller rows comes in the same round trip: remembered callers stay valid only while it holds.
    const { settings, authGeneration } = await repos.settings.getManyWithAuthGeneration(['limits', 'clock']);
    if (authGeneration !== undefined) this.store.authChanges.observe(authGeneration);
    const limits = settings.get('limits') as Limits | undefined;
    const clock = settings.get('clock') as ReturnType<VirtualClock['snapshot']> | undefined;
    if (limits) this.current = { ...this.baseLimits, ...limits };
    if (clock) this.clock.restore(clock);
  }

  /** Back to the limits and clock the emulator started with. */
  async resetSettings(): Promise<void> {
    this.current = { ...this.baseLimits };
    this.clock.reset();
  }
}
