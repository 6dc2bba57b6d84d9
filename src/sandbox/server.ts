// The sandbox's HTTP server: reads a request, meets its faults, authenticates and counts it, routes it, logs the answer.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Consistency, CONSISTENCY_KINDS, subConflictError } from './consistency.js';
import { HttpError } from './errors.js';
import { FaultEngine, parseFaults } from './faults.js';
import { keptExpansions, type Decision } from './faults.js';
import { orgFromSeed } from './org.js';
import type { SandboxOrg } from './org.js';
import { DEFAULT_CLIENT, RateLimit, TokenStore, type SandboxClient, type Token } from './oauth.js';
import { persist } from './persistence.js';
import { userJson } from './render.js';
import { concurrentEdit, faultAnswer, send, sendError } from './respond.js';
import { findRoute } from './api/index.js';
import { authorize } from './api/permissions.js';
import { Authorizer } from './permissions.js';
import type { FaultRule, RequestLogEntry, SandboxClock, ScriptedFault, SeedOrg } from './types.js';

const NO_EXPANSION = new Set<string>();

export interface StartOptions {
  port?: number;
  host?: string;
  seed?: SeedOrg;
  seedFile?: string;
  statePath?: string;
  timeScale?: number;
  /** The clock of expiry, windows, lags and latency (real by default; see SandboxClock). */
  clock?: SandboxClock;
  requestsPerMinute?: number;
  searchLagMs?: number;
  /** How long a new WebRTC phone's station stays out of `GET /api/v2/stations`, on the sandbox clock (see SandboxOrg.stationLagMs). */
  stationLagMs?: number;
  faults?: string | FaultRule[];
  randomSeed?: number;
  clients?: SandboxClient[];
  /**
   * Permission mode: every request is checked against its client's `roles` (the endpoint's
   * permissions, and the divisions of the objects it names). Off by default; on by default as soon
   * as a client declares roles.
   */
  permissions?: boolean;
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

export { DEFAULT_CLIENT } from './oauth.js';
export type { SandboxClient } from './oauth.js';

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

const REAL_CLOCK: SandboxClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/** The `auth-lag` fault's duration (the longest, if given twice); 0 without one. */
function authLagOf(rules: FaultRule[]): number {
  return rules.reduce((ms, r) => (r.kind === 'auth-lag' ? Math.max(ms, r.durationMs ?? 0) : ms), 0);
}

/** Loads the org: the state file when it exists, else the seed file, else the in-memory seed, else an empty org. */
async function loadOrg(options: StartOptions, now: number): Promise<SandboxOrg> {
  if (options.statePath && existsSync(options.statePath)) {
    return orgFromSeed(JSON.parse(readFileSync(options.statePath, 'utf8')) as SeedOrg, now);
  }
  if (options.seedFile) {
    const { loadSeedFile } = await import('./seed-file.js');
    return orgFromSeed(await loadSeedFile(options.seedFile), now);
  }
  return orgFromSeed(options.seed ?? {}, now);
}

/** Each client's authorizer when permission mode is on (a client without roles gets an empty one); undefined when off. */
function authorizersFor(org: SandboxOrg, clients: SandboxClient[], mode: boolean | undefined): Map<string, Authorizer> | undefined {
  if (!(mode ?? clients.some((c) => c.roles !== undefined))) return undefined;
  const out = new Map<string, Authorizer>();
  for (const client of clients) {
    const authorizer = new Authorizer(org, client.roles ?? []);
    authorizer.validate(client.id);
    out.set(client.id, authorizer);
  }
  return out;
}

export async function startServer(options: StartOptions = {}): Promise<RunningSandbox> {
  const clock = options.clock ?? REAL_CLOCK;
  const now = () => clock.now();
  const org = await loadOrg(options, now());
  org.now = now;
  // Serialise every user once now, as a loaded org would be warm: no listing page then pays for it.
  for (const user of org.listUsers('any')) userJson(org, user, NO_EXPANSION);
  org.searchLagMs = options.searchLagMs ?? 0;
  org.stationLagMs = options.stationLagMs ?? 0;
  const clients = options.clients && options.clients.length > 0 ? options.clients : options.seed?.clients && options.seed.clients.length > 0 ? options.seed.clients : [DEFAULT_CLIENT];
  const timeScale = options.timeScale && options.timeScale > 0 ? options.timeScale : 1;
  const limit = options.requestsPerMinute ?? 300;
  const windowMs = 60_000 / timeScale;
  const rules = typeof options.faults === 'string' ? parseFaults(options.faults) : (options.faults ?? []);
  const faults = new FaultEngine(rules, options.randomSeed ?? 1, now);
  // Watching writes costs a copy of each user written: only when a fault needs it.
  let consistency = rules.some((r) => CONSISTENCY_KINDS.has(r.kind)) ? new Consistency(org, now) : undefined;
  org.authLagMs = authLagOf(rules);
  const tokens = new TokenStore(clients);
  const authorizers = authorizersFor(org, clients, options.permissions);
  const requests: RequestLogEntry[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<NodeJS.Timeout>();
  let stopped = false;

  const persistence = persist(org, options.statePath);
  const rate = new RateLimit(limit, windowMs);

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

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const at = now();
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
      const watch = consistency;
      const decisions = faults.decide(method, url.pathname, watch && ((rule) => watch.applies(rule, method, url.pathname, url.searchParams, raw)));
      let main: Decision | undefined;
      for (const d of decisions) {
        if (d.kind === 'latency') await clock.sleep(d.ms ?? 0);
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
        const headers = rate.headers(undefined, now());
        if (main?.kind === '5xx' || main?.kind === '429') return finish(faultAnswer(res, main, headers, faults));
        const answer = tokens.grant(req, raw, now());
        send(res, answer.status, answer.body, headers);
        return finish(answer.status);
      }
      if (main?.kind === 'revoke') revokeTokens();
      const checkedAt = now();
      token = tokens.authenticate(req, checkedAt);
      rate.count(token, checkedAt);
      const headers = rate.headers(token, checkedAt);
      if (main?.kind === '5xx' || main?.kind === '429') return finish(faultAnswer(res, main, headers, faults));
      if (main?.kind === 'editor') concurrentEdit(org, url.pathname, faults);
      if (main?.kind === 'sub-conflict') throw subConflictError(main.status, () => faults.roll());
      let view = org;
      if (main?.kind === 'stale-read') {
        const stale = consistency?.staleOrg(main, url.pathname);
        // A scripted stale read of a user with no recent write reads fresh, and is not logged as a fault.
        if (stale) view = stale;
        else entry.fault = undefined;
      }
      const { handler, params, template } = findRoute(method, url.pathname);
      let body: unknown;
      if (raw.trim() !== '') {
        try {
          body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'bad.request', 'The request body is not valid JSON.');
        }
      }
      const authorizer = authorizers?.get(token.clientId);
      const served = main?.kind === 'drop-expand' ? (requested: Set<string>) => keptExpansions(requested, () => faults.roll()) : undefined;
      const ctx = { org: view, method, path: url.pathname, params, query: url.searchParams, body, served, ...(authorizer ? { can: authorizer.can.bind(authorizer) } : {}) };
      authorize(ctx, template);
      const answer = handler(ctx);
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
      const headers = rate.headers(token, now());
      if (error instanceof HttpError) {
        sendError(res, error, headers);
        return finish(error.status);
      }
      const message = error instanceof Error ? error.message : String(error);
      sendError(res, new HttpError(500, 'internal.server.error', `The sandbox failed: ${message.split('\n')[0]}`), headers);
      return finish(500);
    }
  };

  const revokeTokens = () => tokens.revokeAll();

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
    script: (fault) => {
      faults.script(fault);
      // Writes from now on are watched; a scripted stale read shows a user as it was before its latest of them.
      if (fault.kind === 'stale-read') consistency ??= new Consistency(org, now);
    },
    revokeTokens,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      for (const timer of held) clearTimeout(timer);
      held.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      persistence.stop();
    },
  };
}
