// `export --personas`: shared bundles become personas named after their users' work, users take them, and the round trip through the SDK and the sandbox plans zero changes.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';
import { DEFAULT_EXPORT_OPTIONS, exportOrg, exportReadRequest } from '../../src/export/index.js';
import type { ExportOptions, ExportUser } from '../../src/export/index.js';
import { proposePersonas, takePersona } from '../../src/export/personas.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { generateOrg, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

const agent = (email: string, title: string, queues: string[]): ExportUser => ({ email, title, roles: [{ role: 'employee' }], skills: [['Billing', 3]], queues, groupBy: { division: undefined, department: undefined }, notes: [] });

describe('proposing personas', () => {
  it('a bundle shared by two or more users is a persona named after their commonest title; a lone bundle stays on its user', () => {
    const users = [agent('a@x.com', 'Support Agent', ['Tier 1']), agent('b@x.com', 'Support Agent', ['Tier 1']), agent('c@x.com', 'Agent', ['Tier 1']), agent('d@x.com', 'Support Agent', ['Tier 2']), agent('e@x.com', 'Support Agent', ['Tier 2']), agent('f@x.com', 'Lead', ['Tier 3'])];
    const personas = proposePersonas(users);
    assert.deepEqual([...personas.values()].map((p) => [p.name, p.users, p.fields.queues]), [
      ['support-agent', 3, ['Tier 1']],
      ['support-agent-2', 2, ['Tier 2']],
    ]);
    const taken = takePersona(users[2]!, personas);
    assert.equal(taken.persona, 'support-agent');
    assert.equal(taken.skills, undefined);
    assert.equal(taken.title, 'Agent');
    assert.equal(takePersona(users[5]!, personas), users[5]);
  });
});

describe('export --personas against a sandbox', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  before(async () => {
    // Teams: half the users share the first user's roles, skills, languages, queues and groups, a fifth the second's.
    const seed = generateOrg({ users: 120, queues: 4, groups: 3, seed: 11 });
    const users = seed.users ?? [];
    users.forEach((u, i) => {
      const model = i % 2 === 0 ? users[0] : i % 5 === 1 ? users[1] : undefined;
      if (!model || model === u) return;
      Object.assign(u, { roles: model.roles, skills: model.skills, languages: model.languages, queues: model.queues, groups: model.groups });
    });
    sb = await startSandbox({ port: 0, seed, requestsPerMinute: 1_000_000 });
    const client = sb.clients[0]!;
    conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: 1_000_000 }, { retry: { maxRetries: 4, baseDelayMs: 5, maxDelayMs: 40, maxRateLimited: 10 } });
  });
  after(() => sb.stop());

  for (const format of ['yaml', 'csv'] as const) {
    it(`${format}: users take the proposed personas, and export → plan is zero changes`, async () => {
      const options: ExportOptions = { ...DEFAULT_EXPORT_OPTIONS, format, personas: { schemaRef: '../schemas/personas.schema.json' } };
      const org = await conn.reader.readOrg(exportReadRequest());
      const result = exportOrg(org, options);
      const personasFile = result.files.find((f) => f.personas !== undefined);
      assert.ok(personasFile && personasFile.personas! > 0, 'some personas are proposed');
      assert.match(personasFile.text, /^# yaml-language-server: \$schema=\.\.\/schemas\/personas\.schema\.json\n# Personas proposed by `provision export --personas` from the org .*\n\npersonas:\n {2}[a-z0-9-]+:\n {4}description: \d+ users/);
      const users = result.files.find((f) => f.personas === undefined)!;
      assert.match(users.text, format === 'yaml' ? /\n {4}persona: [a-z0-9-]+\n/ : /,persona\r?\n/);
      const dir = await mkdtemp(path.join(tmpdir(), 'provision-export-personas-'));
      try {
        await mkdir(path.join(dir, 'users'));
        await mkdir(path.join(dir, 'personas'));
        for (const f of result.files) await writeFile(path.join(dir, f.personas === undefined ? 'users' : 'personas', f.name), f.text);
        const config = defaultConfig(dir);
        const desired = await loadDesired([], config, { cwd: dir });
        assert.deepEqual(desired.issues.filter((i) => i.severity === 'error'), []);
        assert.ok(desired.users.filter((u) => u.personas).length >= personasFile.users);
        const fresh = await conn.reader.readOrg(readRequestFor(desired, config));
        const { plan, errors } = buildPlan({ desired, org: fresh, config });
        assert.deepEqual(errors, []);
        assert.equal(plan.changes.length, 0, JSON.stringify(plan.changes.slice(0, 2)));
        assert.equal(plan.personas, undefined);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
