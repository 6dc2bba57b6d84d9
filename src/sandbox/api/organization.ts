// OrganizationApi: the org itself (`GET /organizations/me`), which names the org a plan targets.
import type { Models } from 'purecloud-platform-client-v2';
import { ok, type Answer, type Ctx, type Endpoint } from './http.js';

function organization(ctx: Ctx): Answer {
  const { org } = ctx;
  const body: Models.Organization = { id: org.id, name: org.name, domain: org.domain, defaultLanguage: 'en', defaultCountryCode: org.defaultCountryCode, version: org.version, state: 'active', thirdPartyOrgName: org.domain, selfUri: `/api/v2/organizations/${org.id}` };
  return ok(body);
}

export const organizationEndpoints: Endpoint[] = [['GET', '/api/v2/organizations/me', organization]];
