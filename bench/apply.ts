// Benchmark: apply creates 1,000 users against the rate-limited sandbox: full agents (skills, languages, roles, queues, groups), and the starting guide's CSV rows.
import { applyPlan, minimumCalls } from '../src/apply/index.js';
import { defaultConfig } from '../src/desired/index.js';
import { connect } from '../src/genesys/index.js';
import type { DesiredUser } from '../src/model/index.js';
import { buildPlan, readRequestFor } from '../src/plan/index.js';
import { startSandbox } from '../src/sandbox/index.js';

const USERS = 1000;
const REQUESTS_PER_MINUTE = 300;
const TIME_SCALE = 60;
const CONCURRENCY = 16;

const SKILLS = Array.from({ length: 20 }, (_, i) => `Skill ${i + 1}`);
const LANGUAGES = ['English', 'Spanish', 'French', 'German', 'Portuguese', 'Italian', 'Japanese', 'Swedish'];
const QUEUES = Array.from({ length: 10 }, (_, i) => `Queue ${i + 1}`);
const GROUPS = Array.from({ length: 5 }, (_, i) => `Group ${i + 1}`);

function desiredUsers(): DesiredUser[] {
  return Array.from({ length: USERS }, (_, i): DesiredUser => ({
    email: `agent${String(i).padStart(4, '0')}@bench.example`,
    name: `Agent ${i}`,
    title: 'Agent',
    department: 'Support',
    division: 'Support',
    state: 'active',
    roles: [{ role: 'employee' }, { role: 'Agent' }],
    skills: { [SKILLS[i % 20]!]: 3, [SKILLS[(i + 7) % 20]!]: 4, [SKILLS[(i + 13) % 20]!]: 2 },
    languages: { English: 5, [LANGUAGES[1 + (i % 7)]!]: 3 },
    queues: [QUEUES[i % 10]!, QUEUES[(i + 3) % 10]!, QUEUES[(i + 6) % 10]!],
    groups: [GROUPS[i % 5]!, GROUPS[(i + 2) % 5]!],
    source: { file: 'users/bench.yaml', line: i + 1 },
    at: {},
  }));
}

/**
 * The starting guide's 1,000-user CSV as provision reads it (NAME, EMAIL, GROUP, ROLE; one group and one role a row,
 * in the home division). SITENAME and PHONEBASE are left out: their phones are counted under their own issue.
 */
const GUIDE_GROUPS = ['Support Team', 'Sales Team', 'Billing Team', 'Onboarding Team'];
const GUIDE_ROLES = ['employee', 'Agent'];
function guideUsers(): DesiredUser[] {
  return Array.from({ length: USERS }, (_, i): DesiredUser => ({
    email: `guide${String(i).padStart(4, '0')}@bench.example`,
    name: `Guide ${i}`,
    roles: [{ role: GUIDE_ROLES[i % GUIDE_ROLES.length]! }],
    groups: [GUIDE_GROUPS[i % GUIDE_GROUPS.length]!],
    source: { file: 'users/guide.csv', line: i + 2 },
    at: {},
  }));
}

export async function bench(): Promise<void> {
  console.log('### agents with skills, languages, roles, queues and groups');
  await applyCase(desiredUsers(), { calls: 1.1 });
  console.log('### the starting guide CSV (one group and one role a row)');
  await applyCase(guideUsers(), { calls: 1.1, perUser: 1.2 });
}

async function applyCase(users: DesiredUser[], limits: { calls: number; perUser?: number }): Promise<void> {
  const sandbox = await startSandbox({
    requestsPerMinute: REQUESTS_PER_MINUTE,
    timeScale: TIME_SCALE,
    seed: {
      org: { name: 'Apply Bench' },
      divisions: [{ name: 'Home', home: true }, 'Support'],
      skills: SKILLS,
      languages: LANGUAGES,
      roles: ['employee', 'Agent'],
      queues: QUEUES,
      groups: [...GROUPS, ...GUIDE_GROUPS],
    },
  });
  try {
    const client = sandbox.clients[0]!;
    const connection = await connect({ environment: sandbox.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: REQUESTS_PER_MINUTE });
    const config = defaultConfig('.');
    const desired = { users, files: ['users/bench.yaml'], failedFiles: [], issues: [], digest: 'bench' };
    const org = await connection.reader.readOrg(readRequestFor(desired, config));
    const { plan, errors } = buildPlan({ desired, org, config });
    if (errors.length > 0) throw new Error(`bench desired state does not resolve: ${errors[0]?.message}`);

    const before = sandbox.requests.length;
    const rateLimitedBefore = connection.stats().rateLimited;
    const report = await applyPlan(plan, connection.writer, { concurrency: CONCURRENCY });
    const log = sandbox.requests.slice(before).filter((r) => r.path.startsWith('/api/'));
    const calls = log.length;
    const seen429 = log.filter((r) => r.status === 429).length;
    const first = log[0]?.at ?? 0;
    const lastEnd = Math.max(...log.map((r) => r.at + r.ms));
    const spanMs = Math.max(1, lastEnd - first);

    const m = minimumCalls(plan, org.homeDivisionId);
    const changes = plan.changes.length;
    const windowMs = 60_000 / TIME_SCALE;
    const perWindow = (calls * windowMs) / spanMs;
    console.log(`users created: ${report.created} of ${users.length}; failed changes: ${report.failed}`);
    console.log(
      `minimum calls = creates ${m.creates} + PATCHes ${m.patches} + role grants ${m.roles} + skill bulks ${m.skills} + language bulks ${m.languages}` +
        ` + queue batches ${m.queueCalls} (Σ per queue ⌈members/100⌉) + group calls ${m.groupCalls} (Σ per group 1 version read + ⌈members/50⌉)` +
        ` + division moves ${m.divisionMoves} + state changes ${m.stateChanges} = ${m.total}`,
    );
    console.log(`API calls made: ${calls} (${(calls / m.total).toFixed(3)}× the minimum; limit ${limits.calls}×) — writer counted ${report.apiCalls}`);
    console.log(`calls per change: ${(calls / changes).toFixed(2)}${limits.perUser ? ` (target ≤ ${limits.perUser})` : ''}`);
    console.log(`requests per allowed minute: ${perWindow.toFixed(1)} of ${REQUESTS_PER_MINUTE} (${((perWindow / REQUESTS_PER_MINUTE) * 100).toFixed(1)}%; target ≥ 90%) — time scale ${TIME_SCALE}: a minute lasts ${windowMs} ms`);
    console.log(`429s seen: ${seen429} (adapter waited out ${connection.stats().rateLimited - rateLimitedBefore})`);
    console.log(`wall time: ${(report.elapsedMs / 1000).toFixed(2)} s for ${changes} changes, concurrency ${CONCURRENCY}`);
    const verdicts = [
      calls <= m.total * limits.calls ? 'calls ok' : `calls OVER ${limits.calls}×`,
      ...(limits.perUser ? [calls <= changes * limits.perUser ? 'calls per user ok' : `calls per user OVER ${limits.perUser}`] : []),
      perWindow >= REQUESTS_PER_MINUTE * 0.9 ? 'rate ok' : 'rate UNDER 90%',
      report.failed === 0 ? 'no failures' : `${report.failed} FAILED`,
    ];
    console.log(`verdict: ${verdicts.join(', ')}`);
  } finally {
    await sandbox.stop();
  }
}
