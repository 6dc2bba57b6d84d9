// Benchmark: WebRTC phones. Apply of the starting guide's 1,000 rows with SITENAME/PHONEBASE against the rate-limited sandbox (calls per user against the floor, rate, failures), and a no-op plan of 10,000 users who all manage webrtcPhone against its floor.
import { applyPlan, minimumCalls } from '../src/apply/index.js';
import { defaultConfig } from '../src/desired/index.js';
import { connect } from '../src/genesys/index.js';
import { PHONE_PAGE_SIZE } from '../src/genesys/phones.js';
import { PAGE_SIZE } from '../src/genesys/reader.js';
import type { DesiredUser } from '../src/model/index.js';
import { buildPlan, readRequestFor } from '../src/plan/index.js';
import { generateOrg, startSandbox } from '../src/sandbox/index.js';

const USERS = 1000;
const REQUESTS_PER_MINUTE = 300;
const TIME_SCALE = 60;
const CONCURRENCY = 16;
const NOOP_USERS = 10_000;
const SITE = 'Indianapolis';
const BASE = 'WebRTC Base';
const GROUPS = ['Support Team', 'Sales Team', 'Billing Team', 'Onboarding Team'];
const ROLES = ['employee', 'Agent'];

const n = (x: number): string => x.toLocaleString('en-US');
const pages = (count: number, size: number): number => Math.max(1, Math.ceil(count / size));

/** The starting guide's CSV rows as provision reads them: NAME, EMAIL, GROUP, ROLE, SITENAME, PHONEBASE. */
function guideUsers(): DesiredUser[] {
  return Array.from({ length: USERS }, (_, i): DesiredUser => ({
    email: `guide${String(i).padStart(4, '0')}@bench.example`,
    name: `Guide ${i}`,
    roles: [{ role: ROLES[i % ROLES.length]! }],
    groups: [GROUPS[i % GROUPS.length]!],
    webrtcPhone: { site: SITE, phoneBase: BASE },
    source: { file: 'users/guide.csv', line: i + 2 },
    at: {},
  }));
}

async function applyGuide(): Promise<void> {
  const sandbox = await startSandbox({
    requestsPerMinute: REQUESTS_PER_MINUTE,
    timeScale: TIME_SCALE,
    // Stations reach GET /stations a while after their phone (the starting guide waits for them).
    stationLagMs: 500,
    seed: { org: { name: 'Phones Bench' }, divisions: [{ name: 'Home', home: true }], roles: ROLES, groups: GROUPS, sites: [SITE], phoneBases: [{ name: BASE }] },
  });
  try {
    const client = sandbox.clients[0]!;
    const connection = await connect({ environment: sandbox.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: REQUESTS_PER_MINUTE });
    const config = defaultConfig('.');
    const users = guideUsers();
    const desired = { users, files: ['users/guide.csv'], failedFiles: [], issues: [], digest: 'bench' };
    const org = await connection.reader.readOrg(readRequestFor(desired, config));
    const { plan, errors } = buildPlan({ desired, org, config });
    if (errors.length > 0) throw new Error(`bench desired state does not resolve: ${errors[0]?.message}`);
    const before = sandbox.requests.length;
    const report = await applyPlan(plan, connection.writer, { concurrency: CONCURRENCY });
    const log = sandbox.requests.slice(before).filter((r) => r.path.startsWith('/api/'));
    const calls = log.length;
    const spanMs = Math.max(1, Math.max(...log.map((r) => r.at + r.ms)) - (log[0]?.at ?? 0));
    const m = minimumCalls(plan, org.homeDivisionId);
    const perWindow = (calls * (60_000 / TIME_SCALE)) / spanMs;
    const withStation = [...sandbox.org.users.values()].filter((u) => sandbox.org.defaultStations.has(u.id)).length;
    console.log(`users created: ${report.created} of ${USERS}; phones: ${sandbox.org.phones.byId.size}; default stations: ${withStation}; failed changes: ${report.failed}`);
    console.log(`minimum calls = creates ${m.creates} + PATCHes ${m.patches} + role grants ${m.roles} + group calls ${m.groupCalls} + phones ${m.phones} (a POST, a station look-up and a default-station PUT each) = ${m.total}`);
    console.log(`API calls made: ${calls} (${(calls / m.total).toFixed(3)}× the minimum; limit 1.1×); per user ${(calls / USERS).toFixed(2)} (floor ${(m.total / USERS).toFixed(2)})`);
    console.log(`requests per allowed minute: ${perWindow.toFixed(1)} of ${REQUESTS_PER_MINUTE} (${((perWindow / REQUESTS_PER_MINUTE) * 100).toFixed(1)}%; target ≥ 90%); 429s seen: ${log.filter((r) => r.status === 429).length}`);
    console.log(`wall time: ${(report.elapsedMs / 1000).toFixed(2)} s, concurrency ${CONCURRENCY}`);
    const verdicts = [calls <= m.total * 1.1 ? 'calls ok' : 'calls OVER 1.1×', perWindow >= REQUESTS_PER_MINUTE * 0.9 ? 'rate ok' : 'rate UNDER 90%', report.failed === 0 ? 'no failures' : `${report.failed} FAILED`];
    console.log(`verdict: ${verdicts.join(', ')}`);
  } finally {
    await sandbox.stop();
  }
}

