// Keeps an OAuth client's request rate under its Genesys limit: a sliding window tuned by the inin-ratelimit-* headers.
import { realClock, type Clock } from './clock.js';

/** What the last answer said about the rate limit window. */
export interface RateLimitHeaders {
  allowed?: number;
  count?: number;
  /** Seconds until the window resets. */
  reset?: number;
}

function num(value: unknown): number | undefined {
  const n = typeof value === 'string' || typeof value === 'number' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

export function rateLimitHeaders(headers: Record<string, unknown> | undefined): RateLimitHeaders {
  if (!headers) return {};
  return {
    allowed: num(headers['inin-ratelimit-allowed']),
    count: num(headers['inin-ratelimit-count']),
    reset: num(headers['inin-ratelimit-reset']),
  };
}

/**
 * One per OAuth client and environment, shared by every connection that uses the client, because
 * Genesys counts requests per client token, not per process object.
 */
export class Pacer {
  /** Requests allowed per window. */
  private allowed: number;
  /** Window length; 60 s at Genesys, shorter when a server says its window resets sooner (the time-scaled sandbox). */
  private windowMs = 60_000;
  private windowKnown = false;
  /** Requests let go and not yet answered. */
  private inFlight = 0;
  /** When each recent request was answered, oldest first from `head`. */
  private answers: number[] = [];
  private head = 0;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Wakes a caller waiting for an answer to free a slot. */
  private wake: (() => void) | undefined;
  /** The first request goes alone: its answer's headers tell the real limit and window before any burst. */
  private firstAnswer: Promise<void> | undefined;

  constructor(
    requestsPerMinute: number,
    private readonly clock: Clock = realClock,
  ) {
    this.allowed = Math.max(1, requestsPerMinute);
  }

  /** A little under the limit, so that clock skew and other callers do not tip us into 429s. */
  private budget(): number {
    return Math.max(1, Math.floor(this.allowed * 0.97));
  }

  /** Waits for a slot; callers are served in arrival order. Pair with `done`. */
  take(): Promise<void> {
    const turn = this.queue.then(() => this.acquire());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /**
   * A slot is busy from the moment a request goes until a window after its answer. The server
   * counted the request somewhere in between, so any window it counts, fixed or sliding and
   * however it lines up with ours, sees at most the budget, whatever the latency; and a short
   * run is never slowed at all.
   */
  private async acquire(): Promise<void> {
    if (this.firstAnswer) await this.firstAnswer;
    else this.firstAnswer = new Promise((resolve) => (this.wake = resolve));
    for (;;) {
      const now = this.clock.now();
      if (this.blockedUntil > now) {
        await this.clock.sleep(this.blockedUntil - now);
        continue;
      }
      // An answer a window old or older has left it; past the last answer there is none to leave.
      while ((this.answers[this.head] ?? Infinity) <= now - this.windowMs) this.head += 1;
      // Answers that left the window are dropped in batches, so that a run of any length holds about a window's worth.
      if (this.head > 1024 && this.head * 2 > this.answers.length) {
        this.answers = this.answers.slice(this.head);
        this.head = 0;
      }
      const recent = this.answers.length - this.head;
      if (this.inFlight + recent < this.budget()) {
        this.inFlight += 1;
        return;
      }
      if (recent > 0) await this.clock.sleep(Math.max(1, (this.answers[this.head] as number) + this.windowMs - now + 1));
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  /** Called once per `take`, with the answer's headers when one arrived. */
  done(headers?: Record<string, unknown>): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.answers.push(this.clock.now());
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
    const limit = rateLimitHeaders(headers);
    if (limit.allowed === undefined || limit.allowed <= 0) return;
    // A count or reset left out is 0: it teaches no window and blocks for no time.
    const reset = limit.reset ?? 0;
    if (reset > 0) {
      // The longest time-to-reset seen is the window's length (60 s at Genesys).
      const seen = Math.min(60_000, Math.max(1000, Math.ceil(reset) * 1000));
      this.windowMs = this.windowKnown ? Math.max(this.windowMs, seen) : seen;
      this.windowKnown = true;
    }
    this.allowed = limit.allowed;
    if ((limit.count ?? 0) >= limit.allowed) {
      // The window is spent (another process shares the client?): wait for it to reset rather than collect 429s.
      this.block(reset * 1000);
    }
  }

  /** After a 429: nobody sends until `ms` have passed. */
  block(ms: number): void {
    const until = this.clock.now() + Math.max(0, ms);
    if (until > this.blockedUntil) this.blockedUntil = until;
  }

  /** The figures in use, for logs and tests. */
  limits(): { allowed: number; windowMs: number } {
    return { allowed: this.allowed, windowMs: this.windowMs };
  }
}

/** Pacers by clock, then by environment and client: connections on one clock share a client's pacer. */
const pacers = new WeakMap<Clock, Map<string, Pacer>>();

/** The pacer of one OAuth client in one environment, created on first use. */
export function pacerFor(environment: string, clientId: string, requestsPerMinute: number, clock: Clock = realClock): Pacer {
  const key = `${environment}\u0000${clientId}`;
  let byClient = pacers.get(clock);
  if (!byClient) {
    byClient = new Map();
    pacers.set(clock, byClient);
  }
  let pacer = byClient.get(key);
  if (!pacer) {
    pacer = new Pacer(requestsPerMinute, clock);
    byClient.set(key, pacer);
  }
  return pacer;
}
