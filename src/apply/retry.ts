// Apply's one retry policy: which failures are worth another try, how long to wait before each, and the count of tries.
import { ApiError } from '../model/index.js';

/**
 * Why a call may be worth another try:
 * - `conflict`: a version error, which Genesys also answers while the object (or the user a sub-resource belongs to) is
 *   being changed at the same time: 409, or 400 "does not match the current version". The write was refused. A read
 *   that lags the writes before it, and a grant of a role the authorization cache does not have yet, wait the same way.
 * - `unknown`: no clear answer (5xx, 408, timeout, dropped connection): the write may or may not have been made.
 */
export type Trouble = 'conflict' | 'unknown';

/**
 * What a loop may wait for before another try: a trouble above, or the org moving on. `moved`: the version moved since
 * the write was built (someone else saved the object), so the write is judged again against the new one at once.
 * `search`: the search index lags behind writes, so a user just written may not be found yet.
 */
export type Wait = Trouble | 'moved' | 'search' | 'station';

export interface Backoff {
  /** Retries after the first try. */
  retries: number;
  /** The wait before retry `n` (0 for the first retry), in ms. */
  delayMs: (n: number) => number;
}

/** A back-off per trouble; `moved` and `search`, when left out, are those of `DEFAULT_RETRY_POLICY`. */
export type RetryPolicy = Record<Trouble, Backoff> & Partial<Record<'moved' | 'search' | 'station', Backoff>>;

/**
 * Conflicts: Genesys's Terraform provider, `util.RetryWhen` in `genesyscloud/util/util_retries.go`: 10 tries,
 * `(i+1)×500 ms` apart (27.5 s of waiting in all), unless the answer's `Retry-After` says otherwise. A sub-resource
 * refused while its user is being patched is accepted once the patch has settled, so never give up within seconds.
 * Unknown outcomes: three retries, 250 ms doubling, on top of the HTTP client's own retries of idempotent calls.
 * Moved versions: five tries in all, judged again at once. Search: five looks, a second apart.
 */
export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  conflict: { retries: 9, delayMs: (n) => (n + 1) * 500 },
  unknown: { retries: 3, delayMs: (n) => 250 * 2 ** n },
  moved: { retries: 4, delayMs: () => 0 },
  search: { retries: 4, delayMs: () => 1000 },
  // A new WebRTC phone's station reaches GET /api/v2/stations later: the starting guide looks 6 times a second apart;
  // here 250 ms doubling to 2 s, 9 looks in about 12 s.
  station: { retries: 8, delayMs: (n) => Math.min(250 * 2 ** n, 2000) },
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

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
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

/** Sorts a failure into a trouble worth another try, or none; it may read the org to tell (see `grantTrouble`). */
export type Classify = (error: unknown) => Trouble | undefined | Promise<Trouble | undefined>;

/** Waits and retries by one policy; the sleep is injected so that tests never really wait. */
export class Retrier {
  constructor(
    readonly policy: RetryPolicy,
    private readonly sleep: Sleep = realSleep,
    /** Once true, waits end at once: apply has stopped, and the call retried will not be sent (see `Halted`). */
    // Stryker disable next-line ArrowFunction: `() => undefined` is as false as `() => false` where it is read
    private readonly stopped: () => boolean = () => false,
  ) {}

  backoff(wait: Wait): Backoff {
    return this.policy[wait] ?? DEFAULT_RETRY_POLICY[wait];
  }

  /** Whether retry `n` (0-based) after `wait` is still within the policy. */
  allows(wait: Wait, n: number): boolean {
    return n < this.backoff(wait).retries;
  }

  /** How long to wait before retry `n` after `wait`: what the answer's Retry-After asked for, else the back-off. */
  delayMs(wait: Wait, n: number, error?: unknown): number {
    const asked = error instanceof ApiError ? (error.retryAfterMs ?? 0) : 0;
    return asked > 0 ? asked : this.backoff(wait).delayMs(n);
  }

  wait(wait: Wait, n: number, error?: unknown): Promise<void> {
    return this.stopped() ? Promise.resolve() : this.sleep(this.delayMs(wait, n, error));
  }

  /** A fresh count of tries, for one operation's loop. */
  tries(): Tries {
    return new Tries(this);
  }

  /**
   * Runs `call` until it succeeds, retrying after the troubles listed in `retryOn` (as `classify` sorts failures),
   * each within its own budget.
   * Only for calls that may be sent again as they are (set-like writes, reads). Throws the last error.
   */
  async run<T>(call: () => Promise<T>, retryOn: readonly Trouble[], classify: Classify = troubleOf): Promise<T> {
    const tries = this.tries();
    for (;;) {
      try {
        return await call();
      } catch (error) {
        const trouble = await classify(error);
        if (trouble === undefined || !retryOn.includes(trouble) || !(await tries.again(trouble, error))) throw error;
      }
    }
  }
}

/** The tries one operation has spent, per kind of wait, against the policy's budgets. */
export class Tries {
  private readonly seen: Record<Wait, number> = { conflict: 0, unknown: 0, moved: 0, search: 0, station: 0 };

  constructor(private readonly retrier: Retrier) {}

  /** Retries already made after `wait`. */
  spent(wait: Wait): number {
    return this.seen[wait];
  }

  /** Whether one more try after `wait` is within the policy; when it is, waits before it (Retry-After first) and counts it. */
  async again(wait: Wait, error?: unknown): Promise<boolean> {
    const n = this.seen[wait];
    if (!this.retrier.allows(wait, n)) return false;
    await this.retrier.wait(wait, n, error);
    this.seen[wait] = n + 1;
    return true;
  }
}
