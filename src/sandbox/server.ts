// The sandbox's HTTP server: OAuth, per-token rate limits, faults, the request log, routing and persistence.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpError, errorBody } from './errors.js';
import { FaultEngine, parseFaults } from './faults.js';
import type { Decision } from './faults.js';
import { orgFromSeed, seedFromOrg } from './org.js';
import type { SandboxOrg } from './org.js';
import { userJson } from './render.js';
import { findRoute } from './routes.js';
import type { FaultRule, RequestLogEntry, ScriptedFault, SeedOrg } from './types.js';

const NO_EXPANSION = new Set<string>();

export interface SandboxClient {
  id: string;
  secret: string;
  /** Token lifetime in seconds; 86400 (24 h) by default. */
  tokenLifetimeSeconds?: number;
}

export interface StartOptions {
  port?: number;
  host?: string;
  seed?: SeedOrg;
  seedFile?: string;
  statePath?: string;
  timeScale?: number;
  requestsPerMinute?: number;
  searchLagMs?: number;
  faults?: string | FaultRule[];
  randomSeed?: number;
  clients?: SandboxClient[];
  /** Called as each answer is sent (or the connection dropped), with its log entry. */
  onRequest?: (entry: RequestLogEntry) => void;
}

export interface RunningSandbox {
  url: string;
  port: number;
  clients: SandboxClient[];
  org: SandboxOrg;
  requests: RequestLogEntry[];
  script(fault: ScriptedFault): void;
  revokeTokens(): void;
  stop(): Promise<void>;
}

export const DEFAULT_CLIENT: SandboxClient = { id: 'sandbox-client', secret: 'sandbox-secret' };

interface Token {
  clientId: string;
  expiresAt: number;
  revoked: boolean;
  /** Start of the current rate-limit window (real ms) and the requests counted in it. */
  windowStart: number;
  count: number;
}

