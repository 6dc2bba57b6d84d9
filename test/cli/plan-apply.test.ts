// `provision plan` and `provision apply` through the built binary, against a sandbox over HTTP: exit codes, files, refusals, secrets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../src/model/index.js';
import { verifyChecksum } from '../../src/plan/index.js';
import { demoSeed, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const SECRET = 'cli-test-secret-7f3a9c';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the binary asynchronously (the sandbox answers from this process) in `cwd`, without a TTY. */
function run(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(clean)) if (name.startsWith('GENESYS')) delete clean[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** A repository of our own: provision.yaml, users/ and schemas/ copied from the example. */
function workspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-cli-'));
  for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  return dir;
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe('plan and apply against a sandbox named by GENESYS_* variables', () => {
  let dir: string;
  let sb: RunningSandbox;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = workspace();
    sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [{ id: 'cli-client', secret: SECRET }] });
    env = { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'cli-client', GENESYS_CLIENT_SECRET: SECRET };
  });
  after(async () => {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const liveUsers = (): number => sb.org.listUsers('any').length;

  it('plans: exit 2 with --detailed-exitcode, the same plan on stdout and in --out, Markdown in --markdown-file', async () => {
    const r = await run(dir, ['plan', '--detailed-exitcode', '--format', 'json', '--out', 'plan.json', '--markdown-file', 'plan.md'], env);
    assert.equal(r.status, 2, explain(r));
    const printed = JSON.parse(r.stdout) as Plan;
    const saved = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Plan;
    assert.deepEqual(printed, saved);
    assert.ok(verifyChecksum(saved));
    assert.equal(saved.summary.create, 4);
    assert.match(readFileSync(path.join(dir, 'plan.md'), 'utf8'), /sofia\.rossi@acme\.com/);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET));
  });

  it('plans in text by default, exit 0 without --detailed-exitcode', async () => {
    const r = await run(dir, ['plan'], env);
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stdout, /^Plan: 4 to create, 7 to update, 1 to restore, 0 to deactivate\./m);
    assert.match(r.stderr, /Connecting to sandbox http:\/\/127\.0\.0\.1:\d+/);
  });

  it('refuses to apply without a terminal or --auto-approve, and writes nothing', async () => {
    const writes = (): number => sb.requests.filter((q) => q.method !== 'GET' && !q.path.startsWith('/oauth') && q.path !== '/api/v2/users/search').length;
    const before = writes();
    const r = await run(dir, ['apply'], env);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error approval-required {2}Refusing to apply without approval/);
    assert.equal(writes(), before, 'no write reached the org');
  });

  it('refuses a saved plan edited after planning', async () => {
    const file = path.join(dir, 'edited.json');
    writeFileSync(file, readFileSync(path.join(dir, 'plan.json'), 'utf8').replace('"Sofia Rossi"', '"Sofia Ross"'));
    const r = await run(dir, ['apply', 'edited.json', '--auto-approve'], env);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error plan-checksum-mismatch/);
  });

  it('refuses a saved plan that is not a plan, with its file and position', async () => {
    writeFileSync(path.join(dir, 'broken.json'), '{"formatVersion": 1,');
    const r = await run(dir, ['apply', 'broken.json', '--auto-approve'], env);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error plan-invalid {2}broken\.json:1:1 is not a plan/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });

  it('applies the saved plan, journals every operation without secrets, and --verify finds nothing left', async () => {
    const users = liveUsers();
    const r = await run(dir, ['apply', 'plan.json', '--auto-approve', '--journal', 'journal.jsonl', '--verify'], env);
    assert.equal(r.status, 0, explain(r));
    assert.match(r.stdout, /Apply complete: 4 created, 7 updated, 1 restored, 0 deactivated, 0 failed\./);
    assert.match(r.stdout, /Verified: planning again finds no changes\./);
    assert.equal(liveUsers(), users + 4);
    const journal = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
    const records = journal.trim().split('\n').map((line) => JSON.parse(line) as { email: string; outcome: string });
    assert.ok(records.length >= 12);
    assert.ok(records.every((x) => x.outcome === 'ok'), journal);
    assert.doesNotMatch(journal + r.stdout + r.stderr, new RegExp(SECRET));
    assert.doesNotMatch(journal, /Bearer/);

    const again = await run(dir, ['plan', '--detailed-exitcode'], env);
    assert.equal(again.status, 0, explain(again));
    assert.match(again.stdout, /No changes\. The org matches users\//);
  });

  it('applies a stale saved plan again without duplicates: what is done stays done', async () => {
    const users = liveUsers();
    const r = await run(dir, ['apply', 'plan.json', '--auto-approve', '--journal', 'again.jsonl'], env);
    assert.equal(r.status, 0, explain(r));
    assert.equal(liveUsers(), users, 'no user created twice');
    const outcomes = new Set(readFileSync(path.join(dir, 'again.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { outcome: string }).outcome));
    assert.ok(outcomes.has('already-done'), [...outcomes].join(', '));
    assert.match(r.stdout, /^ {2}[1-9]\d* of these users were already as planned/m);
  });

  it('a blocked plan exits 3, and apply writes nothing without --allow-unsafe', async () => {
    const config = path.join(dir, 'provision.yaml');
    const original = readFileSync(config, 'utf8');
    writeFileSync(config, original.replace('prune: false', 'prune: true').replace('maxDeactivations: 10', 'maxDeactivations: 0'));
    try {
      const plan = await run(dir, ['plan', '--detailed-exitcode'], env);
      assert.equal(plan.status, 3, explain(plan));
      assert.match(plan.stdout, /temp\.agent@acme\.com/);
      const apply = await run(dir, ['apply', '--auto-approve'], env);
      assert.equal(apply.status, 3, explain(apply));
      assert.match(apply.stderr, /error plan-blocked/);
      assert.equal(sb.org.liveUserByEmail('temp.agent@acme.com')?.state, 'active');
    } finally {
      writeFileSync(config, original);
    }
  });

  it('names a skill the org lacks with its position and a suggestion, and makes no plan', async () => {
    const file = path.join(dir, 'users/support.yaml');
    const original = readFileSync(file, 'utf8');
    assert.match(original, /Billing: /);
    writeFileSync(file, original.replace('Billing: ', 'Billng: '));
    try {
      const r = await run(dir, ['plan', '--out', 'unresolved.json'], env);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /users\/support\.yaml:\d+:\d+ error unknown-skill {2}.*"Billng".*Billing/);
      assert.match(r.stderr, /error unresolved-references/);
      assert.ok(!existsSync(path.join(dir, 'unresolved.json')), 'no plan file');
    } finally {
      writeFileSync(file, original);
    }
  });

  it('wrong credentials: a clean error that names neither the secret nor a token', async () => {
    const wrong = 'wrong-secret-0a1b2c3d';
    const r = await run(dir, ['plan'], { ...env, GENESYS_CLIENT_SECRET: wrong });
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /^error \S+/m);
    assert.doesNotMatch(r.stdout + r.stderr, new RegExp(`${wrong}|${SECRET}`));
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
});

describe('plan before any network call', () => {
  let dir: string;
  before(() => {
    dir = workspace();
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('without credentials: says which variables to set and offers --sandbox', async () => {
    const r = await run(dir, ['plan']);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error missing-credentials {2}GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET are not set\./);
    assert.match(r.stderr, /--sandbox/);
  });

  it('invalid users/: every problem with file:line:column, and no connection attempted', async () => {
    writeFileSync(path.join(dir, 'users/zz-bad.yaml'), 'users:\n  - email: not-an-email\n    name: Bad\n');
    try {
      // An environment nobody listens on: reaching it would fail differently.
      const r = await run(dir, ['plan'], { GENESYS_ENVIRONMENT: 'http://127.0.0.1:9', GENESYS_CLIENT_ID: 'x', GENESYS_CLIENT_SECRET: 'y' });
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /users\/zz-bad\.yaml:2:\d+ error \S+/);
      assert.match(r.stderr, /error invalid-users {2}users\/ has 1 error: no plan was made\./);
      assert.doesNotMatch(r.stderr, /Connecting/);
    } finally {
      rmSync(path.join(dir, 'users/zz-bad.yaml'));
    }
  });

  it('a --config file that does not exist is an error, not the defaults', async () => {
    const r = await run(dir, ['--config', 'missing.yaml', 'plan', '--sandbox']);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /missing\.yaml/);
  });

  it('a corrupt sandbox state file is a clear error that says how to start over', async () => {
    mkdirSync(path.join(dir, '.provision'), { recursive: true });
    writeFileSync(path.join(dir, '.provision/sandbox-org.json'), '{"users": [');
    try {
      const r = await run(dir, ['plan', '--sandbox']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error sandbox-state-invalid {2}The sandbox org in \.provision\/sandbox-org\.json cannot be loaded/);
      assert.match(r.stderr, /hint: Delete \.provision\/sandbox-org\.json/);
    } finally {
      rmSync(path.join(dir, '.provision'), { recursive: true, force: true });
    }
  });

  it('--sandbox keeps its org between runs: plan, apply, plan converges', async () => {
    const first = await run(dir, ['plan', '--sandbox', '--detailed-exitcode']);
    assert.equal(first.status, 2, explain(first));
    const apply = await run(dir, ['apply', '--sandbox', '--auto-approve']);
    assert.equal(apply.status, 0, explain(apply));
    const second = await run(dir, ['plan', '--sandbox', '--detailed-exitcode']);
    assert.equal(second.status, 0, explain(second));
    assert.ok(existsSync(path.join(dir, '.provision/sandbox-org.json')));
  });
});
