// Diff of whole users: create, restore, state changes, pruning in and out of scope, sorting and counts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/index.js';
import type { Change, DesiredUser, OrgUser, ProvisionConfig, Summary } from '../../src/model/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

function plan(desired: DesiredUser[], org: OrgUser[], cfg: ProvisionConfig = config()) {
  const result = buildPlan({ desired: desiredState(desired), org: orgState(org), config: cfg });
  assert.deepEqual(result.errors, []);
  return result.plan;
}

function brief(changes: Change[]): string[] {
  return changes.map((c) => `${c.action} ${c.email}${c.reason ? ` (${c.reason})` : ''}`);
}

test('create: every managed field with empty befores, no id, the user source', () => {
  const nina = desiredUser('nina@acme.com', {
    name: 'Nina Berg',
    title: 'Agent',
    division: 'Support',
    phones: [{ type: 'work', number: '+13175550120', mediaType: 'PHONE' }],
    skills: { Billing: 3 },
    queues: ['Support - Tier 1'],
    groups: [],
    acdAutoAnswer: false,
  });
  const p = plan([nina], []);
  assert.equal(p.changes.length, 1);
  const change = p.changes[0] as Change;
  assert.equal(change.action, 'create');
  assert.equal(change.id, undefined);
  assert.equal(change.version, undefined);
  assert.deepEqual(change.source, nina.source);
  assert.deepEqual(
    change.fields.map((f) => f.field),
    ['name', 'title', 'division', 'phones', 'skills', 'queues'],
  );
  assert.deepEqual(change.fields[0], { field: 'name', kind: 'text', before: null, after: 'Nina Berg' });
  assert.deepEqual(change.fields[2], { field: 'division', kind: 'ref', before: null, after: { id: 'd-support', name: 'Support' } });
  assert.deepEqual(p.summary, { create: 1, update: 0, restore: 0, deactivate: 0, unchanged: 0, unmanaged: 0 });
});

test('create with a declared state carries it', () => {
  const p = plan([desiredUser('x@acme.com', { name: 'X', state: 'inactive' })], []);
  assert.deepEqual(p.changes[0]?.fields[1], { field: 'state', kind: 'text', before: null, after: 'inactive' });
});

test('manager pointing at a user created in the same run', () => {
  const lead = desiredUser('lead@acme.com', { name: 'Lead' });
  const agent = desiredUser('agent@acme.com', { name: 'Agent', manager: 'lead@acme.com' });
  const p = plan([agent, lead], []);
  assert.deepEqual(brief(p.changes), ['create agent@acme.com', 'create lead@acme.com']);
  assert.deepEqual(p.changes[0]?.fields[1], { field: 'manager', kind: 'manager', before: null, after: { email: 'lead@acme.com' } });
});

test('restore: a deleted user with a declared email, diffed against its last data', () => {
  const kim = desiredUser('kim@acme.com', { name: 'Kim Sato', title: 'Agent', manager: 'boss@acme.com' });
  const gone = orgUser('u-kim', 'kim@acme.com', { name: 'Kim Sato', title: 'Trainee', state: 'deleted', version: 7, dateDeleted: '2026-03-02T10:00:00Z' });
  const p = plan([kim], [gone, orgUser('u-boss', 'boss@acme.com')]);
  const change = p.changes[0] as Change;
  assert.equal(change.action, 'restore');
  assert.equal(change.id, 'u-kim');
  assert.equal(change.version, 7);
  assert.equal(change.deletedAt, '2026-03-02T10:00:00Z');
  assert.deepEqual(change.fields, [
    { field: 'title', kind: 'text', before: 'Trainee', after: 'Agent' },
    { field: 'manager', kind: 'manager', before: null, after: { email: 'boss@acme.com', id: 'u-boss' } },
  ]);
  assert.equal(p.summary.restore, 1);
  assert.equal(p.summary.unmanaged, 1);
});

test('restore: a manager who is restored keeps the id', () => {
  const p = plan(
    [desiredUser('boss@acme.com', { name: 'Boss' }), desiredUser('a@acme.com', { name: 'A', manager: 'boss@acme.com' })],
    [orgUser('u-boss', 'boss@acme.com', { name: 'Boss', state: 'deleted' }), orgUser('u-a', 'a@acme.com', { name: 'A' })],
  );
  assert.deepEqual(brief(p.changes), ['restore boss@acme.com', 'update a@acme.com']);
  assert.deepEqual(p.changes[1]?.fields, [{ field: 'manager', kind: 'manager', before: null, after: { email: 'boss@acme.com', id: 'u-boss' } }]);
});

