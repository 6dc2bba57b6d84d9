// Reading the org through the SDK from the sandbox: completeness against the sandbox's own state, call counts, faults.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Connection } from '../../src/genesys/index.js';
import { MAX_REFUSED_IN_A_ROW } from '../../src/genesys/http.js';
import { PAGE_SIZE } from '../../src/genesys/reader.js';
import { normalEmail } from '../../src/rules/identity.js';
import { ApiError } from '../../src/model/errors.js';
import type { OrgState, ReadRequest } from '../../src/model/org.js';
import { generateOrg, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import { SkippingClock, flush } from '../support/clock.js';

const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };

function apiRequests(sb: RunningSandbox, since = 0, until = sb.requests.length) {
  return sb.requests.slice(since, until).filter((r) => r.path.startsWith('/api/v2/'));
}

function everything(sb: RunningSandbox): ReadRequest {
  return {
    emails: [...sb.org.users.values()].map((u) => u.email),
    queueNames: sb.org.queues.sorted().map((q) => q.name.toUpperCase()),
    roles: true,
  };
}

async function open(sb: RunningSandbox, extra: { clientIndex?: number; timeoutMs?: number; clock?: SkippingClock; requestsPerMinute?: number } = {}): Promise<Connection> {
  const client = sb.clients[extra.clientIndex ?? 0];
  assert.ok(client);
  return connect(
    { environment: sb.url, clientId: client.id, clientSecret: client.secret, timeoutMs: extra.timeoutMs, requestsPerMinute: extra.requestsPerMinute },
    { retry: FAST, clock: extra.clock },
  );
}

