// Every problem of a user in one run (issue 15, item 8), each reported once, and the limits Genesys enforces (item 9).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';

describe('every problem at once', () => {
  const text = [
    'users:',
    '  - email: nina.berg@acme.com',
    '    name: Nina Berg',
    '    manager: nina.berg@acme.com',
    '    phones:',
    '      work: "+1 317 555"',
    '    skills:',
    '      Billing: 6',
    '',
  ].join('\n');

  test('a bad proficiency, a bad phone and a self-manager are reported together, once each', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
    try {
      writeFileSync(path.join(dir, 'all.yaml'), text);
      const state = await loadDesired(['all.yaml'], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(
        state.issues.map((i) => [i.code, i.line, i.column]),
        [
          ['manager-self', 4, 14],
          ['invalid-phone', 6, 13],
          ['proficiency-range', 8, 7],
        ],
      );
      assert.deepEqual(state.users, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a value that fails the schema is not reported again by the later checks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
    try {
      writeFileSync(path.join(dir, 'one.yaml'), 'users:\n  - email: a@acme.com\n    name: A\n    manager: not-an-email\n    phones:\n      work: 5\n    queues: [Q, Q, 7]\n');
      const state = await loadDesired(['one.yaml'], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(
        state.issues.map((i) => [i.code, i.line, i.column]),
        [
          ['invalid-email', 4, 14],
          ['schema-type', 6, 13],
          ['duplicate-name', 7, 17],
          ['schema-type', 7, 20],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('an unknown key inside a map leaves the rest of the map to be checked', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
  try {
    writeFileSync(path.join(dir, 'u.yaml'), 'users:\n  - email: a@acme.com\n    name: A\n    phones:\n      fax: "+1 317 555 0100"\n      work: "+1 317 555"\n');
    const state = await loadDesired(['u.yaml'], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(
      state.issues.map((i) => [i.code, i.line]),
      [
        ['unknown-field', 5],
        ['invalid-phone', 6],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