test('restore of a user declared inactive switches them off afterwards', () => {
  const p = plan([desiredUser('kim@acme.com', { name: 'Kim', state: 'inactive' })], [orgUser('u-kim', 'kim@acme.com', { name: 'Kim', state: 'deleted' })]);
  assert.deepEqual(p.changes[0]?.fields, [{ field: 'state', kind: 'text', before: 'deleted', after: 'inactive' }]);
});

test('a live user wins over a deleted one with the same email', () => {
  const p = plan(
    [desiredUser('kim@acme.com', { name: 'Kim' })],
    [orgUser('u-old', 'kim@acme.com', { name: 'Kim', state: 'deleted' }), orgUser('u-new', 'kim@acme.com', { name: 'Kim' })],
  );
  assert.deepEqual(p.changes, []);
  assert.equal(p.summary.unchanged, 1);
});

const stateCases: Array<{ name: string; declared?: 'active' | 'inactive'; org: 'active' | 'inactive'; title?: string; expect: string[]; fields: string[] }> = [
  { name: 'declared inactive on an active user deactivates', declared: 'inactive', org: 'active', expect: ['deactivate a@acme.com (declared)'], fields: [] },
  { name: 'declared inactive with other changes keeps them', declared: 'inactive', org: 'active', title: 'Leaver', expect: ['deactivate a@acme.com (declared)'], fields: ['title'] },
  { name: 'declared inactive on an inactive user is unchanged', declared: 'inactive', org: 'inactive', expect: [], fields: [] },
  { name: 'declared active on an inactive user reactivates', declared: 'active', org: 'inactive', expect: ['update a@acme.com'], fields: ['state'] },
  { name: 'declared active on an active user is unchanged', declared: 'active', org: 'active', expect: [], fields: [] },
  { name: 'state undefined leaves an inactive user inactive', org: 'inactive', expect: [], fields: [] },
];

for (const c of stateCases) {
  test(`state: ${c.name}`, () => {
    const p = plan([desiredUser('a@acme.com', { name: 'A', state: c.declared, title: c.title })], [orgUser('u-a', 'a@acme.com', { name: 'A', state: c.org })]);
    assert.deepEqual(brief(p.changes), c.expect);
    assert.deepEqual(p.changes[0]?.fields.map((f) => f.field) ?? [], c.fields);
    if (c.fields[0] === 'state') assert.deepEqual(p.changes[0]?.fields[0], { field: 'state', kind: 'text', before: 'inactive', after: 'active' });
  });
}

const org = (): OrgUser[] => [
  orgUser('u-1', 'kept@acme.com', { name: 'Kept', divisionId: 'd-support' }),
  orgUser('u-2', 'gone@acme.com', { name: 'Gone', divisionId: 'd-support', version: 9 }),
  orgUser('u-3', 'sales@acme.com', { name: 'Sales', divisionId: 'd-sales' }),
  orgUser('u-4', 'old@acme.com', { name: 'Old', divisionId: 'd-support', state: 'inactive' }),
  orgUser('u-5', 'partner@partners.example', { name: 'Partner', divisionId: 'd-support' }),
];

const pruneCases: Array<{ name: string; scope: Partial<ProvisionConfig['scope']>; expect: string[]; summary: Partial<Summary>; undeclared?: string[] }> = [
  // Undeclared inactive users (old@) count nowhere: the plan reads them only when it needs them, and never changes them.
  { name: 'no scope: undeclared users are unmanaged', scope: { prune: false }, expect: [], summary: { unchanged: 1, unmanaged: 3 } },
  {
    name: 'pruning off with a scope: in-scope active users are listed as undeclared, never deactivated',
    scope: { prune: false, divisions: ['Support'] },
    expect: [],
    summary: { unchanged: 1, unmanaged: 1, undeclared: 2 },
    undeclared: ['gone@acme.com', 'partner@partners.example'],
  },
  {
    name: 'pruning off with a domain scope lists only that domain',
    scope: { prune: false, emailDomains: ['partners.example'] },
    expect: [],
    summary: { unchanged: 1, unmanaged: 2, undeclared: 1 },
    undeclared: ['partner@partners.example'],
  },
  {
    name: 'prune a division: in-scope active users are deactivated, others unmanaged',
    scope: { prune: true, divisions: ['support'] },
    expect: ['deactivate gone@acme.com (pruned)', 'deactivate partner@partners.example (pruned)'],
    summary: { deactivate: 2, unchanged: 1, unmanaged: 1 },
  },
  { name: 'prune an email domain', scope: { prune: true, emailDomains: ['@Partners.Example'] }, expect: ['deactivate partner@partners.example (pruned)'], summary: { deactivate: 1, unchanged: 1, unmanaged: 2 } },
  {
    name: 'division and domain together narrow the scope',
    scope: { prune: true, divisions: ['Support'], emailDomains: ['acme.com'] },
    expect: ['deactivate gone@acme.com (pruned)'],
    summary: { deactivate: 1, unchanged: 1, unmanaged: 2 },
  },
];

