// The SDK's HTTP client made resilient: pacing, 429, 5xx and 408 retries, re-authentication on 401, typed and redacted errors.
import { AsyncLocalStorage } from 'node:async_hooks';
import platformClient from 'purecloud-platform-client-v2';
import { toApiError, pathOf, retryAfterMs, type Redactor } from './errors.js';
import { realClock, type Clock } from './clock.js';
import type { Pacer } from './pacer.js';

export interface ClientStats {
  /** Requests sent to the API (logins excluded), retries included. */
  calls: number;
  /** Requests sent again after a 5xx, a 408, a timeout or a dropped connection. */
  retries: number;
  /** 429 answers met (each waited out). */
  rateLimited: number;
  /** Logins after the first (token expiry, 401). */
  reauthentications: number;
}

/** What the HTTP client needs from the connection: the current token and a way to renew it. */
export interface TokenSource {
  /** A token valid for a while longer (logs in again shortly before expiry). */
  current(): Promise<string>;
  /** Called after a 401 with the token that was refused; resolves to a fresh one (one login shared by all callers). */
  renew(refused: string): Promise<string>;
}

export interface RetryPolicy {
  /** Retries after 5xx, 408 and network failures. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** 429s waited out for one request before giving up. */
  maxRateLimited: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 250, maxDelayMs: 8000, maxRateLimited: 30 };

/** Counts the requests made inside one reader or writer call chain, even when several run at once. */
export const callScope = new AsyncLocalStorage<{ calls: number }>();

/** Fresh tokens one request may have refused in a row before the 401 is reported. */
export const MAX_REFUSED_IN_A_ROW = 3;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/**
 * Requests that may be sent again after a 5xx or a lost answer: reads, PUT/DELETE, the user search,
 * and writes whose repetition leaves the same state (set-like membership, grants, proficiencies).
 * Never `POST /users` (a second create would duplicate the user) nor `PATCH /users/{id}` nor group
 * member adds (both carry a version): those fail with `outcomeUnknown` so apply can check first.
 */
export function isRetryable(method: string, path: string): boolean {
  if (SAFE_METHODS.has(method)) return true;
  if (path.endsWith('/oauth/token')) return true;
  if (method === 'POST') {
    return (
      /\/api\/v2\/users\/search$/.test(path) ||
      /\/api\/v2\/routing\/queues\/[^/]+\/members$/.test(path) ||
      /\/api\/v2\/authorization\/divisions\/[^/]+\/objects\/[^/]+$/.test(path) ||
      /\/api\/v2\/authorization\/subjects\/[^/]+\/bulk(add|remove|replace)$/.test(path)
    );
  }
  if (method === 'PATCH') return /\/api\/v2\/users\/[^/]+\/routing(skills|languages)\/bulk$/.test(path);
  return false;
}

/** Failures where the request certainly never reached the server, so any method may be resent. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

interface AxiosLikeError {
  code?: string;
  response?: { status: number; statusText?: string; headers?: Record<string, unknown>; data?: unknown };
}

function asAxiosError(error: unknown): AxiosLikeError {
  return error && typeof error === 'object' ? (error as AxiosLikeError) : {};
}

export { retryAfterMs } from './errors.js';

/**
 * Answers after which a request may be sent again as after a lost answer: 5xx, and 408 (a request timeout, which
 * Genesys's Terraform provider retries like a version mismatch, `util/util_retries.go`). On a write the change may
 * have been made all the same, so only requests `isRetryable` allows are resent; others fail `outcomeUnknown`.
 */
export function isTransient(status: number): boolean {
  return status >= 500 || status === 408;
}

function backoff(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  // Equal jitter: never zero, never in lock-step with other callers.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export interface ResilientOptions {
  timeoutMs: number;
  pacer: Pacer;
  redactor: Redactor;
  stats: ClientStats;
  tokens: TokenSource;
  retry?: RetryPolicy;
  log?: (line: string) => void;
  /** Waits between retries (the real clock unless a test moves its own). */
  clock?: Clock;
}

/**
 * Installed with `ApiClient.setHttpClient`. The SDK hands every request here (logins included) and
 * resolves with `response.data`; whatever this rejects with reaches the caller unchanged as long as
 * it has no `response` property, so every failure is rejected as an `ApiError`.
 */
