// Conformance through the SDK: queue member groups, roles granted to groups, bulk-grant quirks and the authorization cache lag.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Models } from 'purecloud-platform-client-v2';
import { FaultSpecError, parseFaults } from '../../src/sandbox/faults.js';
import { orgFromSeed, seedFromOrg } from '../../src/sandbox/org.js';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

/** smallSeed with the group "Support Team" (Nina) as a member group of "Sales - Inbound", and "Team Leads" granted Supervisor in Sales. */
function groupSeed(): SeedOrg {
  const seed = smallSeed();
  seed.queues = [{ name: 'Support - Tier 1', division: 'Support' }, { name: 'Sales - Inbound', memberGroups: ['Support Team'] }];
  seed.groups = ['Support Team', { name: 'Team Leads', roles: [{ role: 'Supervisor', division: 'Sales' }] }, { name: 'Social', rolesEnabled: false }];
  return seed;
}

const ids = (org: { liveUserByEmail(email: string): { id: string } | undefined }, ...emails: string[]): string[] => emails.map((e) => org.liveUserByEmail(e)?.id as string);

test('queues: PUT sets member groups as a strict API would, and a QueueRequest is validated', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const queue = org.queues.byExactName('Sales - Inbound')?.id as string;
    const group = org.groups.byExactName('Support Team')?.id as string;
    const bad: Array<[string, unknown]> = [
      ['no name', { memberGroups: [{ id: group, type: 'GROUP' }] }],
      ['a type Genesys does not have', { name: 'Sales - Inbound', memberGroups: [{ id: group, type: 'DEPARTMENT' }] }],
      ['no type', { name: 'Sales - Inbound', memberGroups: [{ id: group }] }],
      ['a group that does not exist', { name: 'Sales - Inbound', memberGroups: [{ id: 'no-such-group', type: 'GROUP' }] }],
      ['a team the org does not have', { name: 'Sales - Inbound', memberGroups: [{ id: group, type: 'TEAM' }] }],
      ['the same group twice', { name: 'Sales - Inbound', memberGroups: [{ id: group, type: 'GROUP' }, { id: group, type: 'GROUP' }] }],
      ['memberGroups not a list', { name: 'Sales - Inbound', memberGroups: { id: group, type: 'GROUP' } }],
      ['a name another queue has', { name: 'support - tier 1' }],
    ];
    for (const [what, body] of bad) {
      const error = (await rejection(sdk.routing.putRoutingQueue(queue, body as Models.QueueRequest))) as Body;
      assert.ok(error.status === 400 || error.status === 409, `${what}: ${JSON.stringify(error)}`);
    }
    assert.equal((await sdk.routing.getRoutingQueue(queue)).memberGroups, undefined, 'a refused PUT changes nothing');
    assert.equal(((await rejection(sdk.routing.putRoutingQueue('no-such-queue', { name: 'X' }))) as Body).status, 404);

    const put = await sdk.routing.putRoutingQueue(queue, { name: 'Sales - Inbound', description: 'Inbound sales', memberGroups: [{ id: group, type: 'GROUP' }] });
    assert.deepEqual(put.memberGroups?.map((m) => [m.name, m.type]), [['Support Team', 'GROUP']]);
    const read = await sdk.routing.getRoutingQueue(queue);
    assert.equal(read.description, 'Inbound sales');
    assert.deepEqual(read.memberGroups?.map((m) => m.id), [group]);
    const listed = (await sdk.routing.getRoutingQueues({ name: 'Sales - Inbound' })).entities?.[0];
    assert.deepEqual(listed?.memberGroups?.map((m) => m.id), [group], 'the queue listing carries member groups too');
    // A PUT is the whole queue: member groups left out are none.
    await sdk.routing.putRoutingQueue(queue, { name: 'Sales - Inbound' });
    assert.equal((await sdk.routing.getRoutingQueue(queue)).memberGroups, undefined);
  });
});