for (const c of pruneCases) {
  test(`prune: ${c.name}`, () => {
    const p = plan([desiredUser('kept@acme.com', { name: 'Kept' })], org(), config({ scope: c.scope, safety: { maxDeactivations: 100, maxDeactivationPercent: 100 } }));
    assert.deepEqual(brief(p.changes), c.expect);
    assert.deepEqual(p.summary, { create: 0, update: 0, restore: 0, deactivate: 0, unchanged: 0, unmanaged: 0, ...c.summary });
    assert.deepEqual(p.undeclared?.map((u) => u.email), c.undeclared);
    const pruned = p.changes.find((ch) => ch.email === 'gone@acme.com');
    if (pruned) assert.deepEqual(pruned, { action: 'deactivate', email: 'gone@acme.com', name: 'Gone', id: 'u-2', version: 9, fields: [], reason: 'pruned' });
  });
}

test('an undeclared user is listed with its id, email and name; a plan without any has no list', () => {
  const p = plan([desiredUser('kept@acme.com', { name: 'Kept' })], org(), config({ scope: { divisions: ['Support'], emailDomains: ['acme.com'] } }));
  assert.deepEqual(p.undeclared, [{ id: 'u-2', email: 'gone@acme.com', name: 'Gone' }]);
  assert.deepEqual(p.changes, []);
  const none = plan([desiredUser('kept@acme.com', { name: 'Kept' }), desiredUser('gone@acme.com', { name: 'Gone' })], org(), config({ scope: { divisions: ['Support'], emailDomains: ['acme.com'] } }));
  assert.equal('undeclared' in none, false);
  assert.equal('undeclared' in none.summary, false);
});

test('--show-unmanaged lists the unmanaged users, shadowed duplicates among them; without it there is no list', () => {
  const users = [...org(), orgUser('u-0', 'sales@acme.com', { name: 'Sales twin', divisionId: 'd-sales', state: 'inactive' })];
  const shown = buildPlan({ desired: desiredState([desiredUser('kept@acme.com', { name: 'Kept' })]), org: orgState(users), config: config({ scope: { divisions: ['Support'] } }), showUnmanaged: true });
  assert.deepEqual(shown.plan.unmanaged, [
    { id: 'u-0', email: 'sales@acme.com', name: 'Sales twin' },
    { id: 'u-3', email: 'sales@acme.com', name: 'Sales' },
  ]);
  assert.equal(shown.plan.summary.unmanaged, 2);
  const counted = buildPlan({ desired: desiredState([desiredUser('kept@acme.com', { name: 'Kept' })]), org: orgState(users), config: config({ scope: { divisions: ['Support'] } }) });
  assert.equal('unmanaged' in counted.plan, false);
  assert.equal(counted.plan.summary.unmanaged, 2);
});

test('a scope naming an unknown division without pruning is a warning, and lists nobody from it', () => {
  const result = buildPlan({ desired: desiredState([desiredUser('kept@acme.com', { name: 'Kept' })]), org: orgState(org()), config: config({ scope: { divisions: ['Suport'] } }) });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.plan.warnings.map((w) => [w.severity, w.code]), [['warning', 'unknown-division']]);
  assert.match(result.plan.warnings[0]?.message ?? '', /^scope\.divisions: Division "Suport" does not exist/);
  assert.equal(result.plan.undeclared, undefined);
});

test('prune with an empty scope is refused', () => {
  const result = buildPlan({ desired: desiredState([]), org: orgState(org()), config: config({ scope: { prune: true } }) });
  assert.deepEqual(result.errors.map((e) => e.code), ['prune-without-scope']);
});

