// Validate on several threads reads exactly as on one: the same issues in the same order, files, failed files, digest and count of users as loadDesired, whichever thread checked a file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { defaultConfig, loadDesired, validateDesired } from '../../src/desired/index.js';
import type { ValidateOptions } from '../../src/desired/index.js';
import { checkFile } from '../../src/desired/check.js';
import { findFiles, readUsersFile } from '../../src/desired/files.js';
import { THREADS_MIN_BYTES, checkFilesInThreads, member, workersFor } from '../../src/desired/threads.js';
import type { ProvisionConfig } from '../../src/model/index.js';

/** loadDesired's answer, and validateDesired's in each way of spreading the files, must agree in every field. */
async function assertSameEverywhere(paths: string[], config: ProvisionConfig, cwd?: string): Promise<void> {
  const loaded = await loadDesired(paths, config, { cwd });
  const expected = { files: loaded.files, failedFiles: loaded.failedFiles, issues: loaded.issues, digest: loaded.digest, userCount: loaded.users.length };
  const ways: [string, ValidateOptions][] = [
    ['main thread only', { workers: 0 }],
    ['workers only', { workers: 2, mainThreadChecks: false }],
    ['main thread and a worker', { workers: 1 }],
  ];
  for (const [way, options] of ways) {
    const validated = await validateDesired(paths, config, { ...options, cwd });
    assert.deepEqual(validated, expected, `${paths.join(' ')}: ${way}`);
  }
}

describe('every fixture reads the same on the main thread and in workers', () => {
  const invalid = 'test/fixtures/invalid';
  const cases = [
    ...readdirSync(invalid).map((name) => `${invalid}/${name}`),
    ...readdirSync('test/fixtures/csv').map((name) => `test/fixtures/csv/${name}`),
    'test/fixtures/other-emails.yaml',
    'users',
  ];
  for (const fixture of cases) {
    test(fixture, async () => {
      await assertSameEverywhere([fixture], defaultConfig('.'));
    });
  }
  test('with a phone region', async () => {
    await assertSameEverywhere(['users', `${invalid}/invalid-phone.yaml`], { ...defaultConfig('.'), phoneRegion: 'GB' });
  });
});

/** Files whose problems cross files: managers in other files (a cycle, undeclared, oneself), duplicates, broken defaults, the exact YAML path, CSV. */
const FILES: Record<string, string> = {
  'a.yaml': [
    'defaults:',
    '  division: Support',
    'users:',
    '  - email: ada@acme.com',
    '    name: Ada',
    '    manager: bo@acme.com',
    '  - email: self@acme.com',
    '    name: Self',
    '    manager: SELF@acme.com',
    '  - email: far@acme.com',
    '    name: Far',
    '    manager: nobody@acme.com',
    '    phones:',
    '      work: "+1 317 555 0100 x12"',
    '      mobile: "12"',
    '',
  ].join('\n'),
  'b.yaml': ['users:', '  - email: bo@acme.com', '    name: Bo', '    manager: cy@acme.com', '  - email: Ada@acme.com', '    name: Ada Again', ''].join('\n'),
  // Broken defaults: reported once, the users checked on their own fields.
  'c.yaml': ['defaults:', '  skills: {Billing: 9}', 'users:', '  - email: cy@acme.com', '    name: Cy', '    manager: ada@acme.com', '    queues: [Support, support]', ''].join('\n'),
  // An anchor sends the file down the exact path; its positions come from eemeli/yaml.
  'd.yaml': ['users:', '  - &dee', '    email: dee@acme.com', '    name: Dee', '    manager: dee@acme.com', '    roles: [employee, Employee]', ''].join('\n'),
  'e.csv': ['email,name,manager', 'eve@acme.com,Eve,eve@acme.com', 'bo@acme.com,Bo Twice,', ''].join('\n'),
  'f.yaml': ['users:', '  - email: fay@acme.com', '    name: Fay', '    title: [not, text]', '    manager: fay@acme.com', ''].join('\n'),
  'g.yaml': 'users:\n  - email: [broken\n',
};

describe('problems across files read the same however the files were spread', () => {
  test('cycles, oneself, undeclared managers, duplicates, broken defaults, exact YAML and CSV', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-threads-'));
    try {
      for (const [name, text] of Object.entries(FILES)) writeFileSync(path.join(dir, name), text);
      await assertSameEverywhere(['.'], defaultConfig(dir), dir);
      // The fixtures do not pass by being empty: each kind of problem is there.
      const codes = new Set((await validateDesired(['.'], defaultConfig(dir), { cwd: dir, workers: 2, mainThreadChecks: false })).issues.map((i) => i.code));
      for (const code of ['manager-cycle', 'manager-self', 'manager-undeclared', 'duplicate-email', 'duplicate-name', 'proficiency-range', 'invalid-phone', 'schema-type', 'yaml-syntax']) {
        assert.ok(codes.has(code), `${code} in ${[...codes].join(', ')}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a worker that fails', () => {
  test('leaves its files to the main thread, which checks them as it would have', async () => {
    const { files } = await findFiles(['users', 'test/fixtures/invalid/manager-cycle.yaml'], process.cwd());
    // A heap far too small to load the checks: the worker stops with ERR_WORKER_OUT_OF_MEMORY.
    const checked = await checkFilesInThreads(files, undefined, { workers: 1, main: false, resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    assert.equal(checked.length, files.length);
    for (const [i, file] of files.entries()) {
      const r = await readUsersFile(file);
      assert.deepEqual(checked[i]!.check, checkFile(r, undefined, new Map(), member(i)), file.display);
      assert.deepEqual(checked[i]!.bytes, r.bytes);
    }
  });
});

describe('how many workers', () => {
  const big = THREADS_MIN_BYTES * 10;
  test('none for small inputs or a single file', () => {
    assert.equal(workersFor(THREADS_MIN_BYTES - 1, 50, { cores: 8, load: 0 }), 0);
    assert.equal(workersFor(big, 1, { cores: 8, load: 0 }), 0);
  });
  test('one per idle core besides the main thread, at most three, at most one per file after the first', () => {
    assert.equal(workersFor(big, 50, { cores: 2, load: 0.2 }), 1);
    assert.equal(workersFor(big, 50, { cores: 2, load: 1.1 }), 1);
    assert.equal(workersFor(big, 50, { cores: 1, load: 0 }), 0);
    assert.equal(workersFor(big, 50, { cores: 16, load: 1 }), 3);
    assert.equal(workersFor(big, 3, { cores: 16, load: 0 }), 2);
  });
  test('none when other processes keep the cores busy', () => {
    assert.equal(workersFor(big, 50, { cores: 2, load: 1.6 }), 0);
    assert.equal(workersFor(big, 50, { cores: 2, load: 9 }), 0);
    assert.equal(workersFor(big, 50, { cores: 8, load: 6 }), 2);
  });
  test('the machine itself by default', () => {
    const n = workersFor(big, 50);
    assert.ok(n >= 0 && n <= Math.min(availableParallelism() - 1, 3), String(n));
  });
});
