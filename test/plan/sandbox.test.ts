// The planner end to end: YAML files → loadDesired → read the sandbox org through the real SDK → buildPlan.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { applyPlan } from '../../src/apply/index.js';
import { defaultConfig, loadConfig, loadDesired } from '../../src/desired/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import type { DesiredState, Issue, Plan, ProvisionConfig } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg, SeedUser, StartOptions } from '../../src/sandbox/index.js';
import { SkippingClock } from '../support/clock.js';

const CLIENT_ID = 'plan-sandbox-client';
const SECRET = 'pLan-SaNdBoX-s3cret-7f3a91c2e4';
const BASIC = Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64');
const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };

let root: string;
let dirs = 0;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'provision-plan-sb-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function start(seed: SeedOrg, options: StartOptions = {}): Promise<RunningSandbox> {
  return startSandbox({ port: 0, seed, requestsPerMinute: 1_000_000, searchLagMs: 0, clients: [{ id: CLIENT_ID, secret: SECRET }], ...options });
}

async function open(sb: RunningSandbox, retry = FAST, clock?: SkippingClock): Promise<Connection> {
  return connect({ environment: sb.url, clientId: CLIENT_ID, clientSecret: SECRET, requestsPerMinute: 1_000_000, timeoutMs: 3_000 }, { retry, clock });
}

/** Runs `fn` against a fresh sandbox and a connection to it; the sandbox is stopped however `fn` ends. */
async function withOrg(seed: SeedOrg, fn: (sb: RunningSandbox, conn: Connection) => Promise<void>, options: StartOptions = {}, retry = FAST): Promise<void> {
  const sb = await start(seed, options);
  try {
    await fn(sb, await open(sb, retry));
  } finally {
    await sb.stop();
  }
}

interface Project {
  dir: string;
  config: ProvisionConfig;
  desired: DesiredState;
}

/**
 * Writes `files` into a fresh `<project>/users/` (and `provision.yaml` when given), then loads the
 * config and the users as the CLI does: shown paths are relative to the project (`users/team.yaml`).
 */
async function project(files: Record<string, string>, configYaml?: string): Promise<Project> {
  dirs += 1;
  const dir = path.join(root, `p${dirs}`);
  await mkdir(path.join(dir, 'users'), { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'users', name), text);
  let config = defaultConfig(dir);
  if (configYaml !== undefined) {
    await writeFile(path.join(dir, 'provision.yaml'), configYaml);
    config = await loadConfig(path.join(dir, 'provision.yaml'), { required: true });
  }
  const desired = await loadDesired([config.usersDir], config, { cwd: dir });
  return { dir, config, desired };
}

function loadErrors(desired: DesiredState): Issue[] {
  return desired.issues.filter((i) => i.severity === 'error');
}

async function planOf(conn: Connection, desired: DesiredState, config: ProvisionConfig, allowUnsafe = false): Promise<{ plan: Plan; errors: Issue[] }> {
  const org = await conn.reader.readOrg(readRequestFor(desired, config));
  return buildPlan({ desired, org, config, allowUnsafe });
}

/** A plan that must resolve cleanly. */
async function cleanPlan(conn: Connection, desired: DesiredState, config: ProvisionConfig, allowUnsafe = false): Promise<Plan> {
  assert.deepEqual(loadErrors(desired), [], 'the files load without errors');
  const { plan, errors } = await planOf(conn, desired, config, allowUnsafe);
  assert.deepEqual(errors, [], 'every name resolves');
  return plan;
}

function idOf(sb: RunningSandbox, kind: 'queues' | 'groups' | 'skills' | 'languages' | 'divisions' | 'roles' | 'locations', name: string): string {
  const rec = sb.org[kind].byExactName(name);
  assert.ok(rec, `${kind} ${name}`);
  return rec.id;
}

function userOf(sb: RunningSandbox, email: string): { id: string; version: number; state: string } {
  const rec = sb.org.usersByEmail(email)[0];
  assert.ok(rec, email);
  return rec;
}

/** Only reads reached the sandbox (logins, GETs and the user search): planning never writes. */
function assertReadOnly(sb: RunningSandbox): void {
  const writes = sb.requests.filter((r) => r.method !== 'GET' && r.path !== '/oauth/token' && r.path !== '/api/v2/users/search');
  assert.deepEqual(
    writes.map((r) => `${r.method} ${r.path}`),
    [],
  );
}

// ---- the org most tests plan against ------------------------------------------------------------

const DELETED_AT = '2026-03-02T10:00:00.000Z';

function acmeSeed(): SeedOrg {
  return {
    // A fixed org id keeps every seeded id the same from one sandbox to the next.
    org: { id: 'org-plan-sandbox', name: 'Plan Sandbox Org' },
    divisions: [{ name: 'Home', home: true }, 'Support', 'Sales'],
    skills: ['Billing', 'Returns', 'Chat'],
    languages: ['English', 'Spanish'],
    roles: ['employee', { name: 'Supervisor', permissions: ['routing:queue:view'] }, 'Master Admin'],
    locations: ['Indianapolis HQ', 'Dublin Office'],
    queues: [{ name: 'Support - Tier 1', division: 'Support' }, { name: 'Support - Tier 2', division: 'Support' }, { name: 'Sales - Inbound', division: 'Sales' }],
    groups: ['Support Team', 'Team Leads'],
    users: [
      { email: 'ola.lind@acme.com', name: 'Ola Lind', title: 'Support Manager', division: 'Support', roles: ['employee', { role: 'Supervisor', division: 'Support' }], groups: ['Team Leads'] },
      {
        email: 'nina.berg@acme.com',
        version: 7,
        name: 'Nina Berg',
        title: 'Team Lead',
        division: 'Support',
        manager: 'ola.lind@acme.com',
        skills: { Billing: 3, Returns: 2 },
        languages: { English: 5 },
        queues: ['Support - Tier 1'],
        groups: ['Support Team', 'Team Leads'],
        locations: ['Indianapolis HQ'],
      },
      { email: 'priya.raman@acme.com', version: 4, name: 'Priya Raman', title: 'Agent', division: 'Support', manager: 'nina.berg@acme.com', skills: { Billing: 4 }, queues: ['Support - Tier 1'] },
      { email: 'tom.becker@acme.com', version: 2, name: 'Tom Becker', title: 'Agent', state: 'inactive' },
      { email: 'kim.sato@acme.com', version: 9, name: 'Kim Sato', title: 'Agent', state: 'deleted', dateDeleted: DELETED_AT },
    ],
  };
}

