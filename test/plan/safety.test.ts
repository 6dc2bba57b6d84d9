// The safety policy: every rule at and beyond its threshold, protected users, the last admin, and the override.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, checkSafety } from '../../src/plan/index.js';
import type { Change, DesiredUser, OrgUser, ProvisionConfig, SafetyVerdict } from '../../src/model/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

/** An org of `managed` users in Support, of whom the first `leaving` are undeclared (pruned). */
function pruneScenario(managed: number, leaving: number, safety: Partial<ProvisionConfig['safety']> = {}, allowUnsafe = false): SafetyVerdict {
  const org: OrgUser[] = [];
  const desired: DesiredUser[] = [];
  for (let i = 0; i < managed; i += 1) {
    const email = `user${String(i).padStart(3, '0')}@acme.com`;
    org.push(orgUser(`u-${i}`, email, { divisionId: 'd-support' }));
    if (i >= leaving) desired.push(desiredUser(email, { name: email.split('@')[0] }));
  }
  const { plan, errors } = buildPlan({ desired: desiredState(desired), org: orgState(org), config: config({ scope: { prune: true, divisions: ['Support'] }, safety }), allowUnsafe });
  assert.deepEqual(errors, []);
  assert.equal(plan.summary.deactivate, leaving);
  return plan.safety;
}

const thresholdCases: Array<{ name: string; managed: number; leaving: number; safety?: Partial<ProvisionConfig['safety']>; rules: string[]; message?: string }> = [
  { name: 'at the absolute limit passes', managed: 200, leaving: 10, rules: [] },
  { name: 'one over the absolute limit is blocked', managed: 200, leaving: 11, rules: ['max-deactivations'], message: '11 deactivations of undeclared users in the pruned scope (5.5% of 200 managed users) exceed the limit of 10 (safety.maxDeactivations).' },
  { name: 'over the percentage is blocked', managed: 80, leaving: 9, rules: ['max-deactivation-percent'], message: '9 deactivations of undeclared users in the pruned scope (11.3% of 80 managed users) exceed the limit of 10% (safety.maxDeactivationPercent).' },
  { name: 'both limits', managed: 80, leaving: 12, rules: ['max-deactivations', 'max-deactivation-percent'], message: '12 deactivations of undeclared users in the pruned scope (15.0% of 80 managed users) exceed the limit of 10 (safety.maxDeactivations).' },
  { name: 'exactly the percentage passes', managed: 50, leaving: 5, rules: [] },
  { name: 'limits come from the config', managed: 80, leaving: 12, safety: { maxDeactivations: 20, maxDeactivationPercent: 20 }, rules: [] },
  { name: 'a zero limit refuses any deactivation', managed: 200, leaving: 1, safety: { maxDeactivations: 0 }, rules: ['max-deactivations'] },
  { name: 'the percentage does not apply to a tiny org', managed: 5, leaving: 2, rules: [] },
];

for (const c of thresholdCases) {
  test(`safety: ${c.name}`, () => {
    const verdict = pruneScenario(c.managed, c.leaving, c.safety);
    assert.deepEqual(verdict.violations.map((v) => v.rule), c.rules);
    assert.equal(verdict.blocked, c.rules.length > 0);
    assert.equal(verdict.overridden, false);
    if (c.message) assert.equal(verdict.violations[0]?.message, c.message);
  });
}

test('safety: --allow-unsafe overrides but keeps the plan marked blocked', () => {
  const verdict = pruneScenario(200, 11, {}, true);
  assert.deepEqual(verdict, { blocked: true, overridden: true, violations: verdict.violations });
  assert.equal(verdict.violations.length, 1);
});

test('safety: declared deactivations count too', () => {
  const users = Array.from({ length: 3 }, (_, i) => desiredUser(`u${i}@acme.com`, { name: `U${i}`, state: 'inactive' }));
  const org = Array.from({ length: 3 }, (_, i) => orgUser(`id-${i}`, `u${i}@acme.com`, { name: `U${i}` }));
  const { plan } = buildPlan({ desired: desiredState(users), org: orgState(org), config: config({ safety: { maxDeactivations: 2 } }) });
  assert.deepEqual(plan.safety.violations.map((v) => v.rule), ['max-deactivations']);
});