test('prune scope naming an unknown division is an error', () => {
  const result = buildPlan({ desired: desiredState([]), org: orgState(org()), config: config({ scope: { prune: true, divisions: ['Suport'] } }) });
  assert.deepEqual(result.errors.map((e) => e.code), ['unknown-division']);
  assert.match(result.errors[0]?.message ?? '', /scope\.divisions: Division "Suport" does not exist in the org\. Did you mean "Support"\?/);
});

test('changes are sorted by action then email, and counted', () => {
  const p = plan(
    [
      desiredUser('z-new@acme.com', { name: 'Z' }),
      desiredUser('a-new@acme.com', { name: 'A' }),
      desiredUser('m-upd@acme.com', { name: 'M2' }),
      desiredUser('b-upd@acme.com', { name: 'B2' }),
      desiredUser('c-off@acme.com', { name: 'C', state: 'inactive' }),
      desiredUser('r-del@acme.com', { name: 'R' }),
      desiredUser('same@acme.com', { name: 'Same' }),
    ],
    [
      orgUser('u-m', 'm-upd@acme.com', { name: 'M' }),
      orgUser('u-b', 'b-upd@acme.com', { name: 'B' }),
      orgUser('u-c', 'c-off@acme.com', { name: 'C' }),
      orgUser('u-r', 'r-del@acme.com', { name: 'R', state: 'deleted' }),
      orgUser('u-s', 'same@acme.com', { name: 'Same' }),
      orgUser('u-x', 'other@acme.com', { name: 'Other' }),
    ],
  );
  assert.deepEqual(brief(p.changes), [
    'create a-new@acme.com',
    'create z-new@acme.com',
    'restore r-del@acme.com',
    'update b-upd@acme.com',
    'update m-upd@acme.com',
    'deactivate c-off@acme.com (declared)',
  ]);
  assert.deepEqual(p.summary, { create: 2, update: 2, restore: 1, deactivate: 1, unchanged: 1, unmanaged: 1 });
});

test('the order of the input does not change the plan', () => {
  const users = [desiredUser('b@acme.com', { name: 'B', title: 'x' }), desiredUser('a@acme.com', { name: 'A', title: 'y' }), desiredUser('c@acme.com', { name: 'C' })];
  const orgUsers = [orgUser('u-b', 'b@acme.com', { name: 'B' }), orgUser('u-a', 'a@acme.com', { name: 'A' })];
  const one = plan(users, orgUsers);
  const two = plan([...users].reverse(), [...orgUsers].reverse());
  assert.equal(one.checksum, two.checksum);
});

test('duplicate emails in the org: a warning, the active user is managed, the other left alone', () => {
  const p = plan(
    [desiredUser('dup@acme.com', { name: 'Dup', title: 'Agent' })],
    [orgUser('u-2', 'dup@acme.com', { name: 'Dup', state: 'inactive' }), orgUser('u-9', 'DUP@acme.com', { name: 'Dup' })],
  );
  assert.deepEqual(brief(p.changes), ['update dup@acme.com']);
  assert.equal(p.changes[0]?.id, 'u-9');
  assert.deepEqual(p.warnings.map((w) => w.code), ['duplicate-org-email']);
  assert.match(p.warnings[0]?.message ?? '', /2 users with the email dup@acme\.com \(ids u-2, u-9\)/);
  assert.equal(p.summary.unmanaged, 1);
});

test('the plan carries target, digest, read calls and a checksum', () => {
  const p = plan([], [orgUser('u-1', 'a@acme.com')]);
  assert.equal(p.formatVersion, 1);
  assert.deepEqual(p.target, { environment: 'mypurecloud.ie', orgId: 'org-1', orgName: 'Acme Support' });
  assert.equal(p.inputsDigest, 'digest-1');
  assert.equal(p.readCalls, 14);
  assert.match(p.checksum, /^[0-9a-f]{64}$/);
  assert.deepEqual(p.safety, { blocked: false, violations: [], overridden: false });
});

test('roles managed against an org read without grants: left alone with a warning', () => {
  const p = plan([desiredUser('a@acme.com', { name: 'A', roles: [{ role: 'User' }] })], [orgUser('u-a', 'a@acme.com', { name: 'A', roleGrants: undefined })]);
  assert.deepEqual(p.changes, []);
  assert.deepEqual(p.warnings.map((w) => w.code), ['roles-not-read']);
});
