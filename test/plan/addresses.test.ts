// End to end against the sandbox: phones in every shape Genesys answers with, other emails and location notes: plan, apply, plan again (no changes), nothing lost.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyPlan } from '../../src/apply/index.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import type { DesiredState, Plan, ProvisionConfig } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg } from '../../src/sandbox/index.js';

const CLIENT_ID = 'addresses-client';
const SECRET = 'aDdReSsEs-s3cret-41c9e07d';
const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'provision-addresses-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

async function withOrg(seed: SeedOrg, fn: (sb: RunningSandbox, conn: Connection) => Promise<void>): Promise<void> {
  const sb = await startSandbox({ port: 0, seed, requestsPerMinute: 1_000_000, searchLagMs: 0, clients: [{ id: CLIENT_ID, secret: SECRET }] });
  try {
    const conn = await connect({ environment: sb.url, clientId: CLIENT_ID, clientSecret: SECRET, requestsPerMinute: 1_000_000, timeoutMs: 3_000 }, { retry: FAST });
    await fn(sb, conn);
  } finally {
    await sb.stop();
  }
}

async function project(name: string, yaml: string): Promise<{ config: ProvisionConfig; desired: DesiredState }> {
  const dir = path.join(root, name);
  await mkdir(path.join(dir, 'users'), { recursive: true });
  await writeFile(path.join(dir, 'users', 'team.yaml'), yaml);
  // No phoneRegion: numbers the API shows in national form are read in the org's default country.
  const config = defaultConfig(dir);
  const desired = await loadDesired([config.usersDir], config, { cwd: dir });
  assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
  return { config, desired };
}

async function planOf(conn: Connection, desired: DesiredState, config: ProvisionConfig): Promise<Plan> {
  const org = await conn.reader.readOrg(readRequestFor(desired, config));
  const { plan, errors } = buildPlan({ desired, org, config });
  assert.deepEqual(errors, []);
  return plan;
}

function seed(): SeedOrg {
  return {
    org: { id: 'org-addresses', name: 'Addresses Org', defaultCountryCode: 'US' },
    divisions: [{ name: 'Home', home: true }],
    locations: ['Indianapolis HQ', 'Dublin Office'],
    extensionPools: [{ name: 'HQ desks', startNumber: '4000', endNumber: '4999' }],
    users: [
      {
        email: 'nina.berg@acme.com',
        name: 'Nina Berg',
        phones: [{ type: 'work', number: '+13175550100' }],
        otherEmails: [{ type: 'home', address: 'nina@example.com' }],
        locations: [{ location: 'Indianapolis HQ', notes: 'Desk 4-12' }],
      },
      { email: 'ola.lind@acme.com', name: 'Ola Lind', phones: [{ type: 'work', number: '+13175550110', extension: '110' }, { type: 'mobile', number: '+442079460958', mediaType: 'SMS' }] },
      { email: 'priya.raman@acme.com', name: 'Priya Raman', phones: [{ type: 'work3', extension: '4411' }, { type: 'work4', extension: '7788' }], otherEmails: [{ type: 'work', address: 'priya@partner.example' }] },
      { email: 'tom.becker@acme.com', name: 'Tom Becker' },
    ],
  };
}

// Line numbers matter: the warning below points at tom's work phone.
const TEAM_YAML = `users:
  - email: nina.berg@acme.com
    name: Nina Berg
    phones:
      work: "+1 317 555 0100 x100"
      work2: x4412
    locations: [Indianapolis HQ, Dublin Office]
  - email: ola.lind@acme.com
    name: Ola Lind
    otherEmails:
      work: Ola.L@Partner.example
  - email: priya.raman@acme.com
    name: Priya Raman
    phones:
      work3: x4411
      work4: x7788
    otherEmails: { work: priya@partner.example }
  - email: tom.becker@acme.com
    name: Tom Becker
    phones:
      work: x120
  - email: ada.new@acme.com
    name: Ada New
    phones:
      work: "+1 317 555 0199 x19"
      mobile: { number: "+44 20 7946 0959", sms: true }
    otherEmails: { home: ada@example.com }
`;

