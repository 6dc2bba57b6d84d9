// Several sandbox orgs behind one URL: `provision sandbox --orgs` through the binary, and each org reached through the SDK by its own client only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { parseOrgNames } from '../../src/cli/sandbox-orgs.js';
import { connect } from '../../src/genesys/index.js';
import { tokenClientId } from '../../src/sandbox/multi.js';
import { startSandboxOrgs } from '../../src/sandbox/index.js';

const BIN = join(resolve('.'), 'bin', 'provision.js');

test('the token request names its client by HTTP Basic first, else by the form', () => {
  assert.equal(tokenClientId(`Basic ${Buffer.from('prod-client:s3cret').toString('base64')}`, 'client_id=other'), 'prod-client');
  assert.equal(tokenClientId(undefined, 'grant_type=client_credentials&client_id=test-client&client_secret=x'), 'test-client');
  assert.equal(tokenClientId(undefined, 'grant_type=client_credentials'), undefined);
});

test('--orgs takes distinct org names only', () => {
  assert.deepEqual(parseOrgNames('test, prod'), ['test', 'prod']);
  for (const bad of ['', 'Test', 'test,test', 'a b']) assert.throws(() => parseOrgNames(bad), /not a list of org names/);
});

test('each org answers its own client through the SDK, at one URL; client ids may not be shared', async () => {
  const region = await startSandboxOrgs([
    { name: 'test', seed: { org: { name: 'Acme Test' }, users: [{ email: 'tess@acme.com', name: 'Tess' }] }, clients: [{ id: 'test-client', secret: 'a' }] },
    { name: 'prod', seed: { org: { name: 'Acme Production' }, users: [{ email: 'pete@acme.com', name: 'Pete' }] }, clients: [{ id: 'prod-client', secret: 'b' }] },
  ]);
  try {
    const read = async (clientId: string, clientSecret: string) => {
      const conn = await connect({ environment: region.url, clientId, clientSecret, requestsPerMinute: 100_000 });
      const org = await conn.reader.readOrg({ emails: [], queueNames: [], roles: false });
      return { name: org.target.orgName, emails: org.users.map((u) => u.email) };
    };
    assert.deepEqual(await read('test-client', 'a'), { name: 'Acme Test', emails: ['tess@acme.com'] });
    assert.deepEqual(await read('prod-client', 'b'), { name: 'Acme Production', emails: ['pete@acme.com'] });
    await assert.rejects(read('prod-client', 'a'), 'a secret of another org\'s client is refused');
    assert.notEqual(region.orgs[0]!.org.id, region.orgs[1]!.org.id);
  } finally {
    await region.stop();
  }
  await assert.rejects(startSandboxOrgs([{ name: 'a', clients: [{ id: 'same', secret: 'x' }] }, { name: 'b', clients: [{ id: 'same', secret: 'y' }] }]), /client ids must differ/);
});

test('provision sandbox --orgs test,prod prints each org and its variables, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [BIN, 'sandbox', '--orgs', 'test,prod'], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  // Ready once both streams have said everything: the variables (stdout) and the orgs: lines (stderr).
  const ready = new Promise<void>((resolveReady) => {
    const check = (): void => {
      if (stderr.includes('Every org at') && stdout.includes('GENESYS_PROD_CLIENT_SECRET')) resolveReady();
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      check();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
  });
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  try {
    await ready;
    assert.match(stdout, /^export GENESYS_TEST_CLIENT_ID=test-client\nexport GENESYS_TEST_CLIENT_SECRET=test-sandbox-secret\nexport GENESYS_PROD_CLIENT_ID=prod-client\n/);
    assert.match(stderr, /Sandbox org test: "[^"]+ \(test\)" \(id [0-9a-f-]+/);
    assert.match(stderr, /environment: http:\/\/127\.0\.0\.1:\d+\norgs:\n {2}test:\n {4}credentials: \{ clientId: GENESYS_TEST_CLIENT_ID/);
  } finally {
    child.kill('SIGTERM');
  }
  assert.equal(await exited, 0);
  assert.match(stderr, /Sandbox stopped after \d+ requests\./);
});
