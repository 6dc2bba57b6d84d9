// The proof of `provision permissions`: plan and apply succeed with exactly the listed permissions, and each one listed is needed.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyPlan } from '../../src/apply/index.js';
import { buildReport, managedFields } from '../../src/cli/permissions.js';
import { makePlan } from '../../src/cli/session.js';
import type { Planned } from '../../src/cli/session.js';
import { loadConfig, loadDesired } from '../../src/desired/index.js';
import { connect } from '../../src/genesys/index.js';
import { ApiError } from '../../src/model/index.js';
import type { DesiredState, Plan, ProvisionConfig } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SandboxClient, SeedOrg } from '../../src/sandbox/index.js';

/** A small org that is out of date in every way users/ can say: every field kind, states, memberships, roles, divisions. */
const SEED: SeedOrg = {
  org: { name: 'Least Privilege Org' },
  divisions: [{ name: 'Home', home: true }, 'Support', 'Sales'],
  skills: ['Billing', 'Refunds', 'Chat'],
  languages: ['English', 'French', 'Spanish'],
  roles: ['employee', 'Agent', 'Supervisor', 'admin'],
  locations: ['HQ', 'Remote'],
  queues: [{ name: 'Support - Tier 1', division: 'Support' }, { name: 'Sales - Inbound', division: 'Sales' }],
  groups: ['Team A', 'Team B'],
  users: [
    { email: 'bo.boss@acme.com', name: 'Bo Boss', title: 'Director', division: 'Support', roles: ['employee', 'admin'] },
    { email: 'lee.lead@acme.com', name: 'Lee Lead', title: 'Team Lead', division: 'Support', manager: 'bo.boss@acme.com', roles: ['employee'] },
    {
      email: 'ana.agent@acme.com',
      name: 'Ana Agent',
      title: 'Agent',
      department: 'Support',
      division: 'Support',
      manager: 'bo.boss@acme.com',
      phones: [{ type: 'work', number: '+13175550100' }],
      roles: ['employee', { role: 'Agent', division: 'Support' }],
      skills: { Billing: 2, Refunds: 3 },
      languages: { English: 4, French: 2 },
      queues: ['Support - Tier 1'],
      groups: ['Team A'],
      locations: ['HQ'],
      employerInfo: { employeeId: 'E1', employeeType: 'Full-time' },
    },
    { email: 'kim.sato@acme.com', name: 'Kim Sato', state: 'deleted', dateDeleted: '2026-03-02T10:00:00.000Z', division: 'Sales' },
    { email: 'old.timer@acme.com', name: 'Old Timer', division: 'Sales', roles: ['employee'] },
  ],
};

const USERS_YAML = `users:
  - email: bo.boss@acme.com
    name: Bo Boss
    title: Director
    division: Support
    roles: [employee, admin]
  - email: lee.lead@acme.com
    name: Lee Lead
    title: Team Lead
    division: Support
    manager: bo.boss@acme.com
  - email: ana.agent@acme.com
    name: Ana Agent
    title: Senior Agent
    department: Sales
    division: Sales
    manager: lee.lead@acme.com
    phones:
      work: "+1 317 555 0101 x101"
      mobile: "+1 317 555 0102"
    roles:
      - employee
      - role: Supervisor
        division: Sales
    skills: { Billing: 4, Chat: 1 }
    languages: { English: 5, Spanish: 3 }
    queues: [Sales - Inbound]
    groups: [Team B]
    locations: [Remote]
    acdAutoAnswer: true
    certifications: [Billing Level 2]
    employerInfo: { employeeId: E2, employeeType: Part-time, dateHire: "2020-02-03" }
  - email: kim.sato@acme.com
    name: Kim Sato
    title: Returning Agent
    division: Sales
    skills: { Chat: 2 }
  - email: old.timer@acme.com
    name: Old Timer
    state: inactive
  - email: nina.new@acme.com
    name: Nina New
    title: Agent
    division: Support
    manager: lee.lead@acme.com
    phones:
      work: "+1 317 555 0120 x120"
      work2: x4120
    roles: [employee, { role: Agent, division: Support }]
    skills: { Refunds: 3 }
    languages: { French: 4 }
    queues: [Support - Tier 1]
    groups: [Team A]
    locations: [HQ]
`;