// Line numbers matter: the tests below assert them.
const TEAM_YAML = `users:
  - email: nina.berg@acme.com
    name: Nina Berg
    title: Support Lead
    division: Support
    manager: ola.lind@acme.com
    skills:
      Billing: 5
    languages:
      English: 5
    queues: [Support - Tier 2]
    groups: [Support Team]
    locations: [Indianapolis HQ]
  - email: priya.raman@acme.com
    name: Priya Raman
    state: inactive
    queues: [Support - Tier 1]
  - email: tom.becker@acme.com
    name: Tom Becker
    state: active
  - email: Kim.Sato@ACME.com
    name: Kim Sato
    title: Senior Agent
  - email: ada.new@acme.com
    name: Ada New
    title: Agent
    division: Sales
    manager: ola.lind@acme.com
    skills: { Chat: 2 }
    queues: [Sales - Inbound]
`;

describe('plan against the sandbox', () => {
  it('plans every change kind, sorted, with sources and versions at plan time', async () => {
    await withOrg(acmeSeed(), async (sb, conn) => {
      const { config, desired } = await project({ 'team.yaml': TEAM_YAML });
      const plan = await cleanPlan(conn, desired, config);
      const q = (name: string) => ({ id: idOf(sb, 'queues', name), name });
      const ola = userOf(sb, 'ola.lind@acme.com');
      const file = 'users/team.yaml';

      assert.deepEqual(
        plan.changes.map((c) => [c.action, c.email]),
        [
          ['create', 'ada.new@acme.com'],
          ['restore', 'kim.sato@acme.com'],
          ['update', 'nina.berg@acme.com'],
          ['update', 'tom.becker@acme.com'],
          ['deactivate', 'priya.raman@acme.com'],
        ],
      );
      const [create, restore, nina, tom, priya] = plan.changes;
      assert.deepEqual(create, {
        action: 'create',
        email: 'ada.new@acme.com',
        name: 'Ada New',
        source: { file, line: 24, column: 5 },
        fields: [
          { field: 'name', kind: 'text', before: null, after: 'Ada New' },
          { field: 'title', kind: 'text', before: null, after: 'Agent' },
          { field: 'division', kind: 'ref', before: null, after: { id: idOf(sb, 'divisions', 'Sales'), name: 'Sales' } },
          { field: 'manager', kind: 'manager', before: null, after: { email: 'ola.lind@acme.com', id: ola.id } },
          { field: 'skills', kind: 'levels', add: [{ id: idOf(sb, 'skills', 'Chat'), name: 'Chat', level: 2 }], change: [], remove: [] },
          { field: 'queues', kind: 'set', add: [q('Sales - Inbound')], remove: [] },
        ],
      });
      // Genesys shows no deletion date on a user (the reader takes `dateModified` where an API sends one; the
      // sandbox, like the documented model, sends none), so `deletedAt` is best effort and not compared here.
      assert.ok(restore);
      const { deletedAt: _deletedAt, ...restored } = restore;
      assert.deepEqual(restored, {
        action: 'restore',
        email: 'kim.sato@acme.com',
        name: 'Kim Sato',
        id: userOf(sb, 'kim.sato@acme.com').id,
        version: 9,
        source: { file, line: 21, column: 5 },
        fields: [{ field: 'title', kind: 'text', before: 'Agent', after: 'Senior Agent' }],
      });
      assert.deepEqual(nina, {
        action: 'update',
        email: 'nina.berg@acme.com',
        name: 'Nina Berg',
        id: userOf(sb, 'nina.berg@acme.com').id,
        version: 7,
        source: { file, line: 2, column: 5 },
        fields: [
          { field: 'title', kind: 'text', before: 'Team Lead', after: 'Support Lead' },
          {
            field: 'skills',
            kind: 'levels',
            add: [],
            change: [{ id: idOf(sb, 'skills', 'Billing'), name: 'Billing', before: 3, after: 5 }],
            remove: [{ id: idOf(sb, 'skills', 'Returns'), name: 'Returns', level: 2 }],
          },
          { field: 'queues', kind: 'set', add: [q('Support - Tier 2')], remove: [q('Support - Tier 1')] },
          { field: 'groups', kind: 'set', add: [], remove: [{ id: idOf(sb, 'groups', 'Team Leads'), name: 'Team Leads' }] },
        ],
      });
      assert.deepEqual(tom, {
        action: 'update',
        email: 'tom.becker@acme.com',
        name: 'Tom Becker',
        id: userOf(sb, 'tom.becker@acme.com').id,
        version: 2,
        source: { file, line: 18, column: 5 },
        fields: [{ field: 'state', kind: 'text', before: 'inactive', after: 'active' }],
      });
      assert.deepEqual(priya, {
        action: 'deactivate',
        email: 'priya.raman@acme.com',
        name: 'Priya Raman',
        id: userOf(sb, 'priya.raman@acme.com').id,
        version: 4,
        reason: 'declared',
        source: { file, line: 14, column: 5 },
        fields: [],
      });

      assert.deepEqual(plan.summary, { create: 1, restore: 1, update: 2, deactivate: 1, unchanged: 0, unmanaged: 1 });
      assert.deepEqual(plan.target, { environment: sb.url, orgId: sb.org.id, orgName: 'Plan Sandbox Org' });
      assert.equal(plan.inputsDigest, desired.digest);
      assert.deepEqual(plan.safety, { blocked: false, violations: [], overridden: false });
      // Ola manages two declared users without being declared: one warning, at the first mention.
      assert.deepEqual(
        plan.warnings.map((w) => [w.code, w.file, w.line]),
        [['manager-undeclared', file, 6]],
      );
      assert.equal(plan.readCalls, sb.requests.filter((r) => r.path.startsWith('/api/v2/')).length);
      assertReadOnly(sb);
    });
  });

  it('reports unknown names at file:line:column with a did-you-mean, and ambiguous names', async () => {
    const seed = acmeSeed();
    // Two locations that look the same: one name in NFC, the other decomposed (NFD).
    seed.locations = [...(seed.locations ?? []), 'Café Lisboa', 'Cafe\u0301 Lisboa'];
    await withOrg(seed, async (sb, conn) => {
      const teamLeads = idOf(sb, 'groups', 'Team Leads');
      // Case-only duplicates cannot be made through the API or the seed; an org migrated from elsewhere may hold them.
      sb.org.groups.add({ id: 'group-dup-team-leads', name: 'team leads', version: 1, type: 'official', visibility: 'public', members: new Set(), dateModified: '2026-01-01T00:00:00.000Z' });
      const { config, desired } = await project({
        'bad.yaml': `users:
  - email: nina.berg@acme.com
    name: Nina Berg
    division: Suport
    roles: [Supervisr]
    skills:
      Billng: 3
    queues: [Support - Teir 1]
    groups: [Support Teem]
    locations: [Indianapolis H]
  - email: priya.raman@acme.com
    name: Priya Raman
    groups: [Team Leads]
    locations: [Café Lisboa]
  - email: tom.becker@acme.com
    name: Tom Becker
    skills: { Billing: 1 }
`,
      });
      assert.deepEqual(loadErrors(desired), []);
      const { plan, errors } = await planOf(conn, desired, config);
      const file = 'users/bad.yaml';
      assert.deepEqual(
        errors.map((e) => [e.code, e.file, e.line, e.column]),
        [
          ['unknown-division', file, 4, 15],
          ['unknown-role', file, 5, 13],
          ['unknown-skill', file, 7, 7],
          ['unknown-queue', file, 8, 14],
          ['unknown-group', file, 9, 14],
          ['unknown-location', file, 10, 17],
          ['ambiguous-name', file, 13, 14],
          ['ambiguous-name', file, 14, 17],
        ],
      );
      const suggestions = errors.slice(0, 6).map((e) => /Did you mean "([^"]+)"\?/.exec(e.message)?.[1]);
      assert.deepEqual(suggestions, ['Support', 'Supervisor', 'Billing', 'Support - Tier 1', 'Support Team', 'Indianapolis HQ']);
      for (const e of errors) assert.equal(e.severity, 'error');
      assert.equal(errors[2]?.message, 'Skill "Billng" does not exist in the org. Did you mean "Billing"?');
      assert.equal(errors[6]?.message, `Group "Team Leads" matches 2 groups in the org (ids ${['group-dup-team-leads', teamLeads].sort().join(', ')}).`);
      assert.match(errors[7]?.message ?? '', /^Location "Café Lisboa" matches 2 locations in the org/);
      assert.match(errors[6]?.hint ?? '', /rename one of them/);
      // Users whose names do not resolve are left out of the plan; the others are still planned.
      assert.deepEqual(
        plan.changes.map((c) => [c.action, c.email]),
        [['update', 'tom.becker@acme.com']],
      );
      assertReadOnly(sb);
    });
  });

  it('resolves a manager created in the same plan, and one that exists only in the org', async () => {
    await withOrg(acmeSeed(), async (sb, conn) => {
      const { config, desired } = await project({
        'new.yaml': `users:
  - email: agent.new@acme.com
    name: Agent New
    manager: lead.new@acme.com
  - email: lead.new@acme.com
    name: Lead New
    manager: ola.lind@acme.com
  - email: typo.new@acme.com
    name: Typo New
    manager: lead.nwe@acme.com
`,
      });
      // The loader only warns about managers it cannot see; the org decides.
      assert.deepEqual(
        desired.issues.map((i) => [i.severity, i.code, i.line]),
        [['warning', 'manager-undeclared', 7], ['warning', 'manager-undeclared', 10]],
      );
      const { plan, errors } = await planOf(conn, desired, config);
      assert.deepEqual(
        errors.map((e) => [e.code, e.file, e.line, e.column, e.message]),
        [['unknown-manager', 'users/new.yaml', 10, 14, 'Manager lead.nwe@acme.com is neither declared in users/ nor a user in the org. Did you mean lead.new@acme.com?']],
      );
      const manager = (email: string) => plan.changes.find((c) => c.email === email)?.fields.find((f) => f.field === 'manager');
      assert.deepEqual(manager('agent.new@acme.com'), { field: 'manager', kind: 'manager', before: null, after: { email: 'lead.new@acme.com' } });
      assert.deepEqual(manager('lead.new@acme.com'), { field: 'manager', kind: 'manager', before: null, after: { email: 'ola.lind@acme.com', id: userOf(sb, 'ola.lind@acme.com').id } });
      assert.deepEqual(
        plan.changes.map((c) => [c.action, c.email]),
        [['create', 'agent.new@acme.com'], ['create', 'lead.new@acme.com']],
      );
      assert.deepEqual(
        plan.warnings.map((w) => [w.code, w.line, w.message]),
        [['manager-undeclared', 7, 'Manager ola.lind@acme.com is not declared in users/; found in the org as "Ola Lind".']],
      );
    });
  });

  it('removes a user from a queue that no file names: every queue is read once queues are managed', async () => {
    await withOrg(acmeSeed(), async (sb, conn) => {
      // Nobody names "Support - Tier 1", where both users sit today.
      const { config, desired } = await project({
        'queues.yaml': `users:
  - email: nina.berg@acme.com
    name: Nina Berg
    queues: []
  - email: priya.raman@acme.com
    name: Priya Raman
    queues: [Sales - Inbound]
`,
      });
      const plan = await cleanPlan(conn, desired, config);
      const tier1 = { id: idOf(sb, 'queues', 'Support - Tier 1'), name: 'Support - Tier 1' };
      const queues = (email: string) => plan.changes.find((c) => c.email === email)?.fields.find((f) => f.field === 'queues');
      assert.deepEqual(queues('nina.berg@acme.com'), { field: 'queues', kind: 'set', add: [], remove: [tier1] });
      assert.deepEqual(queues('priya.raman@acme.com'), { field: 'queues', kind: 'set', add: [{ id: idOf(sb, 'queues', 'Sales - Inbound'), name: 'Sales - Inbound' }], remove: [tier1] });
    });
  });
});

