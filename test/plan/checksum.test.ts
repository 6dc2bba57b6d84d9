// The plan checksum: stable, independent of key order, and broken by any edit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, canonicalJson, planChecksum, readRequestFor, verifyChecksum } from '../../src/plan/index.js';
import type { Plan } from '../../src/model/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const desired = desiredState([desiredUser('a@acme.com', { name: 'A', title: 'Agent', skills: { Billing: 2 } }), desiredUser('b@acme.com', { name: 'B' })]);

function samplePlan(): Plan {
  return buildPlan({ desired: structuredClone(desired), org: orgState([orgUser('u-a', 'a@acme.com', { name: 'A' })]), config: config() }).plan;
}

/** The same data with every object's keys in reverse order. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).reverse().map((k) => [k, reversedKeys((value as Record<string, unknown>)[k])]));
}

test('checksum: a fresh plan verifies, and survives a JSON round trip', () => {
  const plan = samplePlan();
  assert.equal(verifyChecksum(plan), true);
  assert.equal(verifyChecksum(JSON.parse(JSON.stringify(plan, null, 2)) as Plan), true);
});

test('checksum: the same inputs give the same checksum', () => {
  assert.equal(samplePlan().checksum, samplePlan().checksum);
});

test('checksum: independent of key order', () => {
  const plan = samplePlan();
  const shuffled = reversedKeys(plan) as Plan;
  assert.notEqual(JSON.stringify(shuffled), JSON.stringify(plan));
  assert.equal(planChecksum(shuffled), plan.checksum);
  assert.equal(verifyChecksum(shuffled), true);
});

test('checksum: ignores the checksum field itself', () => {
  const plan = samplePlan();
  const { checksum: _c, ...rest } = plan;
  assert.equal(planChecksum(rest), plan.checksum);
});

const edits: Array<[string, (plan: Plan) => void]> = [
  ['a field value', (p) => ((p.changes[0] as { name: string }).name = 'Z')],
  ['the target org', (p) => (p.target.orgId = 'org-2')],
  ['a version', (p) => ((p.changes[1] as { version?: number }).version = 99)],
  ['the safety verdict', (p) => (p.safety.overridden = true)],
  ['a removed change', (p) => p.changes.pop()],
  ['the checksum', (p) => (p.checksum = '0'.repeat(64))],
];

for (const [name, edit] of edits) {
  test(`checksum: editing ${name} breaks it`, () => {
    const plan = JSON.parse(JSON.stringify(samplePlan())) as Plan;
    edit(plan);
    assert.equal(verifyChecksum(plan), false);
  });
}

test('checksum: not a plan does not verify', () => {
  assert.equal(verifyChecksum({} as Plan), false);
});

test('canonical JSON sorts keys at every level and drops undefined members', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: undefined }], c: 'x' } }), '{"a":{"c":"x","d":[2,{"f":1}]},"b":1}');
});

test('readRequestFor: declared emails, referenced queues, roles when managed', () => {
  const desired = desiredState([
    desiredUser('b@acme.com', { queues: ['Support - Tier 2', 'Sales'] }),
    desiredUser('a@acme.com', { queues: ['sales'] }),
  ]);
  const none = { skills: [], languages: [], groups: [], locations: [], profileSkills: [], certifications: [], employerInfo: [], roles: [], manager: [] };
  assert.deepEqual(readRequestFor(desired, config()), {
    emails: ['a@acme.com', 'b@acme.com'],
    queueNames: ['Sales', 'Support - Tier 2'],
    roles: false,
    roleEmails: [],
    allQueues: true,
    managerEmails: [],
    managed: none,
    inactive: 'declared',
  });
  assert.equal(readRequestFor(desiredState([desiredUser('c@acme.com')]), config()).allQueues, false, 'no queue membership read when no user manages queues');
  const withRoles = desiredState([desiredUser('a@acme.com', { roles: [] }), desiredUser('b@acme.com')]);
  assert.equal(readRequestFor(withRoles, config()).roles, true);
  assert.deepEqual(readRequestFor(withRoles, config()).roleEmails, ['a@acme.com'], 'only the users whose roles are managed');
});

test('readRequestFor: the managers named (to find those who left), and who manages each field Genesys may leave out', () => {
  const desired = desiredState([
    desiredUser('b@acme.com', { manager: 'Boss@Acme.com ', skills: { Billing: 3 }, employerInfo: {} }),
    desiredUser('a@acme.com', { manager: '', groups: [], skills: {} }),
    desiredUser('c@acme.com', { manager: 'boss@acme.com' }),
  ]);
  const request = readRequestFor(desired, config());
  assert.deepEqual(request.managerEmails, ['boss@acme.com']);
  assert.deepEqual(request.managed?.skills, ['a@acme.com', 'b@acme.com']);
  assert.deepEqual(request.managed?.groups, ['a@acme.com']);
  assert.deepEqual(request.managed?.employerInfo, ['b@acme.com']);
  assert.deepEqual(request.managed?.manager, ['a@acme.com', 'b@acme.com', 'c@acme.com']);
  assert.deepEqual(request.managed?.languages, []);
  assert.equal(request.inactive, 'declared');
});

test('readRequestFor: roles are read when a deactivation could remove the last admin', () => {
  const inactive = desiredState([desiredUser('a@acme.com', { state: 'inactive' })]);
  assert.equal(readRequestFor(inactive, config()).roles, true);
  assert.equal(readRequestFor(inactive, config({ safety: { adminRoles: [] } })).roles, false);
  assert.equal(readRequestFor(desiredState([]), config({ scope: { prune: true, divisions: ['Support'] } })).roles, true);
  assert.equal(readRequestFor(desiredState([]), config()).roles, false);
});
