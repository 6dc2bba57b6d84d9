// Turns failed HTTP exchanges into ApiError and scrubs credentials from any text that leaves this room.
import { ApiError } from '../model/errors.js';

/** Holds the values that must never be shown (secret, tokens, Basic credentials) and scrubs them from text. */
export class Redactor {
  private readonly values = new Set<string>();

  add(value: string | undefined): void {
    // Short values would redact ordinary words; real secrets and tokens are long.
    if (value && value.length >= 6) this.values.add(value);
  }

  scrub(text: string): string {
    let out = text
      .replace(/\bBearer\s+[A-Za-z0-9\-._~+/=]+/gi, 'Bearer [redacted]')
      .replace(/\bBasic\s+[A-Za-z0-9+/=]+/gi, 'Basic [redacted]')
      .replace(/(access_token|client_secret|password)("?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1$2[redacted]');
    for (const value of this.values) out = out.split(value).join('[redacted]');
    return out;
  }
}

export interface FailedExchange {
  method: string;
  url: string;
  /** 0 when no answer arrived. */
  status: number;
  statusText?: string;
  data?: unknown;
  headers?: Record<string, unknown>;
  /** axios / Node error code for failures without an answer (ECONNRESET, ECONNABORTED, …). */
  networkCode?: string;
  outcomeUnknown: boolean;
}

/** Seconds (or an HTTP date) from Retry-After, as milliseconds. */
export function retryAfterMs(headers: Record<string, unknown> | undefined): number | undefined {
  const raw = headers?.['retry-after'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(String(raw));
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** `/api/v2/users/abc?x=1` from a full URL; never the query string (it may carry ids or filters). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}

/** The readable part of an HTML error page: its title or its text, shortened. */
function fromHtml(body: string): string {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(body)?.[1]?.trim();
  if (title) return title;
  const plain = body.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/gi, ' ').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 160 ? `${plain.slice(0, 157)}…` : plain;
}

function hintFor(status: number, code: string, path: string): string | undefined {
  if (path.endsWith('/oauth/token')) {
    return 'Check GENESYS_CLIENT_ID and GENESYS_CLIENT_SECRET, and that the client uses the Client Credentials grant in this environment.';
  }
  if (status === 401) return 'The OAuth token was refused even after logging in again; check the OAuth client and its credentials.';
  if (status === 403) return 'The OAuth client lacks a permission this call needs: give its role the permissions listed by `provision permissions`.';
  if (status === 429) return 'The org rate limit was reached and did not clear after waiting; try again later or lower concurrency.';
  if (status === 0 && code === 'timeout') return 'No answer within the timeout; check the network or raise the timeout.';
  if (status === 0) return 'Could not reach Genesys Cloud; check the network and the environment.';
  if (status === 408) return 'Genesys Cloud timed out before answering; a write may or may not have been made. Check, then retry.';
  if (status >= 500) return 'Genesys Cloud failed to answer; retry later and quote the contextId to Genesys support if it persists.';
  return undefined;
}

/** The one place that turns a failed exchange into an ApiError; every string in it passes the redactor. */
export function toApiError(failure: FailedExchange, redactor: Redactor): ApiError {
  const path = pathOf(failure.url);
  const method = failure.method.toUpperCase();
  let code: string | undefined;
  let message: string | undefined;
  let contextId: string | undefined;
  const data = failure.data;
  if (data && typeof data === 'object' && !Buffer.isBuffer(data)) {
    const body = data as Record<string, unknown>;
    code = text(body['code']) ?? text(body['error']);
    message = text(body['message']) ?? text(body['error_description']) ?? text(body['description']);
    contextId = text(body['contextId']);
  } else if (typeof data === 'string' && data.trim()) {
    const trimmed = data.trim();
    if (trimmed.startsWith('{')) {
      try {
        return toApiError({ ...failure, data: JSON.parse(trimmed) as unknown }, redactor);
      } catch {
        message = trimmed.slice(0, 160);
      }
    } else {
      message = /<[a-z!]/i.test(trimmed) ? fromHtml(trimmed) : trimmed.slice(0, 160);
    }
  }
  const header = failure.headers?.['inin-correlation-id'];
  contextId ??= typeof header === 'string' ? header : undefined;
  if (failure.status === 0) {
    const timedOut = failure.networkCode === 'ECONNABORTED' || failure.networkCode === 'ETIMEDOUT';
    code = timedOut ? 'timeout' : 'network-error';
    message = timedOut ? 'no answer before the timeout' : `connection failed (${failure.networkCode ?? 'unknown'})`;
  }
  code ??= `http-${failure.status}`;
  message ??= `HTTP ${failure.status}${failure.statusText ? ` ${failure.statusText}` : ''}`;
  const unknown = failure.outcomeUnknown ? ' The change may or may not have been made.' : '';
  const sentence = message.replace(/[.\s]+$/, '');
  const full = `${method} ${path} failed: ${failure.status === 0 ? '' : `${failure.status} `}${sentence}${contextId ? ` (contextId ${contextId})` : ''}.${unknown}`;
  return new ApiError({
    status: failure.status,
    code: redactor.scrub(code),
    message: redactor.scrub(full),
    method,
    path: redactor.scrub(path),
    contextId: contextId ? redactor.scrub(contextId) : undefined,
    outcomeUnknown: failure.outcomeUnknown,
    hint: hintFor(failure.status, code, path),
    retryAfterMs: retryAfterMs(failure.headers),
  });
}