test('queue members: memberBy user or group, the memberBy filter, counts, and membership following the group', async () => {
  await withSandbox({ seed: groupSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const queue = org.queues.byExactName('Sales - Inbound')?.id as string;
    const group = org.groups.byExactName('Support Team')?.id as string;
    const [priya, ola] = ids(org, 'priya.raman@acme.com', 'ola.lind@acme.com') as [string, string];
    await sdk.routing.postRoutingQueueMembers(queue, [{ id: priya }]);
    const members = async (memberBy?: 'user' | 'group') =>
      ((await sdk.routing.getRoutingQueueMembers(queue, { pageSize: 100, ...(memberBy ? { memberBy } : {}) })).entities ?? []).map((m) => `${m.name}:${m.memberBy}`).sort();
    assert.deepEqual(await members(), ['Nina Berg:group', 'Priya Raman:user']);
    assert.deepEqual(await members('user'), ['Priya Raman:user']);
    assert.deepEqual(await members('group'), ['Nina Berg:group']);
    assert.equal(((await rejection(sdk.routing.getRoutingQueueMembers(queue, { memberBy: 'team' }))) as Body).status, 400);
    let q = await sdk.routing.getRoutingQueue(queue);
    assert.deepEqual([q.memberCount, q.userMemberCount, q.joinedMemberCount], [2, 1, 2]);

    // The queue follows the group: a new group member is a queue member at once.
    await sdk.groups.postGroupMembers(group, { memberIds: [ola], version: (await sdk.groups.getGroup(group)).version as number });
    assert.deepEqual(await members('group'), ['Nina Berg:group', 'Ola Lind:group']);
    // Priya joins the group too: she stays a direct member, and the group listing holds her as well.
    await sdk.groups.postGroupMembers(group, { memberIds: [priya], version: (await sdk.groups.getGroup(group)).version as number });
    assert.deepEqual(await members(), ['Nina Berg:group', 'Ola Lind:group', 'Priya Raman:user']);
    assert.deepEqual(await members('group'), ['Nina Berg:group', 'Ola Lind:group', 'Priya Raman:group']);
    q = await sdk.routing.getRoutingQueue(queue);
    assert.deepEqual([q.memberCount, q.userMemberCount], [3, 1], 'a member both ways counts once');
    // Removing her direct membership leaves her in the queue through the group.
    await sdk.routing.postRoutingQueueMembers(queue, [{ id: priya }], { _delete: true });
    assert.deepEqual(await members(), ['Nina Berg:group', 'Ola Lind:group', 'Priya Raman:group']);
    assert.equal((await sdk.routing.getRoutingQueue(queue)).userMemberCount, 0);
    await sdk.groups.deleteGroupMembers(group, `${ola},${priya}`);
    assert.deepEqual(await members(), ['Nina Berg:group']);
  });
});

test('queue members: a user in the queue through a group cannot be added directly (400, nothing added); removing them changes nothing', async () => {
  await withSandbox({ seed: groupSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const queue = org.queues.byExactName('Sales - Inbound')?.id as string;
    const [nina, priya] = ids(org, 'nina.berg@acme.com', 'priya.raman@acme.com') as [string, string];
    const refused = (await rejection(sdk.routing.postRoutingQueueMembers(queue, [{ id: priya }, { id: nina }]))) as Body;
    assert.equal(refused.status, 400);
    assert.match(String(refused.message), /already assigned to queue Sales - Inbound via a group/);
    assert.equal(org.queues.get(queue)?.members.size, 0, 'the whole request is refused');
    // A removal of someone who is there only through the group is a no-op (a retried removal must not fail).
    await sdk.routing.postRoutingQueueMembers(queue, [{ id: nina }], { _delete: true });
    const left = (await sdk.routing.getRoutingQueueMembers(queue, { pageSize: 100 })).entities ?? [];
    assert.deepEqual(left.map((m) => `${m.id}:${m.memberBy}`), [`${nina}:group`]);
  });
});

test('seeds: queue member groups, group roles and rolesEnabled round-trip through the saved state', () => {
  const org = orgFromSeed(groupSeed());
  const again = orgFromSeed(seedFromOrg(org));
  const sales = again.queues.byExactName('Sales - Inbound');
  assert.deepEqual(sales?.memberGroups, [{ type: 'GROUP', id: again.groups.byExactName('Support Team')?.id }]);
  const leads = again.groups.byExactName('Team Leads');
  assert.deepEqual(leads?.grants, [{ roleId: again.roles.byExactName('Supervisor')?.id, divisionId: again.divisions.byExactName('Sales')?.id }]);
  assert.equal(again.groups.byExactName('Social')?.rolesEnabled, false);
  assert.throws(() => orgFromSeed({ ...groupSeed(), queues: [{ name: 'Q', memberGroups: ['Nobody'] }] }), /unknown group "Nobody"/);
  assert.throws(() => orgFromSeed({ ...groupSeed(), groups: [{ name: 'G', rolesEnabled: false, roles: ['employee'] }] }), /rolesEnabled is false/);
});

