// Benchmark: API calls of a no-op plan of a 10,000-user org that keeps 25,000 inactive users, queues with member groups and roles held through groups, against its floor.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportToFolder } from '../src/cli/export.js';
import { defaultConfig, loadDesired } from '../src/desired/index.js';
import { DEFAULT_EXPORT_OPTIONS } from '../src/export/index.js';
import { connect } from '../src/genesys/index.js';
import { ID_BATCH, PAGE_SIZE, SEARCH_BATCH } from '../src/genesys/reader.js';
import { buildPlan, readRequestFor } from '../src/plan/index.js';
import { generateOrg, startSandbox } from '../src/sandbox/index.js';

const USERS = 10_000;
const FORMER = 25_000;
const QUEUES = 20;
const GROUPS = 10;
/** Groups granted a role, which their members hold through them (every queue also has a member group). */
const GROUP_ROLES = 5;
/** The no-op plan's calls may exceed the floor by this much. */
const TARGET = 1.2;

const n = (x: number): string => x.toLocaleString('en-US');
const pages = (count: number, size: number): number => Math.max(1, Math.ceil(count / size));

export async function bench(): Promise<void> {
  const seeded = performance.now();
  const sb = await startSandbox({ seed: generateOrg({ users: USERS, queues: QUEUES, groups: GROUPS, seed: 42, formerUsers: FORMER, queueGroups: QUEUES, groupRoles: GROUP_ROLES }), requestsPerMinute: 1_000_000_000 });
  const dir = await mkdtemp(path.join(tmpdir(), 'provision-bench-noop-'));
  try {
    const all = [...sb.org.users.values()];
    console.log(`sandbox: ${n(USERS)} users and ${n(FORMER)} former ones (inactive), ${QUEUES} queues (each with a member group), ${GROUPS} groups (${GROUP_ROLES} granted a role) (seeded in ${Math.round(performance.now() - seeded)} ms)`);
    const client = sb.clients[0];
    if (!client) throw new Error('the sandbox has no client');
    const conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000_000 });

    // users/ as an export of the org's own users (not the former ones) writes it: planning it changes nothing.
    const exported = performance.now();
    const out = path.join(dir, 'users');
    const result = await exportToFolder(conn.reader, { out, options: { ...DEFAULT_EXPORT_OPTIONS, emailDomains: ['example.com'] }, force: false, dryRun: false, cwd: dir });
    console.log(`users/ exported: ${n(result.users)} users in ${Math.round(performance.now() - exported)} ms, ${n(result.apiCalls)} API calls (every inactive user read: searched per division beyond 10,000)`);
    const config = defaultConfig(dir);
    const desired = await loadDesired([out], config, { cwd: dir });

    const started = performance.now();
    const org = await conn.reader.readOrg(readRequestFor(desired, config));
    const { plan } = buildPlan({ desired, org, config });
    const ms = performance.now() - started;
    if (plan.changes.length > 0) throw new Error(`the plan is not a no-op: ${plan.changes.length} changes`);

    // The floor: what any reader needs for this plan, term by term.
    const declared = new Set(desired.users.map((u) => u.email));
    const active = all.filter((u) => u.state === 'active');
    const declaredInactive = all.filter((u) => u.state === 'inactive' && declared.has(u.email));
    const read = new Set([...active, ...declaredInactive].map((u) => u.id));
    const managersWhoLeft = new Set([...active, ...declaredInactive].filter((u) => u.managerId && !read.has(u.managerId)).map((u) => u.managerId));
    const lookups =
      pages(sb.org.skills.size, PAGE_SIZE.skills) +
      pages(sb.org.languages.size, PAGE_SIZE.languages) +
      pages(sb.org.queues.size, PAGE_SIZE.queues) +
      pages(sb.org.groups.size, PAGE_SIZE.groups) +
      pages(sb.org.roles.size, PAGE_SIZE.roles) +
      pages(sb.org.divisions.size, PAGE_SIZE.divisions) +
      pages(sb.org.locations.size, PAGE_SIZE.locations);
    const userPages = pages(active.length, PAGE_SIZE.users);
    const searches = Math.ceil(declaredInactive.length / SEARCH_BATCH);
    const byId = Math.ceil(declaredInactive.length / ID_BATCH) + Math.ceil(managersWhoLeft.size / ID_BATCH);
    // Every division's grants, inactive users' and groups' included: the listing pages through them all, 100 a page.
    const live = all.filter((u) => u.state !== 'deleted');
    const holders = [...live.map((u) => u.grants), ...sb.org.groups.sorted().map((g) => g.grants ?? [])];
    const grantPages = sb.org.divisions.sorted().reduce((sum, d) => sum + pages(holders.reduce((c, grants) => c + grants.filter((g) => g.divisionId === d.id || g.divisionId === '*').length, 0), PAGE_SIZE.divisionGrants), 0);
    const queuePages = sb.org.queues.sorted().reduce((sum, q) => sum + pages([...q.members].filter((id) => sb.org.getUser(id)?.state !== 'deleted').length, PAGE_SIZE.queueMembers), 0);
    // Queues with member groups: the members groups bring, listed apart (memberBy=group), 100 a page.
    const liveIds = (ids: Iterable<string>) => [...ids].filter((id) => sb.org.getUser(id)?.state === 'active' || sb.org.getUser(id)?.state === 'inactive');
    const queueGroupPages = sb.org.queues.sorted().reduce((sum, q) => sum + (q.memberGroups?.length ? pages(new Set(q.memberGroups.flatMap((m) => liveIds(sb.org.groups.get(m.id)?.members ?? []))).size, PAGE_SIZE.queueMembers) : 0), 0);
    const floor = 1 + lookups + userPages + searches + byId + grantPages + queuePages + queueGroupPages;

    const ratio = org.apiCalls / floor;
    console.log(`no-op plan: ${Math.round(ms)} ms, ${n(org.apiCalls)} API calls, ${n(org.users.length)} users read of ${n(live.length)} (${plan.summary.unchanged} unchanged, ${plan.summary.unmanaged} unmanaged)`);
    console.log(
      `  floor = 1 org + ${lookups} look-ups (skills, queues, groups 500 a page; languages, roles, divisions, locations 100)` +
        ` + ceil(${n(active.length)} active / ${PAGE_SIZE.users}) = ${userPages}` +
        ` + ceil(${n(declaredInactive.length)} declared inactive / ${SEARCH_BATCH} per search) = ${searches}` +
        ` + ceil(${n(declaredInactive.length)} / ${ID_BATCH} by id) + ceil(${managersWhoLeft.size} managers who left / ${ID_BATCH}) = ${byId}` +
        ` + Σ ceil(grants / ${PAGE_SIZE.divisionGrants}) over ${sb.org.divisions.size} divisions, ${n(FORMER)} former users' and ${GROUP_ROLES} groups' included = ${grantPages}` +
        ` + Σ ceil(direct members / ${PAGE_SIZE.queueMembers}) over ${QUEUES} queues = ${queuePages}` +
        ` + Σ ceil(members through groups / ${PAGE_SIZE.queueMembers}) over the queues with member groups = ${queueGroupPages}` +
        ` = ${n(floor)}`,
    );
    console.log(`  calls / floor = ${ratio.toFixed(2)} (target ≤ ${TARGET.toFixed(2)}): ${ratio <= TARGET ? 'met' : 'MISSED'}`);
    console.log(`  no inactive user listed beyond the first page: ${sb.requests.filter((r) => r.path === '/api/v2/users' && /state=inactive/.test(r.query) && !/(^|&)id=/.test(r.query)).length <= 1 ? 'yes' : 'NO'}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sb.stop();
  }
}