describe('reading a generated org', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  let state: OrgState;
  let since = 0;
  let until = 0;
  const progress: string[] = [];

  before(async () => {
    sb = await startSandbox({ seed: generateOrg({ users: 1100, queues: 6, groups: 4, seed: 11 }), requestsPerMinute: 1_000_000, clients: [{ id: 'reader-a', secret: 'reader-secret-a-123456' }] });
    conn = await open(sb);
    since = sb.requests.length;
    state = await conn.reader.readOrg(everything(sb), (m) => progress.push(m));
    until = sb.requests.length;
  });
  after(() => sb.stop());

  it('reads every active and inactive user, and the deleted ones declared', () => {
    const want = [...sb.org.users.values()].map((u) => u.id).sort();
    assert.deepEqual(state.users.map((u) => u.id).sort(), want);
    assert.ok(state.users.some((u) => u.state === 'deleted'), 'the generated org has deleted users');
    assert.ok(state.users.some((u) => u.state === 'inactive'), 'the generated org has inactive users');
  });

  it('reads every active user, and inactive and deleted ones only where their email is declared', async () => {
    const all = [...sb.org.users.values()];
    const inactive = all.filter((u) => u.state === 'inactive');
    const declared = [...all.filter((u) => u.state === 'active').slice(0, 5), ...inactive.slice(0, 3)];
    const partial = await conn.reader.readOrg({ emails: declared.map((u) => u.email), queueNames: [], roles: false });
    const want = [...all.filter((u) => u.state === 'active'), ...inactive.slice(0, 3)].map((u) => u.id).sort();
    assert.deepEqual(partial.users.map((u) => u.id).sort(), want);
  });

  it('matches the sandbox field by field', () => {
    const byId = new Map(state.users.map((u) => [u.id, u]));
    for (const rec of sb.org.users.values()) {
      const got = byId.get(rec.id);
      assert.ok(got, rec.email);
      const where = `${rec.email}`;
      assert.equal(got.email, normalEmail(rec.email), where);
      assert.equal(got.name, rec.name, where);
      assert.equal(got.state, rec.state, where);
      assert.equal(got.version, rec.version, where);
      assert.equal(got.title, rec.title, where);
      assert.equal(got.department, rec.department, where);
      assert.equal(got.divisionId, rec.divisionId, where);
      assert.equal(got.managerId, rec.managerId, where);
      assert.deepEqual(got.skills, Object.fromEntries(rec.skills), where);
      assert.deepEqual(got.languages, Object.fromEntries(rec.languages), where);
      assert.deepEqual([...(got.locationIds ?? [])].sort(), [...rec.locationIds].sort(), where);
      const groups = sb.org.groups.sorted().filter((g) => g.members.has(rec.id)).map((g) => g.id).sort();
      assert.deepEqual([...(got.groupIds ?? [])].sort(), groups, where);
      assert.deepEqual(got.employerInfo, rec.employerInfo && Object.keys(rec.employerInfo).length > 0 ? rec.employerInfo : undefined, where);
      const phones = rec.addresses.filter((a) => a.mediaType !== 'EMAIL').map((a) => ({ type: (a.type ?? '').toLowerCase(), number: a.address, extension: a.extension, mediaType: a.mediaType }));
      assert.deepEqual(
        got.phones.map((p) => ({ type: p.type, number: p.number, extension: p.extension, mediaType: p.mediaType })),
        phones,
        where,
      );
      if (rec.state !== 'deleted') {
        const grants = rec.grants.map((g) => `${g.roleId}@${g.divisionId}`).sort();
        assert.deepEqual((got.roleGrants ?? []).map((g) => `${g.roleId}@${g.divisionId}`).sort(), grants, where);
      }
    }
  });

  it('reads look-ups, the home division, the target and queue members', () => {
    assert.equal(state.target.orgId, sb.org.id);
    assert.equal(state.target.orgName, sb.org.name);
    assert.equal(state.target.environment, sb.url);
    assert.equal(state.homeDivisionId, sb.org.homeDivision().id);
    assert.deepEqual(state.lookups.skills.map((s) => s.id).sort(), sb.org.skills.sorted().map((s) => s.id).sort());
    assert.deepEqual(state.lookups.languages.length, sb.org.languages.size);
    assert.deepEqual(state.lookups.queues.length, sb.org.queues.size);
    assert.deepEqual(state.lookups.groups.length, sb.org.groups.size);
    assert.deepEqual(state.lookups.roles.length, sb.org.roles.size);
    assert.deepEqual(state.lookups.divisions.length, sb.org.divisions.size);
    assert.deepEqual(state.lookups.locations.length, sb.org.locations.size);
    for (const q of sb.org.queues.sorted()) {
      const live = [...q.members].filter((id) => sb.org.getUser(id)?.state !== 'deleted').sort();
      assert.deepEqual([...(state.queueMembers[q.id] ?? [])].sort(), live, q.name);
    }
  });

  it('counts its calls exactly as the sandbox saw them, and no more than the route needs', () => {
    const seen = apiRequests(sb, since, until);
    assert.equal(state.apiCalls, seen.length);
    const users = [...sb.org.users.values()];
    const active = users.filter((u) => u.state === 'active').length;
    const inactive = users.filter((u) => u.state === 'inactive').length;
    const deleted = users.filter((u) => u.state === 'deleted').length;
    const grants = users.filter((u) => u.state !== 'deleted').flatMap((u) => u.grants);
    const grantPages = sb.org.divisions.sorted().reduce((n, d) => n + Math.max(1, Math.ceil(grants.filter((g) => g.divisionId === d.id || g.divisionId === '*').length / PAGE_SIZE.divisionGrants)), 0);
    const queuePages = sb.org.queues.sorted().reduce((n, q) => n + Math.max(1, Math.ceil([...q.members].filter((id) => sb.org.getUser(id)?.state !== 'deleted').length / 100)), 0);
    // 1 org + 7 look-ups + active user pages + one search per 100 declared emails missing among active users
    // + inactive users by id, 100 a call + each deleted one by id + grant pages per division + queue member pages
    const minimum = 1 + 7 + Math.ceil(active / 500) + Math.ceil((inactive + deleted) / 100) + Math.ceil(inactive / 100) + deleted + grantPages + queuePages;
    assert.equal(state.apiCalls, minimum);
  });

  it('reads every grant with one listing per division page, never user by user', () => {
    assert.ok(!apiRequests(sb, since, until).some((r) => r.path.startsWith('/api/v2/authorization/subjects/')), 'no per-user reads');
    for (const rec of [...sb.org.users.values()].filter((u) => u.state !== 'deleted')) {
      const got = state.users.find((u) => u.id === rec.id);
      assert.deepEqual((got?.roleGrants ?? []).map((g) => `${g.roleId}@${g.divisionId}`).sort(), rec.grants.map((g) => `${g.roleId}@${g.divisionId}`).sort(), rec.email);
    }
  });

  it('reports progress on large reads', () => {
    assert.ok(progress.some((m) => /^users [\d,]+\/[\d,]+$/.test(m)), progress.join(' | '));
  });

  it('reads no role grants and no queue members unless asked', async () => {
    const before = sb.requests.length;
    const light = await conn.reader.readOrg({ emails: [], queueNames: [], roles: false });
    const paths = apiRequests(sb, before).map((r) => r.path);
    assert.ok(!paths.some((p) => p.includes('/subjects/') || p.includes('/members') || p.includes('/grants')));
    assert.ok(light.users.every((u) => u.roleGrants === undefined));
    assert.deepEqual(light.queueMembers, {});
  });
});

