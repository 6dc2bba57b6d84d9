// Apply's field logic function by function, as tables: the create body, the PATCH and its merged lists, the re-read verdict at its edges, and what a create that met an existing user still needs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPatch, createDifferences, describeCurrent, fieldStatus, mergedList, needsCurrent, newUserFrom, PROFILE_FIELDS, recomputeFields } from '../../src/apply/fields.js';
import type { FieldStatus, ManagerResolver } from '../../src/apply/fields.js';
import type { Change, EmployerInfo, FieldChange, FieldName, GrantRef, OrgUser, OtherEmail, Phone, UserPatch } from '../../src/model/index.js';
import { applyPlan } from '../../src/apply/index.js';
import { MemoryWriter } from './memory-writer.js';
import { create, named, planOf, text, update } from './plans.js';

const ext: Phone = { type: 'work', extension: '4411', mediaType: 'PHONE' };
const mobile: Phone = { type: 'mobile', number: '+13175550111', mediaType: 'PHONE' };
const home: OtherEmail = { type: 'home', address: 'ola@example.com' };
const partner: OtherEmail = { type: 'work', address: 'ola.l@partner.example' };
/** Managers planned by email only were created in this run: `new.boss@x.com` got the id `u-new`; `failed@x.com` got none. */
const resolve: ManagerResolver = (ref) => ref.id ?? (ref.email === 'new.boss@x.com' ? 'u-new' : undefined);
const grant = (roleId: string, divisionId = 'd1'): GrantRef => ({ roleId, role: `Role ${roleId}`, divisionId, division: `Division ${divisionId}` });

function user(fields: Partial<OrgUser> = {}): OrgUser {
  return { id: 'u1', version: 3, email: 'ola@x.com', name: 'Ola', state: 'active', phones: [], ...fields };
}

