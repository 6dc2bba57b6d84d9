// Conformance: per-user routing utilization (GET/PUT/DELETE) and voicemail policy (GET/PATCH) through the SDK: the org default, whole-value PUT, validation, unknown users, permissions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedOrg } from '../../src/sandbox/index.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

const seed: SeedOrg = {
  org: { name: 'Utilization' },
  divisions: [{ name: 'Home', home: true }],
  users: [{ email: 'ana@acme.com', name: 'Ana' }, { email: 'bo@acme.com', name: 'Bo' }],
};

test('a user without settings of their own answers the org default at level Organization; a PUT sets every omitted media type to the default (level Agent); DELETE reverts', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const orgWide = await sdk.routing.getRoutingUtilization();
    const before = await sdk.routing.getRoutingUserUtilization(ana.id);
    assert.equal(before.level, 'Organization');
    assert.deepEqual(before.utilization, orgWide.utilization);
    assert.deepEqual(Object.keys(before.utilization ?? {}).sort(), ['call', 'callback', 'chat', 'email', 'message']);

    const put = await sdk.routing.putRoutingUserUtilization(ana.id, { utilization: { chat: { maximumCapacity: 3, interruptableMediaTypes: ['call'], includeNonAcd: true } }, labelUtilizations: { 'label-1': { maximumCapacity: 2 } } });
    assert.equal(put.level, 'Agent');
    assert.deepEqual(put.utilization?.chat, { maximumCapacity: 3, interruptableMediaTypes: ['call'], includeNonAcd: true });
    assert.deepEqual(put.utilization?.call, orgWide.utilization?.call, 'an omitted media type takes the org default');
    assert.deepEqual(put.labelUtilizations, { 'label-1': { maximumCapacity: 2 } });
    assert.deepEqual(await sdk.routing.getRoutingUserUtilization(ana.id), put);

    // A second PUT replaces the whole value: chat goes back to the default, labels left out are gone.
    const replaced = await sdk.routing.putRoutingUserUtilization(ana.id, { utilization: { email: { maximumCapacity: 2 } } });
    assert.deepEqual(replaced.utilization?.chat, orgWide.utilization?.chat);
    assert.deepEqual(replaced.utilization?.email, { maximumCapacity: 2, interruptableMediaTypes: [], includeNonAcd: false });
    assert.deepEqual(replaced.labelUtilizations, {});

    await sdk.routing.deleteRoutingUserUtilization(ana.id);
    assert.equal((await sdk.routing.getRoutingUserUtilization(ana.id)).level, 'Organization');
  });
});

test('a PUT with a capacity out of 0–25, an unknown media type or an unknown interrupting type is a 400 and changes nothing; an unknown or deleted user is a 404', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const status = async (body: unknown, id = ana.id): Promise<number> => ((await rejection(sdk.routing.putRoutingUserUtilization(id, body as never))) as Body).status as number;
    assert.equal(await status({ utilization: { call: { maximumCapacity: 26 } } }), 400);
    assert.equal(await status({ utilization: { call: { maximumCapacity: -1 } } }), 400);
    assert.equal(await status({ utilization: { call: { maximumCapacity: 1.5 } } }), 400);
    assert.equal(await status({ utilization: { call: {} } }), 400, 'no capacity');
    assert.equal(await status({ utilization: { video: { maximumCapacity: 1 } } }), 400);
    assert.equal(await status({ utilization: { chat: { maximumCapacity: 2, interruptableMediaTypes: ['fax'] } } }), 400);
    assert.equal(await status({ utilization: { chat: { maximumCapacity: 2, includeNonAcd: 'yes' } } }), 400);
    assert.equal(sandbox.org.getUser(ana.id)?.utilization, undefined, 'nothing changed');
    assert.equal(await status({ utilization: {} }, 'no-such-user'), 404);
    assert.equal(((await rejection(sdk.routing.getRoutingUserUtilization('no-such-user'))) as Body).status, 404);
    assert.equal(((await rejection(sdk.routing.deleteRoutingUserUtilization('no-such-user'))) as Body).status, 404);
    sandbox.org.updateUser(ana.id, (u) => (u.state = 'deleted'));
    assert.equal(((await rejection(sdk.routing.getRoutingUserUtilization(ana.id))) as Body).status, 404);
  });
});

test('voicemail policy: defaults until set, PATCH changes only the members sent, alertTimeoutSeconds within 1–3600, unknown members and users refused', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const bo = sandbox.org.liveUserByEmail('bo@acme.com')!;
    const initial = await sdk.voicemail.getVoicemailUserpolicy(bo.id);
    assert.deepEqual({ enabled: initial.enabled, alertTimeoutSeconds: initial.alertTimeoutSeconds, sendEmailNotifications: initial.sendEmailNotifications }, { enabled: true, alertTimeoutSeconds: 30, sendEmailNotifications: true });
    const patched = await sdk.voicemail.patchVoicemailUserpolicy(bo.id, { alertTimeoutSeconds: 20 });
    assert.equal(patched.alertTimeoutSeconds, 20);
    assert.equal(patched.enabled, true, 'a member not sent stays');
    assert.equal((await sdk.voicemail.getVoicemailUserpolicy(bo.id)).alertTimeoutSeconds, 20);
    const status = async (body: unknown, id = bo.id): Promise<number> => ((await rejection(sdk.voicemail.patchVoicemailUserpolicy(id, body as never))) as Body).status as number;
    assert.equal(await status({ alertTimeoutSeconds: 0 }), 400);
    assert.equal(await status({ alertTimeoutSeconds: 3601 }), 400);
    assert.equal(await status({ enabled: 'no' }), 400);
    assert.equal(await status({ greeting: 'hello' }), 400);
    assert.equal((await sdk.voicemail.getVoicemailUserpolicy(bo.id)).alertTimeoutSeconds, 20, 'a refused PATCH changes nothing');
    assert.equal(await status({ enabled: false }, 'no-such-user'), 404);
    assert.equal(((await rejection(sdk.voicemail.getVoicemailUserpolicy('no-such-user'))) as Body).status, 404);
  });
});

test('utilization writes need routing:utilization:manage; reads take view; voicemail takes voicemail:userPolicy:viewOther', async () => {
  const viewer = { id: 'viewer', secret: 'viewer-secret', roles: [{ permissions: ['directory:user:view', 'routing:utilization:view'] }] };
  await withSandbox({ seed, clients: [viewer] }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox, viewer);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    assert.equal((await sdk.routing.getRoutingUserUtilization(ana.id)).level, 'Organization');
    assert.equal(((await rejection(sdk.routing.putRoutingUserUtilization(ana.id, { utilization: {} }))) as Body).status, 403);
    assert.equal(((await rejection(sdk.routing.deleteRoutingUserUtilization(ana.id))) as Body).status, 403);
    assert.equal(((await rejection(sdk.voicemail.getVoicemailUserpolicy(ana.id))) as Body).status, 403);
  });
});
