// Apply's one back-off: which failures are worth another try, how long to wait before each, and a loop that retries a call.
import { ApiError } from '../model/index.js';

/**
 * Why a call may be worth another try:
 * - `conflict`: a version error, which Genesys also answers while the object (or the user a sub-resource belongs to) is
 *   being changed at the same time: 409, or 400 "does not match the current version". The write was refused.
 * - `unknown`: no clear answer (5xx, 408, timeout, dropped connection): the write may or may not have been made.
 */
export type Trouble = 'conflict' | 'unknown';

export interface Backoff {
  /** Retries after the first try. */
  retries: number;
  /** The wait before retry `n` (0 for the first retry), in ms. */
  delayMs: (n: number) => number;
}

export type RetryPolicy = Record<Trouble, Backoff>;

/**
 * Conflicts: Genesys's Terraform provider, `util.RetryWhen` in `genesyscloud/util/util_retries.go`: 10 tries,
 * `(i+1)×500 ms` apart (27.5 s of waiting in all), unless the answer's `Retry-After` says otherwise. A sub-resource
 * refused while its user is being patched is accepted once the patch has settled, so never give up within seconds.
 * Unknown outcomes: three retries, 250 ms doubling, on top of the HTTP client's own retries of idempotent calls.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  conflict: { retries: 9, delayMs: (n) => (n + 1) * 500 },
  unknown: { retries: 3, delayMs: (n) => 250 * 2 ** n },
};

/** A 409, or the 400 Genesys sometimes answers for a stale version ("does not match the current version"). */
export function isVersionConflict(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 409) return true;
  return error.status === 400 && /version/i.test(error.message) && /match/i.test(error.message);
}

/** The request may have taken effect although no success arrived. */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof ApiError && (error.outcomeUnknown || error.status === 0 || error.status === 408 || error.status >= 500);
}

export function troubleOf(error: unknown): Trouble | undefined {
  if (isVersionConflict(error)) return 'conflict';
  if (isOutcomeUnknown(error)) return 'unknown';
  return undefined;
}

/**
 * For writes to a user's sub-resources (skills, languages, roles, group members): a 408 is one more way Genesys
 * refuses them while the user is being patched, and Terraform waits it out like a version error
 * (`util.IsVersionMismatch` takes 409, 408 and the 400). These writes are set-like, so sending one again is safe.
 */
export function subResourceTrouble(error: unknown): Trouble | undefined {
  if (error instanceof ApiError && error.status === 408) return 'conflict';
  return troubleOf(error);
}

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits and retries by one policy; the sleep is injected so that tests never really wait. */
export class Retrier {
  constructor(
    readonly policy: RetryPolicy,
    private readonly sleep: Sleep = realSleep,
  ) {}

  /** Whether retry `n` (0-based) after `trouble` is still within the policy. */
  allows(trouble: Trouble, n: number): boolean {
    return n < this.policy[trouble].retries;
  }

  /** How long to wait before retry `n` after `trouble`: what the answer's Retry-After asked for, else the back-off. */
  delayMs(trouble: Trouble, n: number, error?: unknown): number {
    const asked = error instanceof ApiError ? error.retryAfterMs : undefined;
    return asked !== undefined && asked > 0 ? asked : this.policy[trouble].delayMs(n);
  }

  wait(trouble: Trouble, n: number, error?: unknown): Promise<void> {
    return this.sleep(this.delayMs(trouble, n, error));
  }

  /**
   * Runs `call` until it succeeds, retrying after the troubles listed in `retryOn` (as `classify` sorts failures),
   * each within its own budget.
   * Only for calls that may be sent again as they are (set-like writes, reads). Throws the last error.
   */
  async run<T>(call: () => Promise<T>, retryOn: readonly Trouble[], classify: (error: unknown) => Trouble | undefined = troubleOf): Promise<T> {
    const seen: Record<Trouble, number> = { conflict: 0, unknown: 0 };
    for (;;) {
      try {
        return await call();
      } catch (error) {
        const trouble = classify(error);
        if (trouble === undefined || !retryOn.includes(trouble) || !this.allows(trouble, seen[trouble])) throw error;
        await this.wait(trouble, seen[trouble], error);
        seen[trouble] += 1;
      }
    }
  }
}