test('safety: leavers a file declares inactive and users pruned from the scope are held to the limits apart', () => {
  // 100 users in Support: 8 declared inactive, 8 left out of users/ with pruning on, limit 10.
  const org = Array.from({ length: 100 }, (_, i) => orgUser(`id-${i}`, `u${i}@acme.com`, { name: `U${i}`, divisionId: 'd-support' }));
  const users = Array.from({ length: 92 }, (_, i) => desiredUser(`u${i}@acme.com`, { name: `U${i}`, ...(i < 8 ? { state: 'inactive' as const } : {}) }));
  const cfg = config({ scope: { prune: true, divisions: ['Support'] }, safety: { maxDeactivations: 10, maxDeactivationPercent: 10 } });
  const { plan } = buildPlan({ desired: desiredState(users), org: orgState(org), config: cfg });
  assert.equal(plan.summary.deactivate, 16);
  assert.deepEqual(plan.safety, { blocked: false, violations: [], overridden: false });
  const more = buildPlan({ desired: desiredState(users.slice(0, 89)), org: orgState(org), config: cfg }).plan;
  assert.deepEqual(more.safety.violations.map((v) => v.message), [
    '11 deactivations of undeclared users in the pruned scope (11.0% of 100 managed users) exceed the limit of 10 (safety.maxDeactivations).',
    '11 deactivations of undeclared users in the pruned scope (11.0% of 100 managed users) exceed the limit of 10% (safety.maxDeactivationPercent).',
  ]);
});

const context = (fields: { users?: DesiredUser[]; failedFiles?: string[]; prune: boolean }) => ({
  desired: desiredState(fields.users ?? [], { failedFiles: fields.failedFiles ?? [] }),
  org: orgState([]),
  config: config({ scope: { prune: fields.prune, divisions: ['Support'] } }),
  managedCount: 0,
});

test('safety: pruning with an empty desired state is refused, even with nothing to deactivate', () => {
  assert.deepEqual(checkSafety([], context({ prune: true }), false).violations.map((v) => v.rule), ['empty-desired-state']);
  assert.deepEqual(checkSafety([], context({ prune: false }), false).violations, []);
});

test('safety: pruning after a file failed to load is refused', () => {
  const verdict = checkSafety([], context({ prune: true, users: [desiredUser('a@acme.com')], failedFiles: ['users/sales.yaml'] }), false);
  assert.deepEqual(verdict.violations, [
    { rule: 'failed-files', message: 'Pruning is on but 1 file could not be read (users/sales.yaml): their users would count as undeclared and be deactivated.' },
  ]);
  assert.deepEqual(checkSafety([], context({ prune: false, failedFiles: ['users/sales.yaml'] }), false).violations, []);
});

test('safety: a protected user is neither deactivated nor stripped of roles', () => {
  const org = [
    orgUser('u-a', 'boss@acme.com', { name: 'Boss', roleGrants: [{ roleId: 'r-sup', divisionId: 'd-home' }, { roleId: 'r-user', divisionId: 'd-home' }] }),
    orgUser('u-b', 'cto@acme.com', { name: 'CTO' }),
    orgUser('u-c', 'agent@acme.com', { name: 'Agent', roleGrants: [{ roleId: 'r-sup', divisionId: 'd-home' }] }),
  ];
  const users = [
    desiredUser('boss@acme.com', { name: 'Boss', roles: [{ role: 'User' }] }),
    desiredUser('cto@acme.com', { name: 'CTO', state: 'inactive' }),
    desiredUser('agent@acme.com', { name: 'Agent', roles: [] }),
  ];
  const { plan } = buildPlan({ desired: desiredState(users), org: orgState(org), config: config({ safety: { protectedUsers: ['Boss@Acme.com', 'cto@acme.com'] } }) });
  assert.deepEqual(plan.safety.violations, [
    { rule: 'protected-user', message: 'Protected user boss@acme.com would lose 1 role: Supervisor (Home).' },
    { rule: 'protected-user', message: 'Protected user cto@acme.com would be deactivated (declared inactive).' },
  ]);
  assert.equal(plan.safety.blocked, true);
});

test('safety: a protected user gaining roles is fine', () => {
  const { plan } = buildPlan({
    desired: desiredState([desiredUser('boss@acme.com', { name: 'Boss', roles: [{ role: 'User' }, { role: 'Supervisor' }] })]),
    org: orgState([orgUser('u-a', 'boss@acme.com', { name: 'Boss', roleGrants: [{ roleId: 'r-user', divisionId: 'd-home' }] })]),
    config: config({ safety: { protectedUsers: ['boss@acme.com'] } }),
  });
  assert.equal(plan.changes.length, 1);
  assert.deepEqual(plan.safety.violations, []);
});

