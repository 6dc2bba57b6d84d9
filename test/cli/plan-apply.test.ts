// `provision plan` and `provision apply` through the built binary, against a sandbox over HTTP: exit codes, files, refusals, secrets.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
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

/** A workspace of its own and a demo sandbox named by GENESYS_* variables, for one test. */
interface World {
  dir: string;
  sb: RunningSandbox;
  env: NodeJS.ProcessEnv;
  run(args: string[], env?: NodeJS.ProcessEnv): Promise<Run>;
  liveUsers(): number;
}

/** Each test makes what it needs (plan files included) in its own folder and org: none reads another test's files. */
async function withWorld(fn: (w: World) => Promise<void>): Promise<void> {
  const dir = workspace();
  const sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [{ id: 'cli-client', secret: SECRET }] });
  const env = { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'cli-client', GENESYS_CLIENT_SECRET: SECRET };
  try {
    await fn({ dir, sb, env, run: (args, extra = {}) => run(dir, args, { ...env, ...extra }), liveUsers: () => sb.org.listUsers('any').length });
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `plan --out <name>` in the world's folder: the saved plan a later step of the same test applies. */
async function savePlan(w: World, name: string): Promise<void> {
  const r = await w.run(['plan', '--detailed-exitcode', '--out', name]);
  assert.equal(r.status, 2, explain(r));
}

describe('plan and apply against a sandbox named by GENESYS_* variables', () => {
  it('plans: exit 2 with --detailed-exitcode, the same plan on stdout and in --out, Markdown in --markdown-file', () =>
    withWorld(async ({ dir, run }) => {
      const r = await run(['plan', '--detailed-exitcode', '--format', 'json', '--out', 'plan.json', '--markdown-file', 'plan.md']);
      assert.equal(r.status, 2, explain(r));
      const printed = JSON.parse(r.stdout) as Plan;
      const saved = JSON.parse(readFileSync(path.join(dir, 'plan.json'), 'utf8')) as Plan;
      assert.deepEqual(printed, saved);
      assert.ok(verifyChecksum(saved));
      assert.equal(saved.summary.create, 4);
      assert.match(readFileSync(path.join(dir, 'plan.md'), 'utf8'), /sofia\.rossi@acme\.com/);
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temp file left');
      assert.doesNotMatch(r.stdout + r.stderr, new RegExp(SECRET));
    }));

  it('plans in text by default, exit 0 without --detailed-exitcode', () =>
    withWorld(async ({ run }) => {
      const r = await run(['plan']);
      assert.equal(r.status, 0, explain(r));
      assert.match(r.stdout, /^Plan: 4 to create, 7 to update, 1 to restore, 0 to deactivate\./m);
      assert.match(r.stderr, /Connecting to sandbox http:\/\/127\.0\.0\.1:\d+/);
    }));

  it('refuses to apply without a terminal or --auto-approve, and writes nothing', () =>
    withWorld(async ({ sb, run }) => {
      const writes = (): number => sb.requests.filter((q) => q.method !== 'GET' && !q.path.startsWith('/oauth') && q.path !== '/api/v2/users/search').length;
      const before = writes();
      const r = await run(['apply']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error approval-required {2}Refusing to apply without approval/);
      assert.equal(writes(), before, 'no write reached the org');
    }));

  it('refuses a saved plan edited after planning', () =>
    withWorld(async (w) => {
      await savePlan(w, 'plan.json');
      const file = path.join(w.dir, 'edited.json');
      const saved = readFileSync(path.join(w.dir, 'plan.json'), 'utf8');
      assert.match(saved, /"Sofia Rossi"/);
      writeFileSync(file, saved.replace('"Sofia Rossi"', '"Sofia Ross"'));
      const r = await w.run(['apply', 'edited.json', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error plan-checksum-mismatch/);
    }));

  it('refuses a saved plan that is not a plan, with its file and position', () =>
    withWorld(async ({ dir, run }) => {
      writeFileSync(path.join(dir, 'broken.json'), '{"formatVersion": 1,');
      const r = await run(['apply', 'broken.json', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error plan-invalid {2}broken\.json:1:1 is not a plan/);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }));

  it('applies the saved plan, journals every operation without secrets, and --verify finds nothing left', () =>
    withWorld(async (w) => {
      await savePlan(w, 'plan.json');
      const users = w.liveUsers();
      const r = await w.run(['apply', 'plan.json', '--auto-approve', '--journal', 'journal.jsonl', '--verify']);
      assert.equal(r.status, 0, explain(r));
      assert.match(r.stdout, /Apply complete: 4 created, 7 updated, 1 restored, 0 deactivated, 0 failed\./);
      assert.match(r.stdout, /Verified: planning again finds no changes\./);
      assert.equal(w.liveUsers(), users + 4);
      const journal = readFileSync(path.join(w.dir, 'journal.jsonl'), 'utf8');
      const records = journal.trim().split('\n').map((line) => JSON.parse(line) as { email: string; outcome: string });
      assert.ok(records.length >= 12);
      assert.ok(records.every((x) => x.outcome === 'ok'), journal);
      assert.doesNotMatch(journal + r.stdout + r.stderr, new RegExp(SECRET));
      assert.doesNotMatch(journal, /Bearer/);

      const again = await w.run(['plan', '--detailed-exitcode']);
      assert.equal(again.status, 0, explain(again));
      assert.match(again.stdout, /No changes\. The org matches users\//);
    }));

  it('applies a stale saved plan again without duplicates: what is done stays done', () =>
    withWorld(async (w) => {
      await savePlan(w, 'plan.json');
      const first = await w.run(['apply', 'plan.json', '--auto-approve']);
      assert.equal(first.status, 0, explain(first));
      const users = w.liveUsers();
      const r = await w.run(['apply', 'plan.json', '--auto-approve', '--journal', 'again.jsonl']);
      assert.equal(r.status, 0, explain(r));
      assert.equal(w.liveUsers(), users, 'no user created twice');
      const outcomes = new Set(readFileSync(path.join(w.dir, 'again.jsonl'), 'utf8').trim().split('\n').map((line) => (JSON.parse(line) as { outcome: string }).outcome));
      assert.ok(outcomes.has('already-done'), [...outcomes].join(', '));
      assert.match(r.stdout, /^ {2}[1-9]\d* of these users were already as planned/m);
    }));

  it('a blocked plan exits 3, and apply writes nothing without --allow-unsafe', () =>
    withWorld(async ({ dir, sb, run }) => {
      const config = path.join(dir, 'provision.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('prune: false', 'prune: true').replace('maxDeactivations: 10', 'maxDeactivations: 0'));
      const plan = await run(['plan', '--detailed-exitcode']);
      assert.equal(plan.status, 3, explain(plan));
      assert.match(plan.stdout, /temp\.agent@acme\.com/);
      const apply = await run(['apply', '--auto-approve']);
      assert.equal(apply.status, 3, explain(apply));
      assert.match(apply.stderr, /error plan-blocked/);
      assert.equal(sb.org.liveUserByEmail('temp.agent@acme.com')?.state, 'active');
    }));

  it('names a skill the org lacks with its position and a suggestion, and makes no plan', () =>
    withWorld(async ({ dir, run }) => {
      const file = path.join(dir, 'users/support.yaml');
      const original = readFileSync(file, 'utf8');
      assert.match(original, /Billing: /);
      writeFileSync(file, original.replace('Billing: ', 'Billng: '));
      const r = await run(['plan', '--out', 'unresolved.json']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /users\/support\.yaml:\d+:\d+ error unknown-skill {2}.*"Billng".*Billing/);
      assert.match(r.stderr, /error unresolved-references/);
      assert.ok(!existsSync(path.join(dir, 'unresolved.json')), 'no plan file');
    }));

  it('wrong credentials: a clean error that names neither the secret nor a token', () =>
    withWorld(async ({ run }) => {
      const wrong = 'wrong-secret-0a1b2c3d';
      const r = await run(['plan'], { GENESYS_CLIENT_SECRET: wrong });
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /^error \S+/m);
      assert.doesNotMatch(r.stdout + r.stderr, new RegExp(`${wrong}|${SECRET}`));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }));
});

describe('leavers are never silent', () => {
  it('a user taken out of users/ inside the scope is listed as staying active; --show-unmanaged lists the unmanaged', () =>
    withWorld(async (w) => {
      // Two contractors leave users/: one of the Support division (in the scope), one of Sales (taken out of it).
      const csv = path.join(w.dir, 'users/contractors.csv');
      const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n');
      const emailOf = (row: string): string => row.split(',')[0] ?? '';
      const active = (row: string): boolean => w.sb.org.liveUserByEmail(emailOf(row))?.state === 'active';
      const support = rows.find((r) => r.includes(',Support,') && active(r));
      const sales = rows.find((r) => r.includes(',Sales,') && active(r));
      assert.ok(support && sales, 'the demo org holds a Support and a Sales contractor');
      writeFileSync(csv, `${[header, ...rows.filter((r) => r !== support && r !== sales)].join('\n')}\n`);
      const config = path.join(w.dir, 'provision.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('divisions: [Support, Sales]', 'divisions: [Support]'));

      const json = await w.run(['plan', '--format', 'json', '--show-unmanaged']);
      assert.equal(json.status, 0, explain(json));
      const plan = JSON.parse(json.stdout) as Plan;
      // The demo org also holds an undeclared agent in Support of its own.
      const undeclared = plan.undeclared ?? [];
      assert.ok(undeclared.some((u) => u.email === emailOf(support)), json.stdout);
      assert.ok(!undeclared.some((u) => u.email === emailOf(sales)), json.stdout);
      assert.equal(plan.summary.undeclared, undeclared.length);
      assert.ok(plan.unmanaged?.some((u) => u.email === emailOf(sales)), json.stdout);
      assert.equal(plan.unmanaged?.length, plan.summary.unmanaged);
      assert.ok(verifyChecksum(plan));

      const text = await w.run(['plan']);
      assert.equal(text.status, 0, explain(text));
      const name = w.sb.org.liveUserByEmail(emailOf(support))?.name ?? '';
      assert.ok(text.stdout.includes(`Not declared, stays active (prune is off): ${undeclared.length} users\n`), explain(text));
      assert.match(text.stdout, new RegExp(`\\n  ${emailOf(support).replace(/\./g, '\\.')} +"${name}"\\n`));
      assert.ok(text.stdout.endsWith(`unchanged, ${undeclared.length} not declared (stay active: prune is off), ${plan.summary.unmanaged} unmanaged.\n`), explain(text));
      assert.ok(!text.stdout.includes(emailOf(sales)), 'an unmanaged user is only counted unless asked for');
      const listed = await w.run(['plan', '--show-unmanaged']);
      assert.ok(listed.stdout.includes(`Unmanaged (not declared, out of scope): ${plan.summary.unmanaged} user`), explain(listed));
      assert.ok(listed.stdout.includes(emailOf(sales)), explain(listed));
    }));
});

describe('adopt-only (users.create: false in provision.yaml)', () => {
  it('lists the users the org lacks as waiting, applies the others, creates and restores nobody; waiting alone is no change', () =>
    withWorld(async (w) => {
      const config = path.join(w.dir, 'provision.yaml');
      writeFileSync(config, readFileSync(config, 'utf8').replace('users:\n  create: true', 'users:\n  create: false'));
      const json = await w.run(['plan', '--format', 'json', '--out', 'plan.json']);
      assert.equal(json.status, 0, explain(json));
      const plan = JSON.parse(json.stdout) as Plan;
      assert.equal(plan.summary.create + plan.summary.restore, 0);
      // The demo org lacks four declared users and holds one deleted: all five wait.
      assert.equal(plan.summary.waiting, 5, json.stdout);
      assert.equal(plan.waiting?.length, 5);
      assert.ok(plan.waiting?.every((u) => u.source.file.startsWith('users/')));
      const users = w.liveUsers();
      const r = await w.run(['apply', 'plan.json', '--auto-approve', '--verify']);
      assert.equal(r.status, 0, explain(r));
      assert.match(r.stdout, /Apply complete: 0 created, \d+ updated, 0 restored, 0 deactivated, 0 failed\./);
      assert.equal(w.liveUsers(), users, 'nobody created or restored');
      const again = await w.run(['plan', '--detailed-exitcode']);
      assert.equal(again.status, 0, explain(again));
      assert.match(again.stdout, /Waiting \(declared, not in the org yet; creating users is off\): 5 users\n/);
      assert.match(again.stdout, /No changes\. The org matches users\/\. \d+ unchanged, 5 waiting \(not in the org, creating is off\), /);
    }));
});

describe('plan before any network call', () => {
  /** A fresh copy of the example repository for one test, removed after it. */
  async function inWorkspace(fn: (dir: string) => Promise<void>): Promise<void> {
    const dir = workspace();
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('without credentials: says which variables to set and offers --sandbox', () =>
    inWorkspace(async (dir) => {
      const r = await run(dir, ['plan']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error missing-credentials {2}GENESYS_CLIENT_ID, GENESYS_CLIENT_SECRET are not set\./);
      assert.match(r.stderr, /--sandbox/);
    }));

  it('invalid users/: every problem with file:line:column, and no connection attempted', () =>
    inWorkspace(async (dir) => {
      writeFileSync(path.join(dir, 'users/zz-bad.yaml'), 'users:\n  - email: not-an-email\n    name: Bad\n');
      // An environment nobody listens on: reaching it would fail differently.
      const r = await run(dir, ['plan'], { GENESYS_ENVIRONMENT: 'http://127.0.0.1:9', GENESYS_CLIENT_ID: 'x', GENESYS_CLIENT_SECRET: 'y' });
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /users\/zz-bad\.yaml:2:\d+ error \S+/);
      assert.match(r.stderr, /error invalid-users {2}users\/ has 1 error: no plan was made\./);
      assert.doesNotMatch(r.stderr, /Connecting/);
    }));

  it('a --config file that does not exist is an error, not the defaults', () =>
    inWorkspace(async (dir) => {
      const r = await run(dir, ['--config', 'missing.yaml', 'plan', '--sandbox']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /missing\.yaml/);
    }));

  it('a corrupt sandbox state file is a clear error that says how to start over', () =>
    inWorkspace(async (dir) => {
      mkdirSync(path.join(dir, '.provision'), { recursive: true });
      writeFileSync(path.join(dir, '.provision/sandbox-org.json'), '{"users": [');
      const r = await run(dir, ['plan', '--sandbox']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error sandbox-state-invalid {2}The sandbox org in \.provision\/sandbox-org\.json cannot be loaded/);
      assert.match(r.stderr, /hint: Delete \.provision\/sandbox-org\.json/);
    }));

  it('a sandbox state file that cannot be written is a clear error, not a crash or a bug report', () =>
    inWorkspace(async (dir) => {
      writeFileSync(path.join(dir, '.provision'), '');
      const r = await run(dir, ['plan', '--sandbox']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error sandbox-state-unwritable {2}The sandbox org cannot be saved to \.provision\/sandbox-org\.json \(EEXIST\)\./);
      assert.match(r.stderr, /hint: Make \.provision\/sandbox-org\.json writable/);
      assert.doesNotMatch(r.stderr, /bug|at .*\.js:\d+/);
    }));

  it('--sandbox keeps its org between runs: plan, apply, plan converges', () =>
    inWorkspace(async (dir) => {
      const first = await run(dir, ['plan', '--sandbox', '--detailed-exitcode']);
      assert.equal(first.status, 2, explain(first));
      const apply = await run(dir, ['apply', '--sandbox', '--auto-approve']);
      assert.equal(apply.status, 0, explain(apply));
      const second = await run(dir, ['plan', '--sandbox', '--detailed-exitcode']);
      assert.equal(second.status, 0, explain(second));
      assert.ok(existsSync(path.join(dir, '.provision/sandbox-org.json')));
    }));
});
