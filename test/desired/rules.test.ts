// Table-driven checks of the rules: emails, phones, duplicates, the manager graph, did-you-mean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredUser, Phone, PhoneType } from '../../src/model/index.js';
import { parsePhone } from '../../src/desired/index.js';
import { normalEmail } from '../../src/rules/identity.js';
import { didYouMean } from '../../src/rules/names.js';
import { duplicateEmails, formerEmailIssues, formerEmailsOf, managerIssues } from '../../src/desired/rules.js';

const emails: [string, string][] = [
  ['  Nina.Berg@ACME.com ', 'nina.berg@acme.com'],
  ['jose\u0301@acme.com', 'jos\u00e9@acme.com'],
  ['ÅSA@ACME.COM', 'åsa@acme.com'],
];
for (const [input, expected] of emails) {
  test(`normalEmail(${JSON.stringify(input)})`, () => assert.equal(normalEmail(input), expected));
}

const phones: [PhoneType, Parameters<typeof parsePhone>[1], string | undefined, Phone | RegExp][] = [
  ['work', '+1 317 555 0100', undefined, { type: 'work', number: '+13175550100', mediaType: 'PHONE' }],
  ['work', '+1 317 555 0100 x123', undefined, { type: 'work', number: '+13175550100', extension: '123', mediaType: 'PHONE' }],
  ['work', '+1 (317) 555-0100 ext. 45', undefined, { type: 'work', number: '+13175550100', extension: '45', mediaType: 'PHONE' }],
  ['work', '(317) 555-0100', 'US', { type: 'work', number: '+13175550100', mediaType: 'PHONE' }],
  ['work', '01 555 0141', 'IE', { type: 'work', number: '+35315550141', mediaType: 'PHONE' }],
  ['mobile', { number: '+353 87 555 0142', sms: true }, undefined, { type: 'mobile', number: '+353875550142', mediaType: 'SMS' }],
  ['work', { number: '+1 317 555 0100', extension: '7' }, undefined, { type: 'work', number: '+13175550100', extension: '7', mediaType: 'PHONE' }],
  ['work2', 'x4242', undefined, { type: 'work2', extension: '4242', mediaType: 'PHONE' }],
  ['work', { extension: '99' }, undefined, { type: 'work', extension: '99', mediaType: 'PHONE' }],
  ['work', '(317) 555-0100', undefined, /no country code and the config sets no phoneRegion/],
  ['work', '+1 317 555', undefined, /not a valid/],
  ['work', 'call me', undefined, /not a phone number|cannot be read/],
  ['work', { number: '+1 317 555 0100 x1', extension: '2' }, undefined, /extension/],
];
for (const [type, input, region, expected] of phones) {
  test(`parsePhone(${JSON.stringify(input)}, ${region ?? 'no region'})`, () => {
    const result = parsePhone(type, input, region);
    if (expected instanceof RegExp) {
      assert.equal(typeof result, 'string');
      assert.match(result as string, expected);
    } else {
      assert.deepEqual(result, expected);
    }
  });
}

function user(email: string, manager: string | undefined, line: number): DesiredUser {
  const source = { file: 'u.yaml', line, column: 5 };
  return { email, name: email, manager, source, at: manager ? { manager: { file: 'u.yaml', line: line + 1, column: 14 } } : {} };
}

const graphs: [string, DesiredUser[], string[]][] = [
  ['a tree', [user('a@x.io', undefined, 1), user('b@x.io', 'a@x.io', 4), user('c@x.io', 'b@x.io', 7)], []],
  ['self', [user('a@x.io', 'a@x.io', 1)], ['manager-self@2']],
  ['two-cycle', [user('a@x.io', 'b@x.io', 1), user('b@x.io', 'a@x.io', 4)], ['manager-cycle@2']],
  ['cycle with a tail', [user('t@x.io', 'a@x.io', 1), user('a@x.io', 'b@x.io', 4), user('b@x.io', 'c@x.io', 7), user('c@x.io', 'a@x.io', 10)], ['manager-cycle@5']],
  ['two separate cycles', [user('a@x.io', 'b@x.io', 1), user('b@x.io', 'a@x.io', 4), user('c@x.io', 'd@x.io', 7), user('d@x.io', 'c@x.io', 10)], ['manager-cycle@2', 'manager-cycle@8']],
  ['undeclared', [user('a@x.io', 'boss@x.io', 1)], ['manager-undeclared@2']],
];
for (const [name, users, expected] of graphs) {
  test(`manager rules: ${name}`, () => {
    assert.deepEqual(
      managerIssues(users).map((i) => `${i.code}@${i.line}`).sort(),
      expected,
    );
  });
}

test('a manager declared in the files but invalid is not reported as undeclared', () => {
  assert.deepEqual(managerIssues([user('a@x.io', 'boss@x.io', 1)], new Set(['boss@x.io', 'a@x.io'])), []);
});