async function noopPlan(): Promise<void> {
  const seed = generateOrg({ users: NOOP_USERS, queues: 5, groups: 5, seed: 7 });
  const active = (seed.users ?? []).filter((u) => (u.state ?? 'active') === 'active');
  seed.sites = [SITE];
  seed.phoneBases = [{ name: BASE }];
  seed.phones = active.map((u) => ({ name: `WebRTC ${u.email}`, site: SITE, phoneBase: BASE, webRtcUser: u.email, defaultStation: true }));
  const sb = await startSandbox({ seed, requestsPerMinute: 1_000_000_000 });
  try {
    const client = sb.clients[0]!;
    const conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000_000 });
    const config = defaultConfig('.');
    // Every active user declared with only their phone: the plan reads what webrtcPhone needs and nothing per user.
    const users = active.map((u, i): DesiredUser => ({ email: u.email, webrtcPhone: { site: SITE, phoneBase: BASE }, source: { file: 'users/phones.yaml', line: i + 2 }, at: {} }));
    const desired = { users, files: ['users/phones.yaml'], failedFiles: [], issues: [], digest: 'bench' };
    const started = performance.now();
    const org = await conn.reader.readOrg(readRequestFor(desired, config));
    const { plan, errors } = buildPlan({ desired, org, config });
    const ms = performance.now() - started;
    if (errors.length > 0 || plan.changes.length > 0) throw new Error(`the plan is not a no-op: ${errors[0]?.message ?? `${plan.changes.length} changes`}`);
    const o = sb.org;
    const lookups = pages(o.skills.size, PAGE_SIZE.skills) + pages(o.languages.size, PAGE_SIZE.languages) + pages(o.queues.size, PAGE_SIZE.queues) + pages(o.groups.size, PAGE_SIZE.groups) + pages(o.roles.size, PAGE_SIZE.roles) + pages(o.divisions.size, PAGE_SIZE.divisions) + pages(o.locations.size, PAGE_SIZE.locations);
    const userPages = pages(active.length, PAGE_SIZE.users);
    const phonePages = pages(o.phones.byId.size, PHONE_PAGE_SIZE);
    const floor = 1 + lookups + userPages + phonePages + 1 + 1;
    console.log(`no-op plan of ${n(users.length)} users managing webrtcPhone: ${Math.round(ms)} ms, ${n(org.apiCalls)} API calls, ${plan.summary.unchanged} unchanged`);
    console.log(`  floor = 1 org + ${lookups} look-ups + ${userPages} user pages (500 a page, expand=station brings the default stations) + ${phonePages} phone pages (100 a page) + 1 site + 1 phone base = ${floor}`);
    console.log(`  ratio: ${(org.apiCalls / floor).toFixed(3)}× the floor (target ≤ 1.2×) — ${org.apiCalls <= floor * 1.2 ? 'ok' : 'OVER'}`);
  } finally {
    await sb.stop();
  }
}

export async function bench(): Promise<void> {
  console.log('### apply: the starting guide CSV with SITENAME and PHONEBASE (a phone and a default station each)');
  await applyGuide();
  console.log('### no-op plan: every user manages webrtcPhone');
  await noopPlan();
}
