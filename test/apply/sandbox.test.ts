// End-to-end tests of apply against the sandbox through the real SDK: convergence, managers, restore, batches, locking, faults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { applyPlan, minimumCalls } from '../../src/apply/index.js';
import type { ApplyOptions, ApplyResult } from '../../src/apply/index.js';
import { loadDesired } from '../../src/desired/index.js';
import { demoSeed, generateOrg } from '../../src/sandbox/index.js';
import type { OperationRecord } from '../../src/model/index.js';
import { parseFaults } from '../../src/sandbox/faults.js';
import type { FaultRule, SeedOrg } from '../../src/sandbox/types.js';
import { SkippingClock } from '../support/clock.js';
import { assertNoDuplicates, desiredState, planFor, splitGenerated, testUser, withHarness } from './harness.js';
import type { Harness } from './harness.js';

const quick: ApplyOptions = { concurrency: 6, findRetry: { attempts: 20, delayMs: 50 } };

/**
 * Users the seeded random faults may leave failed after one apply. A call fails only when the dice beat all its retries
 * (about 0.15^7 for a read): none failed in runs of eight seeds, so more than two means retries or checks broke.
 */
const FAILURE_BOUND = 2;

const user = testUser;

const baseSeed = (extra: SeedOrg = {}): SeedOrg => ({
  org: { name: 'Apply Test' },
  divisions: [{ name: 'Home', home: true }, 'Support'],
  skills: ['Billing', 'Refunds'],
  languages: ['English', 'French'],
  roles: ['employee', 'Agent'],
  queues: ['Support - Tier 1'],
  groups: ['Team A'],
  locations: ['HQ'],
  ...extra,
});

test('the example users/ against the demo org: apply, then plan shows no changes', async () => {
  await withHarness({ seed: await demoSeed() }, async (h) => {
    const desired = await loadDesired([], h.config);
    assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
    const plan = await planFor(h, desired);
    assert.ok(plan.changes.length > 0, 'the demo org starts out of date');
    assert.ok(plan.summary.create > 0 && plan.summary.restore > 0 && plan.summary.update > 0);
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    assert.equal(report.failed, 0);
    assert.equal(report.created, plan.summary.create);
    assert.equal(report.restored, plan.summary.restore);
    const again = await planFor(h, desired);
    assert.deepEqual(again.changes, [], 'nothing is left to change');
    assertNoDuplicates(h.sandbox);
  });
});

test('a generated org: apply, then plan shows no changes, within the fewest calls', async () => {
  const seed = generateOrg({ users: 80, queues: 6, groups: 4, seed: 11 });
  const { orgSeed, desired } = splitGenerated(seed);
  await withHarness({ seed: orgSeed }, async (h) => {
    const state = desiredState(desired);
    const plan = await planFor(h, state);
    assert.ok(plan.summary.create > 10 && plan.summary.update > 10, `creates ${plan.summary.create}, updates ${plan.summary.update}`);
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    const minimum = minimumCalls(plan, h.sandbox.org.homeDivision().id).total;
    // Creates without a division read the home division once.
    assert.ok(report.apiCalls <= minimum + 1, `${report.apiCalls} calls for a minimum of ${minimum}`);
    const again = await planFor(h, state);
    assert.deepEqual(again.changes.map((c) => `${c.action} ${c.email} ${c.fields.map((f) => f.field).join(',')}`), []);
    assertNoDuplicates(h.sandbox);
  });
});

test('a chain of managers created in the same run resolves to their new ids', async () => {
  await withHarness({ seed: baseSeed() }, async (h) => {
    const desired = desiredState([
      user('d.four@acme.com', { manager: 'c.three@acme.com', title: 'Agent' }),
      user('c.three@acme.com', { manager: 'b.two@acme.com' }),
      user('b.two@acme.com', { manager: 'a.one@acme.com' }),
      user('a.one@acme.com', { title: 'Director' }),
    ]);
    const plan = await planFor(h, desired);
    assert.equal(plan.summary.create, 4);
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    const byEmail = (email: string) => h.sandbox.org.liveUserByEmail(email)!;
    assert.equal(byEmail('d.four@acme.com').managerId, byEmail('c.three@acme.com').id);
    assert.equal(byEmail('c.three@acme.com').managerId, byEmail('b.two@acme.com').id);
    assert.equal(byEmail('b.two@acme.com').managerId, byEmail('a.one@acme.com').id);
    assert.deepEqual((await planFor(h, desired)).changes, []);
  });
});

test('a deleted user declared in git is restored with its fields', async () => {
  const seed = baseSeed({
    users: [{ email: 'kim.sato@acme.com', name: 'Kim Sato', state: 'deleted', title: 'Old', skills: { Billing: 1 }, dateDeleted: '2026-03-02T10:00:00Z' }],
  });
  await withHarness({ seed }, async (h) => {
    const desired = desiredState([user('kim.sato@acme.com', { name: 'Kim Sato', title: 'Agent', skills: { Refunds: 4 }, queues: ['Support - Tier 1'], state: 'active' })]);
    const plan = await planFor(h, desired);
    assert.deepEqual(plan.changes.map((c) => c.action), ['restore']);
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    assert.equal(report.restored, 1);
    const kim = h.sandbox.org.liveUserByEmail('kim.sato@acme.com')!;
    assert.equal(kim.state, 'active');
    assert.equal(kim.title, 'Agent');
    assert.equal(h.sandbox.org.users.size, 1, 'restored, not re-created');
    assert.deepEqual((await planFor(h, desired)).changes, []);
  });
});

