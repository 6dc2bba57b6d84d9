// Utilization and voicemail end to end: the built binary against a sandbox over HTTP, set, changed, reset to the org default, re-planned to no changes, exported and planned back.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../src/model/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const SECRET = 'utilization-test-secret-41c7';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const seed: SeedOrg = {
  org: { name: 'Utilization End To End' },
  divisions: [{ name: 'Home', home: true }],
  users: [
    { email: 'ana@acme.com', name: 'Ana' },
    // Bo has settings of his own, which the file resets to the org default.
    { email: 'bo@acme.com', name: 'Bo', utilization: { utilization: { call: { maximumCapacity: 2, interruptableMediaTypes: [], includeNonAcd: false } } } },
    { email: 'cy@acme.com', name: 'Cy' },
  ],
};

const FILE = (anaUtilization: string): string => `users:
  - email: ana@acme.com
    name: Ana
${anaUtilization}
    voicemail: { enabled: true, alertTimeoutSeconds: 20 }
  - email: bo@acme.com
    name: Bo
    utilization: org-default
  - email: cy@acme.com
    name: Cy
`;

const SET = `    utilization:
      chat: { maximumCapacity: 3, interruptableMediaTypes: [call] }
      email: { maximumCapacity: 2, includeNonAcd: true }`;
const CHANGED = `    utilization:
      chat: { maximumCapacity: 5, interruptableMediaTypes: [call, email] }`;
const RESET = '    utilization: org-default';

interface World {
  dir: string;
  sb: RunningSandbox;
  run(args: string[]): Promise<Run>;
  write(text: string): void;
}

