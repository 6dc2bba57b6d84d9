// Conformance: skills, languages, roles, groups, queues, divisions and the look-ups, through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

test('routing skills: bulk replace, bulk add, single delete; at most 50 per bulk call', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com');
    const id = priya?.id as string;
    const skill = (name: string) => sandbox.org.skills.byExactName(name)?.id as string;
    const names = async () => ((await sdk.users.getUserRoutingskills(id, { pageSize: 100 })).entities ?? []).map((s) => `${s.name}:${s.proficiency}`).sort();
    assert.deepEqual(await names(), ['Billing:4', 'Chat:2']);
    await sdk.users.putUserRoutingskillsBulk(id, [{ id: skill('Returns'), proficiency: 5 }]);
    assert.deepEqual(await names(), ['Returns:5']);
    await sdk.users.patchUserRoutingskillsBulk(id, [{ id: skill('Returns'), proficiency: 2 }, { id: skill('Chat'), proficiency: 1 }]);
    assert.deepEqual(await names(), ['Chat:1', 'Returns:2']);
    await sdk.users.deleteUserRoutingskill(id, skill('Chat'));
    assert.deepEqual(await names(), ['Returns:2']);
    const tooMany = Array.from({ length: 51 }, () => ({ id: skill('Billing'), proficiency: 1 }));
    assert.equal(((await rejection(sdk.users.putUserRoutingskillsBulk(id, tooMany))) as Body).status, 400);
    assert.equal(((await rejection(sdk.users.patchUserRoutingskillsBulk(id, [{ id: 'nope', proficiency: 1 }]))) as Body).status, 400);
    assert.equal(((await rejection(sdk.users.patchUserRoutingskillsBulk(id, [{ id: skill('Chat'), proficiency: 6 }]))) as Body).status, 400);
    // Skill changes do not move the user's version.
    assert.equal((await sdk.users.getUser(id)).version, 1);
  });
});

test('routing languages: bulk add/update (max 50) and single delete; there is no bulk replace', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const nina = sandbox.org.liveUserByEmail('nina.berg@acme.com')?.id as string;
    const lang = (name: string) => sandbox.org.languages.byExactName(name)?.id as string;
    await sdk.users.patchUserRoutinglanguagesBulk(nina, [{ id: lang('Spanish'), proficiency: 3 }]);
    const list = await sdk.users.getUserRoutinglanguages(nina);
    assert.deepEqual(list.entities?.map((l) => `${l.name}:${l.proficiency}`).sort(), ['English:5', 'Spanish:3']);
    await sdk.users.deleteUserRoutinglanguage(nina, lang('English'));
    assert.deepEqual((await sdk.users.getUserRoutinglanguages(nina)).entities?.map((l) => l.name), ['Spanish']);
    const many = Array.from({ length: 51 }, () => ({ id: lang('English'), proficiency: 1 }));
    assert.equal(((await rejection(sdk.users.patchUserRoutinglanguagesBulk(nina, many))) as Body).status, 400);
    const put = (await rejection(sdk.client.callApi(`/api/v2/users/${nina}/routinglanguages/bulk`, 'PUT', {}, {}, {}, {}, [], ['PureCloud OAuth'], ['application/json'], ['application/json']))) as Body;
    assert.equal(put.status, 405);
  });
});

