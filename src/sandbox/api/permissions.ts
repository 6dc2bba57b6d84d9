// The permissions every endpoint requires (from the SDK's generated docs), and the division checks of permission mode.
import { HttpError, notFound } from '../errors.js';
import { ALL_DIVISIONS, missingDivisionPermission, missingPermissions, type Requirement } from '../permissions.js';
import type { SandboxOrg } from '../org.js';
import type { Ctx } from './http.js';

/** A check of the objects a request names: the divisions they live in, read from the path or the body. */
type ScopeCheck = (ctx: Ctx, route: RoutePermission) => void;

/**
 * One endpoint's requirement. `doc` names where the SDK's generated docs list it
 * (`build/docs/<Api>.md`, the section of the SDK method: "Requires ANY permissions" → `any`,
 * "Requires ALL permissions" → `all`, "Requires NO permissions" → neither). Where the docs list
 * none but the real API plainly checks something, the sandbox is stricter and `stricter` says why.
 */
export interface RoutePermission extends Requirement {
  doc: string;
  stricter?: string;
  scope?: ScopeCheck[];
}

/** Whether the caller may act with `permission` in `divisionId`: always when permission mode is off. */
export function sees(ctx: Pick<Ctx, 'can'>, permission: string, divisionId: string): boolean {
  return ctx.can === undefined || ctx.can(permission, divisionId);
}

/**
 * Refuses unless the caller holds one of `permissions` in `divisionId`: `missing.any.permissions`
 * when it holds none of them anywhere, `missing.division.permission` when only elsewhere.
 */
export function requireIn(ctx: Pick<Ctx, 'can'>, permissions: readonly string[], divisionId: string): void {
  const can = ctx.can;
  if (can === undefined || permissions.length === 0 || permissions.some((p) => can(p, divisionId))) return;
  throw missingPermissions({ any: permissions }, (p) => can(p)) ?? missingDivisionPermission(permissions, divisionId);
}

/** The permissions a write must hold in the object's division: each of `all`, else one of `any`. */
function writePermissions(route: RoutePermission): string[][] {
  if (route.all && route.all.length > 0) return route.all.map((p) => [p]);
  return route.any && route.any.length > 0 ? [[...route.any]] : [];
}

/**
 * A user named by the path's first parameter. Users are division-aware objects (Genesys help,
 * "Divisions overview": users are among the objects a division holds), and `directory:user:view`
 * is the permission that shows them per division (the SDK's JSDoc of `getUsersQuery`: "No division
 * filtering available so directory:user:view permission for all divisions is required"). A read
 * of a user outside the divisions where the caller holds it answers 404, as if the user did not
 * exist; a write needs the endpoint's permission in the user's division.
 */
const userInDivision: ScopeCheck = (ctx, route) => {
  const user = ctx.org.getUser(ctx.params[0] as string);
  if (!user) return;
  if (!sees(ctx, 'directory:user:view', user.divisionId)) throw notFound('user', user.id);
  if (ctx.method === 'GET') return;
  for (const permissions of writePermissions(route)) requireIn(ctx, permissions, user.divisionId);
};

/** A subject (a user, for the sandbox's subjects) named by the path: visible or 404, like `userInDivision` for reads. */
const subjectVisible: ScopeCheck = (ctx) => {
  const user = ctx.org.getUser(ctx.params[0] as string);
  if (user && !sees(ctx, 'directory:user:view', user.divisionId)) throw notFound('user', user.id);
};

/**
 * A queue named by the path (queues are division-aware too): a read outside the divisions where the
 * caller holds the endpoint's permissions answers 404; a write needs them in the queue's division.
 */
const queueInDivision: ScopeCheck = (ctx, route) => {
  const queue = ctx.org.queues.get(ctx.params[0] as string);
  if (!queue) return;
  if (ctx.method === 'GET') {
    const view = route.any ?? route.all ?? ['routing:queue:view'];
    if (!view.some((p) => sees(ctx, p, queue.divisionId))) throw notFound('queue', queue.id);
    return;
  }
  for (const permissions of writePermissions(route)) requireIn(ctx, permissions, queue.divisionId);
};

const bodyObject = (body: unknown): Record<string, unknown> => (body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {});

