// End to end against the sandbox through the SDK (plan, apply, plan again): queues and roles through groups, bulk-grant quirks, the auth lag.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { applyPlan } from '../../src/apply/index.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import type { DesiredState, FieldChange, Issue, Plan, ProvisionConfig } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { renderText } from '../../src/render/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg, StartOptions } from '../../src/sandbox/index.js';
import { sdkClientFor } from '../support/sdk.js';

const CLIENT = { id: 'groups-e2e-client', secret: 'gRoUpS-e2e-s3cret-51c0ffee' };
const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };

let root: string;
let projects = 0;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'provision-groups-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

interface World {
  sb: RunningSandbox;
  conn: Connection;
  config: ProvisionConfig;
  desired: DesiredState;
}

/** A sandbox seeded with `seed`, a connection to it, and `files` as users/ of a fresh project (paths shown as `users/<name>`). */
async function withWorld(seed: SeedOrg, files: Record<string, string>, fn: (w: World) => Promise<void>, options: StartOptions = {}): Promise<void> {
  projects += 1;
  const dir = path.join(root, `p${projects}`);
  await mkdir(path.join(dir, 'users'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    if (text.startsWith('fixture:')) await copyFile(text.slice('fixture:'.length), path.join(dir, 'users', name));
    else await writeFile(path.join(dir, 'users', name), text);
  }
  const config = defaultConfig(dir);
  const desired = await loadDesired([config.usersDir], config, { cwd: dir });
  assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), [], 'the files load without errors');
  const sb = await startSandbox({ port: 0, seed, requestsPerMinute: 1_000_000, clients: [CLIENT], ...options });
  try {
    const conn = await connect({ environment: sb.url, clientId: CLIENT.id, clientSecret: CLIENT.secret, requestsPerMinute: 1_000_000, timeoutMs: 5_000 }, { retry: FAST });
    await fn({ sb, conn, config, desired });
  } finally {
    await sb.stop();
  }
}

async function planOf(w: World): Promise<{ plan: Plan; errors: Issue[] }> {
  const org = await w.conn.reader.readOrg(readRequestFor(w.desired, w.config));
  return buildPlan({ desired: w.desired, org, config: w.config });
}

async function cleanPlan(w: World): Promise<Plan> {
  const { plan, errors } = await planOf(w);
  assert.deepEqual(errors, []);
  return plan;
}

/** Applies the plan, then plans again: the second plan must hold no changes. */
async function applyAndConverge(w: World, plan: Plan): Promise<Plan> {
  const report = await applyPlan(plan, w.conn.writer, { concurrency: 4, findRetry: { attempts: 5, delayMs: 20 } });
  assert.deepEqual(report.problems, [], 'every operation succeeded');
  const again = await cleanPlan(w);
  assert.deepEqual(again.changes.map((c) => `${c.action} ${c.email} ${c.fields.map((f) => f.field).join(',')}`), [], 'plan again: no changes');
  return again;
}

const fieldsOf = (plan: Plan, email: string): Record<string, FieldChange> => Object.fromEntries((plan.changes.find((c) => c.email === email)?.fields ?? []).map((f) => [f.field, f]));
const setNames = (f: FieldChange | undefined): { add: string[]; remove: string[] } => (f?.kind === 'set' ? { add: f.add.map((n) => n.name), remove: f.remove.map((n) => n.name) } : { add: [], remove: [] });

// ---- queues through groups -------------------------------------------------------------------------

function queueSeed(): SeedOrg {
  return {
    org: { id: 'org-groups-e2e', name: 'Groups E2E' },
    divisions: [{ name: 'Home', home: true }, 'Support'],
    roles: ['employee'],
    queues: [{ name: 'Support - Tier 1', memberGroups: ['Support Team'] }, 'Support - Tier 2', { name: 'Sales - Inbound', memberGroups: ['Sales Team'] }],
    groups: ['Support Team', 'Sales Team'],
    users: [
      { email: 'nina.berg@acme.com', name: 'Nina Berg', groups: ['Support Team'], queues: ['Support - Tier 2'] },
      { email: 'priya.raman@acme.com', name: 'Priya Raman', groups: ['Support Team'] },
      { email: 'ola.lind@acme.com', name: 'Ola Lind', groups: ['Support Team'] },
    ],
  };
}

