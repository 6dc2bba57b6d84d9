// Conformance: PUT /authorization/roles/{roleId}/users/add|remove through the SDK: home-division grants, all or nothing, at most 50 ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

const seed = (users: number): SeedOrg => ({
  org: { name: 'Role Users' },
  divisions: [{ name: 'Home', home: true }, 'Support'],
  roles: ['Agent', 'Supervisor'],
  users: Array.from({ length: users }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${i}` })),
});

test('users/add grants the role in the home division to every listed user, answers their ids, and users/remove takes it back', async () => {
  await withSandbox({ seed: seed(3) }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const role = org.roles.byExactName('Agent')!;
    const ids = org.listUsers('active').map((u) => u.id);
    const answer = await sdk.authorization.putAuthorizationRoleUsersAdd(role.id, [ids[0]!, ids[1]!, ids[0]!]);
    assert.deepEqual([...answer].sort(), [ids[0], ids[1]].sort());
    for (const [i, id] of ids.entries()) {
      const subject = await sdk.authorization.getAuthorizationSubject(id);
      const grants = (subject.grants ?? []).map((g) => `${g.role?.name}@${g.division?.name}`);
      assert.deepEqual(grants, i < 2 ? ['Agent@Home'] : [], `user ${i}`);
    }
    // Adding again changes nothing: a grant is held once.
    await sdk.authorization.putAuthorizationRoleUsersAdd(role.id, [ids[0]!]);
    assert.equal(org.getUser(ids[0]!)?.grants.length, 1);
    await sdk.authorization.putAuthorizationRoleUsersRemove(role.id, [ids[0]!]);
    assert.deepEqual(org.getUser(ids[0]!)?.grants, []);
    assert.equal(org.getUser(ids[1]!)?.grants.length, 1, 'only the listed user loses the role');
  });
});

test('an unknown role, an unknown or deleted user, or more than 50 ids: refused, and nobody is granted', async () => {
  await withSandbox({ seed: seed(51) }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const role = org.roles.byExactName('Agent')!;
    const ids = org.listUsers('active').map((u) => u.id);
    const unknownRole = (await rejection(sdk.authorization.putAuthorizationRoleUsersAdd('no-such-role', [ids[0]!]))) as Body;
    assert.equal(unknownRole.status, 404);
    const unknownUser = (await rejection(sdk.authorization.putAuthorizationRoleUsersAdd(role.id, [ids[0]!, 'no-such-user']))) as Body;
    assert.equal(unknownUser.status, 404);
    org.updateUser(ids[1]!, (u) => (u.state = 'deleted'));
    const deleted = (await rejection(sdk.authorization.putAuthorizationRoleUsersAdd(role.id, [ids[0]!, ids[1]!]))) as Body;
    assert.equal(deleted.status, 404);
    const live = ids.filter((id) => id !== ids[1]);
    const tooMany = (await rejection(sdk.authorization.putAuthorizationRoleUsersAdd(role.id, [...live, ids[0]!]))) as Body;
    assert.equal(tooMany.status, 400);
    for (const id of ids) assert.deepEqual(org.getUser(id)?.grants, [], 'a refused call grants nobody');
    assert.equal((await sdk.authorization.putAuthorizationRoleUsersAdd(role.id, live.slice(0, 50))).length, 50, '50 ids are accepted');
  });
});

test('a role created moments ago is not found by users/add while the authorization cache lags', async () => {
  await withSandbox({ seed: seed(1), faults: 'auth-lag:5s' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const created = await sdk.authorization.postAuthorizationRoles({ name: 'Fresh', permissionPolicies: [] });
    const id = sandbox.org.listUsers('active')[0]!.id;
    const lagging = (await rejection(sdk.authorization.putAuthorizationRoleUsersAdd(created.id as string, [id]))) as Body;
    assert.equal(lagging.status, 404);
  });
});
