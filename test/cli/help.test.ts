// The built binary answers --help quickly, without loading the Genesys SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('--help lists every command and exits 0', () => {
  const run = spawnSync(process.execPath, ['bin/provision.js', '--help'], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  for (const command of ['validate', 'plan', 'apply', 'sandbox', 'export', 'permissions']) {
    assert.match(run.stdout, new RegExp(`\\b${command}\\b`));
  }
});

test('--help does not load the SDK', () => {
  const run = spawnSync(process.execPath, ['--import', './dist/test/support/sdk-probe.js', 'bin/provision.js', '--help'], { encoding: 'utf8' });
  assert.equal(run.status, 0);
  assert.doesNotMatch(run.stderr, /SDK-LOADED/);
});
