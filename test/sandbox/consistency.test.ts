// Conformance: the consistency faults of real orgs (sub-resource writes refused while a user is being patched, reads that lag writes) and the realism profile, through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultEngine, FaultSpecError, parseFaults, REALISM } from '../../src/sandbox/faults.js';
import type { FaultRule, RunningSandbox } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import type { SdkApis } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';
import { SkippingClock } from '../support/clock.js';

type Body = Record<string, unknown>;

function ids(sandbox: RunningSandbox) {
  const org = sandbox.org;
  const user = (email: string) => org.liveUserByEmail(email)?.id as string;
  return {
    priya: user('priya.raman@acme.com'),
    nina: user('nina.berg@acme.com'),
    ola: user('ola.lind@acme.com'),
    billing: org.skills.byExactName('Billing')?.id as string,
    chat: org.skills.byExactName('Chat')?.id as string,
    english: org.languages.byExactName('English')?.id as string,
    employee: org.roles.byExactName('employee')?.id as string,
    home: org.homeDivision().id,
    support: org.groups.byExactName('Support Team')?.id as string,
    leads: org.groups.byExactName('Team Leads')?.id as string,
  };
}

/** Patches a user's title through the SDK (a versioned write): the user is now being patched. */
async function patchTitle(sdk: SdkApis, id: string, title: string): Promise<number> {
  const current = await sdk.users.getUser(id);
  const updated = await sdk.users.patchUser(id, { title, version: current.version as number });
  return updated.version as number;
}

test('the spec parses the consistency kinds, their answers and windows, and the realism profile', () => {
  const cases: [string, FaultRule[]][] = [
    ['sub-conflict:0.3', [{ kind: 'sub-conflict', probability: 0.3 }]],
    ['sub-conflict/400:1:500ms', [{ kind: 'sub-conflict', probability: 1, status: 400, durationMs: 500 }]],
    ['sub-conflict/408:0.5@POST /api/v2/groups/{id}/members', [{ kind: 'sub-conflict', probability: 0.5, status: 408, route: { method: 'POST', path: '/api/v2/groups/{id}/members' } }]],
    ['stale-read:0.5:2s', [{ kind: 'stale-read', probability: 0.5, durationMs: 2000 }]],
  ];
  for (const [spec, rules] of cases) assert.deepEqual(parseFaults(spec), rules, spec);
  for (const bad of ['sub-conflict/500:0.1', 'stale-read/409:0.1', 'drop/409:0.1', 'editor:0.1:1s', 'stale-read:0.1:soon', 'realism:0.5', 'realistic']) {
    assert.throws(() => parseFaults(bad), FaultSpecError, bad);
  }
  // The profile expands to the rules of its items that this sandbox knows, and mixes with other items.
  const realism = parseFaults('realism');
  assert.ok(realism.some((r) => r.kind === 'sub-conflict' && r.probability > 0 && r.probability < 1));
  assert.ok(realism.some((r) => r.kind === 'stale-read' && r.probability > 0 && r.probability < 1));
  assert.deepEqual(parseFaults(' realism , 5xx:0.1'), [...realism, { kind: '5xx', probability: 0.1 }]);
  // Every item of the profile parses on its own.
  for (const item of REALISM) assert.equal(parseFaults(item).length, 1, item);
});

test('consistency rules roll only where their condition holds; scripted ones fire as scripted', () => {
  const rule: FaultRule = { kind: 'sub-conflict', probability: 1 };
  const engine = new FaultEngine([rule], 1);
  assert.deepEqual(engine.decide('POST', '/api/v2/authorization/subjects/u1/bulkadd'), [], 'no condition given: never');
  assert.deepEqual(engine.decide('POST', '/api/v2/authorization/subjects/u1/bulkadd', () => false), []);
  assert.deepEqual(engine.decide('POST', '/api/v2/authorization/subjects/u1/bulkadd', (r) => r === rule), [{ kind: 'sub-conflict', status: undefined, body: undefined, ms: undefined }]);
  engine.script({ method: 'DELETE', path: '/api/v2/users/{id}/routingskills/{skill}', kind: 'sub-conflict', status: 400 });
  assert.equal(engine.decide('DELETE', '/api/v2/users/u1/routingskills/s1', () => false)[0]?.status, 400);
});