const MAX_BODY = 10 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new HttpError(413, 'request.entity.too.large', 'The request body is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const HTML_500 = '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>awselb/2.0</center></body></html>\n';

/** Loads the org: the state file when it exists, else the seed file, else the in-memory seed, else an empty org. */
async function loadOrg(options: StartOptions): Promise<SandboxOrg> {
  if (options.statePath && existsSync(options.statePath)) {
    return orgFromSeed(JSON.parse(readFileSync(options.statePath, 'utf8')) as SeedOrg);
  }
  if (options.seedFile) {
    const { loadSeedFile } = await import('./seed-file.js');
    return orgFromSeed(await loadSeedFile(options.seedFile));
  }
  return orgFromSeed(options.seed ?? {});
}

export async function startServer(options: StartOptions = {}): Promise<RunningSandbox> {
  const org = await loadOrg(options);
  // Serialise every user once now, as a loaded org would be warm: no listing page then pays for it.
  for (const user of org.listUsers('any')) userJson(org, user, NO_EXPANSION);
  org.searchLagMs = options.searchLagMs ?? 0;
  const clients = options.clients && options.clients.length > 0 ? options.clients : [DEFAULT_CLIENT];
  const timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
  const limit = options.requestsPerMinute ?? 300;
  const windowMs = 60_000 / timeScale;
  const rules = typeof options.faults === 'string' ? parseFaults(options.faults) : (options.faults ?? []);
  const faults = new FaultEngine(rules, options.randomSeed ?? 1);
  const tokens = new Map<string, Token>();
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<NodeJS.Timeout>();

  // Persistence: coalesce the writes of one tick into one file write, atomically (write, then rename).
  let saveQueued = false;
  let stopped = false;
  let lastSave = 0;
  let saveTimer: NodeJS.Timeout | undefined;
  const saveNow = () => {
    saveQueued = false;
    lastSave = Date.now();
    if (!options.statePath) return;
    const tmp = `${options.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify(seedFromOrg(org), null, 1));
    renameSync(tmp, options.statePath);
  };
  org.onChange = () => {
    // After stop the final state is already written; a request still finishing must not write again.
    if (!options.statePath || saveQueued || stopped) return;
    saveQueued = true;
    // At most one write per 100 ms: a large org takes a while to serialise, and apply writes in bursts.
    const wait = Math.max(0, lastSave + 100 - Date.now());
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      if (!stopped) saveNow();
    }, wait);
  };
  if (options.statePath && !existsSync(options.statePath)) saveNow();

  const rateHeaders = (token: Token | undefined, now: number): Record<string, string> => {
    const reset = token ? Math.max(0, Math.ceil((token.windowStart + windowMs - now) / 1000)) : Math.ceil(windowMs / 1000);
    return {
      'inin-ratelimit-allowed': String(limit),
      'inin-ratelimit-count': String(token ? Math.min(token.count, limit) : 0),
      'inin-ratelimit-reset': String(reset),
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string>, raw?: string) => {
    if (res.destroyed) return;
    const text = raw ?? (body === undefined || status === 204 ? '' : JSON.stringify(body));
    res.writeHead(status, {
      ...headers,
      ...(text ? { 'content-type': 'application/json; charset=UTF-8' } : {}),
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  };

  const sendError = (res: ServerResponse, error: HttpError, headers: Record<string, string>) => {
    send(res, error.status, errorBody(error), { ...headers, ...error.headers });
  };

  /** Hangs the connection: no answer until the client gives up, the hold ends, or the sandbox stops. */
  const hold = (res: ServerResponse, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        held.delete(timer);
        res.socket?.destroy();
        resolve();
      }, ms);
      held.add(timer);
      res.socket?.once('close', () => {
        clearTimeout(timer);
        held.delete(timer);
        resolve();
      });
    });

  const oauth = async (req: IncomingMessage, res: ServerResponse, raw: string): Promise<number> => {
    const auth = req.headers.authorization ?? '';
    const form = new URLSearchParams(raw);
    const now = Date.now();
    const headers = rateHeaders(undefined, now);
    const deny = (status: number, error: string, description: string) => {
      send(res, status, { error, description, error_description: description }, headers);
      return status;
    };
    if ((form.get('grant_type') ?? '') !== 'client_credentials') return deny(400, 'unsupported_grant_type', 'grant type is not supported');
    let id = form.get('client_id') ?? '';
    let secret = form.get('client_secret') ?? '';
    const basic = /^Basic\s+(.+)$/i.exec(auth);
    if (basic) {
      const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      id = decoded.slice(0, colon < 0 ? undefined : colon);
      secret = colon < 0 ? '' : decoded.slice(colon + 1);
    }
    const client = clients.find((c) => c.id === id);
    if (!client || client.secret !== secret) return deny(401, 'invalid_client', 'authentication failed');
    const lifetime = client.tokenLifetimeSeconds ?? 86_400;
    const token = randomBytes(32).toString('base64url');
    tokens.set(token, { clientId: client.id, expiresAt: now + lifetime * 1000, revoked: false, windowStart: now, count: 0 });
    send(res, 200, { access_token: token, token_type: 'bearer', expires_in: lifetime }, headers);
    return 200;
  };

  const authenticate = (req: IncomingMessage, now: number): Token => {
    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth);
    if (!bearer) throw new HttpError(401, 'authentication.required', 'No authentication bearer token specified in authorization header.');
    const token = tokens.get((bearer[1] as string).trim());
    if (!token || token.revoked || token.expiresAt <= now) throw new HttpError(401, 'bad.credentials', 'Invalid login credentials.');
    return token;
  };

  /** Counts the request in the token's window; throws the 429 when the window is full. */
  const countRequest = (token: Token, now: number) => {
    if (now - token.windowStart >= windowMs) {
      token.windowStart = now;
      token.count = 0;
    }
    token.count += 1;
    if (token.count <= limit) return;
    const retryAfter = Math.max(1, Math.ceil((token.windowStart + windowMs - now) / 1000));
    throw new HttpError(
      429,
      'too.many.requests.retry.after',
      `Rate limit exceeded the maximum. [${limit}] requests for [client.credentials.token.rate.per.minute]`,
      { limit: String(limit), key: 'client.credentials.token.rate.per.minute' },
      [],
      { 'retry-after': String(retryAfter) },
    );
  };

  /** The concurrent editor: someone else saves the user (or group) this request is about, moving its version. */
  const concurrentEdit = (path: string) => {
    const user = /^\/api\/v2\/users\/([^/]+)/.exec(path)?.[1] ?? /^\/api\/v2\/authorization\/subjects\/([^/]+)/.exec(path)?.[1];
    if (user && org.getUser(user)) {
      org.updateUser(user, () => {});
      return;
    }
    const group = /^\/api\/v2\/groups\/([^/]+)/.exec(path)?.[1];
    const g = group ? org.groups.get(group) : undefined;
    if (g) {
      g.version += 1;
      org.changed();
      return;
    }
    const all = org.listUsers('active');
    const pick = all[Math.floor(faults.roll() * all.length)];
    if (pick) org.updateUser(pick.id, () => {});
  };

  const faultAnswer = (res: ServerResponse, d: Decision, headers: Record<string, string>): number => {
    if (d.kind === '429') {
      const retryAfter = Math.max(1, Math.ceil((d.ms ?? 1000) / 1000));
      sendError(res, new HttpError(429, 'too.many.requests', 'Rate limit exceeded the maximum. Retry the request later.', {}, [], { 'retry-after': String(retryAfter) }), headers);
      return 429;
    }
    const statuses = [500, 502, 503, 504];
    const status = d.status ?? (statuses[Math.floor(faults.roll() * statuses.length)] as number);
    const body = d.body ?? (['json', 'html', 'empty'] as const)[Math.floor(faults.roll() * 3)];
    if (body === 'json') {
      const code = status === 503 ? 'service.unavailable' : status === 504 ? 'gateway.timeout' : 'internal.server.error';
      sendError(res, new HttpError(status, code, 'The server encountered an unexpected condition.'), headers);
    } else if (body === 'html') {
      res.writeHead(status, { ...headers, 'content-type': 'text/html' });
      res.end(HTML_500);
    } else {
      res.writeHead(status, { ...headers, 'content-length': '0' });
      res.end();
    }
    return status;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const method = (req.method ?? 'GET').toUpperCase();
    const entry: RequestLogEntry = { method, path: url.pathname, query: url.search.slice(1), status: 0, ms: 0, at };
    requests.push(entry);
    const finish = (status: number) => {
      entry.status = status;
      entry.ms = Math.round((performance.now() - started) * 100) / 100;
      options.onRequest?.(entry);
    };
    let token: Token | undefined;
    try {
      const raw = await readBody(req);
      const decisions = faults.decide(method, url.pathname);
      let main: Decision | undefined;
      for (const d of decisions) {
        if (d.kind === 'latency') await sleep(d.ms ?? 0);
        else main = d;
      }
      if (main) entry.fault = main.kind;
      if (main?.kind === 'drop') {
        res.socket?.destroy();
        return finish(0);
      }
      if (main?.kind === 'timeout') {
        await hold(res, main.ms ?? 60_000);
        return finish(0);
      }
      if (method === 'POST' && url.pathname === '/oauth/token') {
        if (main?.kind === '5xx' || main?.kind === '429') return finish(faultAnswer(res, main, rateHeaders(undefined, Date.now())));
        return finish(await oauth(req, res, raw));
      }
      if (main?.kind === 'revoke') revokeTokens();
      const now = Date.now();
      token = authenticate(req, now);
      countRequest(token, now);
      const headers = rateHeaders(token, now);
      if (main?.kind === '5xx' || main?.kind === '429') return finish(faultAnswer(res, main, headers));
      if (main?.kind === 'editor') concurrentEdit(url.pathname);
      const { handler, params } = findRoute(method, url.pathname);
      let body: unknown;
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'bad.request', 'The request body is not valid JSON.');
        }
      }
      const answer = handler({ org, method, path: url.pathname, params, query: url.searchParams, body });
      if (main?.kind === 'drop-after-commit') {
        res.socket?.destroy();
        return finish(0);
      }
      if (main?.kind === 'timeout-after-commit') {
        await hold(res, main.ms ?? 60_000);
        return finish(0);
      }
      send(res, answer.status, answer.body, headers, answer.raw);
      return finish(answer.status);
    } catch (error) {
      const headers = rateHeaders(token, Date.now());
      if (error instanceof HttpError) {
        sendError(res, error, headers);
        return finish(error.status);
      }
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, new HttpError(500, 'internal.server.error', `The sandbox failed: ${message.split('\n')[0]}`), headers);
      return finish(500);
    }
  };

  const revokeTokens = () => {
    for (const t of tokens.values()) t.revoked = true;
  };

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://${host}:${port}`,
    port,
    clients,
    org,
    requests,
    script: (fault) => faults.script(fault),
    revokeTokens,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      if (saveTimer) clearTimeout(saveTimer);
      for (const timer of held) clearTimeout(timer);
      held.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      if (options.statePath) saveNow();
    },
  };
}
