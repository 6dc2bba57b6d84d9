// The resilient HTTP client against a throwaway local server: retries, 429, re-login, timeouts, typed and redacted errors.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { connect } from '../../src/genesys/index.js';
import { MAX_REFUSED_IN_A_ROW } from '../../src/genesys/http.js';
import { ApiError } from '../../src/model/errors.js';
import { EPOCH, SkippingClock } from '../support/clock.js';

const CLIENT_ID = 'http-test-client';
const SECRET = 'sEcReT-value-0123456789';
const FAST = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 20, maxRateLimited: 5 };

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface Seen {
  method: string;
  path: string;
  auth: string;
}

let server: Server;
let port = 0;
let script: Handler[] = [];
let seen: Seen[] = [];
let tokens = 0;
let tokenLifetime = 3600;
let acceptOnly: string | undefined;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const okOrg: Handler = (_req, res) => json(res, 200, { id: 'org-1', name: 'Test Org', version: 1 });

before(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    req.resume();
    req.on('end', () => {
      if (url.pathname === '/oauth/token') {
        const expected = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;
        if (req.headers.authorization !== expected) {
          json(res, 401, { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' });
          return;
        }
        tokens += 1;
        json(res, 200, { access_token: `token-${tokens}-abcdefghijkl`, token_type: 'bearer', expires_in: tokenLifetime });
        return;
      }
      seen.push({ method: req.method ?? '', path: url.pathname, auth: req.headers.authorization ?? '' });
      if (acceptOnly && req.headers.authorization !== `Bearer ${acceptOnly}`) {
        json(res, 401, { message: 'Invalid login credentials.', code: 'bad.credentials', status: 401 });
        return;
      }
      const next = script.shift() ?? okOrg;
      next(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  script = [];
  seen = [];
  tokenLifetime = 3600;
  acceptOnly = undefined;
});

/**
 * Each connection gets its own clock, on which time passes only when the client waits: no test waits in real time,
 * and pacers (shared per OAuth client and clock) do not carry over from one test to the next.
 */
async function open(options: { secret?: string; timeoutMs?: number; clock?: SkippingClock } = {}) {
  return connect(
    { environment: `http://127.0.0.1:${port}`, clientId: CLIENT_ID, clientSecret: options.secret ?? SECRET, requestsPerMinute: 6000, timeoutMs: options.timeoutMs },
    { retry: FAST, clock: options.clock ?? new SkippingClock() },
  );
}

function assertClean(error: unknown, extra: string[] = []): void {
  const texts = [String(error), JSON.stringify(error), (error as Error).stack ?? '', (error as ApiError).hint ?? ''];
  const forbidden = [SECRET, Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64'), 'Bearer token-', ...extra];
  for (const text of texts) for (const bad of forbidden) assert.ok(!text.includes(bad), `error text leaks ${bad}: ${text}`);
}

describe('resilient HTTP client', () => {
  it('refused credentials: a typed 401 naming the login, without the secret', async () => {
    await assert.rejects(open({ secret: 'wrong-secret-value' }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_client');
      assert.equal(error.path, '/oauth/token');
      assert.match(error.hint ?? '', /GENESYS_CLIENT_ID/);
      assertClean(error, ['wrong-secret-value']);
      return true;
    });
  });

  it('retries a read through 5xx answers of every body kind', async () => {
    const conn = await open();
    script = [
      (_q, r) => json(r, 503, { message: 'busy', code: 'service.unavailable', status: 503 }),
      (_q, r) => {
        r.writeHead(502, { 'content-type': 'text/html' });
        r.end('<html><head><title>502 Bad Gateway</title></head><body>bad</body></html>');
      },
      (_q, r) => {
        r.writeHead(500);
        r.end();
      },
    ];
    const target = await conn.target();
    assert.equal(target.orgName, 'Test Org');
    assert.equal(seen.length, 4);
    assert.equal(conn.stats().retries, 3);
  });

  it('gives up on a read after the retries with the last error, typed', async () => {
    const conn = await open();
    const html: Handler = (_q, r) => {
      r.writeHead(502, { 'content-type': 'text/html' });
      r.end('<html><head><title>502 Bad Gateway</title></head></html>');
    };
    script = [html, html, html, html];
    await assert.rejects(conn.target(), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 502);
      assert.equal(error.method, 'GET');
      assert.equal(error.path, '/api/v2/organizations/me');
      assert.equal(error.outcomeUnknown, false);
      assert.match(error.message, /502 Bad Gateway/);
      assertClean(error);
      return true;
    });
    assert.equal(seen.length, 4);
  });

  it('never resends a create after a 5xx: outcome unknown', async () => {
    const conn = await open();
    script = [(_q, r) => json(r, 500, { message: 'oops', code: 'internal.server.error', status: 500, contextId: 'ctx-123' })];
    await assert.rejects(conn.writer.createUser({ name: 'A', email: 'a@example.com', divisionId: 'd1' }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 500);
      assert.equal(error.outcomeUnknown, true);
      assert.equal(error.contextId, 'ctx-123');
      assert.match(error.message, /ctx-123/);
      return true;
    });
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.path}`),
      ['POST /api/v2/users'],
    );
  });

  it('retries a read and an idempotent write through a 408, like a 5xx', async () => {
    const conn = await open();
    const timedOut: Handler = (_q, r) => json(r, 408, { message: 'The request timed out.', code: 'request.timeout', status: 408 });
    script = [timedOut];
    assert.equal((await conn.target()).orgName, 'Test Org');
    script = [timedOut, (_q, r) => json(r, 200, { entities: [] })];
    await conn.writer.setSkills('u1', [{ id: 's1', level: 3 }]);
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), ['GET /api/v2/organizations/me', 'GET /api/v2/organizations/me', 'PATCH /api/v2/users/u1/routingskills/bulk', 'PATCH /api/v2/users/u1/routingskills/bulk']);
    assert.equal(conn.stats().retries, 2);
  });

  it('never resends a create or a versioned PATCH after a 408: outcome unknown', async () => {
    const conn = await open();
    const timedOut: Handler = (_q, r) => json(r, 408, { message: 'The request timed out.', code: 'request.timeout', status: 408 });
    script = [timedOut, timedOut];
    for (const write of [() => conn.writer.createUser({ name: 'A', email: 'a@example.com', divisionId: 'd1' }), () => conn.writer.patchUser('u1', 3, { title: 'Lead' })]) {
      await assert.rejects(write(), (error: unknown) => {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 408);
        assert.equal(error.outcomeUnknown, true);
        return true;
      });
    }
    assert.deepEqual(seen.map((s) => `${s.method} ${s.path}`), ['POST /api/v2/users', 'PATCH /api/v2/users/u1']);
  });

  it('hands a 409 to the caller at once, with the Retry-After it asked for', async () => {
    const conn = await open();
    script = [(_q, r) => json(r, 409, { message: 'The version number of the modified resource must match the version number in the database.', code: 'general.conflict', status: 409 }, { 'retry-after': '2' })];
    await assert.rejects(conn.writer.removeSkill('u1', 's1'), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 409);
      assert.equal(error.retryAfterMs, 2000);
      return true;
    });
    assert.equal(seen.length, 1);
  });

  it('never resends a create after a dropped connection: outcome unknown, status 0', async () => {
    const conn = await open();
    script = [(req) => req.socket.destroy()];
    await assert.rejects(conn.writer.createUser({ name: 'A', email: 'a@example.com', divisionId: 'd1' }), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 0);
      assert.equal(error.code, 'network-error');
      assert.equal(error.outcomeUnknown, true);
      assertClean(error);
      return true;
    });
    assert.equal(seen.length, 1);
  });

  it('waits out a 429 for its Retry-After, then succeeds', async () => {
    const clock = new SkippingClock();
    const conn = await open({ clock });
    script = [(_q, r) => json(r, 429, { message: 'Rate limit exceeded', code: 'too.many.requests.retry.after', status: 429 }, { 'retry-after': '1' })];
    await conn.target();
    assert.deepEqual(clock.slept.filter((ms) => ms > 0), [1000], 'the pacer held the retry for the Retry-After');
    assert.equal(clock.elapsed(), 1000);
    assert.equal(conn.stats().rateLimited, 1);
    assert.equal(seen.length, 2);
  });

  it('waits out 429s without Retry-After with a growing, jittered back-off', async () => {
    const clock = new SkippingClock();
    const conn = await open({ clock });
    const limited: Handler = (_q, r) => json(r, 429, { message: 'Rate limit exceeded', code: 'too.many.requests', status: 429 });
    script = [limited, limited, limited];
    await conn.target();
    const waits = clock.slept.filter((ms) => ms > 0);
    assert.equal(waits.length, 3);
    // FAST: 5 ms doubling, equal jitter (half to all of it), at most 20 ms.
    const ceilings = [10, 20, 20];
    waits.forEach((ms, i) => assert.ok(ms >= (ceilings[i] as number) / 2 && ms <= (ceilings[i] as number), `wait ${i + 1}: ${ms} ms`));
    assert.equal(conn.stats().rateLimited, 3);
  });

  it('retries a create after a 429 (it was refused, not made)', async () => {
    const conn = await open();
    script = [
      (_q, r) => json(r, 429, { message: 'Rate limit exceeded', code: 'too.many.requests', status: 429 }, { 'retry-after': '0' }),
      (_q, r) => json(r, 200, { id: 'u1', version: 1, name: 'A', email: 'a@example.com' }),
    ];
    const created = await conn.writer.createUser({ name: 'A', email: 'a@example.com', divisionId: 'd1' });
    assert.deepEqual(created, { id: 'u1', version: 1 });
    assert.equal(conn.writer.apiCalls(), 2);
  });

  it('logs in again once on a 401 and resends with the new token', async () => {
    const conn = await open();
    const before = tokens;
    acceptOnly = `token-${before + 1}-abcdefghijkl`;
    await conn.target();
    assert.equal(conn.stats().reauthentications, 1);
    assert.equal(seen.at(-1)?.auth, `Bearer ${acceptOnly}`);
  });

  it('401s that keep coming after logging in again end, after a bounded number of logins, as a typed error without the token', async () => {
    const conn = await open();
    acceptOnly = 'never-matches';
    await assert.rejects(conn.target(), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'bad.credentials');
      assertClean(error);
      return true;
    });
    assert.equal(conn.stats().reauthentications, MAX_REFUSED_IN_A_ROW);
  });

  it('logs in again a tenth of the lifetime before the token expires, instead of collecting a 401', async () => {
    tokenLifetime = 100;
    const clock = new SkippingClock();
    const conn = await open({ clock });
    const first = tokens;
    clock.advance(89_000);
    await conn.writer.getGroupVersion('g1');
    assert.equal(tokens, first, '11 s before expiry: the token is used');
    clock.advance(1_000);
    await conn.writer.getGroupVersion('g1');
    assert.equal(tokens, first + 1, '10 s before expiry: logged in again first');
    assert.equal(seen.at(-1)?.auth, `Bearer token-${tokens}-abcdefghijkl`);
    assert.equal(conn.stats().reauthentications, 1);
  });

  it('renews at most a minute before expiry, however long the token lives', async () => {
    tokenLifetime = 86_400;
    const clock = new SkippingClock();
    const conn = await open({ clock });
    const first = tokens;
    clock.advance(86_400_000 - 61_000);
    await conn.writer.getGroupVersion('g1');
    assert.equal(tokens, first, 'a minute and a second before expiry: the token is used');
    clock.advance(1_000);
    await conn.writer.getGroupVersion('g1');
    assert.equal(tokens, first + 1, 'a minute before expiry: logged in again');
    assert.equal(clock.now() - EPOCH, 86_400_000 - 60_000);
  });

  it('shares one login among concurrent requests that meet a 401', async () => {
    const conn = await open();
    const before = tokens;
    acceptOnly = `token-${before + 1}-abcdefghijkl`;
    await Promise.all([conn.target(), conn.writer.getGroupVersion('g1').catch(() => 0), conn.writer.getGroupVersion('g2').catch(() => 0)]);
    assert.equal(tokens, before + 1);
  });

  it('times out a hung read, retries it, and reports a timeout', async () => {
    const conn = await open({ timeoutMs: 100 });
    const hang: Handler = () => undefined;
    script = [hang, hang, hang, hang];
    await assert.rejects(conn.target(), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 0);
      assert.equal(error.code, 'timeout');
      assertClean(error);
      return true;
    });
    assert.equal(seen.length, 4);
  });
});
