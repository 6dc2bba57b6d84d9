// ACD auto-answer of new users 50 at a time (PATCH /users/bulk) against the sandbox through the SDK; existing users keep their versioned PATCH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, minimumCalls } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import type { OperationRecord } from '../../src/model/index.js';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { sdkClientFor } from '../support/sdk.js';
import { assertNoDuplicates, desiredState, planFor, testUser, withHarness } from './harness.js';

const quick: ApplyOptions = { concurrency: 6, findRetry: { attempts: 20, delayMs: 50 } };

const seed = (existing: number): SeedOrg => ({
  org: { name: 'Auto Answer' },
  divisions: [{ name: 'Home', home: true }],
  users: Array.from({ length: existing }, (_, i) => ({ email: `old${i}@acme.com`, name: `Old ${i}` })),
});

test('new users whose one field after the create is auto-answer are set 50 a call; existing users and new users with more fields keep their own PATCH', async () => {
  await withHarness({ seed: seed(4) }, async (h) => {
    const users = [
      ...Array.from({ length: 120 }, (_, i) => testUser(`new${i}@acme.com`, { name: `New ${i}`, title: 'Agent', acdAutoAnswer: true })),
      // A manager is set by the PATCH after the create, which carries auto-answer along.
      ...Array.from({ length: 3 }, (_, i) => testUser(`managed${i}@acme.com`, { name: `Managed ${i}`, manager: 'old0@acme.com', acdAutoAnswer: true })),
      // Someone else may change an existing user meanwhile: the versioned PATCH would see it, the bulk call would not.
      ...Array.from({ length: 4 }, (_, i) => testUser(`old${i}@acme.com`, { name: `Old ${i}`, acdAutoAnswer: true })),
    ];
    const desired = desiredState(users);
    const plan = await planFor(h, desired);
    const from = h.sandbox.requests.length;
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    const log = h.sandbox.requests.slice(from).filter((r) => r.path.startsWith('/api/'));
    const count = (method: string, pattern: RegExp) => log.filter((r) => r.method === method && pattern.test(r.path)).length;
    assert.equal(count('PATCH', /\/users\/bulk$/), 3, '120 new users: ⌈120/50⌉ calls');
    assert.equal(count('PATCH', /\/users\/(?!bulk$)[^/]+$/), 3 + 4, 'one PATCH for each new user with a manager and each existing user');
    assert.equal(report.apiCalls, minimumCalls(plan).total, 'the fewest calls');

    const sdk = await sdkClientFor(h.sandbox);
    for (const u of users) assert.equal((await sdk.users.getUser(h.sandbox.org.liveUserByEmail(u.email)!.id, {})).acdAutoAnswer, true, u.email);
    assert.deepEqual((await planFor(h, desired)).changes, [], 'nothing left to change');
    assertNoDuplicates(h.sandbox);
  });
});

test('a bulk call that fails is done user by user: each user has its own record, the one deleted meanwhile a failure', async () => {
  await withHarness({ seed: seed(0) }, async (h) => {
    const users = Array.from({ length: 20 }, (_, i) => testUser(`new${i}@acme.com`, { name: `New ${i}`, acdAutoAnswer: true }));
    const plan = await planFor(h, desiredState(users));
    const records: OperationRecord[] = [];
    // Deleted in the org right after its create: the batch naming this user answers 404 as a whole.
    const journal = (r: OperationRecord): void => {
      records.push(r);
      if (r.email === 'new7@acme.com' && r.operation === 'create' && r.outcome === 'ok') {
        const made = h.sandbox.org.liveUserByEmail(r.email)!;
        h.sandbox.org.updateUser(made.id, (u) => (u.state = 'deleted'));
      }
    };
    const from = h.sandbox.requests.length;
    const report = await applyPlan(plan, h.connection.writer, { ...quick, journal });
    const log = h.sandbox.requests.slice(from);
    assert.equal(log.filter((r) => r.method === 'PATCH' && /\/users\/bulk$/.test(r.path) && r.status === 404).length, 1, 'the batch failed once');
    assert.equal(log.filter((r) => r.method === 'PATCH' && /\/users\/(?!bulk$)[^/]+$/.test(r.path)).length, 20, 'then each user on its own');
    const patches = records.filter((r) => r.operation === 'patch');
    assert.equal(patches.length, 20, 'one record per user');
    assert.deepEqual(patches.filter((r) => r.outcome !== 'ok').map((r) => r.email), ['new7@acme.com']);
    assert.deepEqual(report.problems.map((p) => p.email), ['new7@acme.com']);
    for (const u of h.sandbox.org.listUsers('active')) assert.equal(u.acdAutoAnswer, true, u.email);
  });
});
