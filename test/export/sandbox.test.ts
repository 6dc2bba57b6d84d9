// The round trip through the real SDK and the sandbox: export → load → plan against a fresh read is zero changes.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { DEFAULT_EXPORT_OPTIONS, exportOrg, exportReadRequest } from '../../src/export/index.js';
import type { ExportOptions, ExportResult } from '../../src/export/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import type { DesiredState, OrgState, Plan } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { demoSeed, generateOrg, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg } from '../../src/sandbox/index.js';

const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };

async function open(sb: RunningSandbox): Promise<Connection> {
  const client = sb.clients[0];
  assert.ok(client);
  return connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000 }, { retry: FAST });
}

/** A generated org with every field kind: SMS mobiles, grants outside home, profile fields, employer info. */
function richGenerated(users: number, seed: number): SeedOrg {
  const org = generateOrg({ users, queues: 12, groups: 6, seed });
  (org.users ?? []).forEach((u, i) => {
    if (i % 4 === 0) u.phones = [...(u.phones ?? []), { type: 'mobile', number: `+1317556${String(1000 + (i % 9000)).padStart(4, '0')}`, mediaType: 'SMS' }];
    if (i % 6 === 0) u.roles = [...(u.roles ?? []), { role: 'Quality Evaluator', division: 'Support' }, { role: 'Quality Evaluator', division: 'Sales' }];
    if (i % 7 === 0) u.acdAutoAnswer = true;
    if (i % 5 === 0) u.profileSkills = ['Coaching', 'Spreadsheets'];
    if (i % 9 === 0) u.certifications = ['ITIL v4'];
    if (i % 11 === 0) u.employerInfo = { ...(u.employerInfo ?? {}), officialName: `${u.name} Sr.` };
    if (i % 13 === 0) u.title = `=Agent ${i}`;
  });
  return org;
}

interface Trip {
  org: OrgState;
  result: ExportResult;
  desired: DesiredState;
  plan: Plan;
}

/** Export with `options`, write the files, load them, plan against a fresh read: the whole round trip. */
async function trip(conn: Connection, options: ExportOptions): Promise<Trip> {
  const org = await conn.reader.readOrg(exportReadRequest(options.fields));
  const result = exportOrg(org, options);
  const dir = await mkdtemp(path.join(tmpdir(), 'provision-export-sb-'));
  try {
    for (const f of result.files) await writeFile(path.join(dir, f.name), f.text);
    const config = defaultConfig(dir);
    const desired = await loadDesired([dir], config, { cwd: dir });
    const errors = desired.issues.filter((i) => i.severity === 'error');
    assert.deepEqual(errors.slice(0, 5), [], `${errors.length} load errors`);
    const fresh = await conn.reader.readOrg(readRequestFor(desired, config));
    const planned = buildPlan({ desired, org: fresh, config });
    assert.deepEqual(planned.errors.slice(0, 5), []);
    return { org, result, desired, plan: planned.plan };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function assertZero(t: Trip): void {
  const shown = t.plan.changes.slice(0, 3).map((c) => `${c.action} ${c.email} ${JSON.stringify(c.fields)}`);
  assert.equal(t.plan.changes.length, 0, shown.join('\n'));
  const live = t.org.users.filter((u) => u.state !== 'deleted').length;
  assert.equal(t.result.users, live, 'every active and inactive user is exported');
  assert.equal(t.desired.users.length, live);
}


const YAML: ExportOptions = { ...DEFAULT_EXPORT_OPTIONS, schemaRef: '../schemas/users.schema.json' };

describe('export of the demo org', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  before(async () => {
    sb = await startSandbox({ port: 0, seed: await demoSeed('users'), requestsPerMinute: 1_000_000 });
    conn = await open(sb);
  });
  after(() => sb.stop());

  it('plans zero changes after export, and re-exports byte for byte', async () => {
    const first = await trip(conn, YAML);
    assertZero(first);
    const again = exportOrg(await conn.reader.readOrg(exportReadRequest()), YAML);
    assert.deepEqual(
      again.files.map((f) => f.text),
      first.result.files.map((f) => f.text),
    );
  });

  it('exports queue membership', async () => {
    const t = await trip(conn, YAML);
    assert.ok(t.desired.users.some((u) => (u.queues ?? []).length > 0));
    assert.ok(!t.result.warnings.some((w) => w.code === 'queues-not-read'));
  });

  it('plans zero changes split by division, and by department', async () => {
    assertZero(await trip(conn, { ...YAML, splitBy: 'division' }));
    assertZero(await trip(conn, { ...YAML, splitBy: 'department' }));
  });

  it('re-imports the canonical and genesys-admin CSV to the same users', async () => {
    const yaml = await trip(conn, YAML);
    for (const csvDialect of ['canonical', 'genesys-admin'] as const) {
      const t = await trip(conn, { ...DEFAULT_EXPORT_OPTIONS, format: 'csv', csvDialect });
      assertZero(t);
      assert.deepEqual(
        t.desired.users.map((u) => [u.email, u.name]),
        yaml.desired.users.map((u) => [u.email, u.name]),
      );
    }
  });
});

describe('export of generated orgs (2,000 users, every field kind)', () => {
  for (const seed of [101, 202, 303]) {
    it(`seed ${seed}: zero changes, byte-identical re-export, CSV too`, async () => {
      const sb = await startSandbox({ port: 0, seed: richGenerated(2_000, seed), requestsPerMinute: 1_000_000 });
      try {
        const conn = await open(sb);
        const first = await trip(conn, { ...YAML, splitBy: seed === 202 ? 'division' : 'none' });
        assertZero(first);
        // Every field kind made it into the files.
        const kinds = new Set(first.desired.users.flatMap((u) => Object.keys(u).filter((k) => (u as unknown as Record<string, unknown>)[k] !== undefined)));
        for (const k of ['title', 'department', 'division', 'manager', 'state', 'phones', 'roles', 'skills', 'languages', 'groups', 'locations', 'acdAutoAnswer', 'profileSkills', 'certifications', 'employerInfo']) {
          assert.ok(kinds.has(k), `no user has ${k}`);
        }
        assert.ok(kinds.has('queues'), 'no user has queues');
        assert.ok(first.desired.users.some((u) => u.phones?.some((p) => p.mediaType === 'SMS')));
        assert.ok(first.desired.users.some((u) => u.roles?.some((r) => r.division === 'Sales')));
        const again = exportOrg(await conn.reader.readOrg(exportReadRequest()), { ...YAML, splitBy: seed === 202 ? 'division' : 'none' });
        assert.ok(
          again.files.every((f, i) => f.text === first.result.files[i]?.text),
          'byte-identical re-export',
        );
        assertZero(await trip(conn, { ...DEFAULT_EXPORT_OPTIONS, format: 'csv' }));
      } finally {
        await sb.stop();
      }
    });
  }
});
