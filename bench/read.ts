// Benchmark: reading a generated 10,000-user org from the sandbox through the SDK: wall time and API calls against the minimum.
import { connect } from '../src/genesys/index.js';
import { ID_BATCH, PAGE_SIZE, SEARCH_BATCH } from '../src/genesys/reader.js';
import type { ReadRequest } from '../src/model/org.js';
import { generateOrg, startSandbox } from '../src/sandbox/index.js';

const USERS = 10_000;
const QUEUES = 20;
const GROUPS = 10;
/** Queues with a member group, and groups granted a role: members come through groups as in real orgs. */
const QUEUE_GROUPS = QUEUES;
const GROUP_ROLES = 5;

export async function bench(): Promise<void> {
  const seedStarted = performance.now();
  const sb = await startSandbox({ seed: generateOrg({ users: USERS, queues: QUEUES, groups: GROUPS, seed: 42, queueGroups: QUEUE_GROUPS, groupRoles: GROUP_ROLES }), requestsPerMinute: 1_000_000_000 });
  try {
    console.log(`sandbox: ${USERS.toLocaleString('en-US')} users, ${QUEUES} queues (${QUEUE_GROUPS} with a member group), ${GROUPS} groups (${GROUP_ROLES} granted a role) (seeded in ${Math.round(performance.now() - seedStarted)} ms)`);
    const client = sb.clients[0];
    if (!client) throw new Error('the sandbox has no client');
    const connectStarted = performance.now();
    const conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret });
    console.log(`connect (SDK load + login): ${Math.round(performance.now() - connectStarted)} ms`);

    const users = [...sb.org.users.values()];
    const live = users.filter((u) => u.state !== 'deleted');
    const active = users.filter((u) => u.state === 'active').length;
    const inactive = users.filter((u) => u.state === 'inactive').length;
    const deleted = users.filter((u) => u.state === 'deleted').length;
    const queues = sb.org.queues.sorted();
    const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE_SIZE.queueMembers));
    const liveIds = (ids: Iterable<string>) => [...ids].filter((id) => sb.org.getUser(id)?.state !== undefined && sb.org.getUser(id)?.state !== 'deleted');
    // Direct members (memberBy=user) of every queue, and the members a group brings (memberBy=group) of those with member groups.
    const groupPages = (q: (typeof queues)[number]) => (q.memberGroups?.length ? pages(new Set(q.memberGroups.flatMap((m) => liveIds(sb.org.groups.get(m.id)?.members ?? []))).size) : 0);
    const queuePages = queues.reduce((n, q) => n + pages(liveIds(q.members).length) + groupPages(q), 0);
    const lookups = 7;
    const request: ReadRequest = { emails: users.map((u) => u.email), queueNames: queues.map((q) => q.name), roles: false };

    // Every user declared (deleted ones too, as restores), every queue referenced. Inactive and deleted users are
    // searched by email (100 a search), inactive ones then read by id (100 a call), deleted ones one by one.
    const minimum = 1 + lookups + Math.ceil(active / PAGE_SIZE.users) + Math.ceil((inactive + deleted) / SEARCH_BATCH) + Math.ceil(inactive / ID_BATCH) + deleted + queuePages;
    const started = performance.now();
    const state = await conn.reader.readOrg(request);
    const ms = performance.now() - started;
    console.log(`read without role grants: ${Math.round(ms)} ms, ${state.apiCalls} API calls, ${state.users.length.toLocaleString('en-US')} users (target < 5000 ms)`);
    console.log(
      `  minimum = 1 org + ${lookups} look-ups (1 page each) + ceil(${active} active / ${PAGE_SIZE.users}) + ceil((${inactive} inactive + ${deleted} deleted, declared) / ${SEARCH_BATCH} per search)` +
        ` + ceil(${inactive} inactive / ${ID_BATCH} by id) + ${deleted} deleted read one by one + Σ ceil(direct members / ${PAGE_SIZE.queueMembers}) + ceil(members through groups / ${PAGE_SIZE.queueMembers}) over ${QUEUES} queues (${queuePages}) = ${minimum}`,
    );
    console.log(`  calls / minimum = ${(state.apiCalls / minimum).toFixed(2)}`);

    // Role grants: one paged GET /authorization/divisions/{id}/grants per division, whoever holds them.
    const rolesStarted = performance.now();
    const withRoles = await conn.reader.readOrg({ ...request, roles: true });
    const rolesMs = performance.now() - rolesStarted;
    const grantsByDivision = new Map<string, number>();
    // Users' grants and groups' (a group's grant is listed once, under the group).
    for (const grants of [...live.map((u) => u.grants), ...sb.org.groups.sorted().map((g) => g.grants ?? [])]) for (const g of grants) grantsByDivision.set(g.divisionId, (grantsByDivision.get(g.divisionId) ?? 0) + 1);
    const divisionPages = [...sb.org.divisions.sorted()].reduce((n, d) => n + Math.max(1, Math.ceil((grantsByDivision.get(d.id) ?? 0) / PAGE_SIZE.divisionGrants)), 0);
    const rolesMinimum = minimum + divisionPages;
    console.log(`read with role grants: ${Math.round(rolesMs)} ms, ${withRoles.apiCalls} API calls (target < 5000 ms)`);
    console.log(`  minimum = ${minimum} + Σ ceil(grants / ${PAGE_SIZE.divisionGrants}) over ${sb.org.divisions.size} divisions (${divisionPages}) = ${rolesMinimum}; calls / minimum = ${(withRoles.apiCalls / rolesMinimum).toFixed(2)}`);
    console.log(`  (user by user, as where that listing is missing: ${minimum} + ${live.filter((u) => u.grants.length > 0).length} subjects)`);
    console.log(`  client stats: ${JSON.stringify(conn.stats())}`);
  } finally {
    await sb.stop();
  }
}
