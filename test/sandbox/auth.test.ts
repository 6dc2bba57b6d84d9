// Conformance: OAuth client credentials, several clients, expiry, revocation and Genesys's 401 bodies, through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import platformClient from 'purecloud-platform-client-v2';
import { SkippingClock } from '../support/clock.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';

const batchClient = { id: 'batch', secret: 'batch-secret', tokenLifetimeSeconds: 3600 };
const shortClient = { id: 'short', secret: 'short-secret', tokenLifetimeSeconds: 1 };
const clients = [batchClient, shortClient];

test('each client logs in with its own secret and gets its own token lifetime', async () => {
  await withSandbox({ seed: smallSeed(), clients }, async (sandbox) => {
    const before = Date.now();
    const batch = await sdkClientFor(sandbox, batchClient);
    const expiry = batch.auth.tokenExpiryTime - before;
    assert.ok(expiry > 3_590_000 && expiry <= 3_601_000, `expiry ${expiry}`);
    const short = await sdkClientFor(sandbox, shortClient);
    assert.ok(short.auth.tokenExpiryTime - before <= 2_000);
    const me = await batch.organization.getOrganizationsMe();
    assert.equal(me.name, 'Test Org');
  });
});

test('wrong credentials answer like Genesys: invalid_client, no token', async () => {
  await withSandbox({ seed: smallSeed(), clients }, async (sandbox) => {
    for (const creds of [{ id: 'batch', secret: 'wrong' }, { id: 'nobody', secret: 'batch-secret' }]) {
      // The login rejects with the raw AxiosError (unlike API calls); its response holds Genesys's body.
      const error = (await rejection(sdkClientFor(sandbox, creds))) as { response?: { status: number; data: unknown } };
      assert.equal(error.response?.status, 401);
      assert.deepEqual(error.response?.data, { error: 'invalid_client', description: 'authentication failed', error_description: 'authentication failed' });
    }
    assert.deepEqual(sandbox.requests.map((r) => r.status), [401, 401]);
  });
});

test('an expired token answers 401 bad.credentials (the SDK never re-authenticates)', async () => {
  const clock = new SkippingClock();
  await withSandbox({ seed: smallSeed(), clients, clock }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox, shortClient);
    clock.advance(999);
    await sdk.users.getUsers({});
    clock.advance(1);
    const error = (await rejection(sdk.users.getUsers({}))) as Record<string, unknown>;
    assert.equal(error.status, 401);
    assert.equal(error.code, 'bad.credentials');
    assert.equal(error.message, 'Invalid login credentials.');
    // Logging in again is the tool's job; it works.
    await sdk.client.loginClientCredentialsGrant(shortClient.id, shortClient.secret);
    await sdk.users.getUsers({});
  });
});

test('revoked and unknown tokens answer 401; a request without a token is told so', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    sandbox.revokeTokens();
    const revoked = (await rejection(sdk.users.getUsers({}))) as Record<string, unknown>;
    assert.equal(revoked.code, 'bad.credentials');
    sdk.client.setAccessToken('not-a-token');
    const unknown = (await rejection(sdk.users.getUsers({}))) as Record<string, unknown>;
    assert.equal(unknown.status, 401);
    const anonymous = new platformClient.ApiClientClass();
    anonymous.config.live_reload_config = false;
    anonymous.setGateway({ protocol: 'http', host: '127.0.0.1', port: sandbox.port });
    const none = (await rejection(new platformClient.UsersApi(anonymous).getUsers({}))) as Record<string, unknown>;
    assert.equal(none.status, 401);
    assert.equal(none.code, 'authentication.required');
  });
});

test('error bodies have the Genesys shape with a fresh contextId each time', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const a = (await rejection(sdk.users.getUser('no-such-user'))) as Record<string, unknown>;
    const b = (await rejection(sdk.users.getUser('no-such-user'))) as Record<string, unknown>;
    for (const body of [a, b]) {
      assert.deepEqual(Object.keys(body).sort(), ['code', 'contextId', 'details', 'errors', 'message', 'messageParams', 'messageWithParams', 'status']);
      assert.equal(body.status, 404);
      assert.equal(body.code, 'not.found');
      assert.ok(Array.isArray(body.details) && Array.isArray(body.errors));
      assert.match(String(body.contextId), /^[0-9a-f-]{36}$/);
    }
    assert.notEqual(a.contextId, b.contextId);
  });
});