test('sub-resource writes of a user being patched answer 409; other users, and unversioned writes, are not affected', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'sub-conflict/409:1:5s' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = ids(sandbox);
    // Skills, languages and roles change no version: a user written only that way is never "being patched".
    await sdk.users.patchUserRoutingskillsBulk(id.priya, [{ id: id.billing, proficiency: 5 }]);
    await sdk.routing.patchUserRoutinglanguagesBulk(id.priya, [{ id: id.english, proficiency: 3 }]);
    await sdk.authorization.postAuthorizationSubjectBulkadd(id.priya, { grants: [{ roleId: id.employee, divisionId: id.home }] }, { subjectType: 'PC_USER' });
    const skillsBefore = new Map(sandbox.org.getUser(id.priya)?.skills);

    await patchTitle(sdk, id.priya, 'Senior Agent');
    const refusals: Array<[string, Promise<unknown>]> = [
      ['skills bulk', sdk.users.patchUserRoutingskillsBulk(id.priya, [{ id: id.chat, proficiency: 1 }])],
      ['skill delete', sdk.users.deleteUserRoutingskill(id.priya, id.billing)],
      ['languages bulk', sdk.routing.patchUserRoutinglanguagesBulk(id.priya, [{ id: id.english, proficiency: 4 }])],
      ['language delete', sdk.routing.deleteUserRoutinglanguage(id.priya, id.english)],
      ['role bulkadd', sdk.authorization.postAuthorizationSubjectBulkadd(id.priya, { grants: [{ roleId: id.employee, divisionId: id.home }] }, { subjectType: 'PC_USER' })],
      ['role bulkremove', sdk.authorization.postAuthorizationSubjectBulkremove(id.priya, { grants: [{ roleId: id.employee, divisionId: id.home }] })],
      ['roles put', sdk.authorization.putUserRoles(id.priya, [id.employee])],
      ['group add', sdk.groups.postGroupMembers(id.support, { memberIds: [id.ola, id.priya], version: sandbox.org.groups.get(id.support)?.version as number })],
      ['group remove', sdk.groups.deleteGroupMembers(id.leads, [id.nina, id.priya].join(','))],
    ];
    for (const [what, call] of refusals) {
      const error = (await rejection(call)) as Body;
      assert.equal(error.status, 409, what);
      assert.equal(error.code, 'general.conflict', what);
      assert.match(String(error.message), /version number of the modified resource must match/, what);
    }
    const met = sandbox.requests.filter((r) => r.fault === 'sub-conflict');
    assert.equal(met.length, refusals.length);
    assert.ok(met.every((r) => r.status === 409));
    // Nothing was written.
    assert.deepEqual(sandbox.org.getUser(id.priya)?.skills, skillsBefore);
    assert.equal(sandbox.org.groups.get(id.support)?.members.has(id.priya), false);
    assert.equal(sandbox.org.groups.get(id.leads)?.members.has(id.nina), true);
    // Another user's sub-resources, and group changes that leave the patched user out, go through.
    await sdk.users.patchUserRoutingskillsBulk(id.nina, [{ id: id.chat, proficiency: 2 }]);
    await sdk.groups.postGroupMembers(id.support, { memberIds: [id.ola], version: sandbox.org.groups.get(id.support)?.version as number });
    assert.equal(sandbox.org.groups.get(id.support)?.members.has(id.ola), true);
    // The profile itself is not a sub-resource: a second PATCH with the right version is fine.
    await patchTitle(sdk, id.priya, 'Lead Agent');
  });
});

test('a sub-resource refusal may be the 400 "does not match the current version" or a 408, and ends with the window', async () => {
  for (const [status, code, pattern] of [[400, 'bad.request', /does not match the current version/], [408, 'request.timeout', /timed out/]] as const) {
    // The window passes on the sandbox's clock, moved by hand: however slow the machine, the write comes within it.
    const clock = new SkippingClock();
    await withSandbox({ seed: smallSeed(), faults: `sub-conflict/${status}:1:150ms`, clock }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      const id = ids(sandbox);
      await patchTitle(sdk, id.priya, 'Senior Agent');
      const error = (await rejection(sdk.users.patchUserRoutingskillsBulk(id.priya, [{ id: id.chat, proficiency: 1 }]))) as Body;
      assert.equal(error.status, status);
      assert.equal(error.code, code);
      assert.match(String(error.message), pattern);
      clock.advance(149);
      assert.equal(((await rejection(sdk.users.patchUserRoutingskillsBulk(id.priya, [{ id: id.chat, proficiency: 1 }]))) as Body).status, status, 'a millisecond before the window ends');
      // Past the window the user is no longer being patched.
      clock.advance(1);
      await sdk.users.patchUserRoutingskillsBulk(id.priya, [{ id: id.chat, proficiency: 1 }]);
      assert.equal(sandbox.org.getUser(id.priya)?.skills.get(id.chat), 1);
    });
  }
});

test('unnamed, the refusal is drawn: mostly 409, sometimes 400 or 408, the same for the same seed', async () => {
  const run = (randomSeed: number) =>
    withSandbox({ seed: smallSeed(), faults: 'sub-conflict:1:10s', randomSeed }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      const id = ids(sandbox);
      await patchTitle(sdk, id.priya, 'Senior Agent');
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push(Number(((await rejection(sdk.users.deleteUserRoutingskill(id.priya, id.billing))) as Body).status));
      }
      return statuses;
    });
  const a = await run(5);
  assert.deepEqual(await run(5), a);
  assert.ok(a.filter((s) => s === 409).length > 20, `mostly 409: ${a.join(' ')}`);
  assert.ok(a.includes(400) && a.includes(408), `some 400 and 408: ${a.join(' ')}`);
});