export class ResilientHttpClient extends platformClient.DefaultHttpClient {
  private readonly options: ResilientOptions;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;

  constructor(options: ResilientOptions) {
    super(options.timeoutMs);
    this.options = options;
    this.policy = options.retry ?? DEFAULT_RETRY;
    this.clock = options.clock ?? realClock;
  }

  /**
   * No redirects: the Genesys API answers where it is asked. Following them puts every request through
   * follow-redirects' extra stream, which costs axios about as much CPU again as the request itself
   * (a 50,000-user read makes over 2,000 requests). A 3xx is then an error like any other status.
   */
  override toAxiosConfig(options: platformClient.HttpRequestOptions): Record<string, unknown> {
    return { ...(super.toAxiosConfig(options) as Record<string, unknown>), maxRedirects: 0 };
  }

  override async request(request: platformClient.HttpRequestOptions): Promise<unknown> {
    const method = request.method.toUpperCase();
    const path = pathOf(request.url);
    const login = path.endsWith('/oauth/token');
    const retryable = isRetryable(method, path);
    // A write that got a 5xx or 408 or lost its answer may have been made all the same.
    const write = !login && !['GET', 'HEAD', 'OPTIONS'].includes(method) && !path.endsWith('/users/search');
    const { pacer, stats, tokens, redactor } = this.options;
    let attempt = 0;
    let limited = 0;
    // 401s met in a row by this request: each one logs in again (tokens can be revoked more than
    // once in a run), but a client whose every fresh token is refused must fail, not loop.
    let refusedInARow = 0;
    for (;;) {
      let token = '';
      if (!login) {
        // Pace first, then take the token: a long wait for the pacer may outlast the token.
        await pacer.take();
        try {
          token = await tokens.current();
        } catch (error) {
          pacer.done();
          throw error;
        }
        request.headers = { ...(request.headers ?? {}), Authorization: `Bearer ${token}` };
        stats.calls += 1;
        const scope = callScope.getStore();
        if (scope) scope.calls += 1;
      }
      let failure: AxiosLikeError;
      try {
        const response = (await super.request(request)) as { headers?: Record<string, unknown> };
        if (!login) pacer.done(response.headers);
        return response;
      } catch (error) {
        failure = asAxiosError(error);
        if (!login) pacer.done(failure.response?.headers);
      }
      const response = failure.response;
      if (response) {
        const status = response.status;
        if (status === 429 && limited < this.policy.maxRateLimited) {
          limited += 1;
          stats.rateLimited += 1;
          const wait = retryAfterMs(response.headers) ?? backoff(this.policy, Math.min(limited, 5));
          if (!login) pacer.block(wait);
          this.options.log?.(`rate limited on ${method} ${path}; waiting ${(wait / 1000).toFixed(1)} s`);
          await this.clock.sleep(login ? wait : 0);
          continue;
        }
        if (status === 401 && !login && refusedInARow < MAX_REFUSED_IN_A_ROW) {
          refusedInARow += 1;
          await tokens.renew(token);
          continue;
        }
        refusedInARow = 0;
        if (isTransient(status) && retryable && attempt < this.policy.maxRetries) {
          const wait = Math.max(retryAfterMs(response.headers) ?? 0, backoff(this.policy, attempt));
          attempt += 1;
          stats.retries += 1;
          this.options.log?.(`${method} ${path} answered ${status}; retry ${attempt} in ${(wait / 1000).toFixed(1)} s`);
          await this.clock.sleep(wait);
          continue;
        }
        throw toApiError(
          {
            method,
            url: request.url,
            status,
            statusText: response.statusText,
            data: response.data,
            headers: response.headers,
            outcomeUnknown: write && isTransient(status),
          },
          redactor,
        );
      }
      const code = failure.code;
      const notSent = code !== undefined && NOT_SENT.has(code);
      if ((retryable || notSent) && attempt < this.policy.maxRetries) {
        const wait = backoff(this.policy, attempt);
        attempt += 1;
        stats.retries += 1;
        this.options.log?.(`${method} ${path} failed (${code ?? 'network'}); retry ${attempt} in ${(wait / 1000).toFixed(1)} s`);
        await this.clock.sleep(wait);
        continue;
      }
      throw toApiError({ method, url: request.url, status: 0, networkCode: code, outcomeUnknown: write && !notSent }, redactor);
    }
  }
}
