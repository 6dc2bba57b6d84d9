// Home-division role grants batched per role (PUT /authorization/roles/{id}/users/add) against the sandbox through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, minimumCalls } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { sdkClientFor } from '../support/sdk.js';
import { assertNoDuplicates, desiredState, planFor, testUser, withHarness } from './harness.js';

const quick: ApplyOptions = { concurrency: 6, findRetry: { attempts: 20, delayMs: 50 } };

const seed = (existing: number): SeedOrg => ({
  org: { name: 'Role Batches' },
  divisions: [{ name: 'Home', home: true }, 'Support'],
  roles: ['employee', 'Agent', 'Supervisor'],
  users: Array.from({ length: existing }, (_, i) => ({ email: `old${i}@acme.com`, name: `Old ${i}` })),
});

test('home-division grants of new and existing users go 50 users a call per role; other divisions per user; grants visible per user', async () => {
  await withHarness({ seed: seed(40) }, async (h) => {
    const users = [
      ...Array.from({ length: 40 }, (_, i) => testUser(`old${i}@acme.com`, { name: `Old ${i}`, roles: [{ role: 'Agent' }] })),
      ...Array.from({ length: 80 }, (_, i) => testUser(`new${i}@acme.com`, { name: `New ${i}`, roles: i < 10 ? [{ role: 'Agent' }, { role: 'employee' }] : [{ role: 'Agent' }] })),
      // Another division's grant keeps the per-user subject bulkadd, home grants of the same user with it.
      ...Array.from({ length: 3 }, (_, i) => testUser(`lead${i}@acme.com`, { name: `Lead ${i}`, roles: [{ role: 'Supervisor', division: 'Support' }, { role: 'Agent' }] })),
    ];
    const desired = desiredState(users);
    const plan = await planFor(h, desired);
    const from = h.sandbox.requests.length;
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    const log = h.sandbox.requests.slice(from).filter((r) => r.path.startsWith('/api/'));
    const count = (method: string, pattern: RegExp) => log.filter((r) => r.method === method && pattern.test(r.path)).length;
    const agent = h.sandbox.org.roles.byExactName('Agent')!;
    const employee = h.sandbox.org.roles.byExactName('employee')!;
    assert.equal(count('PUT', new RegExp(`/authorization/roles/${agent.id}/users/add$`)), 3, '120 Agents: ⌈120/50⌉ calls');
    assert.equal(count('PUT', new RegExp(`/authorization/roles/${employee.id}/users/add$`)), 1);
    assert.equal(count('POST', /\/authorization\/subjects\/[^/]+\/bulkadd$/), 3, 'one per user with a grant in another division');
    assert.equal(report.apiCalls, minimumCalls(plan, h.sandbox.org.homeDivision().id).total, 'the fewest calls');
    assert.equal(count('GET', /\/authorization\/divisions\/home$/), 0, 'the home division is the one the plan read');

    const sdk = await sdkClientFor(h.sandbox);
    for (const u of users) {
      const id = h.sandbox.org.liveUserByEmail(u.email)!.id;
      const subject = await sdk.authorization.getAuthorizationSubject(id);
      const got = (subject.grants ?? []).map((g) => `${g.role?.name}@${g.division?.name}`).sort();
      assert.deepEqual(got, (u.roles ?? []).map((r) => `${r.role}@${r.division ?? 'Home'}`).sort(), u.email);
    }
    assert.deepEqual((await planFor(h, desired)).changes, [], 'nothing left to change');
    assertNoDuplicates(h.sandbox);
  });
});

test('a batch that fails is granted user by user: each user has its own record, the deleted one a conflict', async () => {
  await withHarness({ seed: seed(30) }, async (h) => {
    const users = Array.from({ length: 30 }, (_, i) => testUser(`old${i}@acme.com`, { name: `Old ${i}`, roles: [{ role: 'Agent' }] }));
    const plan = await planFor(h, desiredState(users));
    // Deleted in the org after the plan: the batch naming this user answers 404 as a whole.
    const gone = h.sandbox.org.liveUserByEmail('old7@acme.com')!;
    h.sandbox.org.updateUser(gone.id, (u) => (u.state = 'deleted'));
    const records: Array<{ email: string; operation: string; outcome: string }> = [];
    const from = h.sandbox.requests.length;
    const report = await applyPlan(plan, h.connection.writer, { ...quick, journal: (r) => records.push(r) });
    const log = h.sandbox.requests.slice(from);
    assert.equal(log.filter((r) => r.method === 'PUT' && /\/users\/add$/.test(r.path) && r.status === 404).length, 1, 'the batch failed once');
    assert.equal(log.filter((r) => r.method === 'POST' && /\/bulkadd$/.test(r.path)).length, 30, 'then each user on its own');
    const grants = records.filter((r) => r.operation === 'grant roles Agent');
    assert.equal(grants.length, 30, 'one record per user');
    assert.deepEqual(grants.filter((r) => r.outcome !== 'ok').map((r) => `${r.email} ${r.outcome}`), ['old7@acme.com conflict']);
    assert.deepEqual(report.problems.map((p) => p.email), ['old7@acme.com']);
    const agent = h.sandbox.org.roles.byExactName('Agent')!.id;
    for (const u of h.sandbox.org.listUsers('active')) assert.deepEqual(u.grants.map((g) => g.roleId), [agent], u.email);
  });
});
