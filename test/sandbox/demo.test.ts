// The demo org `--sandbox` builds from a users folder: the names the starting guide's CSV and the personas beside the folder hold exist in it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { demoSeed } from '../../src/sandbox/demo.js';
import { orgFromSeed } from '../../src/sandbox/org.js';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-demo-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test("the starting guide's CSV: its users, one group and one role a row, and the sites and phone bases SITENAME and PHONEBASE name", async () => {
  const dir = workspace({
    'users/agents.csv': 'NAME,EMAIL,GROUP,ROLE,SITENAME,PHONEBASE\nKim Novak,kim@acme.com,Support Team,employee,Raleigh,Remote Base\nLee Park,lee@acme.com,Sales Team,Agent,Indianapolis,WebRTC Base\n',
  });
  try {
    const seed = await demoSeed(path.join(dir, 'users'));
    const org = orgFromSeed(seed);
    assert.deepEqual(org.sites.sorted().map((s) => s.name), ['Indianapolis', 'Raleigh']);
    assert.deepEqual(org.phoneBases.sorted().map((b) => b.name), ['Remote Base', 'WebRTC Base']);
    assert.ok(org.groups.byExactName('Support Team') && org.groups.byExactName('Sales Team'));
    assert.ok(org.roles.byExactName('employee') && org.roles.byExactName('Agent'));
    // kim sorts first: she is in the org (the demo leaves out every 7th from the 3rd); the unmanaged temp agent is there too.
    assert.ok(org.liveUserByEmail('kim@acme.com'));
    assert.ok(org.liveUserByEmail('temp.agent@acme.com'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the names the personas hold, in personas/ and in provision.yaml beside the users folder, exist in the demo org', async () => {
  const dir = workspace({
    'provision.yaml': 'personas:\n  night:\n    queues: [Night Shift]\n',
    'personas/p.yaml': 'personas:\n  tier1:\n    skills: { Billing: 3 }\n    queues: [Support - Tier 1]\n    webrtcPhone: { site: Austin, phoneBase: Austin Base }\n',
    // A personas file that does not parse is the plan's to report: the demo org just lacks its names.
    'personas/broken.yaml': 'personas:\n  broken: [\n',
    'personas/q.yaml': 'personas:\n  tier2:\n    roles: [{ role: Supervisor, division: Support }]\n    languages: { Spanish: 4 }\n',
    'users/a.yaml': 'users:\n  - email: a@acme.com\n    name: A\n    personas: [tier1, night]\n',
  });
  try {
    const org = orgFromSeed(await demoSeed(path.join(dir, 'users')));
    for (const [kind, name] of [['queues', 'Night Shift'], ['queues', 'Support - Tier 1'], ['skills', 'Billing'], ['roles', 'Supervisor'], ['divisions', 'Support'], ['languages', 'Spanish'], ['sites', 'Austin'], ['phoneBases', 'Austin Base']] as const) {
      assert.ok(org[kind].byExactName(name), `${kind} ${name}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
