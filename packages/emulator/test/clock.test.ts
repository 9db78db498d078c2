import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../src/platform/clock.js';

describe('the virtual clock', () => {
  it('freezes at exactly the time asked, whatever the wall clock does meanwhile', () => {
    let wall = 1_000;
    // A wall clock that moves on every read: set-then-freeze would land one tick late.
    const clock = new VirtualClock(() => wall++);
    clock.freezeAt(5_000);
    expect(clock.now()).toBe(5_000);
    expect(clock.now()).toBe(5_000);
    clock.freeze(false);
    const resumed = clock.now();
    expect(resumed).toBeGreaterThanOrEqual(5_000);
    expect(resumed).toBeLessThanOrEqual(5_002);
  });

  it('advances and sets, frozen or running', () => {
    let wall = 10_000;
    const clock = new VirtualClock(() => wall);
    clock.advance(500);
    expect(clock.now()).toBe(10_500);
    wall = 11_000;
    expect(clock.now()).toBe(11_500);
    clock.set(20_000);
    expect(clock.now()).toBe(20_000);
    clock.freeze(true);
    wall = 99_000;
    expect(clock.now()).toBe(20_000);
    clock.advance(1_000);
    expect(clock.now()).toBe(21_000);
    clock.reset();
    expect(clock.now()).toBe(99_000);
  });
});
