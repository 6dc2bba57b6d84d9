// Clocks that tests move themselves, for the pacer, the token expiry, the retries and the sandbox: no test waits in real time.
import type { Clock } from '../../src/genesys/clock.js';

/** A fixed start, so that times in failures read the same on every run. */
export const EPOCH = Date.UTC(2026, 0, 1);

/** Lets every callback already queued (promise chains, I/O completions) run. */
export const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Whether `promise` has settled once everything already queued has run (it is never awaited beyond that). */
export async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await flush();
  await flush();
  return done;
}

interface Timer {
  at: number;
  seq: number;
  wake: () => void;
}

/** Time stands still until the test calls `advance`; sleepers wake in time order as their moment comes. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Timer[] = [];
  /** Every wait asked for, in ms, in order. */
  readonly slept: number[] = [];

  constructor(start = EPOCH) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    if (ms <= 0) return Promise.resolve();
    return new Promise((wake) => {
      this.timers.push({ at: this.t + ms, seq: this.seq++, wake });
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    });
  }

  /** Sleepers not woken yet. */
  pending(): number {
    return this.timers.length;
  }

  /** Moves time on by `ms`, waking each sleeper due on the way at its own moment and letting what it starts run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    await flush();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.wake();
      await flush();
    }
    this.t = end;
    await flush();
  }
}

/**
 * Virtual time for tests that run real I/O: every wait passes at once and moves the clock to its end, so a test
 * asserts how long the code waited (`elapsed`, `slept`) without waiting. `advance` moves it by hand. Time jumps under
 * requests in flight, so it suits flows where one thing waits at a time (a retry, a token's expiry, a lag), not
 * many requests paced at once (see ManualClock for the pacer).
 */
export class SkippingClock implements Clock {
  private t: number;
  readonly slept: number[] = [];

  constructor(start = EPOCH) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    this.slept.push(ms);
    const end = this.t + Math.max(0, ms);
    return Promise.resolve().then(() => {
      this.t = Math.max(this.t, end);
    });
  }

  advance(ms: number): void {
    this.t += ms;
  }

  /** Virtual time passed since `from` (the start by default). */
  elapsed(from = EPOCH): number {
    return this.t - from;
  }
}