describe('newUserFrom: the body of POST /api/v2/users', () => {
  it('carries the fields a create accepts, and no other', () => {
    const fields: FieldChange[] = [
      text('name', null, 'Ola Lind'),
      text('title', null, 'Agent'),
      text('department', null, 'Support'),
      text('state', null, 'inactive'),
      { field: 'division', kind: 'ref', before: null, after: named('d1', 'Sales') },
      { field: 'phones', kind: 'phones', before: [], after: [ext] },
      { field: 'otherEmails', kind: 'otherEmails', before: [], after: [home] },
      { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true },
      { field: 'manager', kind: 'manager', before: null, after: { email: 'boss@x.com', id: 'm1' } },
      { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E1' } },
      { field: 'profileSkills', kind: 'strings', add: ['Java'], remove: [] },
      { field: 'queues', kind: 'set', add: [named('q1')], remove: [] },
    ];
    assert.deepEqual(newUserFrom('ola@x.com', 'Ola', fields), {
      name: 'Ola Lind',
      email: 'ola@x.com',
      title: 'Agent',
      department: 'Support',
      state: 'inactive',
      divisionId: 'd1',
      phones: [ext],
      otherEmails: [home],
    });
  });

  it('leaves out what is empty: the change name stays when the field has none, and no empty lists are sent', () => {
    const fields: FieldChange[] = [
      text('name', null, ''),
      text('title', null, null),
      text('department', null, ''),
      { field: 'phones', kind: 'phones', before: [], after: [] },
      { field: 'otherEmails', kind: 'otherEmails', before: [], after: [] },
    ];
    assert.deepEqual(newUserFrom('ola@x.com', 'Ola', fields), { name: 'Ola', email: 'ola@x.com' });
  });

  it('sets the state only to active or inactive', () => {
    for (const [after, want] of [
      ['active', 'active'],
      ['inactive', 'inactive'],
      ['deleted', undefined],
      [null, undefined],
    ] as const) {
      assert.equal(newUserFrom('ola@x.com', 'Ola', [text('state', null, after)]).state, want, String(after));
    }
  });
});

describe('mergedList: a list sent whole, merged into the one the org holds', () => {
  const cases: Array<[string, string[], string[], string[], string[]]> = [
    ['adds after what is there, in order', ['a', 'b'], ['c', 'd'], [], ['a', 'b', 'c', 'd']],
    ['an addition already there is not sent twice', ['a', 'b'], ['b', 'c', 'c'], [], ['a', 'b', 'c']],
    ['removes, keeping the order of the rest', ['a', 'b', 'c'], [], ['b'], ['a', 'c']],
    ['a removal not there is no error', ['a'], [], ['z'], ['a']],
    ['removes and adds at once', ['a', 'b'], ['c'], ['a'], ['b', 'c']],
  ];
  for (const [name, base, add, remove, want] of cases) it(name, () => assert.deepEqual(mergedList(base, add, remove), want));
});

describe('buildPatch: one PATCH of every profile field', () => {
  /** One change of each PATCH field, and of each field written otherwise. */
  const SAMPLES: FieldChange[] = [
    text('email', 'ola@old.com', 'ola@new.com'),
    text('name', 'Ola', 'Ola Lind'),
    text('title', 'Agent', 'Lead'),
    text('department', null, 'Support'),
    { field: 'manager', kind: 'manager', before: null, after: { email: 'boss@x.com', id: 'm1' } },
    { field: 'phones', kind: 'phones', before: [], after: [ext] },
    { field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner] },
    { field: 'acdAutoAnswer', kind: 'bool', before: false, after: true },
    { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E2' } },
    { field: 'profileSkills', kind: 'strings', add: ['Java'], remove: ['Cobol'] },
    { field: 'certifications', kind: 'strings', add: ['PMP'], remove: [] },
    { field: 'locations', kind: 'set', add: [named('l2')], remove: [] },
    text('state', 'active', 'inactive'),
    { field: 'division', kind: 'ref', before: named('d1'), after: named('d2') },
    { field: 'skills', kind: 'levels', add: [{ id: 's1', name: 'Billing', level: 3 }], change: [], remove: [] },
    { field: 'languages', kind: 'levels', add: [], change: [], remove: [{ id: 'l1', name: 'English', level: 2 }] },
    { field: 'queues', kind: 'set', add: [named('q1')], remove: [] },
    { field: 'groups', kind: 'set', add: [], remove: [named('g1')] },
    { field: 'roles', kind: 'grants', add: [grant('r1')], remove: [] },
  ];

  it('carries exactly the fields of PROFILE_FIELDS, merged into the lists the org holds', () => {
    const current = user({ profileSkills: ['Cobol', 'Go'], certifications: ['ITIL'], locationIds: ['l1'], otherEmails: [home] });
    const built = buildPatch(SAMPLES, resolve, current);
    assert.deepEqual(
      built.fields.map((f) => f.field),
      SAMPLES.map((f) => f.field).filter((f) => PROFILE_FIELDS.has(f)),
    );
    assert.deepEqual(built.patch, {
      email: 'ola@new.com',
      name: 'Ola Lind',
      title: 'Lead',
      department: 'Support',
      managerId: 'm1',
      phones: [ext],
      otherEmails: [partner],
      acdAutoAnswer: true,
      employerInfo: { employeeId: 'E2' },
      profileSkills: ['Go', 'Java'],
      certifications: ['ITIL', 'PMP'],
      locationIds: ['l1', 'l2'],
    } satisfies UserPatch);
    assert.deepEqual(built.skipped, []);
  });

  it('has a case for every field of PROFILE_FIELDS, one by one', () => {
    for (const f of SAMPLES) {
      assert.equal(buildPatch([f], resolve, user()).fields.length, PROFILE_FIELDS.has(f.field) ? 1 : 0, f.field);
    }
    const covered = new Set<FieldName>(SAMPLES.map((f) => f.field));
    for (const field of PROFILE_FIELDS) assert.ok(covered.has(field), `a sample of ${field}`);
  });

  it('sends a cleared title or department as null, a cleared name as empty (for the org to refuse), and no manager as null', () => {
    const fields: FieldChange[] = [text('name', 'Ola', null), text('title', 'Agent', null), text('department', 'Support', null), { field: 'manager', kind: 'manager', before: { email: 'boss@x.com', id: 'm1' }, after: null }];
    assert.deepEqual(buildPatch(fields, resolve, user()).patch, { name: '', title: null, department: null, managerId: null });
  });

  it('a manager created in this run is sent by its new id; one whose create failed is left out, with the reason', () => {
    assert.deepEqual(buildPatch([{ field: 'manager', kind: 'manager', before: null, after: { email: 'new.boss@x.com' } }], resolve).patch, { managerId: 'u-new' });
    const failed = buildPatch([{ field: 'manager', kind: 'manager', before: null, after: { email: 'failed@x.com' } }, text('title', null, 'Agent')], resolve);
    assert.deepEqual(failed.patch, { title: 'Agent' });
    assert.deepEqual(failed.fields.map((f) => f.field), ['title']);
    assert.deepEqual(failed.skipped, [{ field: 'manager', reason: 'manager failed@x.com has no user id (its create did not succeed)' }]);
  });

  it('merges into no list when the user holds none: nothing is invented', () => {
    const fields: FieldChange[] = [
      { field: 'profileSkills', kind: 'strings', add: ['Java'], remove: ['Cobol'] },
      { field: 'locations', kind: 'set', add: [named('l2')], remove: [named('l1')] },
    ];
    assert.deepEqual(buildPatch(fields, resolve, user()).patch, { profileSkills: ['Java'], locationIds: ['l2'] });
  });

  it('sends no notes when no kept location has any', () => {
    const fields: FieldChange[] = [{ field: 'locations', kind: 'set', add: [named('l2')], remove: [named('l1')] }];
    assert.deepEqual(buildPatch(fields, resolve, user({ locationIds: ['l1'], locationNotes: { l1: 'Desk 4-12' } })).patch, { locationIds: ['l2'] });
  });

  const phones = (otherEmails?: OtherEmail[]): FieldChange => ({ field: 'phones', kind: 'phones', before: [], after: [ext], ...(otherEmails ? { otherEmails } : {}) });
  const emails = (recorded?: Phone[]): FieldChange => ({ field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner], ...(recorded ? { phones: recorded } : {}) });
  const addresses: Array<{ name: string; fields: FieldChange[]; current?: OrgUser; want: UserPatch }> = [
    { name: 'phones after another field: the other emails the plan recorded', fields: [text('title', null, 'Agent'), phones([home])], want: { title: 'Agent', phones: [ext], otherEmails: [home] } },
    { name: 'other emails after another field: the phones the plan recorded', fields: [text('title', null, 'Agent'), emails([mobile])], want: { title: 'Agent', otherEmails: [partner], phones: [mobile] } },
    { name: 'phones, no other emails recorded: none', fields: [phones()], want: { phones: [ext], otherEmails: [] } },
    { name: 'other emails, no phones recorded: none', fields: [emails()], want: { otherEmails: [partner], phones: [] } },
    { name: 'phones of a user re-read with no other emails: none, whatever the plan recorded', fields: [phones([home])], current: user(), want: { phones: [ext], otherEmails: [] } },
    { name: 'other emails then phones: both as desired', fields: [emails([mobile]), phones([home])], current: user({ phones: [mobile], otherEmails: [home] }), want: { otherEmails: [partner], phones: [ext] } },
  ];
  for (const c of addresses) it(`addresses: ${c.name}`, () => assert.deepEqual(buildPatch(c.fields, resolve, c.current).patch, c.want));
});

