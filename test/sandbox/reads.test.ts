// Conformance: the listing window of inactive users, page-size limits per listing, search expands and best-effort expansions, through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFaults } from '../../src/sandbox/faults.js';
import { generateOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

const EXPAND = ['skills', 'languages', 'groups', 'locations', 'authorization', 'profileSkills', 'certifications', 'employerInfo'];

test('inactive users list only within the first 10,000 results; by id any of them, at most 100 ids', async () => {
  await withSandbox({ seed: generateOrg({ users: 40, queues: 2, groups: 2, seed: 5, formerUsers: 10_100 }) }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const inactive = sandbox.org.listUsers('inactive');
    assert.ok(inactive.length >= 10_100);
    const first = await sdk.users.getUsers({ state: 'inactive', pageSize: 500 });
    // The first page still tells the whole count: a reader learns from it that the listing cannot reach them all.
    assert.equal(first.total, inactive.length);
    assert.equal(first.pageCount, Math.ceil(inactive.length / 500));
    assert.equal((await sdk.users.getUsers({ state: 'inactive', pageSize: 500, pageNumber: 20 })).entities?.length, 500);
    assert.equal((await sdk.users.getUsers({ state: 'inactive', pageSize: 100, pageNumber: 100 })).entities?.length, 100);
    const cases: Array<{ state: string; pageSize: number; pageNumber: number }> = [
      { state: 'inactive', pageSize: 500, pageNumber: 21 },
      { state: 'inactive', pageSize: 100, pageNumber: 101 },
      { state: 'inactive', pageSize: 300, pageNumber: 34 },
      { state: 'any', pageSize: 500, pageNumber: 21 },
      { state: 'deleted', pageSize: 500, pageNumber: 21 },
    ];
    for (const c of cases) {
      const error = (await rejection(sdk.users.getUsers(c))) as Body;
      assert.equal(error.status, 400, JSON.stringify(c));
      assert.equal(error.code, 'bad.request', JSON.stringify(c));
      assert.match(String(error.message), /10000 results/);
    }
    // Active users are not windowed.
    assert.equal((await sdk.users.getUsers({ pageSize: 500, pageNumber: 1 })).total, sandbox.org.listUsers('active').length);
    const last = inactive.slice(-100);
    const byId = await sdk.users.getUsers({ state: 'inactive', id: last.map((u) => u.id), pageSize: 100, expand: ['authorization'] });
    assert.deepEqual(byId.entities?.map((u) => u.id), last.map((u) => u.id));
    assert.deepEqual(byId.entities?.[0]?.authorization?.roles?.map((r) => r.name), ['employee']);
    const tooMany = (await rejection(sdk.users.getUsers({ state: 'inactive', id: inactive.slice(0, 101).map((u) => u.id), pageSize: 100 }))) as Body;
    assert.equal(tooMany.status, 400);
    // Search has the same window.
    const search = (await rejection(sdk.users.postUsersSearch({ pageSize: 100, pageNumber: 101, query: [{ type: 'EXACT', fields: ['state'], values: ['inactive'] }] }))) as Body;
    assert.equal(search.status, 400);
    const within = await sdk.users.postUsersSearch({ pageSize: 100, pageNumber: 100, query: [{ type: 'EXACT', fields: ['state'], values: ['inactive'] }] });
    assert.equal(within.total, inactive.length);
    assert.equal(within.results?.length, 100);
  });
});

test('page sizes: languages, roles, divisions and locations at most 100; users, skills, queues and groups 500', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const listings: Array<[string, number, (pageSize: number) => Promise<unknown>]> = [
      ['languages', 100, (pageSize) => sdk.routing.getRoutingLanguages({ pageSize })],
      ['roles', 100, (pageSize) => sdk.authorization.getAuthorizationRoles({ pageSize })],
      ['divisions', 100, (pageSize) => sdk.authorization.getAuthorizationDivisions({ pageSize })],
      ['locations', 100, (pageSize) => sdk.locations.getLocations({ pageSize })],
      ['users', 500, (pageSize) => sdk.users.getUsers({ pageSize })],
      ['skills', 500, (pageSize) => sdk.routing.getRoutingSkills({ pageSize })],
      ['queues', 500, (pageSize) => sdk.routing.getRoutingQueues({ pageSize })],
      ['groups', 500, (pageSize) => sdk.groups.getGroups({ pageSize })],
    ];
    for (const [name, max, list] of listings) {
      const page = (await list(max)) as { pageSize?: number };
      assert.equal(page.pageSize, max, name);
      const error = (await rejection(list(max + 1))) as Body;
      assert.equal(error.status, 400, name);
      assert.equal(error.code, 'bad.request', name);
      assert.match(String(error.message), new RegExp(`maximum of ${max}`), name);
    }
  });
});

test('roles listed with userCount=false carry no user count', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const counted = await sdk.authorization.getAuthorizationRoles({ pageSize: 100 });
    assert.ok(counted.entities?.every((r) => typeof r.userCount === 'number'));
    const light = await sdk.authorization.getAuthorizationRoles({ pageSize: 100, userCount: false });
    assert.deepEqual(light.entities?.map((r) => r.name), counted.entities?.map((r) => r.name));
    assert.ok(light.entities?.every((r) => r.userCount === undefined));
  });
});

