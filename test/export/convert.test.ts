// The pure export: OrgState as plain data → files that load without errors and plan to zero changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_EXPORT_OPTIONS, exportOrg, exportReadRequest, parseFields, slug } from '../../src/export/index.js';
import type { ExportOptions } from '../../src/export/index.js';
import { ProvisionError } from '../../src/model/index.js';
import type { OrgState } from '../../src/model/index.js';
import { explain, org, richOrg, roundTrip, user } from './org.js';

const yaml = (extra: Partial<ExportOptions> = {}): ExportOptions => ({ ...DEFAULT_EXPORT_OPTIONS, schemaRef: '../schemas/users.schema.json', ...extra });
const csv = (extra: Partial<ExportOptions> = {}): ExportOptions => ({ ...DEFAULT_EXPORT_OPTIONS, format: 'csv', ...extra });

async function assertZeroChanges(files: Parameters<typeof roundTrip>[0], state: OrgState, expectedUsers: number): Promise<void> {
  const trip = await roundTrip(files, state);
  const errors = trip.desired.issues.filter((i) => i.severity === 'error');
  assert.deepEqual(errors, [], explain(trip));
  assert.deepEqual(trip.errors, [], explain(trip));
  assert.equal(trip.desired.users.length, expectedUsers, explain(trip));
  assert.deepEqual(trip.plan.changes, [], explain(trip));
  assert.equal(trip.plan.summary.unchanged, expectedUsers);
}