test('a cycle message lists the chain back to its start', () => {
  const [issue] = managerIssues([user('a@x.io', 'b@x.io', 1), user('b@x.io', 'c@x.io', 4), user('c@x.io', 'a@x.io', 7)]);
  assert.equal(issue?.message, 'Managers form a cycle: a@x.io → b@x.io → c@x.io → a@x.io.');
});

test('duplicate emails: every later declaration is an error naming the first', () => {
  const a = { file: 'a.yaml', line: 2, column: 5 };
  const b = { file: 'b.csv', line: 3, column: 1 };
  const c = { file: 'c.yaml', line: 9, column: 5 };
  const { issues, duplicates } = duplicateEmails([
    { email: 'x@acme.com', source: a },
    { email: 'x@acme.com', source: b },
    { email: 'y@acme.com', source: c },
  ]);
  assert.equal(issues.length, 1);
  assert.match(issues[0]!.message, /a\.yaml:2:5/);
  assert.equal(issues[0]!.file, 'b.csv');
  assert.ok(duplicates.has(b) && !duplicates.has(a));
});

const suggestions: [string, string[], string | undefined][] = [
  ['skils', ['skills', 'languages'], 'skills'],
  ['Queue', ['queues', 'groups'], 'queues'],
  ['EMAIL', ['email', 'name'], 'email'],
  ['zzzzzz', ['skills', 'queues'], undefined],
];
for (const [word, candidates, expected] of suggestions) {
  test(`didYouMean(${word})`, () => assert.equal(didYouMean(word, candidates), expected));
}

test('emails are normalised as everywhere else, whether or not they are already normal', () => {
  const emails = ['nina.berg@acme.com', ' Nina.Berg@Acme.com ', 'NINA@ACME.COM', 'tomás@acme.com', 'TOMA\u0301S@acme.com', 'İpek@acme.com', 'straße@acme.com', '\tnina@acme.com', 'a+b=c@acme.com', '', '@'];
  for (const email of emails) assert.equal(normalEmail(email), email.trim().normalize('NFC').toLowerCase(), JSON.stringify(email));
});

test('formerEmailIssues: a former email declared by another user, or claimed by two, is an error at the former email', () => {
  const at = (line: number, column = 5) => ({ file: 'users/a.yaml', line, column });
  const ana = { email: 'ana@acme.com', source: at(2), formers: [{ email: 'old.ana@acme.com', at: at(3, 20) }, { email: 'ana@acme.com', at: at(3, 40) }] };
  const bo = { email: 'bo@acme.com', source: at(5), formers: [{ email: 'old.ana@acme.com', at: at(6, 20) }, { email: 'ana@acme.com', at: at(6, 40) }] };
  const cy = { email: 'cy@acme.com', source: at(8), formers: [{ email: 'old.cy@acme.com', at: at(9, 20) }] };
  const dee = { email: 'dee@acme.com', source: at(11), formers: undefined };
  const declared = new Map([ana, bo, cy, dee].map((u) => [u.email, u.source]));
  const issues = formerEmailIssues([ana, bo, cy, dee], declared, (u) => u.formers);
  assert.deepEqual(issues, [
    {
      severity: 'error',
      code: 'former-email-claimed',
      message: 'old.ana@acme.com is a former email of both ana@acme.com (at users/a.yaml:3:20) and bo@acme.com.',
      hint: 'The org user under a former email is one person: keep it in the formerEmails of one user.',
      file: 'users/a.yaml',
      line: 6,
      column: 20,
    },
    {
      severity: 'error',
      code: 'former-email-declared',
      message: 'formerEmails of bo@acme.com names ana@acme.com, which is declared as a user at users/a.yaml:2:5.',
      hint: 'A former email is an address nobody in users/ has any more: remove it from formerEmails, or remove (or rename) the other user.',
      file: 'users/a.yaml',
      line: 6,
      column: 40,
    },
  ]);
  // A user's own email among their former ones is another rule's (former-email-self); nothing claimed twice here.
  assert.deepEqual(formerEmailIssues([ana], declared, (u) => u.formers), []);
  assert.deepEqual(formerEmailIssues([cy, dee], new Map(), (u) => u.formers), []);
});

test('formerEmailsOf: each former email at its own item, else at the list, else at the user', () => {
  const source = { file: 'users/a.yaml', line: 2, column: 5 };
  const base = { email: 'ana@acme.com', name: 'Ana', source } as unknown as DesiredUser;
  assert.equal(formerEmailsOf({ ...base, at: {} }), undefined);
  assert.equal(formerEmailsOf({ ...base, formerEmails: [], at: {} }), undefined);
  const list = { file: 'users/a.yaml', line: 3, column: 18 };
  const item = { file: 'users/a.yaml', line: 3, column: 19 };
  assert.deepEqual(formerEmailsOf({ ...base, formerEmails: ['a@x.com', 'b@x.com'], at: { formerEmails: list, 'formerEmails/a@x.com': item } }), [
    { email: 'a@x.com', at: item },
    { email: 'b@x.com', at: list },
  ]);
  assert.deepEqual(formerEmailsOf({ ...base, formerEmails: ['b@x.com'], at: {} }), [{ email: 'b@x.com', at: source }]);
});
