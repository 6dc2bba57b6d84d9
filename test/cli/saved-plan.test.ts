// `provision apply plan.json` treats the file as untrusted: forged verdicts, swapped ids, malformed shapes and stale users, through the CLI against a sandbox.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Change, Plan } from '../../src/model/index.js';
import { demoSeed, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { resign } from '../support/resign.js';
import { sdkClientFor } from '../support/sdk.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const CLIENT = { id: 'saved-plan-client', secret: 'saved-plan-secret-3c9e1a' };

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

interface Setup {
  dir: string;
  sb: RunningSandbox;
  run(args: string[]): Promise<Run>;
  /** Writes that reached the org (not reads, logins or searches). */
  writes(): number;
  file(name: string): string;
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr (end)\n${r.stderr.slice(-3000)}`;

/** A copy of the example repository and a demo sandbox named by GENESYS_* variables; `config` edits provision.yaml. */
async function withSetup(config: (text: string) => string, fn: (s: Setup) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-saved-'));
  for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
  const configFile = path.join(dir, 'provision.yaml');
  writeFileSync(configFile, config(readFileSync(configFile, 'utf8')));
  const sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [CLIENT] });
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS')) delete env[name];
  Object.assign(env, { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: CLIENT.id, GENESYS_CLIENT_SECRET: CLIENT.secret });
  const setup: Setup = {
    dir,
    sb,
    run: (args) =>
      new Promise((resolve) => {
        execFile(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
          resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
        });
      }),
    writes: () => sb.requests.filter((q) => q.method !== 'GET' && !q.path.startsWith('/oauth') && q.path !== '/api/v2/users/search').length,
    file: (name) => path.join(dir, name),
  };
  try {
    await fn(setup);
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const asIs = (text: string): string => text;
const pruning = (maxDeactivations: number) => (text: string) => text.replace('prune: false', 'prune: true').replace('maxDeactivations: 10', `maxDeactivations: ${maxDeactivations}`);

function changeOf(plan: Plan, email: string): Change {
  const change = plan.changes.find((c) => c.email === email);
  assert.ok(change, `the plan changes ${email}`);
  return change;
}

async function savePlan(s: Setup, name: string, expectedExit: number): Promise<Plan> {
  const r = await s.run(['plan', '--detailed-exitcode', '--out', name]);
  assert.equal(r.status, expectedExit, explain(r));
  return JSON.parse(readFileSync(s.file(name), 'utf8')) as Plan;
}

describe('a forged saved plan is not applied', () => {
  it('a blocked plan re-signed as `blocked: false` is blocked again by a fresh check: exit 3, nothing written; --allow-unsafe applies it', async () => {
    await withSetup(pruning(0), async (s) => {
      const saved = await savePlan(s, 'blocked.json', 3);
      assert.ok(saved.safety.blocked);
      assert.equal(changeOf(saved, 'temp.agent@acme.com').action, 'deactivate');
      resign(s.file('blocked.json'), (plan) => {
        plan.safety = { blocked: false, violations: [], overridden: false };
      });
      const before = s.writes();
      const r = await s.run(['apply', 'blocked.json', '--auto-approve']);
      assert.equal(r.status, 3, explain(r));
      assert.match(r.stderr, /error plan-blocked/);
      assert.match(r.stderr, /1 deactivation .*exceeds the limit of 0 \(safety\.maxDeactivations\)/);
      assert.equal(s.writes(), before, 'nothing written');
      assert.equal(s.sb.org.liveUserByEmail('temp.agent@acme.com')?.state, 'active');

      const unsafe = await s.run(['apply', 'blocked.json', '--auto-approve', '--allow-unsafe']);
      assert.equal(unsafe.status, 0, explain(unsafe));
      assert.equal(s.sb.org.liveUserByEmail('temp.agent@acme.com')?.state, 'inactive');
    });
  });

  it("a role id swapped under its label (`+ employee` carrying the Admin role's id) is refused with the user, the field and both names; nothing written", async () => {
    await withSetup(asIs, async (s) => {
      const saved = await savePlan(s, 'plan.json', 2);
      const admin = s.sb.org.roles.byExactName('Admin');
      assert.ok(admin, 'the demo org has an Admin role');
      const email = 'ben.taylor@partners.acme.com';
      const grants = changeOf(saved, email).fields.find((f) => f.kind === 'grants');
      assert.ok(grants?.kind === 'grants' && grants.add.some((g) => g.role === 'employee'));
      resign(s.file('plan.json'), (plan) => {
        const field = changeOf(plan, email).fields.find((f) => f.kind === 'grants');
        if (field?.kind !== 'grants') throw new Error('no grants');
        for (const grant of field.add) if (grant.role === 'employee') grant.roleId = admin.id;
      });
      const before = s.writes();
      const r = await s.run(['apply', 'plan.json', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error plan-label-mismatch/);
      const line = r.stderr.split('\n').find((l) => l.includes(email)) ?? '';
      assert.match(line, /roles/);
      assert.match(line, /"Admin"/);
      assert.match(line, /"employee"/);
      assert.equal(s.writes(), before, 'nothing written');
      assert.equal(s.sb.org.liveUserByEmail(email), undefined, 'not created');
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    });
  });

  it('a plan made for another org (re-signed) is refused with both orgs before the org is read; nothing written', async () => {
    await withSetup(asIs, async (s) => {
      const saved = await savePlan(s, 'plan.json', 2);
      resign(s.file('plan.json'), (plan) => {
        plan.target = { ...plan.target, orgId: 'other-org-id', orgName: 'Other Org' };
      });
      const reads = s.sb.requests.length;
      const r = await s.run(['apply', 'plan.json', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error plan-target-mismatch/);
      const { environment, orgName, orgId } = saved.target;
      assert.ok(r.stderr.includes(`planned for org "Other Org" (other-org-id) in ${environment}, but the credentials reach "${orgName}" (${orgId}) in ${environment}.`), explain(r));
      assert.equal(s.writes(), 0, 'nothing written');
      assert.ok(!s.sb.requests.slice(reads).some((q) => q.path.startsWith('/api/v2/users')), 'no user was read');
    });
  });

  it("a user id swapped under another user's email is refused with both emails; nothing written", async () => {
    await withSetup(asIs, async (s) => {
      await savePlan(s, 'plan.json', 2);
      const grace = s.sb.org.liveUserByEmail('grace.holloway@acme.com');
      assert.ok(grace);
      resign(s.file('plan.json'), (plan) => {
        changeOf(plan, 'ola.lind@acme.com').id = grace.id;
      });
      const before = s.writes();
      const r = await s.run(['apply', 'plan.json', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      assert.match(r.stderr, /error plan-label-mismatch/);
      assert.match(r.stderr, /ola\.lind@acme\.com.*grace\.holloway@acme\.com/);
      assert.equal(s.writes(), before, 'nothing written');
    });
  });

  it('a malformed plan (re-signed) is plan-invalid with the JSON pointer of the reason, never an internal error; nothing written', async () => {
    const cases: Array<{ name: string; edit: (plan: Plan & Record<string, unknown>) => void; pointer: RegExp }> = [
      {
        name: 'no safety verdict',
        edit: (plan) => {
          delete (plan as Partial<Plan>).safety;
        },
        pointer: /\/ .*safety/,
      },
      {
        name: 'a field of an unknown kind',
        edit: (plan) => {
          (plan.changes[0]!.fields[0] as unknown as Record<string, unknown>).kind = 42;
        },
        pointer: /\/changes\/0\/fields\/0\/kind/,
      },
      {
        name: 'changes that are not a list',
        edit: (plan) => {
          (plan as Record<string, unknown>).changes = 'everything';
        },
        pointer: /\/changes /,
      },
      {
        name: 'a role grant without a division id',
        edit: (plan) => {
          const field = changeOf(plan, 'ben.taylor@partners.acme.com').fields.find((f) => f.kind === 'grants');
          if (field?.kind !== 'grants') throw new Error('no grants');
          delete (field.add[0] as Partial<(typeof field.add)[0]>).divisionId;
        },
        pointer: /\/changes\/\d+\/fields\/\d+\/add\/0 .*divisionId/,
      },
      {
        name: 'a summary that hides the changes',
        edit: (plan) => {
          plan.summary.create = 0;
        },
        pointer: /\/summary\/create/,
      },
    ];
    await withSetup(asIs, async (s) => {
      await savePlan(s, 'plan.json', 2);
      for (const c of cases) {
        resign(s.file('plan.json'), c.edit, s.file('bad.json'));
        const before = s.writes();
        const r = await s.run(['apply', 'bad.json', '--auto-approve']);
        assert.equal(r.status, 1, `${c.name}: ${explain(r)}`);
        assert.match(r.stderr, /error plan-invalid {2}bad\.json /, c.name);
        assert.match(r.stderr, c.pointer, `${c.name}: ${r.stderr}`);
        assert.doesNotMatch(r.stderr, /internal|\n\s+at /, c.name);
        assert.equal(s.writes(), before, `${c.name}: nothing written`);
      }
    });
  });
});

describe('a stale saved plan', () => {
  it('a user deleted since the plan, and a user someone else created since, are conflicts: reported, counted, nothing written for them', async () => {
    await withSetup(pruning(10), async (s) => {
      const saved = await savePlan(s, 'plan.json', 2);
      assert.equal(changeOf(saved, 'hannah.kowalski@acme.com').action, 'update');
      assert.equal(changeOf(saved, 'temp.agent@acme.com').action, 'deactivate');
      assert.equal(changeOf(saved, 'sofia.rossi@acme.com').action, 'create');
      // Someone else, between plan and apply: deletes two users the plan changes, creates one it would create.
      const other = await sdkClientFor(s.sb, CLIENT);
      const hannah = s.sb.org.liveUserByEmail('hannah.kowalski@acme.com')!;
      const temp = s.sb.org.liveUserByEmail('temp.agent@acme.com')!;
      await other.users.deleteUser(hannah.id);
      await other.users.deleteUser(temp.id);
      const sofia = await other.users.postUsers({ name: 'Sofia R.', email: 'sofia.rossi@acme.com', title: 'Contractor', divisionId: s.sb.org.homeDivision().id });

      const r = await s.run(['apply', 'plan.json', '--auto-approve', '--journal', 'journal.jsonl']);
      assert.equal(r.status, 1, explain(r));
      const records = readFileSync(s.file('journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { email: string; outcome: string; operation: string });
      for (const email of ['hannah.kowalski@acme.com', 'temp.agent@acme.com', 'sofia.rossi@acme.com']) {
        const mine = records.filter((x) => x.email === email);
        assert.ok(mine.some((x) => x.outcome === 'conflict'), `${email}: ${JSON.stringify(mine)}`);
        assert.ok(!mine.some((x) => x.outcome === 'ok' || x.outcome === 'already-done'), `${email}: nothing written or counted done: ${JSON.stringify(mine)}`);
      }
      assert.match(r.stdout, /^3 user\(s\) /m);
      assert.match(r.stdout, /^ {2}conflict +sofia\.rossi@acme\.com/m);
      const after = s.sb.org.getUser(sofia.id!)!;
      assert.deepEqual({ name: after.name, title: after.title }, { name: 'Sofia R.', title: 'Contractor' }, 'never overwritten');
      assert.equal(s.sb.org.getUser(hannah.id)?.state, 'deleted');
      assert.equal(s.sb.org.getUser(temp.id)?.state, 'deleted');
      assert.equal(s.sb.org.usersByEmail('sofia.rossi@acme.com').length, 1, 'no duplicate');
      assert.match(r.stdout, /Apply complete: 3 created, 6 updated, 1 restored, 0 deactivated, 3 failed\./);
    });
  });
});