describe('needsCurrent: whether the PATCH needs the lists the user holds', () => {
  const cases: Array<[string, FieldChange[], boolean]> = [
    ['no fields', [], false],
    ['a text field', [text('title', null, 'Agent')], false],
    ['profile skills', [{ field: 'profileSkills', kind: 'strings', add: [], remove: ['Cobol'] }], true],
    ['locations', [{ field: 'locations', kind: 'set', add: [named('l1')], remove: [] }], true],
    ['groups (written per member)', [{ field: 'groups', kind: 'set', add: [named('g1')], remove: [] }], false],
    ['a text field and a list', [text('title', null, 'Agent'), { field: 'certifications', kind: 'strings', add: ['PMP'], remove: [] }], true],
  ];
  for (const [name, fields, want] of cases) it(name, () => assert.equal(needsCurrent(fields), want));
});

describe('fieldStatus at its edges', () => {
  const employer = (info: EmployerInfo): EmployerInfo => info;
  const cases: Array<[string, FieldChange, Partial<OrgUser>, FieldStatus]> = [
    ['a bool planned from unset to off, found on: someone set it', { field: 'acdAutoAnswer', kind: 'bool', before: null, after: false }, { acdAutoAnswer: true }, 'conflict'],
    ['a bool planned from on to off, found unset (off): done', { field: 'acdAutoAnswer', kind: 'bool', before: true, after: false }, {}, 'done'],
    ['a division planned from none, found in one', { field: 'division', kind: 'ref', before: null, after: named('d2') }, { divisionId: 'd1' }, 'conflict'],
    ['a division planned from none, still in none', { field: 'division', kind: 'ref', before: null, after: named('d2') }, {}, 'pending'],
    ['a manager whose create failed, none yet', { field: 'manager', kind: 'manager', before: null, after: { email: 'failed@x.com' } }, {}, 'pending'],
    ['a manager whose create failed, another one set', { field: 'manager', kind: 'manager', before: null, after: { email: 'failed@x.com' } }, { managerId: 'm3' }, 'conflict'],
    ['a title planned from none, found empty', text('title', null, 'Lead'), { title: '' }, 'pending'],
    ['other emails planned from none, the user holds none', { field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner] }, {}, 'pending'],
    ['other emails in another order: done', { field: 'otherEmails', kind: 'otherEmails', before: [], after: [home, partner] }, { otherEmails: [partner, home] }, 'done'],
    ['employer info cleared, the user holds none', { field: 'employerInfo', kind: 'employerInfo', before: employer({ employeeId: 'E1' }), after: {} }, {}, 'done'],
    ['employer info: empty values are none', { field: 'employerInfo', kind: 'employerInfo', before: null, after: employer({ employeeId: 'E1' }) }, { employerInfo: { employeeId: 'E1', employeeType: '', dateHire: undefined, officialName: null as unknown as string } }, 'done'],
    ['employer info planned from none, found with only empty values', { field: 'employerInfo', kind: 'employerInfo', before: null, after: employer({ employeeId: 'E1' }) }, { employerInfo: { employeeType: '' } }, 'pending'],
    ['a list: one removal done, another still there', { field: 'certifications', kind: 'strings', add: [], remove: ['ITIL', 'PMP'] }, { certifications: ['PMP'] }, 'pending'],
    ['a list: the addition there, the removal gone', { field: 'certifications', kind: 'strings', add: ['CCNA'], remove: ['ITIL'] }, { certifications: ['CCNA'] }, 'done'],
    ['a list: the addition missing', { field: 'certifications', kind: 'strings', add: ['CCNA'], remove: [] }, {}, 'pending'],
    ['groups are written per member: never judged done', { field: 'groups', kind: 'set', add: [], remove: [named('g1')] }, { groupIds: [] }, 'pending'],
    ['queues are written per member: never judged done', { field: 'queues', kind: 'set', add: [], remove: [named('q1')] }, {}, 'pending'],
    ['skills the read left out are still written per item', { field: 'skills', kind: 'levels', add: [], change: [], remove: [{ id: 's1', name: 'Old', level: 1 }] }, { unknown: ['skills'] }, 'pending'],
    ['groups the read left out are still written per member', { field: 'groups', kind: 'set', add: [named('g1')], remove: [] }, { unknown: ['groups'] }, 'pending'],
  ];
  for (const [name, change, current, want] of cases) it(name, () => assert.equal(fieldStatus(change, user(current), resolve), want));

  it('other emails whose addresses run together are not the same list', () => {
    const two: OtherEmail[] = [
      { type: 'work', address: 'a@x.com' },
      { type: 'work', address: 'b@x.com' },
    ];
    const one: OtherEmail[] = [{ type: 'work', address: 'a@x.comwork|b@x.com' }];
    assert.equal(fieldStatus({ field: 'otherEmails', kind: 'otherEmails', before: [], after: two }, user({ otherEmails: one }), resolve), 'conflict');
  });
});

