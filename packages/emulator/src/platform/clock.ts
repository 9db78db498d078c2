/**
 * The emulator's only source of time. Rules receive `now` from it; nothing else reads the wall clock.
 *
 * By default it follows real time. It can be moved (`advance`, `set`) and frozen, so that a test can
 * step over a day-long join window or a five-minute ownership transfer instantly.
 */
export class VirtualClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;

  constructor(private readonly wall: () => number = Date.now) {}

  /** Current emulated time, epoch ms. */
  now(): number {
    return this.frozenAt ?? this.wall() + this.offsetMs;
  }

  /** Moves the clock forward (or back, with a negative value). */
  advance(ms: number): number {
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    return this.now();
  }

  /** Jumps to an absolute time; a frozen clock stays frozen there. */
  set(epochMs: number): number {
    if (this.frozenAt !== undefined) this.frozenAt = epochMs;
    else this.offsetMs = epochMs - this.wall();
    return this.now();
  }

  /** Stops the clock at exactly `epochMs`, in one step (no wall-clock tick can slip in between). */
  freezeAt(epochMs: number): number {
    this.frozenAt = epochMs;
    return epochMs;
  }

  /** Stops (true) or restarts (false) the clock at its current reading. */
  freeze(frozen: boolean): void {
    if (frozen && this.frozenAt === undefined) this.frozenAt = this.now();
    if (!frozen && this.frozenAt !== undefined) {
      this.offsetMs = this.frozenAt - this.wall();
      this.frozenAt = undefined;
    }
  }

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  /** The clock's state, to share it with other processes through the store. */
  snapshot(): ClockState {
    return { offsetMs: this.offsetMs, frozenAt: this.frozenAt ?? null };
  }

  restore(state: ClockState): void {
    this.offsetMs = state.offsetMs;
    this.frozenAt = state.frozenAt ?? undefined;
  }

  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = undefined;
  }
}

export interface ClockState {
  offsetMs: number;
  frozenAt: number | null;
}