describe('reading through faults', () => {
  // The sandbox and the connections share virtual time: Retry-After, latency and token expiry pass without waiting.
  const clock = new SkippingClock();
  let sb: RunningSandbox;
  before(async () => {
    sb = await startSandbox({
      clock,
      seed: generateOrg({ users: 1200, queues: 2, groups: 2, seed: 5 }),
      requestsPerMinute: 1_000_000,
      clients: [
        { id: 'faults-a', secret: 'faults-secret-a-123456' },
        { id: 'faults-b', secret: 'faults-secret-b-123456' },
        { id: 'faults-c', secret: 'faults-secret-c-123456' },
        { id: 'faults-d', secret: 'faults-secret-d-123456', tokenLifetimeSeconds: 2 },
      ],
    });
  });
  after(() => sb.stop());

  const light: ReadRequest = { emails: [], queueNames: [], roles: false };

  it('retries 5xx answers of each body kind during a read', async () => {
    const conn = await open(sb, { clientIndex: 0, clock });
    for (const body of ['json', 'html', 'empty'] as const) sb.script({ method: 'GET', path: '/api/v2/users', kind: '5xx', status: body === 'json' ? 503 : 502, body });
    const state = await conn.reader.readOrg(light);
    assert.equal(state.users.length, sb.org.listUsers('active').length);
    assert.equal(conn.stats().retries, 3);
  });

  it('waits out a 429 with its Retry-After during a read', async () => {
    const conn = await open(sb, { clientIndex: 1, clock });
    sb.script({ method: 'GET', path: '/api/v2/users', nth: 2, kind: '429', ms: 1000 });
    const started = clock.now();
    await conn.reader.readOrg(light);
    assert.equal(conn.stats().rateLimited, 1);
    assert.ok(clock.now() - started >= 1000, `waited for Retry-After (${clock.now() - started} ms)`);
  });

  it('logs in again when the token is revoked mid-read', async () => {
    const conn = await open(sb, { clientIndex: 2, clock });
    sb.script({ method: 'GET', path: '/api/v2/users', nth: 2, kind: 'revoke' });
    const state = await conn.reader.readOrg(light);
    assert.ok(state.users.length > 1000);
    assert.equal(conn.stats().reauthentications, 1);
  });

  it('logs in again when the token expires mid-read (2 s lifetime, a slow page)', async () => {
    const conn = await open(sb, { clientIndex: 3, clock });
    const since = sb.requests.length;
    // The page is held past the token's expiry, then checked: a 401, a new login, the page again.
    sb.script({ method: 'GET', path: '/api/v2/users', kind: 'latency', ms: 2100 });
    const state = await conn.reader.readOrg({ emails: [], queueNames: [], roles: false });
    assert.ok(state.users.length > 1000);
    assert.ok(conn.stats().reauthentications >= 1, JSON.stringify(conn.stats()));
    const refused = sb.requests.slice(since).filter((r) => r.status === 401).length;
    assert.ok(refused <= 1, `${refused} requests met a 401`);
  });

  it('fails a read that keeps meeting 5xx with a typed, clean error', async () => {
    const conn = await open(sb, { clientIndex: 0, clock });
    for (let i = 0; i < 5; i++) sb.script({ method: 'GET', path: '/api/v2/organizations/me', kind: '5xx', status: 500, body: 'json' });
    await assert.rejects(conn.reader.readOrg(light), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.equal(error.status, 500);
      assert.equal(error.path, '/api/v2/organizations/me');
      const text = `${String(error)} ${JSON.stringify(error)} ${error.stack ?? ''}`;
      assert.ok(!text.includes('faults-secret-a-123456'));
      assert.ok(!/Bearer\s+[A-Za-z0-9]/.test(text));
      return true;
    });
  });
  it('logs in again on every revocation, even one that meets the retry of a refused request', async () => {
    const conn = await open(sb, { clientIndex: 1, clock });
    // The org read is refused, and so is its retry with a fresh token: a third token goes through.
    sb.script({ method: 'GET', path: '/api/v2/organizations/me', kind: 'revoke' });
    sb.script({ method: 'GET', path: '/api/v2/organizations/me', kind: 'revoke' });
    const state = await conn.reader.readOrg(light);
    assert.ok(state.users.length > 1000);
    assert.ok(conn.stats().reauthentications >= 2, JSON.stringify(conn.stats()));
  });

  it('stops with a clean 401 when every fresh token is refused', async () => {
    const conn = await open(sb, { clientIndex: 1, clock });
    // The first answer and every retry with a fresh token are refused: nothing is left scripted after.
    for (let i = 0; i <= MAX_REFUSED_IN_A_ROW; i++) sb.script({ method: 'GET', path: '/api/v2/organizations/me', kind: 'revoke' });
    await assert.rejects(conn.reader.readOrg(light), (error: unknown) => error instanceof ApiError && error.status === 401);
  });

  it('a look-up that fails while the users are still being listed is a typed error, never an unhandled rejection', async () => {
    const conn = await open(sb, { clientIndex: 0, clock });
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      for (let i = 0; i < 5; i++) sb.script({ method: 'GET', path: '/api/v2/routing/skills', kind: '5xx', status: 503, body: 'json' });
      sb.script({ method: 'GET', path: '/api/v2/users', kind: 'latency', ms: 400 });
      await assert.rejects(conn.reader.readOrg(light), (error: unknown) => error instanceof ApiError && error.status === 503 && error.path === '/api/v2/routing/skills');
      // Give any stray rejection a turn of the event loop to surface.
      await flush();
      await flush();
      assert.deepEqual(unhandled, []);
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});

describe('pacing', () => {
  it('keeps under the limit it learns from the headers: the 59th request of 60 a (scaled) minute waits for the window, no 429', async () => {
    // timeScale 60: a minute lasts a second at the sandbox, and its reset header teaches the pacer a 1 s window. Real
    // time, because requests are in flight while the pacer waits: virtual time would jump under them.
    const sb = await startSandbox({ seed: generateOrg({ users: 10, queues: 1, groups: 1, seed: 2 }), requestsPerMinute: 60, timeScale: 60, clients: [{ id: 'pacer-client', secret: 'pacer-secret-123456' }] });
    try {
      // The client believes in 300 a minute until the first answer's headers say 60.
      const conn = await open(sb, { requestsPerMinute: 300 });
      const group = sb.org.groups.sorted()[0];
      assert.ok(group);
      await Promise.all(Array.from({ length: 70 }, () => conn.writer.getGroupVersion(group.id)));
      const answered = apiRequests(sb);
      assert.equal(answered.length, 70);
      assert.equal(answered.filter((r) => r.status === 429).length, 0, 'no 429');
      assert.equal(conn.stats().rateLimited, 0);
      // 58 a window (60 less the head-room): the 59th goes only when the first answer is a (scaled) minute old.
      const first = answered[0]?.at as number;
      assert.ok((answered[58]?.at as number) - first >= 1000, `the 59th went ${(answered[58]?.at as number) - first} ms after the first`);
      const inWindow = (from: number) => answered.filter((r) => r.at >= from && r.at < from + 1000).length;
      for (const r of answered) assert.ok(inWindow(r.at) <= 58, `${inWindow(r.at)} requests in the second from ${r.at - first} ms`);
    } finally {
      await sb.stop();
    }
  });
});

describe('role grants where the division listing is missing', () => {
  // A thin proxy answers 404 to GET /api/v2/authorization/divisions/{id}/grants (as an org or
  // a client without that permission may) and forwards everything else to the sandbox.
  it('reads grants one user at a time, only for the users whose roles are managed', async () => {
    const sb = await startSandbox({ seed: generateOrg({ users: 600, queues: 1, groups: 1, seed: 9 }), requestsPerMinute: 1_000_000, clients: [{ id: 'grants-client', secret: 'grants-secret-123456' }] });
    const { createServer, request: forward } = await import('node:http');
    const proxy = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://proxy');
      if (req.method === 'GET' && /^\/api\/v2\/authorization\/divisions\/[^/]+\/grants$/.test(url.pathname)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ message: 'Not found', code: 'not.found', status: 404, contextId: 'proxy-404' }));
        return;
      }
      const upstream = forward({ host: '127.0.0.1', port: sb.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as { port: number }).port;
      const conn = await connect({ environment: `http://127.0.0.1:${port}`, clientId: 'grants-client', clientSecret: 'grants-secret-123456' });
      const holders = [...sb.org.users.values()].filter((u) => u.state !== 'deleted' && u.grants.length > 0).slice(0, 3);
      const before = sb.requests.length;
      const partial = await conn.reader.readOrg({ emails: [], queueNames: [], roles: true, roleEmails: holders.map((u) => u.email) });
      const subjects = sb.requests.slice(before).filter((r) => r.path.startsWith('/api/v2/authorization/subjects/'));
      assert.equal(subjects.length, holders.length);
      for (const h of holders) {
        const got = partial.users.find((u) => u.id === h.id);
        assert.deepEqual((got?.roleGrants ?? []).map((g) => `${g.roleId}@${g.divisionId}`).sort(), h.grants.map((g) => `${g.roleId}@${g.divisionId}`).sort());
      }
      const other = partial.users.find((u) => !holders.some((h) => h.id === u.id) && (u.roleIds ?? []).length > 0);
      assert.ok(other);
      assert.equal(other.roleGrants, undefined);
      assert.ok((other.roleIds ?? []).length > 0);
    } finally {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await sb.stop();
    }
  });
});
