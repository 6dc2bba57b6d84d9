// Start-up loads what the command needs: --help, --version and every command's --help load commander and the declarations only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const probe = pathToFileURL(path.join(root, 'dist/test/support/module-probe.js')).href;

/** What `provision` may load before it knows which command runs: src/cli/main.ts's header says why. */
const START_UP = new Set(['package.json', 'bin/provision.js', 'dist/src/cli/main.js', 'dist/src/cli/commands.js', 'dist/src/cli/exit.js', 'dist/src/cli/version.js']);
const HEAVY = ['purecloud-platform-client-v2', 'ajv', 'js-yaml', 'libphonenumber-js'];

/** Runs the built binary with the module probe; the files it loaded, relative to the repository, packages as node_modules/<name>/…. */
function loaded(args: string[]): { status: number | null; stdout: string; files: string[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-startup-'));
  const list = path.join(dir, 'modules.txt');
  try {
    const run = spawnSync(process.execPath, ['--import', probe, path.join(root, 'bin/provision.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MODULE_PROBE_FILE: list, NO_COLOR: '1' },
    });
    const urls = readFileSync(list, 'utf8').split('\n').filter((url) => url.startsWith('file:'));
    const files = [...new Set(urls.map((url) => path.relative(root, fileURLToPath(url)).split(path.sep).join('/')))].sort();
    return { status: run.status, stdout: run.stdout, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const packageOf = (file: string): string | undefined => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

const startUpPaths: [string, string[], number][] = [
  ['--help', ['--help'], 0],
  ['--version', ['--version'], 0],
  ['help plan', ['help', 'plan'], 0],
  ['an unknown command', ['nope'], 1],
  ['an unknown option', ['plan', '--bogus'], 1],
  ...['validate', 'plan', 'apply', 'sandbox', 'export', 'permissions', 'init', 'review', 'review paths', 'review record', 'review compare', 'review approve'].map(
    (command): [string, string[], number] => [`${command} --help`, [...command.split(' '), '--help'], 0],
  ),
];

for (const [name, args, status] of startUpPaths) {
  test(`${name} loads commander and the command declarations only`, () => {
    const run = loaded(args);
    assert.equal(run.status, status);
    assert.deepEqual(HEAVY.filter((name) => run.files.some((file) => packageOf(file) === name)), [], 'a heavy package was loaded');
    const extra = run.files.filter((file) => !START_UP.has(file) && packageOf(file) !== 'commander');
    assert.deepEqual(extra, [], `provision ${args.join(' ')} loaded more than its start-up needs`);
    assert.ok(run.files.includes('node_modules/commander/lib/command.js'), 'the probe sees CommonJS modules');
  });
}

test('validate loads its own room, not the SDK nor the sandbox', () => {
  const run = loaded(['validate', 'users']);
  assert.equal(run.status, 0);
  const packages = new Set(run.files.map(packageOf));
  // The probe sees what an action imports: without these, the start-up assertions above could not fail.
  for (const name of ['js-yaml', 'libphonenumber-js', 'ajv']) assert.ok(packages.has(name), `validate loads ${name}`);
  assert.ok(!packages.has('purecloud-platform-client-v2'), 'validate does not load the SDK');
  assert.deepEqual(run.files.filter((file) => /^dist\/src\/(genesys|sandbox|plan|apply|export)\//.test(file)), []);
});

test('an error inside a lazily loaded action is still reported by main, without a stack trace', () => {
  const run = spawnSync(process.execPath, [path.join(root, 'bin/provision.js'), 'permissions', '--format', 'xml'], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(run.status, 1);
  assert.equal(run.stderr, 'error bad-format  Unknown format "xml".\n    hint: Use --format text or --format json.\n');
});
