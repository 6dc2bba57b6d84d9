// Someone else edits the org between plan and apply, through the sandbox and the real SDK: their changes are never overwritten, and list removals keep their additions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPlan } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import type { OperationRecord } from '../../src/model/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg } from '../../src/sandbox/index.js';
import { desiredState, planFor, testUser, withHarness } from './harness.js';
import type { Harness } from './harness.js';

const quick: ApplyOptions = { concurrency: 4, findRetry: { attempts: 10, delayMs: 20 } };

/** Leads to report to, and four users: one whose manager, one whose phones, one whose state the plan changes, one with a title. */
const SEED: SeedOrg = {
  org: { id: 'org-editor', name: 'Editor' },
  divisions: [{ name: 'Home', home: true }],
  users: [
    { email: 'lead.one@acme.com', name: 'Lead One' },
    { email: 'lead.two@acme.com', name: 'Lead Two' },
    { email: 'lead.three@acme.com', name: 'Lead Three' },
    { email: 'ola.lind@acme.com', name: 'Ola Lind', manager: 'lead.one@acme.com' },
    { email: 'nina.berg@acme.com', name: 'Nina Berg', phones: [{ type: 'work', number: '+13175550100' }] },
    { email: 'kim.sato@acme.com', name: 'Kim Sato' },
    { email: 'bo.ek@acme.com', name: 'Bo Ek', title: 'Agent' },
  ],
};

const USERS_YAML = `users:
  - email: ola.lind@acme.com
    name: Ola Lind
    manager: lead.two@acme.com
  - email: nina.berg@acme.com
    name: Nina Berg
    phones:
      work: "+1 317 555 0101"
  - email: kim.sato@acme.com
    name: Kim Sato
    state: inactive
  - email: bo.ek@acme.com
    name: Bo Ek
    title: Lead
`;

/** Between plan and apply: Ola gets another manager, Nina another phone, Kim is deleted; Bo is left alone. */
function edit(sb: RunningSandbox): { lead3: string } {
  const org = sb.org;
  const id = (email: string): string => org.liveUserByEmail(email)!.id;
  const lead3 = id('lead.three@acme.com');
  org.updateUser(id('ola.lind@acme.com'), (u) => {
    u.managerId = lead3;
  });
  org.updateUser(id('nina.berg@acme.com'), (u) => {
    u.addresses = [{ address: '+13175550199', mediaType: 'PHONE', type: 'WORK' }];
  });
  org.updateUser(id('kim.sato@acme.com'), (u) => {
    u.state = 'deleted';
    u.dateDeleted = new Date().toISOString();
  });
  return { lead3 };
}

/** Nothing of the editor's is overwritten; Bo's change, which nobody else touched, is applied. */
function assertEditorKept(sb: RunningSandbox, lead3: string): void {
  const org = sb.org;
  assert.equal(org.liveUserByEmail('ola.lind@acme.com')?.managerId, lead3, "Ola's manager is the editor's");
  assert.deepEqual(org.liveUserByEmail('nina.berg@acme.com')?.addresses.map((a) => a.address), ['+13175550199'], "Nina's phone is the editor's");
  const kim = org.usersByEmail('kim.sato@acme.com');
  assert.deepEqual(kim.map((u) => u.state), ['deleted'], 'Kim stays deleted: never brought back as inactive');
  assert.equal(org.liveUserByEmail('bo.ek@acme.com')?.title, 'Lead');
}

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const CLIENT = { id: 'editor-client', secret: 'editor-secret-0f3b7c' };