const CONFIG_YAML = `usersDir: users
phoneRegion: US
safety:
  maxDeactivations: 5
  maxDeactivationPercent: 100
  protectedUsers: [bo.boss@acme.com]
  adminRoles: [admin]
`;

interface Listed {
  plan: string[];
  apply: string[];
}

const without = (list: string[], permission: string): string[] => list.filter((p) => p !== permission);

/** Two clients holding exactly `plan` and `apply`, in every division. */
function clientsFor(plan: string[], apply: string[]): SandboxClient[] {
  return [
    { id: 'provision-plan', secret: 'plan-secret-0123', roles: [{ name: 'provision plan', permissions: plan, divisions: ['*'] }] },
    { id: 'provision-apply', secret: 'apply-secret-4567', roles: [{ name: 'provision apply', permissions: apply, divisions: ['*'] }] },
  ];
}

/**
 * Plans the way `provision plan` and `provision apply` do (src/cli/session.ts), with the credentials
 * of one sandbox client in GENESYS_* variables, as a workflow would set them.
 */
async function planAs(sandbox: RunningSandbox, id: string, configPath: string): Promise<Planned> {
  const client = sandbox.clients.find((c) => c.id === id);
  assert.ok(client);
  const saved = { ...process.env };
  Object.assign(process.env, { GENESYS_ENVIRONMENT: sandbox.url, GENESYS_CLIENT_ID: client.id, GENESYS_CLIENT_SECRET: client.secret });
  try {
    return await makePlan({ sandbox: false, config: configPath, configRequired: true, allowUnsafe: false, log: () => undefined });
  } finally {
    for (const name of ['GENESYS_ENVIRONMENT', 'GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  }
}

describe('provision permissions, proven against the sandbox in permission mode', () => {
  let dir: string;
  let configPath: string;
  let listed: Listed;
  let config: ProvisionConfig;
  let desired: DesiredState;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'provision-least-privilege-'));
    mkdirSync(path.join(dir, 'users'));
    configPath = path.join(dir, 'provision.yaml');
    writeFileSync(configPath, CONFIG_YAML);
    writeFileSync(path.join(dir, 'users/team.yaml'), USERS_YAML);
    config = await loadConfig(configPath);
    desired = await loadDesired([], config);
    assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
    // What `provision permissions` prints for this repository (the command's own functions).
    const fields = managedFields(desired.users, { prune: config.scope.prune });
    const report = buildReport(fields, 'users', desired.users.length);
    const of = (role: string) => report.clients.find((c) => c.role === role)?.permissions.map((need) => need.permission) ?? [];
    listed = { plan: of('plan'), apply: of('apply') };
    // The file manages every field kind the proof changes.
    for (const field of ['title', 'department', 'division', 'manager', 'state', 'phones', 'roles', 'skills', 'languages', 'queues', 'groups', 'locations', 'acdAutoAnswer', 'certifications', 'employerInfo']) {
      assert.ok((fields as string[]).includes(field), field);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('plan (plan client) and apply (apply client) with exactly the listed permissions: every change is made, then nothing is left', async () => {
    const sandbox = await startSandbox({ port: 0, seed: SEED, clients: clientsFor(listed.plan, listed.apply), permissions: true });
    try {
      const reviewed = await planAs(sandbox, 'provision-plan', configPath);
      await reviewed.close();
      const plan = reviewed.plan;
      assert.deepEqual(
        { create: plan.summary.create, update: plan.summary.update, restore: plan.summary.restore, deactivate: plan.summary.deactivate },
        { create: 1, update: 1, restore: 1, deactivate: 1 },
      );
      const ana = plan.changes.find((c) => c.email === 'ana.agent@acme.com');
      assert.ok(ana && ana.action === 'update');
      const fields = new Set<string>(ana.fields.map((f) => f.field));
      for (const field of ['title', 'department', 'division', 'manager', 'phones', 'roles', 'skills', 'languages', 'queues', 'groups', 'locations', 'acdAutoAnswer', 'certifications', 'employerInfo']) {
        assert.ok(fields.has(field), `ana's update changes ${field}`);
      }

      // Apply plans afresh with its own client, then applies what it planned.
      const merged = await planAs(sandbox, 'provision-apply', configPath);
      try {
        assert.deepEqual(merged.plan.changes, plan.changes, 'the apply client plans what the plan client showed');
        const report = await applyPlan(merged.plan, merged.connection.writer, { concurrency: 4 });
        assert.deepEqual(report.problems, []);
        assert.deepEqual({ created: report.created, restored: report.restored, deactivated: report.deactivated, failed: report.failed }, { created: 1, restored: 1, deactivated: 1, failed: 0 });
      } finally {
        await merged.close();
      }

      const again = await planAs(sandbox, 'provision-plan', configPath);
      await again.close();
      assert.deepEqual(again.plan.changes.map((c) => `${c.action} ${c.email}`), [], 'nothing is left to change');
      assert.deepEqual(sandbox.requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path}`), [], 'no request was refused');

      const org = sandbox.org;
      const user = (email: string) => org.usersByEmail(email).find((u) => u.state !== 'deleted');
      assert.equal(user('ana.agent@acme.com')?.divisionId, org.divisions.resolve('Sales')?.id);
      assert.equal(user('old.timer@acme.com')?.state, 'inactive');
      assert.equal(user('kim.sato@acme.com')?.state, 'active');
      assert.ok(org.queues.resolve('Sales - Inbound')?.members.has(user('ana.agent@acme.com')!.id));
    } finally {
      await sandbox.stop();
    }
  });

  /** Plans with `client` against a fresh org and, when `write`, applies: the first 403 met, as provision reports it. */
  async function firstRefusal(clients: SandboxClient[], client: string, write: boolean): Promise<string | undefined> {
    const sandbox = await startSandbox({ port: 0, seed: SEED, clients, permissions: true });
    try {
      const creds = sandbox.clients.find((c) => c.id === client)!;
      const connection = await connect(
        { environment: sandbox.url, clientId: creds.id, clientSecret: creds.secret, timeoutMs: 3000 },
        { retry: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20, maxRateLimited: 10 } },
      );
      let plan: Plan;
      try {
        const org = await connection.reader.readOrg(readRequestFor(desired, config));
        const built = buildPlan({ desired, org, config, allowUnsafe: true });
        // A client that sees no users may plan creates of users that exist; that is not a refusal.
        if (built.errors.length > 0) return `unresolved: ${built.errors.map((e) => e.message).join('; ')}`;
        plan = built.plan;
      } catch (error) {
        assert.ok(error instanceof ApiError, `the read fails with a typed error, not ${String(error)}`);
        return error.status === 403 ? `${error.message} hint: ${error.hint ?? ''}` : `status ${error.status}: ${error.message}`;
      }
      if (!write) return undefined;
      const report = await applyPlan(plan, connection.writer, { concurrency: 4, findRetry: { attempts: 2, delayMs: 10 } });
      const refused = report.problems.find((p) => p.status === 403);
      return refused ? `${refused.operation}: ${refused.message ?? ''}` : undefined;
    } finally {
      await sandbox.stop();
    }
  }

  it('each permission the plan client lists is needed: without it, plan fails with a clear 403 naming it', async () => {
    assert.ok(listed.plan.length >= 4, listed.plan.join(', '));
    // A look-up refused while the users are still being read must not escape as an unhandled rejection (a crash).
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    after(() => process.off('unhandledRejection', onUnhandled));
    for (const permission of listed.plan) {
      const refusal = await firstRefusal(clientsFor(without(listed.plan, permission), listed.apply), 'provision-plan', false);
      assert.ok(refusal, `plan succeeds without ${permission}: it is listed but not needed`);
      assert.match(refusal, / 403 Unable to perform the requested action/, `without ${permission}: ${refusal}`);
      assert.ok(refusal.includes(permission), `the error names ${permission}: ${refusal}`);
      assert.match(refusal, /provision permissions/, 'the hint says where the list is');
    }
    // Any stray rejection surfaces once the event loop has turned.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled.map(String), []);
  });

  it('each permission the apply client lists is needed: without it, plan or apply fails with a clear 403 naming it', async () => {
    assert.ok(listed.apply.length > listed.plan.length, listed.apply.join(', '));
    for (const permission of listed.apply) {
      const refusal = await firstRefusal(clientsFor(listed.plan, without(listed.apply, permission)), 'provision-apply', true);
      assert.ok(refusal, `apply succeeds without ${permission}: it is listed but not needed`);
      assert.match(refusal, /403 Unable to perform the requested action/, `without ${permission}: ${refusal}`);
      assert.ok(refusal.includes(permission), `the error names ${permission}: ${refusal}`);
    }
  });
});
