// Conformance: permission mode through the SDK: 403 bodies, ANY and ALL lists, wildcards, division-scoped visibility and writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ClientRole, RunningSandbox, SandboxClient } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { ROUTE_PERMISSIONS, routeKey, routePermission } from '../../src/sandbox/api/permissions.js';
import { allRoutes } from '../../src/sandbox/api/index.js';
import { covers } from '../../src/sandbox/permissions.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';

const client = (id: string, roles: ClientRole[]): SandboxClient => ({ id, secret: `${id}-secret`, roles });

async function as(sandbox: RunningSandbox, id: string) {
  const found = sandbox.clients.find((c) => c.id === id);
  assert.ok(found, id);
  return sdkClientFor(sandbox, found);
}

function userId(sandbox: RunningSandbox, email: string): string {
  const user = sandbox.org.usersByEmail(email)[0];
  assert.ok(user, email);
  return user.id;
}

test('permission mode is off by default: a client without roles may do everything', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    assert.ok((await sdk.routing.getRoutingSkills({})).entities?.length);
    assert.equal((await sdk.users.getUsers({})).total, 3);
  });
});

test('a missing permission of an ANY list answers 403 missing.any.permissions, as Genesys words it', async () => {
  await withSandbox({ seed: smallSeed(), clients: [client('reader', [{ permissions: ['directory:user:view'] }])] }, async (sandbox) => {
    const sdk = await as(sandbox, 'reader');
    const error = (await rejection(sdk.routing.getRoutingQueues({}))) as Record<string, unknown>;
    assert.equal(error.status, 403);
    assert.equal(error.code, 'missing.any.permissions');
    assert.equal(error.message, 'Unable to perform the requested action. You must have at least one of the following permissions assigned: [routing:queue:view]');
    assert.deepEqual(error.messageParams, { permissions: 'routing:queue:view' });
    assert.equal(error.messageWithParams, 'Unable to perform the requested action. You must have at least one of the following permissions assigned: [{permissions}]');
    assert.match(String(error.contextId), /^[0-9a-f-]{36}$/);
    // Every permission of the list is named: any one of them would do.
    const nina = userId(sandbox, 'nina.berg@acme.com');
    const languages = (await rejection(sdk.users.patchUserRoutinglanguagesBulk(nina, []))) as Record<string, unknown>;
    assert.equal(languages.code, 'missing.any.permissions');
    assert.deepEqual(languages.messageParams, { permissions: 'routing:skill:assign, routing:language:assign' });
    // The request changed nothing.
    assert.deepEqual(sandbox.requests.map((r) => r.status), [200, 403, 403]);
  });
});

test('a missing permission of an ALL list answers 403 missing.permissions naming only what is missing', async () => {
  const roles = [{ permissions: ['directory:user:view', 'authorization:grant:add'] }];
  await withSandbox({ seed: smallSeed(), clients: [client('granter', roles)] }, async (sandbox) => {
    const sdk = await as(sandbox, 'granter');
    const nina = userId(sandbox, 'nina.berg@acme.com');
    const role = sandbox.org.roles.resolve('Supervisor')!.id;
    const division = sandbox.org.homeDivision().id;
    const grants = { grants: [{ roleId: role, divisionId: division }] };
    const error = (await rejection(sdk.authorization.postAuthorizationSubjectBulkreplace(nina, grants, { subjectType: 'PC_USER' }))) as Record<string, unknown>;
    assert.equal(error.status, 403);
    assert.equal(error.code, 'missing.permissions');
    assert.equal(error.message, 'Unable to perform the requested action. You are missing the following permission(s): [authorization:grant:delete]');
    assert.deepEqual(error.messageParams, { permissions: 'authorization:grant:delete' });
    await sdk.authorization.postAuthorizationSubjectBulkadd(nina, grants, { subjectType: 'PC_USER' });
    assert.ok(sandbox.org.getUser(nina)!.grants.some((g) => g.roleId === role));
  });
});

test('wildcards: * stands for any entity or any action, never for another domain', async () => {
  const clients = [
    client('routing-all', [{ permissions: ['routing:*:*', 'directory:user:view'] }]),
    client('queue-any-action', [{ permissions: ['routing:queue:*', 'directory:user:view'] }]),
  ];
  await withSandbox({ seed: smallSeed(), clients }, async (sandbox) => {
    const nina = userId(sandbox, 'nina.berg@acme.com');
    const queue = sandbox.org.queues.resolve('Sales - Inbound')!.id;
    const all = await as(sandbox, 'routing-all');
    assert.ok((await all.routing.getRoutingSkills({})).entities?.length);
    assert.ok((await all.routing.getRoutingQueues({})).entities?.length);
    await all.users.patchUserRoutingskillsBulk(nina, [{ id: sandbox.org.skills.resolve('Chat')!.id, proficiency: 2 }]);
    await all.routing.postRoutingQueueMembers(queue, [{ id: nina }]);
    const outside = (await rejection(all.authorization.getAuthorizationRoles({}))) as Record<string, unknown>;
    assert.equal(outside.code, 'missing.any.permissions');

    const queues = await as(sandbox, 'queue-any-action');
    await queues.routing.postRoutingQueueMembers(queue, [{ id: nina }], { _delete: true });
    const skills = (await rejection(queues.routing.getRoutingSkills({}))) as Record<string, unknown>;
    assert.equal(skills.code, 'missing.any.permissions', 'routing:queue:* does not cover routing:skill:view');
  });
});