test('roles: PUT user roles, subject grants bulkreplace/bulkadd/bulkremove per division, GET subject', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const priya = org.liveUserByEmail('priya.raman@acme.com')?.id as string;
    const employee = org.roles.byExactName('employee')?.id as string;
    const supervisor = org.roles.byExactName('Supervisor')?.id as string;
    const home = org.homeDivision().id;
    const support = org.divisions.byExactName('Support')?.id as string;
    const sales = org.divisions.byExactName('Sales')?.id as string;
    const put = await sdk.users.putUserRoles(priya, [employee]);
    assert.deepEqual(put.roles?.map((r) => r.name), ['employee']);
    const grants = async () =>
      ((await sdk.authorization.getAuthorizationSubject(priya)).grants ?? []).map((g) => `${g.role?.name}@${g.division?.name}`).sort();
    assert.deepEqual(await grants(), ['employee@Home']);
    await sdk.users.postAuthorizationSubjectBulkreplace(priya, { grants: [{ roleId: supervisor, divisionId: support }, { roleId: employee, divisionId: home }] }, { subjectType: 'PC_USER' });
    assert.deepEqual(await grants(), ['Supervisor@Support', 'employee@Home']);
    await sdk.users.postAuthorizationSubjectBulkadd(priya, { grants: [{ roleId: supervisor, divisionId: sales }] }, { subjectType: 'PC_USER' });
    assert.deepEqual(await grants(), ['Supervisor@Sales', 'Supervisor@Support', 'employee@Home']);
    await sdk.users.postAuthorizationSubjectBulkremove(priya, { grants: [{ roleId: supervisor, divisionId: support }] });
    assert.deepEqual(await grants(), ['Supervisor@Sales', 'employee@Home']);
    const roles = await sdk.users.getUserRoles(priya);
    assert.deepEqual(roles.roles?.map((r) => r.name).sort(), ['Supervisor', 'employee']);
    // A role the authorization service does not know is not found (Terraform retries such 404s of bulkadd).
    const bad = (await rejection(sdk.users.postAuthorizationSubjectBulkadd(priya, { grants: [{ roleId: 'nope', divisionId: home }] }))) as Body;
    assert.equal(bad.status, 404);
  });
});

test('groups: version on get, add members needs the current version (409 when stale), remove at most 50', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const org = sandbox.org;
    const group = org.groups.byExactName('Support Team')?.id as string;
    const priya = org.liveUserByEmail('priya.raman@acme.com')?.id as string;
    const ola = org.liveUserByEmail('ola.lind@acme.com')?.id as string;
    const g = await sdk.groups.getGroup(group);
    assert.equal(g.version, 1);
    assert.equal(g.memberCount, 1);
    await sdk.groups.postGroupMembers(group, { memberIds: [priya, ola], version: 1 });
    const stale = (await rejection(sdk.groups.postGroupMembers(group, { memberIds: [priya], version: 1 }))) as Body;
    assert.equal(stale.status, 409);
    const noVersion = (await rejection(sdk.groups.postGroupMembers(group, { memberIds: [priya] }))) as Body;
    assert.equal(noVersion.status, 400);
    const members = await sdk.groups.getGroupMembers(group, { pageSize: 100 });
    assert.deepEqual(members.entities?.map((u) => u.name), ['Nina Berg', 'Ola Lind', 'Priya Raman']);
    await sdk.groups.deleteGroupMembers(group, `${priya},${ola}`);
    const after = await sdk.groups.getGroup(group);
    assert.equal(after.version, 3);
    assert.equal(after.memberCount, 1);
    const fiftyOne = Array.from({ length: 51 }, (_, i) => `id-${i}`).join(',');
    assert.equal(((await rejection(sdk.groups.deleteGroupMembers(group, fiftyOne))) as Body).status, 400);
    const list = await sdk.groups.getGroups({ pageSize: 100 });
    assert.deepEqual(list.entities?.map((x) => x.name), ['Support Team', 'Team Leads']);
  });
});

test('queues: members page at most 100, add/remove at most 100 per call, ?delete=true removes', async () => {
  const seed = smallSeed();
  seed.users = [...(seed.users ?? []), ...Array.from({ length: 150 }, (_, i) => ({ email: `agent${i}@acme.com`, name: `Agent ${String(i).padStart(3, '0')}` }))];
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const queue = sandbox.org.queues.byExactName('Sales - Inbound')?.id as string;
    const agents = sandbox.org.listUsers('active').filter((u) => u.email.startsWith('agent')).map((u) => ({ id: u.id }));
    assert.equal(((await rejection(sdk.routing.postRoutingQueueMembers(queue, agents.slice(0, 101)))) as Body).status, 400);
    await sdk.routing.postRoutingQueueMembers(queue, agents.slice(0, 100));
    await sdk.routing.postRoutingQueueMembers(queue, agents.slice(100));
    assert.equal(((await rejection(sdk.routing.getRoutingQueueMembers(queue, { pageSize: 101 }))) as Body).status, 400);
    const first = await sdk.routing.getRoutingQueueMembers(queue, { pageSize: 100 });
    assert.equal(first.entities?.length, 100);
    assert.ok(first.nextUri);
    const second = await sdk.routing.getRoutingQueueMembers(queue, { pageSize: 100, pageNumber: 2 });
    assert.equal(second.entities?.length, 50);
    assert.equal(second.nextUri, undefined);
    await sdk.routing.postRoutingQueueMembers(queue, agents.slice(0, 100), { _delete: true });
    assert.equal((await sdk.routing.getRoutingQueueMembers(queue, { pageSize: 100 })).entities?.length, 50);
    const q = await sdk.routing.getRoutingQueue(queue);
    assert.equal(q.memberCount, 50);
  });
});

