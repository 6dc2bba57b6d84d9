// Apply against a sandbox with a real org's consistency faults, through the SDK: sub-resource writes refused while a user is being patched, reads that lag writes; converges, never overwrites.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import { generateOrg } from '../../src/sandbox/index.js';
import type { OperationRecord } from '../../src/model/index.js';
import type { SeedOrg } from '../../src/sandbox/types.js';
import { SkippingClock } from '../support/clock.js';
import { assertNoDuplicates, desiredState, planFor, splitGenerated, testUser, withHarness } from './harness.js';

/**
 * The sandbox, the connection and apply's own back-off (its default policy) share virtual time: the sandbox's windows
 * pass as apply waits them out, without any real waiting.
 */
function virtualTime(): { clock: SkippingClock; options: ApplyOptions } {
  const clock = new SkippingClock();
  return { clock, options: { concurrency: 6, findRetry: { attempts: 20, delayMs: 50 }, sleep: (ms) => clock.sleep(ms) } };
}

const user = testUser;

const seed = (): SeedOrg => ({
  org: { name: 'Consistency Test' },
  divisions: [{ name: 'Home', home: true }],
  skills: ['Billing', 'Refunds'],
  languages: ['English'],
  roles: ['employee', 'Agent'],
  groups: ['Team A'],
  locations: ['HQ', 'Branch'],
  users: [
    { email: 'ola.lind@acme.com', name: 'Ola Lind', title: 'Agent' },
    { email: 'nina.berg@acme.com', name: 'Nina Berg', title: 'Agent' },
  ],
});

test('a generated org under sub-resource refusals and stale reads: one apply converges, no duplicates', async () => {
  const { orgSeed, desired } = splitGenerated(generateOrg({ users: 40, queues: 4, groups: 3, seed: 17 }));
  const { clock, options } = virtualTime();
  // Every time, not at random: each write to a user being patched is refused, each read of a user just written is stale.
  await withHarness({ clock, seed: orgSeed, searchLagMs: 100, requestsPerMinute: 100_000, faults: 'sub-conflict:1:300ms,stale-read:1:300ms' }, async (h) => {
    const state = desiredState(desired);
    const plan = await planFor(h, state);
    assert.ok(plan.summary.create > 10 && plan.summary.update > 10, JSON.stringify(plan.summary));
    const report = await applyPlan(plan, h.connection.writer, options);
    assert.deepEqual(report.problems, []);
    const refused = h.sandbox.requests.filter((r) => r.fault === 'sub-conflict');
    assert.ok(refused.length > 0, 'the apply met refusals');
    assert.ok(refused.some((r) => r.path.endsWith('/routingskills/bulk')), 'on skills');
    assert.deepEqual((await planFor(h, state)).changes, []);
    assertNoDuplicates(h.sandbox);
  });
});

test("stale reads after another person's changes: their location is kept, their title is a conflict, never overwritten", async () => {
  const { clock, options } = virtualTime();
  await withHarness({ clock, seed: seed(), requestsPerMinute: 100_000, faults: 'stale-read:1:400ms' }, async (h) => {
    const desired = desiredState([
      user('ola.lind@acme.com', { name: 'Ola Lind', title: 'Lead', locations: ['HQ'] }),
      user('nina.berg@acme.com', { name: 'Nina Berg', title: 'Lead' }),
    ]);
    const plan = await planFor(h, desired);
    const org = h.sandbox.org;
    const ola = org.liveUserByEmail('ola.lind@acme.com')!;
    const nina = org.liveUserByEmail('nina.berg@acme.com')!;
    // Someone else, right after the plan: reads keep showing the users as the plan saw them for a while.
    org.updateUser(ola.id, (u) => (u.locationIds = [org.locations.byExactName('Branch')!.id]));
    org.updateUser(nina.id, (u) => (u.title = 'Supervisor'));
    const journal: OperationRecord[] = [];
    const report = await applyPlan(plan, h.connection.writer, { ...options, journal: (r) => journal.push(r) });
    assert.ok(h.sandbox.requests.some((r) => r.fault === 'stale-read'), 'apply met stale reads');
    assert.equal(org.getUser(ola.id)?.title, 'Lead');
    assert.deepEqual(org.getUser(ola.id)?.locationIds.map((id) => org.locations.get(id)?.name).sort(), ['Branch', 'HQ']);
    assert.equal(org.getUser(nina.id)?.title, 'Supervisor', 'never overwritten');
    assert.equal(report.conflicts, 1);
    assert.deepEqual(report.problems.map((p) => [p.email, p.outcome]), [['nina.berg@acme.com', 'conflict']]);
    assert.ok(journal.some((r) => r.email === 'ola.lind@acme.com' && r.operation === 'patch' && r.outcome === 'ok'));
  });
});

test('a PATCH whose answer is lost, re-read stale after the 409: counted done once the read catches up, written once', async () => {
  const { clock, options } = virtualTime();
  await withHarness({ clock, seed: seed(), requestsPerMinute: 100_000, faults: 'stale-read:1:400ms' }, async (h) => {
    const desired = desiredState([user('ola.lind@acme.com', { name: 'Ola Lind', title: 'Lead' })]);
    const plan = await planFor(h, desired);
    const ola = h.sandbox.org.liveUserByEmail('ola.lind@acme.com')!;
    const version = ola.version;
    h.sandbox.script({ method: 'PATCH', path: '/api/v2/users/{id}', kind: 'drop-after-commit' });
    const journal: OperationRecord[] = [];
    const report = await applyPlan(plan, h.connection.writer, { ...options, journal: (r) => journal.push(r) });
    assert.deepEqual(report.problems, []);
    assert.equal(ola.title, 'Lead');
    assert.equal(ola.version, version + 1, 'written once');
    assert.deepEqual(journal.map((r) => r.outcome), ['already-done']);
    const log = h.sandbox.requests.map((r) => `${r.method} ${r.status}${r.fault ? ` ${r.fault}` : ''}`).filter((l) => !l.startsWith('POST'));
    assert.ok(log.includes('GET 200 stale-read'), log.join(', '));
    assert.ok(log.filter((l) => l === 'PATCH 409').length >= 2, 'the same version was tried again after waiting, not trusted from a stale read');
  });
});

test('group adds, skills, languages and roles of users just activated: refused at first, applied once the patch settles', async () => {
  // Activations come first, so every later write meets users patched moments ago.
  const users = Array.from({ length: 8 }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${i}`, title: 'Agent', state: 'inactive' as const }));
  const { clock, options } = virtualTime();
  await withHarness({ clock, seed: { ...seed(), users }, requestsPerMinute: 100_000, faults: 'sub-conflict:1:5s' }, async (h) => {
    const desired = desiredState(
      users.map((u) => user(u.email, { name: u.name, state: 'active', title: 'Senior Agent', skills: { Billing: 3 }, languages: { English: 4 }, roles: [{ role: 'Agent' }], groups: ['Team A'] })),
    );
    const plan = await planFor(h, desired);
    const report = await applyPlan(plan, h.connection.writer, options);
    assert.deepEqual(report.problems, []);
    const kinds = { 'group add': /\/groups\/[^/]+\/members$/, skills: /\/routingskills\/bulk$/, languages: /\/routinglanguages\/bulk$/, roles: /\/bulkadd$|\/roles\/[^/]+\/users\/add$/ };
    const refused = h.sandbox.requests.filter((r) => r.fault === 'sub-conflict');
    for (const [kind, pattern] of Object.entries(kinds)) assert.ok(refused.some((r) => pattern.test(r.path)), `a ${kind} was refused`);
    assert.deepEqual((await planFor(h, desired)).changes, []);
  });
});
