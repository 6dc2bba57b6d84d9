// Reading an org as Genesys really answers: 25,000 inactive users (listings stop at 10,000), managers who left, deleted users read by id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Connection } from '../../src/genesys/index.js';
import { ID_BATCH, LISTING_WINDOW, PAGE_SIZE, SEARCH_BATCH } from '../../src/genesys/reader.js';
import type { ReadRequest } from '../../src/model/org.js';
import { generateOrg, startSandbox, type RunningSandbox } from '../../src/sandbox/index.js';
import type { SeedOrg } from '../../src/sandbox/index.js';

const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };
const CLIENT = { id: 'inactive-reader', secret: 'inactive-reader-secret-123456' };

async function open(sb: RunningSandbox): Promise<Connection> {
  return connect({ environment: sb.url, clientId: CLIENT.id, clientSecret: CLIENT.secret, requestsPerMinute: 1_000_000 }, { retry: FAST });
}

function apiRequests(sb: RunningSandbox, since: number) {
  return sb.requests.slice(since).filter((r) => r.path.startsWith('/api/v2/'));
}

/** A listing of users (no id filter) in a state other than active: what Genesys refuses beyond 10,000. */
function unfilteredListing(r: { method: string; path: string; query: string }): string | undefined {
  if (r.method !== 'GET' || r.path !== '/api/v2/users') return undefined;
  const q = new URLSearchParams(r.query);
  if (q.has('id')) return undefined;
  return q.get('state') ?? 'active';
}

/** 300 generated users, 25,000 former ones; one former user manages a declared user, another a live undeclared one. */
function seed(): SeedOrg {
  const org = generateOrg({ users: 300, queues: 3, groups: 2, seed: 21, formerUsers: 25_000 });
  const users = org.users ?? [];
  const active = users.filter((u) => (u.state ?? 'active') === 'active');
  const former = users.filter((u) => u.email.endsWith('@former.example.com'));
  const [leftBoss, oldBoss] = [former[24_990], former[24_991]];
  assert.ok(leftBoss && oldBoss && active[0] && active[1]);
  active[0].manager = leftBoss.email;
  active[1].manager = oldBoss.email;
  return org;
}

