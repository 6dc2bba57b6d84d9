// One fixture per bad input: each must report its stable code at the exact line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { defaultConfig, loadDesired, validateDesired } from '../../src/desired/index.js';

interface Case {
  fixture: string;
  code: string;
  severity?: 'error' | 'warning';
  /** Reported file when it is not the fixture itself. */
  file?: string;
  line?: number;
  column?: number;
  /** Working directory to run from (the repository root by default), relative to the fixture. */
  cwd?: string;
  /** Path to load, relative to `cwd`, when it is not the fixture itself. */
  path?: string;
}

const DIR = 'test/fixtures/invalid';

const cases: Case[] = [
  { fixture: 'yaml-syntax.yaml', code: 'yaml-syntax', line: 5, column: 1 },
  { fixture: 'tab-indent.yaml', code: 'yaml-syntax', line: 2, column: 1 },
  { fixture: 'duplicate-key.yaml', code: 'duplicate-key', line: 5, column: 5 },
  { fixture: 'unknown-field.yaml', code: 'unknown-field', line: 4, column: 5 },
  { fixture: 'defaults-unknown-field.yaml', code: 'unknown-field', line: 2, column: 3 },
  { fixture: 'unknown-top-level.yaml', code: 'unknown-field', line: 1, column: 1 },
  { fixture: 'missing-field.yaml', code: 'missing-field', line: 2, column: 5 },
  { fixture: 'not-a-list.yaml', code: 'schema-type', line: 2, column: 3 },
  { fixture: 'schema-type.yaml', code: 'schema-type', line: 4, column: 13 },
  { fixture: 'schema-enum.yaml', code: 'schema-enum', line: 4, column: 12 },
  { fixture: 'proficiency-range.yaml', code: 'proficiency-range', line: 6, column: 7 },
  { fixture: 'proficiency-range.csv', code: 'proficiency-range', line: 2, column: 40 },
  { fixture: 'invalid-email.yaml', code: 'invalid-email', line: 2, column: 12 },
  { fixture: 'invalid-phone.yaml', code: 'invalid-phone', line: 5, column: 13 },
  { fixture: 'invalid-date.yaml', code: 'invalid-date', line: 5, column: 17 },
  { fixture: 'duplicate-name.yaml', code: 'duplicate-name', line: 7, column: 9 },
  { fixture: 'duplicate-email', code: 'duplicate-email', file: `${DIR}/duplicate-email/b.csv`, line: 3, column: 1 },
  { fixture: 'manager-self.yaml', code: 'manager-self', line: 4, column: 14 },
  { fixture: 'manager-cycle.yaml', code: 'manager-cycle', line: 4, column: 14 },
  { fixture: 'manager-undeclared.yaml', code: 'manager-undeclared', severity: 'warning', line: 4, column: 14 },
  { fixture: 'plaintext-password.yaml', code: 'plaintext-password', line: 4, column: 5 },
  { fixture: 'plaintext-password.csv', code: 'plaintext-password', line: 1, column: 12 },
  { fixture: 'forbidden-key.yaml', code: 'forbidden-key', line: 5, column: 7 },
  { fixture: 'alias-bomb.yaml', code: 'yaml-alias-bomb', line: 2, column: 8 },
  { fixture: 'binary-file.csv', code: 'binary-file', line: 1, column: 1 },
  { fixture: 'unknown-column.csv', code: 'unknown-column', line: 1, column: 12 },
  { fixture: 'missing-column.csv', code: 'missing-column', line: 1, column: 1 },
  { fixture: 'csv-syntax.csv', code: 'csv-syntax', line: 3, column: 19 },
  { fixture: 'invalid-none.csv', code: 'invalid-none', line: 2, column: 30 },
  { fixture: 'role-divisions-conflict.yaml', code: 'role-divisions-conflict', line: 5, column: 9 },
  { fixture: 'other-email-primary.yaml', code: 'other-email-primary', line: 6, column: 13 },
  { fixture: 'other-email-primary.csv', code: 'other-email-primary', line: 2, column: 28 },
  { fixture: 'duplicate-other-email.yaml', code: 'duplicate-other-email', line: 4, column: 50 },
  { fixture: 'language-proficiency.yaml', code: 'proficiency-range', line: 6, column: 7 },
  { fixture: 'employee-type.yaml', code: 'schema-enum', line: 5, column: 21 },
  { fixture: 'no-users.yaml', code: 'no-users' },
  { fixture: 'empty-folder', code: 'empty-folder' },
  { fixture: 'skipped-file', code: 'skipped-file', severity: 'warning', file: `${DIR}/skipped-file/.old-team.yaml` },
  // The link's target is inside the repository but outside the working directory the case runs from.
  { fixture: 'symlink-outside', cwd: 'repo', path: 'users', code: 'symlink-outside', file: 'users/b.yaml' },
  { fixture: 'symlink-loop', code: 'symlink-loop', file: `${DIR}/symlink-loop/again` },
  { fixture: 'symlink-broken', code: 'symlink-broken', file: `${DIR}/symlink-broken/b.yaml` },
  { fixture: 'alias-cycle.yaml', code: 'yaml-alias-cycle', line: 4, column: 40 },
  { fixture: 'value-too-long.yaml', code: 'value-too-long', line: 4, column: 12 },
  { fixture: 'empty-extension.yaml', code: 'empty-extension', line: 5, column: 13 },
  { fixture: 'capacity-range.yaml', code: 'capacity-range', line: 6, column: 32 },
  { fixture: 'capacity-range.csv', code: 'capacity-range', line: 2, column: 37 },
  { fixture: 'unknown-media-type.yaml', code: 'unknown-media-type', line: 6, column: 7 },
  { fixture: 'interruptable-media-type.yaml', code: 'unknown-media-type', line: 5, column: 67 },
  { fixture: 'voicemail-timeout.yaml', code: 'voicemail-timeout-range', line: 6, column: 28 },
  { fixture: 'voicemail-timeout.csv', code: 'voicemail-timeout-range', line: 2, column: 30 },
  { fixture: 'utilization-value.yaml', code: 'utilization-value', line: 4, column: 18 },
  { fixture: 'former-email-self.yaml', code: 'former-email-self', line: 4, column: 36 },
  { fixture: 'former-email-self.csv', code: 'former-email-self', line: 2, column: 44 },
  { fixture: 'duplicate-former-email.yaml', code: 'duplicate-former-email', line: 6, column: 9 },
  { fixture: 'former-email-declared', code: 'former-email-declared', file: `${DIR}/former-email-declared/a.yaml`, line: 6, column: 9 },
  { fixture: 'former-email-claimed', code: 'former-email-claimed', file: `${DIR}/former-email-claimed/b.csv`, line: 2, column: 51 },
  { fixture: 'webrtc-phone-inactive.yaml', code: 'webrtc-phone-inactive', line: 5, column: 18 },
  { fixture: 'webrtc-phone-inactive.csv', code: 'webrtc-phone-inactive', line: 2, column: 39 },
  { fixture: 'webrtc-phone-value.yaml', code: 'webrtc-phone-value', line: 4, column: 18 },
  { fixture: 'webrtc-phone-missing-base.yaml', code: 'missing-field', line: 4, column: 18 },
  { fixture: 'webrtc-phone-none.csv', code: 'webrtc-phone-none', line: 2, column: 32 },
  { fixture: 'webrtc-phone-missing-base.csv', code: 'missing-field', line: 2, column: 52 },
];