async function withWorld(fn: (w: World) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-utilization-'));
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(path.join(dir, 'provision.yaml'), 'environment: mypurecloud.com\nusersDir: users\n');
  const sb = await startSandbox({ port: 0, seed, clients: [{ id: 'cli-client', secret: SECRET }] });
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'cli-client', GENESYS_CLIENT_SECRET: SECRET };
  const run = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      });
    });
  try {
    await fn({ dir, sb, run, write: (text) => writeFileSync(path.join(dir, 'users/team.yaml'), text) });
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function jsonPlan(w: World): Promise<Plan> {
  const r = await w.run(['plan', '--format', 'json']);
  assert.equal(r.status, 0, explain(r));
  return JSON.parse(r.stdout) as Plan;
}

async function applied(w: World): Promise<void> {
  const r = await w.run(['apply', '--auto-approve']);
  assert.equal(r.status, 0, explain(r));
}

async function noChanges(w: World): Promise<void> {
  const r = await w.run(['plan', '--detailed-exitcode']);
  assert.equal(r.status, 0, explain(r));
  assert.match(r.stdout, /No changes\./);
}

describe('utilization and voicemail against a sandbox', () => {
  it('set, changed and reset to the org default; each re-plan shows no changes; only the users that manage them are read', () =>
    withWorld(async (w) => {
      const org = w.sb.org;
      const ana = org.liveUserByEmail('ana@acme.com')!;
      const bo = org.liveUserByEmail('bo@acme.com')!;
      w.write(FILE(SET));
      const plan = await jsonPlan(w);
      const fields = Object.fromEntries(plan.changes.map((c) => [c.email, c.fields.map((f) => f.field)]));
      assert.deepEqual(fields, { 'ana@acme.com': ['utilization', 'voicemail'], 'bo@acme.com': ['utilization'] });
      assert.equal(plan.perUserCalls, 3, 'ana utilization and voicemail, bo utilization; cy is not read');
      const text = await w.run(['plan']);
      assert.match(text.stdout, /utilization: +org default → chat:3 interruptable=call; email:2 nonacd/, explain(text));
      assert.match(text.stdout, /voicemail: +alertTimeoutSeconds 30 → 20/, explain(text));
      assert.match(text.stdout, /bo@acme\.com[\s\S]*utilization: +call:2 → org default/, explain(text));
      assert.match(text.stdout, /read: \d+ API calls \(3 per-user reads: utilization, voicemail\)/, explain(text));
      const markdown = await w.run(['plan', '--format', 'markdown']);
      assert.match(markdown.stdout, /utilization/, explain(markdown));

      // The first apply takes a saved plan: its utilization and voicemail changes pass the plan file's schema and re-check.
      const saved = await w.run(['plan', '--out', 'plan.json']);
      assert.equal(saved.status, 0, explain(saved));
      const fromFile = await w.run(['apply', 'plan.json', '--auto-approve']);
      assert.equal(fromFile.status, 0, explain(fromFile));
      assert.deepEqual(org.getUser(ana.id)?.utilization?.utilization.chat, { maximumCapacity: 3, interruptableMediaTypes: ['call'], includeNonAcd: false });
      assert.deepEqual(org.getUser(ana.id)?.utilization?.utilization.email, { maximumCapacity: 2, interruptableMediaTypes: [], includeNonAcd: true });
      assert.equal(org.getUser(ana.id)?.voicemail?.alertTimeoutSeconds, 20);
      assert.equal(org.getUser(bo.id)?.utilization, undefined, 'bo is back at the org default');
      await noChanges(w);

      w.write(FILE(CHANGED));
      const changed = await jsonPlan(w);
      const change = changed.changes.find((c) => c.email === 'ana@acme.com')?.fields[0];
      assert.deepEqual(change && change.kind === 'utilization' ? [change.before, change.after] : undefined, [
        { chat: { maximumCapacity: 3, interruptableMediaTypes: ['call'], includeNonAcd: false }, email: { maximumCapacity: 2, interruptableMediaTypes: [], includeNonAcd: true } },
        { chat: { maximumCapacity: 5, interruptableMediaTypes: ['call', 'email'], includeNonAcd: false } },
      ]);
      await applied(w);
      assert.deepEqual(org.getUser(ana.id)?.utilization?.utilization.email, org.utilizationDefault.email, 'a media type left out is back at the default');
      await noChanges(w);

      w.write(FILE(RESET));
      await applied(w);
      assert.equal(org.getUser(ana.id)?.utilization, undefined);
      await noChanges(w);
    }));

  it('bad values are errors at file:line:column with their codes, and apply writes nothing', () =>
    withWorld(async (w) => {
      const before = JSON.stringify(w.sb.org.listUsers('any').map((u) => [u.utilization, u.voicemail]));
      w.write(`users:
  - email: ana@acme.com
    name: Ana
    utilization:
      chat: { maximumCapacity: 26, interruptableMediaTypes: [fax] }
      video: { maximumCapacity: 1 }
    voicemail: { alertTimeoutSeconds: 0 }
`);
      const r = await w.run(['apply', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      const out = r.stdout + r.stderr;
      for (const expected of [/users\/team\.yaml:5:32 error capacity-range/, /users\/team\.yaml:5:62 error unknown-media-type/, /users\/team\.yaml:6:7 error unknown-media-type/, /users\/team\.yaml:7:39 error voicemail-timeout-range/]) {
        assert.match(out, expected, explain(r));
      }
      assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
      assert.equal(JSON.stringify(w.sb.org.listUsers('any').map((u) => [u.utilization, u.voicemail])), before, 'nothing written');
    }));

  it('export --fields utilization,voicemail, then plan: no changes', () =>
    withWorld(async (w) => {
      w.write(FILE(SET));
      await applied(w);
      const r = await w.run(['export', '--out', 'exported', '--fields', 'utilization,voicemail']);
      assert.equal(r.status, 0, explain(r));
      const exported = readFileSync(path.join(w.dir, 'exported/users.yaml'), 'utf8');
      assert.match(exported, /utilization:\n\s+chat: \{maximumCapacity: 3, interruptableMediaTypes: \[call\]\}\n\s+email: \{maximumCapacity: 2, includeNonAcd: true\}/, exported);
      assert.match(exported, /voicemail: \{enabled: true, alertTimeoutSeconds: 20, sendEmailNotifications: true\}/, exported);
      assert.match(exported, /utilization: org-default/, exported);
      rmSync(path.join(w.dir, 'users'), { recursive: true });
      writeFileSync(path.join(w.dir, 'provision.yaml'), 'environment: mypurecloud.com\nusersDir: exported\n');
      await noChanges(w);

      const csv = await w.run(['export', '--out', 'csv', '--format', 'csv', '--fields', 'utilization,voicemail']);
      assert.equal(csv.status, 0, explain(csv));
      writeFileSync(path.join(w.dir, 'provision.yaml'), 'environment: mypurecloud.com\nusersDir: csv\n');
      await noChanges(w);
    }));
});