test('divisions: home, move users with the division objects call', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const home = await sdk.authorization.getAuthorizationDivisionsHome();
    assert.equal(home.name, 'Home');
    assert.equal(home.homeDivision, true);
    const sales = (await sdk.authorization.getAuthorizationDivisions({ name: 'Sales' })).entities?.[0];
    assert.equal(sales?.name, 'Sales');
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com')?.id as string;
    await sdk.authorization.postAuthorizationDivisionObject(sales?.id as string, 'USER', [priya]);
    const moved = await sdk.users.getUser(priya);
    assert.equal(moved.division?.name, 'Sales');
    assert.equal(moved.version, 2);
    assert.equal(((await rejection(sdk.authorization.postAuthorizationDivisionObject('nope', 'USER', [priya]))) as Body).status, 404);
  });
});

test('look-ups: name filters and create calls build an org through the SDK alone', async () => {
  await withSandbox({}, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const division = await sdk.authorization.postAuthorizationDivisions({ name: 'Support', description: 'Support floor' });
    const skill = await sdk.routing.postRoutingSkills({ name: 'Billing' });
    await sdk.routing.postRoutingSkills({ name: 'Billing Disputes' });
    const language = await sdk.routing.postRoutingLanguages({ name: 'Spanish' });
    const queue = await sdk.routing.postRoutingQueues({ name: 'Support - Tier 1', division: { id: division.id } });
    const group = await sdk.groups.postGroups({ name: 'Support Team', type: 'official', rulesVisible: true, visibility: 'public' });
    const role = await sdk.authorization.postAuthorizationRoles({ name: 'Agent', permissions: ['routing:queue:view'] });
    const location = await sdk.locations.postLocations({ name: 'Dublin' });
    assert.equal(((await rejection(sdk.routing.postRoutingSkills({ name: 'billing' }))) as Body).status, 409);
    assert.deepEqual((await sdk.routing.getRoutingSkills({ name: 'Billing' })).entities?.map((s) => s.name), ['Billing', 'Billing Disputes']);
    assert.equal((await sdk.routing.getRoutingLanguages({ name: 'spanish' })).entities?.[0]?.id, language.id);
    assert.equal((await sdk.routing.getRoutingQueues({ name: 'Support*' })).entities?.[0]?.id, queue.id);
    assert.equal((await sdk.routing.getRoutingQueues({ name: 'Support' })).total, 0);
    assert.equal((await sdk.routing.getRoutingQueues({ divisionId: [division.id as string] })).total, 1);
    assert.equal((await sdk.authorization.getAuthorizationRoles({ name: 'Agent' })).entities?.[0]?.id, role.id);
    assert.equal((await sdk.groups.getGroups({ id: [group.id as string] })).entities?.[0]?.name, 'Support Team');
    assert.equal((await sdk.locations.getLocations({})).entities?.[0]?.id, location.id);
    const found = await sdk.locations.postLocationsSearch({ query: [{ type: 'EXACT', fields: ['name'], value: 'Dublin' }] });
    assert.equal(found.results[0]?.id, location.id);
    assert.equal((await sdk.routing.getRoutingSkill(skill.id as string)).name, 'Billing');
    const me = await sdk.organization.getOrganizationsMe();
    assert.equal(me.name, 'Sandbox');
    const user = await sdk.users.postUsers({ name: 'First User', email: 'first@acme.com', divisionId: division.id as string });
    await sdk.users.patchUserRoutingskillsBulk(user.id as string, [{ id: skill.id as string, proficiency: 3 }]);
    await sdk.routing.postRoutingQueueMembers(queue.id as string, [{ id: user.id }]);
    const listed = await sdk.users.getUsers({ expand: ['skills'] });
    assert.equal(listed.entities?.[0]?.skills?.[0]?.name, 'Billing');
  });
});
