// CSV dialects and edge cases: BOM, CRLF, quoted newlines, trailing rows, Genesys's and the starting guide's columns.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultConfig, detectDialect, loadDesired } from '../../src/desired/index.js';
import { readCsvFile, splitItems } from '../../src/desired/csv-file.js';

const config = defaultConfig('.');

test('BOM, CRLF, a quoted cell with a comma and a newline, "-" for none, trailing empty rows', async () => {
  const state = await loadDesired(['test/fixtures/csv/bom-crlf.csv'], config);
  assert.deepEqual(state.issues, []);
  const [nina, ola] = state.users;
  assert.equal(nina?.email, 'nina.berg@acme.com');
  assert.equal(nina?.title, 'Team Lead,\r\nTier 1');
  assert.deepEqual(nina?.skills, { Billing: 5, Chat: 3 });
  assert.deepEqual(nina?.roles, [{ role: 'employee' }, { role: 'Supervisor', division: 'Support' }]);
  // The row starts on line 2; the cells after the quoted newline are on line 3.
  assert.deepEqual(nina?.source, { file: 'test/fixtures/csv/bom-crlf.csv', line: 2, column: 1 });
  assert.deepEqual(nina?.at['skills/Chat'], { file: 'test/fixtures/csv/bom-crlf.csv', line: 3, column: 19 });
  assert.deepEqual(nina?.at['roles/Supervisor@Support'], { file: 'test/fixtures/csv/bom-crlf.csv', line: 3, column: 63 });
  assert.equal(ola?.title, undefined, 'an empty cell is not managed');
  assert.deepEqual(ola?.skills, {});
  assert.deepEqual(ola?.queues, []);
  assert.deepEqual(ola?.roles, []);
  assert.equal(ola?.source.line, 4);
  assert.equal(state.users.length, 2);
});

test('Genesys admin-UI bulk CSV: extension, manager, location, roles per division, comma lists', async () => {
  const state = await loadDesired(['test/fixtures/csv/genesys-admin.csv'], config);
  assert.deepEqual(state.issues, []);
  const nina = state.users[0]!;
  assert.deepEqual(nina.phones, [{ type: 'work', number: '+13175550120', extension: '120', mediaType: 'PHONE' }]);
  assert.equal(nina.manager, 'ola.lind@acme.com');
  assert.deepEqual(nina.locations, ['Indianapolis HQ']);
  assert.deepEqual(nina.roles, [
    { role: 'employee', division: 'Support' },
    { role: 'User', division: 'Home' },
    { role: 'User', division: 'Support' },
    { role: 'Supervisor' },
  ]);
  assert.deepEqual(nina.queues, ['Support - Tier 1', 'Billing']);
  assert.deepEqual(nina.skills, { Billing: 5, Chat: 3 });
  assert.deepEqual(nina.employerInfo, { dateHire: '2019-04-01' });
  assert.equal(nina.at['roles/User@Home']?.column, 150);
  const ola = state.users[1]!;
  assert.equal(ola.phones, undefined);
  assert.equal(ola.queues, undefined);
});

test('the starting guide CSV: NAME/EMAIL/GROUP/ROLE, with SITENAME and PHONEBASE as the WebRTC phone', async () => {
  const state = await loadDesired(['test/fixtures/csv/starting-guide.csv'], config);
  assert.deepEqual(state.issues, []);
  assert.deepEqual(state.users[0]?.webrtcPhone, { site: 'Indianapolis', phoneBase: 'WebRTC Base' });
  assert.deepEqual(state.users[0]?.groups, ['Support Team']);
  assert.deepEqual(state.users[0]?.roles, [{ role: 'employee' }]);
});

const dialects: [string[], string][] = [
  [['email', 'name', 'skills'], 'provision'],
  [['Email', 'Name', 'phone_work'], 'provision'],
  [['name', 'email', 'phone_work', 'extension', 'title', 'department', 'email_manager', 'location_work', 'roles_divisions', 'queues', 'division', 'skills'], 'genesys'],
  [['NAME', 'EMAIL', 'GROUP', 'ROLE'], 'starting-guide'],
  [['NAME', 'EMAIL', 'PASSWORD'], 'starting-guide'],
];
for (const [header, dialect] of dialects) {
  test(`dialect of ${header.join(',')} is ${dialect}`, () => assert.equal(detectDialect(header), dialect));
}

