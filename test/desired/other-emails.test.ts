// Other emails and extension-only lines in YAML and CSV: read to the same users, each fact at its line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';

const config = defaultConfig('.');

test('YAML and CSV say the same other emails and extension lines, emails normalised, positions kept', async () => {
  const yaml = await loadDesired(['test/fixtures/other-emails.yaml'], config);
  const csv = await loadDesired(['test/fixtures/csv/other-emails.csv'], config);
  for (const state of [yaml, csv]) {
    assert.deepEqual(state.issues, []);
    const [nina, ola] = state.users;
    assert.deepEqual(nina?.otherEmails, [
      { type: 'work', address: 'nina.b@partner.example' },
      { type: 'home', address: 'nina@example.com' },
    ]);
    assert.deepEqual(nina?.phones, [
      { type: 'work', number: '+13175550120', extension: '120', mediaType: 'PHONE' },
      { type: 'work2', extension: '4411', mediaType: 'PHONE' },
    ]);
    assert.equal(ola?.phones, undefined);
  }
  assert.deepEqual(yaml.users[1]?.otherEmails, [], 'an empty map means none');
  assert.equal(csv.users[1]?.otherEmails, undefined, 'empty cells leave other emails unmanaged');
  assert.deepEqual(yaml.users[0]?.at['otherEmails/home'], { file: 'test/fixtures/other-emails.yaml', line: 9, column: 13 });
  assert.deepEqual(csv.users[0]?.at['otherEmails/work'], { file: 'test/fixtures/csv/other-emails.csv', line: 2, column: 57 });
});

test('"-" cannot remove one other email in CSV', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-other-emails-'));
  try {
    writeFileSync(path.join(dir, 'x.csv'), 'email,name,otherEmail_home\nnina.berg@acme.com,Nina Berg,-\n');
    const state = await loadDesired([path.join(dir, 'x.csv')], config);
    assert.deepEqual(state.issues.map((i) => [i.code, i.line, i.column]), [['invalid-none', 2, 30]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