describe('phones, other emails and location notes against the sandbox', () => {
  it('plan, apply, plan again: no changes, and nothing the files do not manage is lost', async () => {
    await withOrg(seed(), async (sb, conn) => {
      const { config, desired } = await project('converge', TEAM_YAML);
      const first = await planOf(conn, desired, config);
      assert.deepEqual(
        first.changes.map((c) => [c.action, c.email, c.fields.map((f) => f.field)]),
        [
          ['create', 'ada.new@acme.com', ['name', 'phones', 'otherEmails']],
          ['update', 'nina.berg@acme.com', ['phones', 'locations']],
          ['update', 'ola.lind@acme.com', ['otherEmails']],
          ['update', 'tom.becker@acme.com', ['phones']],
        ],
        'priya (a pooled extension, an extension in no pool, an other email) reads back unchanged',
      );
      // A phone change carries the other emails the files leave alone, and the other way round.
      const nina = first.changes.find((c) => c.email === 'nina.berg@acme.com');
      assert.deepEqual(nina?.fields[0], {
        field: 'phones',
        kind: 'phones',
        before: [{ type: 'work', mediaType: 'PHONE', number: '+13175550100' }],
        after: [
          { type: 'work', mediaType: 'PHONE', number: '+13175550100', extension: '100' },
          { type: 'work2', mediaType: 'PHONE', extension: '4412' },
        ],
        otherEmails: [{ type: 'home', address: 'nina@example.com' }],
      });
      const ola = first.changes.find((c) => c.email === 'ola.lind@acme.com');
      assert.deepEqual(ola?.fields[0], {
        field: 'otherEmails',
        kind: 'otherEmails',
        before: [],
        after: [{ type: 'work', address: 'ola.l@partner.example' }],
        phones: [
          { type: 'work', mediaType: 'PHONE', number: '+13175550110', extension: '110' },
          { type: 'mobile', mediaType: 'SMS', number: '+442079460958' },
        ],
      });
      // An extension in no pool: a warning at the line, and the plan still converges.
      assert.deepEqual(
        first.warnings.map((w) => [w.code, w.file, w.line, w.column]),
        [['extension-not-in-pool', 'users/team.yaml', 21, 13]],
      );
      assert.ok(sb.requests.some((r) => r.path === '/api/v2/telephony/providers/edges/extensionpools'), 'the pools were read');

      const report = await applyPlan(first, conn.writer, { concurrency: 4, findRetry: { attempts: 20, delayMs: 20 } });
      assert.deepEqual(report.problems, []);

      const again = await planOf(conn, desired, config);
      assert.deepEqual(again.changes, []);
      assert.deepEqual(again.warnings, [], 'an extension the user already holds is not warned about again');
      assert.equal(again.summary.unchanged, 5);

      const rec = (email: string) => sb.org.liveUserByEmail(email);
      assert.deepEqual(rec('nina.berg@acme.com')?.addresses.filter((a) => a.mediaType === 'EMAIL'), [{ mediaType: 'EMAIL', type: 'HOME', address: 'nina@example.com' }], "nina's other email survived her phone change");
      assert.deepEqual(rec('nina.berg@acme.com')?.locationNotes, { [sb.org.locations.byExactName('Indianapolis HQ')?.id as string]: 'Desk 4-12' }, 'the kept location kept its notes');
      assert.deepEqual(
        rec('ola.lind@acme.com')?.addresses.map((a) => [a.mediaType, a.type, a.address, a.extension]),
        [
          ['PHONE', 'WORK', '+13175550110', '110'],
          ['SMS', 'MOBILE', '+442079460958', undefined],
          ['EMAIL', 'WORK', 'ola.l@partner.example', undefined],
        ],
        "ola's phones survived her other-email change",
      );
    });
  });

  it('a phone change leaves unmanaged other emails alone even when they changed after the plan', async () => {
    await withOrg(seed(), async (sb, conn) => {
      const { config, desired } = await project('late-email', `users:\n  - email: nina.berg@acme.com\n    name: Nina Berg\n    phones: { work: "+1 317 555 0101" }\n`);
      const plan = await planOf(conn, desired, config);
      assert.equal(plan.changes.length, 1);
      // Someone adds a work email between plan and apply: the version moves, apply re-reads and keeps it.
      const id = sb.org.liveUserByEmail('nina.berg@acme.com')?.id as string;
      sb.org.updateUser(id, (u) => u.addresses.push({ mediaType: 'EMAIL', type: 'WORK', address: 'nina.b@partner.example' }));
      const report = await applyPlan(plan, conn.writer, { concurrency: 1 });
      assert.deepEqual(report.problems, []);
      assert.deepEqual(
        sb.org.getUser(id)?.addresses.map((a) => [a.mediaType, a.type, a.address]),
        [
          ['PHONE', 'WORK', '+13175550101'],
          ['EMAIL', 'HOME', 'nina@example.com'],
          ['EMAIL', 'WORK', 'nina.b@partner.example'],
        ],
      );
      assert.deepEqual((await planOf(conn, desired, config)).changes, []);
    });
  });

  it('no extension-only line, no extension pool read', async () => {
    await withOrg(seed(), async (sb, conn) => {
      const { config, desired } = await project('no-pools', `users:\n  - email: ola.lind@acme.com\n    name: Ola Lind\n    phones: { work: "+1 317 555 0110 x110", mobile: { number: "+44 20 7946 0958", sms: true } }\n`);
      assert.deepEqual((await planOf(conn, desired, config)).changes, []);
      assert.ok(!sb.requests.some((r) => r.path.includes('extensionpools')));
    });
  });
});