test('user search takes only the documented expands; other ones are a 400', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const query = [{ type: 'EXACT', fields: ['email'], value: 'nina.berg@acme.com' }];
    for (const expand of [['skills'], ['authorization', 'languages'], ['groups'], ['employerInfo']]) {
      const error = (await rejection(sdk.users.postUsersSearch({ query, expand }))) as Body;
      assert.equal(error.status, 400, expand.join());
      assert.equal(error.code, 'invalid.value', expand.join());
      assert.match(String(error.message), /Valid values: authorization, conversationSummary, geolocation, outOfOffice, presence, routingStatus, station/);
    }
    const found = await sdk.users.postUsersSearch({ query, expand: ['authorization', 'presence', 'routingStatus'] });
    assert.equal(found.results?.[0]?.email, 'nina.berg@acme.com');
    assert.ok(found.results?.[0]?.authorization?.roles);
    assert.equal(found.results?.[0]?.skills, undefined);
    const plain = await sdk.users.postUsersSearch({ query });
    assert.equal(plain.results?.[0]?.authorization, undefined);
  });
});

test('every expansion asked for comes back, empty when empty; profile skills have their own read', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const tom = sandbox.org.liveUserByEmail('tom.becker@acme.com');
    assert.ok(tom);
    const user = await sdk.users.getUser(tom.id, { expand: EXPAND });
    assert.deepEqual(user.skills, []);
    assert.deepEqual(user.languages, []);
    assert.deepEqual(user.groups, []);
    assert.deepEqual(user.locations, []);
    assert.deepEqual(user.profileSkills, []);
    assert.deepEqual(user.certifications, []);
    assert.deepEqual(user.employerInfo, {});
    assert.deepEqual(user.authorization?.roles, []);
    sandbox.org.updateUser(tom.id, (u) => (u.profileSkills = ['Excel', 'Zendesk']));
    assert.deepEqual(await sdk.users.getUserProfileskills(tom.id), ['Excel', 'Zendesk']);
    const gone = sandbox.org.usersByEmail('kim.sato@acme.com')[0];
    assert.ok(gone);
    assert.equal(((await rejection(sdk.users.getUserProfileskills(gone.id))) as Body).status, 404);
  });
});

test('the drop-expand fault parses like the others and only reaches user reads', () => {
  assert.deepEqual(parseFaults('drop-expand:0.25'), [{ kind: 'drop-expand', probability: 0.25 }]);
  assert.deepEqual(parseFaults('drop-expand:1@GET /api/v2/users/{id}'), [{ kind: 'drop-expand', probability: 1, route: { method: 'GET', path: '/api/v2/users/{id}' } }]);
  assert.throws(() => parseFaults('drop-expand:0.1:2s'), /takes only a probability/);
  assert.throws(() => parseFaults('drop-expand'), /probability/);
});

test('drop-expand: listings, reads and searches answer without some expansions, seeded, and other routes meet nothing', async () => {
  const run = async (randomSeed: number) =>
    withSandbox({ seed: smallSeed(), faults: 'drop-expand:1', randomSeed }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      const seen: string[][] = [];
      const present = (u: Body) => EXPAND.filter((e) => u[e] !== undefined);
      for (let i = 0; i < 6; i++) {
        const page = await sdk.users.getUsers({ expand: EXPAND, pageSize: 25 });
        const kept = (page.entities ?? []).map((u) => present(u as unknown as Body).join());
        // One decision per answer: every user of the page carries the same expansions.
        assert.equal(new Set(kept).size, 1);
        const keptList = present((page.entities?.[0] ?? {}) as unknown as Body);
        assert.ok(keptList.length < EXPAND.length, 'at least one expansion is dropped');
        seen.push(keptList);
      }
      const nina = sandbox.org.liveUserByEmail('nina.berg@acme.com');
      assert.ok(nina);
      const read = await sdk.users.getUser(nina.id, { expand: ['skills', 'languages'] });
      assert.ok(present(read as unknown as Body).length < 2);
      const found = await sdk.users.postUsersSearch({ query: [{ type: 'EXACT', fields: ['email'], value: nina.email }], expand: ['authorization'] });
      assert.equal(found.results?.[0]?.authorization, undefined);
      // Without expand there is nothing to drop; other listings are untouched.
      assert.equal((await sdk.users.getUsers({})).entities?.length, 3);
      assert.ok(((await sdk.routing.getRoutingSkills({})).entities ?? []).length > 0);
      assert.ok(!sandbox.requests.some((r) => r.path === '/api/v2/routing/skills' && r.fault !== undefined));
      assert.ok(sandbox.requests.filter((r) => r.path === '/api/v2/users').every((r) => r.fault === 'drop-expand'));
      return seen;
    });
  const a = await run(7);
  assert.deepEqual(await run(7), a, 'the same seed drops the same expansions');
  assert.ok(new Set(a.map((k) => k.join())).size > 1, 'different answers drop different expansions');
});
