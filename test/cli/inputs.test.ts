// Hostile and careless inputs through the built binary (issue 15, items 4–9): what `validate` and `plan --sandbox` say.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { closeSync, cpSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Issue, Plan } from '../../src/model/index.js';
import { MAX_FILE_BYTES, MAX_INPUT_BYTES } from '../../src/desired/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the binary in `cwd`, without a TTY and without Genesys credentials. */
function run(cwd: string, args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS')) delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** `validate --format json`: the issues, which must be the whole of stdout. */
async function validateJson(cwd: string, paths: string[]): Promise<{ status: number; issues: Issue[] }> {
  const r = await run(cwd, ['validate', '--format', 'json', ...paths]);
  assert.doesNotMatch(r.stderr, /internal/, explain(r));
  return { status: r.status, issues: JSON.parse(r.stdout) as Issue[] };
}

const where = (issues: readonly Issue[]): string[] => issues.map((i) => `${i.file ?? ''}:${i.line ?? ''}:${i.column ?? ''} ${i.severity} ${i.code}`);

/** A repository of our own: provision.yaml, users/ and schemas/ copied from the example; `outside/` next to it. */
function workspace(prune = false): { top: string; dir: string } {
  const top = mkdtempSync(path.join(tmpdir(), 'provision-inputs-cli-'));
  const dir = path.join(top, 'repo');
  mkdirSync(dir);
  for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  if (prune) {
    const config = path.join(dir, 'provision.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace('prune: false', 'prune: true'));
  }
  return { top, dir };
}

/** A fresh workspace for one test, removed after it: no test sees another's files. */
async function inWorkspace(fn: (top: string, dir: string) => Promise<void>): Promise<void> {
  const { top, dir } = workspace();
  try {
    await fn(top, dir);
  } finally {
    rmSync(top, { recursive: true, force: true });
  }
}

describe('validate', () => {
  it('follows a link inside the repository, refuses one out of it, and names every skipped entry', () =>
    inWorkspace(async (top, dir) => {
      mkdirSync(path.join(dir, 'shared'));
      renameSync(path.join(dir, 'users/contractors.csv'), path.join(dir, 'shared/contractors.csv'));
      symlinkSync('../shared/contractors.csv', path.join(dir, 'users/contractors.csv'));
      const ok = await run(dir, ['validate']);
      assert.equal(ok.status, 0, explain(ok));
      assert.equal(ok.stdout, '✔ No problems: 25 valid users in 3 files.\n');

      mkdirSync(path.join(top, 'outside'));
      writeFileSync(path.join(top, 'outside/extra.yaml'), 'users:\n  - email: extra@acme.com\n    name: Extra\n');
      symlinkSync('../../outside/extra.yaml', path.join(dir, 'users/extra.yaml'));
      writeFileSync(path.join(dir, 'users/.draft.yaml'), 'users:\n  - email: draft@acme.com\n    name: Draft\n');
      writeFileSync(path.join(dir, 'users/notes.txt'), 'notes\n');
      const { status, issues } = await validateJson(dir, []);
      assert.equal(status, 1);
      assert.deepEqual(where(issues), ['users/.draft.yaml:: warning skipped-file', 'users/extra.yaml:: error symlink-outside', 'users/notes.txt:: warning skipped-file']);
    }));

  it('a self-referential alias is a positioned yaml-alias-cycle, in JSON too', () =>
    inWorkspace(async (top, dir) => {
      writeFileSync(path.join(dir, 'cycle.yaml'), 'users:\n  - email: a@acme.com\n    name: &x [ *x ]\n');
      const { status, issues } = await validateJson(dir, ['cycle.yaml']);
      assert.equal(status, 1);
      assert.deepEqual(where(issues), ['cycle.yaml:3:16 error yaml-alias-cycle']);
      const human = await run(dir, ['validate', 'cycle.yaml']);
      assert.match(human.stdout, /3:16 +error +.*yaml-alias-cycle/);
      assert.doesNotMatch(human.stdout + human.stderr, /Maximum call stack|internal/);
    }));

  it('an unclosed quote in a 1,000-line CSV is reported where it opens', () =>
    inWorkspace(async (top, dir) => {
      const rows = ['email,name,title'];
      for (let line = 2; line <= 1000; line++) rows.push(line === 7 ? 'u7@acme.com,"Nina Berg,Agent' : `u${line}@acme.com,User ${line},Agent`);
      writeFileSync(path.join(dir, 'big.csv'), `${rows.join('\n')}\n`);
      const { status, issues } = await validateJson(dir, ['big.csv']);
      assert.equal(status, 1);
      assert.deepEqual(where(issues), ['big.csv:7:13 error csv-syntax']);
    }));

  it('every problem of a user in one run', () =>
    inWorkspace(async (top, dir) => {
      writeFileSync(
        path.join(dir, 'all.yaml'),
        'users:\n  - email: nina.berg@acme.com\n    name: Nina Berg\n    manager: nina.berg@acme.com\n    phones:\n      work: "+1 317 555"\n    skills:\n      Billing: 6\n',
      );
      const { issues } = await validateJson(dir, ['all.yaml']);
      assert.deepEqual(where(issues), ['all.yaml:4:14 error manager-self', 'all.yaml:6:13 error invalid-phone', 'all.yaml:8:7 error proficiency-range']);
    }));

  it('limits Genesys enforces: long values and empty extensions', () =>
    inWorkspace(async (top, dir) => {
      writeFileSync(
        path.join(dir, 'limits.yaml'),
        `users:\n  - email: a@acme.com\n    name: A\n    department: ${'D'.repeat(300)}\n    phones:\n      work: "+1 317 555 0100 x"\n`,
      );
      const { issues } = await validateJson(dir, ['limits.yaml']);
      assert.deepEqual(where(issues), ['limits.yaml:4:17 error value-too-long', 'limits.yaml:6:13 error empty-extension']);
    }));

  it('users files together over the input cap: one clear error with the size and the cap', () =>
    inWorkspace(async (top, dir) => {
      const big = path.join(dir, 'big');
      mkdirSync(big);
      const count = Math.floor(MAX_INPUT_BYTES / (MAX_FILE_BYTES - 1)) + 1;
      for (let i = 0; i < count; i++) {
        const fd = openSync(path.join(big, `team-${i}.yaml`), 'w');
        ftruncateSync(fd, MAX_FILE_BYTES - 1);
        closeSync(fd);
      }
      const r = await run(dir, ['validate', 'big']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stdout, /error +The users files come to \d+\.\d MB; provision reads at most 50 MB at once\. +input-too-large/);
    }));
});

describe('plan --sandbox with scope.prune on', () => {
  /** The plan's deactivations, or the error output when no plan was made. */
  async function plan(dir: string): Promise<{ r: Run; deactivated?: string[] }> {
    const r = await run(dir, ['plan', '--sandbox', '--format', 'json']);
    if (!r.stdout.trim().startsWith('{')) return { r };
    const planned = JSON.parse(r.stdout) as Plan;
    return { r, deactivated: planned.changes.filter((c) => c.action === 'deactivate').map((c) => c.email) };
  }

  it('a users file linked from inside the repository is read: its users are not deactivated', async () => {
    const { top, dir } = workspace(true);
    try {
      mkdirSync(path.join(dir, 'shared'));
      renameSync(path.join(dir, 'users/contractors.csv'), path.join(dir, 'shared/contractors.csv'));
      symlinkSync('../shared/contractors.csv', path.join(dir, 'users/contractors.csv'));
      const { r, deactivated } = await plan(dir);
      assert.ok(deactivated, explain(r));
      assert.deepEqual(
        deactivated.filter((e) => e.endsWith('@partners.acme.com')),
        [],
        explain(r),
      );
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('a hidden users file stops the plan instead of deactivating its users', async () => {
    const { top, dir } = workspace(true);
    try {
      renameSync(path.join(dir, 'users/contractors.csv'), path.join(dir, 'users/.contractors.csv'));
      const { r, deactivated } = await plan(dir);
      assert.equal(deactivated, undefined, explain(r));
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /users\/\.contractors\.csv error skipped-file/);
      assert.match(r.stderr, /error invalid-users/);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });

  it('a link out of the repository stops the plan', async () => {
    const { top, dir } = workspace(true);
    try {
      mkdirSync(path.join(top, 'outside'));
      renameSync(path.join(dir, 'users/contractors.csv'), path.join(top, 'outside/contractors.csv'));
      symlinkSync('../../outside/contractors.csv', path.join(dir, 'users/contractors.csv'));
      const { r, deactivated } = await plan(dir);
      assert.equal(deactivated, undefined, explain(r));
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /users\/contractors\.csv error symlink-outside/);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
});
