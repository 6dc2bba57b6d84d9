// Benchmark: a plan of two 10,000-user orgs run concurrently (each through its own client and server) against the two single-org plans: calls add up, wall time does not.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportToFolder } from '../src/cli/export.js';
import { defaultConfig, loadDesired } from '../src/desired/index.js';
import { DEFAULT_EXPORT_OPTIONS } from '../src/export/index.js';
import { connect } from '../src/genesys/index.js';
import type { DesiredState, ProvisionConfig } from '../src/model/index.js';
import { buildPlan, readRequestFor } from '../src/plan/index.js';
import { generateOrg, startSandbox } from '../src/sandbox/index.js';
import type { RunningSandbox } from '../src/sandbox/index.js';

const USERS = 10_000;
const n = (x: number): string => x.toLocaleString('en-US');

interface Org {
  name: string;
  sb: RunningSandbox;
  desired: DesiredState;
  config: ProvisionConfig;
}

/** One org's plan as `provision plan --org` makes it: a connection of its own (its own pacer), the read, the diff. */
async function planOf(org: Org): Promise<{ calls: number; ms: number; changes: number }> {
  const client = org.sb.clients[0]!;
  const conn = await connect({ environment: org.sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000_000 });
  const started = performance.now();
  const state = await conn.reader.readOrg(readRequestFor(org.desired, org.config));
  const { plan } = buildPlan({ desired: org.desired, org: state, config: org.config });
  return { calls: state.apiCalls, ms: performance.now() - started, changes: plan.changes.length };
}

export async function bench(): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'provision-bench-orgs-'));
  const orgs: Org[] = [];
  try {
    for (const [i, name] of ['test', 'prod'].entries()) {
      const sb = await startSandbox({ seed: { ...generateOrg({ users: USERS, queues: 20, groups: 10, seed: 42 + i, queueGroups: 20, groupRoles: 5 }), org: { name: `Bench ${name}` } }, requestsPerMinute: 1_000_000_000 });
      const client = sb.clients[0]!;
      const conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000_000 });
      const out = path.join(dir, name);
      await exportToFolder(conn.reader, { out, options: { ...DEFAULT_EXPORT_OPTIONS, emailDomains: ['example.com'] }, force: false, dryRun: false, cwd: dir });
      const config = { ...defaultConfig(dir), org: name };
      orgs.push({ name, sb, config, desired: await loadDesired([out], config, { cwd: dir }) });
    }
    console.log(`two sandbox orgs of ${n(USERS)} users each, users/ exported from each (a no-op plan each)`);
    const single = [];
    for (const org of orgs) {
      const r = await planOf(org);
      single.push(r);
      console.log(`plan --org ${org.name} alone: ${Math.round(r.ms)} ms, ${n(r.calls)} API calls, ${r.changes} changes`);
    }
    const started = performance.now();
    const both = await Promise.all(orgs.map(planOf));
    const wall = performance.now() - started;
    const calls = both.reduce((s, r) => s + r.calls, 0);
    const sumCalls = single.reduce((s, r) => s + r.calls, 0);
    const sumMs = single.reduce((s, r) => s + r.ms, 0);
    const maxMs = Math.max(...single.map((r) => r.ms));
    console.log(`plan --all (both at once): ${Math.round(wall)} ms wall, ${n(calls)} API calls (single plans: ${n(sumCalls)} = ${single.map((r) => n(r.calls)).join(' + ')})`);
    console.log(`  calls / sum of single plans = ${(calls / sumCalls).toFixed(2)} (target 1.00)`);
    console.log(`  wall / one org = ${(wall / maxMs).toFixed(2)}; wall / the two run one after the other = ${(wall / sumMs).toFixed(2)}`);
    if (calls !== sumCalls) throw new Error(`two orgs cost ${calls} calls, not the ${sumCalls} of their single plans`);
  } finally {
    await Promise.all(orgs.map((o) => o.sb.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}