test('a saved plan applied after someone changed a manager, phones and a state: each a conflict, none overwritten', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-editor-'));
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(path.join(dir, 'provision.yaml'), 'phoneRegion: US\nrequestsPerMinute: 100000\nsafety:\n  maxDeactivationPercent: 100\napply:\n  concurrency: 4\n');
  writeFileSync(path.join(dir, 'users/team.yaml'), USERS_YAML);
  const sb = await startSandbox({ port: 0, seed: SEED, clients: [CLIENT] });
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS')) delete env[name];
  Object.assign(env, { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: CLIENT.id, GENESYS_CLIENT_SECRET: CLIENT.secret });
  const provision = (args: string[]): Promise<{ status: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      });
    });
  try {
    const planned = await provision(['plan', '--out', 'plan.json']);
    assert.equal(planned.status, 0, planned.stderr);
    const { lead3 } = edit(sb);
    const run = await provision(['apply', 'plan.json', '--auto-approve', '--journal', 'journal.jsonl']);
    const explain = `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    assert.equal(run.status, 1, explain);
    assertEditorKept(sb, lead3);
    const journal = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as OperationRecord);
    const conflicts = journal.filter((r) => r.outcome === 'conflict');
    assert.deepEqual(conflicts.map((r) => r.email).sort(), ['kim.sato@acme.com', 'nina.berg@acme.com', 'ola.lind@acme.com'], explain);
    assert.match(conflicts.find((r) => r.email === 'ola.lind@acme.com')?.message ?? '', /manager is now manager id/);
    assert.match(conflicts.find((r) => r.email === 'nina.berg@acme.com')?.message ?? '', /phones is now .*\+13175550199/);
    assert.match(conflicts.find((r) => r.email === 'kim.sato@acme.com')?.message ?? '', /deleted since the plan/);
    assert.ok(journal.some((r) => r.email === 'bo.ek@acme.com' && r.operation === 'patch' && r.outcome === 'ok'), explain);
    assert.match(run.stdout, /^Apply complete: 0 created, 1 updated, 0 restored, 0 deactivated, 3 failed\.$/m, explain);
    assert.match(run.stdout, /^3 user\(s\) were changed in the org since the plan/m, explain);
    for (const email of ['ola.lind', 'nina.berg', 'kim.sato']) assert.match(run.stdout, new RegExp(`^ {2}conflict +${email}@acme\\.com`, 'm'), explain);
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same edits met by apply itself (no re-check before it): 409s, re-reads, the 404 → search path, each a conflict', async () => {
  const desired = desiredState([
    testUser('ola.lind@acme.com', { name: 'Ola Lind', manager: 'lead.two@acme.com' }),
    testUser('nina.berg@acme.com', { name: 'Nina Berg', phones: [{ type: 'work', number: '+13175550101', mediaType: 'PHONE' }] }),
    testUser('kim.sato@acme.com', { name: 'Kim Sato', state: 'inactive' }),
    testUser('bo.ek@acme.com', { name: 'Bo Ek', title: 'Lead' }),
  ]);
  await withHarness({ seed: SEED }, async (h: Harness) => {
    const plan = await planFor(h, desired);
    assert.deepEqual(plan.changes.map((c) => `${c.action} ${c.email}`), ['update bo.ek@acme.com', 'update nina.berg@acme.com', 'update ola.lind@acme.com', 'deactivate kim.sato@acme.com']);
    const { lead3 } = edit(h.sandbox);
    const journal: OperationRecord[] = [];
    const report = await applyPlan(JSON.parse(JSON.stringify(plan)), h.connection.writer, { ...quick, journal: (r) => journal.push(r) });
    assertEditorKept(h.sandbox, lead3);
    assert.equal(report.conflicts, 3, JSON.stringify(report.problems));
    assert.deepEqual(report.problems.map((p) => `${p.email} ${p.operation} ${p.outcome} ${p.status}`).sort(), [
      'kim.sato@acme.com deactivate conflict undefined',
      'nina.berg@acme.com patch conflict 409',
      'ola.lind@acme.com patch conflict 409',
    ]);
    // Kim: the state change was refused, a plain read answered 404, search found her, read as deleted.
    const kim = h.sandbox.org.usersByEmail('kim.sato@acme.com')[0]!.id;
    const paths = h.sandbox.requests.filter((r) => r.path === `/api/v2/users/${kim}` || r.path === '/api/v2/users/search').map((r) => `${r.method} ${r.path === '/api/v2/users/search' ? 'search' : 'user'} ${r.status}`);
    assert.deepEqual(paths.slice(-4), ['PATCH user 409', 'GET user 404', 'POST search 200', 'GET user 200']);
  });
});

test('removals from merged lists while someone adds to them: the removal applied, the addition kept', async () => {
  const seed: SeedOrg = {
    org: { id: 'org-lists', name: 'Lists' },
    divisions: [{ name: 'Home', home: true }],
    locations: ['Dublin', 'Oslo', 'Remote'],
    skills: ['Billing', 'Refunds', 'Escalations'],
    groups: ['Team A', 'Team B'],
    queues: ['Support', 'Sales'],
    users: [
      {
        email: 'ola.lind@acme.com',
        name: 'Ola Lind',
        locations: ['Dublin', 'Oslo'],
        profileSkills: ['Cobol', 'Go'],
        certifications: ['ITIL', 'CCNA'],
        skills: { Billing: 3, Refunds: 2 },
        groups: ['Team A'],
        queues: ['Support'],
      },
    ],
  };
  await withHarness({ seed }, async (h: Harness) => {
    const desired = desiredState([
      testUser('ola.lind@acme.com', { name: 'Ola Lind', locations: ['Oslo'], profileSkills: ['Go'], certifications: ['CCNA'], skills: { Refunds: 2 }, groups: [], queues: [] }),
    ]);
    const plan = await planFor(h, desired);
    const org = h.sandbox.org;
    const ola = org.liveUserByEmail('ola.lind@acme.com')!;
    // Someone else adds one of each meanwhile (the user's version moves, so the PATCH is judged again).
    org.updateUser(ola.id, (u) => {
      u.locationIds = [...u.locationIds, org.locations.byExactName('Remote')!.id];
      u.profileSkills = [...(u.profileSkills ?? []), 'Rust'];
      u.certifications = [...(u.certifications ?? []), 'PMP'];
      u.skills.set(org.skills.byExactName('Escalations')!.id, 4);
    });
    org.groups.byExactName('Team B')!.members.add(ola.id);
    org.queues.byExactName('Sales')!.members.add(ola.id);
    const report = await applyPlan(plan, h.connection.writer, quick);
    assert.deepEqual(report.problems, []);
    const u = org.getUser(ola.id)!;
    const names = (ids: Iterable<string>, lookup: (id: string) => { name: string } | undefined): string[] => [...ids].map((id) => lookup(id)?.name ?? id).sort();
    assert.deepEqual(
      {
        locations: names(u.locationIds, (id) => org.locations.get(id)),
        profileSkills: [...(u.profileSkills ?? [])].sort(),
        certifications: [...(u.certifications ?? [])].sort(),
        skills: names(u.skills.keys(), (id) => org.skills.get(id)),
        groups: org.groups.sorted().filter((g) => g.members.has(ola.id)).map((g) => g.name),
        queues: org.queues.sorted().filter((q) => q.members.has(ola.id)).map((q) => q.name),
      },
      { locations: ['Oslo', 'Remote'], profileSkills: ['Go', 'Rust'], certifications: ['CCNA', 'PMP'], skills: ['Escalations', 'Refunds'], groups: ['Team B'], queues: ['Sales'] },
    );
  });
});
