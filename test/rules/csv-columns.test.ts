// The CSV layouts' table drives both sides: export writes its written columns in its order, and the reader reads every column back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCsvFile } from '../../src/desired/csv-file.js';
import { renderCsv } from '../../src/export/csv.js';
import type { ExportUser } from '../../src/export/index.js';
import { CSV_COLUMNS, GENESYS_ADMIN_COLUMNS, PROVISION_COLUMNS, STARTING_GUIDE_COLUMNS } from '../../src/rules/csv-columns.js';
import type { CsvColumn, CsvDialect } from '../../src/rules/csv-columns.js';

/** A user with every field the canonical layout can hold. */
const FULL: ExportUser = {
  email: 'nina.berg@acme.com',
  name: 'Nina Berg',
  title: 'Team Lead',
  department: 'Customer Support',
  division: 'Support',
  manager: 'ola.lind@acme.com',
  state: 'inactive',
  phones: [
    { type: 'work', number: '+13175550120', extension: '120', mediaType: 'PHONE' },
    { type: 'work2', extension: '4120', mediaType: 'PHONE' },
    { type: 'work3', number: '+13175550123', mediaType: 'PHONE' },
    { type: 'work4', number: '+13175550124', mediaType: 'PHONE' },
    { type: 'mobile', number: '+13175550121', mediaType: 'PHONE' },
    { type: 'home', number: '+13175550122', mediaType: 'PHONE' },
    { type: 'other', number: '+13175550125', mediaType: 'PHONE' },
  ],
  otherEmails: [
    { type: 'work', address: 'nina@acme.co.uk' },
    { type: 'home', address: 'nina@example.com' },
  ],
  roles: [{ role: 'employee' }, { role: 'Supervisor', division: 'Support' }],
  skills: [['Billing', 5], ['Escalations', 3]],
  languages: [['English', 5]],
  queues: ['Support - Tier 1', 'Billing'],
  groups: ['Support Team'],
  locations: ['Indianapolis HQ'],
  acdAutoAnswer: true,
  profileSkills: ['Coaching'],
  certifications: ['ITIL Foundation'],
  employerInfo: { employeeId: 'E1042', employeeType: 'Full-time', dateHire: '2021-06-01', officialName: 'Nina A. Berg' },
  utilization: { call: { maximumCapacity: 1, interruptableMediaTypes: [], includeNonAcd: false }, chat: { maximumCapacity: 3, interruptableMediaTypes: ['call', 'email'], includeNonAcd: true } },
  voicemail: { enabled: true, alertTimeoutSeconds: 20, sendEmailNotifications: false },
  webrtcPhone: { site: 'Indianapolis', phoneBase: 'WebRTC Base' },
  persona: 'tier1-support',
  groupBy: { division: 'Support', department: 'Customer Support' },
  notes: [],
};

/** What the reader makes of FULL's row in provision's layout: the users-file fields, before the schema. */
const FULL_READ = {
  email: 'nina.berg@acme.com',
  name: 'Nina Berg',
  title: 'Team Lead',
  department: 'Customer Support',
  division: 'Support',
  manager: 'ola.lind@acme.com',
  state: 'inactive',
  phones: { work: '+13175550120 x120', work2: 'x4120', work3: '+13175550123', work4: '+13175550124', mobile: '+13175550121', home: '+13175550122', other: '+13175550125' },
  otherEmails: { work: 'nina@acme.co.uk', home: 'nina@example.com' },
  roles: ['employee', { role: 'Supervisor', division: 'Support' }],
  skills: { Billing: 5, Escalations: 3 },
  languages: { English: 5 },
  queues: ['Support - Tier 1', 'Billing'],
  groups: ['Support Team'],
  locations: ['Indianapolis HQ'],
  acdAutoAnswer: true,
  profileSkills: ['Coaching'],
  certifications: ['ITIL Foundation'],
  employerInfo: { employeeId: 'E1042', employeeType: 'Full-time', dateHire: '2021-06-01', officialName: 'Nina A. Berg' },
  utilization: { call: { maximumCapacity: 1 }, chat: { maximumCapacity: 3, interruptableMediaTypes: ['call', 'email'], includeNonAcd: true } },
  voicemail: { enabled: true, alertTimeoutSeconds: 20, sendEmailNotifications: false },
  webrtcPhone: { site: 'Indianapolis', phoneBase: 'WebRTC Base' },
  persona: 'tier1-support',
};

function header(text: string): string[] {
  return (text.split('\n')[0] ?? '').split(',');
}

test('canonical export writes the table\'s columns, in its order, and reads back as the fields it wrote', () => {
  const csv = renderCsv([FULL], 'canonical', 'Home');
  assert.deepEqual(csv.notes, [[]]);
  assert.deepEqual(header(csv.text), PROVISION_COLUMNS.filter((c) => c.written).map((c) => c.header));
  const read = readCsvFile('users.csv', csv.text);
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.entries[0]?.value, FULL_READ);
});

test('formerEmails is read (";"-separated) but never written: the org keeps no former emails', () => {
  assert.equal(PROVISION_COLUMNS.find((c) => c.header === 'formerEmails')?.written, false);
  const read = readCsvFile('users.csv', 'email,name,formerEmails\nkim@acme.com,Kim,kim.s@acme.com; k.sato@acme.com\n');
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.entries[0]?.value, { email: 'kim@acme.com', name: 'Kim', formerEmails: ['kim.s@acme.com', 'k.sato@acme.com'] });
});

