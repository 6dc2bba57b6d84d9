// Apply killed with SIGKILL after a random number of writes (several seeds), then run again: the org converges, no duplicates.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { stringify } from 'yaml';
import { minimumCalls } from '../../src/apply/index.js';
import type { DesiredUser, Plan } from '../../src/model/index.js';
import { generateOrg, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg, SeedUser } from '../../src/sandbox/index.js';
import { prng } from '../../src/sandbox/ids.js';
import { assertNoDuplicates, splitGenerated } from './harness.js';
import type { ChildProcess } from 'node:child_process';
import { launch } from '../support/launch.js';
import type { Run } from '../support/launch.js';

const CLIENT = { id: 'kill-client', secret: 'kill-secret-5b1e0c77d2' };
const USERS = 60;
const RUNS = 5;
const CONCURRENCY = 8;
/** The seeds, drawn once from a fixed master seed: the same kills on every machine. */
const SEEDS = ((draw) => Array.from({ length: RUNS }, () => 1 + Math.floor(draw() * 1_000_000)))(prng(0x6b11));

interface Scenario {
  orgSeed: SeedOrg;
  desired: DesiredUser[];
}

/**
 * A generated org split by the apply harness (creates, out-of-date users), plus a deleted user to restore (with
 * stale fields), a team lead missing from the org (so new users and existing ones report to a new manager), an
 * agent to activate and one to deactivate.
 */
function scenario(seed: number): Scenario {
  const { orgSeed, desired } = splitGenerated(generateOrg({ users: USERS, queues: 6, groups: 4, seed }));
  const all = orgSeed.users ?? [];
  const managers = new Set(all.map((u) => u.manager).filter((m): m is string => m !== undefined));
  const lead = all.find((u, i) => i > 0 && managers.has(u.email) && u.state === 'active');
  assert.ok(lead, 'the generated org has a second team lead');
  let users = all.filter((u) => u !== lead);
  const kept = new Set(users.map((u) => u.email));
  users = users.map((u): SeedUser => (u.manager !== undefined && !kept.has(u.manager) ? { ...u, manager: undefined } : u));
  const gone = users.findIndex((u) => u.state === 'active' && u.title === 'Outdated' && !managers.has(u.email));
  assert.ok(gone >= 0, 'an out-of-date agent to delete');
  users[gone] = { ...(users[gone] as SeedUser), state: 'deleted', dateDeleted: '2026-05-01T00:00:00.000Z', manager: undefined, queues: [], groups: [] };
  // An out-of-date agent switched off in the org (apply activates it first), and an up-to-date one to switch off (last).
  const asleep = users.findIndex((u, i) => i !== gone && u.state === 'active' && u.title === 'Outdated' && !managers.has(u.email));
  assert.ok(asleep >= 0, 'an out-of-date agent to activate');
  users[asleep] = { ...(users[asleep] as SeedUser), state: 'inactive' };
  const leaving = desired.find((d) => d.state === 'active' && !managers.has(d.email) && users.some((u) => u.email === d.email && u.state === 'active' && u.title !== 'Outdated'));
  assert.ok(leaving, 'an agent to deactivate');
  leaving.state = 'inactive';
  return { orgSeed: { ...orgSeed, users }, desired };
}

/** A desired user as a users/ file declares it. */
function fileUser(u: DesiredUser): Record<string, unknown> {
  const out: Record<string, unknown> = { email: u.email, name: u.name };
  for (const key of ['title', 'department', 'division', 'manager', 'state'] as const) if (u[key] !== undefined) out[key] = u[key];
  if (u.phones) {
    out.phones = Object.fromEntries(u.phones.map((p) => [p.type, { number: p.number, ...(p.extension ? { extension: p.extension } : {}), ...(p.mediaType === 'SMS' ? { sms: true } : {}) }]));
  }
  if (u.roles) out.roles = u.roles.map((r) => (r.division ? { role: r.role, division: r.division } : r.role));
  for (const key of ['skills', 'languages', 'queues', 'groups', 'locations', 'employerInfo', 'acdAutoAnswer'] as const) if (u[key] !== undefined) out[key] = u[key];
  return out;
}

/** A repository: provision.yaml and the desired users in two files. */
function workspace(desired: DesiredUser[], concurrency = CONCURRENCY): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-kill-'));
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(path.join(dir, 'provision.yaml'), `phoneRegion: US\nrequestsPerMinute: 100000\napply:\n  concurrency: ${concurrency}\n`);
  const half = Math.ceil(desired.length / 2);
  writeFileSync(path.join(dir, 'users/team-a.yaml'), stringify({ users: desired.slice(0, half).map(fileUser) }));
  writeFileSync(path.join(dir, 'users/team-b.yaml'), stringify({ users: desired.slice(half).map(fileUser) }));
  return dir;
}