test('every batch limit is crossed: 60 skills, 120 queue members, 60 group removals, 120 division moves', async () => {
  const skills = Array.from({ length: 60 }, (_, i) => `Skill ${i}`);
  const agents = Array.from({ length: 120 }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${i}`, groups: i < 60 ? ['Team A'] : [] }));
  await withHarness({ seed: baseSeed({ skills, users: agents }) }, async (h) => {
    const desired = desiredState([
      ...agents.map((a, i) => user(a.email, { name: a.name, division: 'Support', queues: ['Support - Tier 1'], groups: [], ...(i === 0 ? { skills: Object.fromEntries(skills.map((s) => [s, 3])) } : {}) })),
    ]);
    const plan = await planFor(h, desired);
    const from = h.sandbox.requests.length;
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    const log = h.sandbox.requests.slice(from).filter((r) => r.status >= 200 && r.status < 300);
    const count = (method: string, pattern: RegExp) => log.filter((r) => r.method === method && pattern.test(r.path)).length;
    assert.equal(count('PATCH', /\/routingskills\/bulk$/), 2);
    assert.equal(count('POST', /\/routing\/queues\/[^/]+\/members$/), 2);
    assert.equal(count('DELETE', /\/groups\/[^/]+\/members$/), 2);
    assert.equal(count('POST', /\/authorization\/divisions\/[^/]+\/objects\/USER$/), 3);
    assert.equal(report.apiCalls, minimumCalls(plan, h.sandbox.org.homeDivision().id).total);
    assert.equal(h.sandbox.org.queues.byExactName('Support - Tier 1')?.members.size, 120);
    assert.equal(h.sandbox.org.groups.byExactName('Team A')?.members.size, 0);
    assert.deepEqual((await planFor(h, desired)).changes, []);
  });
});

test('a concurrent editor between plan and apply: an unrelated field is retried and applied; the same field is a conflict, never overwritten', async () => {
  const seed = baseSeed({
    users: [
      { email: 'ola.lind@acme.com', name: 'Ola Lind', title: 'Agent', department: 'Support' },
      { email: 'nina.berg@acme.com', name: 'Nina Berg', title: 'Agent', department: 'Support' },
    ],
  });
  await withHarness({ seed }, async (h) => {
    const desired = desiredState([user('ola.lind@acme.com', { name: 'Ola Lind', title: 'Lead' }), user('nina.berg@acme.com', { name: 'Nina Berg', title: 'Lead' })]);
    const plan = await planFor(h, desired);
    const ola = h.sandbox.org.liveUserByEmail('ola.lind@acme.com')!;
    const nina = h.sandbox.org.liveUserByEmail('nina.berg@acme.com')!;
    h.sandbox.org.updateUser(ola.id, (u) => {
      u.department = 'Sales';
    });
    h.sandbox.org.updateUser(nina.id, (u) => {
      u.title = 'Supervisor';
    });
    const journal: OperationRecord[] = [];
    const report = await applyPlan(plan, h.connection.writer, { ...quick, journal: (r) => journal.push(r) });
    assert.equal(h.sandbox.org.getUser(ola.id)?.title, 'Lead');
    assert.equal(h.sandbox.org.getUser(ola.id)?.department, 'Sales', "the other editor's change stays");
    assert.equal(h.sandbox.org.getUser(nina.id)?.title, 'Supervisor', 'never overwritten');
    assert.equal(report.conflicts, 1);
    assert.equal(report.failed, 1);
    assert.equal(report.updated, 1);
    const conflict = report.problems.find((p) => p.outcome === 'conflict');
    assert.equal(conflict?.email, 'nina.berg@acme.com');
    assert.equal(conflict?.status, 409);
    assert.match(conflict?.message ?? '', /title is now "Supervisor".*Re-plan/);
    assert.ok(journal.some((r) => r.email === 'ola.lind@acme.com' && r.operation === 'patch' && r.outcome === 'ok'));
  });
});

/** The random rules: 429 storms, 5xx of each body, dropped connections, on every API route (the seeded dice decide). */
const RANDOM: FaultRule[] = [
  { kind: '5xx', probability: 0.04, body: 'json', route: { method: '*', path: '/api/v2/**' } },
  { kind: '5xx', probability: 0.04, body: 'html', route: { method: '*', path: '/api/v2/**' } },
  { kind: '5xx', probability: 0.04, body: 'empty', route: { method: '*', path: '/api/v2/**' } },
  { kind: 'drop', probability: 0.03, route: { method: '*', path: '/api/v2/**' } },
  { kind: '429', probability: 0.01, durationMs: 150, route: { method: '*', path: '/api/v2/**' } },
];

/**
 * Applies a generated org through `rules`, scripted faults of every kind (a lost create answer, a 503, a 429, a dropped
 * read), a token revoked mid-apply and tokens that expire every 2 s. The sandbox, the connection and apply's back-off
 * share virtual time: the waits pass without waiting. Returns the first apply's report and the sandbox's log; a second
 * apply mops up what the first left, then the org matches git, without duplicates or secrets.
 */
async function applyThroughFaults(users: number, rules: FaultRule[], randomSeed = 3): Promise<{ first: ApplyResult; requests: Harness['sandbox']['requests'] }> {
  const tokens = new Set<string>();
  const onRequest = (message: unknown) => {
    const auth = (message as { request: ClientRequest }).request.getHeader('authorization');
    if (typeof auth === 'string' && auth.startsWith('Bearer ')) tokens.add(auth.slice(7));
  };
  subscribe('http.client.request.start', onRequest);
  const seed = generateOrg({ users, queues: 4, groups: 3, seed: 5 });
  const { orgSeed, desired } = splitGenerated(seed);
  const clock = new SkippingClock();
  const options: ApplyOptions = { ...quick, sleep: (ms) => clock.sleep(ms) };
  let result: { first: ApplyResult; requests: Harness['sandbox']['requests'] } | undefined;
  try {
    // The rate limit is raised: 429s come from the faults, not from a minute's budget running out.
    await withHarness({ clock, seed: orgSeed, searchLagMs: 200, randomSeed, faults: rules, requestsPerMinute: 100_000, clients: [{ id: 'apply-test', secret: 'apply-test-secret-value', tokenLifetimeSeconds: 2 }] }, async (h) => {
      const state = desiredState(desired);
      const plan = await planFor(h, state);
      h.sandbox.script({ method: 'POST', path: '/api/v2/users', nth: 2, kind: 'drop-after-commit' });
      h.sandbox.script({ method: 'POST', path: '/api/v2/users', nth: 4, kind: '5xx', status: 503, body: 'html' });
      h.sandbox.script({ method: 'PATCH', path: '/api/v2/users/{id}', nth: 3, kind: '429', ms: 150 });
      h.sandbox.script({ method: 'GET', path: '/api/v2/groups/{id}', kind: 'drop' });
      const journal: OperationRecord[] = [];
      let revoked = false;
      const first = await applyPlan(plan, h.connection.writer, {
        ...options,
        journal: (r) => {
          journal.push(r);
          if (!revoked && journal.length === 40) {
            revoked = true;
            h.sandbox.revokeTokens();
          }
        },
      });
      assert.ok(revoked);
      const met = (kind: string) => h.sandbox.requests.filter((r) => r.fault === kind).length;
      for (const kind of ['5xx', 'drop', '429', 'drop-after-commit']) assert.ok(met(kind) > 0, `the apply met ${kind} faults`);
      assert.ok(h.sandbox.requests.filter((r) => r.path === '/oauth/token').length >= 2, 'logged in again mid-apply (token revoked, or expired after 2 s)');
      if (first.failed > 0) {
        const rest = await planFor(h, state);
        const second = await applyPlan(rest, h.connection.writer, options);
        assert.equal(second.failed, 0, JSON.stringify(second.problems));
      }
      assert.deepEqual((await planFor(h, state)).changes, []);
      assertNoDuplicates(h.sandbox);
      assert.ok(h.connection.stats().reauthentications >= 1, 'the revoked token was replaced');
      const text = JSON.stringify({ first, journal });
      assert.ok(tokens.size > 0);
      for (const token of tokens) assert.ok(!text.includes(token), 'no token in the report or journal');
      assert.ok(!text.includes(h.sandbox.clients[0]!.secret), 'no secret in the report or journal');
      result = { first, requests: h.sandbox.requests };
    });
  } finally {
    unsubscribe('http.client.request.start', onRequest);
  }
  assert.ok(result);
  return result;
}

test('seeded random faults mid-apply (429 storms, 5xx of each body, dropped connections) with scripted ones: few failures, converges, no duplicates, no secrets', async () => {
  const { first, requests } = await applyThroughFaults(60, RANDOM);
  // About one request in seven meets a random fault (some 50 of some 380): the dice were rolled, and often.
  const random = requests.filter((r) => r.fault === '5xx' || r.fault === 'drop' || r.fault === '429').length;
  assert.ok(random >= 20, `${random} random faults met`);
  // Reads and set-like writes are retried, lost creates and patches checked: the dice may beat a call's retries
  // now and then, never often.
  assert.ok(first.failed <= FAILURE_BOUND, `${first.failed} users failed in the first apply: ${JSON.stringify(first.problems)}`);
});

test("scripted faults with a real org's consistency faults at full strength (sub-resource refusals, with stale reads and lagging grants on): one apply converges", async () => {
  const consistency = parseFaults('sub-conflict:1:1s,stale-read:1:1s,auth-lag:1s');
  const { first, requests } = await applyThroughFaults(30, consistency);
  assert.deepEqual(first.problems, [], 'without dice, every refusal is waited out');
  assert.ok(requests.some((r) => r.fault === 'sub-conflict'), 'the apply met sub-resource refusals');
});
