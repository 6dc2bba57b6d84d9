// Living beside SCIM: a name only for creates, and adopt-only (users.create: false, or a file's create: false) listing the users the org lacks as waiting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/index.js';
import type { DesiredUser, OrgUser, ProvisionConfig } from '../../src/model/index.js';
import { readYamlFile } from '../../src/desired/yaml-file.js';
import { renderPlan } from '../../src/render/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const adoptOnly = (): ProvisionConfig => config({ users: { create: false } });

function build(desired: DesiredUser[], org: OrgUser[], cfg: ProvisionConfig = adoptOnly()) {
  return buildPlan({ desired: desiredState(desired), org: orgState(org), config: cfg });
}

test('adopt-only: users the org lacks wait (no create, no error); the others get the fields the files name', () => {
  const { plan, errors } = build(
    [desiredUser('nina@acme.com', { name: undefined, skills: { Billing: 4 } }), desiredUser('new.hire@acme.com', { name: 'New Hire', queues: ['Sales'] }), desiredUser('no.name@acme.com', { name: undefined })],
    [orgUser('u-nina', 'nina@acme.com', { name: 'Nina From Okta', skills: { 's-billing': 2 } })],
  );
  assert.deepEqual(errors, []);
  assert.deepEqual(
    plan.changes.map((c) => [c.action, c.email, c.name, c.fields.map((f) => f.field)]),
    [['update', 'nina@acme.com', 'Nina From Okta', ['skills']]],
  );
  assert.deepEqual(
    plan.waiting?.map((w) => [w.email, w.name]),
    [
      ['new.hire@acme.com', 'New Hire'],
      ['no.name@acme.com', ''],
    ],
  );
  assert.equal(plan.summary.waiting, 2);
  assert.equal(plan.summary.create, 0);

  const text = renderPlan(plan, 'text');
  assert.match(text, /Waiting \(declared, not in the org yet; creating users is off\): 2 users/);
  assert.match(text, /new\.hire@acme\.com +"New Hire" +users\/team\.yaml:\d+/);
  assert.match(text, /2 waiting \(not in the org, creating is off\)/);
  const markdown = renderPlan(plan, 'markdown');
  assert.match(markdown, /\| Waiting \|/);
  assert.match(markdown, /Waiting \(declared, not in the org yet; creating users is off\) \(2\)/);
  assert.match(markdown, /`users\.create: true`/);
  const json = JSON.parse(renderPlan(plan, 'json'));
  assert.equal(json.summary.waiting, 2);
  assert.equal(json.waiting[0].source.file, 'users/team.yaml');
});

test('a file\'s create: wins over the config, both ways', () => {
  const off = build([desiredUser('a@acme.com', { name: 'A', create: true })], []);
  assert.deepEqual(off.plan.changes.map((c) => c.action), ['create']);
  const on = build([desiredUser('b@acme.com', { name: 'B', create: false })], [], config());
  assert.deepEqual(on.plan.changes, []);
  assert.deepEqual(on.plan.waiting?.map((w) => w.email), ['b@acme.com']);
});

test('a deleted user waits too, with the time of deletion: restoring is creating again', () => {
  const { plan } = build([desiredUser('gone@acme.com', { name: 'Gone' })], [orgUser('u-g', 'gone@acme.com', { state: 'deleted', dateDeleted: '2026-03-02T10:00:00.000Z' })]);
  assert.deepEqual(plan.changes, []);
  assert.deepEqual(plan.waiting?.map((w) => [w.email, w.deletedAt]), [['gone@acme.com', '2026-03-02T10:00:00.000Z']]);
});

test('a manager who is waiting is left as it is, with a warning at the manager line', () => {
  const agent = desiredUser('agent@acme.com', { manager: 'lead@acme.com', title: 'Agent', at: { manager: { file: 'users/team.yaml', line: 4, column: 14 } } });
  const { plan, errors } = build([agent, desiredUser('lead@acme.com', { name: 'Lead' })], [orgUser('u-a', 'agent@acme.com')]);
  assert.deepEqual(errors, []);
  assert.deepEqual(plan.changes.map((c) => c.fields.map((f) => f.field)), [['title']]);
  const warning = plan.warnings.find((w) => w.code === 'manager-waiting');
  assert.equal(warning?.line, 4);
  assert.equal(warning?.column, 14);
});

test('name: a user that exists may leave it out (not managed); a create without one is an error at the email', () => {
  const exists = build([desiredUser('nina@acme.com', { name: undefined, title: 'Lead' })], [orgUser('u-nina', 'nina@acme.com', { name: 'Nina Berg' })], config());
  assert.deepEqual(exists.errors, []);
  assert.deepEqual(exists.plan.changes.map((c) => [c.name, c.fields.map((f) => f.field)]), [['Nina Berg', ['title']]]);

  const create = build([desiredUser('new@acme.com', { name: undefined, at: { email: { file: 'users/team.yaml', line: 7, column: 12 } } })], [], config());
  assert.deepEqual(create.plan.changes, []);
  assert.deepEqual(
    create.errors.map((e) => [e.code, e.file, e.line, e.column]),
    [['missing-name', 'users/team.yaml', 7, 12]],
  );
  assert.match(create.errors[0]!.hint ?? '', /users\.create: false/);
});

test('a YAML file\'s top-level create: is read on the fast path and the positioned one; anything but a boolean is an error at it', () => {
  const text = 'create: false\nusers:\n  - email: a@acme.com\n';
  assert.equal(readYamlFile('users/a.yaml', text).create, false);
  assert.equal(readYamlFile('users/a.yaml', text, { plain: false }).create, false);
  assert.equal(readYamlFile('users/a.yaml', 'users:\n  - email: a@acme.com\n').create, undefined);
  const bad = readYamlFile('users/a.yaml', 'create: nope\nusers:\n  - email: a@acme.com\n');
  assert.deepEqual(
    bad.issues.map((i) => [i.code, i.line, i.column]),
    [['schema-type', 1, 9]],
  );
});
