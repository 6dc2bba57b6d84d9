// WebRTC phones end to end: the built binary against a sandbox over HTTP: the starting guide's CSV gives every user a phone and a default station, re-runs make none, phone base changes, removal, bad input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../../src/model/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox, SeedOrg, StartOptions } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const SECRET = 'phones-test-secret-93ad';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

const seed = (users = 0): SeedOrg => ({
  org: { name: 'Phones End To End' },
  divisions: [{ name: 'Home', home: true }],
  groups: ['Agents'],
  roles: ['employee'],
  sites: ['Indianapolis', 'Raleigh'],
  phoneBases: [{ name: 'WebRTC Base' }, { name: 'WebRTC Spare' }, { name: 'Empty Base', lines: [] }],
  users: Array.from({ length: users }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${i}` })),
});

interface World {
  dir: string;
  sb: RunningSandbox;
  run(args: string[]): Promise<Run>;
  write(name: string, text: string): void;
}

async function withWorld(options: Partial<StartOptions>, fn: (w: World) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-phones-'));
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(path.join(dir, 'provision.yaml'), 'environment: mypurecloud.com\nusersDir: users\n');
  const sb = await startSandbox({ port: 0, seed: seed(), requestsPerMinute: 600_000, ...options, clients: [{ id: 'cli-client', secret: SECRET }] });
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'cli-client', GENESYS_CLIENT_SECRET: SECRET };
  const run = (args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      });
    });
  try {
    await fn({ dir, sb, run, write: (name, text) => writeFileSync(path.join(dir, 'users', name), text) });
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

async function applied(w: World, args: string[] = []): Promise<Run> {
  const r = await w.run(['apply', '--auto-approve', ...args]);
  assert.equal(r.status, 0, explain(r));
  return r;
}

async function noChanges(w: World): Promise<void> {
  const r = await w.run(['plan', '--detailed-exitcode']);
  assert.equal(r.status, 0, explain(r));
  assert.match(r.stdout, /No changes\./);
}

/** Each live user's WebRTC phones, and whether their default station is that phone's station. */
function phonesOf(sb: RunningSandbox): Map<string, { phones: number; site: string; base: string; default: boolean }> {
  const org = sb.org;
  const out = new Map<string, { phones: number; site: string; base: string; default: boolean }>();
  for (const p of org.phones.byId.values()) {
    if (!p.webRtcUserId) continue;
    const user = org.getUser(p.webRtcUserId);
    if (!user) continue;
    const held = out.get(user.email);
    out.set(user.email, {
      phones: (held?.phones ?? 0) + 1,
      site: org.sites.get(p.siteId)?.name ?? '',
      base: org.phoneBases.get(p.phoneBaseId)?.name ?? '',
      default: org.defaultStations.get(user.id) === p.station?.id,
    });
  }
  return out;
}

const GUIDE = (n: number, site = 'Indianapolis', base = 'WebRTC Base'): string =>
  ['NAME,EMAIL,GROUP,ROLE,SITENAME,PHONEBASE', ...Array.from({ length: n }, (_, i) => `Agent ${i},agent${i}@acme.com,Agents,employee,${site},${base}`)].join('\n') + '\n';

describe('WebRTC phones against a sandbox', () => {
  it('a 1,000-row starting-guide CSV gives every user one phone and a default station; a re-run plans and creates nothing', () =>
    withWorld({ stationLagMs: 0 }, async (w) => {
      w.write('guide.csv', GUIDE(1000));
      const plan = await jsonPlan(w);
      assert.equal(plan.summary.create, 1000);
      const field = plan.changes[0]?.fields.find((f) => f.field === 'webrtcPhone');
      assert.ok(field && field.kind === 'webrtcPhone' && field.before === null && field.after?.site.name === 'Indianapolis' && field.station, JSON.stringify(field));
      const text = await w.run(['plan']);
      assert.match(text.stdout, /webrtcPhone: +\+ phone \(site "Indianapolis", phone base "WebRTC Base"\), \+ default station/, explain(text));
      await applied(w);
      const phones = phonesOf(w.sb);
      assert.equal(phones.size, 1000);
      for (const [email, p] of phones) assert.deepEqual([p.phones, p.site, p.base, p.default], [1, 'Indianapolis', 'WebRTC Base', true], email);
      const before = w.sb.org.phones.byId.size;
      await noChanges(w);
      await applied(w);
      assert.equal(w.sb.org.phones.byId.size, before, 'a re-run creates no phone');
    }));

  it('station lag: apply looks for the station again until it appears', () =>
    withWorld({ seed: seed(3), stationLagMs: 1500 }, async (w) => {
      w.write('team.yaml', `users:\n${[0, 1, 2].map((i) => `  - email: agent${i}@acme.com\n    webrtcPhone: { site: Indianapolis, phoneBase: WebRTC Base }\n`).join('')}`);
      await applied(w);
      for (const p of phonesOf(w.sb).values()) assert.equal(p.default, true);
      await noChanges(w);
    }));

  it('a phone base change updates the same phone; false deletes it; an export plans back to no changes', () =>
    withWorld({ seed: seed(2) }, async (w) => {
      const file = (a: string, b: string) => `users:\n  - email: agent0@acme.com\n    webrtcPhone: ${a}\n  - email: agent1@acme.com\n    webrtcPhone: ${b}\n`;
      w.write('team.yaml', file('{ site: Indianapolis, phoneBase: WebRTC Base }', '{ site: Indianapolis, phoneBase: WebRTC Base }'));
      await applied(w);
      const first = [...w.sb.org.phones.byId.keys()].sort();
      w.write('team.yaml', file('{ site: Raleigh, phoneBase: WebRTC Spare }', 'false'));
      const text = await w.run(['plan']);
      assert.match(text.stdout, /site "Indianapolis" → "Raleigh", ~? ?phone base "WebRTC Base" → "WebRTC Spare"/, explain(text));
      assert.match(text.stdout, /- phone \(site "Indianapolis", phone base "WebRTC Base"\)/, explain(text));
      await applied(w);
      const phones = phonesOf(w.sb);
      assert.deepEqual([...phones.keys()], ['agent0@acme.com']);
      assert.deepEqual(phones.get('agent0@acme.com'), { phones: 1, site: 'Raleigh', base: 'WebRTC Spare', default: true });
      assert.ok(first.includes([...w.sb.org.phones.byId.keys()][0] as string), 'the same phone, updated');
      await noChanges(w);

      const r = await w.run(['export', '--out', 'exported', '--fields', 'webrtcPhone']);
      assert.equal(r.status, 0, explain(r));
      const exported = readFileSync(path.join(w.dir, 'exported/users.yaml'), 'utf8');
      assert.match(exported, /webrtcPhone: \{site: Raleigh, phoneBase: WebRTC Spare\}/, exported);
      writeFileSync(path.join(w.dir, 'provision.yaml'), 'environment: mypurecloud.com\nusersDir: exported\n');
      await noChanges(w);
      const csv = await w.run(['export', '--out', 'csv', '--format', 'csv', '--fields', 'webrtcPhone']);
      assert.equal(csv.status, 0, explain(csv));
      assert.match(readFileSync(path.join(w.dir, 'csv/users.csv'), 'utf8'), /webrtcPhone_site,webrtcPhone_phoneBase/);
      writeFileSync(path.join(w.dir, 'provision.yaml'), 'environment: mypurecloud.com\nusersDir: csv\n');
      await noChanges(w);
    }));

  it('a phone made but no station set (a kill between them): the re-run makes no second phone and sets the station', () =>
    withWorld({ seed: seed(1) }, async (w) => {
      w.write('team.yaml', 'users:\n  - email: agent0@acme.com\n    webrtcPhone: { site: Indianapolis, phoneBase: WebRTC Base }\n');
      await applied(w);
      const user = w.sb.org.liveUserByEmail('agent0@acme.com')!;
      // What a kill after the phone's POST leaves: the phone, and no default station.
      w.sb.org.defaultStations.delete(user.id);
      w.sb.org.changed();
      const plan = await jsonPlan(w);
      const field = plan.changes[0]?.fields[0];
      assert.ok(field && field.kind === 'webrtcPhone' && field.before !== null && field.station, JSON.stringify(field));
      assert.match((await w.run(['plan'])).stdout, /webrtcPhone: +\+ default station/);
      await applied(w);
      assert.deepEqual(phonesOf(w.sb).get('agent0@acme.com'), { phones: 1, site: 'Indianapolis', base: 'WebRTC Base', default: true });
      await noChanges(w);
    }));

  it('unknown site or phone base, a phone base without lines, a phone on an inactive user, a bad value: errors at file:line:column, nothing written', () =>
    withWorld({ seed: seed(2) }, async (w) => {
      w.write('team.yaml', `users:
  - email: agent0@acme.com
    webrtcPhone: { site: Indianapolys, phoneBase: WebRTC Bas }
  - email: agent1@acme.com
    webrtcPhone: { site: Raleigh, phoneBase: Empty Base }
`);
      const r = await w.run(['apply', '--auto-approve']);
      assert.equal(r.status, 1, explain(r));
      const out = r.stdout + r.stderr;
      for (const expected of [/users\/team\.yaml:3:26 error unknown-site/, /users\/team\.yaml:3:51 error unknown-phone-base/, /users\/team\.yaml:5:46 error phone-base-without-lines/]) assert.match(out, expected, explain(r));
      assert.doesNotMatch(out, /\n\s+at /, 'no stack trace');
      assert.equal(w.sb.org.phones.byId.size, 0, 'nothing written');

      w.write('team.yaml', `users:
  - email: agent0@acme.com
    state: inactive
    webrtcPhone: { site: Raleigh, phoneBase: WebRTC Base }
  - email: agent1@acme.com
    webrtcPhone: true
`);
      const bad = await w.run(['validate']);
      assert.equal(bad.status, 1, explain(bad));
      assert.match(bad.stdout + bad.stderr, /users\/team\.yaml\n\s+4:18\s+error .*webrtc-phone-inactive/, explain(bad));
      assert.match(bad.stdout + bad.stderr, /\n\s+6:18\s+error .*webrtc-phone-value/, explain(bad));

      rmSync(path.join(w.dir, 'users/team.yaml'));
      w.write('guide.csv', 'NAME,EMAIL,GROUP,ROLE,SITENAME,PHONEBASE\nAgent 0,agent0@acme.com,Agents,employee,Nowhere,WebRTC Base\n');
      const csv = await w.run(['apply', '--auto-approve']);
      assert.equal(csv.status, 1, explain(csv));
      assert.match(csv.stdout + csv.stderr, /users\/guide\.csv:2:\d+ error unknown-site/, explain(csv));
      assert.equal(w.sb.org.phones.byId.size, 0, 'nothing written');
    }));
});