const OTHERS_YAML = `users:
  - email: priya.raman@acme.com
    name: Priya Raman
    queues: [Support - Tier 2]
  - email: ola.lind@acme.com
    name: Ola Lind
    groups: [Sales Team]
    queues: [Support - Tier 1]
  - email: tom.new@acme.com
    name: Tom New
    groups: [Sales Team]
    queues: [Sales - Inbound]
`;

test('queues through groups: never a removal, never added directly, a named one warned about at its file:line:column; apply converges', async () => {
  const files = { 'support.yaml': 'fixture:test/fixtures/invalid/queue-via-group.yaml', 'others.yaml': OTHERS_YAML };
  await withWorld(queueSeed(), files, async (w) => {
    const plan = await cleanPlan(w);
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email}`), ['create tom.new@acme.com', 'update ola.lind@acme.com', 'update priya.raman@acme.com']);
    // Priya is in Tier 1 only through Support Team: adding Tier 2 removes nothing.
    assert.deepEqual(setNames(fieldsOf(plan, 'priya.raman@acme.com').queues), { add: ['Support - Tier 2'], remove: [] });
    // Ola leaves Support Team (and with it Tier 1), so she joins Tier 1 directly; Sales comes through Sales Team.
    assert.deepEqual(setNames(fieldsOf(plan, 'ola.lind@acme.com').groups), { add: ['Sales Team'], remove: ['Support Team'] });
    assert.deepEqual(setNames(fieldsOf(plan, 'ola.lind@acme.com').queues), { add: ['Support - Tier 1'], remove: [] });
    // Tom is created into Sales Team, which brings Sales - Inbound: no direct membership.
    assert.equal(fieldsOf(plan, 'tom.new@acme.com').queues, undefined);
    const warnings = plan.warnings.filter((i) => i.code === 'queue-via-group');
    assert.deepEqual(
      warnings.map((i) => [i.file, i.line, i.column, /queue "([^"]+)"/.exec(i.message)?.[1]]),
      [
        ['users/others.yaml', 12, 14, 'Sales - Inbound'],
        ['users/support.yaml', 5, 14, 'Support - Tier 1'],
      ],
    );
    assert.match(warnings[1]?.message ?? '', /^nina\.berg@acme\.com is in queue "Support - Tier 1" through the group "Support Team"/);
    // Queues without member groups are read once (memberBy=user); the others once more for their group members.
    const reads = w.sb.requests.filter((r) => r.path.endsWith('/members') && r.method === 'GET').map((r) => `${w.sb.org.queues.get(r.path.split('/')[5] as string)?.name} ${new URLSearchParams(r.query).get('memberBy')}`);
    assert.deepEqual(reads.sort(), ['Sales - Inbound group', 'Sales - Inbound user', 'Support - Tier 1 group', 'Support - Tier 1 user', 'Support - Tier 2 user']);

    const again = await applyAndConverge(w, plan);
    assert.deepEqual(again.warnings.filter((i) => i.code === 'queue-via-group').map((i) => i.line), [12, 5], 'the warnings stay until the files change');
    const members = async (queue: string, memberBy: 'user' | 'group') => {
      const sdk = await sdkClientFor({ port: w.sb.port, clients: [CLIENT] });
      const id = w.sb.org.queues.byExactName(queue)?.id as string;
      return ((await sdk.routing.getRoutingQueueMembers(id, { pageSize: 100, memberBy })).entities ?? []).map((m) => m.name).sort();
    };
    assert.deepEqual(await members('Support - Tier 1', 'user'), ['Ola Lind']);
    assert.deepEqual(await members('Support - Tier 1', 'group'), ['Nina Berg', 'Priya Raman']);
    assert.deepEqual(await members('Sales - Inbound', 'group'), ['Ola Lind', 'Tom New']);
    assert.deepEqual(await members('Sales - Inbound', 'user'), []);
  });
});

// ---- roles through groups --------------------------------------------------------------------------

const ROLES_YAML = `users:
  - email: ola.lind@acme.com
    name: Ola Lind
    roles: [employee]
  - email: nina.berg@acme.com
    name: Nina Berg
    roles: [employee]
  - email: kim.sato@acme.com
    name: Kim Sato
    roles:
      - { role: Supervisor, division: "*" }
`;

function roleSeed(divisions: string[]): SeedOrg {
  const twoDivisions = divisions.length > 1;
  return {
    org: { id: 'org-roles-e2e', name: 'Roles E2E' },
    divisions: [{ name: 'Home', home: true }, ...divisions.slice(1)],
    roles: ['employee', 'Supervisor', 'admin'],
    groups: [{ name: 'Team Leads', roles: [twoDivisions ? { role: 'Supervisor', division: 'Support' } : 'Supervisor'] }, { name: 'Admins', roles: ['admin'] }],
    users: [
      { email: 'root@acme.com', name: 'Root', groups: ['Admins'] },
      { email: 'ola.lind@acme.com', name: 'Ola Lind', roles: ['employee'], groups: ['Team Leads'] },
      { email: 'nina.berg@acme.com', name: 'Nina Berg', roles: ['employee', twoDivisions ? { role: 'Supervisor', division: 'Support' } : 'Supervisor'], groups: ['Team Leads'] },
      { email: 'kim.sato@acme.com', name: 'Kim Sato', groups: ['Team Leads'] },
    ],
  };
}

for (const divisions of [['Home', 'Support'], ['Home']]) {
  test(`roles through groups (${divisions.length} division${divisions.length > 1 ? 's' : ''}): never revoked, shown beside the user's own; '*' grants converge`, async () => {
    await withWorld(roleSeed(divisions), { 'roles.yaml': ROLES_YAML }, async (w) => {
      const plan = await cleanPlan(w);
      // Ola holds Supervisor only through Team Leads: nothing to change.
      assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email}`), ['update kim.sato@acme.com', 'update nina.berg@acme.com']);
      const nina = fieldsOf(plan, 'nina.berg@acme.com').roles;
      assert.ok(nina?.kind === 'grants');
      assert.deepEqual(nina.remove.map((g) => g.role), ['Supervisor']);
      assert.deepEqual(nina.inherited?.map((g) => g.group), ['Team Leads']);
      const kim = fieldsOf(plan, 'kim.sato@acme.com').roles;
      assert.ok(kim?.kind === 'grants');
      assert.deepEqual(kim.add.map((g) => `${g.role}@${g.divisionId}`), ['Supervisor@*']);
      // Team Leads gives Kim Supervisor in one division only: her own grant in all of them is not a copy of it.
      assert.equal(kim.inherited, undefined);
      const text = renderText(plan);
      assert.match(text, /- Supervisor \((Support|Home) division\) \(still held through group "Team Leads"\)/);
      assert.match(text, /\+ Supervisor \(all divisions\)\n/);
      assert.deepEqual(plan.safety.violations, [], 'Root holds admin through Admins');
      await applyAndConverge(w, plan);
      const own = (email: string) => w.sb.org.liveUserByEmail(email)?.grants.map((g) => `${w.sb.org.roles.get(g.roleId)?.name}@${g.divisionId === '*' ? '*' : w.sb.org.divisions.get(g.divisionId)?.name}`).sort();
      assert.deepEqual(own('nina.berg@acme.com'), ['employee@Home']);
      assert.deepEqual(own('kim.sato@acme.com'), ['Supervisor@*']);
      assert.deepEqual(own('ola.lind@acme.com'), ['employee@Home']);
    });
  });
}

test('roles through groups: taking the only admin out of the group that makes them one is blocked as last-admin', async () => {
  const files = { 'root.yaml': 'users:\n  - email: root@acme.com\n    name: Root\n    groups: []\n' };
  await withWorld(roleSeed(['Home', 'Support']), files, async (w) => {
    const plan = await cleanPlan(w);
    // Roles are not managed here, so grants are not read: leaving a group that may grant the role is taken as losing it.
    assert.deepEqual(plan.safety.violations.map((v) => v.message), ['The plan removes the last holder of the admin role "admin": root@acme.com (leaves group "Admins", which may grant it).']);
  });
});

// ---- bulk-grant quirks and the authorization cache lag ----------------------------------------------

test('a role deleted between plan and apply: bulkremove fails, one DELETE per grant follows, and the plan converges', async () => {
  const seed: SeedOrg = {
    org: { id: 'org-quirks-e2e', name: 'Quirks E2E' },
    divisions: [{ name: 'Home', home: true }, 'Support'],
    roles: ['employee', 'Seasonal Helper', 'Supervisor'],
    users: [{ email: 'ola.lind@acme.com', name: 'Ola Lind', roles: ['employee', 'Seasonal Helper', { role: 'Supervisor', division: 'Support' }] }],
  };
  await withWorld(seed, { 'ola.yaml': 'users:\n  - email: ola.lind@acme.com\n    name: Ola Lind\n    roles: [employee]\n' }, async (w) => {
    const plan = await cleanPlan(w);
    const roles = fieldsOf(plan, 'ola.lind@acme.com').roles;
    assert.ok(roles?.kind === 'grants');
    assert.deepEqual(roles.remove.map((g) => g.role), ['Seasonal Helper', 'Supervisor']);
    // An admin deletes the role after the plan was made (its grants go with it).
    const sdk = await sdkClientFor({ port: w.sb.port, clients: [CLIENT] });
    await sdk.authorization.deleteAuthorizationRole(w.sb.org.roles.byExactName('Seasonal Helper')?.id as string);
    const from = w.sb.requests.length;
    await applyAndConverge(w, plan);
    const writes = w.sb.requests.slice(from).filter((r) => r.path.startsWith('/api/v2/authorization/subjects/') && r.method !== 'GET').map((r) => `${r.method} ${r.path.split('/').slice(6).join('/').replace(/[0-9a-f-]{36}/g, 'ID')} ${r.status}`);
    assert.deepEqual(writes, ['POST bulkremove 404', 'DELETE divisions/ID/roles/ID 404', 'DELETE divisions/ID/roles/ID 204']);
  });
});

test('auth-lag: a role created moments ago answers 404 to the grant, which is retried until it goes through', async () => {
  const seed: SeedOrg = { org: { id: 'org-lag-e2e', name: 'Lag E2E' }, divisions: [{ name: 'Home', home: true }], roles: ['employee'], users: [{ email: 'ola.lind@acme.com', name: 'Ola Lind', roles: ['employee'] }] };
  const files = { 'ola.yaml': 'users:\n  - email: ola.lind@acme.com\n    name: Ola Lind\n    roles: [employee, Night Shift Lead]\n' };
  // The sandbox's clock stands still until a grant has met the lag, then moves past it: no race with real time.
  let now = Date.UTC(2026, 5, 1);
  let lagged = 0;
  const onRequest: StartOptions['onRequest'] = (entry) => {
    if (entry.path.endsWith('/bulkadd') && entry.status === 404) {
      lagged += 1;
      now += 60_000;
    }
  };
  await withWorld(
    seed,
    files,
    async (w) => {
      w.sb.org.now = () => now;
      // The role is created (through the API) just before the plan that grants it.
      const sdk = await sdkClientFor({ port: w.sb.port, clients: [CLIENT] });
      await sdk.authorization.postAuthorizationRoles({ name: 'Night Shift Lead', permissions: [] });
      const plan = await cleanPlan(w);
      assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email}`), ['update ola.lind@acme.com']);
      await applyAndConverge(w, plan);
      assert.equal(lagged, 1, 'the first grant met the lag');
      const bulkadds = w.sb.requests.filter((r) => r.path.endsWith('/bulkadd')).map((r) => r.status);
      assert.deepEqual(bulkadds, [404, 204]);
    },
    { faults: 'auth-lag:30s', onRequest },
  );
});