// ---- pruning -------------------------------------------------------------------------------------

function pruneSeed(): SeedOrg {
  return {
    org: { name: 'Prune Org' },
    divisions: [{ name: 'Home', home: true }, 'Support', 'Sales'],
    roles: ['employee'],
    users: [
      { email: 'kept@acme.com', name: 'Kept Agent', division: 'Support' },
      { email: 'gone@acme.com', version: 5, name: 'Gone Agent', division: 'Support' },
      { email: 'asleep@acme.com', name: 'Asleep Agent', division: 'Support', state: 'inactive' },
      { email: 'seller@acme.com', version: 3, name: 'Seller', division: 'Sales' },
      { email: 'temp@contractor.io', name: 'Contractor', division: 'Support' },
      { email: 'boss@acme.com', version: 8, name: 'Boss' },
    ],
  };
}

const KEPT_YAML = `users:
  - email: kept@acme.com
    name: Kept Agent
`;

describe('pruning through the sandbox', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  before(async () => {
    sb = await start(pruneSeed());
    conn = await open(sb);
  });
  after(() => sb.stop());

  const deactivation = (email: string, version: number) => ({ action: 'deactivate', email, name: userName(email), id: userOf(sb, email).id, version, fields: [], reason: 'pruned' });
  const userName = (email: string) => pruneSeed().users?.find((u: SeedUser) => u.email === email)?.name;

  it('deactivates undeclared users inside the divisions and domains of the scope, and counts the rest unmanaged', async () => {
    const { config, desired } = await project({ 'team.yaml': KEPT_YAML }, 'scope:\n  prune: true\n  divisions: [Support]\n  emailDomains: [ACME.com]\n');
    const plan = await cleanPlan(conn, desired, config);
    assert.deepEqual(plan.changes, [deactivation('gone@acme.com', 5)]);
    // kept (declared) is unchanged; seller, contractor and boss are out of scope; asleep (undeclared,
    // inactive) is neither read nor counted: Genesys lists at most 10,000 inactive users, and the plan never changes one.
    assert.deepEqual(plan.summary, { create: 0, restore: 0, update: 0, deactivate: 1, unchanged: 1, unmanaged: 3 });
    assert.equal(plan.safety.blocked, false);

    const domains = await project({ 'team.yaml': KEPT_YAML }, 'scope:\n  prune: true\n  emailDomains: [acme.com]\n');
    const wide = await cleanPlan(conn, domains.desired, domains.config);
    assert.deepEqual(wide.changes, [deactivation('boss@acme.com', 8), deactivation('gone@acme.com', 5), deactivation('seller@acme.com', 3)]);
    assert.deepEqual(wide.summary, { create: 0, restore: 0, update: 0, deactivate: 3, unchanged: 1, unmanaged: 1 });

    // Planning touched nothing: the sandbox still holds every user as seeded.
    assert.deepEqual(
      [...sb.org.users.values()].map((u) => [u.email, u.state, u.version]).sort(),
      (pruneSeed().users ?? []).map((u) => [u.email, u.state ?? 'active', u.version ?? 1]).sort(),
    );
    assertReadOnly(sb);
  });

  it('deactivates nobody with prune off, whatever the scope, and lists the in-scope users left undeclared', async () => {
    const { config, desired } = await project({ 'team.yaml': KEPT_YAML }, 'scope:\n  prune: false\n  divisions: [Support]\n  emailDomains: [acme.com]\n');
    const plan = await cleanPlan(conn, desired, config);
    assert.deepEqual(plan.changes, []);
    assert.deepEqual(plan.summary, { create: 0, restore: 0, update: 0, deactivate: 0, unchanged: 1, unmanaged: 3, undeclared: 1 });
    assert.deepEqual(plan.undeclared, [{ id: userOf(sb, 'gone@acme.com').id, email: 'gone@acme.com', name: userName('gone@acme.com') }]);
    // Without a scope nobody is in it: every undeclared user is unmanaged, as before.
    const unscoped = await project({ 'team.yaml': KEPT_YAML }, 'scope:\n  prune: false\n');
    const plain = await cleanPlan(conn, unscoped.desired, unscoped.config);
    assert.deepEqual(plain.summary, { create: 0, restore: 0, update: 0, deactivate: 0, unchanged: 1, unmanaged: 4 });
    assert.equal(plain.undeclared, undefined);
    assertReadOnly(sb);
  });

  it('refuses a prune scope that names an unknown division', async () => {
    const { config, desired } = await project({ 'team.yaml': KEPT_YAML }, 'scope:\n  prune: true\n  divisions: [Suport]\n');
    const { errors } = await planOf(conn, desired, config);
    assert.deepEqual(
      errors.map((e) => [e.code, e.message]),
      [['unknown-division', 'scope.divisions: Division "Suport" does not exist in the org. Did you mean "Support"?']],
    );
  });
});

