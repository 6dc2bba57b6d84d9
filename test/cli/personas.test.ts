// Personas end to end: the built binary plans and applies a persona's users against a sandbox over HTTP through the SDK, and a change to the persona is planned for each of them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../src/model/index.js';
import { demoSeed, generateOrg, startSandbox } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const SECRET = 'personas-test-secret-41b2';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(clean)) if (name.startsWith('GENESYS')) delete clean[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
    });
  });
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const PERSONAS = (extra: string): string => `personas:
  tier1:
    description: First-line support agents
    skills:
      Billing: 3
      Returns: 3${extra}
    queues: [Support - Tier 1]
    groups: [Support Team]
  spanish:
    languages: { Spanish: 4 }
    queues: [Support - Spanish]
`;

const USERS = `users:
  - email: p.one@acme.com
    name: P One
    persona: tier1
  - email: p.two@acme.com
    name: P Two
    personas: [tier1, spanish]
  - email: p.three@acme.com
    name: P Three
    persona: tier1
    skills: { Billing: 5 }
`;

describe('personas against a sandbox', () => {
  it('creates a persona\'s users, then plans a change to the persona for each of its users, naming it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-personas-'));
    for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    const sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [{ id: 'personas-client', secret: SECRET }] });
    const env = { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'personas-client', GENESYS_CLIENT_SECRET: SECRET };
    try {
      mkdirSync(path.join(dir, 'personas'));
      writeFileSync(path.join(dir, 'personas/agents.yaml'), PERSONAS(''));
      writeFileSync(path.join(dir, 'users/personas.yaml'), USERS);
      const first = await run(dir, ['apply', '--auto-approve'], env);
      assert.equal(first.status, 0, explain(first));
      const two = sb.org.liveUserByEmail('p.two@acme.com');
      assert.ok(two, 'p.two created');
      const synced = await run(dir, ['plan', '--detailed-exitcode'], env);
      assert.equal(synced.status, 0, explain(synced));

      // Tier 1 now also takes Chat 2: one update per user of the persona; P Three's own skills win.
      writeFileSync(path.join(dir, 'personas/agents.yaml'), PERSONAS('\n      Chat: 2'));
      const json = await run(dir, ['plan', '--detailed-exitcode', '--format', 'json'], env);
      assert.equal(json.status, 2, explain(json));
      const plan = JSON.parse(json.stdout) as Plan;
      assert.deepEqual(plan.changes.map((c) => [c.action, c.email]), [['update', 'p.one@acme.com'], ['update', 'p.two@acme.com']]);
      for (const change of plan.changes) {
        assert.deepEqual(change.fields.map((f) => f.field), ['skills']);
        assert.deepEqual(change.fields[0]!.personas, [{ persona: 'tier1', file: 'personas/agents.yaml', line: 4, column: 5 }]);
        assert.equal(change.source?.file, 'users/personas.yaml');
      }
      assert.deepEqual(plan.personas, [{ persona: 'tier1', file: 'personas/agents.yaml', line: 2, users: 2, changes: [{ field: 'skills', change: '+ Chat 2', users: 2 }] }]);

      const text = await run(dir, ['plan'], env);
      assert.match(text.stdout, /skills: {2}\+ Chat 2\n {17}from persona tier1 \(personas\/agents\.yaml:4\)/);
      assert.match(text.stdout, /persona tier1: skills \+ Chat 2 for 2 users {2}personas\/agents\.yaml:2/);
      const md = await run(dir, ['plan', '--format', 'markdown'], env);
      assert.match(md.stdout, /# skills: from persona tier1 \(personas\/agents\.yaml:4\)/);
      assert.match(md.stdout, /persona tier1: skills \+ Chat 2 for 2 users · personas\/agents\.yaml:2/);

      // A saved plan carries the personas and passes the plan file's schema when it is applied.
      const saved = await run(dir, ['plan', '--out', 'plan.json'], env);
      assert.equal(saved.status, 0, explain(saved));
      const applied = await run(dir, ['apply', 'plan.json', '--auto-approve'], env);
      assert.equal(applied.status, 0, explain(applied));
      assert.equal(sb.org.liveUserByEmail('p.one@acme.com')?.skills.size, 3, 'Billing, Returns and Chat');
      const after = await run(dir, ['plan', '--detailed-exitcode'], env);
      assert.equal(after.status, 0, explain(after));
    } finally {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('export --personas writes personas/ and users taking them, and the plan after it is zero changes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-personas-export-'));
    cpSync(path.join(REPO, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
    // Teams: half the users share the first user's roles, skills, languages, queues and groups.
    const seed = generateOrg({ users: 40, queues: 4, groups: 3, seed: 5 });
    const users = seed.users ?? [];
    users.forEach((u, i) => {
      if (i % 2 === 0 && i > 0) Object.assign(u, { roles: users[0]!.roles, skills: users[0]!.skills, languages: users[0]!.languages, queues: users[0]!.queues, groups: users[0]!.groups });
    });
    const sb = await startSandbox({ port: 0, seed, clients: [{ id: 'personas-client', secret: SECRET }] });
    const env = { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'personas-client', GENESYS_CLIENT_SECRET: SECRET };
    try {
      const exported = await run(dir, ['export', '--personas'], env);
      assert.equal(exported.status, 0, explain(exported));
      assert.match(exported.stdout, /^wrote {2}personas\/personas\.yaml {2}\d+ personas? \(taken by \d+ users\)$/m);
      assert.match(readFileSync(path.join(dir, 'personas/personas.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schemas\/personas\.schema\.json\n/);
      assert.match(readFileSync(path.join(dir, 'users/users.yaml'), 'utf8'), /\n {4}persona: /);
      const plan = await run(dir, ['plan', '--detailed-exitcode'], env);
      assert.equal(plan.status, 0, explain(plan));
      const refused = await run(dir, ['export', '--personas', '--format', 'csv', '--csv-dialect', 'genesys-admin', '--out', 'other'], env);
      assert.equal(refused.status, 1, explain(refused));
      assert.match(refused.stderr, /--personas cannot be used with --csv-dialect genesys-admin/);
    } finally {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
