// The safety rules at their edges: each threshold's boundary, what counts as a deactivation, the protected user's every loss, and the last admin when grants were not read or a new holder is not really one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PERCENT_FLOOR, checkSafety } from '../../src/plan/index.js';
import type { SafetyContext } from '../../src/plan/safety.js';
import type { Change, FieldChange, GrantRef, OrgUser, ProvisionConfig, Violation } from '../../src/model/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const ADMIN: GrantRef = { roleId: 'r-admin', role: 'Master Admin', divisionId: 'd-home', division: 'Home' };
const USER: GrantRef = { roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' };
const SUPERVISOR: GrantRef = { roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-home', division: 'Home' };

function deactivate(n: number, reason: Change['reason'] = 'pruned'): Change {
  return { action: 'deactivate', email: `gone${n}@acme.com`, name: `Gone ${n}`, id: `u-gone-${n}`, version: 1, fields: [], reason };
}

function update(email: string, id: string, fields: FieldChange[]): Change {
  return { action: 'update', email, name: email, id, version: 1, fields };
}

function create(email: string, fields: FieldChange[]): Change {
  return { action: 'create', email, name: email, fields };
}

const grants = (add: GrantRef[], remove: GrantRef[] = []): FieldChange => ({ field: 'roles', kind: 'grants', add, remove });

interface Setup {
  users?: OrgUser[];
  managedCount?: number;
  safety?: Partial<ProvisionConfig['safety']>;
  prune?: boolean;
  failedFiles?: string[];
  declared?: number;
}

function context(s: Setup = {}): SafetyContext {
  return {
    desired: desiredState(Array.from({ length: s.declared ?? 1 }, (_, i) => desiredUser(`declared${i}@acme.com`)), { failedFiles: s.failedFiles ?? [] }),
    org: orgState(s.users ?? []),
    config: config({ scope: { prune: s.prune ?? false, divisions: ['Support'] }, safety: { adminRoles: ['Master Admin'], ...s.safety } }),
    managedCount: s.managedCount ?? 200,
  };
}

function violations(changes: Change[], s: Setup = {}): Violation[] {
  return checkSafety(changes, context(s), false).violations;
}

describe('the deactivation limits', () => {
  const many = (n: number): Change[] => Array.from({ length: n }, (_, i) => deactivate(i));

  test(`the percentage applies from ${PERCENT_FLOOR} managed users on`, () => {
    assert.equal(PERCENT_FLOOR, 10);
    assert.deepEqual(violations(many(2), { managedCount: 10 }), [
      { rule: 'max-deactivation-percent', message: '2 deactivations of undeclared users in the pruned scope (20.0% of 10 managed users) exceed the limit of 10% (safety.maxDeactivationPercent).' },
    ]);
    assert.deepEqual(violations(many(2), { managedCount: 9 }), []);
  });

  test('the percentage is checked on the managed users, not on the changes', () => {
    assert.deepEqual(violations(many(1), { managedCount: 10 }), []);
    assert.deepEqual(violations(many(1), { managedCount: 10, safety: { maxDeactivationPercent: 9.9 } }).map((v) => v.rule), ['max-deactivation-percent']);
  });

  test('only deactivations count: creates, updates and restores do not', () => {
    const changes = [
      create('new@acme.com', []),
      update('a@acme.com', 'u-a', [{ field: 'title', kind: 'text', before: 'A', after: 'B' }]),
      { ...update('b@acme.com', 'u-b', []), action: 'restore' as const },
      deactivate(1),
    ];
    assert.deepEqual(violations(changes, { safety: { maxDeactivations: 1 }, managedCount: 10 }), []);
    assert.deepEqual(violations(changes, { safety: { maxDeactivations: 0, maxDeactivationPercent: 100 }, managedCount: 10 }), [
      { rule: 'max-deactivations', message: '1 deactivation of undeclared users in the pruned scope (10.0% of 10 managed users) exceeds the limit of 0 (safety.maxDeactivations).' },
    ]);
  });

  test('with no managed user at all, the share shown is 100%', () => {
    assert.deepEqual(violations([deactivate(1)], { managedCount: 0, safety: { maxDeactivations: 0 } }), [
      { rule: 'max-deactivations', message: '1 deactivation of undeclared users in the pruned scope (100.0% of 0 managed users) exceeds the limit of 0 (safety.maxDeactivations).' },
    ]);
  });

  test('declared leavers and pruned users count apart, each kind against the limits on its own', () => {
    const declared = (n: number): Change[] => Array.from({ length: n }, (_, i) => deactivate(i, 'declared'));
    const pruned = (n: number): Change[] => Array.from({ length: n }, (_, i) => deactivate(100 + i));
    // 16 deactivations in all, but 8 of each kind: offboarding named users is not a mass prune.
    assert.deepEqual(violations([...declared(8), ...pruned(8)], { managedCount: 200 }), []);
    assert.deepEqual(violations([...declared(11), ...pruned(8)], { managedCount: 200 }), [
      { rule: 'max-deactivations', message: '11 deactivations declared in users/ (5.5% of 200 managed users) exceed the limit of 10 (safety.maxDeactivations).' },
    ]);
    assert.deepEqual(violations([...declared(8), ...pruned(11)], { managedCount: 200 }), [
      { rule: 'max-deactivations', message: '11 deactivations of undeclared users in the pruned scope (5.5% of 200 managed users) exceed the limit of 10 (safety.maxDeactivations).' },
    ]);
    assert.deepEqual(violations([...declared(6), ...pruned(6)], { managedCount: 50, safety: { maxDeactivations: 5 } }), [
      { rule: 'max-deactivations', message: '6 deactivations declared in users/ (12.0% of 50 managed users) exceed the limit of 5 (safety.maxDeactivations).' },
      { rule: 'max-deactivations', message: '6 deactivations of undeclared users in the pruned scope (12.0% of 50 managed users) exceed the limit of 5 (safety.maxDeactivations).' },
      { rule: 'max-deactivation-percent', message: '6 deactivations declared in users/ (12.0% of 50 managed users) exceed the limit of 10% (safety.maxDeactivationPercent).' },
      { rule: 'max-deactivation-percent', message: '6 deactivations of undeclared users in the pruned scope (12.0% of 50 managed users) exceed the limit of 10% (safety.maxDeactivationPercent).' },
    ]);
    // A deactivation without a reason (a hand-made plan) counts as declared.
    assert.match(violations([{ ...deactivate(1), reason: undefined }], { safety: { maxDeactivations: 0 } })[0]?.message ?? '', /^1 deactivation declared in users\/ /);
  });

  test('counts above a thousand are grouped', () => {
    assert.equal(
      violations(many(1500), { managedCount: 20000, safety: { maxDeactivationPercent: 50 } })[0]?.message,
      '1,500 deactivations of undeclared users in the pruned scope (7.5% of 20,000 managed users) exceed the limit of 10 (safety.maxDeactivations).',
    );
  });
});

describe('pruning on inputs that are not all there', () => {
  test('no users declared', () => {
    assert.deepEqual(violations([], { prune: true, declared: 0 }), [
      { rule: 'empty-desired-state', message: 'Pruning is on and no users are declared: every active user in scope would be deactivated.' },
    ]);
    assert.deepEqual(violations([], { prune: true, declared: 1 }), []);
  });

  test('every failed file is named', () => {
    assert.deepEqual(violations([], { prune: true, failedFiles: ['users/a.yaml', 'users/b.csv'] }), [
      { rule: 'failed-files', message: 'Pruning is on but 2 files could not be read (users/a.yaml, users/b.csv): their users would count as undeclared and be deactivated.' },
    ]);
  });
});

describe('protected users', () => {
  const safety = { protectedUsers: ['boss@acme.com'] };

  test('a pruned protected user is named as undeclared', () => {
    const change: Change = { ...deactivate(1), email: 'Boss@Acme.com' };
    assert.deepEqual(violations([change], { safety }), [{ rule: 'protected-user', message: 'Protected user Boss@Acme.com would be deactivated (undeclared in a pruned scope).' }]);
  });

  test('every role lost is listed; losing a queue or a group is no loss of a role', () => {
    const change = update('boss@acme.com', 'u-boss', [
      grants([], [SUPERVISOR, USER]),
      { field: 'queues', kind: 'set', add: [], remove: [{ id: 'q-1', name: 'Support - Tier 1' }] },
      { field: 'groups', kind: 'set', add: [], remove: [{ id: 'g-leads', name: 'Team Leads' }] },
    ]);
    assert.deepEqual(violations([change], { safety }), [{ rule: 'protected-user', message: 'Protected user boss@acme.com would lose 2 roles: Supervisor (Home), User (Home).' }]);
    assert.deepEqual(violations([update('boss@acme.com', 'u-boss', change.fields.slice(1))], { safety }), []);
  });
});

describe('the last admin when grants were not read (the listing\'s role ids)', () => {
  const a = orgUser('u-a', 'a@acme.com', { roleGrants: [{ roleId: 'r-admin', divisionId: 'd-home' }] });
  const revokeA = update('a@acme.com', 'u-a', [grants([], [ADMIN])]);
  const unread = (fields: Partial<OrgUser>): OrgUser => orgUser('u-b', 'b@acme.com', { roleGrants: undefined, ...fields });

  test('a user whose role ids hold the role keeps the org administrable', () => {
    assert.deepEqual(violations([revokeA], { users: [a, unread({ roleIds: ['r-emp', 'r-admin'] })] }), []);
  });

  test('other role ids, or none read, do not make a holder', () => {
    const message = 'The plan removes the last holder of the admin role "Master Admin": a@acme.com (role removed).';
    assert.deepEqual(violations([revokeA], { users: [a, unread({ roleIds: ['r-emp'] })] }), [{ rule: 'last-admin', message }]);
    assert.deepEqual(violations([revokeA], { users: [a, unread({ roleIds: undefined })] }), [{ rule: 'last-admin', message }]);
  });

  test('leaving groups may take the role: each group is named', () => {
    const b = unread({ roleIds: ['r-admin'] });
    const leave = update('b@acme.com', 'u-b', [
      {
        field: 'groups',
        kind: 'set',
        add: [],
        remove: [
          { id: 'g-support', name: 'Support Team' },
          { id: 'g-leads', name: 'Team Leads' },
        ],
      },
    ]);
    assert.deepEqual(violations([leave], { users: [b] }), [
      { rule: 'last-admin', message: 'The plan removes the last holder of the admin role "Master Admin": b@acme.com (leaves groups "Support Team", "Team Leads", which may grant it).' },
    ]);
    const one = update('b@acme.com', 'u-b', [{ field: 'groups', kind: 'set', add: [], remove: [{ id: 'g-leads', name: 'Team Leads' }] }]);
    assert.match(violations([one], { users: [b] })[0]?.message ?? '', /b@acme\.com \(leaves group "Team Leads", which may grant it\)\.$/);
  });

  test('other changes of such a user keep the role', () => {
    const b = unread({ roleIds: ['r-admin'] });
    const queues = update('b@acme.com', 'u-b', [{ field: 'queues', kind: 'set', add: [], remove: [{ id: 'q-1', name: 'Support - Tier 1' }] }]);
    assert.deepEqual(violations([queues], { users: [b] }), []);
  });
});

describe('the last admin: what a revoke takes', () => {
  const own = (grants: { roleId: string; divisionId: string }[]): OrgUser => orgUser('u-a', 'a@acme.com', { roleGrants: grants });

  test('a grant in a second division keeps the role', () => {
    const a = own([
      { roleId: 'r-admin', divisionId: 'd-home' },
      { roleId: 'r-admin', divisionId: 'd-sales' },
    ]);
    assert.deepEqual(violations([update('a@acme.com', 'u-a', [grants([], [ADMIN])])], { users: [a] }), []);
    const both = update('a@acme.com', 'u-a', [grants([], [ADMIN, { ...ADMIN, divisionId: 'd-sales', division: 'Sales' }])]);
    assert.equal(violations([both], { users: [a] }).length, 1);
  });

  test('only the role\'s own grants count: revoking other roles keeps it, revoking it loses it whatever else is held', () => {
    const a = own([
      { roleId: 'r-admin', divisionId: 'd-home' },
      { roleId: 'r-user', divisionId: 'd-home' },
    ]);
    const title: FieldChange = { field: 'title', kind: 'text', before: 'Admin', after: 'Lead' };
    assert.deepEqual(violations([update('a@acme.com', 'u-a', [title, grants([], [USER, SUPERVISOR])])], { users: [a] }), []);
    assert.deepEqual(violations([update('a@acme.com', 'u-a', [title, grants([], [ADMIN])])], { users: [a] }), [
      { rule: 'last-admin', message: 'The plan removes the last holder of the admin role "Master Admin": a@acme.com (role removed).' },
    ]);
  });

  test('a user holding other roles through a group is no holder', () => {
    const c = orgUser('u-c', 'c@acme.com', { inheritedGrants: [{ roleId: 'r-emp', divisionId: 'd-home', groupId: 'g-support' }], groupIds: ['g-support'] });
    assert.deepEqual(violations([update('a@acme.com', 'u-a', [grants([], [ADMIN])])], { users: [own([{ roleId: 'r-admin', divisionId: 'd-home' }]), c] }), [
      { rule: 'last-admin', message: 'The plan removes the last holder of the admin role "Master Admin": a@acme.com (role removed).' },
    ]);
  });

  test('a grant the same change adds back (another division) keeps the holder', () => {
    const a = own([{ roleId: 'r-admin', divisionId: 'd-home' }]);
    const move = update('a@acme.com', 'u-a', [grants([{ ...ADMIN, divisionId: 'd-sales', division: 'Sales' }], [ADMIN])]);
    assert.deepEqual(violations([move], { users: [a] }), []);
    const other = update('a@acme.com', 'u-a', [grants([USER], [ADMIN])]);
    assert.equal(violations([other], { users: [a] }).length, 1);
  });

  test('a role held through a group the user stays in is kept; through one they leave, it is lost', () => {
    const inherited = [{ roleId: 'r-admin', divisionId: 'd-home', groupId: 'g-leads' }];
    const a = orgUser('u-a', 'a@acme.com', { roleGrants: [{ roleId: 'r-admin', divisionId: 'd-home' }], inheritedGrants: inherited, groupIds: ['g-leads', 'g-support'] });
    const revoke = grants([], [ADMIN]);
    const leave = (id: string, name: string): FieldChange => ({ field: 'groups', kind: 'set', add: [], remove: [{ id, name }] });
    assert.deepEqual(violations([update('a@acme.com', 'u-a', [revoke, leave('g-support', 'Support Team')])], { users: [a] }), []);
    assert.equal(violations([update('a@acme.com', 'u-a', [revoke, leave('g-leads', 'Team Leads')])], { users: [a] }).length, 1);
    const other = orgUser('u-a', 'a@acme.com', { roleGrants: [{ roleId: 'r-admin', divisionId: 'd-home' }], inheritedGrants: [{ ...inherited[0]!, roleId: 'r-emp' }], groupIds: ['g-leads'] });
    assert.equal(violations([update('a@acme.com', 'u-a', [revoke])], { users: [other] }).length, 1, 'a group holding another role does not keep this one');
  });
});

describe('the last admin: who counts as a new holder', () => {
  const a = orgUser('u-a', 'a@acme.com', { roleGrants: [{ roleId: 'r-admin', divisionId: 'd-home' }] });
  const revokeA = update('a@acme.com', 'u-a', [grants([], [ADMIN])]);
  const blocked = (changes: Change[], users: OrgUser[] = [a]): boolean => violations(changes, { users }).some((v) => v.rule === 'last-admin');
  const state = (after: string): FieldChange => ({ field: 'state', kind: 'text', before: null, after });

  test('a user created active with the role', () => {
    assert.equal(blocked([create('new@acme.com', [state('active'), grants([ADMIN])]), revokeA]), false);
    assert.equal(blocked([create('new@acme.com', [grants([ADMIN])]), revokeA]), false);
  });

  test('not one given another role', () => {
    assert.equal(blocked([create('new@acme.com', [grants([USER])]), revokeA]), true);
  });

  test('not one created or restored inactive', () => {
    assert.equal(blocked([create('new@acme.com', [state('inactive'), grants([ADMIN])]), revokeA]), true);
    const restored: Change = { ...update('old@acme.com', 'u-old', [{ field: 'state', kind: 'text', before: 'deleted', after: 'inactive' }, grants([ADMIN])]), action: 'restore' };
    assert.equal(blocked([restored, revokeA]), true);
  });

  test('a title that reads "inactive" is not a state', () => {
    assert.equal(blocked([create('new@acme.com', [{ field: 'title', kind: 'text', before: null, after: 'inactive' }, grants([ADMIN])]), revokeA]), false);
  });

  test('not one deactivated by the same plan', () => {
    const b = orgUser('u-b', 'b@acme.com');
    const change: Change = { ...update('b@acme.com', 'u-b', [grants([ADMIN])]), action: 'deactivate', reason: 'declared' };
    assert.equal(blocked([change, revokeA], [a, b]), true);
  });

  test('one joining a group that holds the role, not one joining another group', () => {
    const x = orgUser('u-x', 'x@acme.com', { state: 'inactive', inheritedGrants: [{ roleId: 'r-admin', divisionId: 'd-home', groupId: 'g-leads' }], groupIds: ['g-leads'] });
    const join = (id: string, name: string): Change => update('c@acme.com', 'u-c', [{ field: 'groups', kind: 'set', add: [{ id: 'g-other', name: 'Other' }, { id, name }], remove: [] }]);
    assert.equal(blocked([join('g-leads', 'Team Leads'), revokeA], [a, x]), false);
    assert.equal(blocked([join('g-support', 'Support Team'), revokeA], [a, x]), true);
  });
});
