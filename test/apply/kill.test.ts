// Apply killed with SIGKILL part-way (several seeds), then run again: the org converges, with no duplicate users.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';
import type { SeedOrg } from '../../src/sandbox/index.js';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/provision.js');
const CLIENT = { id: 'kill-client', secret: 'kill-secret-5b1e0c77' };
const NEW_USERS = 24;
const SEEDS = [11, 23, 37, 41, 53];

const SKILLS = ['Billing', 'Returns', 'Chat', 'Escalations'];
const QUEUES = ['Support - Tier 1', 'Support - Tier 2', 'Sales - Inbound'];
const GROUPS = ['Support Team', 'Night Shift'];

function seed(): SeedOrg {
  return {
    org: { id: 'org-kill', name: 'Kill Org' },
    divisions: [{ name: 'Home', home: true }, 'Support'],
    skills: SKILLS,
    languages: ['English', 'Spanish'],
    roles: ['employee', 'Supervisor'],
    queues: QUEUES.map((name) => ({ name, division: 'Support' })),
    groups: GROUPS,
    users: [
      { email: 'lead@acme.com', name: 'Lead', title: 'Lead', division: 'Support', roles: ['employee'], skills: { Billing: 2 }, queues: ['Support - Tier 1'] },
      { email: 'gone@acme.com', name: 'Gone Agent', state: 'deleted', dateDeleted: '2026-05-01T00:00:00.000Z' },
    ],
  };
}

/** The desired users: the lead updated, the deleted agent restored, and new agents reporting to a new manager. */
function usersYaml(): string {
  const lines = ['users:'];
  const user = (email: string, name: string, i: number, manager?: string) => {
    lines.push(
      `  - email: ${email}`,
      `    name: ${name}`,
      `    title: Agent ${i}`,
      '    division: Support',
      ...(manager ? [`    manager: ${manager}`] : []),
      `    roles: [employee${i % 5 === 0 ? ', Supervisor' : ''}]`,
      `    skills: { ${SKILLS[i % SKILLS.length]}: ${1 + (i % 5)}, ${SKILLS[(i + 1) % SKILLS.length]}: 3 }`,
      `    languages: { English: 5${i % 3 === 0 ? ', Spanish: 2' : ''} }`,
      `    queues: [${QUEUES[i % QUEUES.length]}]`,
      `    groups: [${GROUPS[i % GROUPS.length]}]`,
    );
  };
  user('lead@acme.com', 'Lead', 0);
  user('gone@acme.com', 'Gone Agent', 1, 'lead@acme.com');
  user('manager.new@acme.com', 'New Manager', 2, 'lead@acme.com');
  for (let i = 0; i < NEW_USERS; i++) user(`agent${i}@acme.com`, `Agent ${i}`, i + 3, 'manager.new@acme.com');
  return `${lines.join('\n')}\n`;
}

/** A deterministic generator (mulberry32): the same seed kills at the same write. */
function prng(seedValue: number): () => number {
  let a = seedValue >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

function launch(cwd: string, args: string[], url: string): { child: ChildProcess; done: Promise<Run> } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', GENESYS_ENVIRONMENT: url, GENESYS_CLIENT_ID: CLIENT.id, GENESYS_CLIENT_SECRET: CLIENT.secret };
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, output })));
  return { child, done };
}

const isWrite = (method: string, route: string): boolean => method !== 'GET' && route !== '/oauth/token' && route !== '/api/v2/users/search';

describe('apply killed with SIGKILL, then run again', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'provision-kill-'));
    mkdirSync(path.join(dir, 'users'));
    writeFileSync(path.join(dir, 'users/team.yaml'), usersYaml());
    writeFileSync(path.join(dir, 'provision.yaml'), 'requestsPerMinute: 100000\napply:\n  concurrency: 8\n');
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  // One clean apply counts the writes, so every seed can kill somewhere inside the run.
  let totalWrites = 0;
  it('a clean apply, for the number of writes a full run makes', async () => {
    let writes = 0;
    const sb = await startSandbox({ port: 0, seed: seed(), searchLagMs: 150, clients: [CLIENT], requestsPerMinute: 100_000, onRequest: (e) => (writes += isWrite(e.method, e.path) ? 1 : 0) });
    try {
      const run = await launch(dir, ['apply', '--auto-approve'], sb.url).done;
      assert.equal(run.status, 0, run.output);
      totalWrites = writes;
      assert.ok(totalWrites > 80, `${totalWrites} writes`);
    } finally {
      await sb.stop();
    }
  });

  for (const seedValue of SEEDS) {
    it(`seed ${seedValue}: killed at a random write, the second run converges without duplicates`, async () => {
      const random = prng(seedValue);
      const killAt = 1 + Math.floor(random() * (totalWrites - 1));
      let writes = 0;
      let victim: ChildProcess | undefined;
      const sb = await startSandbox({
        port: 0,
        seed: seed(),
        searchLagMs: 150,
        clients: [CLIENT],
        requestsPerMinute: 100_000,
        onRequest: (e) => {
          if (!isWrite(e.method, e.path)) return;
          writes += 1;
          if (writes === killAt) victim?.kill('SIGKILL');
        },
      });
      try {
        const first = launch(dir, ['apply', '--auto-approve'], sb.url);
        victim = first.child;
        const killed = await first.done;
        assert.equal(killed.signal, 'SIGKILL', `killed at write ${killAt} of ${totalWrites}\n${killed.output}`);

        const second = await launch(dir, ['apply', '--auto-approve'], sb.url).done;
        assert.equal(second.status, 0, `after a kill at write ${killAt}:\n${second.output}`);
        const check = await launch(dir, ['plan', '--detailed-exitcode'], sb.url).done;
        assert.equal(check.status, 0, `the org matches users/ after a kill at write ${killAt}:\n${check.output}`);

        const live = sb.org.listUsers('any').filter((u) => u.state !== 'deleted');
        const emails = live.map((u) => u.email.toLowerCase());
        assert.equal(new Set(emails).size, emails.length, 'no email twice among live users');
        assert.equal(live.length, NEW_USERS + 3);
        for (const output of [killed.output, second.output, check.output]) {
          assert.ok(!output.includes(CLIENT.secret), 'no secret in the output');
          assert.doesNotMatch(output, /Bearer /);
        }
      } finally {
        await sb.stop();
      }
    });
  }
});
