// `provision sandbox --permissions`, and seeds that declare clients with roles: least-privilege clients over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSeed } from '../../src/sandbox/seed-file.js';

/** Runs `provision sandbox` with `args` until it prints its variables, gives `fn` its URL, then stops it. */
async function withSandboxCommand(args: string[], fn: (url: string, stderr: string) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, ['bin/provision.js', 'sandbox', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
    assert.ok(url, `the sandbox started:\n${stderr}`);
    await fn(url, stderr);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
}

async function tokenFor(url: string, id: string, secret: string): Promise<string> {
  const answer = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  assert.equal(answer.status, 200);
  return ((await answer.json()) as { access_token: string }).access_token;
}

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

test('provision sandbox --permissions: an apply and a plan client holding what provision permissions --all lists', async () => {
  await withSandboxCommand(['--permissions', '--seed', 'test/sandbox/fixtures/seed.yaml'], async (url, stderr) => {
    assert.match(stderr, /Permission mode/);
    assert.match(stderr, /client sandbox-client: provision apply: \d+ permissions in \*/);
    assert.match(stderr, /client sandbox-plan-client \(secret sandbox-plan-secret\): provision plan: \d+ permissions in \*/);
    const plan = await tokenFor(url, 'sandbox-plan-client', 'sandbox-plan-secret');
    assert.equal((await call(url, plan, 'GET', '/api/v2/routing/skills')).status, 200);
    const refused = await call(url, plan, 'POST', '/api/v2/users', { name: 'New Person', email: 'new.person@acme.com' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'missing.any.permissions');
    assert.match(String(refused.body.message), /\[directory:user:add\]/);
    const apply = await tokenFor(url, 'sandbox-client', 'sandbox-secret');
    assert.equal((await call(url, apply, 'POST', '/api/v2/users', { name: 'New Person', email: 'new.person@acme.com' })).status, 200);
  });
});

test('a seed declares clients with roles: permission mode is on, and a client scoped to a division sees that division only', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'provision-seed-clients-'));
  try {
    const seed = join(dir, 'seed.yaml');
    writeFileSync(
      seed,
      `divisions: [{ name: Home, home: true }, Support]
users:
  - { email: ola.lind@acme.com, name: Ola Lind, division: Support }
  - { email: nina.berg@acme.com, name: Nina Berg }
clients:
  - id: support-reader
    secret: support-reader-secret
    roles:
      - { permissions: ["directory:user:view"], divisions: [Support] }
`,
    );
    await withSandboxCommand(['--seed', seed], async (url, stderr) => {
      assert.match(stderr, /Permission mode/);
      assert.doesNotMatch(stderr, /support-reader-secret/, "a seed's secrets are not echoed in the log");
      const token = await tokenFor(url, 'support-reader', 'support-reader-secret');
      const users = await call(url, token, 'GET', '/api/v2/users');
      assert.deepEqual((users.body.entities as { email: string }[]).map((u) => u.email), ['ola.lind@acme.com']);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('seed clients are checked: credentials required, roles as permission lists, permissions and divisions that exist', async () => {
  await assert.rejects(parseSeed('clients: [{ id: x }]', 'seed.yaml'), /clients\[0\]: a client needs an id and a secret/);
  await assert.rejects(parseSeed('clients: [{ id: x, secret: y, roles: [{ permissions: routing }] }]', 'seed.yaml'), /each role needs a list of permissions/);
  const dir = mkdtempSync(join(tmpdir(), 'provision-seed-clients-'));
  try {
    const seed = join(dir, 'seed.yaml');
    writeFileSync(seed, 'clients:\n  - { id: x, secret: y, roles: [{ permissions: ["routing:queue"] }] }\n');
    const run = spawnSync(process.execPath, ['bin/provision.js', 'sandbox', '--port', '0', '--seed', seed], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /invalid-seed .*"routing:queue" is not domain:entity:action/);
    assert.doesNotMatch(run.stderr, /\n\s+at /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