// ---- safety --------------------------------------------------------------------------------------

const AGENTS = Array.from({ length: 12 }, (_, i) => `agent${String(i + 1).padStart(2, '0')}@acme.com`);

function safetySeed(): SeedOrg {
  return {
    org: { name: 'Safety Org' },
    divisions: [{ name: 'Home', home: true }, 'Support'],
    roles: ['employee', 'Supervisor', 'Master Admin'],
    users: [
      ...AGENTS.map((email, i): SeedUser => ({ email, name: `Agent ${i + 1}`, division: 'Support', roles: ['employee'] })),
      { email: 'boss@acme.com', name: 'Boss', division: 'Support', roles: ['employee', { role: 'Supervisor', division: 'Support' }] },
      { email: 'root.admin@acme.com', name: 'Root Admin', division: 'Support', roles: ['employee', 'Master Admin'] },
    ],
  };
}

/** A users file declaring `emails` (a line each, so overrides can follow). */
function usersYaml(emails: string[], extra: Record<string, string> = {}): string {
  const lines = ['users:'];
  for (const email of emails) {
    lines.push(`  - email: ${email}`, `    name: ${email === 'boss@acme.com' ? 'Boss' : email === 'root.admin@acme.com' ? 'Root Admin' : `Agent ${Number(email.slice(5, 7))}`}`);
    if (extra[email]) lines.push(...extra[email].split('\n').map((l) => `    ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

const EVERYONE = [...AGENTS, 'boss@acme.com', 'root.admin@acme.com'];

function safetyConfig(limits: string, prune = true): string {
  return `scope:\n  prune: ${prune}\n  divisions: [Support]\nsafety:\n  adminRoles: [Master Admin]\n  protectedUsers: [Boss@Acme.com]\n${limits}`;
}

describe('safety rules through the sandbox', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  before(async () => {
    sb = await start(safetySeed());
    conn = await open(sb);
  });
  after(() => sb.stop());

  // Three agents left out of a pruned scope of 14: 3 deactivations, 21.4%.
  const threeGone = () => usersYaml(EVERYONE.filter((e) => !['agent10@acme.com', 'agent11@acme.com', 'agent12@acme.com'].includes(e)));

  it('maxDeactivations', async () => {
    const { config, desired } = await project({ 'team.yaml': threeGone() }, safetyConfig('  maxDeactivations: 2\n  maxDeactivationPercent: 50\n'));
    const plan = await cleanPlan(conn, desired, config);
    assert.deepEqual(
      plan.changes.map((c) => `${c.action} ${c.email} ${c.reason}`),
      ['deactivate agent10@acme.com pruned', 'deactivate agent11@acme.com pruned', 'deactivate agent12@acme.com pruned'],
    );
    assert.deepEqual(plan.safety, {
      blocked: true,
      overridden: false,
      violations: [{ rule: 'max-deactivations', message: '3 deactivations of undeclared users in the pruned scope (21.4% of 14 managed users) exceed the limit of 2 (safety.maxDeactivations).' }],
    });
    // At the limit, the plan passes.
    const atLimit = await project({ 'team.yaml': threeGone() }, safetyConfig('  maxDeactivations: 3\n  maxDeactivationPercent: 50\n'));
    assert.deepEqual((await cleanPlan(conn, atLimit.desired, atLimit.config)).safety, { blocked: false, violations: [], overridden: false });
  });

  it('maxDeactivationPercent', async () => {
    const { config, desired } = await project({ 'team.yaml': threeGone() }, safetyConfig('  maxDeactivations: 10\n  maxDeactivationPercent: 20\n'));
    const plan = await cleanPlan(conn, desired, config);
    assert.deepEqual(plan.safety.violations, [
      { rule: 'max-deactivation-percent', message: '3 deactivations of undeclared users in the pruned scope (21.4% of 14 managed users) exceed the limit of 20% (safety.maxDeactivationPercent).' },
    ]);
    const looser = await project({ 'team.yaml': threeGone() }, safetyConfig('  maxDeactivations: 10\n  maxDeactivationPercent: 25\n'));
    assert.equal((await cleanPlan(conn, looser.desired, looser.config)).safety.blocked, false);
  });

  it('a protected user neither loses a role nor is deactivated', async () => {
    const limits = '  maxDeactivations: 10\n  maxDeactivationPercent: 100\n';
    const stripped = await project({ 'team.yaml': usersYaml(EVERYONE, { 'boss@acme.com': 'roles: [employee]' }) }, safetyConfig(limits));
    const plan = await cleanPlan(conn, stripped.desired, stripped.config);
    assert.deepEqual(
      plan.changes.map((c) => [c.action, c.email, c.fields.map((f) => f.field)]),
      [['update', 'boss@acme.com', ['roles']]],
    );
    assert.deepEqual(plan.safety.violations, [{ rule: 'protected-user', message: 'Protected user boss@acme.com would lose 1 role: Supervisor (Support).' }]);

    const declared = await project({ 'team.yaml': usersYaml(EVERYONE, { 'boss@acme.com': 'state: inactive' }) }, safetyConfig(limits));
    assert.deepEqual((await cleanPlan(conn, declared.desired, declared.config)).safety.violations, [
      { rule: 'protected-user', message: 'Protected user boss@acme.com would be deactivated (declared inactive).' },
    ]);

    const pruned = await project({ 'team.yaml': usersYaml(EVERYONE.filter((e) => e !== 'boss@acme.com')) }, safetyConfig(limits));
    assert.deepEqual((await cleanPlan(conn, pruned.desired, pruned.config)).safety.violations, [
      { rule: 'protected-user', message: 'Protected user boss@acme.com would be deactivated (undeclared in a pruned scope).' },
    ]);

    // Gaining a role is fine.
    const promoted = await project({ 'team.yaml': usersYaml(EVERYONE, { 'boss@acme.com': 'roles: [employee, Master Admin, { role: Supervisor, division: Support }]' }) }, safetyConfig(limits));
    const fine = await cleanPlan(conn, promoted.desired, promoted.config);
    assert.equal(fine.summary.update, 1);
    assert.equal(fine.safety.blocked, false);
  });

  it('the last holder of an admin role keeps it', async () => {
    const limits = '  maxDeactivations: 10\n  maxDeactivationPercent: 100\n';
    const off = await project({ 'team.yaml': usersYaml(EVERYONE, { 'root.admin@acme.com': 'state: inactive' }) }, safetyConfig(limits));
    assert.deepEqual((await cleanPlan(conn, off.desired, off.config)).safety.violations, [
      { rule: 'last-admin', message: 'The plan removes the last holder of the admin role "Master Admin": root.admin@acme.com (deactivated).' },
    ]);
    const demoted = await project({ 'team.yaml': usersYaml(EVERYONE, { 'root.admin@acme.com': 'roles: [employee]' }) }, safetyConfig(limits));
    assert.deepEqual((await cleanPlan(conn, demoted.desired, demoted.config)).safety.violations, [
      { rule: 'last-admin', message: 'The plan removes the last holder of the admin role "Master Admin": root.admin@acme.com (role removed).' },
    ]);
    // Handing the role to someone else in the same plan keeps the org administrable.
    const handover = await project(
      { 'team.yaml': usersYaml(EVERYONE, { 'root.admin@acme.com': 'roles: [employee]', 'agent01@acme.com': 'roles: [employee, Master Admin]' }) },
      safetyConfig(limits),
    );
    const plan = await cleanPlan(conn, handover.desired, handover.config);
    assert.equal(plan.summary.update, 2);
    assert.deepEqual(plan.safety.violations, []);
  });

  it('refuses to prune from an empty desired state', async () => {
    const { config, desired } = await project({ 'team.yaml': 'users: []\n' }, safetyConfig('  maxDeactivations: 100\n  maxDeactivationPercent: 100\n'));
    assert.equal(desired.users.length, 0);
    // The loader already refuses an empty desired state; the safety rule is the second line of defence.
    assert.deepEqual(loadErrors(desired).map((e) => e.code), ['no-users']);
    const { plan, errors } = await planOf(conn, desired, config);
    assert.deepEqual(errors, []);
    assert.equal(plan.summary.deactivate, 14);
    assert.deepEqual(plan.safety.violations, [
      { rule: 'empty-desired-state', message: 'Pruning is on and no users are declared: every active user in scope would be deactivated.' },
      { rule: 'protected-user', message: 'Protected user boss@acme.com would be deactivated (undeclared in a pruned scope).' },
      { rule: 'last-admin', message: 'The plan removes the last holder of the admin role "Master Admin": root.admin@acme.com (deactivated).' },
    ]);
  });

  it('refuses to prune when a whole file failed to load', async () => {
    const limits = '  maxDeactivations: 10\n  maxDeactivationPercent: 100\n';
    const team = usersYaml(EVERYONE.filter((e) => !e.startsWith('agent1')));
    // agent10–12 live in a second file that cannot be used as a whole: without the rule they would be pruned.
    const broken: [string, string][] = [
      ['late.yaml', 'users:\n  - email: agent10@acme.com\n    name: [Agent 10\n'], // does not parse
      ['late.yaml', usersYaml(['agent10@acme.com', 'agent11@acme.com', 'agent12@acme.com']).replace('users:', 'user:')], // parses, but no `users:` list
      ['late.yaml', 'users:\n  email: agent10@acme.com\n  name: Agent 10\n'], // `users` is not a list
      ['late.csv', 'mail,name\nagent10@acme.com,Agent 10\nagent11@acme.com,Agent 11\nagent12@acme.com,Agent 12\n'], // no email column
    ];
    for (const [name, text] of broken) {
      const files = { 'team.yaml': team, [name]: text };
      const { config, desired } = await project(files, safetyConfig(limits));
      assert.deepEqual(desired.failedFiles, [`users/${name}`], text);
      assert.ok(loadErrors(desired).some((e) => e.file === `users/${name}`), text);
      const { plan } = await planOf(conn, desired, config);
      assert.equal(plan.summary.deactivate, 3, text);
      assert.deepEqual(
        plan.safety.violations,
        [{ rule: 'failed-files', message: `Pruning is on but 1 file could not be read (users/${name}): their users would count as undeclared and be deactivated.` }],
        text,
      );
      // Without pruning a broken file cannot cost anyone their account.
      const unpruned = await project(files, safetyConfig(limits, false));
      const { plan: calm } = await planOf(conn, unpruned.desired, unpruned.config);
      assert.deepEqual(calm.changes, []);
      assert.deepEqual(calm.safety, { blocked: false, violations: [], overridden: false });
    }
  });

  it('allowUnsafe lets a blocked plan through, marked overridden', async () => {
    const { config, desired } = await project({ 'team.yaml': threeGone() }, safetyConfig('  maxDeactivations: 1\n'));
    const blocked = await cleanPlan(conn, desired, config);
    const overridden = await cleanPlan(conn, desired, config, true);
    assert.deepEqual(blocked.safety.violations.map((v) => v.rule), ['max-deactivations', 'max-deactivation-percent']);
    assert.deepEqual(overridden.safety, { ...blocked.safety, overridden: true });
    assert.deepEqual(overridden.changes, blocked.changes);
    assert.notEqual(overridden.checksum, blocked.checksum, 'the override is sealed into the checksum');
    // Nothing to override: a safe plan is never marked.
    const safe = await project({ 'team.yaml': usersYaml(EVERYONE) }, safetyConfig('  maxDeactivations: 1\n'));
    assert.deepEqual((await cleanPlan(conn, safe.desired, safe.config, true)).safety, { blocked: false, violations: [], overridden: false });
    assertReadOnly(sb);
  });
});

// ---- faults, convergence, secrets ----------------------------------------------------------------

/** The plan without what legitimately differs between two reads of the same org: the call count it took. */
function comparable(plan: Plan): Omit<Plan, 'readCalls' | 'checksum'> {
  const { readCalls: _calls, checksum: _checksum, ...rest } = plan;
  return rest;
}

describe('reads that meet faults', () => {
  it('plans the same after scripted 5xx and 429 answers, and counts the retries', async () => {
    await withOrg(acmeSeed(), async (sb, clean) => {
      const { config, desired } = await project({ 'team.yaml': TEAM_YAML });
      const expected = await cleanPlan(clean, desired, config);
      assert.deepEqual(clean.stats().retries, 0);

      // Virtual time: the 429's second passes without waiting.
      const clock = new SkippingClock();
      const conn = await open(sb, FAST, clock);
      const since = sb.requests.length;
      const tier1 = idOf(sb, 'queues', 'Support - Tier 1');
      sb.script({ method: 'GET', path: '/api/v2/users', kind: '5xx', status: 503, body: 'json' });
      sb.script({ method: 'GET', path: `/api/v2/routing/queues/${tier1}/members`, kind: '5xx', status: 502, body: 'html' });
      sb.script({ method: 'POST', path: '/api/v2/users/search', kind: '5xx', status: 500, body: 'empty' });
      sb.script({ method: 'GET', path: '/api/v2/authorization/divisions/{id}/grants', kind: '5xx', status: 504, body: 'json' });
      sb.script({ method: 'GET', path: '/api/v2/groups', kind: '429', ms: 1_000 });
      const faulty = await cleanPlan(conn, desired, config);

      const met = sb.requests.slice(since).filter((r) => r.fault !== undefined);
      assert.deepEqual(met.map((r) => [r.status, r.fault]).sort(), [[429, '429'], [500, '5xx'], [502, '5xx'], [503, '5xx'], [504, '5xx']]);
      const stats = conn.stats();
      assert.equal(stats.retries, 4);
      assert.equal(stats.rateLimited, 1);
      assert.ok(clock.elapsed() >= 1_000, 'the 429 was waited out');
      assert.deepEqual(comparable(faulty), comparable(expected));
      assert.equal(faulty.readCalls, expected.readCalls + 5, 'each fault cost one more call');
    });
  });

  it('plans the same when every API route it reads answers a 5xx once, each retried once', async () => {
    const seed = acmeSeed();
    const { config, desired } = await project({ 'team.yaml': TEAM_YAML });
    let expected: Plan | undefined;
    const routes = new Set<string>();
    await withOrg(seed, async (sb, conn) => {
      expected = await cleanPlan(conn, desired, config);
      // Each route the plan reads, ids written as {id}: one scripted fault per route below.
      for (const r of sb.requests) if (r.path.startsWith('/api/v2/')) routes.add(`${r.method} ${r.path.replace(/\/[0-9a-f]{8}-[0-9a-f-]{27}(?=\/|$)/g, '/{id}')}`);
    });
    assert.ok(expected);
    assert.ok(routes.size >= 8, [...routes].join(', '));
    const answers = [
      { status: 500, body: 'json' },
      { status: 502, body: 'html' },
      { status: 503, body: 'empty' },
      { status: 504, body: 'json' },
    ] as const;
    await withOrg(seed, async (sb, conn) => {
      [...routes].forEach((route, i) => {
        const [method = '', path = ''] = route.split(' ');
        sb.script({ method, path, kind: '5xx', ...answers[i % answers.length] });
      });
      const faulty = await cleanPlan(conn, desired, config);
      const met = sb.requests.filter((r) => r.fault === '5xx');
      assert.equal(met.length, routes.size, 'every route met its fault');
      assert.equal(conn.stats().retries, routes.size);
      assert.equal(faulty.readCalls, expected!.readCalls + routes.size);
      // Another sandbox on another port: only the target's URL differs.
      assert.deepEqual({ ...comparable(faulty), target: null }, { ...comparable(expected!), target: null });
      assert.equal(faulty.target.orgId, expected!.target.orgId);
    });
  });
});

describe("reads with a real org's consistency faults on", () => {
  it('plans the same as against a sandbox without them, right after writes to the users', async () => {
    const seed = acmeSeed();
    const { config, desired } = await project({ 'team.yaml': TEAM_YAML });
    let expected: Plan | undefined;
    await withOrg(seed, async (_sb, conn) => {
      expected = await cleanPlan(conn, desired, config);
    });
    await withOrg(
      seed,
      async (sb, conn) => {
        // Writes moments before the read: users being patched, reads of them lagging (the listings must not).
        for (const user of sb.org.listUsers('any')) sb.org.updateUser(user.id, () => {});
        for (const user of sb.org.listUsers('any')) sb.org.updateUser(user.id, () => {});
        const faulty = await cleanPlan(conn, desired, config);
        assert.deepEqual({ ...comparable(faulty), target: null, changes: faulty.changes.map(({ version: _v, ...c }) => c) }, { ...comparable(expected!), target: null, changes: expected!.changes.map(({ version: _v, ...c }) => c) });
      },
      // The realism profile's consistency items at full strength: no dice decide whether the test means anything.
      { faults: 'sub-conflict:1:1s,stale-read:1:1s,auth-lag:1s' },
    );
  });
});

describe('convergence', () => {
  it('plans no changes once the plan is applied', async () => {
    await withOrg(acmeSeed(), async (sb, conn) => {
      const { config, desired } = await project({ 'team.yaml': TEAM_YAML });
      const plan = await cleanPlan(conn, desired, config);
      assert.equal(plan.changes.length, 5);
      const report = await applyPlan(plan, conn.writer, { concurrency: 4, findRetry: { attempts: 20, delayMs: 20 } });
      assert.deepEqual(report.problems, []);
      assert.equal(report.failed, 0);

      const again = await cleanPlan(conn, desired, config);
      assert.deepEqual(again.changes, []);
      assert.deepEqual(again.summary, { create: 0, restore: 0, update: 0, deactivate: 0, unchanged: 5, unmanaged: 1 });
      assert.deepEqual(again.safety, { blocked: false, violations: [], overridden: false });

      // The org really holds what the files say.
      const live = (email: string) => {
        const rec = sb.org.liveUserByEmail(email);
        assert.ok(rec, email);
        return rec;
      };
      assert.equal(live('nina.berg@acme.com').title, 'Support Lead');
      assert.deepEqual([...live('nina.berg@acme.com').skills], [[idOf(sb, 'skills', 'Billing'), 5]]);
      assert.equal(live('priya.raman@acme.com').state, 'inactive');
      assert.equal(live('tom.becker@acme.com').state, 'active');
      assert.equal(live('kim.sato@acme.com').title, 'Senior Agent');
      assert.equal(live('ada.new@acme.com').managerId, live('ola.lind@acme.com').id);
      assert.equal(live('ada.new@acme.com').divisionId, idOf(sb, 'divisions', 'Sales'));
    });
  });
});

describe('secrets', () => {
  const leaks = (text: string): string[] => [SECRET, BASIC].filter((s) => text.includes(s)).concat(/Bearer\s+[A-Za-z0-9]/.test(text) ? ['a bearer token'] : []);
  const shown = (error: unknown): string => `${String(error)}\n${JSON.stringify(error)}\n${inspect(error, { depth: 8, showHidden: true })}`;

  it('never puts the client secret in a plan, its errors, or any error thrown', async () => {
    await withOrg(acmeSeed(), async (sb, conn) => {
      const { config, desired } = await project({ 'team.yaml': TEAM_YAML.replace('Billing: 5', 'Billng: 5') });
      const { plan, errors } = await planOf(conn, desired, config);
      assert.equal(errors.length, 1);
      assert.equal(plan.changes.length, 4);
      assert.deepEqual(leaks(JSON.stringify(plan)), []);
      assert.deepEqual(leaks(JSON.stringify(errors)), []);

      // A read that keeps failing: the API error, however it is printed.
      for (let i = 0; i <= FAST.maxRetries; i++) sb.script({ method: 'GET', path: '/api/v2/organizations/me', kind: '5xx', status: 500, body: 'json' });
      const apiError = await planOf(conn, desired, config).then(
        () => assert.fail('the read should fail'),
        (error: unknown) => error,
      );
      assert.match(String(apiError), /500/);
      assert.deepEqual(leaks(shown(apiError)), []);

      // A connection dropped on every try: axios errors carry the Authorization header.
      for (let i = 0; i <= FAST.maxRetries; i++) sb.script({ method: 'GET', path: '/api/v2/routing/skills', kind: 'drop' });
      const dropped = await planOf(conn, desired, config).then(
        () => assert.fail('the read should fail'),
        (error: unknown) => error,
      );
      assert.deepEqual(leaks(shown(dropped)), []);

      // The login dropped on every try: its request carried Basic base64(id:secret).
      for (let i = 0; i <= FAST.maxRetries; i++) sb.script({ method: 'POST', path: '/oauth/token', kind: 'drop' });
      const login = await open(sb).then(
        () => assert.fail('the login should fail'),
        (error: unknown) => error,
      );
      assert.deepEqual(leaks(shown(login)), []);

      // A refused login (wrong secret): neither secret appears.
      const wrong = `${SECRET}-wrong`;
      const refused = await connect({ environment: sb.url, clientId: CLIENT_ID, clientSecret: wrong }, { retry: FAST }).then(
        () => assert.fail('the login should be refused'),
        (error: unknown) => error,
      );
      const text = shown(refused);
      assert.ok(!text.includes(wrong) && !text.includes(Buffer.from(`${CLIENT_ID}:${wrong}`).toString('base64')), text);
      assert.deepEqual(leaks(text), []);
    });
  });
});
