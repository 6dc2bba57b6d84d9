// Apply against users changed in the org since the plan (deleted, or created by someone else), through the SDK and the sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import type { DesiredUser, OperationRecord } from '../../src/model/index.js';
import type { SeedOrg } from '../../src/sandbox/types.js';
import { SkippingClock } from '../support/clock.js';
import { sdkClientFor } from '../support/sdk.js';
import { desiredState, planFor, startHarness } from './harness.js';
import type { Harness } from './harness.js';

/** Apply's back-off (conflicts, re-reads that may lag) passes in virtual time: these tests never wait for it. */
const quick = (): ApplyOptions => {
  const clock = new SkippingClock();
  return { concurrency: 4, findRetry: { attempts: 5, delayMs: 20 }, sleep: (ms) => clock.sleep(ms) };
};

const seed: SeedOrg = {
  org: { name: 'Stale Test' },
  divisions: [{ name: 'Home', home: true }, 'Support'],
  skills: ['Billing', 'Legacy Fax'],
  languages: ['English'],
  roles: ['employee'],
  queues: ['Support - Tier 1'],
  groups: ['Team A'],
  users: [{ email: 'hannah.kowalski@acme.com', name: 'Hannah Kowalski', title: 'Agent', division: 'Support', skills: { Billing: 5, 'Legacy Fax': 2 } }],
};

const user = (email: string, name: string, extra: Partial<DesiredUser> = {}): DesiredUser => ({ email, name, source: { file: 'users/test.yaml', line: 1 }, at: {}, ...extra });

async function withHarness(run: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness({ port: 0, seed });
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

test('a user deleted between plan and apply: a conflict, never "already removed" nor written', async () => {
  await withHarness(async (h) => {
    const plan = await planFor(h, desiredState([user('hannah.kowalski@acme.com', 'Hannah Kowalski', { title: 'Senior Agent', division: 'Support', skills: { Billing: 2 } })]));
    assert.deepEqual(plan.changes.map((c) => c.action), ['update']);
    const hannah = h.sandbox.org.liveUserByEmail('hannah.kowalski@acme.com')!;
    const other = await sdkClientFor(h.sandbox);
    await other.users.deleteUser(hannah.id);
    const journal: OperationRecord[] = [];
    const report = await applyPlan(plan, h.connection.writer, { ...quick(), journal: (r) => journal.push(r) });
    assert.equal(report.conflicts, 1);
    assert.equal(report.failed, 1);
    assert.equal(report.updated, 0);
    assert.ok(journal.some((r) => r.outcome === 'conflict' && /deleted in the org since the plan/.test(r.message ?? '')), JSON.stringify(journal));
    assert.ok(!journal.some((r) => r.outcome === 'already-done' || r.outcome === 'ok'), JSON.stringify(journal));
    const after = h.sandbox.org.getUser(hannah.id)!;
    assert.equal(after.state, 'deleted');
    assert.equal(after.title, 'Agent');
  });
});

test('a create that meets a user someone else created since the plan: a conflict, their fields kept', async () => {
  await withHarness(async (h) => {
    const plan = await planFor(h, desiredState([user('sofia.rossi@acme.com', 'Sofia Rossi', { title: 'Inside Sales', skills: { Billing: 3 }, groups: ['Team A'] })]));
    assert.deepEqual(plan.changes.map((c) => c.action), ['create']);
    const other = await sdkClientFor(h.sandbox);
    const theirs = await other.users.postUsers({ name: 'Sofia R.', email: 'sofia.rossi@acme.com', title: 'Contractor', divisionId: h.sandbox.org.homeDivision().id });
    const journal: OperationRecord[] = [];
    const report = await applyPlan(plan, h.connection.writer, { ...quick(), journal: (r) => journal.push(r) });
    assert.equal(report.conflicts, 1);
    assert.equal(report.created, 0);
    const conflict = journal.find((r) => r.outcome === 'conflict');
    assert.match(conflict?.message ?? '', /created in the org since the plan.*name "Sofia R\.", planned "Sofia Rossi".*Re-plan/);
    const after = h.sandbox.org.getUser(theirs.id!)!;
    assert.deepEqual({ name: after.name, title: after.title, skills: after.skills.size, groups: h.sandbox.org.groups.byExactName('Team A')?.members.size }, { name: 'Sofia R.', title: 'Contractor', skills: 0, groups: 0 });
    assert.equal(h.sandbox.org.usersByEmail('sofia.rossi@acme.com').length, 1);
  });
});

test('a create that meets the user an earlier, interrupted run of the same plan made: adopted and finished', async () => {
  await withHarness(async (h) => {
    const plan = await planFor(h, desiredState([user('sofia.rossi@acme.com', 'Sofia Rossi', { title: 'Inside Sales', division: 'Support', skills: { Billing: 3 } })]));
    // The earlier run: its create landed (as the plan would make it), then it was killed.
    const other = await sdkClientFor(h.sandbox);
    const earlier = await other.users.postUsers({ name: 'Sofia Rossi', email: 'sofia.rossi@acme.com', title: 'Inside Sales', divisionId: h.sandbox.org.divisions.byExactName('Support')!.id });
    const report = await applyPlan(plan, h.connection.writer, quick());
    assert.equal(report.conflicts, 0);
    assert.equal(report.failed, 0);
    assert.equal(report.created, 1);
    assert.equal(h.sandbox.org.getUser(earlier.id!)?.skills.size, 1);
    assert.equal(h.sandbox.org.usersByEmail('sofia.rossi@acme.com').length, 1);
  });
});