describe('export YAML', () => {
  it('round-trips every field kind to zero changes', async () => {
    const result = exportOrg(richOrg(), yaml());
    assert.equal(result.files.length, 1);
    assert.deepEqual(result.warnings, []);
    await assertZeroChanges(result.files, richOrg(), 4);
  });

  it('writes names, sorted users and lists, schema key order, and the $schema line', () => {
    const [file] = exportOrg(richOrg(), yaml()).files;
    assert.ok(file);
    assert.equal(file.name, 'users.yaml');
    const text = file.text;
    assert.ok(text.startsWith('# yaml-language-server: $schema=../schemas/users.schema.json\n'), text);
    const emails = [...text.matchAll(/^ {2}- email: (.*)$/gm)].map((m) => m[1]);
    assert.deepEqual(emails, ['grace.holloway@acme.com', 'nina.berg@acme.com', 'ola.lind@acme.com', 'tom.becker@acme.com']);
    assert.ok(!text.includes('r-sup') && !text.includes('d-support') && !text.includes('g-leads'), text);
    // Grace: home grants as names, other divisions as { role, division }, sorted by role.
    assert.match(text, /roles:\n {6}- role: Quality Evaluator\n {8}division: Sales\n {6}- role: Quality Evaluator\n {8}division: Support\n {6}- Supervisor\n {6}- User\n {6}- employee\n/);
    assert.match(text, /mobile: \{number: "\+13175550101", sms: true\}/);
    assert.match(text, /work: \+13175550100 x100\n/);
    assert.match(text, /work: x110/);
    assert.match(text, /"10": 5\n {6}=Escalations: 2\n {6}"Tier: Gold": 1/);
    assert.match(text, /groups: \["@mentions", Team Leads\]/);
    assert.match(text, /employeeId: "1001"/);
    assert.match(text, /dateHire: "2016-03-14"/);
    assert.match(text, /state: inactive/);
    assert.match(text, /otherEmails:\n {6}work: nina\.b@partner\.example\n {6}home: nina@example\.com\n/);
    assert.match(text, /acdAutoAnswer: true/);
    assert.doesNotMatch(text, /acdAutoAnswer: false/);
    // Key order follows the schema.
    const ola = text.slice(text.indexOf('- email: ola.lind'));
    const keys = [...ola.slice(0, ola.indexOf('\n\n')).matchAll(/^ {4}([a-zA-Z]+):/gm)].map((m) => m[1]);
    assert.deepEqual(keys, ['name', 'title', 'department', 'division', 'manager', 'phones', 'roles', 'skills', 'languages', 'queues', 'groups', 'locations', 'acdAutoAnswer']);
  });

  it('is byte-identical whatever order the org lists users, look-ups and members in', () => {
    const a = richOrg();
    const b = richOrg();
    b.users.reverse();
    b.lookups.skills.reverse();
    b.lookups.groups.reverse();
    b.queueMembers = Object.fromEntries(Object.entries(b.queueMembers).reverse().map(([k, v]) => [k, [...v].reverse()]));
    for (const u of b.users) u.roleGrants?.reverse();
    assert.equal(exportOrg(b, yaml()).files[0]?.text, exportOrg(a, yaml()).files[0]?.text);
  });

  it('splits by division with the division as the file default', async () => {
    const result = exportOrg(richOrg(), yaml({ splitBy: 'division' }));
    assert.deepEqual(
      result.files.map((f) => [f.name, f.users]),
      [
        ['home.yaml', 1],
        ['sales.yaml', 1],
        ['support.yaml', 2],
      ],
    );
    const support = result.files.find((f) => f.name === 'support.yaml')?.text ?? '';
    assert.match(support, /^defaults:\n {2}division: Support\n\nusers:\n/m);
    assert.doesNotMatch(support, /^ {4}division:/m);
    await assertZeroChanges(result.files, richOrg(), 4);
  });

  it('splits a file over the size limit into parts that fit, users in order, and each part plans back to zero changes', async () => {
    for (const options of [yaml(), csv()]) {
      const whole = exportOrg(richOrg(), options).files[0]!;
      const limit = Math.ceil(Buffer.byteLength(whole.text) / 2);
      const result = exportOrg(richOrg(), { ...options, maxFileBytes: limit });
      const ext = options.format === 'csv' ? 'csv' : 'yaml';
      assert.ok(result.files.length >= 2, result.files.map((f) => f.name).join());
      assert.deepEqual(result.files.map((f) => f.name), result.files.map((_, n) => `users-part-${n + 1}.${ext}`));
      for (const file of result.files) assert.ok(Buffer.byteLength(file.text) <= limit, `${file.name}: ${Buffer.byteLength(file.text)} > ${limit}`);
      assert.equal(result.files.reduce((n, f) => n + f.users, 0), 4);
      const emails = result.files.flatMap((f) => [...f.text.matchAll(/([a-z.]+@acme\.com)/g)].map((m) => m[1]!)).filter((e, i, all) => all.indexOf(e) === i);
      assert.deepEqual(emails.slice(0, 2), ['grace.holloway@acme.com', 'nina.berg@acme.com']);
      await assertZeroChanges(result.files, richOrg(), 4);
    }
    // A single user bigger than the limit is still written: there is nothing left to split.
    assert.deepEqual(exportOrg(richOrg(), yaml({ maxFileBytes: 10 })).files.map((f) => f.users), [1, 1, 1, 1]);
  });

  it('splits by department, users without one in no-department', async () => {
    const result = exportOrg(richOrg(), yaml({ splitBy: 'department' }));
    // Sorted by department in code-unit order ("-Support" < "@Sales" < "Customer Operations"), the rest last.
    assert.deepEqual(
      result.files.map((f) => f.name),
      ['support.yaml', 'sales.yaml', 'customer-operations.yaml', 'no-department.yaml'],
    );
    await assertZeroChanges(result.files, richOrg(), 4);
  });

  it('keeps only the fields asked for (email always; name only when asked, as adopt-only files want)', async () => {
    const fields = parseFields(['email,skills,queues']);
    const result = exportOrg(richOrg(), yaml({ fields }));
    const text = result.files[0]?.text ?? '';
    assert.doesNotMatch(text, /title:|roles:|phones:|division:|name:/);
    assert.match(text, /skills:/);
    assert.match(text, /queues: \[\+Priority, Support - Tier 1\]/);
    await assertZeroChanges(result.files, richOrg(), 4);
    assert.deepEqual(exportReadRequest(fields), { emails: [], queueNames: [], roles: false, allQueues: true, inactive: 'all' });
    const named = exportOrg(richOrg(), yaml({ fields: parseFields(['name,skills']) })).files[0]?.text ?? '';
    assert.match(named, /name: /);
    const csv = exportOrg(richOrg(), { ...yaml({ fields }), format: 'csv' }).files[0]?.text ?? '';
    assert.match(csv.split('\n')[0] ?? '', /^email,skills,queues\r?$/);
    const admin = exportOrg(richOrg(), { ...yaml({ fields }), format: 'csv', csvDialect: 'genesys-admin' }).files[0]?.text ?? '';
    assert.match(admin.split('\n')[1] ?? '', /^[^,@]+,[^,]+@/, 'the admin layout always has a name');
  });

  it('filters by state, division and email domain', () => {
    const emails = (o: Partial<ExportOptions>): string[] => [...(exportOrg(richOrg(), yaml(o)).files[0]?.text ?? '').matchAll(/- email: (.*)/g)].map((m) => m[1] ?? '');
    assert.deepEqual(emails({ state: 'inactive' }), ['tom.becker@acme.com']);
    assert.equal(emails({ state: 'active' }).length, 3);
    assert.deepEqual(emails({ divisions: ['support'] }), ['nina.berg@acme.com', 'ola.lind@acme.com']);
    assert.deepEqual(emails({ divisions: ['Home'] }), ['grace.holloway@acme.com']);
    assert.deepEqual(emails({ emailDomains: ['@ACME.com'] }).length, 4);
    assert.deepEqual(emails({ emailDomains: ['example.com'] }), []);
    assert.throws(
      () => exportOrg(richOrg(), yaml({ divisions: ['Suport'] })),
      (e: unknown) => e instanceof ProvisionError && e.code === 'unknown-division' && e.issues[0]?.hint === 'Did you mean "Support"?',
    );
  });

  it('never exports deleted users', () => {
    const state = org([user('u-1', 'a@acme.com'), user('u-2', 'gone@acme.com', { state: 'deleted' })]);
    const result = exportOrg(state, yaml());
    assert.equal(result.users, 1);
    assert.doesNotMatch(result.files[0]?.text ?? '', /gone@acme\.com/);
  });
});

