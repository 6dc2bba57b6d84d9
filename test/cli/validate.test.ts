// `provision validate` through the built binary: exit codes, the three formats, colour rules, config handling.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

function run(args: string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/provision.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the example users/ is valid: exit 0 and a closing count line', () => {
  const r = run(['validate']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '✔ No problems: 25 valid users in 3 files.\n');
});

test('warnings alone still exit 0', () => {
  const r = run(['validate', 'test/fixtures/invalid/manager-undeclared.yaml']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /4:14 +warning +The manager someone\.else@acme\.com/);
});

test('errors exit 1 and are grouped per file, paths relative to the working directory', () => {
  const r = run(['validate', 'test/fixtures/invalid/unknown-field.yaml', 'test/fixtures/invalid/manager-cycle.yaml']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^test\/fixtures\/invalid\/manager-cycle\.yaml\n {2}4:14 +error +Managers form a cycle: .* +manager-cycle\n/m);
  assert.match(r.stdout, /^test\/fixtures\/invalid\/unknown-field\.yaml\n {2}4:5 +error +Unknown field "skils"\. +unknown-field\n +hint: Did you mean "skills"\?/m);
  assert.match(r.stdout, /✖ 2 errors, 0 warnings; 3 valid users in 2 files\.\n$/);
  assert.equal(r.stderr, '');
});

test('--format json prints only the JSON array', () => {
  const r = run(['validate', '--format', 'json', 'test/fixtures/invalid/duplicate-email']);
  assert.equal(r.status, 1);
  assert.deepEqual(JSON.parse(r.stdout), [
    {
      file: 'test/fixtures/invalid/duplicate-email/b.csv',
      line: 3,
      column: 1,
      severity: 'error',
      code: 'duplicate-email',
      message: 'nina.berg@acme.com is declared twice: here and at test/fixtures/invalid/duplicate-email/a.yaml:2:5.',
      hint: 'Each user is declared once, in one file (emails are compared without regard to case).',
    },
  ]);
});

test('--format github prints workflow commands', () => {
  const r = run(['validate', '--format', 'github', 'test/fixtures/invalid/proficiency-range.yaml']);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /^::error file=test\/fixtures\/invalid\/proficiency-range\.yaml,line=6,col=7,title=proficiency-range::The proficiency of skill "Escalations" is the number 6; it must be a number from 0 to 5\.%0Ahint: /);
  assert.equal(r.stdout.trim().split('\n').length, 1);
});

test('an unknown format is refused by the option parser', () => {
  const r = run(['validate', '--format', 'xml']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /xml/);
});

test('colour only when forced, never with NO_COLOR or --no-color', () => {
  const args = ['validate', 'test/fixtures/invalid/unknown-field.yaml'];
  const ESC = '\u001b[';
  assert.ok(run(args, { FORCE_COLOR: '1' }).stdout.includes(ESC));
  assert.ok(!run(args, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout.includes(ESC));
  assert.ok(!run(['--no-color', ...args], { FORCE_COLOR: '1' }).stdout.includes(ESC));
  assert.ok(!run(args).stdout.includes(ESC));
});

test('an explicit --config that does not exist is an error; the default one may be absent', () => {
  const r = run(['--config', 'test/fixtures/nope.yaml', 'validate']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /config-not-found/);
  const ok = run(['--config', 'provision.yaml', 'validate', 'users']);
  assert.equal(ok.status, 0);
});

test('hostile inputs end in a clean error, never a stack trace', () => {
  const r = run(['validate', 'test/fixtures/invalid/alias-bomb.yaml', 'test/fixtures/invalid/binary-file.csv', 'test/fixtures/invalid/forbidden-key.yaml', 'test/fixtures/invalid/empty-folder']);
  assert.equal(r.status, 1);
  assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
  for (const code of ['yaml-alias-bomb', 'binary-file', 'forbidden-key', 'empty-folder']) assert.match(r.stdout, new RegExp(code));
});

test('validate does not load the Genesys SDK', () => {
  const r = spawnSync(process.execPath, ['--import', './dist/test/support/sdk-probe.js', 'bin/provision.js', 'validate'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.doesNotMatch(r.stderr, /SDK-LOADED/);
});