test('group roles: bulkadd with subjectType PC_GROUP, the group subject, and rolesEnabled', async () => {
  await withSandbox({ seed: groupSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const team = org.groups.byExactName('Support Team')?.id as string;
    const social = org.groups.byExactName('Social')?.id as string;
    const employee = org.roles.byExactName('employee')?.id as string;
    const home = org.homeDivision().id;
    await sdk.authorization.postAuthorizationSubjectBulkadd(team, { grants: [{ roleId: employee, divisionId: home }] }, { subjectType: 'PC_GROUP' });
    const subject = await sdk.authorization.getAuthorizationSubject(team);
    assert.deepEqual(subject.grants?.map((g) => `${g.subjectId === team}:${g.role?.name}@${g.division?.name}`), ['true:employee@Home']);
    assert.equal((await sdk.groups.getGroup(team)).rolesEnabled, true);
    // A group id is not a user, and a user id is not a group.
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(team, { grants: [{ roleId: employee, divisionId: home }] }, { subjectType: 'PC_USER' }))) as Body).status, 404);
    const [nina] = ids(org, 'nina.berg@acme.com') as [string];
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(nina, { grants: [{ roleId: employee, divisionId: home }] }, { subjectType: 'PC_GROUP' }))) as Body).status, 404);
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(team, { grants: [{ roleId: employee, divisionId: home }] }, { subjectType: 'PC_ROBOT' }))) as Body).status, 400);
    const closed = (await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(social, { grants: [{ roleId: employee, divisionId: home }] }, { subjectType: 'PC_GROUP' }))) as Body;
    assert.equal(closed.status, 400);
    assert.equal((await sdk.groups.getGroup(social)).rolesEnabled, false);
    // bulkremove takes no subjectType: the id says which subject it is.
    await sdk.authorization.postAuthorizationSubjectBulkremove(team, { grants: [{ roleId: employee, divisionId: home }] });
    assert.deepEqual((await sdk.authorization.getAuthorizationSubject(team)).grants, []);
    const created = await sdk.groups.postGroups({ name: 'No Roles', type: 'official', rulesVisible: true, visibility: 'public', rolesEnabled: false });
    assert.equal(created.rolesEnabled, false);
  });
});

test('a user\'s subject lists group grants with the group as subjectId; includeDuplicates keeps both of a shared grant', async () => {
  await withSandbox({ seed: groupSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const [ola, nina] = ids(org, 'ola.lind@acme.com', 'nina.berg@acme.com') as [string, string];
    const leads = org.groups.byExactName('Team Leads')?.id as string;
    const supervisor = org.roles.byExactName('Supervisor')?.id as string;
    const sales = org.divisions.byExactName('Sales')?.id as string;
    const grants = async (id: string, includeDuplicates?: boolean) =>
      ((await sdk.authorization.getAuthorizationSubject(id, includeDuplicates === undefined ? {} : { includeDuplicates })).grants ?? [])
        .map((g) => `${g.subjectId === id ? 'own' : g.subjectId === leads ? 'Team Leads' : g.subjectId}:${g.role?.name}@${g.division?.name}`)
        .sort();
    // Ola: employee@Home and Supervisor@Support of her own, Supervisor@Sales through Team Leads.
    assert.deepEqual(await grants(ola), ['Team Leads:Supervisor@Sales', 'own:Supervisor@Support', 'own:employee@Home']);
    // Ola also gets Supervisor@Sales of her own: without duplicates one entry remains (the group's), with them both.
    await sdk.authorization.postAuthorizationSubjectBulkadd(ola, { grants: [{ roleId: supervisor, divisionId: sales }] }, { subjectType: 'PC_USER' });
    assert.deepEqual(await grants(ola), ['Team Leads:Supervisor@Sales', 'own:Supervisor@Support', 'own:employee@Home']);
    assert.deepEqual(await grants(ola, true), ['Team Leads:Supervisor@Sales', 'own:Supervisor@Sales', 'own:Supervisor@Support', 'own:employee@Home']);
    // bulkreplace sets the user's own grants and leaves the inherited ones.
    await sdk.authorization.postAuthorizationSubjectBulkreplace(ola, { grants: [] }, { subjectType: 'PC_USER' });
    assert.deepEqual(await grants(ola, true), ['Team Leads:Supervisor@Sales']);
    // Effective roles name the role held only through the group: the users listing's expand=authorization and /users/{id}/roles.
    const listed = (await sdk.users.getUsers({ pageSize: 100, expand: ['authorization'] })).entities?.find((u) => u.id === ola);
    assert.deepEqual(listed?.authorization?.roles?.map((r) => r.name), ['Supervisor']);
    assert.deepEqual((await sdk.users.getUserRoles(ola)).roles?.map((r) => r.name), ['Supervisor']);
    assert.deepEqual((await sdk.users.getUser(nina, { expand: ['authorization'] })).authorization?.roles?.map((r) => r.name).sort(), ['Supervisor']);
  });
});

