// `provision init` through the built binary: what it writes, what it refuses to overwrite, and the next steps it prints.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const REPO = resolve('.');
const BIN = join(REPO, 'bin', 'provision.js');
const WRITTEN = ['provision.yaml', 'users/example.yaml', '.github/workflows/provision-plan.yml', '.github/workflows/provision-apply.yml', '.github/workflows/provision-drift.yml', '.gitignore'];

function provision(cwd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS')) delete env[name];
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'provision-init-'));
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(dir, rel), 'utf8');
    }
  };
  walk('');
  return out;
}

describe('provision init', () => {
  test('in an empty folder: writes the config, an example, .gitignore entries and the three workflows; validate passes', () => {
    const dir = folder();
    try {
      const run = provision(dir, ['init']);
      assert.equal(run.status, 0, run.stderr);
      for (const file of WRITTEN) assert.ok(existsSync(join(dir, file)), `${file} written`);
      assert.deepEqual(Object.keys(snapshot(dir)).sort(), [...WRITTEN].sort(), 'nothing else is written');
      assert.match(readFileSync(join(dir, 'users/example.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\S+\/schemas\/users\.schema\.json\n/);
      assert.match(readFileSync(join(dir, 'provision.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\S+\/schemas\/config\.schema\.json\n/);
      assert.deepEqual(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#')), ['node_modules/', '.provision/']);
      const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
      for (const name of ['plan', 'apply', 'drift']) {
        const workflow = readFileSync(join(dir, `.github/workflows/provision-${name}.yml`), 'utf8');
        assert.doesNotMatch(workflow, /__[A-Z_]+__/, 'every placeholder is filled');
        assert.match(workflow, new RegExp(`uses: genesys-provision/provision@v${version.replace(/\./g, '\\.')}\\n`));
        assert.ok(parse(workflow), 'the workflow is YAML');
      }
      const validate = provision(dir, ['validate']);
      assert.equal(validate.status, 0, validate.stdout + validate.stderr);
      assert.match(validate.stdout, /3 valid users in 1 file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('prints the next steps with exactly the permissions `provision permissions` lists for the users written', () => {
    const dir = folder();
    try {
      const run = provision(dir, ['init', '--environment', 'mypurecloud.ie']);
      assert.equal(run.status, 0, run.stderr);
      const permissions = provision(dir, ['permissions']);
      assert.equal(permissions.status, 0);
      const indented = permissions.stdout.trimEnd().split('\n').map((line) => (line === '' ? '' : `   ${line}`)).join('\n');
      assert.ok(run.stdout.includes(indented), 'the permissions, as `provision permissions` prints them');
      for (const needed of ['GENESYS_PLAN_CLIENT_ID', 'GENESYS_PLAN_CLIENT_SECRET', 'GENESYS_APPLY_CLIENT_ID', 'GENESYS_APPLY_CLIENT_SECRET', 'GENESYS_ENVIRONMENT = mypurecloud.ie', '"production"', 'status check "Validate and plan"', 'CODEOWNERS']) {
        assert.ok(run.stdout.includes(needed), `the next steps name ${needed}`);
      }
      assert.match(readFileSync(join(dir, 'provision.yaml'), 'utf8'), /^environment: mypurecloud\.ie$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('in a folder with files: lists every file it would overwrite, writes nothing, exits 1; --force overwrites', () => {
    const dir = folder();
    try {
      mkdirSync(join(dir, '.github/workflows'), { recursive: true });
      writeFileSync(join(dir, 'provision.yaml'), 'usersDir: users\n');
      writeFileSync(join(dir, '.github/workflows/provision-plan.yml'), 'name: mine\n');
      writeFileSync(join(dir, 'README.md'), '# our users\n');
      const before = snapshot(dir);
      const run = provision(dir, ['init']);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^provision\.yaml error file-exists +provision\.yaml already exists and would be overwritten\.$/m);
      assert.match(run.stderr, /^\.github\/workflows\/provision-plan\.yml error file-exists/m);
      assert.match(run.stderr, /error init-would-overwrite +2 of the files init writes already exist; nothing was written\./);
      assert.match(run.stderr, /hint: Pass --force/);
      assert.doesNotMatch(run.stderr, /at .*\.js:\d+/, 'no stack trace');
      assert.deepEqual(snapshot(dir), before, 'nothing was written');

      const forced = provision(dir, ['init', '--force']);
      assert.equal(forced.status, 0, forced.stderr);
      assert.match(forced.stdout, /^overwrote +provision\.yaml$/m);
      assert.match(forced.stdout, /^wrote +users\/example\.yaml$/m);
      assert.notEqual(readFileSync(join(dir, '.github/workflows/provision-plan.yml'), 'utf8'), 'name: mine\n');
      assert.equal(readFileSync(join(dir, 'README.md'), 'utf8'), '# our users\n', 'files init does not write are left alone');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('keeps an existing .gitignore and users files: adds only the missing entries, writes no example', () => {
    const dir = folder();
    try {
      writeFileSync(join(dir, '.gitignore'), 'node_modules\n*.log');
      mkdirSync(join(dir, 'people'));
      writeFileSync(join(dir, 'people/team.yaml'), 'users:\n  - email: a.b@example.com\n    name: A B\n');
      const run = provision(dir, ['init', '--users-dir', 'people']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(readFileSync(join(dir, '.gitignore'), 'utf8'), 'node_modules\n*.log\n\n# provision: dependencies and the local sandbox org\n.provision/\n');
      assert.equal(existsSync(join(dir, 'people/example.yaml')), false);
      assert.match(run.stdout, /kept +people\/ \(1 users file already there\): no example written/);
      assert.match(readFileSync(join(dir, 'provision.yaml'), 'utf8'), /^usersDir: people$/m);
      assert.match(readFileSync(join(dir, '.github/workflows/provision-apply.yml'), 'utf8'), /- "people\/\*\*"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('--from-org --sandbox writes the org\'s users, split by division, instead of the example', () => {
    const dir = folder();
    try {
      const run = provision(dir, ['init', '--from-org', '--sandbox']);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(existsSync(join(dir, 'users/example.yaml')), false);
      const files = readdirSync(join(dir, 'users')).filter((f) => f.endsWith('.yaml'));
      assert.ok(files.length >= 1, 'users files written');
      assert.match(run.stdout, /^wrote +users\/\S+\.yaml +\(\d+ users? from the org\)$/m);
      const validate = provision(dir, ['validate']);
      assert.equal(validate.status, 0, validate.stdout + validate.stderr);
      assert.match(run.stdout, /Review the users exported to users\//);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const bad: [string, string[], RegExp][] = [
    ['a users folder outside the repository', ['--users-dir', '../elsewhere'], /error invalid-users-dir/],
    ['an absolute users folder', ['--users-dir', '/tmp/users'], /error invalid-users-dir/],
    ['an environment that is not a host', ['--environment', 'my org'], /error invalid-environment/],
    ['--sandbox without --from-org', ['--sandbox'], /error sandbox-without-from-org/],
    ['an action that is not owner/name@ref', ['--action', 'provision'], /error invalid-action/],
    ['a branch that is not a name', ['--branch', 'main; rm -rf /'], /error invalid-branch/],
  ];
  for (const [what, args, expected] of bad) {
    test(`refuses ${what}, writing nothing`, () => {
      const dir = folder();
      try {
        const run = provision(dir, ['init', ...args]);
        assert.equal(run.status, 1);
        assert.match(run.stderr, expected);
        assert.match(run.stderr, /hint: /);
        assert.deepEqual(readdirSync(dir), []);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
