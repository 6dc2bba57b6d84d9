// The route table: every endpoint of every API module, matched by method and path template.
import { HttpError } from '../errors.js';
import { authorizationEndpoints } from './authorization.js';
import { groupsEndpoints } from './groups.js';
import type { Handler } from './http.js';
import { locationsEndpoints } from './locations.js';
import { organizationEndpoints } from './organization.js';
import { routingEndpoints } from './routing.js';
import { stationsEndpoints } from './stations.js';
import { telephonyEndpoints } from './telephony.js';
import { usersEndpoints } from './users.js';
import { voicemailEndpoints } from './voicemail.js';

export type { Answer, Ctx, Handler } from './http.js';

interface Route {
  method: string;
  pattern: RegExp;
  template: string;
  handler: Handler;
}

const routes: Route[] = [organizationEndpoints, usersEndpoints, authorizationEndpoints, routingEndpoints, groupsEndpoints, locationsEndpoints, telephonyEndpoints, stationsEndpoints, voicemailEndpoints]
  .flat()
  .map(([method, template, handler]) => ({ method, template, handler, pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '([^/]+)')}$`) }));


/** Every route's method and path template (for checks that each one declares what it requires). */
export function allRoutes(): { method: string; template: string }[] {
  return routes.map((r) => ({ method: r.method, template: r.template }));
}

/** The handler for a request and its path parameters; a 404 or 405 error when there is none. */
export function findRoute(method: string, path: string): { handler: Handler; params: string[]; template: string } {
  let pathKnown = false;
  for (const r of routes) {
    const m = r.pattern.exec(path);
    if (!m) continue;
    pathKnown = true;
    if (r.method !== method) continue;
    return { handler: r.handler, params: m.slice(1).map((p) => decodeURIComponent(p)), template: r.template };
  }
  if (pathKnown) throw new HttpError(405, 'method.not.allowed', `${method} is not allowed on ${path}.`, { method });
  throw new HttpError(404, 'not.found', `No API endpoint ${method} ${path} in the sandbox.`, { path });
}