const explain = (what: string, r: Run): string => `${what}: exit ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

/** A request that changes the org (token requests and searches do not). */
const isWrite = (method: string, route: string): boolean => method !== 'GET' && route !== '/oauth/token' && route !== '/api/v2/users/search';

/** The writes a clean apply of `plan` makes: the fewest calls, less one group read per group gaining members. */
function writesFor(plan: Plan, homeDivisionId: string): number {
  const groupsGaining = new Set<string>();
  for (const change of plan.changes) for (const f of change.fields) if (f.kind === 'set' && f.field === 'groups') for (const g of f.add) groupsGaining.add(g.id);
  return minimumCalls(plan, homeDivisionId).total - groupsGaining.size;
}

/** Writes of apply's first phase (creates, restores, activations), where a kill could leave a user half-made. */
function firstPhaseWrites(plan: Plan): number {
  const activations = plan.changes.filter((c) => c.action === 'update' && c.fields.some((f) => f.kind === 'text' && f.field === 'state' && f.after === 'active')).length;
  return plan.summary.create + plan.summary.restore + activations;
}

/**
 * Stratified kill points: the first two runs are killed in their own halves of the first phase (creates and
 * restores), the others in their own slices of the writes after it (profiles, roles, skills, members, moves),
 * short of the last few, so the requests in flight at the kill cannot complete the run.
 */
function killPoint(k: number, r: number, first: number, total: number): number {
  const early = Math.min(2, RUNS - 1);
  if (k < early) return 1 + Math.floor(((k + r) / early) * (first - 1));
  const last = total - 2 * CONCURRENCY;
  return first + 1 + Math.floor(((k - early + r) / (RUNS - early)) * (last - first - 1));
}

/** Checks the org itself (not through the planner) against every desired user. */
function assertMatches(sb: RunningSandbox, desired: DesiredUser[]): void {
  const org = sb.org;
  const home = org.homeDivision();
  const names = (ids: Iterable<string>, lookup: (id: string) => { name: string } | undefined): string[] => [...ids].map((id) => lookup(id)?.name ?? `?${id}`).sort();
  const levels = (map: Map<string, number>, lookup: (id: string) => { name: string } | undefined): Record<string, number> =>
    Object.fromEntries([...map].map(([id, level]) => [lookup(id)?.name ?? `?${id}`, level]).sort(([a], [b]) => String(a).localeCompare(String(b))));
  const sorted = (record: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
  for (const want of desired) {
    const user = org.liveUserByEmail(want.email);
    assert.ok(user, `${want.email} exists and is not deleted`);
    const got = {
      name: user.name,
      title: user.title,
      department: user.department,
      state: user.state,
      division: org.divisions.get(user.divisionId)?.name,
      manager: user.managerId ? org.getUser(user.managerId)?.email : undefined,
      roles: user.grants.map((g) => `${org.roles.get(g.roleId)?.name}@${org.divisions.get(g.divisionId)?.name}`).sort(),
      skills: levels(user.skills, (id) => org.skills.get(id)),
      languages: levels(user.languages, (id) => org.languages.get(id)),
      queues: names(org.queues.sorted().filter((q) => q.members.has(user.id)).map((q) => q.id), (id) => org.queues.get(id)),
      groups: names(org.groups.sorted().filter((g) => g.members.has(user.id)).map((g) => g.id), (id) => org.groups.get(id)),
      locations: names(user.locationIds, (id) => org.locations.get(id)),
      phones: user.addresses.map((a) => `${(a.type ?? '').toLowerCase()} ${a.address} x${a.extension ?? ''}`).sort(),
    };
    const expected = {
      name: want.name,
      title: want.title,
      department: want.department,
      state: want.state ?? 'active',
      division: want.division ?? home.name,
      manager: want.manager,
      roles: (want.roles ?? []).map((r) => `${r.role}@${r.division ?? home.name}`).sort(),
      skills: sorted(want.skills ?? {}),
      languages: sorted(want.languages ?? {}),
      queues: [...(want.queues ?? [])].sort(),
      groups: [...(want.groups ?? [])].sort(),
      locations: [...(want.locations ?? [])].sort(),
      phones: (want.phones ?? []).map((p) => `${p.type} ${p.number} x${p.extension ?? ''}`).sort(),
    };
    assert.deepEqual(got, expected, `${want.email} holds its desired fields`);
    if (want.employerInfo) assert.deepEqual({ ...user.employerInfo }, { ...want.employerInfo }, `${want.email}: employer info`);
  }
}

/** Every line of the journal is a whole JSON record, even the kill's. */
function journalRecords(file: string): Array<{ email: string; operation: string; outcome: string }> {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  assert.ok(text === '' || text.endsWith('\n'), 'the journal ends with a whole line');
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { email: string; operation: string; outcome: string });
}

/**
 * Plans, applies and kills the apply after the `k`-th stratum's random write, applies again and plans: the org
 * converges, without duplicates, every desired user as declared. `faults` go to the sandbox.
 */
async function killAndRerun(t: TestContext, seed: number, k: number, faults?: string): Promise<void> {
  const { orgSeed, desired } = scenario(seed);
  const random = prng(seed ^ 0x5eed);
  const dir = workspace(desired);
  let writes = 0;
  let killAt = Number.POSITIVE_INFINITY;
  let victim: ChildProcess | undefined;
  let killedAfter = 0;
  const sb = await startSandbox({
    port: 0,
    seed: orgSeed,
    searchLagMs: 200,
    clients: [CLIENT],
    faults,
    randomSeed: seed,
    requestsPerMinute: 100_000,
    onRequest: (e) => {
      if (!isWrite(e.method, e.path)) return;
      writes += 1;
      if (writes === killAt && victim) {
        killedAfter = writes;
        victim.kill('SIGKILL');
      }
    },
  });
  const runs: Array<[string, Run]> = [];
  try {
    // The plan the killed apply starts from: it sizes the kill, and shows the org starts out of date.
    const planned = await launch(dir, ['plan', '--detailed-exitcode', '--format', 'json'], sb.url, CLIENT).done;
    runs.push(['plan', planned]);
    assert.equal(planned.status, 2, explain('the first plan', planned));
    const plan = JSON.parse(planned.stdout) as Plan;
    const { create, update, restore, deactivate } = plan.summary;
    assert.ok(create >= 10 && update >= 10 && restore >= 1 && deactivate === 1, JSON.stringify(plan.summary));
    assert.equal(firstPhaseWrites(plan), create + restore + 1, 'one user to activate');
    assert.ok(plan.changes.some((c) => c.action === 'create' && desired.some((d) => d.manager === c.email)), 'a new user manages others');
    const total = writesFor(plan, sb.org.homeDivision().id);
    killAt = killPoint(k, random(), firstPhaseWrites(plan), total);
    assert.equal(writes, 0, 'planning writes nothing');

    const first = launch(dir, ['apply', '--auto-approve', '--journal', 'journal.jsonl'], sb.url, CLIENT);
    victim = first.child;
    const killed = await first.done;
    runs.push(['killed apply', killed]);
    const where = `killed after write ${killAt} of ${total}`;
    assert.equal(killed.signal, 'SIGKILL', explain(`the apply to be ${where}`, killed));
    assert.equal(killedAfter, killAt);
    const before = journalRecords(path.join(dir, 'journal.jsonl')).length;
    t.diagnostic(`${where} (first phase: ${firstPhaseWrites(plan)}); ${sb.requests.filter((r) => isWrite(r.method, r.path)).length} writes reached the org`);

    const second = await launch(dir, ['apply', '--auto-approve', '--journal', 'journal.jsonl'], sb.url, CLIENT).done;
    runs.push(['second apply', second]);
    assert.equal(second.status, 0, explain(`the apply after a kill after write ${killAt}`, second));
    const journal = journalRecords(path.join(dir, 'journal.jsonl'));
    assert.ok(journal.length > before, 'the second apply appends to the journal');
    assert.deepEqual(journal.slice(before).filter((r) => !['ok', 'already-done'].includes(r.outcome)), [], 'the second apply met no failure or conflict');

    const check = await launch(dir, ['plan', '--detailed-exitcode'], sb.url, CLIENT).done;
    runs.push(['plan after', check]);
    assert.equal(check.status, 0, explain(`no changes left after a kill after write ${killAt}`, check));

    assertNoDuplicates(sb);
    if (faults) {
      const met = (kind: string): number => sb.requests.filter((r) => r.fault === kind).length;
      t.diagnostic(`faults met: ${met('sub-conflict')} sub-resource refusals, ${met('stale-read')} stale reads`);
      assert.ok(met('sub-conflict') > 0, 'the applies met sub-resource refusals');
    }
    assert.equal(sb.org.listUsers('any').length, desired.length, 'one user per desired email, deleted ones included');
    const created = sb.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/users' && r.status === 200).length;
    assert.equal(created, create, 'each planned create went through exactly once across both runs');
    assertMatches(sb, desired);

    const texts: Array<[string, string]> = runs.map(([what, r]) => [what, `${r.stdout}${r.stderr}`]);
    texts.push(['the journal', readFileSync(path.join(dir, 'journal.jsonl'), 'utf8')]);
    for (const [what, text] of texts) {
      assert.ok(!text.includes(CLIENT.secret), `${what}: no client secret`);
      assert.doesNotMatch(text, /bearer/i, `${what}: no bearer token`);
    }
  } finally {
    victim?.kill('SIGKILL');
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('apply killed with SIGKILL part-way, then run again', () => {
  SEEDS.forEach((seed, k) => {
    it(`seed ${seed}: killed at a random write, the next apply converges without duplicates`, (t) => killAndRerun(t, seed, k));
  });
});

/**
 * Two of the seeds again, one killed among the creates and one among the writes after them, in a sandbox acting like a
 * real org: the realism profile's consistency items at full strength, so that every run meets them (no dice).
 */
const CONSISTENCY = 'sub-conflict:1:300ms,stale-read:1:300ms,auth-lag:1s';
describe("apply killed with SIGKILL part-way, then run again, with a real org's consistency faults on", () => {
  for (const k of [0, RUNS - 1]) {
    const seed = SEEDS[k] as number;
    it(`seed ${seed}: converges without duplicates through sub-resource refusals and stale reads`, (t) => killAndRerun(t, seed, k, CONSISTENCY));
  }
});

/**
 * New agents granted a home-division role, 50 a call: apply is killed right after the second of four role batches, so
 * some users hold the role and others not. The kill follows the answer, so on a busy machine the third batch may slip
 * out before it lands; the fourth cannot. The next apply re-reads the grants and completes them.
 */
describe('apply killed with SIGKILL between role batches, then run again', () => {
  it('every user ends with the role, and a plan after shows no changes', async () => {
    const USERS = 200;
    const desired: DesiredUser[] = Array.from({ length: USERS }, (_, i) => ({
      email: `agent${i}@acme.com`,
      name: `Agent ${i}`,
      roles: [{ role: 'Agent' }],
      source: { file: 'users/team-a.yaml', line: 1 },
      at: {},
    }));
    // One call at a time: the third batch is not sent before the kill.
    const dir = workspace(desired, 1);
    let batches = 0;
    let victim: ChildProcess | undefined;
    const sb = await startSandbox({
      port: 0,
      seed: { org: { name: 'Kill Batches' }, divisions: [{ name: 'Home', home: true }], roles: ['Agent'] },
      clients: [CLIENT],
      requestsPerMinute: 100_000,
      onRequest: (e) => {
        if (e.method !== 'PUT' || !e.path.endsWith('/users/add')) return;
        batches += 1;
        if (batches === 2) victim?.kill('SIGKILL');
      },
    });
    const runs: Array<[string, Run]> = [];
    try {
      const first = launch(dir, ['apply', '--auto-approve'], sb.url, CLIENT);
      victim = first.child;
      const killed = await first.done;
      runs.push(['killed apply', killed]);
      assert.equal(killed.signal, 'SIGKILL', explain('the apply to be killed after the second role batch', killed));
      const holders = (): number => sb.org.listUsers('active').filter((u) => u.grants.length > 0).length;
      assert.equal(sb.org.listUsers('active').length, USERS, 'every user was created before the role batches');
      const half = holders();
      assert.ok(half >= 100 && half < USERS, `the kill left users without the role (${half} of ${USERS} hold it)`);

      const second = await launch(dir, ['apply', '--auto-approve'], sb.url, CLIENT).done;
      runs.push(['second apply', second]);
      assert.equal(second.status, 0, explain('the apply after the kill', second));
      assert.match(second.stdout, /0 failed/);
      const check = await launch(dir, ['plan', '--detailed-exitcode'], sb.url, CLIENT).done;
      assert.equal(check.status, 0, explain('no changes left after the kill', check));
      assert.equal(holders(), USERS);
      const agent = sb.org.roles.byExactName('Agent')?.id;
      const home = sb.org.homeDivision().id;
      for (const u of sb.org.listUsers('active')) assert.deepEqual(u.grants, [{ roleId: agent, divisionId: home }], u.email);
      assertNoDuplicates(sb);
    } finally {
      victim?.kill('SIGKILL');
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