const admin = { roleId: 'r-admin', divisionId: 'd-home' };
const lastAdminCases: Array<{ name: string; org: OrgUser[]; users: DesiredUser[]; blocked: boolean; message?: string }> = [
  {
    name: 'removing the only admin role is refused',
    org: [orgUser('u-a', 'admin@acme.com', { name: 'Admin', roleGrants: [admin] })],
    users: [desiredUser('admin@acme.com', { name: 'Admin', roles: [] })],
    blocked: true,
    message: 'The plan removes the last holder of the admin role "Master Admin": admin@acme.com (role removed).',
  },
  {
    name: 'deactivating the only admin is refused',
    org: [orgUser('u-a', 'admin@acme.com', { name: 'Admin', roleGrants: [admin] })],
    users: [desiredUser('admin@acme.com', { name: 'Admin', state: 'inactive' })],
    blocked: true,
    message: 'The plan removes the last holder of the admin role "Master Admin": admin@acme.com (deactivated).',
  },
  {
    name: 'removing one of two admins is fine',
    org: [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: [admin] }), orgUser('u-b', 'b@acme.com', { name: 'B', roleGrants: [admin] })],
    users: [desiredUser('a@acme.com', { name: 'A', roles: [] })],
    blocked: false,
  },
  {
    name: 'removing both admins is refused',
    org: [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: [admin] }), orgUser('u-b', 'b@acme.com', { name: 'B', roleGrants: [admin] })],
    users: [desiredUser('a@acme.com', { name: 'A', roles: [] }), desiredUser('b@acme.com', { name: 'B', state: 'inactive' })],
    blocked: true,
    message: 'The plan removes the last 2 holders of the admin role "Master Admin": a@acme.com (role removed), b@acme.com (deactivated).',
  },
  {
    name: 'handing the role to a new user is fine',
    org: [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: [admin] })],
    users: [desiredUser('a@acme.com', { name: 'A', roles: [] }), desiredUser('new@acme.com', { name: 'New', roles: [{ role: 'Master Admin' }] })],
    blocked: false,
  },
  {
    name: 'moving the grant to another division keeps the holder',
    org: [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: [admin] })],
    users: [desiredUser('a@acme.com', { name: 'A', roles: [{ role: 'Master Admin', division: 'Support' }] })],
    blocked: false,
  },
  {
    name: 'an inactive holder does not count',
    org: [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: [admin] }), orgUser('u-b', 'b@acme.com', { name: 'B', state: 'inactive', roleGrants: [admin] })],
    users: [desiredUser('a@acme.com', { name: 'A', roles: [] })],
    blocked: true,
  },
];

for (const c of lastAdminCases) {
  test(`safety: last admin: ${c.name}`, () => {
    const { plan, errors } = buildPlan({ desired: desiredState(c.users), org: orgState(c.org), config: config() });
    assert.deepEqual(errors, []);
    assert.equal(plan.safety.blocked, c.blocked, JSON.stringify(plan.safety.violations));
    if (c.blocked) assert.deepEqual(plan.safety.violations.map((v) => v.rule), ['last-admin']);
    if (c.message) assert.equal(plan.safety.violations[0]?.message, c.message);
  });
}

test('safety: admin roles come from the config', () => {
  const org = [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: [{ roleId: 'r-sup', divisionId: 'd-home' }] })];
  const users = [desiredUser('a@acme.com', { name: 'A', roles: [] })];
  const run = (adminRoles: string[]) => buildPlan({ desired: desiredState(users), org: orgState(org), config: config({ safety: { adminRoles } }) }).plan.safety.blocked;
  assert.equal(run(['supervisor']), true);
  assert.equal(run([]), false);
});

test('safety: checkSafety is a pure function of the changes', () => {
  const changes: Change[] = [{ action: 'deactivate', email: 'a@acme.com', name: 'A', id: 'u-a', version: 1, fields: [], reason: 'pruned' }];
  const ctx = { ...context({ prune: false }), managedCount: 1, config: config({ safety: { maxDeactivations: 0 } }) };
  assert.deepEqual(checkSafety(changes, ctx, false), checkSafety(changes, ctx, false));
  assert.equal(checkSafety(changes, ctx, false).violations[0]?.message, '1 deactivation of undeclared users in the pruned scope (100.0% of 1 managed user) exceeds the limit of 0 (safety.maxDeactivations).');
});
