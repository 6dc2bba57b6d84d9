// Plan, apply, plan again while Genesys drops expansions ("best effort"): no change is ever planned from missing data, and the org converges.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { applyPlan } from '../../src/apply/index.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import type { DesiredState, FieldChange, Plan, ProvisionConfig } from '../../src/model/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg, UserRec } from '../../src/sandbox/index.js';

const CLIENT = { id: 'expand-client', secret: 'expand-client-secret-4f8a1c' };
const FAST = { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 };

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'provision-expand-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

function seed(): SeedOrg {
  return {
    org: { id: 'org-expand', name: 'Expand Org' },
    divisions: [{ name: 'Home', home: true }, 'Support'],
    skills: ['Billing', 'Returns', 'Chat'],
    languages: ['English', 'Spanish'],
    roles: ['employee', 'Supervisor'],
    locations: ['Indianapolis HQ', 'Dublin Office'],
    groups: ['Support Team', 'Team Leads'],
    users: [
      {
        email: 'ola@acme.com',
        name: 'Ola',
        skills: { Billing: 3, Chat: 2 },
        languages: { English: 5 },
        groups: ['Team Leads'],
        locations: ['Dublin Office'],
        profileSkills: ['Excel'],
        certifications: ['ITIL'],
        employerInfo: { employeeId: 'E1' },
        roles: ['employee'],
      },
      { email: 'nina@acme.com', name: 'Nina', skills: { Returns: 1 }, groups: ['Support Team'], roles: ['employee', { role: 'Supervisor', division: 'Support' }] },
      { email: 'tom@acme.com', name: 'Tom', state: 'inactive', skills: { Chat: 4 }, certifications: ['CCNA'] },
      ...Array.from({ length: 30 }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${i}`, skills: { Billing: 1 + (i % 5) }, groups: i % 2 ? ['Support Team'] : [], employerInfo: i % 3 ? { employeeId: `A${i}` } : undefined })),
    ],
  };
}

/** What users/ says: every expanded field managed, most of them different from the org. */
const USERS_YAML = `users:
  - email: ola@acme.com
    name: Ola
    skills: { Billing: 4, Returns: 2 }
    languages: { English: 5, Spanish: 3 }
    groups: [Team Leads, Support Team]
    locations: [Indianapolis HQ]
    profileSkills: [Excel, Zendesk]
    certifications: []
    employerInfo: { employeeId: E1, employeeType: Full-time }
    roles: [{ role: employee }, { role: Supervisor, division: Support }]
  - email: nina@acme.com
    name: Nina
    skills: { Returns: 1 }
    groups: []
    roles: [{ role: employee }]
  - email: tom@acme.com
    name: Tom
    state: inactive
    skills: { Chat: 5 }
    certifications: [CCNA, ITIL]
${Array.from({ length: 30 }, (_, i) => `  - email: agent${i}@acme.com\n    name: Agent ${i}\n    skills: { Billing: ${1 + ((i + 1) % 5)} }\n    groups: [${i % 3 ? 'Support Team' : ''}]\n    employerInfo: { employeeId: B${i} }\n`).join('')}`;

async function project(): Promise<{ config: ProvisionConfig; desired: DesiredState }> {
  const dir = await mkdtemp(path.join(root, 'p-'));
  await mkdir(path.join(dir, 'users'));
  await writeFile(path.join(dir, 'users', 'team.yaml'), USERS_YAML);
  const config = defaultConfig(dir);
  const desired = await loadDesired([config.usersDir], config, { cwd: dir });
  assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
  return { config, desired };
}

async function open(sb: RunningSandbox): Promise<Connection> {
  return connect({ environment: sb.url, clientId: CLIENT.id, clientSecret: CLIENT.secret, requestsPerMinute: 1_000_000, timeoutMs: 3_000 }, { retry: FAST });
}

async function planOf(conn: Connection, desired: DesiredState, config: ProvisionConfig): Promise<Plan> {
  const org = await conn.reader.readOrg(readRequestFor(desired, config));
  const { plan, errors } = buildPlan({ desired, org, config });
  assert.deepEqual(errors, []);
  return plan;
}

/**
 * Every planned field change against the org as it truly is (the sandbox's own records): what the plan
 * adds is absent, what it removes or changes is there with the level it says. A change planned from a
 * dropped expansion read as "none" (adding a skill the user has) fails here.
 */
function contradictions(sb: RunningSandbox, plan: Plan): string[] {
  const out: string[] = [];
  for (const change of plan.changes) {
    const rec = change.id ? sb.org.getUser(change.id) : undefined;
    if (!rec) continue;
    for (const f of change.fields) {
      const problem = contradiction(sb, rec, f);
      if (problem) out.push(`${change.email} ${f.field}: ${problem}`);
    }
  }
  return out;
}

function contradiction(sb: RunningSandbox, rec: UserRec, f: FieldChange): string | undefined {
  switch (f.kind) {
    case 'levels': {
      const have = f.field === 'skills' ? rec.skills : rec.languages;
      for (const l of f.add) if (have.has(l.id)) return `adds ${l.name}, which the user has`;
      for (const l of f.change) if (have.get(l.id) !== l.before) return `changes ${l.name} from ${l.before}, the user has ${String(have.get(l.id))}`;
      for (const l of f.remove) if (have.get(l.id) !== l.level) return `removes ${l.name} at ${l.level}, the user has ${String(have.get(l.id))}`;
      return undefined;
    }
    case 'set': {
      const have =
        f.field === 'groups'
          ? new Set(sb.org.groups.sorted().filter((g) => g.members.has(rec.id)).map((g) => g.id))
          : f.field === 'locations'
            ? new Set(rec.locationIds)
            : new Set(sb.org.queues.sorted().filter((q) => q.members.has(rec.id)).map((q) => q.id));
      for (const n of f.add) if (have.has(n.id)) return `adds ${n.name}, which the user has`;
      for (const n of f.remove) if (!have.has(n.id)) return `removes ${n.name}, which the user lacks`;
      return undefined;
    }
    case 'strings': {
      const have = new Set((f.field === 'profileSkills' ? rec.profileSkills : rec.certifications) ?? []);
      for (const s of f.add) if (have.has(s)) return `adds ${s}, which the user has`;
      for (const s of f.remove) if (!have.has(s)) return `removes ${s}, which the user lacks`;
      return undefined;
    }
    case 'employerInfo': {
      const truth = rec.employerInfo && Object.keys(rec.employerInfo).length > 0 ? rec.employerInfo : null;
      return JSON.stringify(f.before ?? null) === JSON.stringify(truth) ? undefined : `before ${JSON.stringify(f.before)}, the user has ${JSON.stringify(truth)}`;
    }
    case 'grants': {
      const have = new Set(rec.grants.map((g) => `${g.roleId}|${g.divisionId}`));
      for (const g of f.add) if (have.has(`${g.roleId}|${g.divisionId}`)) return `grants ${g.role}, which the user holds`;
      for (const g of f.remove) if (!have.has(`${g.roleId}|${g.divisionId}`)) return `revokes ${g.role}, which the user lacks`;
      return undefined;
    }
    default:
      return undefined;
  }
}

describe('expansions dropped from the first listing and the reads that fetch them again (scripted drop-expand)', () => {
  it('plans only what the org truly lacks, warns of what it could not read, and converges', async () => {
    // The script says which reads lose expansions (the listing, then the reads that fetch again what it dropped); the
    // seed picks which expansions. No dice decide whether the test meets the fault.
    const sb = await startSandbox({ seed: seed(), randomSeed: 42, requestsPerMinute: 1_000_000, clients: [CLIENT] });
    try {
      const conn = await open(sb);
      const { config, desired } = await project();
      for (let i = 0; i < 3; i++) sb.script({ method: 'GET', path: '/api/v2/users', kind: 'drop-expand' });
      let plan = await planOf(conn, desired, config);
      assert.equal(sb.requests.filter((r) => r.fault === 'drop-expand').length, 3, 'the fault met the listing and the reads again');
      let rounds = 0;
      while (plan.changes.length > 0) {
        rounds += 1;
        assert.ok(rounds <= 4, `converges within 4 rounds (round ${rounds}: ${plan.changes.map((c) => `${c.email} ${c.fields.map((f) => f.field).join(',')}`).join('; ')})`);
        assert.deepEqual(contradictions(sb, plan), [], `round ${rounds}: no change from missing data`);
        const report = await applyPlan(plan, conn.writer, { concurrency: 4, findRetry: { attempts: 5, delayMs: 10 } });
        // A list sent whole is skipped where the user's current one could not be read: never sent from a guess.
        assert.deepEqual(report.problems.filter((p) => !(p.outcome === 'skipped' && /could not be read/.test(p.message ?? ''))), [], `round ${rounds}`);
        plan = await planOf(conn, desired, config);
      }
      assert.deepEqual(plan.warnings.filter((w) => w.code !== 'field-unknown'), []);
      // The org holds exactly what users/ says.
      const ola = sb.org.liveUserByEmail('ola@acme.com');
      assert.ok(ola);
      assert.deepEqual([...ola.skills.keys()].map((id) => sb.org.skills.get(id)?.name).sort(), ['Billing', 'Returns']);
      assert.deepEqual(ola.profileSkills, ['Excel', 'Zendesk']);
      assert.deepEqual(ola.certifications, []);
      assert.deepEqual(ola.locationIds, [sb.org.locations.byExactName('Indianapolis HQ')?.id]);
      assert.deepEqual(ola.employerInfo, { employeeId: 'E1', employeeType: 'Full-time' });
      const tom = sb.org.liveUserByEmail('tom@acme.com');
      assert.deepEqual(tom?.certifications, ['CCNA', 'ITIL']);
      assert.equal(tom?.state, 'inactive');
      for (let i = 0; i < 30; i++) assert.deepEqual(sb.org.liveUserByEmail(`agent${i}@acme.com`)?.employerInfo, { employeeId: `B${i}` });
    } finally {
      await sb.stop();
    }
  });
});

describe('expansions always dropped (drop-expand:1)', () => {
  it('fetches skills, languages and profile skills from their own endpoints, and keeps the rest unknown with a warning per user and field', async () => {
    const sb = await startSandbox({ seed: seed(), faults: 'drop-expand:1', randomSeed: 3, requestsPerMinute: 1_000_000, clients: [CLIENT] });
    try {
      const conn = await open(sb);
      const { config, desired } = await project();
      const plan = await planOf(conn, desired, config);
      assert.deepEqual(contradictions(sb, plan), []);
      const unknown = plan.warnings.filter((w) => w.code === 'field-unknown');
      // A single missing expansion asked for alone is always dropped: it stays unknown, and the plan says so at the line of the field.
      assert.ok(unknown.length > 0);
      for (const w of unknown) {
        assert.match(w.message, /^Genesys did not return the (groups|locations|certifications|employerInfo|roles) of [a-z0-9]+@acme\.com /);
        assert.equal(w.file, 'users/team.yaml');
        assert.ok((w.line ?? 0) > 0);
      }
      const fields = (email: string) => plan.changes.find((c) => c.email === email)?.fields.map((f) => f.field) ?? [];
      // Skills come through /routingskills whatever happens to the listing.
      assert.ok(fields('ola@acme.com').includes('skills'));
      assert.ok(fields('tom@acme.com').includes('skills'));
      for (const w of unknown) {
        const [, field, email] = /the (\w+) of (\S+) /.exec(w.message) ?? [];
        assert.ok(!fields(email ?? '').includes(field as FieldChange['field']), `${email} ${field} is unknown and not planned`);
      }
      // Applying changes only what was known; the org never loses a value it was not read with.
      const report = await applyPlan(plan, conn.writer, { concurrency: 4, findRetry: { attempts: 5, delayMs: 10 } });
      assert.equal(report.failed, 0, JSON.stringify(report.problems));
      const again = await planOf(conn, desired, config);
      assert.deepEqual(contradictions(sb, again), []);
      assert.ok(!again.changes.some((c) => c.fields.some((f) => f.field === 'skills')), 'skills converged');
    } finally {
      await sb.stop();
    }
  });
});
