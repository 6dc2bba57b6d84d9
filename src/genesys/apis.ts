// The SDK API objects one connection uses, bound to its own ApiClient, and a guard that keeps SDK throws typed.
import platformClient from 'purecloud-platform-client-v2';
import { ProvisionError } from '../model/errors.js';
import type { Redactor } from './errors.js';

export interface Apis {
  users: platformClient.UsersApi;
  routing: platformClient.RoutingApi;
  groups: platformClient.GroupsApi;
  authorization: platformClient.AuthorizationApi;
  locations: platformClient.LocationsApi;
  organization: platformClient.OrganizationApi;
  telephony: platformClient.TelephonyProvidersEdgeApi;
  voicemail: platformClient.VoicemailApi;
  stations: platformClient.StationsApi;
}

export function apisFor(client: platformClient.ApiClientClass): Apis {
  return {
    users: new platformClient.UsersApi(client),
    routing: new platformClient.RoutingApi(client),
    groups: new platformClient.GroupsApi(client),
    authorization: new platformClient.AuthorizationApi(client),
    locations: new platformClient.LocationsApi(client),
    organization: new platformClient.OrganizationApi(client),
    telephony: new platformClient.TelephonyProvidersEdgeApi(client),
    voicemail: new platformClient.VoicemailApi(client),
    stations: new platformClient.StationsApi(client),
  };
}

/**
 * Runs an SDK call and keeps whatever it throws typed: the HTTP client already rejects with
 * ApiError; the SDK itself throws plain strings for missing parameters.
 */
export async function guarded<T>(redactor: Redactor, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ProvisionError) throw error;
    const detail = typeof error === 'string' ? error : error instanceof Error ? error.message : 'unexpected failure';
    throw new ProvisionError('sdk-error', redactor.scrub(`${what}: ${detail}`));
  }
}