test('genesys-admin export writes the header Genesys documents, and reads back as the fields it wrote', () => {
  const user: ExportUser = { ...FULL, phones: [FULL.phones![0]!], employerInfo: undefined, utilization: undefined, voicemail: undefined, webrtcPhone: undefined, groupBy: FULL.groupBy, notes: [] };
  const csv = renderCsv([user], 'genesys-admin', 'Home');
  // Genesys's help page "Add people with .csv file import": "The data in the .csv file must be in the following order".
  assert.equal(csv.text.split('\n')[0], 'name,email,phone_work,extension,title,department,email_manager,location_work,roles_divisions,queues,division,skills');
  assert.deepEqual(header(csv.text), GENESYS_ADMIN_COLUMNS.filter((c) => c.written).map((c) => c.header));
  const read = readCsvFile('admin.csv', csv.text);
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.entries[0]?.value, {
    name: 'Nina Berg',
    email: 'nina.berg@acme.com',
    phones: { work: { number: '+13175550120', extension: '120' } },
    title: 'Team Lead',
    department: 'Customer Support',
    manager: 'ola.lind@acme.com',
    locations: ['Indianapolis HQ'],
    roles: [{ role: 'Supervisor', divisions: ['Support'] }, 'employee'],
    queues: ['Support - Tier 1', 'Billing'],
    division: 'Support',
    skills: { Billing: 5, Escalations: 3 },
  });
});

test('hire_date is read from the admin layout but never written, so exports keep the documented header', () => {
  const column = GENESYS_ADMIN_COLUMNS.find((c) => c.header === 'hire_date');
  assert.deepEqual(column, { header: 'hire_date', field: 'employerInfo', kind: 'employer', key: 'dateHire', written: false });
  const read = readCsvFile('admin.csv', 'name,email,email_manager,hire_date\nA,a@acme.com,,2019-04-01\n');
  assert.deepEqual(read.entries[0]?.value, { name: 'A', email: 'a@acme.com', employerInfo: { dateHire: '2019-04-01' } });
});

/** A header with one unknown column, so that the reader lists the columns it knows. */
const UNKNOWN: Record<CsvDialect, string> = {
  provision: 'email,name,zzzzzzzz',
  genesys: 'name,email,email_manager,zzzzzzzz',
  'starting-guide': 'NAME,EMAIL,GROUP,zzzzzzzz',
};

for (const [dialect, columns] of Object.entries(CSV_COLUMNS) as [CsvDialect, readonly CsvColumn[]][]) {
  test(`the reader of the ${dialect} layout knows exactly the table's columns, in its order`, () => {
    const read = readCsvFile('x.csv', `${UNKNOWN[dialect]}\n`);
    const hints = read.issues.filter((i) => i.code === 'unknown-column').map((i) => i.hint);
    assert.deepEqual(hints, [`Known columns: ${columns.filter((c) => c.kind !== 'ignored').map((c) => c.header).join(', ')}.`]);
  });
}

test('the starting guide\'s SITENAME and PHONEBASE are the user\'s WebRTC phone', () => {
  assert.deepEqual(STARTING_GUIDE_COLUMNS.filter((c) => c.kind === 'webrtc-phone').map((c) => [c.header, c.key]), [['sitename', 'site'], ['phonebase', 'phoneBase']]);
  const read = readCsvFile('guide.csv', 'NAME,EMAIL,SITENAME,PHONEBASE\nA,a@acme.com,Indy, WebRTC Base\n');
  assert.deepEqual(read.issues, []);
  assert.deepEqual(read.entries[0]?.value, { name: 'A', email: 'a@acme.com', webrtcPhone: { site: 'Indy', phoneBase: 'WebRTC Base' } });
});

/** A header and a row that give `column` the cell `-`, in its layout. */
function noneRow(dialect: CsvDialect, column: CsvColumn): string {
  if (dialect === 'provision') return `email,name,${column.header}\na@acme.com,A,-\n`;
  if (dialect === 'genesys') return `name,email,email_manager,${column.header}\nA,a@acme.com,,-\n`;
  return `NAME,EMAIL,ROLE,${column.header}\nA,a@acme.com,employee,-\n`;
}

for (const [dialect, columns] of Object.entries(CSV_COLUMNS) as [CsvDialect, readonly CsvColumn[]][]) {
  for (const column of columns) {
    if (column.field === undefined || column.field === 'email' || column.field === 'name' || column.header === 'email_manager' || column.header === 'role') continue;
    test(`${dialect} ${column.header}: "-" ${column.none || column.kind === 'webrtc-phone' ? 'means none' : 'is not none'}`, () => {
      const read = readCsvFile('x.csv', noneRow(dialect, column));
      const value = read.entries[0]?.value[column.field as string];
      // No phone is `webrtcPhone: false`, not an empty value.
      if (column.kind === 'webrtc-phone') {
        assert.deepEqual([read.entries[0]?.issues, value], [[], false]);
        return;
      }
      if (column.none) {
        assert.deepEqual(read.entries[0]?.issues, []);
        assert.ok(Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0, JSON.stringify(value));
        return;
      }
      const refused = read.entries[0]?.issues.some((i) => i.code === 'invalid-none') ?? false;
      const kept = JSON.stringify(value ?? null).includes('"-"') || value === '-';
      assert.ok(refused || kept, `neither refused nor kept: ${JSON.stringify(value)}`);
    });
  }
}
