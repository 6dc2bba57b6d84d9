// Conformance: PATCH /users/bulk (ACD auto-answer for many users) through the SDK: the PatchUser shape, all or nothing, at most 50, permissions per division.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

const seed = (users: number): SeedOrg => ({
  org: { name: 'Users Bulk' },
  divisions: [{ name: 'Home', home: true }, 'Support'],
  users: Array.from({ length: users }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${i}`, division: i === 0 ? 'Support' : 'Home' })),
});

test('PATCH /users/bulk sets each listed user\'s acdAutoAnswer, bumps its version and answers the users', async () => {
  await withSandbox({ seed: seed(3) }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const [a, b, c] = sandbox.org.listUsers('active');
    const versions = [a!, b!, c!].map((u) => u.version);
    const answer = await sdk.users.patchUsersBulk([
      { id: a!.id, acdAutoAnswer: true },
      { id: b!.id, acdAutoAnswer: false },
    ]);
    assert.deepEqual(answer.entities?.map((u) => [u.id, u.acdAutoAnswer, u.version]), [
      [a!.id, true, versions[0]! + 1],
      [b!.id, false, versions[1]! + 1],
    ]);
    assert.equal((await sdk.users.getUser(a!.id, {})).acdAutoAnswer, true);
    assert.equal((await sdk.users.getUser(b!.id, {})).acdAutoAnswer, false);
    assert.equal(sandbox.org.getUser(c!.id)?.version, versions[2], 'a user not listed is not touched');
  });
});

test('PATCH /users/bulk refuses a whole list with a bad entry, a user named twice, a deleted user or more than 50, and changes nobody', async () => {
  await withSandbox({ seed: seed(51) }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const ids = org.listUsers('active').map((u) => u.id);
    const refused = async (body: unknown[]): Promise<number> => ((await rejection(sdk.users.patchUsersBulk(body as never))) as Body).status as number;
    assert.equal(await refused([{ id: ids[0], acdAutoAnswer: true }, { id: ids[1], acdAutoAnswer: 'yes' }]), 400, 'not a boolean');
    assert.equal(await refused([{ id: ids[0], acdAutoAnswer: true }, { id: ids[1] }]), 400, 'no value');
    assert.equal(await refused([{ id: ids[0], acdAutoAnswer: true, title: 'Agent' }]), 400, 'a member PatchUser does not have');
    assert.equal(await refused([{ id: ids[0], acdAutoAnswer: true }, { id: ids[0], acdAutoAnswer: false }]), 400, 'a user named twice');
    assert.equal(await refused([{ id: ids[0], acdAutoAnswer: true }, { id: 'no-such-user', acdAutoAnswer: true }]), 404, 'an unknown user');
    org.updateUser(ids[1]!, (u) => (u.state = 'deleted'));
    assert.equal(await refused([{ id: ids[0], acdAutoAnswer: true }, { id: ids[1], acdAutoAnswer: true }]), 404, 'a deleted user');
    const live = ids.filter((id) => id !== ids[1]);
    assert.equal(await refused([...live, ids[0]].map((id) => ({ id, acdAutoAnswer: true }))), 400, '51 users');
    for (const id of ids) assert.equal(org.getUser(id)?.acdAutoAnswer ?? false, false, 'a refused call changes nobody');
    assert.equal((await sdk.users.patchUsersBulk(live.slice(0, 50).map((id) => ({ id, acdAutoAnswer: true })))).entities?.length, 50, '50 users are accepted');
  });
});

test('PATCH /users/bulk needs directory:user:edit in the division of every listed user', async () => {
  const scoped = { id: 'home-editor', secret: 'home-editor-secret', roles: [{ permissions: ['directory:user:view'] }, { permissions: ['directory:user:edit'], divisions: ['Home'] }] };
  await withSandbox({ seed: seed(3), clients: [scoped] }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox, scoped);
    const [support, home] = [sandbox.org.liveUserByEmail('agent0@acme.com')!, sandbox.org.liveUserByEmail('agent1@acme.com')!];
    const refused = (await rejection(sdk.users.patchUsersBulk([{ id: home.id, acdAutoAnswer: true }, { id: support.id, acdAutoAnswer: true }]))) as Body;
    assert.equal(refused.status, 403);
    assert.equal(sandbox.org.getUser(home.id)?.acdAutoAnswer ?? false, false);
    await sdk.users.patchUsersBulk([{ id: home.id, acdAutoAnswer: true }]);
    assert.equal(sandbox.org.getUser(home.id)?.acdAutoAnswer, true);
  });
});