test('division grants list group subjects too, once per grant; a grant in all divisions (*) appears in every division', async () => {
  await withSandbox({ seed: groupSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const leads = org.groups.byExactName('Team Leads')?.id as string;
    const team = org.groups.byExactName('Support Team')?.id as string;
    const employee = org.roles.byExactName('employee')?.id as string;
    const sales = org.divisions.byExactName('Sales')?.id as string;
    const support = org.divisions.byExactName('Support')?.id as string;
    await sdk.authorization.postAuthorizationSubjectBulkadd(team, { grants: [{ roleId: employee, divisionId: '*' }] }, { subjectType: 'PC_GROUP' });
    const listing = async (division: string) => ((await sdk.authorization.getAuthorizationDivisionGrants(division, { pageSize: 100 })).entities ?? []).filter((g) => g.subjectId === leads || g.subjectId === team).map((g) => `${g.subjectId === leads ? 'Team Leads' : 'Support Team'}:${g.role?.name}@${g.division?.id === '*' ? '*' : g.division?.name}`).sort();
    assert.deepEqual(await listing(sales), ['Support Team:employee@*', 'Team Leads:Supervisor@Sales']);
    assert.deepEqual(await listing(support), ['Support Team:employee@*']);
    const [nina] = ids(org, 'nina.berg@acme.com') as [string];
    const salesGrants = (await sdk.authorization.getAuthorizationDivisionGrants(sales, { pageSize: 100 })).entities ?? [];
    assert.equal(salesGrants.filter((g) => g.subjectId === nina).length, 0, 'a group grant is the group\'s, not listed again for each member');
  });
});