for (const c of cases) {
  test(`${c.fixture} → ${c.code}${c.line ? ` at ${c.line}:${c.column}` : ''}`, async () => {
    const cwd = c.cwd ? `${DIR}/${c.fixture}/${c.cwd}` : undefined;
    const path = c.path ?? `${DIR}/${c.fixture}`;
    const state = await loadDesired([path], defaultConfig('.'), cwd ? { cwd: resolve(cwd) } : {});
    const found = state.issues.filter((i) => i.code === c.code);
    assert.equal(found.length, 1, `expected one ${c.code}, got ${JSON.stringify(state.issues)}`);
    const issue = found[0]!;
    assert.equal(issue.severity, c.severity ?? 'error');
    assert.equal(issue.file, c.file ?? path);
    assert.equal(issue.line, c.line);
    assert.equal(issue.column, c.column);
    assert.ok(issue.message.length > 0);
    if (issue.severity === 'error') assert.ok(state.issues.some((i) => i.severity === 'error'));
  });
}

test('an unknown field suggests the closest field name', async () => {
  const state = await loadDesired([`${DIR}/unknown-field.yaml`], defaultConfig('.'));
  assert.equal(state.issues[0]?.hint, 'Did you mean "skills"?');
});

test('invalid users are left out, valid ones kept', async () => {
  const state = await loadDesired([`${DIR}/duplicate-email`], defaultConfig('.'));
  assert.deepEqual(
    state.users.map((u) => u.email),
    ['nina.berg@acme.com', 'ola.lind@acme.com'],
  );
});

test('unreadable and unparseable files are listed in failedFiles', async () => {
  const state = await loadDesired([`${DIR}/yaml-syntax.yaml`, `${DIR}/binary-file.csv`, `${DIR}/alias-bomb.yaml`, `${DIR}/unknown-field.yaml`], defaultConfig('.'));
  assert.deepEqual(state.failedFiles, [`${DIR}/alias-bomb.yaml`, `${DIR}/binary-file.csv`, `${DIR}/yaml-syntax.yaml`]);
});

test('former emails across files: validate (in worker threads) reports what plan does, at the same positions', async () => {
  for (const fixture of ['former-email-declared', 'former-email-claimed']) {
    const config = defaultConfig('.');
    const loaded = await loadDesired([`${DIR}/${fixture}`], config);
    const validated = await validateDesired([`${DIR}/${fixture}`], config, { workers: 1, mainThreadChecks: false });
    assert.deepEqual(validated.issues, loaded.issues);
    assert.ok(loaded.issues.some((i) => i.code.startsWith('former-email-')));
  }
});
