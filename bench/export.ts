// Benchmark: exporting a generated 10,000-user org from the sandbox: wall time, and API calls against the planner's read.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exportToFolder } from '../src/cli/export.js';
import { defaultConfig, loadDesired } from '../src/desired/index.js';
import { DEFAULT_EXPORT_OPTIONS } from '../src/export/index.js';
import { connect } from '../src/genesys/index.js';
import { buildPlan, readRequestFor } from '../src/plan/index.js';
import { generateOrg, startSandbox } from '../src/sandbox/index.js';

const USERS = 10_000;

export async function bench(): Promise<void> {
  const sb = await startSandbox({ seed: generateOrg({ users: USERS, queues: 20, groups: 10, seed: 42 }), requestsPerMinute: 1_000_000_000 });
  const dir = await mkdtemp(path.join(tmpdir(), 'provision-bench-export-'));
  try {
    const client = sb.clients[0];
    if (!client) throw new Error('the sandbox has no client');
    const conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000_000 });
    console.log(`sandbox: ${USERS.toLocaleString('en-US')} users (no rate limit)`);

    for (const format of ['yaml', 'csv'] as const) {
      const out = path.join(dir, format);
      const started = performance.now();
      const result = await exportToFolder(conn.reader, { out, options: { ...DEFAULT_EXPORT_OPTIONS, format, schemaRef: '../schemas/users.schema.json' }, force: false, dryRun: false, cwd: dir });
      const ms = performance.now() - started;
      console.log(
        `export ${format}: ${Math.round(ms)} ms (target < 10000 ms), ${result.apiCalls} API calls, ${result.users.toLocaleString('en-US')} users, ${result.warnings.length} warnings`,
      );
      if (format !== 'yaml') continue;

      // The planner's read of the same org, as `plan` would make it for the exported files.
      const config = defaultConfig(dir);
      const desired = await loadDesired([out], config, { cwd: dir });
      const planStarted = performance.now();
      const org = await conn.reader.readOrg(readRequestFor(desired, config));
      const { plan } = buildPlan({ desired, org, config });
      const planMs = performance.now() - planStarted;
      console.log(`planner's read of the same org: ${org.apiCalls} API calls (${Math.round(planMs)} ms); plan: ${plan.changes.length} changes`);
      console.log(`  export calls / planner calls = ${(result.apiCalls / org.apiCalls).toFixed(2)} (target ≤ 1.20)`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await sb.stop();
  }
}