test('bulkremove fails (404) when a listed role or division no longer exists; one grant can be deleted on its own', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const [ola] = ids(org, 'ola.lind@acme.com') as [string];
    const employee = org.roles.byExactName('employee')?.id as string;
    const supervisor = org.roles.byExactName('Supervisor')?.id as string;
    const home = org.homeDivision().id;
    const support = org.divisions.byExactName('Support')?.id as string;
    const temp = await sdk.authorization.postAuthorizationRoles({ name: 'Temporary', permissions: [] });
    const gone = temp.id as string;
    await sdk.authorization.postAuthorizationSubjectBulkadd(ola, { grants: [{ roleId: gone, divisionId: home }] });
    await sdk.authorization.deleteAuthorizationRole(gone);
    assert.equal(((await rejection(sdk.authorization.getAuthorizationRole(gone))) as Body).status, 404);
    const grants = async () => ((await sdk.authorization.getAuthorizationSubject(ola)).grants ?? []).map((g) => `${g.role?.name}@${g.division?.name}`).sort();
    assert.deepEqual(await grants(), ['Supervisor@Support', 'employee@Home'], 'the deleted role\'s grants went with it');
    const failed = (await rejection(sdk.authorization.postAuthorizationSubjectBulkremove(ola, { grants: [{ roleId: employee, divisionId: home }, { roleId: gone, divisionId: home }] }))) as Body;
    assert.equal(failed.status, 404);
    assert.equal(failed.code, 'not.found');
    assert.deepEqual(await grants(), ['Supervisor@Support', 'employee@Home'], 'a failed bulkremove removes nothing');
    // A role that does not exist is not found by bulkadd either.
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(ola, { grants: [{ roleId: 'nope', divisionId: home }] }))) as Body).status, 404);
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(ola, { grants: [{ roleId: employee }] } as Models.RoleDivisionGrants))) as Body).status, 400);

    // One grant at a time: the way around it; 404 for a grant, role or division that is not there.
    await sdk.authorization.deleteAuthorizationSubjectDivisionRole(ola, home, employee);
    assert.deepEqual(await grants(), ['Supervisor@Support']);
    for (const [division, role] of [[home, employee], [home, gone], ['no-division', supervisor]] as const) {
      assert.equal(((await rejection(sdk.authorization.deleteAuthorizationSubjectDivisionRole(ola, division, role))) as Body).status, 404, `${division} ${role}`);
    }
    // A division deleted while a grant in it is planned for removal: the same failure.
    const extra = await sdk.authorization.postAuthorizationDivisions({ name: 'Seasonal', description: '' });
    await sdk.authorization.postAuthorizationSubjectBulkadd(ola, { grants: [{ roleId: supervisor, divisionId: extra.id as string }] });
    assert.equal(((await rejection(sdk.authorization.deleteAuthorizationDivision(support))) as Body).status, 400, 'a division holding users or queues stays');
    await sdk.authorization.deleteAuthorizationDivision(extra.id as string);
    assert.deepEqual(await grants(), ['Supervisor@Support']);
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkremove(ola, { grants: [{ roleId: supervisor, divisionId: extra.id as string }] }))) as Body).status, 404);
  });
});

test('auth-lag: grants of a role or division younger than the lag answer 404 until the cache catches up', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'auth-lag:30s' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    let now = Date.now();
    org.now = () => now;
    const [priya] = ids(org, 'priya.raman@acme.com') as [string];
    const home = org.homeDivision().id;
    const employee = org.roles.byExactName('employee')?.id as string;
    const role = (await sdk.authorization.postAuthorizationRoles({ name: 'Brand New', permissions: [] })).id as string;
    const division = (await sdk.authorization.postAuthorizationDivisions({ name: 'Brand New Division', description: '' })).id as string;
    const lagged = (await rejection(sdk.authorization.postAuthorizationSubjectBulkadd(priya, { grants: [{ roleId: role, divisionId: home }] }))) as Body;
    assert.equal(lagged.status, 404);
    assert.equal(lagged.code, 'not.found');
    assert.equal(((await rejection(sdk.authorization.postAuthorizationSubjectBulkreplace(priya, { grants: [{ roleId: employee, divisionId: division }] }))) as Body).status, 404);
    // Seeded roles and divisions are old: grants of them work meanwhile.
    await sdk.authorization.postAuthorizationSubjectBulkadd(priya, { grants: [{ roleId: employee, divisionId: home }] });
    // The role itself can be read at once: only grants lag.
    assert.equal((await sdk.authorization.getAuthorizationRole(role)).name, 'Brand New');
    now += 30_000;
    await sdk.authorization.postAuthorizationSubjectBulkadd(priya, { grants: [{ roleId: role, divisionId: division }] });
    const grants = ((await sdk.authorization.getAuthorizationSubject(priya)).grants ?? []).map((g) => `${g.role?.name}@${g.division?.name}`).sort();
    assert.deepEqual(grants, ['Brand New@Brand New Division', 'employee@Home']);
  });
});

test('the auth-lag fault spec: a duration, no probability and no route', () => {
  assert.deepEqual(parseFaults('auth-lag:2s'), [{ kind: 'auth-lag', probability: 1, durationMs: 2000 }]);
  assert.deepEqual(parseFaults('5xx:0.1,auth-lag:250ms'), [{ kind: '5xx', probability: 0.1 }, { kind: 'auth-lag', probability: 1, durationMs: 250 }]);
  for (const bad of ['auth-lag', 'auth-lag:0.5:2s', 'auth-lag:soon', 'auth-lag:2s@POST /api/v2/authorization/subjects/*/bulkadd']) {
    assert.throws(() => parseFaults(bad), FaultSpecError, bad);
  }
});
