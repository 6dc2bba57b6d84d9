// The official SDK pointed at a running sandbox: an isolated ApiClient, logged in, with the API objects tests use.
import platformClient from 'purecloud-platform-client-v2';
import { apisFor } from '../../src/genesys/apis.js';
import type { Apis } from '../../src/genesys/apis.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

export interface SdkApis extends Apis {
  client: platformClient.ApiClientClass;
  auth: { accessToken: string; tokenExpiryTime: number };
}

/** A fresh, isolated SDK client for the sandbox (never the shared ApiClient), logged in with client credentials. */
export async function sdkClientFor(
  sandbox: Pick<RunningSandbox, 'port' | 'clients'>,
  credentials: { id: string; secret: string } | undefined = sandbox.clients[0],
  options: { timeoutMs?: number } = {},
): Promise<SdkApis> {
  const client = new platformClient.ApiClientClass();
  // The SDK otherwise watches ~/.genesyscloudjavascript/config, which can reroute traffic or reset the gateway.
  client.config.live_reload_config = false;
  client.setGateway({ protocol: 'http', host: '127.0.0.1', port: sandbox.port });
  if (options.timeoutMs) client.getHttpClient().setTimeout(options.timeoutMs);
  if (!credentials) throw new Error('the sandbox has no client');
  const auth = (await client.loginClientCredentialsGrant(credentials.id, credentials.secret)) as unknown as SdkApis['auth'];
  return {
    client,
    auth,
    ...apisFor(client),
  };
}

/** What a promise rejected with (the SDK rejects with plain bodies, strings or undefined, not Errors). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
