// OAuthApi's side of the sandbox: the client-credentials grant, bearer tokens with lifetimes, and their revocation.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { HttpError } from './errors.js';
import type { ClientRole } from './permissions.js';

export interface SandboxClient {
  id: string;
  secret: string;
  /** Token lifetime in seconds; 86400 (24 h) by default. */
  tokenLifetimeSeconds?: number;
  /**
   * The roles granted to the client (permissions, in some divisions or all), enforced when the
   * sandbox runs in permission mode; a client without roles may then do nothing.
   */
  roles?: ClientRole[];
}

export const DEFAULT_CLIENT: SandboxClient = { id: 'sandbox-client', secret: 'sandbox-secret' };

export interface Token {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
  /** Start of the current rate-limit window (real ms) and the requests counted in it. */
  windowStart: number;
  count: number;
}

/** What `POST /oauth/token` answers: a token, or Genesys's OAuth error body. */
export interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class TokenStore {
  private readonly tokens = new Map<string, Token>();

  constructor(private readonly clients: SandboxClient[]) {}

  /**
   * The client-credentials grant: HTTP Basic `client_id:client_secret` (or the form's fields) and
   * `grant_type=client_credentials`; errors as Genesys words them (`invalid_client`, "authentication failed").
   */
  grant(req: IncomingMessage, raw: string, now: number): TokenAnswer {
    const form = new URLSearchParams(raw);
    const deny = (status: number, error: string, description: string): TokenAnswer => ({ status, body: { error, description, error_description: description } });
    if ((form.get('grant_type') ?? '') !== 'client_credentials') return deny(400, 'unsupported_grant_type', 'grant type is not supported');
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decoded.slice(0, colon < 0 ? undefined : colon);
      secret = colon < 0 ? '' : decoded.slice(colon + 1);
    }
    const client = this.clients.find((c) => c.id === id);
    if (!client || client.secret !== secret) return deny(401, 'invalid_client', 'authentication failed');
    const lifetime = client.tokenLifetimeSeconds ?? 86_400;
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { clientId: client.id, expiresAt: now + lifetime * 1000, revoked: false, windowStart: now, count: 0 });
    return { status: 200, body: { access_token: token, token_type: 'bearer', expires_in: lifetime } };
  }

  /** The request's bearer token, or the 401 Genesys answers for a missing, unknown, expired or revoked one. */
  authenticate(req: IncomingMessage, now: number): Token {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (!bearer) throw new HttpError(401, 'authentication.required', 'No authentication bearer token specified in authorization header.');
    const token = this.tokens.get((bearer[1] as string).trim());
    if (!token || token.revoked || token.expiresAt <= now) throw new HttpError(401, 'bad.credentials', 'Invalid login credentials.');
    return token;
  }

  revokeAll(): void {
    for (const t of this.tokens.values()) t.revoked = true;
  }
}

/** Genesys's per-token limit (300 a minute unless raised): counts requests in fixed windows and answers 429 past it. */
export class RateLimit {
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** The `inin-ratelimit-*` headers every answer carries. */
  headers(token: Token | undefined, now: number): Record<string, string> {
    const reset = token ? Math.max(0, Math.ceil((token.windowStart + this.windowMs - now) / 1000)) : Math.ceil(this.windowMs / 1000);
    return {
      'inin-ratelimit-allowed': String(this.limit),
      'inin-ratelimit-count': String(token ? Math.min(token.count, this.limit) : 0),
      'inin-ratelimit-reset': String(reset),
    };
  }

  /** Counts the request in the token's window; throws the 429 when the window is full. */
  count(token: Token, now: number): void {
    if (now - token.windowStart >= this.windowMs) {
      token.windowStart = now;
      token.count = 0;
    }
    token.count += 1;
    if (token.count <= this.limit) return;
    const retryAfter = Math.max(1, Math.ceil((token.windowStart + this.windowMs - now) / 1000));
    throw new HttpError(
      429,
      'too.many.requests.retry.after',
      `Rate limit exceeded the maximum. [${this.limit}] requests for [client.credentials.token.rate.per.minute]`,
      { limit: String(this.limit), key: 'client.credentials.token.rate.per.minute' },
      [],
      { 'retry-after': String(retryAfter) },
    );
  }
}
