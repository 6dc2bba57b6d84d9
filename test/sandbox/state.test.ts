// Seeds (YAML, JSON, bad ones), persistence between runs, the generator, the demo org and out-of-band changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoSeed, generateOrg, loadSeed, startDemoSandbox, startSandbox } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { withSandbox } from '../support/sandbox.js';

const FIXTURES = 'test/sandbox/fixtures';

test('a YAML seed file builds the org, names resolved to ids', async () => {
  await withSandbox({ seedFile: `${FIXTURES}/seed.yaml` }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    assert.equal((await sdk.organization.getOrganizationsMe()).name, 'Fixture Org');
    const page = await sdk.users.getUsers({ expand: ['skills', 'languages', 'groups', 'locations', 'authorization'] });
    const nina = page.entities?.find((u) => u.email === 'nina.berg@acme.com');
    const ola = page.entities?.find((u) => u.email === 'ola.lind@acme.com');
    assert.equal(nina?.manager?.id, ola?.id);
    assert.equal(nina?.division?.name, 'Home');
    assert.equal(ola?.division?.name, 'Support');
    assert.deepEqual(nina?.skills?.map((s) => s.name), ['Billing']);
    assert.deepEqual(nina?.locations?.map((l) => l.locationDefinition?.name), ['Dublin']);
    assert.deepEqual(ola?.authorization?.roles?.map((r) => r.name), ['employee', 'Supervisor']);
    const deleted = await sdk.users.getUsers({ state: 'deleted' });
    assert.deepEqual(deleted.entities?.map((u) => u.email), ['kim.sato@acme.com']);
    const queue = sandbox.org.queues.byExactName('Support - Tier 1');
    assert.equal((await sdk.routing.getRoutingQueueMembers(queue?.id as string)).entities?.[0]?.name, 'Nina Berg');
  });
});

test('a JSON seed file works the same way', async () => {
  const seed = await loadSeed(`${FIXTURES}/seed.json`);
  assert.deepEqual(seed.skills, ['Billing']);
  await withSandbox({ seedFile: `${FIXTURES}/seed.json` }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const page = await sdk.users.getUsers({ expand: ['skills'] });
    assert.deepEqual(page.entities?.map((u) => [u.email, u.skills?.[0]?.proficiency]), [['a@acme.com', 2]]);
  });
});

test('bad seed files fail with a clear message naming the problem', async () => {
  const cases: [string, RegExp][] = [
    ['bad-syntax.yaml', /bad-syntax\.yaml:\d+:\d+/],
    ['bad-unknown-skill.yaml', /unknown skill "Billng"/],
    ['bad-duplicate-email.yaml', /already used/],
    ['bad-unknown-key.yaml', /unknown key "skils"/],
    ['bad-unknown-manager.yaml', /unknown manager "nobody@acme.com"/],
    ['bad-missing-email.yaml', /email is required/],
  ];
  for (const [file, message] of cases) {
    const error = await rejection(startSandbox({ seedFile: `${FIXTURES}/${file}` }));
    assert.ok(error instanceof Error, file);
    assert.equal(error.name, 'SeedError', file);
    assert.match(error.message, message, file);
  }
});