test('one division: role ids stand for own grants only while no holder is in a group that may hold roles', async () => {
  const files = { 'roles.yaml': 'users:\n  - email: ola.lind@acme.com\n    name: Ola Lind\n    roles: [employee]\n' };
  const grantListings = (sb: RunningSandbox) => sb.requests.filter((r) => r.path.endsWith('/grants')).length;
  // Ola holds Supervisor through Team Leads: her listed roles include it, so grants are read per division and nothing is revoked.
  await withWorld(roleSeed(['Home']), files, async (w) => {
    const plan = await cleanPlan(w);
    assert.deepEqual(plan.changes, []);
    assert.equal(grantListings(w.sb), 1);
  });
  // Nobody is in a group that may hold roles (Social has rolesEnabled false): the users listing is enough.
  const seed: SeedOrg = {
    org: { id: 'org-roles-e2e', name: 'Roles E2E' },
    roles: ['employee', 'Supervisor'],
    groups: [{ name: 'Social', rolesEnabled: false }],
    users: [{ email: 'ola.lind@acme.com', name: 'Ola Lind', roles: ['employee', 'Supervisor'], groups: ['Social'] }],
  };
  await withWorld(seed, files, async (w) => {
    const plan = await cleanPlan(w);
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email}`), ['update ola.lind@acme.com']);
    assert.equal(grantListings(w.sb), 0);
    await applyAndConverge(w, plan);
  });
});
