// Conformance: users listing, get, create, PATCH with versions, soft delete, restore and search, through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';
import { SkippingClock } from '../support/clock.js';

type Body = Record<string, unknown>;

test('paging: every page in a stable order, the last page short, a page beyond empty', async () => {
  await withSandbox({ seed: generateOrg({ users: 1_234, seed: 3 }) }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const active = sandbox.org.listUsers('active').length;
    const first = await sdk.users.getUsers({ pageSize: 500 });
    assert.equal(first.total, active);
    assert.equal(first.pageCount, Math.ceil(active / 500));
    assert.match(String(first.nextUri), /pageNumber=2/);
    assert.equal(first.previousUri, undefined);
    const ids = new Set<string>();
    for (let n = 1; n <= (first.pageCount ?? 0); n++) {
      const page = await sdk.users.getUsers({ pageSize: 500, pageNumber: n });
      for (const u of page.entities ?? []) ids.add(u.id as string);
      if (n === first.pageCount) {
        assert.equal(page.entities?.length, active - 500 * (n - 1));
        assert.equal(page.nextUri, undefined);
        assert.match(String(page.lastUri), new RegExp(`pageNumber=${n}`));
      }
    }
    assert.equal(ids.size, active);
    const beyond = await sdk.users.getUsers({ pageSize: 500, pageNumber: (first.pageCount ?? 0) + 1 });
    assert.deepEqual(beyond.entities, []);
    assert.equal(beyond.total, active);
    const def = await sdk.users.getUsers({});
    assert.equal(def.pageSize, 25);
    const desc = await sdk.users.getUsers({ sortOrder: 'DESC', pageSize: 25 });
    const all = sandbox.org.listUsers('active');
    assert.deepEqual(desc.entities?.map((u) => u.id), all.slice(-25).reverse().map((u) => u.id));
  });
});

test('pageSize above 500 (or below 1) is a 400', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    for (const pageSize of [501, 0]) {
      const error = (await rejection(sdk.users.getUsers({ pageSize }))) as Body;
      assert.equal(error.status, 400);
      assert.equal(error.code, 'bad.request');
    }
  });
});

test('state filter: active by default, then inactive, deleted and any; id and expand', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const emails = async (state?: string) => ((await sdk.users.getUsers(state ? { state } : {})).entities ?? []).map((u) => u.email).sort();
    assert.deepEqual(await emails(), ['nina.berg@acme.com', 'ola.lind@acme.com', 'priya.raman@acme.com']);
    assert.deepEqual(await emails('inactive'), ['tom.becker@acme.com']);
    assert.deepEqual(await emails('deleted'), ['kim.sato@acme.com']);
    assert.equal((await emails('any')).length, 5);
    const nina = sandbox.org.liveUserByEmail('nina.berg@acme.com');
    const tom = sandbox.org.liveUserByEmail('tom.becker@acme.com');
    const byId = await sdk.users.getUsers({ id: [nina?.id as string, tom?.id as string], state: 'any', expand: ['skills', 'languages', 'groups', 'locations', 'authorization', 'profileSkills', 'certifications', 'employerInfo'] });
    assert.equal(byId.total, 2);
    const n = byId.entities?.find((u) => u.email === 'nina.berg@acme.com');
    assert.deepEqual(n?.skills?.map((s) => [s.name, s.proficiency]), [['Billing', 3]]);
    assert.deepEqual(n?.languages?.map((s) => [s.name, s.proficiency]), [['English', 5]]);
    assert.deepEqual(n?.groups?.map((g) => g.name), ['Support Team', 'Team Leads']);
    assert.deepEqual(n?.profileSkills, []);
    // A number with an extension comes back as Genesys sends it: the number only in display form (see addresses.test.ts).
    assert.deepEqual(n?.addresses, [{ mediaType: 'PHONE', type: 'WORK', extension: '120', display: '(317) 555-0120' }]);
    // Listings never serve stale expansions after a change.
    await sdk.users.patchUserRoutingskillsBulk(nina?.id as string, [{ id: sandbox.org.skills.byExactName('Chat')?.id as string, proficiency: 1 }]);
    const again = await sdk.users.getUsers({ id: [nina?.id as string], expand: ['skills'] });
    assert.deepEqual(again.entities?.[0]?.skills?.map((s) => s.name).sort(), ['Billing', 'Chat']);
    const plain = await sdk.users.getUsers({ id: [nina?.id as string] });
    assert.equal(plain.entities?.[0]?.skills, undefined);
    const invalid = (await rejection(sdk.users.getUsers({ state: 'gone' }))) as Body;
    assert.equal(invalid.status, 400);
  });
});

test('create: required fields, home division by default, unique email, a deleted email is a 400 conflict', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const created = await sdk.users.postUsers({ name: 'New Person', email: 'new.person@acme.com' } as never);
    assert.equal(created.version, 1);
    assert.equal(created.state, 'active');
    assert.equal(created.division?.name, 'Home');
    const missing = (await rejection(sdk.users.postUsers({ name: 'No Email' } as never))) as Body;
    assert.equal(missing.status, 400);
    const dup = (await rejection(sdk.users.postUsers({ name: 'Again', email: 'NEW.person@acme.com', divisionId: created.division?.id as string }))) as Body;
    assert.equal(dup.status, 409);
    const deleted = (await rejection(sdk.users.postUsers({ name: 'Kim Sato', email: 'kim.sato@acme.com', divisionId: created.division?.id as string }))) as Body;
    assert.equal(deleted.status, 400);
    assert.match(String(deleted.message), /deleted user/);
    const badDivision = (await rejection(sdk.users.postUsers({ name: 'X', email: 'x@acme.com', divisionId: 'nope' }))) as Body;
    assert.equal(badDivision.status, 400);
  });
});