const splits: [string, string | RegExp, [string, number][]][] = [
  ['a;b;c', ';', [['a', 0], ['b', 2], ['c', 4]]],
  [' a ; ;b ', ';', [['a', 1], ['b', 6]]],
  ['', ';', []],
  ['employee: [A; B], User', /,(?![^[]*\])/, [['employee: [A; B]', 0], ['User', 18]]],
];
for (const [cell, sep, expected] of splits) {
  test(`splitItems(${JSON.stringify(cell)})`, () => {
    assert.deepEqual(
      splitItems(cell, sep).map((i) => [i.text, i.offset]),
      expected,
    );
  });
}

test('a header-only file declares nobody and an empty file warns', () => {
  assert.deepEqual(readCsvFile('x.csv', 'email,name\n').entries, []);
  assert.equal(readCsvFile('x.csv', '').issues[0]?.code, 'empty-file');
});

test('a file without a name column declares its users (a name is needed only to create one)', async () => {
  const result = readCsvFile('x.csv', 'email,title\na@acme.com,Agent\n');
  assert.deepEqual(result.issues, []);
  assert.equal(result.entries.length, 1);
  assert.deepEqual(result.entries[0]?.value, { email: 'a@acme.com', title: 'Agent' });
});

test('a row with a missing cell is a csv-syntax error on its line; the other rows still count', () => {
  const result = readCsvFile('x.csv', 'email,name,title\na@acme.com,A\nb@acme.com,B,Agent\n');
  assert.deepEqual(
    result.issues.map((i) => [i.code, i.line]),
    [['csv-syntax', 2]],
  );
  assert.equal(result.entries.length, 1);
  assert.equal(result.entries[0]?.source.line, 3);
});

test('a level that is not a number and a skill without one are reported at the item', async () => {
  const result = readCsvFile('x.csv', 'email,name,skills\na@acme.com,A,Billing:high;Chat\n');
  assert.deepEqual(result.entries[0]?.value.skills, { Billing: 'high', Chat: null });
  assert.deepEqual(result.entries[0]?.locate(['skills', 'Chat']), { file: 'x.csv', line: 2, column: 27 });
});

describe('CSV positions', () => {
  test('an unclosed quote is reported where it opens, not at the end of the file', () => {
    const rows = ['email,name,title'];
    for (let line = 2; line <= 1000; line++) rows.push(line === 7 ? 'u7@acme.com,"Nina Berg,Agent' : `u${line}@acme.com,User ${line},Agent`);
    const result = readCsvFile('big.csv', `${rows.join('\n')}\n`);
    const syntax = result.issues.filter((i) => i.code === 'csv-syntax');
    assert.deepEqual(syntax.map((i) => [i.line, i.column]), [[7, 13]]);
    assert.match(syntax[0]!.message, /never closed/);
    // The rows after the quote were swallowed by it: the file did not load completely.
    assert.equal(result.failed, true);
  });

  const cases: [string, string, number, number][] = [
    ['text after a closing quote', 'email,name\na@acme.com,"Nina" Berg\n', 2, 18],
    ['a quote inside an unquoted cell', 'email,name\na@acme.com,Nina "B" Berg\n', 2, 17],
    ['a row with a cell too many', 'email,name\na@acme.com,Nina,extra\nb@acme.com,B\n', 2, 17],
    ['a row with a cell too few', 'email,name,title\na@acme.com,Nina\n', 2, 16],
    ['multi-byte text before the error', 'email,name\nå@acme.com,"Åsa" Öberg\n', 2, 17],
    ['CRLF line ends', 'email,name\r\na@acme.com,A\r\nb@acme.com,"B" x\r\n', 3, 15],
  ];
  for (const [name, text, line, column] of cases) {
    test(`CSV errors give the real column: ${name}`, () => {
      const syntax = readCsvFile('x.csv', text).issues.filter((i) => i.code === 'csv-syntax');
      assert.deepEqual(syntax.map((i) => [i.line, i.column]), [[line, column]], JSON.stringify(syntax));
    });
  }
});
