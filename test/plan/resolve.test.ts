// Name resolution: unknown names with a did-you-mean at the exact line and column, ambiguous names, managers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/index.js';
import type { DesiredUser, Issue, OrgState } from '../../src/model/index.js';
import { FILE, config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

interface Case {
  name: string;
  user: Partial<DesiredUser>;
  at: Record<string, { line: number; column: number }>;
  state?: (org: OrgState) => void;
  expect: Pick<Issue, 'code' | 'message' | 'line' | 'column'>;
}

const cases: Case[] = [
  {
    name: 'unknown skill with a suggestion',
    user: { skills: { Billng: 3 } },
    at: { 'skills/Billng': { line: 14, column: 7 } },
    expect: { code: 'unknown-skill', message: 'Skill "Billng" does not exist in the org. Did you mean "Billing"?', line: 14, column: 7 },
  },
  {
    name: 'unknown language',
    user: { languages: { Spansh: 3 } },
    at: { 'languages/Spansh': { line: 20, column: 9 } },
    expect: { code: 'unknown-language', message: 'Language "Spansh" does not exist in the org. Did you mean "Spanish"?', line: 20, column: 9 },
  },
  {
    name: 'unknown queue without a close name',
    user: { queues: ['Retention'] },
    at: { 'queues/Retention': { line: 3, column: 15 } },
    expect: { code: 'unknown-queue', message: 'Queue "Retention" does not exist in the org.', line: 3, column: 15 },
  },
  {
    name: 'unknown group',
    user: { groups: ['Team Lead'] },
    at: { 'groups/Team Lead': { line: 8, column: 14 } },
    expect: { code: 'unknown-group', message: 'Group "Team Lead" does not exist in the org. Did you mean "Team Leads"?', line: 8, column: 14 },
  },
  {
    name: 'unknown role',
    user: { roles: [{ role: 'Supervsor' }] },
    at: { 'roles/Supervsor': { line: 30, column: 9 } },
    expect: { code: 'unknown-role', message: 'Role "Supervsor" does not exist in the org. Did you mean "Supervisor"?', line: 30, column: 9 },
  },
  {
    name: 'unknown division of a role grant',
    user: { roles: [{ role: 'Supervisor', division: 'Suport' }] },
    at: { 'roles/Supervisor': { line: 31, column: 11 } },
    expect: { code: 'unknown-division', message: 'Division "Suport" does not exist in the org. Did you mean "Support"?', line: 31, column: 11 },
  },
  {
    name: 'unknown division',
    user: { division: 'Sale' },
    at: { division: { line: 5, column: 15 } },
    expect: { code: 'unknown-division', message: 'Division "Sale" does not exist in the org. Did you mean "Sales"?', line: 5, column: 15 },
  },
  {
    name: 'unknown location',
    user: { locations: ['Dublin'] },
    at: { 'locations/Dublin': { line: 6, column: 18 } },
    expect: { code: 'unknown-location', message: 'Location "Dublin" does not exist in the org.', line: 6, column: 18 },
  },
  {
    name: 'a name matching two org objects is ambiguous',
    user: { queues: ['Sales'] },
    at: { 'queues/Sales': { line: 9, column: 14 } },
    state: (org) => org.lookups.queues.push({ id: 'q-s2', name: 'SALES' }),
    expect: { code: 'ambiguous-name', message: 'Queue "Sales" matches 2 queues in the org (ids q-s, q-s2).', line: 9, column: 14 },
  },
  {
    name: 'unknown manager, with the closest email',
    user: { manager: 'grace.holoway@acme.com' },
    at: { manager: { line: 12, column: 14 } },
    expect: { code: 'unknown-manager', message: 'Manager grace.holoway@acme.com is neither declared in users/ nor a user in the org. Did you mean grace.holloway@acme.com?', line: 12, column: 14 },
  },
  {
    name: 'an item without its own position falls back to the field',
    user: { skills: { Chatt: 1 } },
    at: { skills: { line: 40, column: 5 } },
    expect: { code: 'unknown-skill', message: 'Skill "Chatt" does not exist in the org. Did you mean "Chat"?', line: 40, column: 5 },
  },
];

for (const c of cases) {
  test(`resolve: ${c.name}`, () => {
    const at = Object.fromEntries(Object.entries(c.at).map(([k, v]) => [k, { file: FILE, ...v }]));
    const org = orgState([orgUser('u-grace', 'grace.holloway@acme.com', { name: 'Grace' })]);
    c.state?.(org);
    for (const existing of [false, true]) {
      const users = existing ? [orgUser('u-x', 'x@acme.com', { name: 'X' }), ...org.users] : org.users;
      const result = buildPlan({ desired: desiredState([desiredUser('x@acme.com', { name: 'X', ...c.user, at })]), org: { ...org, users }, config: config() });
      assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
      const issue = result.errors[0] as Issue;
      assert.deepEqual({ code: issue.code, message: issue.message, line: issue.line, column: issue.column }, c.expect);
      assert.equal(issue.file, FILE);
      assert.equal(issue.severity, 'error');
      assert.ok(issue.hint);
    }
  });
}

test('resolve: without any position the error points at the user', () => {
  const user = desiredUser('x@acme.com', { name: 'X', groups: ['Nope'] });
  const { errors } = buildPlan({ desired: desiredState([user]), org: orgState([]), config: config() });
  assert.deepEqual([errors[0]?.file, errors[0]?.line, errors[0]?.column], [user.source.file, user.source.line, user.source.column]);
});

test('resolve: every problem is reported at once, one per occurrence', () => {
  const users = [
    desiredUser('a@acme.com', { name: 'A', skills: { Billng: 1 }, queues: ['Nope'] }),
    desiredUser('b@acme.com', { name: 'B', skills: { Billng: 2 }, manager: 'nobody@acme.com' }),
  ];
  const { errors } = buildPlan({ desired: desiredState(users), org: orgState([]), config: config() });
  assert.deepEqual(errors.map((e) => e.code).sort(), ['unknown-manager', 'unknown-queue', 'unknown-skill', 'unknown-skill']);
});

test('resolve: names match case-insensitively and whatever the surrounding blanks', () => {
  const user = desiredUser('a@acme.com', { name: 'A', skills: { ' billing ': 2 }, groups: ['TEAM LEADS'] });
  const { plan, errors } = buildPlan({ desired: desiredState([user]), org: orgState([]), config: config() });
  assert.deepEqual(errors, []);
  const fields = plan.changes[0]?.fields ?? [];
  assert.deepEqual(fields.find((f) => f.field === 'skills'), { field: 'skills', kind: 'levels', add: [{ id: 's-billing', name: 'Billing', level: 2 }], change: [], remove: [] });
});

test('manager: declared nowhere but present in the org resolves, with one warning per manager', () => {
  const users = [
    desiredUser('a@acme.com', { name: 'A', manager: 'grace@acme.com', at: { manager: { file: FILE, line: 4, column: 14 } } }),
    desiredUser('b@acme.com', { name: 'B', manager: 'grace@acme.com' }),
  ];
  const { plan, errors } = buildPlan({ desired: desiredState(users), org: orgState([orgUser('u-grace', 'grace@acme.com', { name: 'Grace Holloway' })]), config: config() });
  assert.deepEqual(errors, []);
  assert.deepEqual(plan.changes.map((c) => c.fields.find((f) => f.field === 'manager')), [
    { field: 'manager', kind: 'manager', before: null, after: { email: 'grace@acme.com', id: 'u-grace' } },
    { field: 'manager', kind: 'manager', before: null, after: { email: 'grace@acme.com', id: 'u-grace' } },
  ]);
  assert.deepEqual(plan.warnings.map((w) => [w.code, w.line]), [['manager-undeclared', 4]]);
  assert.match(plan.warnings[0]?.message ?? '', /Grace Holloway/);
});

test('manager: an undeclared manager who is only a deleted user is unknown', () => {
  const user = desiredUser('a@acme.com', { name: 'A', manager: 'gone@acme.com' });
  const { errors } = buildPlan({ desired: desiredState([user]), org: orgState([orgUser('u-g', 'gone@acme.com', { state: 'deleted' })]), config: config() });
  assert.deepEqual(errors.map((e) => e.code), ['unknown-manager']);
});
