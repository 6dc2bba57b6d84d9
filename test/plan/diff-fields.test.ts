// Field-by-field diff of one existing user: every field kind, undefined vs empty, and the normalisations.
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan } from '../../src/plan/index.js';
import type { DesiredUser, FieldChange, OrgState, OrgUser } from '../../src/model/index.js';
import { config, desiredState, desiredUser, FILE, orgState, orgUser } from './builders.js';

interface Case {
  name: string;
  desired: Partial<DesiredUser>;
  org?: Partial<OrgUser>;
  state?: Partial<OrgState>;
  /** Other users, declared and in the org. */
  others?: { desired?: DesiredUser[]; org?: OrgUser[] };
  /** The fields of ola's update; [] means unchanged. */
  expect: FieldChange[];
}

const EMAIL = 'ola.lind@acme.com';
const boss = orgUser('u-boss', 'grace@acme.com', { name: 'Grace' });

const cases: Case[] = [
  // Text fields
  { name: 'title changes', desired: { title: 'Support Manager' }, org: { title: 'Team Lead' }, expect: [{ field: 'title', kind: 'text', before: 'Team Lead', after: 'Support Manager' }] },
  { name: 'title undefined is not managed', desired: {}, org: { title: 'Team Lead' }, expect: [] },
  { name: 'title empty clears it', desired: { title: '' }, org: { title: 'Team Lead' }, expect: [{ field: 'title', kind: 'text', before: 'Team Lead', after: null }] },
  { name: 'title empty on an empty title is no change', desired: { title: '  ' }, org: {}, expect: [] },
  { name: 'strings are compared trimmed', desired: { title: '  Agent ' }, org: { title: 'Agent' }, expect: [] },
  // The files' values are trimmed; the org's are compared as they are, so stray spaces there get corrected.
  { name: 'an org title with stray spaces is corrected', desired: { title: 'Agent' }, org: { title: ' Agent ' }, expect: [{ field: 'title', kind: 'text', before: ' Agent ', after: 'Agent' }] },
  { name: 'an org name with a trailing space is corrected', desired: { name: 'Ola Lind' }, org: { name: 'Ola Lind ' }, expect: [{ field: 'name', kind: 'text', before: 'Ola Lind ', after: 'Ola Lind' }] },
  { name: 'an org title of spaces only is no title', desired: { title: '' }, org: { title: '   ' }, expect: [] },
  { name: 'text is case-sensitive', desired: { department: 'support' }, org: { department: 'Support' }, expect: [{ field: 'department', kind: 'text', before: 'Support', after: 'support' }] },
  { name: 'name changes', desired: { name: 'Ola Lindqvist' }, org: { name: 'Ola Lind' }, expect: [{ field: 'name', kind: 'text', before: 'Ola Lind', after: 'Ola Lindqvist' }] },
  { name: 'name in another Unicode form is equal', desired: { name: 'Chloe\u0301' }, org: { name: 'Chlo\u00e9' }, expect: [] },
  // Division
  { name: 'division moves', desired: { division: 'Sales' }, org: { divisionId: 'd-support' }, expect: [{ field: 'division', kind: 'ref', before: { id: 'd-support', name: 'Support' }, after: { id: 'd-sales', name: 'Sales' } }] },
  { name: 'division names match case-insensitively', desired: { division: 'sales' }, org: { divisionId: 'd-sales' }, expect: [] },
  { name: 'division undefined is not managed', desired: {}, org: { divisionId: 'd-sales' }, expect: [] },
  { name: 'a user without division is in the home division', desired: { division: 'Home' }, org: { divisionId: undefined }, expect: [] },
  // Manager
  { name: 'manager set to an existing user', desired: { manager: 'grace@acme.com' }, org: {}, others: { org: [boss] }, expect: [{ field: 'manager', kind: 'manager', before: null, after: { email: 'grace@acme.com', id: 'u-boss' } }] },
  { name: 'manager unchanged', desired: { manager: 'grace@acme.com' }, org: { managerId: 'u-boss' }, others: { org: [boss] }, expect: [] },
  { name: 'manager email compared case-insensitively', desired: { manager: 'Grace@ACME.com' }, org: { managerId: 'u-boss' }, others: { org: [boss] }, expect: [] },
  {
    name: 'manager to a user created in this run has no id',
    desired: { manager: 'new.boss@acme.com' },
    org: { managerId: 'u-boss' },
    others: { org: [boss], desired: [desiredUser('new.boss@acme.com', { name: 'New Boss' })] },
    expect: [{ field: 'manager', kind: 'manager', before: { email: 'grace@acme.com', id: 'u-boss' }, after: { email: 'new.boss@acme.com' } }],
  },
  { name: 'manager removed with an empty email', desired: { manager: '' }, org: { managerId: 'u-boss' }, others: { org: [boss] }, expect: [{ field: 'manager', kind: 'manager', before: { email: 'grace@acme.com', id: 'u-boss' }, after: null }] },
  { name: 'manager undefined is not managed', desired: {}, org: { managerId: 'u-boss' }, others: { org: [boss] }, expect: [] },
  // Phones
  { name: 'phones equal in another format', desired: { phones: [{ type: 'work', number: '+13175550100', mediaType: 'PHONE' }] }, org: { phones: [{ type: 'work', number: '+1 317-555-0100', mediaType: 'PHONE' }] }, expect: [] },
  {
    name: 'phones compare by type whatever the order',
    desired: { phones: [{ type: 'mobile', number: '+13175550111', mediaType: 'PHONE' }, { type: 'work', number: '+13175550110', extension: '110', mediaType: 'PHONE' }] },
    org: { phones: [{ type: 'work', number: '+13175550110', extension: '110', mediaType: 'PHONE' }, { type: 'mobile', number: '+13175550111', mediaType: 'PHONE' }] },
    expect: [],
  },
  {
    name: 'phone extension changes',
    desired: { phones: [{ type: 'work', number: '+13175550110', extension: '111', mediaType: 'PHONE' }] },
    org: { phones: [{ type: 'work', number: '+13175550110', extension: '110', mediaType: 'PHONE' }] },
    expect: [{ field: 'phones', kind: 'phones', before: [{ type: 'work', number: '+13175550110', extension: '110', mediaType: 'PHONE' }], after: [{ type: 'work', number: '+13175550110', extension: '111', mediaType: 'PHONE' }] }],
  },
  {
    name: 'a display form with an extension is parsed',
    desired: { phones: [{ type: 'work', number: '+13175550110', extension: '110', mediaType: 'PHONE' }] },
    org: { phones: [{ type: 'work', number: '+1 317 555 0110 ext. 110', mediaType: 'PHONE' }] },
    expect: [],
  },
  {
    name: 'phones empty removes them all',
    desired: { phones: [] },
    org: { phones: [{ type: 'home', number: '+13175550199', mediaType: 'PHONE' }] },
    expect: [{ field: 'phones', kind: 'phones', before: [{ type: 'home', number: '+13175550199', mediaType: 'PHONE' }], after: [] }],
  },
  { name: 'phones undefined are not managed', desired: {}, org: { phones: [{ type: 'home', number: '+13175550199', mediaType: 'PHONE' }] }, expect: [] },
  {
    name: 'SMS and voice entries differ',
    desired: { phones: [{ type: 'mobile', number: '+13175550111', mediaType: 'SMS' }] },
    org: { phones: [{ type: 'mobile', number: '+13175550111', mediaType: 'PHONE' }] },
    expect: [{ field: 'phones', kind: 'phones', before: [{ type: 'mobile', number: '+13175550111', mediaType: 'PHONE' }], after: [{ type: 'mobile', number: '+13175550111', mediaType: 'SMS' }] }],
  },
  // Other emails: a field of their own, carried with the phones (one addresses list at Genesys)
  { name: 'other emails equal, compared like emails', desired: { otherEmails: [{ type: 'work', address: 'Ola.L@Partner.example' }] }, org: { otherEmails: [{ type: 'work', address: 'ola.l@partner.example' }] }, expect: [] },
  { name: 'other emails undefined are not managed', desired: {}, org: { otherEmails: [{ type: 'home', address: 'ola@example.com' }] }, expect: [] },
  {
    name: 'other emails empty removes them all, and carries the phones the org holds',
    desired: { otherEmails: [] },
    org: { otherEmails: [{ type: 'home', address: 'ola@example.com' }], phones: [{ type: 'work', extension: '4411', mediaType: 'PHONE' }] },
    expect: [{ field: 'otherEmails', kind: 'otherEmails', before: [{ type: 'home', address: 'ola@example.com' }], after: [], phones: [{ type: 'work', extension: '4411', mediaType: 'PHONE' }] }],
  },
  {
    name: 'a phone change carries the other emails the org holds',
    desired: { phones: [{ type: 'work', number: '+13175550110', mediaType: 'PHONE' }] },
    org: { phones: [], otherEmails: [{ type: 'home', address: 'ola@example.com' }, { type: 'work', address: 'ola.l@partner.example' }] },
    expect: [
      {
        field: 'phones',
        kind: 'phones',
        before: [],
        after: [{ type: 'work', number: '+13175550110', mediaType: 'PHONE' }],
        otherEmails: [{ type: 'work', address: 'ola.l@partner.example' }, { type: 'home', address: 'ola@example.com' }],
      },
    ],
  },
  {
    name: 'phones and other emails changing together carry nothing',
    desired: { phones: [], otherEmails: [{ type: 'work', address: 'ola.l@partner.example' }] },
    org: { phones: [{ type: 'home', number: '+13175550199', mediaType: 'PHONE' }] },
    expect: [
      { field: 'phones', kind: 'phones', before: [{ type: 'home', number: '+13175550199', mediaType: 'PHONE' }], after: [] },
      { field: 'otherEmails', kind: 'otherEmails', before: [], after: [{ type: 'work', address: 'ola.l@partner.example' }] },
    ],
  },
  {
    name: 'an extension-only line reads back the same from any shape',
    desired: { phones: [{ type: 'work', extension: '4411', mediaType: 'PHONE' }] },
    org: { phones: [{ type: 'work', extension: '4411', mediaType: 'PHONE' }] },
    expect: [],
  },
  {
    name: 'a national display form is compared in the config region',
    desired: { phones: [{ type: 'work', number: '+13175550120', extension: '120', mediaType: 'PHONE' }] },
    org: { phones: [{ type: 'work', number: '(317) 555-0120', extension: '120', mediaType: 'PHONE' }] },
    expect: [],
  },
  // Flags and employer info
  { name: 'auto-answer off equals unset', desired: { acdAutoAnswer: false }, org: {}, expect: [] },
  { name: 'auto-answer switched on', desired: { acdAutoAnswer: true }, org: { acdAutoAnswer: false }, expect: [{ field: 'acdAutoAnswer', kind: 'bool', before: false, after: true }] },
  { name: 'employer info equal', desired: { employerInfo: { employeeId: 'E1', dateHire: '2020-01-02' } }, org: { employerInfo: { dateHire: '2020-01-02', employeeId: 'E1' } }, expect: [] },
  {
    name: 'employer info changed',
    desired: { employerInfo: { employeeId: 'E2' } },
    org: { employerInfo: { employeeId: 'E1', employeeType: 'Full-time' } },
    expect: [{ field: 'employerInfo', kind: 'employerInfo', before: { employeeId: 'E1', employeeType: 'Full-time' }, after: { employeeId: 'E2' } }],
  },
  {
    name: 'org employer info with stray spaces is corrected',
    desired: { employerInfo: { employeeId: 'E1' } },
    org: { employerInfo: { employeeId: 'E1 ' } },
    expect: [{ field: 'employerInfo', kind: 'employerInfo', before: { employeeId: 'E1 ' }, after: { employeeId: 'E1' } }],
  },
  { name: 'employer info empty clears it', desired: { employerInfo: {} }, org: { employerInfo: { employeeId: 'E1' } }, expect: [{ field: 'employerInfo', kind: 'employerInfo', before: { employeeId: 'E1' }, after: {} }] },
  // Roles
  { name: 'roles without division mean the home division', desired: { roles: [{ role: 'User' }, { role: 'employee' }] }, org: { roleGrants: [{ roleId: 'r-emp', divisionId: 'd-home' }, { roleId: 'r-user', divisionId: 'd-home' }] }, expect: [] },
  {
    name: 'roles compare as role and division pairs',
    desired: { roles: [{ role: 'User' }, { role: 'supervisor', division: 'Support' }] },
    org: { roleGrants: [{ roleId: 'r-user', divisionId: 'd-home' }, { roleId: 'r-sup', divisionId: 'd-sales' }] },
    expect: [
      {
        field: 'roles',
        kind: 'grants',
        add: [{ roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-support', division: 'Support' }],
        remove: [{ roleId: 'r-sup', role: 'Supervisor', divisionId: 'd-sales', division: 'Sales' }],
      },
    ],
  },
  { name: 'roles empty removes every grant', desired: { roles: [] }, org: { roleGrants: [{ roleId: 'r-user', divisionId: 'd-home' }] }, expect: [{ field: 'roles', kind: 'grants', add: [], remove: [{ roleId: 'r-user', role: 'User', divisionId: 'd-home', division: 'Home' }] }] },
  { name: 'roles undefined are not managed', desired: {}, org: { roleGrants: [{ roleId: 'r-user', divisionId: 'd-home' }] }, expect: [] },
  // Skills and languages
  { name: 'proficiencies compare numerically', desired: { skills: { Billing: 3, chat: 4 } }, org: { skills: { 's-billing': 3, 's-chat': 4.0 } }, expect: [] },
  {
    name: 'skills added, changed and removed',
    desired: { skills: { Billing: 5, Chat: 2 } },
    org: { skills: { 's-billing': 3, 's-esc': 1 } },
    expect: [
      {
        field: 'skills',
        kind: 'levels',
        add: [{ id: 's-chat', name: 'Chat', level: 2 }],
        change: [{ id: 's-billing', name: 'Billing', before: 3, after: 5 }],
        remove: [{ id: 's-esc', name: 'Escalations', level: 1 }],
      },
    ],
  },
  { name: 'skills empty removes them all', desired: { skills: {} }, org: { skills: { 's-chat': 2 } }, expect: [{ field: 'skills', kind: 'levels', add: [], change: [], remove: [{ id: 's-chat', name: 'Chat', level: 2 }] }] },
  { name: 'skills undefined are not managed', desired: {}, org: { skills: { 's-chat': 2 } }, expect: [] },
  { name: 'languages added', desired: { languages: { English: 5, Spanish: 3 } }, org: { languages: { 'l-en': 5 } }, expect: [{ field: 'languages', kind: 'levels', add: [{ id: 'l-es', name: 'Spanish', level: 3 }], change: [], remove: [] }] },
  // Sets
  {
    name: 'queues from the read membership',
    desired: { queues: ['support - tier 2'] },
    org: {},
    state: { queueMembers: { 'q-1': ['u-ola'], 'q-2': [], 'q-s': [] } },
    expect: [{ field: 'queues', kind: 'set', add: [{ id: 'q-2', name: 'Support - Tier 2' }], remove: [{ id: 'q-1', name: 'Support - Tier 1' }] }],
  },
  { name: 'queues equal', desired: { queues: ['Support - Tier 1'] }, org: {}, state: { queueMembers: { 'q-1': ['u-ola'] } }, expect: [] },
  { name: 'queues empty leaves every read queue', desired: { queues: [] }, org: {}, state: { queueMembers: { 'q-1': ['u-ola'], 'q-2': ['u-ola'] } }, expect: [{ field: 'queues', kind: 'set', add: [], remove: [{ id: 'q-1', name: 'Support - Tier 1' }, { id: 'q-2', name: 'Support - Tier 2' }] }] },
  { name: 'queues undefined are not managed', desired: {}, org: {}, state: { queueMembers: { 'q-1': ['u-ola'] } }, expect: [] },
  { name: 'groups as a set', desired: { groups: ['Support Team', 'Team Leads'] }, org: { groupIds: ['g-leads', 'g-support'] }, expect: [] },
  { name: 'groups removed', desired: { groups: ['Team Leads'] }, org: { groupIds: ['g-leads', 'g-support'] }, expect: [{ field: 'groups', kind: 'set', add: [], remove: [{ id: 'g-support', name: 'Support Team' }] }] },
  { name: 'locations added', desired: { locations: ['Dublin Office'] }, org: {}, expect: [{ field: 'locations', kind: 'set', add: [{ id: 'loc-dub', name: 'Dublin Office' }], remove: [] }] },
  { name: 'profile skills trimmed and de-duplicated', desired: { profileSkills: [' Excel', 'Excel', 'SQL'] }, org: { profileSkills: ['SQL', 'Excel'] }, expect: [] },
  { name: 'an org profile skill with stray spaces is corrected', desired: { profileSkills: ['Excel'] }, org: { profileSkills: ['Excel '] }, expect: [{ field: 'profileSkills', kind: 'strings', add: ['Excel'], remove: ['Excel '] }] },
  { name: 'certifications changed', desired: { certifications: ['ITIL'] }, org: { certifications: ['CCNA'] }, expect: [{ field: 'certifications', kind: 'strings', add: ['ITIL'], remove: ['CCNA'] }] },
];

for (const c of cases) {
  test(`diff: ${c.name}`, () => {
    const ola = desiredUser(EMAIL, { name: 'Ola Lind', ...c.desired });
    const current = orgUser('u-ola', 'Ola.Lind@Acme.com', { name: 'Ola Lind', ...c.org });
    const { plan, errors } = buildPlan({
      desired: desiredState([ola, ...(c.others?.desired ?? [])]),
      org: orgState([current, ...(c.others?.org ?? [])], c.state),
      config: config({ phoneRegion: 'US' }),
    });
    assert.deepEqual(errors, []);
    const change = plan.changes.find((ch) => ch.email === EMAIL);
    if (c.expect.length === 0) {
      assert.equal(change, undefined, `unexpected change: ${JSON.stringify(change?.fields)}`);
      assert.equal(plan.summary.unchanged >= 1, true);
      return;
    }
    assert.ok(change, 'expected an update');
    assert.equal(change.action, 'update');
    assert.equal(change.id, 'u-ola');
    assert.equal(change.version, 3);
    assert.deepEqual(change.source, ola.source);
    assert.deepEqual(change.fields, c.expect);
  });
}

describe('extension-only lines and the org\'s extension pools', () => {
  const pools = [{ name: 'HQ desks', start: '4000', end: '4999' }];
  const plan = (phones: DesiredUser['phones'], extensionPools: OrgState['extensionPools'], org: Partial<OrgUser> = {}) => {
    const ola = desiredUser(EMAIL, { phones, at: { 'phones/work': { file: FILE, line: 42, column: 13 } } });
    return buildPlan({ desired: desiredState([ola]), org: orgState([orgUser('u-ola', EMAIL, org)], { extensionPools }), config: config() }).plan;
  };
  const codes = (p: ReturnType<typeof plan>) => p.warnings.map((w) => [w.code, w.file, w.line, w.column]);

  it('an extension in no pool is a warning at the phone, and the change stays in the plan', () => {
    const p = plan([{ type: 'work', extension: '120', mediaType: 'PHONE' }], pools);
    assert.deepEqual(codes(p), [['extension-not-in-pool', FILE, 42, 13]]);
    assert.match(p.warnings[0]?.message ?? '', /extension 120 is in none of the org's extension pools \(HQ desks 4000–4999\)/);
    assert.equal(p.changes.length, 1);
  });
  it('an extension inside a pool, one the user already holds, or one with a number is not checked', () => {
    assert.deepEqual(codes(plan([{ type: 'work', extension: '4411', mediaType: 'PHONE' }], pools)), []);
    assert.deepEqual(codes(plan([{ type: 'work', extension: '120', mediaType: 'PHONE' }, { type: 'home', number: '+13175550100', mediaType: 'PHONE' }], pools, { phones: [{ type: 'work', extension: '120', mediaType: 'PHONE' }] })), []);
    assert.deepEqual(codes(plan([{ type: 'work', number: '+13175550100', extension: '120', mediaType: 'PHONE' }], pools)), []);
    assert.deepEqual(codes(plan([{ type: 'work', extension: '120', mediaType: 'PHONE' }], undefined)), []);
  });
});
