// TelephonyProvidersEdgeApi: extension pools, which decide how a user's extension comes back in `addresses`.
import type { Models } from 'purecloud-platform-client-v2';
import type { ExtensionPoolRec, SandboxOrg } from '../org.js';
import { divisionRef } from '../render.js';
import { lookupGet, lookupList, type Endpoint } from './http.js';

function renderPool(org: SandboxOrg, p: ExtensionPoolRec): Models.ExtensionPool {
  return {
    id: p.id,
    name: p.name,
    division: divisionRef(org.divisions.get(p.divisionId), p.divisionId),
    version: p.version,
    dateModified: p.dateModified,
    state: 'active',
    startNumber: p.startNumber,
    endNumber: p.endNumber,
    selfUri: `/api/v2/telephony/providers/edges/extensionpools/${p.id}`,
  };
}

/**
 * `GET /telephony/providers/edges/extensionpools` (TelephonyProvidersEdgeApi.md: `telephony:extensionPool:view`,
 * default page 25, a `divisionId` filter). The largest page is 100: Terraform pages pools 100 at a time
 * (user/genesyscloud_user_proxy.go, getTelephonyExtensionPoolByExtensionFn) and the docs state no maximum.
 */
export const telephonyEndpoints: Endpoint[] = [
  ['GET', '/api/v2/telephony/providers/edges/extensionpools', lookupList((org) => org.extensionPools.sorted(), renderPool, { maxPageSize: 100 })],
  ['GET', '/api/v2/telephony/providers/edges/extensionpools/{id}', lookupGet((org, id) => org.extensionPools.get(id), renderPool, 'extension pool')],
];
