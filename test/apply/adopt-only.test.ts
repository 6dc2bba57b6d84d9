// Adopt-only end to end through the SDK and the sandbox: users.create off, users missing from the org wait, the others change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { applyPlan } from '../../src/apply/index.js';
import { loadDesired } from '../../src/desired/index.js';
import { renderPlan } from '../../src/render/index.js';
import type { SeedOrg } from '../../src/sandbox/types.js';
import { planFor, withHarness } from './harness.js';

const seed = (): SeedOrg => ({
  org: { name: 'Beside SCIM' },
  divisions: [{ name: 'Home', home: true }],
  skills: ['Billing', 'Chat'],
  languages: ['English', 'Spanish'],
  roles: ['employee'],
  queues: ['Support - Tier 1', 'Sales'],
  users: [
    { email: 'nina.berg@acme.com', name: 'Nina Berg (Okta)', title: 'Agent', skills: { Billing: 2 } },
    { email: 'ola.lind@acme.com', name: 'Ola Lind (Okta)', queues: ['Sales'] },
  ],
});

// Identity (name, email, state) is the identity provider's: the files name routing only, and no names.
const YAML = `create: false
users:
  - email: nina.berg@acme.com
    skills: { Billing: 4, Chat: 3 }
    languages: { English: 5 }
    queues: [Support - Tier 1]
  - email: ola.lind@acme.com
    queues: [Support - Tier 1, Sales]
  - email: sam.new@acme.com
    skills: { Chat: 2 }
    queues: [Sales]
  - email: ana.new@acme.com
    name: Ana New
`;

test('adopt-only: plan lists the users the org lacks as waiting, apply creates nothing and changes the others, names untouched', async () => {
  await withHarness({ seed: seed() }, async (h) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-adopt-'));
    try {
      writeFileSync(path.join(dir, 'routing.yaml'), YAML);
      const desired = await loadDesired([dir], h.config);
      assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
      const count = h.sandbox.org.listUsers('any').length;
      const plan = await planFor(h, desired);
      assert.deepEqual(
        plan.changes.map((c) => [c.action, c.email, c.fields.map((f) => f.field)]),
        [
          ['update', 'nina.berg@acme.com', ['skills', 'languages', 'queues']],
          ['update', 'ola.lind@acme.com', ['queues']],
        ],
      );
      assert.deepEqual(plan.waiting?.map((w) => w.email), ['ana.new@acme.com', 'sam.new@acme.com']);
      assert.equal(plan.summary.waiting, 2);
      assert.match(renderPlan(plan, 'text'), /Plan: 0 to create, 2 to update, 0 to restore, 0 to deactivate\. 0 unchanged, 2 waiting/);

      const report = await applyPlan(plan, h.connection.writer, { concurrency: 2 });
      assert.deepEqual(report.problems, []);
      assert.equal(report.created, 0);
      assert.equal(report.updated, 2);
      assert.equal(h.sandbox.org.listUsers('any').length, count, 'nobody created');
      assert.equal(h.sandbox.org.liveUserByEmail('sam.new@acme.com'), undefined);
      const nina = h.sandbox.org.liveUserByEmail('nina.berg@acme.com')!;
      assert.equal(nina.name, 'Nina Berg (Okta)', 'the name is the identity provider\'s');
      assert.equal(nina.title, 'Agent', 'fields the file leaves out stay');

      const again = await planFor(h, desired);
      assert.deepEqual(again.changes, []);
      assert.equal(again.summary.waiting, 2);

      // Once the identity provider creates the user, the next plan manages their routing.
      h.sandbox.org.addUser({ email: 'sam.new@acme.com', name: 'Sam New (Okta)' });
      const later = await planFor(h, desired);
      assert.deepEqual(later.changes.map((c) => [c.action, c.email, c.fields.map((f) => f.field)]), [['update', 'sam.new@acme.com', ['skills', 'queues']]]);
      assert.deepEqual(later.waiting?.map((w) => w.email), ['ana.new@acme.com']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