describe('users that cannot be fully expressed', () => {
  // Each case: the org user, the code of the warning, and a field that must be left out of the file.
  const cases: { name: string; users: ReturnType<typeof user>[]; code: string; absent: RegExp; members?: Record<string, string[]> }[] = [
    { name: 'a manager the client cannot read', users: [user('u-1', 'a@acme.com', { managerId: 'u-hidden' })], code: 'unexportable-manager', absent: /manager:/ },
    { name: 'a deleted manager', users: [user('u-1', 'a@acme.com', { managerId: 'u-2' }), user('u-2', 'b@acme.com', { state: 'deleted' })], code: 'unexportable-manager', absent: /manager:/ },
    { name: 'a role in a division the client cannot see', users: [user('u-1', 'a@acme.com', { roleGrants: [{ roleId: 'r-emp', divisionId: 'd-home' }, { roleId: 'r-sup', divisionId: 'd-secret' }] })], code: 'unexportable-roles', absent: /roles:/ },
    { name: 'a role without a name', users: [user('u-1', 'a@acme.com', { roleGrants: [{ roleId: 'r-gone', divisionId: 'd-home' }] })], code: 'unexportable-roles', absent: /roles:/ },
    { name: 'role grants not read', users: [user('u-1', 'a@acme.com', { roleGrants: undefined, roleIds: ['r-emp'] })], code: 'unexportable-roles', absent: /roles:/ },
    { name: 'a skill id with no name', users: [user('u-1', 'a@acme.com', { skills: { 's-billing': 2, 's-unknown': 3 } })], code: 'unexportable-skills', absent: /skills:/ },
    { name: 'a language id with no name', users: [user('u-1', 'a@acme.com', { languages: { 'l-xx': 3 } })], code: 'unexportable-languages', absent: /languages:/ },
    { name: 'a queue id with no name', users: [user('u-1', 'a@acme.com')], code: 'unexportable-queues', absent: /queues:/, members: { 'q-1': ['u-1'], 'q-2': [], 'q-plus': [], 'q-hidden': ['u-1'] } },
    { name: 'a group id with no name', users: [user('u-1', 'a@acme.com', { groupIds: ['g-gone'] })], code: 'unexportable-groups', absent: /groups:/ },
    { name: 'a division the client cannot see', users: [user('u-1', 'a@acme.com', { divisionId: 'd-secret' })], code: 'unexportable-division', absent: /division:/ },
    { name: 'two mobile phones', users: [user('u-1', 'a@acme.com', { phones: [{ type: 'mobile', number: '+13175550101', mediaType: 'PHONE' }, { type: 'mobile', number: '+13175550101', mediaType: 'SMS' }] })], code: 'unexportable-phones', absent: /phones:/ },
    { name: 'a number that is not a phone number', users: [user('u-1', 'a@acme.com', { phones: [{ type: 'work', number: '555-CALL-NOW', mediaType: 'PHONE' }] })], code: 'unexportable-phones', absent: /phones:/ },
    { name: 'a hire date that is not a date', users: [user('u-1', 'a@acme.com', { employerInfo: { employeeId: 'E1', dateHire: 'March 2016' } })], code: 'unexportable-employerInfo', absent: /employerInfo:/ },
    { name: 'an other email that is the primary email', users: [user('u-1', 'a@acme.com', { otherEmails: [{ type: 'home', address: 'A@acme.com' }] })], code: 'unexportable-otherEmails', absent: /otherEmails:/ },
    { name: 'two work emails', users: [user('u-1', 'a@acme.com', { otherEmails: [{ type: 'work', address: 'x@example.com' }, { type: 'work', address: 'y@example.com' }] })], code: 'unexportable-otherEmails', absent: /otherEmails:/ },
    { name: 'an employee type the schema does not know', users: [user('u-1', 'a@acme.com', { employerInfo: { employeeType: 'Intern' } })], code: 'unexportable-employerInfo', absent: /employerInfo:/ },
    { name: 'profile skills differing by case', users: [user('u-1', 'a@acme.com', { profileSkills: ['Java', 'java'] })], code: 'unexportable-profileSkills', absent: /profileSkills:/ },
    // Expansions Genesys left out of every read: unknown, so not written as "none".
    { name: 'skills Genesys did not return', users: [user('u-1', 'a@acme.com', { unknown: ['skills'] })], code: 'unexportable-skills', absent: /skills:/ },
    { name: 'groups Genesys did not return', users: [user('u-1', 'a@acme.com', { unknown: ['groups'] })], code: 'unexportable-groups', absent: /groups:/ },
    { name: 'employer info Genesys did not return', users: [user('u-1', 'a@acme.com', { unknown: ['employerInfo'] })], code: 'unexportable-employerInfo', absent: /employerInfo:/ },
    { name: 'role grants Genesys did not return', users: [user('u-1', 'a@acme.com', { roleGrants: undefined, unknown: ['roles'] })], code: 'unexportable-roles', absent: /roles:/ },
  ];
  for (const c of cases) {
    it(`keeps the user, warns and leaves the field out: ${c.name}`, async () => {
      const state = org(c.users, c.members ? { queueMembers: c.members } : {});
      const result = exportOrg(state, yaml());
      const text = result.files[0]?.text ?? '';
      assert.match(text, /- email: a@acme\.com/);
      assert.doesNotMatch(text, new RegExp(`^ {4}${c.absent.source}`, 'm'));
      const warning = result.warnings.find((w) => w.code === c.code);
      assert.ok(warning, JSON.stringify(result.warnings));
      assert.equal(warning.file, 'users.yaml');
      assert.equal(text.split('\n')[(warning.line ?? 0) - 1], '  - email: a@acme.com');
      assert.match(text, new RegExp(`# warning ${c.code}: a?`));
      await assertZeroChanges(result.files, state, c.users.filter((u) => u.state !== 'deleted').length);
    });
  }

  it('warns once for the whole org when queue membership was not read', () => {
    const state = org([user('u-1', 'a@acme.com')], { queueMembers: {} });
    const result = exportOrg(state, yaml());
    assert.deepEqual(
      result.warnings.map((w) => w.code),
      ['queues-not-read'],
    );
  });

  it('exports the user the planner manages when two share an email', async () => {
    const state = org([user('u-b', 'a@acme.com', { state: 'inactive', title: 'Old' }), user('u-a', 'a@acme.com', { title: 'New' })]);
    const result = exportOrg(state, yaml());
    assert.equal(result.users, 1);
    assert.match(result.files[0]?.text ?? '', /title: New/);
    assert.ok(result.warnings.some((w) => w.code === 'duplicate-org-email'));
  });
});