test('statePath persists every write and a new sandbox picks the org up where it stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  const statePath = join(dir, 'org.json');
  try {
    let userId = '';
    await withSandbox({ seedFile: `${FIXTURES}/seed.yaml`, statePath }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      const created = await sdk.users.postUsers({ name: 'Saved', email: 'saved@acme.com', divisionId: sandbox.org.homeDivision().id });
      userId = created.id as string;
      await sdk.users.patchUser(userId, { title: 'Kept', version: 1 });
      await sdk.users.patchUserRoutingskillsBulk(userId, [{ id: sandbox.org.skills.byExactName('Chat')?.id as string, proficiency: 4 }]);
      const group = sandbox.org.groups.byExactName('Support Team');
      await sdk.groups.postGroupMembers(group?.id as string, { memberIds: [userId], version: 1 });
      // Written a moment after the writes (the sandbox gathers them for 100 ms), before the sandbox stops: waited for
      // by looking, not for a fixed time a loaded machine could overrun.
      while (!(existsSync(statePath) && /saved@acme\.com/.test(readFileSync(statePath, 'utf8')))) await new Promise((resolve) => setTimeout(resolve, 10));
    });
    await withSandbox({ statePath, seedFile: `${FIXTURES}/seed.json` }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      assert.equal((await sdk.organization.getOrganizationsMe()).name, 'Fixture Org');
      const user = await sdk.users.getUser(userId, { expand: ['skills', 'groups'] });
      assert.equal(user.title, 'Kept');
      assert.equal(user.version, 2);
      assert.deepEqual(user.skills?.map((s) => `${s.name}:${s.proficiency}`), ['Chat:4']);
      assert.deepEqual(user.groups?.map((g) => [g.name, g.version]), [['Support Team', 2]]);
      assert.equal((await sdk.users.getUsers({ state: 'deleted' })).total, 1);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a corrupt state file is refused, not overwritten', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
  const statePath = join(dir, 'org.json');
  try {
    writeFileSync(statePath, '{ not json');
    await rejection(startSandbox({ statePath }));
    assert.equal(readFileSync(statePath, 'utf8'), '{ not json');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('generateOrg is deterministic and realistic', () => {
  const a = generateOrg({ users: 500, seed: 5 });
  assert.deepEqual(generateOrg({ users: 500, seed: 5 }), a);
  assert.notDeepEqual(generateOrg({ users: 500, seed: 6 }).users, a.users);
  const users = a.users ?? [];
  assert.equal(users.length, 500);
  assert.equal(new Set(users.map((u) => u.email)).size, 500);
  assert.ok(users.some((u) => u.state === 'inactive') && users.some((u) => u.state === 'deleted'));
  assert.ok(users.some((u) => u.manager) && users.some((u) => Object.keys(u.skills ?? {}).length > 0));
  assert.ok(users.every((u) => (u.phones ?? []).every((p) => /^\+\d{11}$/.test(p.number ?? ''))));
});

test('the demo org matches users/ but for the deliberate differences', async () => {
  const seed = await demoSeed();
  assert.deepEqual(await demoSeed(), seed, 'deterministic');
  const users = seed.users ?? [];
  assert.equal(users.filter((u) => u.state === 'deleted').length, 1);
  assert.ok(users.some((u) => u.email.startsWith('temp.agent@')), 'an unmanaged user');
  await withSandbox({ seed }, async (sandbox) => {
    assert.ok(sandbox.org.listUsers('active').length >= 10);
    assert.ok(sandbox.org.skills.byExactName('Legacy Fax'), 'an unused skill');
  });
});

test('a small generated org stands in when there is no users/ folder', async () => {
  const seed = await demoSeed('/nonexistent/users');
  assert.equal(seed.users?.length, 25);
});

test('tests can change the org out of band: add, rename, bump', async () => {
  await withSandbox({ seedFile: `${FIXTURES}/seed.yaml` }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const added = sandbox.org.addUser({ email: 'zed@acme.com', name: 'Aaron Zed' });
    const nina = sandbox.org.liveUserByEmail('nina.berg@acme.com');
    sandbox.org.updateUser(nina?.id as string, (u) => (u.name = 'Zoe Berg'));
    const names = (await sdk.users.getUsers({})).entities?.map((u) => u.name);
    assert.deepEqual(names, ['Aaron Zed', 'Ola Lind', 'Zoe Berg']);
    assert.equal((await sdk.users.getUser(added.id)).version, 1);
    assert.equal((await sdk.users.getUser(nina?.id as string)).version, 2);
  });
});

test('startDemoSandbox seeds the demo org once, then resumes from its state file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-demo-'));
  const statePath = join(dir, '.provision', 'sandbox-org.json');
  try {
    const first = await startDemoSandbox({ statePath });
    const temp = first.org.listUsers('active').find((u) => u.email.startsWith('temp.agent@'));
    assert.ok(temp);
    first.org.updateUser(temp.id, (u) => (u.state = 'inactive'));
    await first.stop();
    const second = await startDemoSandbox({ statePath });
    try {
      assert.equal(second.org.getUser(temp.id)?.state, 'inactive');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