test('a read right after a write may show the user as it was: version, fields and skills; listings and other users read fresh', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'stale-read:1:5s' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = ids(sandbox);
    const before = await sdk.users.getUser(id.priya, { expand: ['skills'] });
    const version = await patchTitle(sdk, id.priya, 'Senior Agent');
    assert.equal(version, (before.version as number) + 1);
    const stale = await sdk.users.getUser(id.priya, { expand: ['skills'] });
    assert.equal(stale.version, before.version);
    assert.equal(stale.title, 'Agent');
    assert.equal(sandbox.requests.at(-1)?.fault, 'stale-read');
    // The org holds the write: the listing shows it, and a PATCH with the version read stale is refused.
    const listed = (await sdk.users.getUsers({ id: [id.priya] })).entities?.[0];
    assert.equal(listed?.version, version);
    assert.equal(listed?.title, 'Senior Agent');
    const refused = (await rejection(sdk.users.patchUser(id.priya, { title: 'Lead', version: stale.version as number }))) as Body;
    assert.equal(refused.status, 409);
    // A skills write moves no version, yet a read right after it still shows the old skills.
    await sdk.users.patchUserRoutingskillsBulk(id.priya, [{ id: id.chat, proficiency: 5 }]);
    const skills = (await sdk.users.getUser(id.priya, { expand: ['skills'] })).skills ?? [];
    assert.equal(skills.find((s) => s.id === id.chat)?.proficiency, 2);
    // A user with no recent write reads fresh.
    const nina = await sdk.users.getUser(id.nina);
    assert.equal(nina.version, sandbox.org.getUser(id.nina)?.version);
    assert.notEqual(sandbox.requests.at(-1)?.fault, 'stale-read');
  });
});

test('a stale read of a user restored moments ago finds it still deleted', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'stale-read:1:5s' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const kim = sandbox.org.usersByEmail('kim.sato@acme.com')[0]?.id as string;
    const deleted = await sdk.users.getUser(kim, { state: 'deleted' });
    await sdk.users.patchUser(kim, { state: 'active', version: deleted.version as number });
    assert.equal(sandbox.org.getUser(kim)?.state, 'active');
    assert.equal(((await rejection(sdk.users.getUser(kim))) as Body).status, 404);
    assert.equal((await sdk.users.getUser(kim, { state: 'deleted' })).version, deleted.version);
  });
});

test('stale reads end with their window, and are drawn with their probability, the same for the same seed', async () => {
  const clock = new SkippingClock();
  await withSandbox({ seed: smallSeed(), faults: 'stale-read:1:150ms', clock }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = ids(sandbox);
    const version = await patchTitle(sdk, id.priya, 'Senior Agent');
    assert.equal((await sdk.users.getUser(id.priya)).version, version - 1);
    clock.advance(149);
    assert.equal((await sdk.users.getUser(id.priya)).version, version - 1, 'a millisecond before the window ends');
    clock.advance(1);
    assert.equal((await sdk.users.getUser(id.priya)).version, version);
  });
  const run = (randomSeed: number) =>
    withSandbox({ seed: smallSeed(), faults: 'stale-read:0.5:10s', randomSeed }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      const id = ids(sandbox);
      const version = await patchTitle(sdk, id.priya, 'Senior Agent');
      const seen: number[] = [];
      for (let i = 0; i < 30; i++) seen.push((await sdk.users.getUser(id.priya)).version as number);
      return seen.map((v) => v - version);
    });
  const a = await run(9);
  assert.deepEqual(await run(9), a);
  assert.ok(a.includes(-1) && a.includes(0), a.join(' '));
});

test('scripted: a stale read shows the user before its latest write since the script; a refusal comes whatever the window', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const id = ids(sandbox);
    sandbox.script({ method: 'GET', path: '/api/v2/users/{id}', kind: 'stale-read', nth: 2 });
    const version = await patchTitle(sdk, id.priya, 'Senior Agent');
    assert.equal((await sdk.users.getUser(id.priya)).version, version - 1);
    assert.equal((await sdk.users.getUser(id.priya)).version, version);
    sandbox.script({ method: 'PATCH', path: '/api/v2/users/{id}/routingskills/bulk', kind: 'sub-conflict' });
    const error = (await rejection(sdk.users.patchUserRoutingskillsBulk(id.nina, [{ id: id.chat, proficiency: 1 }]))) as Body;
    assert.equal(error.status, 409);
    await sdk.users.patchUserRoutingskillsBulk(id.nina, [{ id: id.chat, proficiency: 1 }]);
  });
});
