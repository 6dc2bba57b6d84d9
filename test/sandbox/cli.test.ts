// `provision sandbox`: prints the variables, serves the API, stops cleanly on SIGTERM; bad options fail clearly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';

test('provision sandbox prints where it runs, answers, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['bin/provision.js', 'sandbox', '--port', '0', '--seed', 'test/sandbox/fixtures/seed.yaml'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  // Ready once it prints its variables (or gone): no deadline a slow machine could miss.
  const ready = new Promise<void>((resolve) => {
    child.stdout.on('data', () => /GENESYS_CLIENT_SECRET=/.test(stdout) && resolve());
    child.on('exit', () => resolve());
  });
  try {
    await ready;
    const url = /GENESYS_ENVIRONMENT=(\S+)/.exec(stdout)?.[1];
    assert.match(String(url), /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(stdout, /GENESYS_CLIENT_ID=sandbox-client/);
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });
    assert.equal(token.status, 200);
    assert.match(stderr, /Fixture Org/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
  assert.match(stderr, /stopped/);
});

test('bad options fail with a code and a hint, no stack trace', () => {
  const cases: [string[], RegExp][] = [
    [['--faults', 'boom:1'], /invalid-faults/],
    [['--seed', 'test/sandbox/fixtures/bad-unknown-skill.yaml'], /invalid-seed .*Billng/],
    [['--port', 'abc'], /invalid-option/],
  ];
  for (const [args, message] of cases) {
    const run = spawnSync(process.execPath, ['bin/provision.js', 'sandbox', ...args], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(run.status, 1, args.join(' '));
    assert.match(run.stderr, message);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
    assert.equal(run.stdout, '');
  }
});