describe('an org with 25,000 inactive users', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  let org: SeedOrg;

  before(async () => {
    org = seed();
    sb = await startSandbox({ seed: org, requestsPerMinute: 1_000_000, clients: [CLIENT] });
    conn = await open(sb);
  });
  after(() => sb.stop());

  it('plans from active users and the inactive ones it names, never listing inactive users', async () => {
    const all = [...sb.org.users.values()];
    const inactive = all.filter((u) => u.state === 'inactive');
    assert.ok(inactive.length > 25_000);
    const active = all.filter((u) => u.state === 'active');
    const declaredInactive = inactive.filter((u) => !u.email.endsWith('@former.example.com'));
    const returning = inactive.filter((u) => u.email.endsWith('@former.example.com')).slice(0, 5);
    // The first user whose manager left (the seed gives two such users).
    const managed = sb.org.liveUserByEmail((org.users ?? []).find((u) => u.manager?.endsWith('@former.example.com'))?.email ?? '');
    const leftBoss = managed?.managerId === undefined ? undefined : sb.org.getUser(managed.managerId);
    assert.ok(leftBoss);
    const request: ReadRequest = {
      emails: [...active.slice(0, 250), ...declaredInactive, ...returning].map((u) => u.email),
      queueNames: [],
      roles: false,
      // The declared users name a manager who left (as the files would) ...
      managerEmails: [leftBoss.email],
      // ... and manage their manager, whose current value the plan shows by email.
      managed: { manager: active.map((u) => u.email) },
    };
    const since = sb.requests.length;
    const state = await conn.reader.readOrg(request);
    const seen = apiRequests(sb, since);
    assert.deepEqual(seen.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.path}?${r.query}`), [], 'no request refused');
    assert.deepEqual([...new Set(seen.map(unfilteredListing).filter(Boolean))], ['active'], 'inactive users are never listed');

    const got = new Map(state.users.map((u) => [u.id, u]));
    for (const u of [...active, ...declaredInactive, ...returning]) assert.equal(got.get(u.id)?.state, u.state, u.email);
    // Every manager of an active user is read, by id where they left; the one named in the files too.
    const managers = new Set(active.map((u) => u.managerId).filter((id): id is string => id !== undefined));
    for (const id of managers) assert.ok(got.has(id), `manager ${id}`);
    assert.equal(got.get(leftBoss.id)?.email, leftBoss.email);
    // No other inactive user is read.
    const wanted = new Set([...declaredInactive, ...returning].map((u) => u.id).concat([...managers]));
    assert.deepEqual(state.users.filter((u) => u.state === 'inactive' && !wanted.has(u.id)).map((u) => u.email), []);
    // Details of the declared inactive users come from a read by id (search gives none of the expansions).
    for (const u of returning) assert.deepEqual(got.get(u.id)?.roleIds, u.grants.map((g) => g.roleId), u.email);
    assert.equal(got.get(returning[0]?.id ?? '')?.unknown, undefined);

    const missing = declaredInactive.length + returning.length;
    const inactiveManagers = [...managers].filter((id) => sb.org.getUser(id)?.state === 'inactive').length;
    // 1 org + 7 look-ups + active pages + searches for the declared and named emails missing among active users
    // + the declared inactive users by id + the managers who left by id.
    const floor = 1 + 7 + Math.ceil(active.length / PAGE_SIZE.users) + Math.ceil((missing + 1) / SEARCH_BATCH) + Math.ceil(missing / ID_BATCH) + Math.ceil(inactiveManagers / ID_BATCH);
    assert.equal(state.apiCalls, seen.length);
    assert.equal(state.apiCalls, floor);
  });
});

describe('reading every inactive user (export) beyond the 10,000 Genesys lists', () => {
  let sb: RunningSandbox;
  let conn: Connection;

  before(async () => {
    sb = await startSandbox({ seed: generateOrg({ users: 20, queues: 1, groups: 1, seed: 8, formerUsers: LISTING_WINDOW + 300 }), requestsPerMinute: 1_000_000, clients: [CLIENT] });
    conn = await open(sb);
  });
  after(() => sb.stop());

  it('searches them division by division and reads them by id, with every expansion; no page refused', async () => {
    const since = sb.requests.length;
    const progress: string[] = [];
    const state = await conn.reader.readOrg({ emails: [], queueNames: [], roles: true, inactive: 'all' }, (m) => progress.push(m));
    const seen = apiRequests(sb, since);
    assert.deepEqual(seen.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.path}?${r.query}`), []);
    const live = [...sb.org.users.values()].filter((u) => u.state !== 'deleted');
    assert.deepEqual(state.users.filter((u) => u.state !== 'deleted').map((u) => u.id).sort(), live.map((u) => u.id).sort());
    assert.equal(state.warnings, undefined);
    assert.equal(seen.filter((r) => unfilteredListing(r) === 'inactive').length, 1, 'one page tells the count; the rest by search');
    const inactive = live.filter((u) => u.state === 'inactive');
    const searches = seen.filter((r) => r.method === 'POST' && r.path === '/api/v2/users/search').length;
    const perDivision = sb.org.divisions.sorted().map((d) => inactive.filter((u) => u.divisionId === d.id).length);
    assert.ok(Math.max(...perDivision) <= LISTING_WINDOW);
    assert.equal(searches, perDivision.reduce((n, c) => n + Math.max(1, Math.ceil(c / PAGE_SIZE.search)), 0));
    assert.equal(seen.filter((r) => r.path === '/api/v2/users' && new URLSearchParams(r.query).has('id')).length, Math.ceil(inactive.length / ID_BATCH));
    const former = state.users.find((u) => u.email.endsWith('@former.example.com'));
    assert.equal(former?.unknown, undefined, 'inactive users come with every expansion');
    assert.deepEqual(former?.roleGrants?.map((g) => g.roleId), [sb.org.roles.sorted().find((r) => r.name === 'employee')?.id]);
    assert.ok(progress.some((m) => /^users [\d,]+\/[\d,]+$/.test(m)));
  });

  it('says, with counts, which inactive users it could not read where one division holds more than 10,000', async () => {
    const support = sb.org.divisions.sorted().find((d) => d.name === 'Support');
    assert.ok(support);
    const inactive = sb.org.listUsers('inactive');
    for (const u of inactive.slice(0, LISTING_WINDOW + 100)) sb.org.updateUser(u.id, (rec) => (rec.divisionId = support.id), { bumpVersion: false });
    const since = sb.requests.length;
    const state = await conn.reader.readOrg({ emails: [], queueNames: [], roles: false, inactive: 'all' });
    assert.deepEqual(apiRequests(sb, since).filter((r) => r.status >= 400).map((r) => r.path), []);
    const elsewhere = inactive.filter((u) => u.divisionId !== support.id);
    assert.deepEqual(state.users.filter((u) => u.state === 'inactive').map((u) => u.id).sort(), elsewhere.map((u) => u.id).sort());
    const inSupport = (inactive.length - elsewhere.length).toLocaleString('en-US');
    assert.deepEqual(
      state.warnings?.map((w) => [w.code, w.message]),
      [
        ['inactive-users-not-read', `The division "Support" has ${inSupport} inactive users; Genesys lists and searches at most 10,000, so none of them was exported.`],
        [
          'inactive-users-not-read',
          `The org has ${inactive.length.toLocaleString('en-US')} inactive users; ${inSupport} of them could not be read (Genesys lists at most 10,000, and searching them division by division found fewer).`,
        ],
      ],
    );
  });
});

describe('deleted users and managers who left', () => {
  it('reads a declared deleted user by id with state=deleted, the latest deletion of its email', async () => {
    const sb = await startSandbox({
      seed: {
        org: { name: 'Deleted Org' },
        divisions: [{ name: 'Home', home: true }],
        skills: ['Billing'],
        users: [
          { email: 'boss@acme.com', name: 'Boss' },
          { email: 'kim@acme.com', name: 'Kim Old', state: 'deleted', dateDeleted: '2025-01-01T00:00:00.000Z', version: 3 },
          { email: 'kim@acme.com', name: 'Kim', state: 'deleted', dateDeleted: '2026-03-02T10:00:00.000Z', version: 7, skills: { Billing: 4 } },
          { email: 'lee@acme.com', name: 'Lee', state: 'inactive', manager: 'boss@acme.com' },
        ],
      },
      requestsPerMinute: 1_000_000,
      clients: [CLIENT],
    });
    try {
      const conn = await open(sb);
      const since = sb.requests.length;
      const state = await conn.reader.readOrg({ emails: ['kim@acme.com', 'lee@acme.com'], queueNames: [], roles: false });
      const kim = state.users.filter((u) => u.email === 'kim@acme.com');
      assert.equal(kim.length, 1);
      assert.equal(kim[0]?.version, 7);
      assert.deepEqual(Object.values(kim[0]?.skills ?? {}), [4]);
      const reads = apiRequests(sb, since).filter((r) => /^\/api\/v2\/users\/[^/]+$/.test(r.path) && r.path !== '/api/v2/users/search');
      assert.deepEqual(reads.map((r) => new URLSearchParams(r.query).get('state')), ['deleted']);
      assert.equal(state.users.find((u) => u.email === 'lee@acme.com')?.state, 'inactive');
    } finally {
      await sb.stop();
    }
  });
});