/** Users named by the body's `id`s (a bulk update): the endpoint's permission in each one's division, 404 for one not seen. */
const bodyUsersInDivision: ScopeCheck = (ctx, route) => {
  if (!Array.isArray(ctx.body)) return;
  for (const entry of ctx.body) {
    const user = ctx.org.getUser(String(bodyObject(entry).id));
    if (!user) continue;
    if (!sees(ctx, 'directory:user:view', user.divisionId)) throw notFound('user', user.id);
    for (const permissions of writePermissions(route)) requireIn(ctx, permissions, user.divisionId);
  }
};

/** The division a create lands in: the body's (`divisionId` or `division.id`), else the home division. */
function createdIn(org: SandboxOrg, body: unknown): string {
  const b = bodyObject(body);
  const division = bodyObject(b.division);
  const id = typeof b.divisionId === 'string' ? b.divisionId : typeof division.id === 'string' ? division.id : undefined;
  return id ?? org.homeDivision().id;
}

const createdInDivision =
  (permission: string): ScopeCheck =>
  (ctx) =>
    requireIn(ctx, [permission], createdIn(ctx.org, ctx.body));

/**
 * Setting an extension in `addresses` needs `telephony:extension:assign` in the user's division:
 * UsersApi.md#patchUser, "Updating some fields, like a users extension, requires the
 * telephony:extension:assign permission for the relevant division. Without it, the request will
 * return 403 Forbidden." The sandbox asks the same of a create that sets one.
 */
const extensionAssign: ScopeCheck = (ctx) => {
  const addresses = bodyObject(ctx.body).addresses;
  if (!Array.isArray(addresses)) return;
  const setsExtension = addresses.some((a) => {
    const extension = bodyObject(a).extension;
    return extension !== undefined && extension !== null && String(extension) !== '';
  });
  if (!setsExtension) return;
  const user = ctx.method === 'POST' ? undefined : ctx.org.getUser(ctx.params[0] as string);
  requireIn(ctx, ['telephony:extension:assign'], user ? user.divisionId : createdIn(ctx.org, ctx.body));
};

/** Grants in a body (`{grants: [{roleId, divisionId}]}`) need the grant permission in each division named (`*`: all of them). */
const grantDivisions =
  (...permissions: string[]): ScopeCheck =>
  (ctx) => {
    const grants = bodyObject(ctx.body).grants;
    if (!Array.isArray(grants)) return;
    const divisions = new Set(grants.map((g) => bodyObject(g).divisionId).filter((d): d is string => typeof d === 'string'));
    for (const divisionId of divisions) for (const permission of permissions) requireIn(ctx, [permission], divisionId === ALL_DIVISIONS ? ALL_DIVISIONS : divisionId);
  };

/** A grant named in the path (`…/divisions/{divisionId}/roles/{roleId}`) needs the permission in that division. */
const pathGrantDivision =
  (permission: string): ScopeCheck =>
  (ctx) =>
    requireIn(ctx, [permission], ctx.params[1] as string);

/**
 * Moving objects into a division: the docs of `postAuthorizationDivisionObject` list no permission;
 * the sandbox asks for the object type's edit permission in the division the objects join and in
 * each division they leave.
 */
const MOVE_PERMISSION: Record<string, string> = { USER: 'directory:user:edit', QUEUE: 'routing:queue:edit' };
const moveDivisions: ScopeCheck = (ctx) => {
  const permission = MOVE_PERMISSION[(ctx.params[1] ?? '').toUpperCase()];
  if (!permission || ctx.can === undefined) return;
  const ids = Array.isArray(ctx.body) ? ctx.body.map(String) : [];
  const leaving = new Set<string>();
  for (const id of ids) {
    const from = permission === 'directory:user:edit' ? ctx.org.getUser(id)?.divisionId : ctx.org.queues.get(id)?.divisionId;
    if (from) leaving.add(from);
  }
  for (const divisionId of [ctx.params[0] as string, ...leaving]) requireIn(ctx, [permission], divisionId);
};

const GRANT_VIEW = ['authorization:grant:view'];
const QUEUE_MEMBERS_VIEW = ['routing:queue:view', 'routing:queue:edit', 'routing:queue:readonly', 'routing:queueMember:manage'];
const QUEUE_MEMBERS_EDIT = ['routing:queue:edit', 'routing:queueMember:manage'];
const LANGUAGE_ASSIGN = ['routing:skill:assign', 'routing:language:assign'];
const SITE_VIEW = ['telephony:plugin:all', 'telephony:sites:view'];
const STATION_ASSIGN = ['telephony:plugin:all', 'telephony:phone:assign'];
const GROUP_EDIT_NOTE =
  'The docs list no permission for group member changes; the sandbox asks for directory:group:edit (the client is not the group\'s owner).';

