// Several emulated orgs behind one base URL, as orgs of one Genesys Cloud region share api.<region>: each request goes to the org of its OAuth client or token.
//
// In Genesys Cloud an OAuth client belongs to one org, and so does every token granted to it: the token reads
// and writes that org alone, whoever else shares the region's host (`GET /api/v2/organizations/me`, in
// build/docs/OrganizationApi.md of MyPureCloud/platform-client-sdk-javascript, names the token's org). Here each
// org is a whole sandbox of its own (its own data, clients, tokens, rate limits and faults) listening on a private
// loopback port; this front forwards `POST /oauth/token` to the org whose client the request names (Basic
// `client_id:client_secret`, or the form's `client_id`), remembers which org granted each token, and forwards
// every other request to the org of its bearer token. A client or token no org knows goes to the first org,
// which answers it as any org answers an unknown client (401 `invalid_client`) or token (401 `bad.credentials`).
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { RunningSandbox, StartOptions } from './server.js';
import type { SandboxClient } from './oauth.js';
import type { SeedOrg } from './types.js';

export interface OrgOptions {
  /** The org's name in provision.yaml (`orgs:`), for logs. */
  name: string;
  seed?: SeedOrg;
  clients: SandboxClient[];
  statePath?: string;
  /** This org's request log line, in place of the shared one. */
  onRequest?: StartOptions['onRequest'];
}

export interface RunningOrgs {
  /** The one base URL every org is reached at. */
  url: string;
  port: number;
  /** Each org's own sandbox (its org, clients and request log), in the order given. */
  orgs: (RunningSandbox & { name: string })[];
  stop(): Promise<void>;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The client a token request names: HTTP Basic first (as the SDK sends it), else the form's `client_id`. */
export function tokenClientId(authorization: string | undefined, body: string): string | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return decoded.slice(0, colon < 0 ? undefined : colon);
  }
  return new URLSearchParams(body).get('client_id') ?? undefined;
}

/**
 * Starts one sandbox per org (each with `shared`'s options: rate, lags, faults) and the front that routes to them.
 * Client ids must be distinct across orgs: a real client id names exactly one org.
 */
export async function startOrgs(orgs: OrgOptions[], shared: Omit<StartOptions, 'seed' | 'clients' | 'statePath' | 'port' | 'host'> & { port?: number; host?: string } = {}): Promise<RunningOrgs> {
  const ids = orgs.flatMap((o) => o.clients.map((c) => c.id));
  if (new Set(ids).size !== ids.length) throw new Error('each OAuth client belongs to one org: client ids must differ across orgs');
  if (orgs.length === 0) throw new Error('no org to start');
  const { startServer } = await import('./server.js');
  const running: (RunningSandbox & { name: string })[] = [];
  try {
    for (const org of orgs) {
      const sb = await startServer({ ...shared, ...(org.onRequest ? { onRequest: org.onRequest } : {}), seed: org.seed, clients: org.clients, statePath: org.statePath, port: 0, host: '127.0.0.1' });
      running.push(Object.assign(sb, { name: org.name }));
    }
  } catch (error) {
    await Promise.all(running.map((r) => r.stop()));
    throw error;
  }
  const byClient = new Map<string, RunningSandbox>();
  for (const [i, org] of orgs.entries()) for (const c of org.clients) byClient.set(c.id, running[i]!);
  /** Which org granted each token: learnt from the token answers the front passes on. */
  const byToken = new Map<string, RunningSandbox>();
  const first = running[0]!;

  const forward = (target: RunningSandbox, req: IncomingMessage, res: ServerResponse, body: Buffer, learn: boolean): void => {
    const upstream = httpRequest({ host: '127.0.0.1', port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: `127.0.0.1:${target.port}` } }, (answer) => {
      if (!learn || answer.statusCode !== 200) {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
        return;
      }
      void readAll(answer).then((text) => {
        const token = (JSON.parse(text.toString('utf8')) as { access_token?: string }).access_token;
        if (token) byToken.set(token, target);
        res.writeHead(answer.statusCode ?? 200, answer.headers);
        res.end(text);
      });
    });
    // The org dropped the connection (a drop fault): so does the front.
    upstream.on('error', () => res.socket?.destroy());
    upstream.end(body);
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void readAll(req).then(
      (body) => {
        const path = new URL(req.url ?? '/', 'http://sandbox').pathname;
        if ((req.method ?? 'GET').toUpperCase() === 'POST' && path === '/oauth/token') {
          const id = tokenClientId(req.headers.authorization, body.toString('utf8'));
          return forward((id !== undefined ? byClient.get(id) : undefined) ?? first, req, res, body, true);
        }
        const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
        forward((bearer !== undefined ? byToken.get(bearer) : undefined) ?? first, req, res, body, false);
      },
      () => res.socket?.destroy(),
    );
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = shared.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(shared.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await Promise.all(running.map((r) => r.stop()));
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  let stopped = false;
  return {
    url: `http://${host}:${port}`,
    port,
    orgs: running,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
      await Promise.all(running.map((r) => r.stop()));
    },
  };
}