test('the wildcard rules, pure', () => {
  const table: [granted: string, required: string, covered: boolean][] = [
    ['routing:queue:view', 'routing:queue:view', true],
    ['routing:queue:*', 'routing:queue:view', true],
    ['routing:*:*', 'routing:queueMember:manage', true],
    ['routing:*:view', 'routing:skill:view', true],
    ['routing:*:view', 'routing:skill:assign', false],
    ['routing:queue:view', 'routing:queue:edit', false],
    ['routing:queue:*', 'routing:queues:view', false],
    ['directory:*:*', 'routing:queue:view', false],
    ['routing:queue:view', 'admin', false],
  ];
  for (const [granted, required, covered] of table) assert.equal(covers(granted, required), covered, `${granted} covers ${required}`);
});

test('roles the sandbox cannot use are refused at start, with the bad value', async () => {
  const bad: [ClientRole[], RegExp][] = [
    [[{ permissions: ['*:*:*'] }], /"\*:\*:\*" is not domain:entity:action/],
    [[{ permissions: ['admin'] }], /"admin" is not domain:entity:action/],
    [[{ permissions: ['routing:queue:view'], divisions: ['Nowhere'] }], /division "Nowhere" does not exist/],
  ];
  for (const [roles, message] of bad) {
    await assert.rejects(startSandbox({ seed: smallSeed(), clients: [client('bad', roles)] }), message);
  }
});

const scoped = (divisions: string[]): ClientRole[] => [{ permissions: ['directory:user:*', 'routing:queue:*', 'routing:skill:*', 'authorization:grant:*'], divisions }];

test('a client scoped to one division sees only that division\'s users and queues', async () => {
  const clients = [client('support-only', scoped(['Support'])), client('everywhere', scoped(['*']))];
  await withSandbox({ seed: smallSeed(), clients }, async (sandbox) => {
    const support = await as(sandbox, 'support-only');
    const listed = await support.users.getUsers({ pageSize: 100 });
    assert.deepEqual(listed.entities?.map((u) => u.email), ['ola.lind@acme.com']);
    assert.equal(listed.total, 1);
    const inactive = await support.users.getUsers({ state: 'inactive' });
    assert.equal(inactive.total, 0, 'Tom Becker is in the home division');
    const found = await support.users.postUsersSearch({ query: [{ type: 'EXACT', fields: ['email'], values: ['ola.lind@acme.com', 'nina.berg@acme.com'] }] });
    assert.deepEqual(found.results?.map((u) => u.email), ['ola.lind@acme.com']);
    const nina = userId(sandbox, 'nina.berg@acme.com');
    const read = (await rejection(support.users.getUser(nina))) as Record<string, unknown>;
    assert.equal(read.status, 404);
    assert.equal(read.code, 'not.found');
    assert.deepEqual((await support.routing.getRoutingQueues({})).entities?.map((q) => q.name), ['Support - Tier 1']);
    const sales = sandbox.org.queues.resolve('Sales - Inbound')!.id;
    assert.equal(((await rejection(support.routing.getRoutingQueueMembers(sales, {}))) as Record<string, unknown>).status, 404);

    const everywhere = await as(sandbox, 'everywhere');
    assert.equal((await everywhere.users.getUsers({})).total, 3);
    assert.equal((await everywhere.routing.getRoutingQueues({})).total, 2);
  });
});

