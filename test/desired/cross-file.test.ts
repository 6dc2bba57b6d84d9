// The rules across users and files, issue by issue: duplicate emails and the manager graph with every field a reader sees, and cycles reported at their first member in file order.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredUser, Source } from '../../src/model/index.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { duplicateEmails, managerIssues } from '../../src/desired/rules.js';

describe('duplicate emails', () => {
  const a: Source = { file: 'users/a.yaml', line: 2, column: 5 };
  const b: Source = { file: 'users/b.csv', line: 3, column: 1 };
  const c: Source = { file: 'users/c.csv', line: 7 };

  test('each later declaration is an error at its own position, naming the first', () => {
    const { issues, duplicates } = duplicateEmails([
      { email: 'x@acme.com', source: a },
      { email: 'y@acme.com', source: c },
      { email: 'x@acme.com', source: b },
      { email: 'x@acme.com', source: c },
    ]);
    const hint = 'Each user is declared once, in one file (emails are compared without regard to case).';
    assert.deepEqual(issues, [
      { severity: 'error', code: 'duplicate-email', message: 'x@acme.com is declared twice: here and at users/a.yaml:2:5.', hint, file: 'users/b.csv', line: 3, column: 1 },
      { severity: 'error', code: 'duplicate-email', message: 'x@acme.com is declared twice: here and at users/a.yaml:2:5.', hint, file: 'users/c.csv', line: 7 },
    ]);
    assert.deepEqual([...duplicates], [b, c]);
  });

  test('a first declaration without a column is named by file and line', () => {
    const { issues } = duplicateEmails([
      { email: 'y@acme.com', source: c },
      { email: 'y@acme.com', source: a },
    ]);
    assert.equal(issues[0]?.message, 'y@acme.com is declared twice: here and at users/c.csv:7.');
  });

  test('no duplicates, no issues', () => {
    assert.deepEqual(duplicateEmails([{ email: 'x@acme.com', source: a }, { email: 'y@acme.com', source: b }]), { issues: [], duplicates: new Set() });
  });

  test('emails differing only in case or Unicode form are one user: the later one is left out, the first kept', async () => {
    const state = await loadDesired(['test/fixtures/invalid/duplicate-email'], defaultConfig('.'));
    assert.deepEqual(
      state.issues.filter((i) => i.code === 'duplicate-email').map((i) => `${i.file}:${i.line}:${i.column} ${i.message}`),
      ['test/fixtures/invalid/duplicate-email/b.csv:3:1 nina.berg@acme.com is declared twice: here and at test/fixtures/invalid/duplicate-email/a.yaml:2:5.'],
    );
    assert.deepEqual(
      state.users.map((u) => `${u.email} ${u.source.file}`),
      ['nina.berg@acme.com test/fixtures/invalid/duplicate-email/a.yaml', 'ola.lind@acme.com test/fixtures/invalid/duplicate-email/b.csv'],
    );
  });
});

function user(email: string, manager: string | undefined, file: string, line: number): DesiredUser {
  return { email, name: email, manager, source: { file, line, column: 5 }, at: manager ? { manager: { file, line: line + 1, column: 14 } } : {} };
}

describe('the manager graph', () => {
  test('one\'s own manager: an error at the manager field', () => {
    assert.deepEqual(managerIssues([user('a@x.io', 'a@x.io', 'u.yaml', 1)]), [
      { severity: 'error', code: 'manager-self', message: 'a@x.io is set as their own manager.', hint: 'Set the manager to another user, or remove the field.', file: 'u.yaml', line: 2, column: 14 },
    ]);
  });

  test('a manager not declared anywhere: a warning, once per user who names them', () => {
    const hint = 'That is fine if they exist in the org: plan checks it. Otherwise check the spelling.';
    assert.deepEqual(managerIssues([user('a@x.io', 'boss@x.io', 'u.yaml', 1), user('b@x.io', 'boss@x.io', 'u.yaml', 4)]), [
      { severity: 'warning', code: 'manager-undeclared', message: 'The manager boss@x.io is not declared in these files.', hint, file: 'u.yaml', line: 2, column: 14 },
      { severity: 'warning', code: 'manager-undeclared', message: 'The manager boss@x.io is not declared in these files.', hint, file: 'u.yaml', line: 5, column: 14 },
    ]);
  });

  const cycle = (users: DesiredUser[]) => managerIssues(users).map((i) => `${i.file}:${i.line} ${i.message}`);
  const hint = 'Someone in the chain must report to a user outside it (or to nobody).';

  test('a cycle is an error with its hint', () => {
    assert.deepEqual(managerIssues([user('a@x.io', 'b@x.io', 'u.yaml', 1), user('b@x.io', 'a@x.io', 'u.yaml', 4)]), [
      { severity: 'error', code: 'manager-cycle', message: 'Managers form a cycle: a@x.io → b@x.io → a@x.io.', hint, file: 'u.yaml', line: 2, column: 14 },
    ]);
  });

  test('a cycle found from its middle is reported from its first member by line', () => {
    const users = [user('c@x.io', 'a@x.io', 'u.yaml', 7), user('a@x.io', 'b@x.io', 'u.yaml', 1), user('b@x.io', 'c@x.io', 'u.yaml', 4)];
    assert.deepEqual(cycle(users), ['u.yaml:2 Managers form a cycle: a@x.io → b@x.io → c@x.io → a@x.io.']);
    assert.deepEqual(cycle([users[2]!, users[0]!, users[1]!]), ['u.yaml:2 Managers form a cycle: a@x.io → b@x.io → c@x.io → a@x.io.']);
  });

  test('across files, the file comes first, then the line', () => {
    const users = [user('b@x.io', 'a@x.io', 'users/b.yaml', 1), user('a@x.io', 'c@x.io', 'users/a.yaml', 9), user('c@x.io', 'b@x.io', 'users/a.yaml', 30)];
    assert.deepEqual(cycle(users), ['users/a.yaml:10 Managers form a cycle: a@x.io → c@x.io → b@x.io → a@x.io.']);
    assert.deepEqual(cycle([users[1]!, users[2]!, users[0]!]), ['users/a.yaml:10 Managers form a cycle: a@x.io → c@x.io → b@x.io → a@x.io.']);
  });

  test('a user whose chain runs into a cycle found before is not reported again', () => {
    const users = [user('a@x.io', 'b@x.io', 'u.yaml', 1), user('b@x.io', 'a@x.io', 'u.yaml', 4), user('t@x.io', 'a@x.io', 'u.yaml', 7), user('s@x.io', 't@x.io', 'u.yaml', 10)];
    assert.deepEqual(cycle(users), ['u.yaml:2 Managers form a cycle: a@x.io → b@x.io → a@x.io.']);
  });
});