describe('describeCurrent: what a conflict says the field holds now', () => {
  const cases: Array<[string, FieldChange, Partial<OrgUser>, string]> = [
    ['a title', text('title', 'Agent', 'Lead'), { title: 'Boss' }, '"Boss"'],
    ['no department', text('department', 'Support', 'Sales'), {}, 'null'],
    ['a manager', { field: 'manager', kind: 'manager', before: null, after: { email: 'b@x.com', id: 'm2' } }, { managerId: 'm3' }, 'manager id m3'],
    ['no manager', { field: 'manager', kind: 'manager', before: { email: 'a@x.com', id: 'm1' }, after: { email: 'b@x.com', id: 'm2' } }, {}, 'no manager'],
    ['no phones', { field: 'phones', kind: 'phones', before: [ext], after: [mobile] }, {}, 'no phones'],
    ['phones', { field: 'phones', kind: 'phones', before: [], after: [mobile] }, { phones: [ext] }, 'work|PHONE||4411'],
    ['no other emails', { field: 'otherEmails', kind: 'otherEmails', before: [home], after: [partner] }, {}, 'no other emails'],
    ['other emails', { field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner] }, { otherEmails: [home] }, 'home|ola@example.com'],
    ['employer info', { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E2' } }, { employerInfo: { employeeId: 'E1' } }, '{"employeeId":"E1"}'],
    ['employer info the read left out', { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E2' } }, { unknown: ['employerInfo'] }, 'unknown (Genesys left it out of the read)'],
    ['a division', { field: 'division', kind: 'ref', before: named('d1'), after: named('d2') }, { divisionId: 'd3' }, 'a different value'],
    ['skills the read left out (never in a PATCH)', { field: 'skills', kind: 'levels', add: [], change: [], remove: [] }, { unknown: ['skills'] }, 'a different value'],
  ];
  for (const [name, change, current, want] of cases) it(name, () => assert.equal(describeCurrent(change, user(current)), want));
});

describe('createDifferences: how an existing user differs from what the create would have made', () => {
  const change = (fields: FieldChange[], name = 'Ola Lind'): Change => ({ action: 'create', email: 'ola@x.com', name, fields });
  const planned = change([text('title', null, 'Agent'), text('department', null, 'Support'), { field: 'division', kind: 'ref', before: null, after: named('d1', 'Sales') }]);
  const cases: Array<[string, Change, Partial<OrgUser>, string[]]> = [
    ['the same user', planned, { name: 'Ola Lind', title: 'Agent', department: 'Support', divisionId: 'd1' }, []],
    ['the same but for spaces around the values', planned, { name: ' Ola Lind ', title: 'Agent ', department: ' Support', divisionId: 'd1' }, []],
    ['another name', planned, { name: 'Ola Berg', title: 'Agent', department: 'Support', divisionId: 'd1' }, ['name "Ola Berg", planned "Ola Lind"']],
    ['another title', planned, { name: 'Ola Lind', title: 'Boss', department: 'Support', divisionId: 'd1' }, ['title "Boss", planned "Agent"']],
    ['no department', planned, { name: 'Ola Lind', title: 'Agent', divisionId: 'd1' }, ['department null, planned "Support"']],
    ['another division', planned, { name: 'Ola Lind', title: 'Agent', department: 'Support', divisionId: 'd2' }, ['another division than "Sales"']],
    ['a division not read', planned, { name: 'Ola Lind', title: 'Agent', department: 'Support' }, []],
    ['everything else', planned, { name: 'Kim', title: 'Boss', department: 'Sales', divisionId: 'd2' }, ['name "Kim", planned "Ola Lind"', 'title "Boss", planned "Agent"', 'department "Sales", planned "Support"', 'another division than "Sales"']],
    ['a title and division the create does not set are not compared', change([]), { name: 'Ola Lind', title: 'Boss', divisionId: 'd2' }, []],
    ['a blank title planned is none', change([text('title', null, '  ')]), { name: 'Ola Lind' }, []],
  ];
  for (const [name, c, current, want] of cases) it(name, () => assert.deepEqual(createDifferences(c, user(current)), want));
});

describe('recomputeFields: what a create that met an existing user still needs', () => {
  const held = user({
    name: 'Ola',
    title: 'Agent',
    state: 'inactive',
    divisionId: 'd1',
    managerId: 'm1',
    phones: [ext, mobile],
    otherEmails: [home],
    employerInfo: { employeeId: 'E1' },
    acdAutoAnswer: true,
    groupIds: ['g1', 'g2'],
    locationIds: ['l1'],
    profileSkills: ['Go'],
    roleGrants: [
      { roleId: 'r1', divisionId: 'd1' },
      { roleId: 'r2', divisionId: 'd1' },
    ],
    skills: { s1: 3, s2: 1, s3: 2 },
    languages: { en: 4 },
  });
  const set = (field: 'groups' | 'queues' | 'locations', ids: string[]): FieldChange => ({ field, kind: 'set', add: ids.map((id) => named(id, `Name ${id}`)), remove: [] });
  const levels = (field: 'skills' | 'languages', entries: Array<[string, number]>): FieldChange => ({ field, kind: 'levels', add: entries.map(([id, level]) => ({ id, name: `Name ${id}`, level })), change: [], remove: [] });
  const queues: FieldChange = { field: 'queues', kind: 'set', add: [named('q1', 'Name q1')], remove: [named('q2')] };
  const cases: Array<{ name: string; desired: FieldChange; current?: OrgUser; want: FieldChange | undefined }> = [
    { name: 'a title already held', desired: text('title', null, 'Agent'), want: undefined },
    { name: 'another title', desired: text('title', null, 'Lead'), want: text('title', 'Agent', 'Lead') },
    { name: 'a department the user lacks', desired: text('department', null, 'Support'), want: text('department', null, 'Support') },
    { name: 'the state held', desired: text('state', null, 'inactive'), want: undefined },
    { name: 'another state', desired: text('state', null, 'active'), want: text('state', 'inactive', 'active') },
    { name: 'auto-answer held', desired: { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }, want: undefined },
    { name: 'auto-answer switched off', desired: { field: 'acdAutoAnswer', kind: 'bool', before: null, after: false }, want: { field: 'acdAutoAnswer', kind: 'bool', before: true, after: false } },
    { name: 'auto-answer on, unset held', desired: { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true }, current: user(), want: { field: 'acdAutoAnswer', kind: 'bool', before: null, after: true } },
    { name: 'auto-answer off, unset held (off)', desired: { field: 'acdAutoAnswer', kind: 'bool', before: null, after: false }, current: user(), want: undefined },
    { name: 'the division held', desired: { field: 'division', kind: 'ref', before: null, after: named('d1') }, want: undefined },
    { name: 'another division', desired: { field: 'division', kind: 'ref', before: null, after: named('d2', 'Sales') }, want: { field: 'division', kind: 'ref', before: { id: 'd1', name: 'd1' }, after: named('d2', 'Sales') } },
    { name: 'a division, none read', desired: { field: 'division', kind: 'ref', before: null, after: named('d2') }, current: user(), want: { field: 'division', kind: 'ref', before: null, after: named('d2') } },
    { name: 'the manager held', desired: { field: 'manager', kind: 'manager', before: null, after: { email: 'boss@x.com', id: 'm1' } }, want: undefined },
    { name: 'another manager', desired: { field: 'manager', kind: 'manager', before: null, after: { email: 'b@x.com', id: 'm2' } }, want: { field: 'manager', kind: 'manager', before: { email: '', id: 'm1' }, after: { email: 'b@x.com', id: 'm2' } } },
    { name: 'a manager created in this run', desired: { field: 'manager', kind: 'manager', before: null, after: { email: 'new.boss@x.com' } }, want: { field: 'manager', kind: 'manager', before: { email: '', id: 'm1' }, after: { email: 'new.boss@x.com' } } },
    { name: 'a manager created in this run, none held', desired: { field: 'manager', kind: 'manager', before: null, after: { email: 'new.boss@x.com' } }, current: user(), want: { field: 'manager', kind: 'manager', before: null, after: { email: 'new.boss@x.com' } } },
    { name: 'a manager, none held', desired: { field: 'manager', kind: 'manager', before: null, after: { email: 'b@x.com', id: 'm2' } }, current: user(), want: { field: 'manager', kind: 'manager', before: null, after: { email: 'b@x.com', id: 'm2' } } },
    { name: 'no manager, one held', desired: { field: 'manager', kind: 'manager', before: null, after: null }, want: { field: 'manager', kind: 'manager', before: { email: '', id: 'm1' }, after: null } },
    { name: 'no manager, none held', desired: { field: 'manager', kind: 'manager', before: null, after: null }, current: user(), want: undefined },
    { name: 'the phones held, in another order', desired: { field: 'phones', kind: 'phones', before: [], after: [mobile, ext] }, want: undefined },
    { name: 'other phones', desired: { field: 'phones', kind: 'phones', before: [], after: [ext] }, want: { field: 'phones', kind: 'phones', before: [ext, mobile], after: [ext] } },
    { name: 'the other emails held', desired: { field: 'otherEmails', kind: 'otherEmails', before: [], after: [home] }, want: undefined },
    { name: 'other emails, none held', desired: { field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner] }, current: user(), want: { field: 'otherEmails', kind: 'otherEmails', before: [], after: [partner] } },
    { name: 'the employer info held', desired: { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E1' } }, want: undefined },
    { name: 'other employer info', desired: { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E2' } }, want: { field: 'employerInfo', kind: 'employerInfo', before: { employeeId: 'E1' }, after: { employeeId: 'E2' } } },
    { name: 'employer info, none held', desired: { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E2' } }, current: user(), want: { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E2' } } },
    { name: 'the groups held', desired: set('groups', ['g2', 'g1']), want: undefined },
    {
      name: 'groups: one to join, one to leave (named by id, the plan does not know it)',
      desired: set('groups', ['g1', 'g3']),
      want: { field: 'groups', kind: 'set', add: [named('g3', 'Name g3')], remove: [named('g2', 'g2')] },
    },
    { name: 'groups: only one to join', desired: set('groups', ['g1', 'g2', 'g3']), want: { field: 'groups', kind: 'set', add: [named('g3', 'Name g3')], remove: [] } },
    { name: 'groups: only one to leave', desired: set('groups', ['g1']), want: { field: 'groups', kind: 'set', add: [], remove: [named('g2', 'g2')] } },
    { name: 'groups not read: all joined', desired: set('groups', ['g1']), current: user(), want: set('groups', ['g1']) },
    { name: 'no groups, none read', desired: set('groups', []), current: user(), want: undefined },
    { name: 'queues are not read: the change as planned', desired: queues, want: queues },
    { name: 'no queues', desired: set('queues', []), want: undefined },
    { name: 'locations', desired: set('locations', ['l2']), want: { field: 'locations', kind: 'set', add: [named('l2', 'Name l2')], remove: [named('l1', 'l1')] } },
    { name: 'profile skills', desired: { field: 'profileSkills', kind: 'strings', add: ['Go', 'Java'], remove: [] }, want: { field: 'profileSkills', kind: 'strings', add: ['Java'], remove: [] } },
    { name: 'profile skills held', desired: { field: 'profileSkills', kind: 'strings', add: ['Go'], remove: [] }, want: undefined },
    { name: 'certifications, none held', desired: { field: 'certifications', kind: 'strings', add: ['PMP'], remove: [] }, want: { field: 'certifications', kind: 'strings', add: ['PMP'], remove: [] } },
    { name: 'the roles held', desired: { field: 'roles', kind: 'grants', add: [grant('r2'), grant('r1')], remove: [] }, want: undefined },
    {
      name: 'roles: one to grant, one to revoke (named by id)',
      desired: { field: 'roles', kind: 'grants', add: [grant('r1'), grant('r3')], remove: [] },
      want: { field: 'roles', kind: 'grants', add: [grant('r3')], remove: [{ roleId: 'r2', role: 'r2', divisionId: 'd1', division: 'd1' }] },
    },
    { name: 'roles: only one to grant', desired: { field: 'roles', kind: 'grants', add: [grant('r1'), grant('r2'), grant('r3')], remove: [] }, want: { field: 'roles', kind: 'grants', add: [grant('r3')], remove: [] } },
    { name: 'roles: only one to revoke', desired: { field: 'roles', kind: 'grants', add: [grant('r1')], remove: [] }, want: { field: 'roles', kind: 'grants', add: [], remove: [{ roleId: 'r2', role: 'r2', divisionId: 'd1', division: 'd1' }] } },
    {
      name: 'roles: a grant is a role in a division',
      desired: { field: 'roles', kind: 'grants', add: [grant('r1'), grant('r2', 'd2')], remove: [] },
      want: { field: 'roles', kind: 'grants', add: [grant('r2', 'd2')], remove: [{ roleId: 'r2', role: 'r2', divisionId: 'd1', division: 'd1' }] },
    },
    { name: 'roles not read: all granted', desired: { field: 'roles', kind: 'grants', add: [grant('r1')], remove: [] }, current: user(), want: { field: 'roles', kind: 'grants', add: [grant('r1')], remove: [] } },
    { name: 'no roles, none read', desired: { field: 'roles', kind: 'grants', add: [], remove: [] }, current: user(), want: undefined },
    { name: 'the skills held', desired: levels('skills', [['s3', 2], ['s1', 3], ['s2', 1]]), want: undefined },
    {
      name: 'skills: one to add, one to change, one to remove',
      desired: levels('skills', [['s1', 3], ['s2', 4], ['s4', 5]]),
      want: { field: 'skills', kind: 'levels', add: [{ id: 's4', name: 'Name s4', level: 5 }], change: [{ id: 's2', name: 'Name s2', before: 1, after: 4 }], remove: [{ id: 's3', name: 's3', level: 2 }] },
    },
    { name: 'skills: only one to add', desired: levels('skills', [['s1', 3], ['s2', 1], ['s3', 2], ['s4', 5]]), want: { field: 'skills', kind: 'levels', add: [{ id: 's4', name: 'Name s4', level: 5 }], change: [], remove: [] } },
    { name: 'skills: only one to change', desired: levels('skills', [['s1', 3], ['s2', 5], ['s3', 2]]), want: { field: 'skills', kind: 'levels', add: [], change: [{ id: 's2', name: 'Name s2', before: 1, after: 5 }], remove: [] } },
    { name: 'skills: only one to remove', desired: levels('skills', [['s1', 3], ['s2', 1]]), want: { field: 'skills', kind: 'levels', add: [], change: [], remove: [{ id: 's3', name: 's3', level: 2 }] } },
    { name: 'the languages held (not the skills)', desired: levels('languages', [['en', 4]]), want: undefined },
    { name: 'skills not read: all set', desired: levels('skills', [['s1', 3]]), current: user(), want: levels('skills', [['s1', 3]]) },
    { name: 'no skills, none read', desired: levels('skills', []), current: user(), want: undefined },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(recomputeFields([c.desired], c.current ?? held), c.want ? [c.want] : []));
  }

  it('several fields: those still needed, in the order desired', () => {
    const desired = [text('title', null, 'Lead'), text('name', null, 'Ola'), set('queues', ['q1']), text('department', null, 'Support')];
    assert.deepEqual(
      recomputeFields(desired, held).map((f) => f.field),
      ['title', 'queues', 'department'],
    );
  });
});

describe('through apply: which fields the create carries and which the PATCH does', () => {
  const fast = { concurrency: 2, sleep: async () => {}, findRetry: { attempts: 2, delayMs: 0 } };

  it('a create carries the other emails and the state; nothing is written again after it', async () => {
    const writer = new MemoryWriter();
    const report = await applyPlan(planOf([create('ola@x.com', [text('state', null, 'inactive'), { field: 'otherEmails', kind: 'otherEmails', before: [], after: [home] }])]), writer, fast);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(writer.callsOf('createUser').map((c) => c.args[0]), [{ name: 'ola', email: 'ola@x.com', state: 'inactive', otherEmails: [home] }]);
    assert.deepEqual(writer.calls.map((c) => c.method), ['createUser']);
  });

  it('an update of the name, the department and the employer info is one PATCH', async () => {
    const writer = new MemoryWriter();
    writer.seed({ id: 'u1', email: 'ola@x.com', name: 'Ola', department: 'Sales' });
    const fields: FieldChange[] = [text('name', 'Ola', 'Ola Lind'), text('department', 'Sales', 'Support'), { field: 'employerInfo', kind: 'employerInfo', before: null, after: { employeeId: 'E1' } }];
    const report = await applyPlan(planOf([update('ola@x.com', 'u1', 1, fields)]), writer, fast);
    assert.deepEqual(report.problems, []);
    assert.deepEqual(writer.callsOf('patchUser').map((c) => c.args[2]), [{ name: 'Ola Lind', department: 'Support', employerInfo: { employeeId: 'E1' } }]);
  });
});
