// The Genesys Cloud permissions each OAuth client needs, per endpoint and managed field: plain data, no SDK.
import { USER_FIELDS } from '../model/index.js';
import type { UserField } from '../model/index.js';

/**
 * The OAuth clients: `plan` reads (pull requests, drift), `apply` reads and writes (merges; it plans
 * afresh), `export` reads every field it exports (usually with the plan client).
 */
export type ClientRole = 'plan' | 'apply' | 'export';

export const CLIENT_ROLES: readonly ClientRole[] = ['plan', 'apply', 'export'];

/** The user fields users/ can manage (the keys of `DesiredUser` that map to the org). */
export type ManagedField = UserField;

export const MANAGED_FIELDS: readonly ManagedField[] = USER_FIELDS;

/** How the SDK's generated docs list an endpoint's permissions: "Requires ANY / ALL / NO permissions". */
export type Listed = 'any' | 'all' | 'none';

/** One API call provision makes, and what Genesys Cloud asks of the caller for it. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** Why provision calls it. */
  purpose: string;
  /** Which clients make the call: reads are made by all (apply plans afresh), writes by apply only. */
  roles: ClientRole[];
  /** Fields whose management needs the call; `always` when every run makes it. */
  fields: ManagedField[] | 'always';
  /** Where the SDK's generated docs (`build/docs/<Api>.md`) document the call: `UsersApi.md#patchUser`. */
  doc: string;
  /** How the docs list `permissions`: one of them is enough (`any`), each is needed (`all`), or none is listed. */
  requires: Listed;
  /** The permissions the docs list for the call. */
  permissions: string[];
  /** The one to grant: the narrowest of `permissions`, or the one the API checks although the docs list none. */
  grant?: string;
  /** What the docs leave unsaid. */
  note?: string;
}

const READERS: ClientRole[] = ['plan', 'apply', 'export'];
const SEARCHERS: ClientRole[] = ['plan', 'apply'];
const WRITER: ClientRole[] = ['apply'];

const QUEUE_MEMBER_READ = ['routing:queue:view', 'routing:queue:edit', 'routing:queue:readonly', 'routing:queueMember:manage'];
const QUEUE_MEMBER_WRITE = ['routing:queue:edit', 'routing:queueMember:manage'];
const LANGUAGE_ASSIGN = ['routing:skill:assign', 'routing:language:assign'];
const GROUP_MEMBERS_NOTE = 'The API reference lists no permission for this call; grant directory:group:edit so the client may change the members of groups it does not own.';
const GRANT_READS: ManagedField[] = ['roles', 'state'];
const EXTENSION_NOTE =
  'The API reference says so in words (UsersApi patchUser): "Updating some fields, like a users extension, requires the telephony:extension:assign permission for the relevant division. Without it, the request will return 403 Forbidden." Creating a user with an extension needs it too.';

