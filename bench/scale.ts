// Benchmark: export and a no-op plan of a 50,000-user org, each a whole `provision` process measured on its own (peak RSS, CPU), the sandbox in this process, beside a bare process making the plan's GETs.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateOrg, startSandbox } from '../src/sandbox/index.js';
import { fmt, load, measureNode, median, runs } from './_measure.js';
import type { Measured } from './_measure.js';

const USERS = 50_000;
const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.resolve(here, '../../bin/provision.js');
const bareRead = path.join(here, '_bare-read.js');
const bareYaml = path.join(here, '_bare-yaml.js');
const MEMORY_MB = 400;
const PLAN_CPU_MS = 5000;

export async function bench(): Promise<void> {
  const seeded = performance.now();
  const sandbox = await startSandbox({ seed: generateOrg({ users: USERS, queues: 40, groups: 20, seed: 7, queueGroups: 40, groupRoles: 5 }), requestsPerMinute: 1_000_000_000 });
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-bench-scale-'));
  try {
    const client = sandbox.clients[0]!;
    const env = { GENESYS_CLIENT_ID: client.id, GENESYS_CLIENT_SECRET: client.secret, GENESYS_ENVIRONMENT: sandbox.url, NO_COLOR: '1' };
    const live = [...sandbox.org.users.values()].filter((u) => u.state !== 'deleted').length;
    console.log(`sandbox: ${fmt(USERS)} users (${fmt(live)} not deleted), 40 queues with member groups, 20 groups (5 granted a role), seeded in ${fmt(performance.now() - seeded)} ms, in the benchmark's process`);
    // The token requests are not API calls: provision counts those under /api/.
    const apiCalls = (from: number) => sandbox.requests.slice(from).filter((r) => r.path.startsWith('/api/')).length;
    const rounds = Math.min(runs(), 3);
    const loads = [load()];
    const exports: Measured[] = [];
    const plans: Measured[] = [];
    const bareReads: Measured[] = [];
    const bareLoads: Measured[] = [];
    let bareGets = 0;
    const callCounts: string[] = [];
    for (let round = 0; round < rounds; round++) {
      rmSync(path.join(dir, 'users'), { recursive: true, force: true });
      const before = sandbox.requests.length;
      const exported = await measureNode([binary, 'export', '--out', 'users', '--split-by', 'division'], { cwd: dir, env });
      if (exported.status !== 0) throw new Error(`provision export failed: ${exported.stderr.slice(-1000)}`);
      const exportLogged = apiCalls(before);
      exports.push(exported);
      const counted = /\[([\d,]+) API calls?\]/.exec(exported.stderr)?.[1]?.replace(/,/g, '');

      const planBefore = sandbox.requests.length;
      const planned = await measureNode([binary, 'plan', '--format', 'json', '--detailed-exitcode'], { cwd: dir, env });
      if (planned.status !== 0) throw new Error(`the plan is not a no-op (exit ${planned.status}): ${planned.stderr.slice(-1000)}`);
      const planLogged = apiCalls(planBefore);
      const plan = JSON.parse(planned.stdout) as { changes: unknown[]; readCalls: number; summary: { unchanged: number } };
      if (plan.changes.length > 0) throw new Error(`the plan is not a no-op: ${plan.changes.length} changes`);
      plans.push(planned);
      // The same GETs again from a process that only receives and parses them: what reading the org costs before provision does anything with it.
      const gets = sandbox.requests.slice(planBefore).filter((r) => r.method === 'GET' && r.path.startsWith('/api/')).map((r) => (r.query ? `${r.path}?${r.query}` : r.path));
      writeFileSync(path.join(dir, 'gets.json'), JSON.stringify(gets));
      const bare = await measureNode([bareRead, sandbox.url, path.join(dir, 'gets.json')], { env });
      if (bare.status !== 0) throw new Error(`the bare read failed: ${bare.stderr.slice(-1000)}`);
      bareReads.push(bare);
      bareLoads.push(await measureNode([bareYaml, path.join(dir, 'users')]));
      bareGets = gets.length;
      callCounts.push(`export counted ${counted} / sandbox logged ${exportLogged}; plan counted ${plan.readCalls} / logged ${planLogged} (${fmt(plan.summary.unchanged)} unchanged)`);
    }
    loads.push(load());
    const m = (list: Measured[], key: 'wallMs' | 'maxRssMb' | 'cpuMs') => median(list.map((r) => r[key]));
    const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
    console.log(`medians of ${rounds} rounds, ${loads.join(' → ')}; the provision process alone (the sandbox runs here)`);
    console.log(`  export:      wall ${fmt(m(exports, 'wallMs'))} ms, CPU ${fmt(m(exports, 'cpuMs'))} ms, peak RSS ${fmt(m(exports, 'maxRssMb'))} MB (target < ${MEMORY_MB} MB): ${verdict(m(exports, 'maxRssMb') < MEMORY_MB)}`);
    console.log(
      `  no-op plan:  wall ${fmt(m(plans, 'wallMs'))} ms, CPU ${fmt(m(plans, 'cpuMs'))} ms (target < ${PLAN_CPU_MS} ms): ${verdict(m(plans, 'cpuMs') < PLAN_CPU_MS)}, peak RSS ${fmt(m(plans, 'maxRssMb'))} MB (target < ${MEMORY_MB} MB): ${verdict(m(plans, 'maxRssMb') < MEMORY_MB)}`,
    );
    console.log(
      `  bare read:   CPU ${fmt(m(bareReads, 'cpuMs'))} ms, peak RSS ${fmt(m(bareReads, 'maxRssMb'))} MB: a plain node process making the plan's ${fmt(bareGets)} GETs (node:http, keep-alive, 6 at once) and parsing each answer, keeping nothing; ` +
        `the plan's CPU is ${(m(plans, 'cpuMs') / m(bareReads, 'cpuMs')).toFixed(2)}× it`,
    );
    const floor = m(bareReads, 'cpuMs') + m(bareLoads, 'cpuMs');
    console.log(
      `  bare load:   CPU ${fmt(m(bareLoads, 'cpuMs'))} ms: a plain node process loading users/ with js-yaml; with the bare read, ${fmt(floor)} ms of CPU that any plan spends before comparing anything ` +
        `(the plan is ${(m(plans, 'cpuMs') / floor).toFixed(2)}× it; the ${fmt(PLAN_CPU_MS)} ms target is ${PLAN_CPU_MS < floor ? 'below it' : 'above it'})`,
    );
    for (const line of new Set(callCounts)) console.log(`  calls: ${line}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await sandbox.stop();
  }
}
