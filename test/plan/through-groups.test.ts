// The planner and groups: queues a user is in through a member group, roles held through a group, grants in all divisions, the last admin.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { renderText } from '../../src/render/index.js';
import type { DesiredUser, FieldChange, InheritedGrant, OrgState, OrgUser, Plan } from '../../src/model/index.js';
import { FILE, config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const at = (line: number, column: number) => ({ file: FILE, line, column });

function plan(desired: DesiredUser[], org: OrgState, safety: Parameters<typeof config>[0] = {}): Plan {
  const { plan: out, errors } = buildPlan({ desired: desiredState(desired), org, config: config(safety), allowUnsafe: false });
  assert.deepEqual(errors, []);
  return out;
}

const fieldOf = (p: Plan, email: string, field: FieldChange['field']): FieldChange | undefined => p.changes.find((c) => c.email === email)?.fields.find((f) => f.field === field);

/** Nina: a direct member of Tier 2; "Support Team" is a member group of Tier 1 and she is in it. */
function queueOrg(nina: Partial<OrgUser> = {}, extra: Partial<OrgState> = {}): OrgState {
  return orgState([orgUser('u-nina', 'nina@acme.com', { groupIds: ['g-support'], ...nina })], {
    queueMembers: { 'q-1': [], 'q-2': ['u-nina'], 'q-s': [] },
    queueGroupMembers: { 'q-1': ['u-nina'], 'q-2': [], 'q-s': [] },
    queueMemberGroups: { 'q-1': ['g-support'] },
    ...extra,
  });
}

interface QueueCase {
  name: string;
  queues: string[];
  groups?: string[];
  nina?: Partial<OrgUser>;
  extra?: Partial<OrgState>;
  add: string[];
  remove: string[];
  /** Queues named in a queue-via-group warning. */
  warned: string[];
}

const queueCases: QueueCase[] = [
  { name: 'a queue had only through a group is not a removal', queues: ['Support - Tier 2'], add: [], remove: [], warned: [] },
  { name: 'an empty list removes the direct membership only', queues: [], add: [], remove: ['Support - Tier 2'], warned: [] },
  { name: 'a named queue had through a group is not added directly, and is warned about', queues: ['Support - Tier 1', 'Support - Tier 2'], add: [], remove: [], warned: ['Support - Tier 1'] },
  {
    name: 'a queue a group brings through a team (no GROUP member group known) is left alone too',
    queues: ['Support - Tier 1', 'Support - Tier 2'],
    extra: { queueMemberGroups: {} },
    add: [],
    remove: [],
    warned: ['Support - Tier 1'],
  },
  {
    name: 'joining a member group in the same plan: the queue comes through it, not directly',
    queues: ['Support - Tier 2', 'Sales'],
    groups: ['Support Team', 'Team Leads'],
    extra: { queueMemberGroups: { 'q-1': ['g-support'], 'q-s': ['g-leads'] } },
    add: [],
    remove: [],
    warned: ['Sales'],
  },
  {
    name: 'leaving the member group in the same plan: the queue is then added directly',
    queues: ['Support - Tier 1', 'Support - Tier 2'],
    groups: [],
    add: ['Support - Tier 1'],
    remove: [],
    warned: [],
  },
  {
    name: 'leaving one member group but staying in another keeps the queue through that one',
    queues: ['Support - Tier 1', 'Support - Tier 2'],
    groups: ['Team Leads'],
    nina: { groupIds: ['g-support', 'g-leads'] },
    extra: { queueMemberGroups: { 'q-1': ['g-support', 'g-leads'] } },
    add: [],
    remove: [],
    warned: ['Support - Tier 1'],
  },
  {
    name: 'in a queue both ways: the named direct membership stays, with a warning',
    queues: ['Support - Tier 1', 'Support - Tier 2'],
    extra: { queueMembers: { 'q-1': ['u-nina'], 'q-2': ['u-nina'], 'q-s': [] } },
    add: [],
    remove: [],
    warned: ['Support - Tier 1'],
  },
  {
    name: 'in a queue both ways and not named: the direct membership goes, the group keeps them in',
    queues: ['Support - Tier 2'],
    extra: { queueMembers: { 'q-1': ['u-nina'], 'q-2': ['u-nina'], 'q-s': [] } },
    add: [],
    remove: ['Support - Tier 1'],
    warned: [],
  },
  {
    name: 'without group membership read (an older reader), queues are direct as before',
    queues: ['Support - Tier 1'],
    extra: { queueGroupMembers: undefined, queueMemberGroups: undefined },
    add: ['Support - Tier 1'],
    remove: ['Support - Tier 2'],
    warned: [],
  },
];

for (const c of queueCases) {
  test(`queues through groups: ${c.name}`, () => {
    const at0: DesiredUser['at'] = Object.fromEntries(c.queues.map((q, i) => [`queues/${q}`, at(7, 14 + i * 20)]));
    const nina = desiredUser('nina@acme.com', { queues: c.queues, at: at0, ...(c.groups ? { groups: c.groups } : {}) });
    const p = plan([nina], queueOrg(c.nina, c.extra));
    const queues = fieldOf(p, 'nina@acme.com', 'queues');
    const set = queues?.kind === 'set' ? queues : { add: [], remove: [] };
    assert.deepEqual(set.add.map((q) => q.name), c.add);
    assert.deepEqual(set.remove.map((q) => q.name), c.remove);
    const warnings = p.warnings.filter((w) => w.code === 'queue-via-group');
    assert.deepEqual(warnings.map((w) => w.message.match(/queue "([^"]+)"/)?.[1]), c.warned);
    for (const w of warnings) {
      const index = c.queues.indexOf(w.message.match(/queue "([^"]+)"/)?.[1] ?? '');
      assert.deepEqual([w.severity, w.file, w.line, w.column], ['warning', FILE, 7, 14 + index * 20], 'at the queue name in the file');
      assert.ok(w.hint && w.hint.length > 0);
    }
  });
}

test('queues through groups: the warning names the group and a create that joins it gets the queue through it', () => {
  const created = desiredUser('new@acme.com', { queues: ['Support - Tier 1'], groups: ['Support Team'] });
  const p = plan([created], queueOrg());
  const change = p.changes.find((c) => c.email === 'new@acme.com');
  assert.equal(change?.action, 'create');
  assert.equal(change?.fields.find((f) => f.field === 'queues'), undefined, 'no direct membership for a new user who joins the member group');
  assert.match(p.warnings[0]?.message ?? '', /through the group "Support Team"/);
});

const grant = (roleId: string, divisionId: string) => ({ roleId, divisionId });
const inherited = (roleId: string, divisionId: string, groupId: string): InheritedGrant => ({ roleId, divisionId, groupId });

test('roles through groups: never revoked, and shown beside a grant or revoke of the same role', () => {
  const org = orgState([
    orgUser('u-ola', 'ola@acme.com', { roleGrants: [grant('r-emp', 'd-home'), grant('r-sup', 'd-support')], inheritedGrants: [inherited('r-sup', 'd-support', 'g-leads'), inherited('r-user', 'd-home', 'g-support')], groupIds: ['g-leads', 'g-support'] }),
    orgUser('u-kim', 'kim@acme.com', { roleGrants: [], inheritedGrants: [inherited('r-sup', '*', 'g-leads')], groupIds: ['g-leads'] }),
  ]);
  const p = plan(
    [
      // Ola gives up her own Supervisor grant; User (only through Support Team) is not hers to lose.
      desiredUser('ola@acme.com', { roles: [{ role: 'employee' }] }),
      // Kim gets her own Supervisor grant in Sales, which Team Leads already gives her in every division.
      desiredUser('kim@acme.com', { roles: [{ role: 'Supervisor', division: 'Sales' }] }),
    ],
    org,
  );
  const ola = fieldOf(p, 'ola@acme.com', 'roles');
  assert.equal(ola?.kind, 'grants');
  if (ola?.kind !== 'grants') return;
  assert.deepEqual(ola.add, []);
  assert.deepEqual(ola.remove.map((g) => `${g.role}@${g.division}`), ['Supervisor@Support']);
  assert.deepEqual(ola.inherited?.map((g) => `${g.role}@${g.division} ${g.group}`), ['Supervisor@Support Team Leads']);
  const kim = fieldOf(p, 'kim@acme.com', 'roles');
  assert.equal(kim?.kind === 'grants' && kim.inherited?.map((g) => `${g.role}@${g.division} ${g.group}`).join(), 'Supervisor@* Team Leads');
  const text = renderText(p);
  assert.match(text, /- Supervisor \(Support division\) \(still held through group "Team Leads"\)/);
  assert.match(text, /\+ Supervisor \(Sales division\) \(also held through group "Team Leads"\)/);
  // A user whose only difference is a role held through a group has nothing to change.
  const none = plan([desiredUser('ola@acme.com', { roles: [{ role: 'employee' }, { role: 'Supervisor', division: 'Support' }] })], org);
  assert.deepEqual(none.changes, []);
});

test('grants in all divisions: `*` in the file matches a `*` grant read from the org, and is named as such', () => {
  const org = orgState([orgUser('u-ola', 'ola@acme.com', { roleGrants: [grant('r-sup', '*'), grant('r-emp', 'd-home')] })]);
  const same = plan([desiredUser('ola@acme.com', { roles: [{ role: 'employee' }, { role: 'Supervisor', division: '*' }] })], org);
  assert.deepEqual(same.changes, []);
  const narrowed = plan([desiredUser('ola@acme.com', { roles: [{ role: 'employee' }, { role: 'Supervisor', division: 'Sales' }] })], org);
  const roles = fieldOf(narrowed, 'ola@acme.com', 'roles');
  assert.ok(roles?.kind === 'grants');
  assert.deepEqual(roles.remove.map((g) => [g.roleId, g.divisionId, g.division]), [['r-sup', '*', '*']]);
  assert.match(renderText(narrowed), /- Supervisor \(all divisions\)/);
  assert.equal(readRequestFor(desiredState([desiredUser('ola@acme.com', { roles: [{ role: 'Supervisor', division: ' * ' }] })]), config()).wildcardGrants, true);
  assert.equal(readRequestFor(desiredState([desiredUser('ola@acme.com', { roles: [{ role: 'Supervisor', division: 'Sales' }] })]), config()).wildcardGrants, undefined);
});

interface AdminCase {
  name: string;
  users: OrgUser[];
  desired: DesiredUser[];
  blocked: boolean;
}

const admin = (id: string, email: string, fields: Partial<OrgUser>): OrgUser => orgUser(id, email, { roleGrants: [], inheritedGrants: [], groupIds: [], ...fields });

const adminCases: AdminCase[] = [
  {
    name: 'an admin only through a group counts as a holder: revoking the other admin\'s own grant is fine',
    users: [admin('u-a', 'a@acme.com', { roleGrants: [grant('r-admin', 'd-home')] }), admin('u-b', 'b@acme.com', { inheritedGrants: [inherited('r-admin', 'd-home', 'g-leads')], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { roles: [] })],
    blocked: false,
  },
  {
    name: 'a revoke cannot remove a role held through a group: the holder keeps it',
    users: [admin('u-a', 'a@acme.com', { roleGrants: [grant('r-admin', 'd-home')], inheritedGrants: [inherited('r-admin', '*', 'g-leads')], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { roles: [] })],
    blocked: false,
  },
  {
    name: 'leaving the group that gives the last admin role is a loss',
    users: [admin('u-a', 'a@acme.com', { inheritedGrants: [inherited('r-admin', 'd-home', 'g-leads')], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { groups: [] })],
    blocked: true,
  },
  {
    name: 'revoking the own grant and leaving the group loses it',
    users: [admin('u-a', 'a@acme.com', { roleGrants: [grant('r-admin', 'd-home')], inheritedGrants: [inherited('r-admin', 'd-home', 'g-leads')], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { roles: [], groups: [] })],
    blocked: true,
  },
  {
    name: 'deactivating the only admin, who holds it through a group, is a loss',
    users: [admin('u-a', 'a@acme.com', { inheritedGrants: [inherited('r-admin', 'd-home', 'g-leads')], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { state: 'inactive' })],
    blocked: true,
  },
  {
    name: 'another user joining the group that holds the admin role keeps the org administrable',
    users: [
      admin('u-a', 'a@acme.com', { roleGrants: [grant('r-admin', 'd-home')] }),
      admin('u-c', 'c@acme.com', { inheritedGrants: [inherited('r-emp', 'd-home', 'g-support')], groupIds: ['g-support'] }),
      admin('u-x', 'x@acme.com', { state: 'inactive', inheritedGrants: [inherited('r-admin', 'd-home', 'g-leads')], groupIds: ['g-leads'] }),
    ],
    desired: [desiredUser('a@acme.com', { roles: [] }), desiredUser('c@acme.com', { groups: ['Support Team', 'Team Leads'] })],
    blocked: false,
  },
  {
    name: 'grants not read: the listing\'s role ids count, and a revoke cannot take them',
    users: [orgUser('u-a', 'a@acme.com', { roleGrants: undefined, roleIds: ['r-admin'], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { title: 'Admin' })],
    blocked: false,
  },
  {
    name: 'grants not read: leaving a group may take the role, the safe reading',
    users: [orgUser('u-a', 'a@acme.com', { roleGrants: undefined, roleIds: ['r-admin'], groupIds: ['g-leads'] })],
    desired: [desiredUser('a@acme.com', { groups: [] })],
    blocked: true,
  },
];

for (const c of adminCases) {
  test(`last admin: ${c.name}`, () => {
    const p = plan(c.desired, orgState(c.users));
    assert.equal(p.safety.blocked, c.blocked, JSON.stringify(p.safety.violations));
    if (c.blocked) assert.deepEqual(p.safety.violations.map((v) => v.rule), ['last-admin']);
  });
}
