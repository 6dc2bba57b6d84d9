// `environment:` in provision.yaml cannot send the credentials anywhere: through the CLI, with a sandbox that counts every request.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoSeed, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const CLIENT = { id: 'env-client', secret: 'env-secret-8d21f0' };

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(clean)) if (name.startsWith('GENESYS') || name === 'CI') delete clean[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
    });
  });
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr.slice(-3000)}`;

describe('environment in provision.yaml', () => {
  let dir: string;
  let sb: RunningSandbox;
  const credentials = { GENESYS_CLIENT_ID: CLIENT.id, GENESYS_CLIENT_SECRET: CLIENT.secret };

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'provision-env-'));
    for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [CLIENT] });
    // 0.0.0.0 is not a loopback address, yet Linux connects to it locally: it stands for "another server" that
    // this test can still observe. Whatever reaches the sandbox shows up in sb.requests.
    const config = path.join(dir, 'provision.yaml');
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^environment: .*$/m, `environment: http://0.0.0.0:${sb.port}`));
  });
  after(async () => {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const command of [['plan'], ['apply', '--auto-approve'], ['export', '--out', 'exported']]) {
    it(`${command[0]}: a server that is neither a region nor loopback is refused before anything is sent`, async () => {
      const seen = sb.requests.length;
      const r = await run(dir, command, credentials);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error environment-not-allowed {2}environment in provision\.yaml "http:\/\/0\.0\.0\.0:\d+" is neither a Genesys Cloud region nor a loopback address/);
      assert.match(r.stderr, /hint: .*mypurecloud\.ie.*--allow-custom-environment/);
      assert.doesNotMatch(r.stderr, /Connecting/);
      assert.equal(sb.requests.length, seen, 'no request reached the server');
      assert.doesNotMatch(r.stdout + r.stderr, new RegExp(CLIENT.secret));
    });
  }

  it('--allow-custom-environment sends them there on purpose, outside CI', async () => {
    const seen = sb.requests.length;
    const r = await run(dir, ['--allow-custom-environment', 'plan'], credentials);
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stderr, /Connecting to custom server http:\/\/0\.0\.0\.0:\d+/);
    assert.ok(sb.requests.length > seen, 'the plan read the org there');
  });

  it('CI=true refuses it even with --allow-custom-environment', async () => {
    const seen = sb.requests.length;
    const r = await run(dir, ['--allow-custom-environment', 'plan'], { ...credentials, CI: 'true' });
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error environment-not-allowed .*CI=true/);
    assert.equal(sb.requests.length, seen, 'no request reached the server');
  });

  it('GENESYS_ENVIRONMENT set to the loopback sandbox wins, in CI too', async () => {
    const r = await run(dir, ['plan'], { ...credentials, GENESYS_ENVIRONMENT: `http://localhost:${sb.port}`, CI: 'true' });
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stderr, /Connecting to sandbox http:\/\/localhost:\d+/);
  });
});
