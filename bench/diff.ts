// Benchmark: the pure planner (resolution, diff, safety, checksum) on 50,000 desired users against a 50,000-user org.
import { performance } from 'node:perf_hooks';
import { buildPlan } from '../src/plan/index.js';
import type { DesiredState, DesiredUser, Named, OrgState, OrgUser, ProvisionConfig } from '../src/model/index.js';

const USERS = 50_000;

function names(prefix: string, count: number): Named[] {
  return Array.from({ length: count }, (_, i) => ({ id: `${prefix}-${i}`, name: `${prefix} ${i}` }));
}

/** A deterministic generator: the same org and desired state on every run. */
function scenario(): { desired: DesiredState; org: OrgState; config: ProvisionConfig } {
  const skills = names('Skill', 200);
  const languages = names('Language', 20);
  const queues = names('Queue', 20);
  const groups = names('Group', 10);
  const roles = names('Role', 15);
  const divisions = names('Division', 5);
  const locations = names('Location', 8);
  const users: DesiredUser[] = [];
  const orgUsers: OrgUser[] = [];
  const queueMembers: Record<string, string[]> = Object.fromEntries(queues.map((q) => [q.id, []]));
  const pick = <T>(list: T[], i: number): T => list[i % list.length] as T;
  for (let i = 0; i < USERS; i += 1) {
    const email = `agent${i}@acme.example`;
    const skillSet = { [pick(skills, i).name]: (i % 5) + 1, [pick(skills, i + 7).name]: 3, [pick(skills, i + 31).name]: 4 };
    const queue = pick(queues, i);
    const user: DesiredUser = {
      email,
      name: `Agent ${i}`,
      title: 'Agent',
      department: 'Support',
      division: pick(divisions, i).name,
      manager: i % 20 === 0 ? undefined : `agent${i - (i % 20)}@acme.example`,
      phones: [{ type: 'work', number: `+1317555${String(i % 10_000).padStart(4, '0')}`, extension: String(i % 1000), mediaType: 'PHONE' }],
      roles: [{ role: pick(roles, i).name }, { role: pick(roles, i + 1).name, division: pick(divisions, i).name }],
      skills: skillSet,
      languages: { [pick(languages, i).name]: 5 },
      queues: [queue.name],
      groups: [pick(groups, i).name],
      locations: [pick(locations, i).name],
      source: { file: `users/team-${i % 50}.yaml`, line: 3 + (i % 1000) * 20, column: 5 },
      at: {},
    };
    users.push(user);
    // About 1% new users, 1% deleted (restored), 5% with a changed title, 3% a changed skill level, 2% a moved queue.
    if (i % 100 === 1) continue;
    const current: OrgUser = {
      id: `u-${i}`,
      version: 1 + (i % 7),
      email,
      name: user.name ?? email,
      state: i % 100 === 2 ? 'deleted' : 'active',
      title: i % 20 === 3 ? 'Trainee' : 'Agent',
      department: 'Support',
      divisionId: pick(divisions, i).id,
      managerId: i % 20 === 0 ? undefined : `u-${i - (i % 20)}`,
      phones: [{ type: 'work', number: `+1 317-555-${String(i % 10_000).padStart(4, '0')}`, extension: String(i % 1000), mediaType: 'PHONE' }],
      roleGrants: [
        { roleId: pick(roles, i).id, divisionId: 'Division-0' },
        { roleId: pick(roles, i + 1).id, divisionId: pick(divisions, i).id },
      ],
      skills: { [pick(skills, i).id]: i % 33 === 4 ? 1 : (i % 5) + 1, [pick(skills, i + 7).id]: 3, [pick(skills, i + 31).id]: 4 },
      languages: { [pick(languages, i).id]: 5 },
      groupIds: [pick(groups, i).id],
      locationIds: [pick(locations, i).id],
    };
    orgUsers.push(current);
    if (current.state !== 'deleted') queueMembers[(i % 50 === 5 ? pick(queues, i + 1) : queue).id]?.push(current.id);
  }
  // Undeclared users: some in scope for pruning (none here), some unmanaged.
  for (let i = 0; i < 500; i += 1) {
    orgUsers.push({ id: `x-${i}`, version: 1, email: `other${i}@elsewhere.example`, name: `Other ${i}`, state: 'active', phones: [], divisionId: 'Division-4' });
  }
  return {
    desired: { users, files: [], failedFiles: [], issues: [], digest: 'bench' },
    org: {
      target: { environment: 'mypurecloud.com', orgId: 'bench', orgName: 'Bench' },
      users: orgUsers,
      lookups: { skills, languages, queues, groups, roles, divisions, locations },
      homeDivisionId: 'Division-0',
      queueMembers,
      apiCalls: 0,
    },
    config: {
      usersDir: 'users',
      requestsPerMinute: 300,
      apply: { concurrency: 4 },
      scope: { divisions: [], emailDomains: [], prune: false },
      safety: { maxDeactivations: 10, maxDeactivationPercent: 10, protectedUsers: [], adminRoles: ['Role 0'] },
    },
  };
}

export async function bench(): Promise<void> {
  const input = scenario();
  // One warm-up run so the figure is the steady state, not the JIT's first pass.
  buildPlan(structuredClone(input));
  const runs: number[] = [];
  let summary = '';
  for (let run = 0; run < 3; run += 1) {
    const copy = structuredClone(input);
    const start = performance.now();
    const { plan, errors } = buildPlan(copy);
    runs.push(performance.now() - start);
    if (errors.length > 0) throw new Error(`unexpected errors: ${errors[0]?.message}`);
    const s = plan.summary;
    summary = `${s.create} create, ${s.update} update, ${s.restore} restore, ${s.deactivate} deactivate, ${s.unchanged} unchanged, ${s.unmanaged} unmanaged`;
  }
  const best = Math.min(...runs);
  console.log(`buildPlan: ${USERS.toLocaleString('en-US')} desired users vs ${input.org.users.length.toLocaleString('en-US')} org users`);
  console.log(`plan: ${summary}`);
  console.log(`wall time: best ${best.toFixed(0)} ms, runs ${runs.map((r) => r.toFixed(0)).join(' / ')} ms (target < 1000 ms) ${best < 1000 ? 'OK' : 'SLOW'}`);
}
