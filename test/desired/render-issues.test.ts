// The issue renderers behind `provision validate --format human|json|github`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Issue } from '../../src/model/index.js';
import { escapeGithubData, escapeGithubProperty, renderIssuesGithub, renderIssuesHuman, renderIssuesJson, summaryLine } from '../../src/render/issues.js';

const issues: Issue[] = [
  { severity: 'error', code: 'unknown-field', message: 'Unknown field "skils".', hint: 'Did you mean "skills"?', file: 'users/a.yaml', line: 4, column: 5 },
  { severity: 'warning', code: 'manager-undeclared', message: 'The manager x@acme.com is not declared.', file: 'users/a.yaml', line: 12, column: 14 },
  { severity: 'error', code: 'csv-syntax', message: 'Quote Not Closed: 100% broken,\nreally', file: 'users/b,c.csv', line: 3, column: 1 },
  { severity: 'error', code: 'no-users', message: 'No users.' },
];

test('human: grouped per file, hints under the issue, a closing count line', () => {
  assert.equal(
    renderIssuesHuman(issues, { users: 2, files: 2 }),
    [
      'users/a.yaml',
      '  4:5    error    Unknown field "skils".  unknown-field',
      '         hint: Did you mean "skills"?',
      '  12:14  warning  The manager x@acme.com is not declared.  manager-undeclared',
      '',
      'users/b,c.csv',
      '  3:1  error    Quote Not Closed: 100% broken,\\u000areally  csv-syntax',
      '',
      '(general)',
      '    error    No users.  no-users',
      '',
      '✖ 3 errors, 1 warning; 2 valid users in 2 files.',
      '',
    ].join('\n'),
  );
});

test('human: nothing to report', () => {
  assert.equal(renderIssuesHuman([], { users: 25, files: 3 }), '✔ No problems: 25 valid users in 3 files.\n');
  assert.equal(summaryLine([issues[1]!], { users: 1, files: 1 }), '⚠ 0 errors, 1 warning; 1 valid user in 1 file.');
});

test('json: every key present, null when absent', () => {
  const rows = JSON.parse(renderIssuesJson(issues)) as Record<string, unknown>[];
  assert.deepEqual(rows[3], { file: null, line: null, column: null, severity: 'error', code: 'no-users', message: 'No users.', hint: null });
  assert.deepEqual(Object.keys(rows[0]!), ['file', 'line', 'column', 'severity', 'code', 'message', 'hint']);
  assert.equal(renderIssuesJson([]), '[]\n');
});

test('github: workflow commands with escaped data and properties', () => {
  assert.equal(
    renderIssuesGithub(issues),
    [
      '::error file=users/a.yaml,line=4,col=5,title=unknown-field::Unknown field "skils".%0Ahint: Did you mean "skills"?',
      '::warning file=users/a.yaml,line=12,col=14,title=manager-undeclared::The manager x@acme.com is not declared.',
      '::error file=users/b%2Cc.csv,line=3,col=1,title=csv-syntax::Quote Not Closed: 100%25 broken,%0Areally',
      '::error title=no-users::No users.',
      '',
    ].join('\n'),
  );
  assert.equal(escapeGithubData('a%b\r\nc'), 'a%25b%0D%0Ac');
  assert.equal(escapeGithubProperty('a:b,c'), 'a%3Ab%2Cc');
});