describe('export CSV', () => {
  it('round-trips the canonical dialect to zero changes', async () => {
    const state = richOrg();
    const result = exportOrg(state, csv());
    // Grace's SMS mobile cannot be said in CSV: her phones are left out, with a warning.
    assert.deepEqual(
      result.warnings.map((w) => `${w.code} ${w.line}`),
      ['unexportable-phones 2'],
    );
    await assertZeroChanges(result.files, state, 4);
  });

  it('writes the canonical columns that some user fills, lists ;-separated, roles Role@Division', () => {
    const text = exportOrg(richOrg(), csv()).files[0]?.text ?? '';
    const [header] = text.split('\n');
    assert.equal(header, 'email,name,title,department,division,manager,state,phone_work,otherEmail_work,otherEmail_home,roles,skills,languages,queues,groups,locations,acdAutoAnswer,profileSkills,certifications,employeeId,employeeType,dateHire,officialName');
    assert.match(text, /,Quality Evaluator@Sales;Quality Evaluator@Support;Supervisor;User;employee,/);
    assert.match(text, /,'=Escalations:2;10:5;Tier: Gold:1,|,10:5;=Escalations:2;Tier: Gold:1,/);
  });

  it('neutralises formula cells: =, +, -, @ and an existing leading quote', () => {
    const text = exportOrg(richOrg(), csv()).files[0]?.text ?? '';
    for (const line of text.split('\n').slice(1)) {
      for (const cell of line.split(',')) assert.doesNotMatch(cell.replace(/^"/, ''), /^[=+\-@\t\r]/, `cell ${cell} in ${line}`);
    }
    assert.match(text, /"'=HYPERLINK\(""http:\/\/evil""\)"/);
    assert.match(text, /,'-Support,/);
    assert.match(text, /,'@Sales,/);
    assert.match(text, /,''=quoted already,/);
    assert.match(text, /,'\+35315550172,/);
  });

  it('round-trips the genesys-admin dialect for what it can hold', async () => {
    const state = richOrg();
    const result = exportOrg(state, csv({ csvDialect: 'genesys-admin' }));
    const text = result.files[0]?.text ?? '';
    assert.equal(text.split('\n')[0], 'name,email,phone_work,extension,title,department,email_manager,location_work,roles_divisions,queues,division,skills');
    assert.match(text, /"Quality Evaluator: \[Sales; Support\], Supervisor, User, employee"/);
    assert.match(text, /"Supervisor: \[Home; Support\], employee"/);
    assert.ok(result.warnings.some((w) => w.code === 'csv-dialect-fields'));
    await assertZeroChanges(result.files, state, 4);
  });

  it('warns about a list item holding the separator and leaves the field out', () => {
    const state = org([user('u-1', 'a@acme.com', { profileSkills: ['C; C++'] })]);
    const result = exportOrg(state, csv());
    assert.deepEqual(
      result.warnings.map((w) => w.code),
      ['unexportable-profileSkills'],
    );
    assert.doesNotMatch(result.files[0]?.text ?? '', /C\+\+/);
  });

  it('never writes a lone "-" (it means "none")', () => {
    const state = org([user('u-1', 'a@acme.com', { title: '-' })]);
    const result = exportOrg(state, csv());
    assert.deepEqual(
      result.warnings.map((w) => w.code),
      ['unexportable-title'],
    );
  });
});

describe('export options', () => {
  it('parses --fields and reports unknown names with a suggestion', () => {
    assert.deepEqual(parseFields(['email,name,roles', 'skills queues']), ['name', 'roles', 'skills', 'queues']);
    assert.throws(
      () => parseFields(['skils,bogus']),
      (e: unknown) => e instanceof ProvisionError && e.issues.length === 2 && e.issues[0]?.code === 'unknown-field' && e.issues[0]?.hint === 'Did you mean "skills"?',
    );
  });

  it('makes file names from division names', () => {
    assert.equal(slug('Customer Support'), 'customer-support');
    assert.equal(slug('Société Générale / EMEA'), 'societe-generale-emea');
    assert.equal(slug('***'), 'unnamed');
  });

  it('reads every queue and the role grants by default', () => {
    assert.deepEqual(exportReadRequest(), { emails: [], queueNames: [], roles: true, allQueues: true, inactive: 'all' });
    assert.equal(exportReadRequest(undefined, 'active').inactive, undefined, 'only active users: no inactive one is read');
  });

  it('gives same-slug divisions distinct files', () => {
    const state = org([user('u-1', 'a@acme.com', { divisionId: 'd-a' }), user('u-2', 'b@acme.com', { divisionId: 'd-b' })]);
    state.lookups.divisions.push({ id: 'd-a', name: 'EMEA Sales' }, { id: 'd-b', name: 'EMEA-Sales' });
    assert.deepEqual(
      exportOrg(state, yaml({ splitBy: 'division' })).files.map((f) => f.name),
      ['emea-sales.yaml', 'emea-sales-2.yaml'],
    );
  });
});

describe('YAML of more users than one rendering holds', () => {
  it('reads as one document: one empty line between users, warnings just above theirs, each line number at its user', async () => {
    const { renderYaml } = await import('../../src/export/yaml.js');
    const { parse } = await import('yaml');
    const users = Array.from({ length: 2_100 }, (_, i) => ({
      email: `u${i}@acme.com`,
      name: `U ${i}`,
      queues: ['Support'],
      notes: i % 1000 === 0 || i === 999 ? [{ code: 'note', message: `about ${i}` }] : [],
      groupBy: { division: undefined, department: undefined },
    }));
    const { text, lines } = renderYaml(users, { title: 'Users', defaults: { division: 'Support' } });
    const rows = text.split('\n');
    assert.equal((parse(text) as { users: unknown[] }).users.length, users.length);
    assert.deepEqual(lines.map((line) => rows[line - 1]), users.map((u) => `  - email: ${u.email}`));
    assert.equal(rows.filter((row) => row.trim() === '' && row !== '').length, 0, 'no line of spaces');
    for (const i of [999, 1000, 2000]) assert.deepEqual(rows.slice(lines[i]! - 3, lines[i]! - 1), ['', `  # warning note: about ${i}`]);
    for (const i of [1, 1001, 2001]) assert.equal(rows[lines[i]! - 2], '');
  });
});
