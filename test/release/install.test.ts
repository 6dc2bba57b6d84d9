// The release as a user gets it: `npm pack`, installed into an empty folder without dev dependencies, then used there.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO = resolve('.');
const PACKAGE = 'genesys-provision';

interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a terminal; no GENESYS_* variable of the developer's shell leaks in. */
function sh(command: string, args: string[], cwd: string, timeoutMs = 120_000): Ran {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS') || name.startsWith('npm_')) delete env[name];
  const run = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: timeoutMs });
  if (run.error) throw run.error;
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

function show(ran: Ran): string {
  return `exit ${ran.status}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;
}

let root: string;
let tarball: string;
let consumer: string;
let install: Ran;

describe('the packed release', { timeout: 600_000 }, () => {
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'provision-release-'));
    // The suite has just built dist/ (npm test builds first); --ignore-scripts keeps `prepack` from
    // rebuilding it under the other test files. That `prepack` makes the release build is checked below.
    const packed = sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', root], REPO);
    assert.equal(packed.status, 0, show(packed));
    const [info] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    assert.ok(info, 'npm pack described the tarball');
    tarball = join(root, info.filename);
    consumer = join(root, 'consumer');
    mkdirSync(consumer);
    // Installed once here, not by a test: the tests below each read the installed package, none depends on another.
    writeFileSync(join(consumer, 'package.json'), `${JSON.stringify({ name: 'org-users', private: true }, null, 2)}\n`);
    // --prefer-offline: the packages npm ci fetched for this repository are in npm's cache already.
    install = sh('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer, 480_000);
  });

  after(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('package.json is ready to publish: a public name, a bin, prebuilt files, a release build before packing', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.name, PACKAGE);
    assert.equal(manifest.private, undefined, 'a private package cannot be published');
    assert.match(String(manifest.version), /^\d+\.\d+\.\d+$/);
    assert.deepEqual(manifest.bin, { provision: 'bin/provision.js' });
    const scripts = manifest.scripts as Record<string, string>;
    assert.equal(scripts.prepack, 'npm run build:release');
    assert.match(scripts['build:release'] ?? '', /tsc -p tsconfig\.release\.json/);
    // Installing the tarball must not compile anything: `prepare` builds only in a clone.
    assert.equal(scripts.install, undefined);
    assert.equal(scripts.postinstall, undefined);
    assert.equal(scripts.preinstall, undefined);
  });

  test('the tarball holds the prebuilt CLI, the schemas and the templates, and no sources or tests', () => {
    const list = sh('tar', ['-tzf', tarball], root);
    assert.equal(list.status, 0, show(list));
    const files = list.stdout.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    for (const needed of ['package.json', 'README.md', 'bin/provision.js', 'dist/src/cli/main.js', 'dist/schemas/users.schema.json', 'schemas/users.schema.json', 'schemas/config.schema.json', 'templates/provision.yaml', 'templates/users/example.yaml', 'templates/workflows/provision-plan.yml']) {
      assert.ok(files.includes(needed), `${needed} is in the tarball`);
    }
    assert.deepEqual(files.filter((f) => f.endsWith('.ts') || f.startsWith('src/') || f.startsWith('test/') || f.startsWith('dist/test/') || f.startsWith('users/')), []);
  });

  test('installs from the tarball with production dependencies only, and runs from there', () => {
    assert.equal(install.status, 0, show(install));
    const installed = join(consumer, 'node_modules', PACKAGE);
    assert.ok(existsSync(join(installed, 'dist/src/cli/main.js')));
    for (const dev of ['typescript', 'eslint', '@types/node', '@action-validator/cli']) {
      assert.equal(existsSync(join(consumer, 'node_modules', dev)), false, `${dev} is a dev dependency and was not installed`);
    }

    const help = sh('npx', ['provision', '--help'], consumer);
    assert.equal(help.status, 0, show(help));
    for (const command of ['validate', 'plan', 'apply', 'export', 'permissions', 'sandbox']) assert.match(help.stdout, new RegExp(`^\\s+${command}\\b`, 'm'));
    const version = sh('npx', ['provision', '--version'], consumer);
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    assert.equal(version.stdout.trim(), manifest.version);
  });

  test('init, validate, then plan, apply and plan again against the sandbox, from the installed package', () => {
    assert.equal(install.status, 0, show(install));
    const init = sh('npx', ['provision', 'init'], consumer);
    assert.equal(init.status, 0, show(init));
    // The editor finds the schema installed with the package.
    const example = readFileSync(join(consumer, 'users/example.yaml'), 'utf8');
    assert.match(example, /^# yaml-language-server: \$schema=\.\.\/node_modules\/genesys-provision\/schemas\/users\.schema\.json\n/);
    assert.ok(existsSync(join(consumer, 'node_modules/genesys-provision/schemas/users.schema.json')));
    assert.match(readFileSync(join(consumer, 'provision.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\/node_modules\/genesys-provision\/schemas\/config\.schema\.json\n/);
    const validate = sh('npx', ['provision', 'validate'], consumer);
    assert.equal(validate.status, 0, show(validate));

    const plan = sh('npx', ['provision', 'plan', '--sandbox', '--detailed-exitcode'], consumer);
    assert.equal(plan.status, 2, show(plan));
    assert.match(plan.stdout, /Plan: 1 to create/);
    const apply = sh('npx', ['provision', 'apply', '--sandbox', '--auto-approve'], consumer);
    assert.equal(apply.status, 0, show(apply));
    assert.match(apply.stdout, /Apply complete: \d+ created/);
    const again = sh('npx', ['provision', 'plan', '--sandbox', '--detailed-exitcode'], consumer);
    assert.equal(again.status, 0, show(again));
    assert.match(again.stdout, /No changes/);
  });
});