test('a client cannot write users or queues outside its divisions; inside them it can', async () => {
  const clients = [
    client('support-only', scoped(['Support'])),
    // Sees every user, but may edit only those of Support.
    client('edit-support', [{ permissions: ['directory:user:view'] }, { permissions: ['directory:user:edit', 'routing:skill:assign'], divisions: ['Support'] }]),
  ];
  await withSandbox({ seed: smallSeed(), clients }, async (sandbox) => {
    const ola = sandbox.org.usersByEmail('ola.lind@acme.com')[0]!;
    const nina = sandbox.org.usersByEmail('nina.berg@acme.com')[0]!;
    const edit = await as(sandbox, 'edit-support');
    const denied = (await rejection(edit.users.patchUser(nina.id, { version: nina.version, title: 'Changed' }))) as Record<string, unknown>;
    assert.equal(denied.status, 403);
    assert.equal(denied.code, 'missing.division.permission');
    assert.equal(denied.message, `Unable to perform the requested action. You must have at least one of the following permissions assigned in division ${nina.divisionId}: [admin, directory:user:edit, directory:organization:admin]`);
    assert.deepEqual(denied.messageParams, { permissions: 'admin, directory:user:edit, directory:organization:admin', divisionId: nina.divisionId });
    assert.equal(sandbox.org.getUser(nina.id)!.title, 'Team Lead');
    await edit.users.patchUser(ola.id, { version: ola.version, title: 'Head of Support' });
    assert.equal(sandbox.org.getUser(ola.id)!.title, 'Head of Support');

    const support = await as(sandbox, 'support-only');
    const hidden = (await rejection(support.users.patchUserRoutingskillsBulk(nina.id, []))) as Record<string, unknown>;
    assert.equal(hidden.status, 404, 'a user the client cannot see is not there for it');
    const sales = sandbox.org.queues.resolve('Sales - Inbound')!.id;
    const queueWrite = (await rejection(support.routing.postRoutingQueueMembers(sales, [{ id: ola.id }]))) as Record<string, unknown>;
    assert.equal(queueWrite.code, 'missing.division.permission');
    assert.equal(sandbox.org.queues.get(sales)!.members.has(ola.id), false);
    await support.routing.postRoutingQueueMembers(sandbox.org.queues.resolve('Support - Tier 1')!.id, [{ id: ola.id }]);
    // Moving a user into a division needs the edit permission in the division joined (and left).
    const home = sandbox.org.homeDivision().id;
    const move = (await rejection(support.authorization.postAuthorizationDivisionObject(home, 'USER', [ola.id]))) as Record<string, unknown>;
    assert.equal(move.code, 'missing.division.permission');
    assert.equal(sandbox.org.getUser(ola.id)!.divisionId, sandbox.org.divisions.resolve('Support')!.id);
    // Role grants need the grant permission in the grant's division; `*` needs it in every division.
    const role = sandbox.org.roles.resolve('Supervisor')!.id;
    const star = (await rejection(support.authorization.postAuthorizationSubjectBulkadd(ola.id, { grants: [{ roleId: role, divisionId: '*' }] }, { subjectType: 'PC_USER' }))) as Record<string, unknown>;
    assert.equal(star.code, 'missing.division.permission');
    assert.deepEqual(star.messageParams, { permissions: 'authorization:grant:add', divisionId: '*' });
  });
});

test('an extension needs telephony:extension:assign in the user\'s division (patchUser docs)', async () => {
  const clients = [
    client('no-telephony', [{ permissions: ['directory:user:view', 'directory:user:edit'] }]),
    client('telephony', [{ permissions: ['directory:user:view', 'directory:user:edit', 'telephony:extension:assign'] }]),
  ];
  await withSandbox({ seed: smallSeed(), clients }, async (sandbox) => {
    const priya = sandbox.org.usersByEmail('priya.raman@acme.com')[0]!;
    const version = priya.version;
    const withExtension = [{ mediaType: 'PHONE' as const, type: 'WORK' as const, address: '+13175550199', extension: '199' }];
    const plain = await as(sandbox, 'no-telephony');
    await plain.users.patchUser(priya.id, { version, addresses: [{ mediaType: 'PHONE', type: 'MOBILE', address: '+13175550111' }] });
    const denied = (await rejection(plain.users.patchUser(priya.id, { version: version + 1, addresses: withExtension }))) as Record<string, unknown>;
    assert.equal(denied.code, 'missing.any.permissions');
    assert.deepEqual(denied.messageParams, { permissions: 'telephony:extension:assign' });
    const telephony = await as(sandbox, 'telephony');
    await telephony.users.patchUser(priya.id, { version: version + 1, addresses: withExtension });
    assert.equal(sandbox.org.getUser(priya.id)!.addresses[0]?.extension, '199');
  });
});

/** `METHOD /path` of every SDK method, from the installed SDK's sources. */
function sdkEndpoints(): Map<string, string> {
  const dir = resolve('node_modules/purecloud-platform-client-v2/src/purecloud-platform-client-v2/api');
  const out = new Map<string, string>();
  for (const file of readdirSync(dir)) {
    const api = file.replace(/\.js$/, '');
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(/\n\t(?!constructor\b)(\w+)\([^)]*\) \{[\s\S]*?callApi\(\s*'([^']+)',\s*'([A-Z]+)'/g)) {
      out.set(`${api}.md#${match[1]}`, routeKey(match[3] as string, match[2] as string));
    }
  }
  return out;
}

test('every sandbox endpoint declares its permissions, citing the SDK method documented for that very path', () => {
  const sdk = sdkEndpoints();
  for (const [key, declared] of Object.entries(ROUTE_PERMISSIONS)) {
    const [method, path] = key.split(' ') as [string, string];
    assert.equal(sdk.get(declared.doc), routeKey(method, path), `${key} cites ${declared.doc}`);
    for (const permission of [...(declared.any ?? []), ...(declared.all ?? [])]) assert.match(permission, /^([a-z]+:[a-zA-Z]+:[a-zA-Z]+|admin)$/, `${key}: ${permission}`);
  }
  const routes = allRoutes();
  assert.ok(routes.length >= 40, `the route table (${routes.length} routes)`);
  for (const { method, template } of routes) assert.ok(routePermission(method, template), `${method} ${template} declares its permissions in src/sandbox/api/permissions.ts`);
});
