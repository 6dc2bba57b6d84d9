// Hostile input: huge files, binary data, alias bombs and empty folders end in an issue, never a crash or a hang.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Issue } from '../../src/model/index.js';
import { MAX_FILE_BYTES, MAX_INPUT_BYTES, defaultConfig, loadDesired } from '../../src/desired/index.js';

const brief = (issues: readonly Issue[]): [string, string, string | undefined][] => issues.map((i) => [i.severity, i.code, i.file]);

function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'provision-guards-'));
}

test('a 50 MB file is refused before it is read', async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'huge.yaml');
    const fd = openSync(file, 'w');
    ftruncateSync(fd, 50 * 1024 * 1024);
    closeSync(fd);
    const state = await loadDesired([file], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(state.issues.map((i) => [i.code, i.file]), [['file-too-large', 'huge.yaml']]);
    assert.deepEqual(state.failedFiles, ['huge.yaml']);
    assert.ok(MAX_FILE_BYTES < 50 * 1024 * 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid UTF-8 without NUL bytes is a binary file too', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'latin1.csv'), Buffer.from('email,name\nj\xe9r\xf4me@acme.com,J\xe9r\xf4me\n', 'latin1'));
    const state = await loadDesired([dir], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(state.issues.map((i) => i.code), ['binary-file']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// A bomb that were expanded would never finish: the timeout turns that hang into a failure (speed is for benchmarks).
test('a deep alias bomb is refused with yaml-alias-bomb, never expanded', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  try {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 30; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    lines.push('users: [*a29]');
    writeFileSync(path.join(dir, 'bomb.yaml'), `${lines.join('\n')}\n`);
    const state = await loadDesired([dir], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(state.issues.map((i) => i.code), ['yaml-alias-bomb']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('modest anchors and aliases are fine', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'a.yaml'), 'users:\n  - email: a@acme.com\n    name: A\n    queues: &q [Q1, Q2]\n  - email: b@acme.com\n    name: B\n    queues: *q\n');
    const state = await loadDesired([dir], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(state.issues, []);
    assert.deepEqual(state.users[1]?.queues, ['Q1', 'Q2']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('folders are walked recursively in sorted order; other files and dot folders are not read, and each is reported', async () => {
  const dir = tempDir();
  try {
    mkdirSync(path.join(dir, 'b-team'));
    mkdirSync(path.join(dir, '.git'));
    writeFileSync(path.join(dir, 'b-team', 'x.yml'), 'users:\n  - email: x@acme.com\n    name: X\n');
    writeFileSync(path.join(dir, 'a.csv'), 'email,name\ny@acme.com,Y\n');
    writeFileSync(path.join(dir, 'README.md'), '# users\n');
    writeFileSync(path.join(dir, '.git', 'c.yaml'), 'nonsense: [\n');
    const state = await loadDesired(['.'], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(state.files, ['a.csv', 'b-team/x.yml']);
    assert.deepEqual(
      state.issues.map((i) => [i.severity, i.code, i.file]),
      [
        ['warning', 'skipped-file', '.git'],
        ['warning', 'skipped-file', 'README.md'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing path and a non-users file are reported', async () => {
  const dir = tempDir();
  try {
    writeFileSync(path.join(dir, 'notes.txt'), 'hi');
    const state = await loadDesired(['nope', 'notes.txt'], defaultConfig(dir), { cwd: dir });
    assert.deepEqual(state.issues.map((i) => [i.code, i.file]), [['path-not-found', 'nope'], ['unsupported-file-type', 'notes.txt']]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the total input cap', () => {
  test('users files together larger than the cap are refused before any is read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
    try {
      // Sparse files: each under the per-file cap, together over the total cap; no disk is used.
      const count = Math.floor(MAX_INPUT_BYTES / (MAX_FILE_BYTES - 1)) + 1;
      for (let i = 0; i < count; i++) {
        const fd = openSync(path.join(dir, `team-${i}.yaml`), 'w');
        ftruncateSync(fd, MAX_FILE_BYTES - 1);
        closeSync(fd);
      }
      const state = await loadDesired(['.'], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(brief(state.issues), [['error', 'input-too-large', '.']]);
      assert.match(state.issues[0]!.message, /MB/);
      assert.equal(state.failedFiles.length, count);
      assert.deepEqual(state.users, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file over the per-file cap is file-too-large and does not count towards the total', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
    try {
      const fd = openSync(path.join(dir, 'huge.yaml'), 'w');
      ftruncateSync(fd, MAX_INPUT_BYTES + 1);
      closeSync(fd);
      writeFileSync(path.join(dir, 'a.yaml'), 'users:\n  - email: a@acme.com\n    name: A\n');
      const state = await loadDesired(['.'], defaultConfig(dir), { cwd: dir });
      assert.deepEqual(brief(state.issues), [['error', 'file-too-large', 'huge.yaml']]);
      assert.deepEqual(state.users.map((u) => u.email), ['a@acme.com']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
