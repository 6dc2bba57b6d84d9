// The time the Genesys adapter waits by: the real clock unless a test hands in one it moves itself.

/** Reading the time and waiting: what the pacer, the retries and the token expiry need of a clock. */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number;
  /** Resolves once `ms` have passed on this clock. */
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