/**
 * The calls provision makes (src/genesys/reader.ts and writer.ts), each with the permissions the
 * SDK's generated docs list for it (`build/docs/*Api.md`, v259: "Requires ANY permissions" /
 * "Requires ALL permissions"). Reads come first, then writes. Every look-up is read on every run
 * (the reader resolves all names at once), so their permissions are needed whatever users/ manages.
 * Role grants are read when roles are managed, or when a deactivation must check the last holder
 * of an admin role (`state`, or `scope.prune`).
 */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/v2/organizations/me', purpose: 'name the org the plan targets', roles: READERS, fields: 'always', doc: 'OrganizationApi.md#getOrganizationsMe', requires: 'none', permissions: [] },
  {
    method: 'GET',
    path: '/api/v2/users',
    purpose: 'read active users with their expanded fields; inactive ones by id (declared, managers), or all of them for an export',
    roles: READERS,
    fields: 'always',
    doc: 'UsersApi.md#getUsers',
    requires: 'none',
    permissions: [],
    grant: 'directory:user:view',
    note: 'The API reference lists no permission, but users are division-aware: the listing holds only the users of divisions where the client has directory:user:view (the SDK docs of getUsersQuery: "directory:user:view permission for all divisions is required").',
  },
  { method: 'POST', path: '/api/v2/users/search', purpose: 'find users by email (deleted users to restore, users created by an earlier run)', roles: SEARCHERS, fields: 'always', doc: 'UsersApi.md#postUsersSearch', requires: 'any', permissions: ['directory:user:view'], grant: 'directory:user:view' },
  { method: 'GET', path: '/api/v2/users/{userId}', purpose: 'read one user (a deleted one to restore, or after a version conflict)', roles: SEARCHERS, fields: 'always', doc: 'UsersApi.md#getUser', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/users/{userId}/routingskills', purpose: "read a user's skills where the listing left them out", roles: READERS, fields: ['skills'], doc: 'UsersApi.md#getUserRoutingskills', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/users/{userId}/routinglanguages', purpose: "read a user's languages where the listing left them out", roles: READERS, fields: ['languages'], doc: 'UsersApi.md#getUserRoutinglanguages', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/users/{userId}/profileskills', purpose: "read a user's profile skills where the listing left them out", roles: READERS, fields: ['profileSkills'], doc: 'UsersApi.md#getUserProfileskills', requires: 'any', permissions: ['directory:userProfile:view'], grant: 'directory:userProfile:view' },
  { method: 'GET', path: '/api/v2/authorization/divisions', purpose: 'resolve division names (and the home division)', roles: READERS, fields: 'always', doc: 'AuthorizationApi.md#getAuthorizationDivisions', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/authorization/divisions/home', purpose: 'find the home division (where roles without a division are granted)', roles: READERS, fields: 'always', doc: 'AuthorizationApi.md#getAuthorizationDivisionsHome', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/routing/skills', purpose: 'resolve skill names', roles: READERS, fields: 'always', doc: 'RoutingApi.md#getRoutingSkills', requires: 'any', permissions: ['routing:skill:view'], grant: 'routing:skill:view' },
  { method: 'GET', path: '/api/v2/routing/languages', purpose: 'resolve language names', roles: READERS, fields: 'always', doc: 'RoutingApi.md#getRoutingLanguages', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/routing/queues', purpose: 'resolve queue names', roles: READERS, fields: 'always', doc: 'RoutingApi.md#getRoutingQueues', requires: 'any', permissions: ['routing:queue:view'], grant: 'routing:queue:view' },
  { method: 'GET', path: '/api/v2/routing/queues/{queueId}', purpose: 'read the groups that are members of a queue', roles: READERS, fields: ['queues'], doc: 'RoutingApi.md#getRoutingQueue', requires: 'all', permissions: ['routing:queue:view'], grant: 'routing:queue:view' },
  { method: 'GET', path: '/api/v2/routing/queues/{queueId}/members', purpose: 'read the members of queues', roles: READERS, fields: ['queues'], doc: 'RoutingApi.md#getRoutingQueueMembers', requires: 'any', permissions: QUEUE_MEMBER_READ, grant: 'routing:queue:view' },
  { method: 'GET', path: '/api/v2/groups', purpose: 'resolve group names', roles: READERS, fields: 'always', doc: 'GroupsApi.md#getGroups', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/groups/{groupId}/individuals', purpose: 'read the members of groups where the listing left them out', roles: READERS, fields: ['groups'], doc: 'GroupsApi.md#getGroupIndividuals', requires: 'none', permissions: [] },
  { method: 'GET', path: '/api/v2/authorization/roles', purpose: 'resolve role names', roles: READERS, fields: 'always', doc: 'AuthorizationApi.md#getAuthorizationRoles', requires: 'any', permissions: ['authorization:role:view'], grant: 'authorization:role:view' },
  { method: 'GET', path: '/api/v2/authorization/divisions/{divisionId}/grants', purpose: 'read the role grants of every user, one division at a time', roles: READERS, fields: GRANT_READS, doc: 'AuthorizationApi.md#getAuthorizationDivisionGrants', requires: 'any', permissions: ['authorization:grant:view'], grant: 'authorization:grant:view' },
  { method: 'GET', path: '/api/v2/authorization/subjects/{subjectId}', purpose: "read a user's role grants per division", roles: READERS, fields: GRANT_READS, doc: 'AuthorizationApi.md#getAuthorizationSubject', requires: 'any', permissions: ['authorization:grant:view'], grant: 'authorization:grant:view' },
  { method: 'GET', path: '/api/v2/locations', purpose: 'resolve location names', roles: READERS, fields: 'always', doc: 'LocationsApi.md#getLocations', requires: 'none', permissions: [] },
  {
    method: 'GET',
    path: '/api/v2/telephony/providers/edges/extensionpools',
    purpose: 'check extension-only phones against the extension pools (read only when some user declares one)',
    roles: SEARCHERS,
    fields: ['phones'],
    doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesExtensionpools',
    requires: 'all',
    permissions: ['telephony:extensionPool:view'],
    grant: 'telephony:extensionPool:view',
  },
  { method: 'GET', path: '/api/v2/routing/utilization', purpose: "read the org's utilization, which media types a user's answer merely copies", roles: READERS, fields: ['utilization'], doc: 'RoutingApi.md#getRoutingUtilization', requires: 'any', permissions: ['routing:utilization:manage', 'routing:utilization:view'], grant: 'routing:utilization:view' },
  { method: 'GET', path: '/api/v2/routing/users/{userId}/utilization', purpose: "read a user's utilization (one call per user that manages it: no listing has it)", roles: READERS, fields: ['utilization'], doc: 'RoutingApi.md#getRoutingUserUtilization', requires: 'any', permissions: ['routing:utilization:manage', 'routing:utilization:view'], grant: 'routing:utilization:view' },
  { method: 'GET', path: '/api/v2/voicemail/userpolicies/{userId}', purpose: "read a user's voicemail policy (one call per user that manages it: no listing has it)", roles: READERS, fields: ['voicemail'], doc: 'VoicemailApi.md#getVoicemailUserpolicy', requires: 'any', permissions: ['telephony:plugin:all', 'voicemail:userPolicy:viewOther'], grant: 'voicemail:userPolicy:viewOther' },
  { method: 'GET', path: '/api/v2/telephony/providers/edges/phones', purpose: "read the org's WebRTC phones, 100 a page, matched to users by webRtcUser (and a user's phone after a create of unknown outcome)", roles: READERS, fields: ['webrtcPhone'], doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhones', requires: 'any', permissions: ['telephony:plugin:all'], grant: 'telephony:plugin:all' },
  {
    method: 'GET',
    path: '/api/v2/telephony/providers/edges/sites',
    purpose: 'find the sites users files name, by name',
    roles: READERS,
    fields: ['webrtcPhone'],
    doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesSites',
    requires: 'none',
    permissions: [],
    grant: 'telephony:sites:view',
    note: 'The API reference lists no permission for the listing; reading one site (getTelephonyProvidersEdgesSite) asks for telephony:plugin:all or telephony:sites:view, so grant the narrower one.',
  },
  { method: 'GET', path: '/api/v2/telephony/providers/edges/phonebasesettings', purpose: 'find the phone base settings users files name, by name, with their lines', roles: READERS, fields: ['webrtcPhone'], doc: 'TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhonebasesettings', requires: 'any', permissions: ['telephony:plugin:all'], grant: 'telephony:plugin:all' },
  { method: 'GET', path: '/api/v2/users/{userId}/station', purpose: "read the default station of a user with a phone where the users listing's expand=station left it out", roles: READERS, fields: ['webrtcPhone'], doc: 'UsersApi.md#getUserStation', requires: 'any', permissions: ['telephony:otherStationAssociation:view'], grant: 'telephony:otherStationAssociation:view' },
  { method: 'POST', path: '/api/v2/users', purpose: 'create the users declared in users/ that the org lacks', roles: WRITER, fields: 'always', doc: 'UsersApi.md#postUsers', requires: 'any', permissions: ['directory:user:add'], grant: 'directory:user:add' },
  {
    method: 'PATCH',
    path: '/api/v2/users/{userId}',
    purpose: 'set profile fields, the manager, and the state (restore, deactivate)',
    roles: WRITER,
    fields: 'always',
    doc: 'UsersApi.md#patchUser',
    requires: 'any',
    permissions: ['admin', 'directory:user:edit', 'directory:organization:admin'],
    grant: 'directory:user:edit',
  },
  { method: 'PATCH', path: '/api/v2/users/bulk', purpose: 'set ACD auto-answer for many new users at once', roles: WRITER, fields: ['acdAutoAnswer'], doc: 'UsersApi.md#patchUsersBulk', requires: 'any', permissions: ['directory:user:edit', 'directory:organization:admin'], grant: 'directory:user:edit' },
  {
    method: 'PATCH',
    path: '/api/v2/users/{userId}',
    purpose: 'set phones with an extension, or other emails of a user who has one (phones and other emails are one addresses list, sent whole)',
    roles: WRITER,
    fields: ['phones', 'otherEmails'],
    doc: 'UsersApi.md#patchUser',
    requires: 'none',
    permissions: [],
    grant: 'telephony:extension:assign',
    note: EXTENSION_NOTE,
  },
  {
    method: 'POST',
    path: '/api/v2/users',
    purpose: 'create users with phones that have an extension',
    roles: WRITER,
    fields: ['phones'],
    doc: 'UsersApi.md#postUsers',
    requires: 'none',
    permissions: [],
    grant: 'telephony:extension:assign',
    note: EXTENSION_NOTE,
  },
  {
    method: 'POST',
    path: '/api/v2/authorization/divisions/{divisionId}/objects/USER',
    purpose: 'move users to their division',
    roles: WRITER,
    fields: ['division'],
    doc: 'AuthorizationApi.md#postAuthorizationDivisionObject',
    requires: 'none',
    permissions: [],
    grant: 'directory:user:edit',
    note: 'The API reference lists no permission for this call; the client must be able to edit the users it moves, so grant directory:user:edit in the divisions they leave and join.',
  },
  { method: 'POST', path: '/api/v2/authorization/subjects/{subjectId}/bulkadd', purpose: 'grant roles in divisions', roles: WRITER, fields: ['roles'], doc: 'AuthorizationApi.md#postAuthorizationSubjectBulkadd', requires: 'all', permissions: ['authorization:grant:add'], grant: 'authorization:grant:add' },
  { method: 'PUT', path: '/api/v2/authorization/roles/{roleId}/users/add', purpose: 'grant a role in the home division to many users', roles: WRITER, fields: ['roles'], doc: 'AuthorizationApi.md#putAuthorizationRoleUsersAdd', requires: 'all', permissions: ['authorization:grant:add'], grant: 'authorization:grant:add' },
  { method: 'POST', path: '/api/v2/authorization/subjects/{subjectId}/bulkremove', purpose: 'revoke roles in divisions', roles: WRITER, fields: ['roles'], doc: 'AuthorizationApi.md#postAuthorizationSubjectBulkremove', requires: 'all', permissions: ['authorization:grant:delete'], grant: 'authorization:grant:delete' },
  {
    method: 'DELETE',
    path: '/api/v2/authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}',
    purpose: 'revoke one grant (when a bulk revoke names a role or division that no longer exists)',
    roles: WRITER,
    fields: ['roles'],
    doc: 'AuthorizationApi.md#deleteAuthorizationSubjectDivisionRole',
    requires: 'all',
    permissions: ['authorization:grant:delete'],
    grant: 'authorization:grant:delete',
  },
  { method: 'PATCH', path: '/api/v2/users/{userId}/routingskills/bulk', purpose: 'add skills or change their proficiency', roles: WRITER, fields: ['skills'], doc: 'UsersApi.md#patchUserRoutingskillsBulk', requires: 'any', permissions: ['routing:skill:assign'], grant: 'routing:skill:assign' },
  { method: 'DELETE', path: '/api/v2/users/{userId}/routingskills/{skillId}', purpose: 'remove a skill', roles: WRITER, fields: ['skills'], doc: 'UsersApi.md#deleteUserRoutingskill', requires: 'all', permissions: ['routing:skill:assign'], grant: 'routing:skill:assign' },
  { method: 'PATCH', path: '/api/v2/users/{userId}/routinglanguages/bulk', purpose: 'add languages or change their proficiency', roles: WRITER, fields: ['languages'], doc: 'UsersApi.md#patchUserRoutinglanguagesBulk', requires: 'any', permissions: LANGUAGE_ASSIGN, grant: 'routing:language:assign' },
  { method: 'DELETE', path: '/api/v2/users/{userId}/routinglanguages/{languageId}', purpose: 'remove a language', roles: WRITER, fields: ['languages'], doc: 'UsersApi.md#deleteUserRoutinglanguage', requires: 'any', permissions: LANGUAGE_ASSIGN, grant: 'routing:language:assign' },
  { method: 'GET', path: '/api/v2/groups/{groupId}', purpose: "read a group's version before changing its members", roles: WRITER, fields: ['groups'], doc: 'GroupsApi.md#getGroup', requires: 'none', permissions: [] },
  { method: 'POST', path: '/api/v2/groups/{groupId}/members', purpose: 'add members to a group', roles: WRITER, fields: ['groups'], doc: 'GroupsApi.md#postGroupMembers', requires: 'none', permissions: [], grant: 'directory:group:edit', note: GROUP_MEMBERS_NOTE },
  { method: 'PUT', path: '/api/v2/routing/users/{userId}/utilization', purpose: "replace a user's utilization", roles: WRITER, fields: ['utilization'], doc: 'RoutingApi.md#putRoutingUserUtilization', requires: 'any', permissions: ['routing:utilization:manage'], grant: 'routing:utilization:manage' },
  { method: 'DELETE', path: '/api/v2/routing/users/{userId}/utilization', purpose: "reset a user's utilization to the org default", roles: WRITER, fields: ['utilization'], doc: 'RoutingApi.md#deleteRoutingUserUtilization', requires: 'any', permissions: ['routing:utilization:manage'], grant: 'routing:utilization:manage' },
  {
    method: 'PATCH',
    path: '/api/v2/voicemail/userpolicies/{userId}',
    purpose: "set a user's voicemail policy",
    roles: WRITER,
    fields: ['voicemail'],
    doc: 'VoicemailApi.md#patchVoicemailUserpolicy',
    requires: 'any',
    permissions: ['telephony:plugin:all', 'voicemail:userPolicy:viewOther'],
    // The API reference lists these view-named permissions for the write too; the narrower one is granted.
    grant: 'voicemail:userPolicy:viewOther',
  },
  { method: 'DELETE', path: '/api/v2/groups/{groupId}/members', purpose: 'remove members from a group', roles: WRITER, fields: ['groups'], doc: 'GroupsApi.md#deleteGroupMembers', requires: 'none', permissions: [], grant: 'directory:group:edit', note: GROUP_MEMBERS_NOTE },
  { method: 'POST', path: '/api/v2/routing/queues/{queueId}/members', purpose: 'add members to a queue, or remove them (?delete=true)', roles: WRITER, fields: ['queues'], doc: 'RoutingApi.md#postRoutingQueueMembers', requires: 'any', permissions: QUEUE_MEMBER_WRITE, grant: 'routing:queueMember:manage' },
  { method: 'POST', path: '/api/v2/telephony/providers/edges/phones', purpose: "create a user's WebRTC phone", roles: WRITER, fields: ['webrtcPhone'], doc: 'TelephonyProvidersEdgeApi.md#postTelephonyProvidersEdgesPhones', requires: 'any', permissions: ['telephony:plugin:all'], grant: 'telephony:plugin:all' },
  { method: 'PUT', path: '/api/v2/telephony/providers/edges/phones/{phoneId}', purpose: "move a user's WebRTC phone to another site or phone base", roles: WRITER, fields: ['webrtcPhone'], doc: 'TelephonyProvidersEdgeApi.md#putTelephonyProvidersEdgesPhone', requires: 'any', permissions: ['telephony:plugin:all'], grant: 'telephony:plugin:all' },
  { method: 'DELETE', path: '/api/v2/telephony/providers/edges/phones/{phoneId}', purpose: "delete a user's WebRTC phone (webrtcPhone: false)", roles: WRITER, fields: ['webrtcPhone'], doc: 'TelephonyProvidersEdgeApi.md#deleteTelephonyProvidersEdgesPhone', requires: 'any', permissions: ['telephony:plugin:all'], grant: 'telephony:plugin:all' },
  { method: 'GET', path: '/api/v2/stations', purpose: "find a new phone's station by its webRtcUserId", roles: WRITER, fields: ['webrtcPhone'], doc: 'StationsApi.md#getStations', requires: 'none', permissions: [] },
  { method: 'PUT', path: '/api/v2/users/{userId}/station/defaultstation/{stationId}', purpose: "make the phone's station the user's default station", roles: WRITER, fields: ['webrtcPhone'], doc: 'UsersApi.md#putUserStationDefaultstationStationId', requires: 'any', permissions: ['telephony:plugin:all', 'telephony:phone:assign'], grant: 'telephony:phone:assign' },
];

/** One permission to grant, with the calls that need it. */
export interface PermissionNeed {
  permission: string;
  endpoints: Endpoint[];
}

/** What one client needs for the fields in use. */
export interface ClientPermissions {
  role: ClientRole;
  /** Sorted by permission name. */
  permissions: PermissionNeed[];
  /** Calls the client makes that need no permission at all. */
  unrestricted: Endpoint[];
}

/** Whether `endpoint` is called by `role` when `fields` are managed. */
function isUsed(endpoint: Endpoint, role: ClientRole, fields: ReadonlySet<ManagedField>): boolean {
  if (!endpoint.roles.includes(role)) return false;
  if (endpoint.fields === 'always') return true;
  return endpoint.fields.some((field) => fields.has(field));
}

/** Whether a call accepts any one of several permissions (so another call's permission may already cover it). */
const hasChoice = (endpoint: Endpoint): boolean => endpoint.requires === 'any' && endpoint.permissions.length > 1;

/**
 * The permissions `role` needs to manage `fields`, each with the endpoints that need it: as few as
 * will do. A call that accepts any of several permissions is covered by one another call already
 * needs (language writes by `routing:skill:assign` when skills are managed too), else by its `grant`.
 */
export function permissionsFor(role: ClientRole, fields: Iterable<ManagedField>, endpoints: readonly Endpoint[] = ENDPOINTS): ClientPermissions {
  const managed = new Set(fields);
  const used = endpoints.filter((endpoint) => isUsed(endpoint, role, managed));
  const unrestricted = used.filter((endpoint) => !endpoint.grant);
  const chosen = new Set(used.filter((endpoint) => endpoint.grant && !hasChoice(endpoint)).map((endpoint) => endpoint.grant as string));
  const byPermission = new Map<string, Endpoint[]>();
  for (const endpoint of used) {
    if (!endpoint.grant) continue;
    const permission = hasChoice(endpoint) ? (endpoint.permissions.find((p) => chosen.has(p)) ?? endpoint.grant) : endpoint.grant;
    chosen.add(permission);
    const list = byPermission.get(permission) ?? [];
    list.push(endpoint);
    byPermission.set(permission, list);
  }
  const permissions = [...byPermission.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([permission, list]) => ({ permission, endpoints: list }));
  return { role, permissions, unrestricted };
}

/** Narrows a string to a managed field name. */
export function isManagedField(name: string): name is ManagedField {
  return (MANAGED_FIELDS as readonly string[]).includes(name);
}