test('PATCH: version required and must match (409), increments, manager must exist', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com');
    const id = priya?.id as string;
    const noVersion = (await rejection(sdk.users.patchUser(id, { title: 'Senior Agent' } as never))) as Body;
    assert.equal(noVersion.status, 400);
    const stale = (await rejection(sdk.users.patchUser(id, { title: 'Senior Agent', version: 7 }))) as Body;
    assert.equal(stale.status, 409);
    assert.equal(stale.code, 'general.conflict');
    assert.equal(stale.message, 'The version number of the modified resource must match the version number in the database.');
    const patched = await sdk.users.patchUser(id, { title: 'Senior Agent', department: 'Support', version: 1 });
    assert.equal(patched.version, 2);
    assert.equal(patched.title, 'Senior Agent');
    const badManager = (await rejection(sdk.users.patchUser(id, { manager: 'no-such-id', version: 2 }))) as Body;
    assert.equal(badManager.status, 400);
    const ola = sandbox.org.liveUserByEmail('ola.lind@acme.com');
    const managed = await sdk.users.patchUser(id, { manager: ola?.id, version: 2 });
    assert.equal(managed.manager?.id, ola?.id);
    // A test can move the version out of band, as another admin would.
    sandbox.org.updateUser(id, () => {});
    const moved = (await rejection(sdk.users.patchUser(id, { title: 'Lead', version: 3 }))) as Body;
    assert.equal(moved.status, 409);
  });
});

test('PATCH with state changes only the state', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const tom = sandbox.org.liveUserByEmail('tom.becker@acme.com');
    const after = await sdk.users.patchUser(tom?.id as string, { state: 'active', title: 'Ignored', version: 1 });
    assert.equal(after.state, 'active');
    assert.equal(after.title, undefined);
    assert.equal(after.version, 2);
  });
});

test('soft delete keeps the user; a restore is a PATCH to active', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com');
    const id = priya?.id as string;
    await sdk.users.deleteUser(id);
    assert.equal(((await rejection(sdk.users.getUser(id))) as Body).status, 404);
    const seen = await sdk.users.getUser(id, { state: 'deleted' });
    assert.equal(seen.state, 'deleted');
    assert.equal(((await rejection(sdk.users.deleteUser(id))) as Body).status, 404);
    const home = sandbox.org.homeDivision().id;
    assert.equal(((await rejection(sdk.users.postUsers({ name: 'Priya', email: 'priya.raman@acme.com', divisionId: home }))) as Body).status, 400);
    const restored = await sdk.users.patchUser(id, { state: 'active', version: seen.version });
    assert.equal(restored.state, 'active');
    assert.equal((await sdk.users.getUser(id)).email, 'priya.raman@acme.com');
  });
});

test('search: EXACT on email, id and state; deleted users only when state is asked for', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const byEmail = await sdk.users.postUsersSearch({ query: [{ type: 'EXACT', fields: ['email'], value: 'NINA.berg@acme.com' }] });
    assert.equal(byEmail.total, 1);
    assert.equal(byEmail.results[0]?.name, 'Nina Berg');
    const id = byEmail.results[0]?.id as string;
    const byId = await sdk.users.postUsersSearch({ query: [{ type: 'EXACT', fields: ['id'], values: [id] }] });
    assert.equal(byId.results[0]?.email, 'nina.berg@acme.com');
    const hidden = await sdk.users.postUsersSearch({ query: [{ type: 'EXACT', fields: ['email'], value: 'kim.sato@acme.com' }] });
    assert.equal(hidden.total, 0);
    const deleted = await sdk.users.postUsersSearch({
      query: [
        { type: 'EXACT', fields: ['email'], value: 'kim.sato@acme.com' },
        { type: 'EXACT', fields: ['state'], values: ['deleted'] },
      ],
    });
    assert.equal(deleted.total, 1);
    const bad = (await rejection(sdk.users.postUsersSearch({ query: [{ type: 'FUZZY', fields: ['email'], value: 'x' }] }))) as Body;
    assert.equal(bad.status, 400);
  });
});

test('search is eventually consistent: changes show after the configured lag', async () => {
  const clock = new SkippingClock();
  await withSandbox({ seed: smallSeed(), searchLagMs: 1_000, clock }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const find = async (email: string, state?: string) =>
      (await sdk.users.postUsersSearch({ query: [{ type: 'EXACT', fields: ['email'], value: email }, ...(state ? [{ type: 'EXACT', fields: ['state'], value: state }] : [])] })).results;
    const created = await sdk.users.postUsers({ name: 'Fresh', email: 'fresh@acme.com', divisionId: sandbox.org.homeDivision().id });
    assert.equal((await find('fresh@acme.com')).length, 0);
    // The old state stays visible until the lag passes, version included.
    const patched = await sdk.users.patchUser(sandbox.org.liveUserByEmail('nina.berg@acme.com')?.id as string, { title: 'Manager', version: 1 });
    const stale = await find('nina.berg@acme.com');
    assert.equal(stale[0]?.title, 'Team Lead');
    assert.equal(stale[0]?.version, 1);
    clock.advance(999);
    assert.equal((await find('fresh@acme.com')).length, 0, 'a millisecond before the lag has passed');
    clock.advance(1);
    assert.equal((await find('fresh@acme.com'))[0]?.id, created.id);
    const fresh = await find('nina.berg@acme.com');
    assert.equal(fresh[0]?.version, patched.version);
  });
});
