// The diff at its edges: sorted lists (ties by id), duplicates in the org, every warning and error in full, queues through groups as they move, users dropped on any unresolved name, creates and restores of every field kind, and the order of fields.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { diffUsers } from '../../src/plan/index.js';
import type { Change, DesiredUser, FieldChange, Issue, OrgState, OrgUser, ProvisionConfig, Source } from '../../src/model/index.js';
import { FILE, config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const EMAIL = 'ola@acme.com';
const at = (line: number, column = 5): Source => ({ file: FILE, line, column });

function diff(users: DesiredUser[], org: OrgUser[], state: Partial<OrgState> = {}, cfg: ProvisionConfig = config()) {
  return diffUsers(desiredState(users), orgState(org, state), cfg);
}

function changeOf(changes: Change[], email = EMAIL): Change {
  const change = changes.find((c) => c.email === email);
  assert.ok(change, `a change for ${email}`);
  return change;
}

const fieldsOf = (changes: Change[], email = EMAIL): FieldChange[] => changeOf(changes, email).fields;
const codes = (issues: Issue[]): string[] => issues.map((i) => i.code);

describe('lists are sorted by name, then id, whatever the order in the file or the org', () => {
  it('additions, level changes and removals of every list', () => {
    const { changes } = diff(
      [
        desiredUser(EMAIL, {
          name: 'ola',
          groups: ['Team Leads', 'Support Team'],
          locations: ['Indianapolis HQ', 'Dublin Office'],
          skills: { Escalations: 1, Chat: 2 },
          languages: {},
          queues: ['Support - Tier 2', 'Sales', 'Support - Tier 1'],
          roles: [{ role: 'User' }, { role: 'Supervisor', division: 'Support' }, { role: 'Supervisor' }],
        }),
      ],
      [orgUser('u-ola', EMAIL, { skills: { 's-esc': 5, 's-chat': 5, 's-billing': 1 }, languages: { 'l-es': 2, 'l-en': 3 } })],
    );
    const byField = Object.fromEntries(fieldsOf(changes).map((f) => [f.field, f]));
    assert.deepEqual(byField.groups, { field: 'groups', kind: 'set', add: [{ id: 'g-support', name: 'Support Team' }, { id: 'g-leads', name: 'Team Leads' }], remove: [] });
    assert.deepEqual(byField.locations, { field: 'locations', kind: 'set', add: [{ id: 'loc-dub', name: 'Dublin Office' }, { id: 'loc-indy', name: 'Indianapolis HQ' }], remove: [] });
    assert.deepEqual(byField.skills, {
      field: 'skills',
      kind: 'levels',
      add: [],
      change: [{ id: 's-chat', name: 'Chat', before: 5, after: 2 }, { id: 's-esc', name: 'Escalations', before: 5, after: 1 }],
      remove: [{ id: 's-billing', name: 'Billing', level: 1 }],
    });
    assert.deepEqual(byField.languages, { field: 'languages', kind: 'levels', add: [], change: [], remove: [{ id: 'l-en', name: 'English', level: 3 }, { id: 'l-es', name: 'Spanish', level: 2 }] });
    assert.deepEqual(byField.queues, { field: 'queues', kind: 'set', add: [{ id: 'q-s', name: 'Sales' }, { id: 'q-1', name: 'Support - Tier 1' }, { id: 'q-2', name: 'Support - Tier 2' }], remove: [] });
    assert.deepEqual(byField.roles, {
      field: 'roles',
      kind: 'grants',
      add: [
        { roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-home', division: 'Home' },
        { roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-support', division: 'Support' },
        { roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' },
      ],
      remove: [],
    });
  });

  it('removals, and skills added, in the org\'s order', () => {
    const { changes } = diff(
      [desiredUser(EMAIL, { name: 'ola', groups: [], queues: [], roles: [], skills: { Escalations: 1, Chat: 2, Billing: 3 } })],
      [
        orgUser('u-ola', EMAIL, {
          groupIds: ['g-leads', 'g-support'],
          roleGrants: [{ roleId: 'r-user', divisionId: 'd-home' }, { roleId: 'r-emp', divisionId: 'd-home' }, { roleId: 'r-sup', divisionId: 'd-sales' }, { roleId: 'r-sup', divisionId: 'd-home' }],
        }),
      ],
      { queueMembers: { 'q-2': ['u-ola'], 'q-1': ['u-ola'], 'q-s': [] } },
    );
    const byField = Object.fromEntries(fieldsOf(changes).map((f) => [f.field, f]));
    assert.deepEqual(byField.groups, { field: 'groups', kind: 'set', add: [], remove: [{ id: 'g-support', name: 'Support Team' }, { id: 'g-leads', name: 'Team Leads' }] });
    assert.deepEqual(byField.queues, { field: 'queues', kind: 'set', add: [], remove: [{ id: 'q-1', name: 'Support - Tier 1' }, { id: 'q-2', name: 'Support - Tier 2' }] });
    assert.deepEqual(byField.roles, {
      field: 'roles',
      kind: 'grants',
      add: [],
      // By name in code-unit order (upper case first), whatever the ids.
      remove: [
        { roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-home', division: 'Home' },
        { roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-sales', division: 'Sales' },
        { roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' },
        { roleId: 'r-emp', role: 'employee', divisionId: 'd-home', division: 'Home' },
      ],
    });
    assert.deepEqual(
      (byField.skills as Extract<FieldChange, { kind: 'levels' }>).add.map((l) => l.name),
      ['Billing', 'Chat', 'Escalations'],
    );
  });

  it('objects the org names alike are ordered by id', () => {
    const lookups = orgState([]).lookups;
    const state: Partial<OrgState> = {
      lookups: {
        ...lookups,
        groups: [...lookups.groups, { id: 'g-a2', name: 'Agents' }, { id: 'g-a1', name: 'Agents' }],
        roles: [...lookups.roles, { id: 'r-a2', name: 'Agent' }, { id: 'r-a1', name: 'Agent' }],
        divisions: [...lookups.divisions, { id: 'd-x2', name: 'Ops' }, { id: 'd-x1', name: 'Ops' }],
      },
    };
    const grants = [
      { roleId: 'r-user', divisionId: 'd-x2' },
      { roleId: 'r-a2', divisionId: 'd-home' },
      { roleId: 'r-user', divisionId: 'd-x1' },
      { roleId: 'r-a1', divisionId: 'd-home' },
    ];
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', groups: [], roles: [] })], [orgUser('u-ola', EMAIL, { groupIds: ['g-a2', 'g-a1'], roleGrants: grants })], state);
    const byField = Object.fromEntries(fieldsOf(changes).map((f) => [f.field, f]));
    assert.deepEqual(byField.groups, { field: 'groups', kind: 'set', add: [], remove: [{ id: 'g-a1', name: 'Agents' }, { id: 'g-a2', name: 'Agents' }] });
    assert.deepEqual(
      (byField.roles as Extract<FieldChange, { kind: 'grants' }>).remove.map((g) => `${g.role}@${g.division} ${g.roleId}/${g.divisionId}`),
      ['Agent@Home r-a1/d-home', 'Agent@Home r-a2/d-home', 'User@Ops r-user/d-x1', 'User@Ops r-user/d-x2'],
    );
  });

  it('grants held through groups beside a revoke: the matching ones only, once each, sorted by grant then group', () => {
    const inherited = [
      { roleId: 'r-user', divisionId: 'd-home', groupId: 'g-support' },
      { roleId: 'r-emp', divisionId: 'd-home', groupId: 'g-support' },
      { roleId: 'r-user', divisionId: 'd-sales', groupId: 'g-support' },
      { roleId: 'r-user', divisionId: 'd-home', groupId: 'g-leads' },
      { roleId: 'r-sup', divisionId: '*', groupId: 'g-leads' },
      { roleId: 'r-user', divisionId: 'd-home', groupId: 'g-leads' },
    ];
    const own = [{ roleId: 'r-user', divisionId: 'd-home' }, { roleId: 'r-sup', divisionId: 'd-home' }, { roleId: 'r-emp', divisionId: 'd-home' }];
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', roles: [{ role: 'employee' }] })], [orgUser('u-ola', EMAIL, { roleGrants: own, inheritedGrants: inherited })]);
    const roles = fieldsOf(changes).find((f) => f.field === 'roles');
    assert.ok(roles?.kind === 'grants');
    assert.deepEqual(
      roles.inherited?.map((g) => `${g.role}@${g.division} via ${g.group}`),
      ['Supervisor@* via Team Leads', 'User@Home via Support Team', 'User@Home via Team Leads'],
    );
  });
});

describe('users the org holds more than once', () => {
  it('of deleted users with one email, the most recently deleted is restored, whatever the order read', () => {
    const copies = [orgUser('del-3', 'back@acme.com', { state: 'deleted' }), orgUser('del-2', 'back@acme.com', { state: 'deleted', dateDeleted: '2025-02-01T10:00:00Z' }), orgUser('del-1', 'back@acme.com', { state: 'deleted', dateDeleted: '2024-05-01T10:00:00Z' })];
    for (const org of [copies, [...copies].reverse()]) {
      const change = changeOf(diff([desiredUser('back@acme.com', { name: 'back' })], org).changes, 'back@acme.com');
      assert.equal(change.action, 'restore');
      assert.equal(change.id, 'del-2');
      assert.equal(change.deletedAt, '2025-02-01T10:00:00Z');
    }
  });

  it('of deleted users deleted at the same time, the lowest id', () => {
    const copies = [orgUser('del-b', 'back@acme.com', { state: 'deleted', dateDeleted: '2025-02-01T10:00:00Z' }), orgUser('del-a', 'back@acme.com', { state: 'deleted', dateDeleted: '2025-02-01T10:00:00Z' })];
    for (const org of [copies, [...copies].reverse()]) assert.equal(changeOf(diff([desiredUser('back@acme.com', { name: 'back' })], org).changes, 'back@acme.com').id, 'del-a');
  });

  it('a restored user deleted at an unknown time carries no deletion time', () => {
    const change = changeOf(diff([desiredUser('back@acme.com', { name: 'back' })], [orgUser('del-3', 'back@acme.com', { state: 'deleted' })]).changes, 'back@acme.com');
    assert.equal(change.action, 'restore');
    assert.ok(!('deletedAt' in change));
  });

  it('of live users with one email, the active one, else the lowest id, is managed; each email is reported once, in order', () => {
    const org = [
      orgUser('y-1', 'y@acme.com'),
      orgUser('y-2', 'Y@acme.com'),
      orgUser('x-3', 'x@acme.com'),
      orgUser('x-0', 'x@acme.com', { state: 'inactive' }),
      orgUser('x-2', 'x@acme.com'),
      orgUser('w-2', 'w@acme.com'),
      orgUser('w-1', 'w@acme.com', { state: 'inactive' }),
      orgUser('v-1', 'v@acme.com', { state: 'inactive' }),
      orgUser('v-2', 'v@acme.com', { state: 'inactive' }),
    ];
    const users = ['x@acme.com', 'y@acme.com', 'w@acme.com'].map((email) => desiredUser(email, { name: email, title: 'T' }));
    const { changes, warnings, summary } = diff(users, org);
    assert.deepEqual(
      changes.map((c) => `${c.email} ${c.id}`),
      ['w@acme.com w-2', 'x@acme.com x-2', 'y@acme.com y-1'],
    );
    const hint = 'Delete or rename the extra users in Genesys Cloud.';
    assert.deepEqual(warnings, [
      { severity: 'warning', code: 'duplicate-org-email', message: 'The org holds 2 users with the email v@acme.com (ids v-1, v-2); the plan manages v-1 (inactive) and leaves the others alone.', hint },
      { severity: 'warning', code: 'duplicate-org-email', message: 'The org holds 2 users with the email w@acme.com (ids w-1, w-2); the plan manages w-2 (active) and leaves the others alone.', hint },
      { severity: 'warning', code: 'duplicate-org-email', message: 'The org holds 3 users with the email x@acme.com (ids x-0, x-2, x-3); the plan manages x-2 (active) and leaves the others alone.', hint },
      { severity: 'warning', code: 'duplicate-org-email', message: 'The org holds 2 users with the email y@acme.com (ids y-1, y-2); the plan manages y-1 (active) and leaves the others alone.', hint },
    ]);
    // The shadowed copies (x-0, x-3, y-2, w-1, v-2) are unmanaged; v-1, inactive and undeclared, is not counted.
    assert.equal(summary.unmanaged, 5);
  });
});

describe('managers', () => {
  const grace = orgUser('u-grace', 'grace@acme.com', { name: 'Grace' });

  it('a current manager the read does not hold shows as an unknown user', () => {
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', manager: 'grace@acme.com' })], [orgUser('u-ola', EMAIL, { managerId: 'u-gone' }), grace]);
    assert.deepEqual(fieldsOf(changes), [{ field: 'manager', kind: 'manager', before: { email: 'unknown user u-gone', id: 'u-gone' }, after: { email: 'grace@acme.com', id: 'u-grace' } }]);
  });

  it('no manager wanted and none held is no change', () => {
    assert.deepEqual(diff([desiredUser(EMAIL, { name: 'ola', manager: '' })], [orgUser('u-ola', EMAIL)]).changes, []);
  });

  it('an undeclared manager found in the org is a warning at the manager, once per manager, saying when they are inactive', () => {
    const hint = 'Declare the manager in users/ to manage them too.';
    const users = [
      desiredUser(EMAIL, { name: 'ola', manager: 'grace@acme.com', at: { manager: at(101, 14) } }),
      desiredUser('nina@acme.com', { name: 'nina', manager: 'Grace@Acme.com' }),
      desiredUser('kim@acme.com', { name: 'kim', manager: 'old@acme.com', at: { manager: at(121, 14) } }),
    ];
    const { warnings } = diff(users, [grace, orgUser('u-old', 'old@acme.com', { name: 'Old', state: 'inactive' })]);
    assert.deepEqual(warnings, [
      { severity: 'warning', code: 'manager-undeclared', message: 'Manager grace@acme.com is not declared in users/; found in the org as "Grace".', hint, file: FILE, line: 101, column: 14 },
      { severity: 'warning', code: 'manager-undeclared', message: 'Manager old@acme.com is not declared in users/; found in the org as "Old" (inactive).', hint, file: FILE, line: 121, column: 14 },
    ]);
  });

  it('a manager nobody has is an error, with a suggestion only when one is close', () => {
    const { errors } = diff([desiredUser(EMAIL, { name: 'ola', manager: 'grace@acme.co' }), desiredUser('kim@acme.com', { name: 'kim', manager: 'zz@elsewhere.example' })], [grace]);
    assert.deepEqual(
      errors.map((e) => [e.severity, e.code, e.message]),
      [
        ['error', 'unknown-manager', 'Manager grace@acme.co is neither declared in users/ nor a user in the org. Did you mean grace@acme.com?'],
        ['error', 'unknown-manager', 'Manager zz@elsewhere.example is neither declared in users/ nor a user in the org.'],
      ],
    );
  });
});

describe('fields Genesys left out of the read', () => {
  it('a managed field the org did not return is left alone with a warning at the field', () => {
    const { changes, warnings } = diff([desiredUser(EMAIL, { name: 'ola', skills: { Chat: 2 }, at: { skills: at(30) } })], [orgUser('u-ola', EMAIL, { unknown: ['skills', 'employerInfo'] })]);
    assert.deepEqual(changes, []);
    assert.deepEqual(warnings, [
      {
        severity: 'warning',
        code: 'field-unknown',
        message: 'Genesys did not return the skills of ola@acme.com (Genesys resolves expansions "with a best effort approach"); this plan leaves the user\'s skills unchanged.',
        hint: 'Plan again: the next read will most likely carry them.',
        file: FILE,
        line: 30,
        column: 5,
      },
    ]);
  });

  it('the field\'s position, not that of an item that happens to be named "undefined"', () => {
    const lookups = orgState([]).lookups;
    const { warnings } = diff(
      [desiredUser(EMAIL, { name: 'ola', skills: { undefined: 2 }, at: { skills: at(30), 'skills/undefined': at(31) } })],
      [orgUser('u-ola', EMAIL, { unknown: ['skills'] })],
      { lookups: { ...lookups, skills: [...lookups.skills, { id: 's-u', name: 'undefined' }] } },
    );
    assert.deepEqual(warnings.map((w) => w.line), [30]);
  });
});

describe('queues through groups', () => {
  const via = (fields: Partial<OrgState>): Partial<OrgState> => ({ queueMembers: { 'q-1': [], 'q-2': [], 'q-s': [] }, ...fields });
  const line = at(50, 9);
  const ola = (fields: Partial<DesiredUser>) => desiredUser(EMAIL, { name: 'ola', at: { 'queues/support - tier 1': line }, ...fields });
  const message = (through: string, direct = false) =>
    `ola@acme.com is in queue "Support - Tier 1" through ${through}${direct ? ' as well as directly' : ''}. provision manages direct queue membership only: it does not add them directly${direct ? ', and keeps the direct membership the file names' : ''}.`;
  const hint = 'Remove "Support - Tier 1" from this user\'s queues: the group keeps them in it. To manage it here instead, take the user out of the group (or the group out of the queue).';

  it('a queue named in the file and given by a group: a warning at the name as written, no change', () => {
    const { changes, warnings } = diff([ola({ queues: ['support - tier 1'] })], [orgUser('u-ola', EMAIL, { groupIds: ['g-leads'] })], via({ queueGroupMembers: { 'q-1': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-leads'] } }));
    assert.deepEqual(changes, []);
    assert.deepEqual(warnings, [{ severity: 'warning', code: 'queue-via-group', message: message('the group "Team Leads"'), hint, file: FILE, line: 50, column: 9 }]);
  });

  it('also a direct member: the direct membership is kept', () => {
    const { changes, warnings } = diff(
      [ola({ queues: ['support - tier 1'] })],
      [orgUser('u-ola', EMAIL, { groupIds: ['g-leads'] })],
      via({ queueMembers: { 'q-1': ['u-ola'] }, queueGroupMembers: { 'q-1': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-leads'] } }),
    );
    assert.deepEqual(changes, []);
    assert.deepEqual(warnings.map((w) => w.message), [message('the group "Team Leads"', true)]);
  });

  it('through something provision cannot see: "a group", even when the user joins one of the queue\'s member groups', () => {
    for (const groups of [undefined, ['Team Leads']]) {
      const { warnings } = diff([ola({ queues: ['support - tier 1'], groups })], [orgUser('u-ola', EMAIL, { groupIds: [] })], via({ queueGroupMembers: { 'q-1': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-leads'] } }));
      assert.deepEqual(warnings.map((w) => w.message), [message('a group')]);
    }
  });

  it('moving from one member group of the queue to another keeps the queue, through the new group', () => {
    const { changes, warnings } = diff(
      [ola({ queues: ['support - tier 1'], groups: ['Support Team'] })],
      [orgUser('u-ola', EMAIL, { groupIds: ['g-leads'] })],
      via({ queueGroupMembers: { 'q-1': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-leads', 'g-support'] } }),
    );
    assert.deepEqual(warnings.map((w) => w.message), [message('the group "Support Team"')]);
    assert.deepEqual(fieldsOf(changes).map((f) => f.field), ['groups']);
  });

  it('staying in the member group that gives the queue and joining another: still through the first', () => {
    const { warnings } = diff(
      [ola({ queues: ['support - tier 1'], groups: ['Team Leads', 'Support Team'] })],
      [orgUser('u-ola', EMAIL, { groupIds: ['g-leads'] })],
      via({ queueGroupMembers: { 'q-1': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-support', 'g-leads'] } }),
    );
    assert.deepEqual(warnings.map((w) => w.message), [message('the group "Team Leads"')]);
  });

  it('joining a member group gives the queue; a queue whose member group the user does not join is added directly', () => {
    const { changes, warnings } = diff(
      [ola({ queues: ['support - tier 1', 'Sales'], groups: ['Team Leads'] })],
      [orgUser('u-ola', EMAIL, { groupIds: [] })],
      via({ queueMemberGroups: { 'q-1': ['g-leads'], 'q-s': ['g-support'] } }),
    );
    assert.deepEqual(warnings.map((w) => w.message), [message('the group "Team Leads"')]);
    assert.deepEqual(fieldsOf(changes), [
      { field: 'queues', kind: 'set', add: [{ id: 'q-s', name: 'Sales' }], remove: [] },
      { field: 'groups', kind: 'set', add: [{ id: 'g-leads', name: 'Team Leads' }], remove: [] },
    ]);
  });

  it('every queue the user is in through groups counts', () => {
    const { changes, warnings } = diff(
      [desiredUser(EMAIL, { name: 'ola', queues: ['Support - Tier 1', 'Support - Tier 2'] })],
      [orgUser('u-ola', EMAIL, { groupIds: ['g-support'] })],
      via({ queueGroupMembers: { 'q-1': ['u-ola'], 'q-2': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-leads'], 'q-2': ['g-support'] } }),
    );
    assert.deepEqual(changes, []);
    assert.deepEqual(warnings.map((w) => w.message.replace(/\. provision.*$/, '')), ['ola@acme.com is in queue "Support - Tier 1" through a group', 'ola@acme.com is in queue "Support - Tier 2" through the group "Support Team"']);
  });

  it('a group that does not resolve drops the user before any queue is judged', () => {
    const { changes, warnings, errors } = diff([ola({ queues: ['support - tier 1'], groups: ['Nope'] })], [orgUser('u-ola', EMAIL, { groupIds: ['g-leads'] })], via({ queueGroupMembers: { 'q-1': ['u-ola'] }, queueMemberGroups: { 'q-1': ['g-leads'] } }));
    assert.deepEqual(changes, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(codes(errors), ['unknown-group']);
  });
});

describe('extension-only lines and the extension pools', () => {
  const pools = [{ name: 'HQ desks', start: '4000', end: '4999' }, { name: '', start: '100', end: '199' }];
  const warningsFor = (phones: DesiredUser['phones'], extensionPools: OrgState['extensionPools'], org: Partial<OrgUser> = {}) =>
    diff([desiredUser(EMAIL, { name: 'ola', phones, at: { 'phones/work': at(42, 13) } })], [orgUser('u-ola', EMAIL, org)], { extensionPools }).warnings;

  it('the warning in full: every pool, named or not', () => {
    assert.deepEqual(warningsFor([{ type: 'work', extension: '250', mediaType: 'PHONE' }], pools), [
      {
        severity: 'warning',
        code: 'extension-not-in-pool',
        message: "phones.work: extension 250 is in none of the org's extension pools (HQ desks 4000–4999, 100–199); Genesys keeps it as an extension not mapped to a pool, and calls do not reach it.",
        hint: 'Pick an extension inside a pool, add a pool covering 250 in Genesys Cloud (Telephony > Extension pools), or write the full number with the extension, e.g. "+1 317 555 0100 x250".',
        file: FILE,
        line: 42,
        column: 13,
      },
    ]);
    assert.match(warningsFor([{ type: 'work', extension: '250', mediaType: 'PHONE' }], [])[0]?.message ?? '', /extension pools \(the org has none\);/);
  });

  it('inside any one pool is fine', () => {
    assert.deepEqual(warningsFor([{ type: 'work', extension: '150', mediaType: 'PHONE' }], pools), []);
  });

  it('held already as an extension-only line is not checked; held with a number it is', () => {
    const phones: DesiredUser['phones'] = [{ type: 'work', extension: '250', mediaType: 'PHONE' }, { type: 'home', number: '+13175550100', mediaType: 'PHONE' }];
    assert.deepEqual(warningsFor(phones, pools, { phones: [{ type: 'work', extension: '250', mediaType: 'PHONE' }] }), []);
    assert.equal(warningsFor(phones, pools, { phones: [{ type: 'work', number: '+13175550110', extension: '250', mediaType: 'PHONE' }] }).length, 1);
  });

  it('a deleted user holds nothing: restoring them checks their extension', () => {
    const { changes, warnings } = diff(
      [desiredUser('back@acme.com', { name: 'back', phones: [{ type: 'work', extension: '250', mediaType: 'PHONE' }, { type: 'home', number: '+13175550100', mediaType: 'PHONE' }] })],
      [orgUser('del-1', 'back@acme.com', { state: 'deleted', phones: [{ type: 'work', extension: '250', mediaType: 'PHONE' }] })],
      { extensionPools: pools },
    );
    assert.equal(changeOf(changes, 'back@acme.com').action, 'restore');
    assert.deepEqual(codes(warnings), ['extension-not-in-pool']);
  });
});

describe('a user is left out when any of their names does not resolve', () => {
  const unresolved: Array<[string, Partial<DesiredUser>, string]> = [
    ['division', { division: 'Nowhere' }, 'unknown-division'],
    ['manager', { manager: 'nobody@nowhere.example' }, 'unknown-manager'],
    ['a role', { roles: [{ role: 'User' }, { role: 'Wizard' }] }, 'unknown-role'],
    ['a role\'s division', { roles: [{ role: 'User', division: 'Nowhere' }] }, 'unknown-division'],
    ['a skill', { skills: { Chat: 2, Juggling: 3 } }, 'unknown-skill'],
    ['a language', { languages: { English: 2, Klingon: 3 } }, 'unknown-language'],
    ['a queue', { queues: ['Sales', 'Nope'] }, 'unknown-queue'],
    ['a group', { groups: ['Team Leads', 'Nope'] }, 'unknown-group'],
    ['a group, with queues', { queues: ['Sales'], groups: ['Nope'] }, 'unknown-group'],
    ['a location', { locations: ['Dublin Office', 'Nope'] }, 'unknown-location'],
  ];
  for (const [what, fields, code] of unresolved) {
    it(`${what}: the other changes of the user are left out too`, () => {
      const { changes, errors } = diff([desiredUser(EMAIL, { name: 'ola', title: 'New', ...fields })], [orgUser('u-ola', EMAIL, { title: 'Old' })]);
      assert.deepEqual(changes, []);
      assert.deepEqual(codes(errors), [code]);
    });
  }

  it('a user to restore as well', () => {
    const { changes, errors } = diff([desiredUser('back@acme.com', { name: 'back', skills: { Juggling: 3 } })], [orgUser('del-1', 'back@acme.com', { state: 'deleted' })]);
    assert.deepEqual(changes, []);
    assert.deepEqual(codes(errors), ['unknown-skill']);
  });

  it('an unknown role division is reported where the grant is written', () => {
    const { errors } = diff([desiredUser(EMAIL, { name: 'ola', roles: [{ role: 'User', division: 'Nowhere' }], at: { roles: at(60), 'roles/User': at(61), 'roles/User@Nowhere': at(62, 15) } })], [orgUser('u-ola', EMAIL)]);
    assert.deepEqual(errors.map((e) => [e.code, e.line, e.column]), [['unknown-division', 62, 15]]);
  });
});

describe('role divisions as written', () => {
  it('blank means the home division, `*` (with spaces) all divisions', () => {
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', roles: [{ role: 'User', division: '  ' }, { role: 'Supervisor', division: ' * ' }] })], [orgUser('u-ola', EMAIL)]);
    assert.deepEqual(fieldsOf(changes), [
      {
        field: 'roles',
        kind: 'grants',
        add: [
          { roleId: 'r-sup', role: 'Supervisor', divisionId: '*', division: '*' },
          { roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' },
        ],
        remove: [],
      },
    ]);
  });
});

describe('creates and restores carry every managed field from nothing', () => {
  it('a create with every kind of field', () => {
    const { changes } = diff(
      [
        desiredUser('new@acme.com', {
          name: ' Nina  Berg ',
          otherEmails: [{ type: 'home', address: 'nina@example.com' }],
          acdAutoAnswer: true,
          employerInfo: { employeeId: 'E7' },
          roles: [{ role: 'User' }],
          locations: ['Dublin Office'],
          certifications: ['ITIL'],
        }),
      ],
      [],
    );
    const change = changeOf(changes, 'new@acme.com');
    assert.equal(change.action, 'create');
    assert.equal(change.name, 'Nina  Berg');
    assert.deepEqual(change.fields, [
      { field: 'name', kind: 'text', before: null, after: 'Nina  Berg' },
      { field: 'otherEmails', kind: 'otherEmails', before: [], after: [{ type: 'home', address: 'nina@example.com' }] },
      { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true },
      { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E7' } },
      { field: 'roles', kind: 'grants', add: [{ roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' }], remove: [] },
      { field: 'locations', kind: 'set', add: [{ id: 'loc-dub', name: 'Dublin Office' }], remove: [] },
      { field: 'certifications', kind: 'strings', add: ['ITIL'], remove: [] },
    ]);
  });

  it('a restore grants every declared role (a deleted user\'s grants are not read)', () => {
    const { changes, warnings } = diff([desiredUser('back@acme.com', { name: 'back', roles: [{ role: 'User' }] })], [orgUser('del-1', 'back@acme.com', { state: 'deleted', roleGrants: undefined })]);
    assert.deepEqual(fieldsOf(changes, 'back@acme.com'), [{ field: 'roles', kind: 'grants', add: [{ roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' }], remove: [] }]);
    assert.deepEqual(warnings, []);
  });
});

describe('what a field left out of the file leaves alone', () => {
  it('profile skills, certifications and employer info the org holds', () => {
    const org = orgUser('u-ola', EMAIL, { profileSkills: ['SQL'], certifications: ['CCNA'], employerInfo: { employeeId: 'E1' }, unknown: ['employerInfo'] });
    assert.deepEqual(diff([desiredUser(EMAIL, { name: 'ola' })], [org]), { changes: [], summary: { create: 0, update: 0, restore: 0, deactivate: 0, unchanged: 1, unmanaged: 0 }, waiting: [], undeclared: [], warnings: [], errors: [], managedCount: 1 });
  });

  it('auto-answer already on, locations the file drops', () => {
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', acdAutoAnswer: true, locations: ['Dublin Office'] })], [orgUser('u-ola', EMAIL, { acdAutoAnswer: true, locationIds: ['loc-indy', 'loc-dub'] })]);
    assert.deepEqual(fieldsOf(changes), [{ field: 'locations', kind: 'set', add: [], remove: [{ id: 'loc-indy', name: 'Indianapolis HQ' }] }]);
  });

  it('other emails for a user with no phones carry no phones', () => {
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', otherEmails: [] })], [orgUser('u-ola', EMAIL, { phones: [], otherEmails: [{ type: 'work', address: 'ola@partner.example' }] })]);
    assert.deepEqual(fieldsOf(changes), [{ field: 'otherEmails', kind: 'otherEmails', before: [{ type: 'work', address: 'ola@partner.example' }], after: [] }]);
  });

  it('only a level changed', () => {
    const { changes } = diff([desiredUser(EMAIL, { name: 'ola', skills: { Chat: 4 } })], [orgUser('u-ola', EMAIL, { skills: { 's-chat': 2 } })]);
    assert.deepEqual(fieldsOf(changes), [{ field: 'skills', kind: 'levels', add: [], change: [{ id: 's-chat', name: 'Chat', before: 2, after: 4 }], remove: [] }]);
  });
});

describe('an update of every field, in the field order', () => {
  it('name, state, title, …, certifications', () => {
    const { changes } = diff(
      [
        desiredUser(EMAIL, {
          name: 'Ola Lind',
          state: 'active',
          title: 'Lead',
          department: 'Support',
          division: 'Support',
          manager: 'grace@acme.com',
          phones: [{ type: 'work', number: '+13175550100', mediaType: 'PHONE' }],
          otherEmails: [{ type: 'work', address: 'ola@partner.example' }],
          acdAutoAnswer: true,
          employerInfo: { employeeId: 'E2' },
          roles: [{ role: 'User' }],
          skills: { Chat: 2 },
          languages: { English: 3 },
          queues: ['Sales'],
          groups: ['Team Leads'],
          locations: ['Dublin Office'],
          profileSkills: ['SQL'],
          certifications: ['ITIL'],
        }),
        desiredUser('grace@acme.com', { name: 'Grace' }),
      ],
      [orgUser('u-ola', EMAIL, { name: 'Ola', state: 'inactive' }), orgUser('u-grace', 'grace@acme.com', { name: 'Grace' })],
    );
    assert.deepEqual(
      fieldsOf(changes).map((f) => f.field),
      ['name', 'state', 'title', 'department', 'division', 'manager', 'phones', 'otherEmails', 'acdAutoAnswer', 'employerInfo', 'roles', 'skills', 'languages', 'queues', 'groups', 'locations', 'profileSkills', 'certifications'],
    );
  });
});

describe('the plan\'s scope and counts', () => {
  it('pruning with a scope that names nothing (a domain of only "@") is refused', () => {
    const { errors, changes } = diff([desiredUser(EMAIL, { name: 'ola' })], [orgUser('u-ola', EMAIL), orgUser('u-x', 'x@acme.com')], {}, config({ scope: { prune: true, divisions: [], emailDomains: ['@', ' '] } }));
    assert.deepEqual(errors, [
      {
        severity: 'error',
        code: 'prune-without-scope',
        message: 'scope.prune is on but the scope names no divisions and no email domains: every undeclared user would be deactivated.',
        hint: 'Set scope.divisions and/or scope.emailDomains in the config file, or turn scope.prune off.',
      },
    ]);
    assert.deepEqual(changes, []);
  });

  it('managed: declared users that exist and undeclared ones pruned', () => {
    const org = [orgUser('u-ola', EMAIL), orgUser('u-a', 'a@acme.com'), orgUser('u-b', 'b@acme.com'), orgUser('u-c', 'c@other.example')];
    const { managedCount, summary } = diff([desiredUser(EMAIL, { name: 'ola' }), desiredUser('new@acme.com', { name: 'new' })], org, {}, config({ scope: { prune: true, emailDomains: ['@acme.com'] } }));
    assert.equal(managedCount, 3);
    assert.equal(summary.deactivate, 2);
    assert.equal(summary.unmanaged, 1);
  });

  it('roles managed for a user read without grants: a warning, once', () => {
    const { warnings, changes } = diff(
      [desiredUser(EMAIL, { name: 'ola', roles: [{ role: 'User' }] }), desiredUser('nina@acme.com', { name: 'nina', roles: [] })],
      [orgUser('u-ola', EMAIL, { roleGrants: undefined }), orgUser('u-nina', 'nina@acme.com', { roleGrants: undefined })],
    );
    assert.deepEqual(changes, []);
    assert.deepEqual(warnings, [
      {
        severity: 'warning',
        code: 'roles-not-read',
        message: 'Some users manage roles but the org was read without role grants: their roles are left unchanged.',
        hint: 'This is a bug in the org reader; please report it.',
      },
    ]);
  });
});