/**
 * Every endpoint of the sandbox, by `METHOD /path` with the docs' parameter names; a route whose
 * template names its parameters differently still matches (parameters compare as `{}`).
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, RoutePermission>> = {
  // OrganizationApi.md
  'GET /api/v2/organizations/me': { doc: 'OrganizationApi.md#getOrganizationsMe' },

  // UsersApi.md
  'GET /api/v2/users': { doc: 'UsersApi.md#getUsers' },
  'POST /api/v2/users': { doc: 'UsersApi.md#postUsers', any: ['directory:user:add'], scope: [createdInDivision('directory:user:add'), extensionAssign] },
  'POST /api/v2/users/search': { doc: 'UsersApi.md#postUsersSearch', any: ['directory:user:view'] },
  'GET /api/v2/users/{userId}': { doc: 'UsersApi.md#getUser', scope: [userInDivision] },
  'PATCH /api/v2/users/bulk': { doc: 'UsersApi.md#patchUsersBulk', any: ['directory:user:edit', 'directory:organization:admin'], scope: [bodyUsersInDivision] },
  'PATCH /api/v2/users/{userId}': { doc: 'UsersApi.md#patchUser', any: ['admin', 'directory:user:edit', 'directory:organization:admin'], scope: [userInDivision, extensionAssign] },
  'DELETE /api/v2/users/{userId}': { doc: 'UsersApi.md#deleteUser', any: ['admin', 'directory:user:delete', 'directory:organization:admin'], scope: [userInDivision] },
  'GET /api/v2/users/{userId}/routingskills': { doc: 'UsersApi.md#getUserRoutingskills', scope: [userInDivision] },
  'PUT /api/v2/users/{userId}/routingskills/bulk': { doc: 'UsersApi.md#putUserRoutingskillsBulk', any: ['routing:skill:assign'], scope: [userInDivision] },
  'PATCH /api/v2/users/{userId}/routingskills/bulk': { doc: 'UsersApi.md#patchUserRoutingskillsBulk', any: ['routing:skill:assign'], scope: [userInDivision] },
  'DELETE /api/v2/users/{userId}/routingskills/{skillId}': { doc: 'UsersApi.md#deleteUserRoutingskill', all: ['routing:skill:assign'], scope: [userInDivision] },
  'GET /api/v2/users/{userId}/routinglanguages': { doc: 'UsersApi.md#getUserRoutinglanguages', scope: [userInDivision] },
  'PATCH /api/v2/users/{userId}/routinglanguages/bulk': { doc: 'UsersApi.md#patchUserRoutinglanguagesBulk', any: LANGUAGE_ASSIGN, scope: [userInDivision] },
  'DELETE /api/v2/users/{userId}/routinglanguages/{languageId}': { doc: 'UsersApi.md#deleteUserRoutinglanguage', any: LANGUAGE_ASSIGN, scope: [userInDivision] },
  'GET /api/v2/users/{subjectId}/roles': { doc: 'UsersApi.md#getUserRoles', any: GRANT_VIEW, scope: [userInDivision] },
  'PUT /api/v2/users/{subjectId}/roles': { doc: 'UsersApi.md#putUserRoles', any: ['authorization:grant:add'], scope: [userInDivision] },
  'GET /api/v2/users/{userId}/queues': { doc: 'UsersApi.md#getUserQueues', any: ['routing:queue:view'], scope: [userInDivision] },
  'GET /api/v2/users/{userId}/profileskills': { doc: 'UsersApi.md#getUserProfileskills', any: ['directory:userProfile:view'], scope: [userInDivision] },
  'PUT /api/v2/users/{userId}/profileskills': { doc: 'UsersApi.md#putUserProfileskills', any: ['directory:userProfile:edit'], scope: [userInDivision] },

  // AuthorizationApi.md
  'GET /api/v2/authorization/subjects/{subjectId}': { doc: 'AuthorizationApi.md#getAuthorizationSubject', any: GRANT_VIEW, scope: [subjectVisible] },
  'POST /api/v2/authorization/subjects/{subjectId}/bulkreplace': {
    doc: 'AuthorizationApi.md#postAuthorizationSubjectBulkreplace',
    all: ['authorization:grant:add', 'authorization:grant:delete'],
    scope: [subjectVisible, grantDivisions('authorization:grant:add', 'authorization:grant:delete')],
  },
  'POST /api/v2/authorization/subjects/{subjectId}/bulkadd': { doc: 'AuthorizationApi.md#postAuthorizationSubjectBulkadd', all: ['authorization:grant:add'], scope: [subjectVisible, grantDivisions('authorization:grant:add')] },
  // Grants in the home division only (see roleUsers in authorization.ts): the permission is checked there.
  'PUT /api/v2/authorization/roles/{roleId}/users/add': { doc: 'AuthorizationApi.md#putAuthorizationRoleUsersAdd', all: ['authorization:grant:add'] },
  'PUT /api/v2/authorization/roles/{roleId}/users/remove': { doc: 'AuthorizationApi.md#putAuthorizationRoleUsersRemove', all: ['authorization:grant:delete'] },
  'POST /api/v2/authorization/subjects/{subjectId}/bulkremove': { doc: 'AuthorizationApi.md#postAuthorizationSubjectBulkremove', all: ['authorization:grant:delete'], scope: [subjectVisible, grantDivisions('authorization:grant:delete')] },
  'POST /api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}': {
    doc: 'AuthorizationApi.md#postAuthorizationSubjectDivisionRole',
    all: ['authorization:grant:add'],
    scope: [subjectVisible, pathGrantDivision('authorization:grant:add')],
  },
  'DELETE /api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}': {
    doc: 'AuthorizationApi.md#deleteAuthorizationSubjectDivisionRole',
    all: ['authorization:grant:delete'],
    scope: [subjectVisible, pathGrantDivision('authorization:grant:delete')],
  },
  'GET /api/v2/authorization/divisions': { doc: 'AuthorizationApi.md#getAuthorizationDivisions' },
  'GET /api/v2/authorization/divisions/home': { doc: 'AuthorizationApi.md#getAuthorizationDivisionsHome' },
  'GET /api/v2/authorization/divisions/{divisionId}': { doc: 'AuthorizationApi.md#getAuthorizationDivision' },
  'DELETE /api/v2/authorization/divisions/{divisionId}': { doc: 'AuthorizationApi.md#deleteAuthorizationDivision', any: ['authorization:division:delete'] },
  'POST /api/v2/authorization/divisions': { doc: 'AuthorizationApi.md#postAuthorizationDivisions', all: ['authorization:division:add', 'authorization:grant:add'] },
  'POST /api/v2/authorization/divisions/{divisionId}/objects/{objectType}': {
    doc: 'AuthorizationApi.md#postAuthorizationDivisionObject',
    stricter: 'The docs list no permission; the sandbox asks for the object type\'s edit permission (directory:user:edit, routing:queue:edit) in the division joined and in each division left.',
    scope: [moveDivisions],
  },
  'GET /api/v2/authorization/divisions/{divisionId}/grants': { doc: 'AuthorizationApi.md#getAuthorizationDivisionGrants', any: GRANT_VIEW },
  'GET /api/v2/authorization/roles': { doc: 'AuthorizationApi.md#getAuthorizationRoles', any: ['authorization:role:view'] },
  'GET /api/v2/authorization/roles/{roleId}': { doc: 'AuthorizationApi.md#getAuthorizationRole', any: ['authorization:role:view'] },
  'DELETE /api/v2/authorization/roles/{roleId}': { doc: 'AuthorizationApi.md#deleteAuthorizationRole', any: ['authorization:role:delete'] },
  'POST /api/v2/authorization/roles': { doc: 'AuthorizationApi.md#postAuthorizationRoles', any: ['authorization:role:add'] },

  // RoutingApi.md
  'GET /api/v2/routing/skills': { doc: 'RoutingApi.md#getRoutingSkills', any: ['routing:skill:view'] },
  'GET /api/v2/routing/skills/{skillId}': { doc: 'RoutingApi.md#getRoutingSkill', any: ['routing:skill:view'] },
  'POST /api/v2/routing/skills': { doc: 'RoutingApi.md#postRoutingSkills', any: ['routing:skill:manage', 'routing:skill:create'] },
  'GET /api/v2/routing/languages': { doc: 'RoutingApi.md#getRoutingLanguages' },
  'GET /api/v2/routing/languages/{languageId}': { doc: 'RoutingApi.md#getRoutingLanguage' },
  'POST /api/v2/routing/languages': { doc: 'RoutingApi.md#postRoutingLanguages', any: ['routing:skill:manage'] },
  'GET /api/v2/routing/utilization': { doc: 'RoutingApi.md#getRoutingUtilization', any: ['routing:utilization:manage', 'routing:utilization:view'] },
  'GET /api/v2/routing/users/{userId}/utilization': { doc: 'RoutingApi.md#getRoutingUserUtilization', any: ['routing:utilization:manage', 'routing:utilization:view'], scope: [userInDivision] },
  'PUT /api/v2/routing/users/{userId}/utilization': { doc: 'RoutingApi.md#putRoutingUserUtilization', any: ['routing:utilization:manage'], scope: [userInDivision] },
  'DELETE /api/v2/routing/users/{userId}/utilization': { doc: 'RoutingApi.md#deleteRoutingUserUtilization', any: ['routing:utilization:manage'], scope: [userInDivision] },
  'GET /api/v2/voicemail/userpolicies/{userId}': { doc: 'VoicemailApi.md#getVoicemailUserpolicy', any: ['telephony:plugin:all', 'voicemail:userPolicy:viewOther'], scope: [userInDivision] },
  'PATCH /api/v2/voicemail/userpolicies/{userId}': { doc: 'VoicemailApi.md#patchVoicemailUserpolicy', any: ['telephony:plugin:all', 'voicemail:userPolicy:viewOther'], scope: [userInDivision] },
  'GET /api/v2/routing/queues': { doc: 'RoutingApi.md#getRoutingQueues', any: ['routing:queue:view'] },
  'GET /api/v2/routing/queues/{queueId}': { doc: 'RoutingApi.md#getRoutingQueue', all: ['routing:queue:view'], scope: [queueInDivision] },
  'POST /api/v2/routing/queues': { doc: 'RoutingApi.md#postRoutingQueues', any: ['routing:queue:add'], scope: [createdInDivision('routing:queue:add')] },
  'PUT /api/v2/routing/queues/{queueId}': { doc: 'RoutingApi.md#putRoutingQueue', any: ['routing:queue:edit'], scope: [queueInDivision] },
  'GET /api/v2/routing/queues/{queueId}/members': { doc: 'RoutingApi.md#getRoutingQueueMembers', any: QUEUE_MEMBERS_VIEW, scope: [queueInDivision] },
  'POST /api/v2/routing/queues/{queueId}/members': { doc: 'RoutingApi.md#postRoutingQueueMembers', any: QUEUE_MEMBERS_EDIT, scope: [queueInDivision] },

  // GroupsApi.md
  'GET /api/v2/groups': { doc: 'GroupsApi.md#getGroups' },
  'POST /api/v2/groups': { doc: 'GroupsApi.md#postGroups', any: ['directory:group:add'] },
  'POST /api/v2/groups/search': { doc: 'GroupsApi.md#postGroupsSearch' },
  'GET /api/v2/groups/{groupId}': { doc: 'GroupsApi.md#getGroup' },
  'GET /api/v2/groups/{groupId}/members': { doc: 'GroupsApi.md#getGroupMembers' },
  'GET /api/v2/groups/{groupId}/individuals': { doc: 'GroupsApi.md#getGroupIndividuals' },
  'POST /api/v2/groups/{groupId}/members': { doc: 'GroupsApi.md#postGroupMembers', any: ['directory:group:edit'], stricter: GROUP_EDIT_NOTE },
  'DELETE /api/v2/groups/{groupId}/members': { doc: 'GroupsApi.md#deleteGroupMembers', any: ['directory:group:edit'], stricter: GROUP_EDIT_NOTE },

  // LocationsApi.md
  'GET /api/v2/locations': { doc: 'LocationsApi.md#getLocations' },
  'GET /api/v2/locations/{locationId}': { doc: 'LocationsApi.md#getLocation' },
  'POST /api/v2/locations': { doc: 'LocationsApi.md#postLocations', all: ['directory:location:add'] },
  'PATCH /api/v2/locations/{locationId}': { doc: 'LocationsApi.md#patchLocation', all: ['directory:location:edit'] },
  'POST /api/v2/locations/search': { doc: 'LocationsApi.md#postLocationsSearch' },

  // TelephonyProvidersEdgeApi.md
  'GET /api/v2/telephony/providers/edges/extensionpools': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesExtensionpools', all: ['telephony:extensionPool:view'] },
  'GET /api/v2/telephony/providers/edges/extensionpools/{extensionPoolId}': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesExtensionpool', all: ['telephony:extensionPool:view'] },
  'GET /api/v2/telephony/providers/edges/extensions': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesExtensions', any: ['telephony:extensionPool:view'] },
  'GET /api/v2/telephony/providers/edges/sites': {
    doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesSites',
    any: SITE_VIEW,
    stricter: 'The docs list no permission for the site listing; the sandbox asks what getTelephonyProvidersEdgesSite (one site) asks.',
  },
  'GET /api/v2/telephony/providers/edges/sites/{siteId}': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesSite', any: SITE_VIEW },
  'GET /api/v2/telephony/providers/edges/phonebasesettings': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhonebasesettings', any: ['telephony:plugin:all'] },
  'GET /api/v2/telephony/providers/edges/phonebasesettings/{phoneBaseId}': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhonebasesetting', any: ['telephony:plugin:all'] },
  'GET /api/v2/telephony/providers/edges/phones': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhones', any: ['telephony:plugin:all'] },
  'POST /api/v2/telephony/providers/edges/phones': { doc: 'TelephonyProvidersEdgeApi.md#postTelephonyProvidersEdgesPhones', any: ['telephony:plugin:all'] },
  'GET /api/v2/telephony/providers/edges/phones/{phoneId}': { doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhone', any: ['telephony:plugin:all'] },
  'PUT /api/v2/telephony/providers/edges/phones/{phoneId}': { doc: 'TelephonyProvidersEdgeApi.md#putTelephonyProvidersEdgesPhone', any: ['telephony:plugin:all'] },
  'DELETE /api/v2/telephony/providers/edges/phones/{phoneId}': { doc: 'TelephonyProvidersEdgeApi.md#deleteTelephonyProvidersEdgesPhone', any: ['telephony:plugin:all'] },

  // StationsApi.md (both "Requires NO permissions") and a user's station (UsersApi.md)
  'GET /api/v2/stations': { doc: 'StationsApi.md#getStations' },
  'GET /api/v2/stations/{stationId}': { doc: 'StationsApi.md#getStation' },
  'GET /api/v2/users/{userId}/station': { doc: 'UsersApi.md#getUserStation', any: ['telephony:otherStationAssociation:view'], scope: [userInDivision] },
  'PUT /api/v2/users/{userId}/station/defaultstation/{stationId}': { doc: 'UsersApi.md#putUserStationDefaultstationStationId', any: STATION_ASSIGN, scope: [userInDivision] },
  'DELETE /api/v2/users/{userId}/station/defaultstation': { doc: 'UsersApi.md#deleteUserStationDefaultstation', any: STATION_ASSIGN, scope: [userInDivision] },
};

/** `METHOD /path` with every path parameter written `{}`: route templates and docs paths compare equal whatever they call a parameter. */
export function routeKey(method: string, template: string): string {
  return `${method.toUpperCase()} ${template.replace(/\{[^}]*\}/g, '{}')}`;
}

const BY_KEY = new Map(Object.entries(ROUTE_PERMISSIONS).map(([key, value]) => {
  const [method, path] = key.split(' ') as [string, string];
  return [routeKey(method, path), value];
}));

/** The requirement of one route, or undefined when the table lacks it. */
export function routePermission(method: string, template: string): RoutePermission | undefined {
  return BY_KEY.get(routeKey(method, template));
}

/**
 * Permission mode's check of one request, before its handler runs: the endpoint's permissions in
 * any division (else the 403 Genesys sends), then the divisions of the objects it names.
 */
export function authorize(ctx: Ctx, template: string): void {
  const can = ctx.can;
  if (can === undefined) return;
  const route = routePermission(ctx.method, template);
  // Fail closed: a route without a declared requirement is a sandbox bug, not an open door.
  if (!route) throw new HttpError(500, 'internal.server.error', `The sandbox declares no permissions for ${ctx.method} ${template}.`);
  const missing = missingPermissions(route, (p) => can(p));
  if (missing) throw missing;
  for (const check of route.scope ?? []) check(ctx, route);
}
