// An email change end to end through the SDK and the sandbox: formerEmails in a users file, one user, no create, queues and roles kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyPlan } from '../../src/apply/index.js';
import { loadDesired } from '../../src/desired/index.js';
import type { SeedOrg } from '../../src/sandbox/types.js';
import { assertNoDuplicates, planFor, withHarness } from './harness.js';

const seed = (): SeedOrg => ({
  org: { name: 'Email Change' },
  divisions: [{ name: 'Home', home: true }, 'Support'],
  skills: ['Billing'],
  languages: ['English'],
  roles: ['employee', 'Supervisor'],
  queues: ['Support - Tier 1', 'Sales'],
  groups: ['Team A'],
  users: [
    { email: 'kim.sato@acme.com', name: 'Kim Sato', title: 'Agent', roles: ['employee', 'Supervisor'], skills: { Billing: 3 }, queues: ['Support - Tier 1', 'Sales'], groups: ['Team A'] },
    { email: 'ola.lind@acme.com', name: 'Ola Lind' },
  ],
});

/** Writes `yaml` as users/team.yaml in a folder of its own and loads it. */
async function load(yaml: string, config: Parameters<typeof loadDesired>[1]) {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-email-'));
  try {
    writeFileSync(path.join(dir, 'team.yaml'), yaml);
    return await loadDesired([dir], config);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const YAML = `users:
  - email: kim.tanaka@acme.com
    formerEmails: [kim.sato@acme.com]
    name: Kim Sato
    title: Senior Agent
    queues: [Support - Tier 1, Sales]
    roles: [employee, Supervisor]
`;

test('formerEmails: apply changes the email of the one existing user; queues, roles and skills stay; a re-plan is empty', async () => {
  await withHarness({ seed: seed() }, async (h) => {
    const desired = await load(YAML, h.config);
    assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
    const before = h.sandbox.org.liveUserByEmail('kim.sato@acme.com')!;
    const count = h.sandbox.org.listUsers('any').length;
    const plan = await planFor(h, desired);
    assert.deepEqual(
      plan.changes.map((c) => [c.action, c.id, c.fields.map((f) => f.field)]),
      [['update', before.id, ['email', 'title']]],
    );
    assert.equal(plan.summary.create, 0);
    const report = await applyPlan(plan, h.connection.writer, { concurrency: 2 });
    assert.deepEqual(report.problems, []);
    assert.equal(report.created, 0);
    assert.equal(h.sandbox.org.listUsers('any').length, count, 'no second account');
    const after = h.sandbox.org.liveUserByEmail('kim.tanaka@acme.com')!;
    assert.equal(after.id, before.id);
    assert.equal(after.title, 'Senior Agent');
    assert.equal(h.sandbox.org.liveUserByEmail('kim.sato@acme.com'), undefined);
    assert.deepEqual([...after.skills.keys()].length, 1, 'skills are kept');
    const again = await planFor(h, desired);
    assert.deepEqual(again.changes, [], 'queues and roles are as declared, under the new email');
    assertNoDuplicates(h.sandbox);
  });
});

test('the sandbox refuses an email another active user took since the plan: 409, reported, nothing else written', async () => {
  await withHarness({ seed: seed() }, async (h) => {
    const desired = await load(YAML, h.config);
    const plan = await planFor(h, desired);
    h.sandbox.org.addUser({ email: 'kim.tanaka@acme.com', name: 'Someone Else' });
    const report = await applyPlan(plan, h.connection.writer, { concurrency: 1 });
    assert.equal(report.failed, 1);
    assert.ok(report.problems.some((p) => p.status === 409), JSON.stringify(report.problems));
    assert.ok(h.sandbox.org.liveUserByEmail('kim.sato@acme.com'), 'the old account keeps its email');
  });
});
