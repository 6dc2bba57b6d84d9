// Export, plan, apply and plan again on an org with 25,000 inactive users, through the SDK: Genesys lists at most 10,000 of them.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyPlan } from '../../src/apply/index.js';
import { exportToFolder } from '../../src/cli/export.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { DEFAULT_EXPORT_OPTIONS } from '../../src/export/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import type { DesiredState, Plan, ProvisionConfig } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { renderText } from '../../src/render/index.js';
import { generateOrg, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg } from '../../src/sandbox/index.js';

const CLIENT = { id: 'inactive-e2e', secret: 'inactive-e2e-secret-9d2b7e' };
const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };
const FORMER = 25_000;

let root: string;
let sb: RunningSandbox;
let conn: Connection;

/** Emails of the first former users, who the tests bring back, rename and name as managers. */
let former: string[] = [];

/** 150 generated users and 25,000 former ones; Ada's manager left the company. */
function seed(): SeedOrg {
  const org = generateOrg({ users: 150, queues: 3, groups: 2, seed: 31, formerUsers: FORMER });
  const users = org.users ?? [];
  former = users.filter((u) => u.email.endsWith('@former.example.com')).slice(0, 5).map((u) => u.email);
  users.push(
    { email: 'ada@acme.com', name: 'Ada', title: 'Agent', manager: former[1], roles: ['employee'] },
    { email: 'ben@acme.com', name: 'Ben', title: 'Agent', roles: ['employee'] },
  );
  return org;
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'provision-inactive-'));
  sb = await startSandbox({ seed: seed(), requestsPerMinute: 1_000_000, clients: [CLIENT] });
  conn = await connect({ environment: sb.url, clientId: CLIENT.id, clientSecret: CLIENT.secret, requestsPerMinute: 1_000_000, timeoutMs: 10_000 }, { retry: FAST });
});
after(async () => {
  await sb?.stop();
  await rm(root, { recursive: true, force: true });
});

async function planOf(desired: DesiredState, config: ProvisionConfig): Promise<Plan> {
  const org = await conn.reader.readOrg(readRequestFor(desired, config));
  const { plan, errors } = buildPlan({ desired, org, config });
  assert.deepEqual(errors, []);
  return plan;
}

async function project(files: Record<string, string>): Promise<{ config: ProvisionConfig; desired: DesiredState }> {
  const dir = await mkdtemp(path.join(root, 'p-'));
  await mkdir(path.join(dir, 'users'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, 'users', name), text);
  const config = defaultConfig(dir);
  const desired = await loadDesired([config.usersDir], config, { cwd: dir });
  assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
  return { config, desired };
}

/** Requests Genesys would refuse: none may be met. */
function refused(since: number): string[] {
  return sb.requests
    .slice(since)
    .filter((r) => r.status >= 400)
    .map((r) => `${r.status} ${r.method} ${r.path}?${r.query}`);
}

describe('an org with 25,000 inactive users', () => {
  it('exports every user, and plans the exported files with no change', async () => {
    const since = sb.requests.length;
    const dir = await mkdtemp(path.join(root, 'export-'));
    // A few fields keep the test quick: role grants (one listing page per 100 grants) are the benchmark's.
    const options = { ...DEFAULT_EXPORT_OPTIONS, splitBy: 'division' as const, fields: ['title', 'division', 'manager', 'state', 'skills', 'languages'] as const };
    const result = await exportToFolder(conn.reader, { out: path.join(dir, 'users'), options, force: false, dryRun: false, cwd: dir });
    assert.deepEqual(refused(since), []);
    const live = [...sb.org.users.values()].filter((u) => u.state !== 'deleted');
    assert.equal(result.users, live.length);
    assert.ok(live.filter((u) => u.state === 'inactive').length > FORMER);
    assert.deepEqual(result.warnings.filter((w) => w.code === 'inactive-users-not-read'), []);

    const config = defaultConfig(dir);
    const desired = await loadDesired([config.usersDir], config, { cwd: dir });
    assert.deepEqual(desired.issues.filter((i) => i.severity === 'error').slice(0, 3), []);
    assert.equal(desired.users.length, live.length);
    const planned = sb.requests.length;
    const plan = await planOf(desired, config);
    assert.deepEqual(refused(planned), []);
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email}`), []);
    assert.equal(plan.summary.unchanged, live.length);
  });

  it('plans, applies and plans again: users who left come back, leave, and serve as managers', async () => {
    const email = (n: number) => former[n] ?? '';
    const names = (n: number) => sb.org.liveUserByEmail(email(n))?.name ?? '';
    // Former users 1 (Ada's current manager) and 2 stay undeclared; 3 returns; 4 gets a new title, still inactive.
    for (const n of [1, 2, 3, 4]) assert.equal(sb.org.liveUserByEmail(email(n))?.state, 'inactive', email(n));
    const { config, desired } = await project({
      'team.yaml': `users:
  - email: ada@acme.com
    name: Ada
    manager: ${email(2)}
  - email: ben@acme.com
    name: Ben
    state: inactive
  - email: ${email(3)}
    name: ${names(3)}
    title: Returning Agent
    state: active
  - email: ${email(4)}
    name: ${names(4)}
    title: Alumni
    manager: ben@acme.com
`,
    });
    const since = sb.requests.length;
    const plan = await planOf(desired, config);
    assert.deepEqual(refused(since), []);
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email} ${c.fields.map((f) => f.field).join(',')}`).sort(), [
      `deactivate ben@acme.com `,
      `update ${email(3)} state,title`,
      `update ${email(4)} title,manager`,
      'update ada@acme.com manager',
    ].sort());
    // The manager change shows both managers by email, though neither is an active user.
    const text = renderText(plan, false);
    assert.match(text, new RegExp(`manager: +${email(1).replace(/\./g, '\\.')} → ${email(2).replace(/\./g, '\\.')}`));
    assert.deepEqual(plan.warnings.map((w) => w.code), ['manager-undeclared']);
    assert.match(plan.warnings[0]?.message ?? '', /\(inactive\)/);

    const report = await applyPlan(plan, conn.writer, { concurrency: 4, findRetry: { attempts: 5, delayMs: 10 } });
    assert.deepEqual(report.problems, []);
    const again = await planOf(desired, config);
    assert.deepEqual(again.changes, []);
    assert.deepEqual(again.summary.unchanged, 4);
    assert.equal(sb.org.liveUserByEmail('ada@acme.com')?.managerId, sb.org.liveUserByEmail(email(2))?.id);
    assert.equal(sb.org.liveUserByEmail(email(3))?.state, 'active');
    assert.equal(sb.org.liveUserByEmail(email(4))?.title, 'Alumni');
    assert.equal(sb.org.liveUserByEmail('ben@acme.com')?.state, 'inactive');
  });
});
