// The Genesys Cloud permissions each OAuth client needs, per endpoint and managed field: plain data, no SDK.
import { USER_FIELDS } from '../model/index.js';
import type { UserField } from '../model/index.js';

/** The two OAuth clients: `plan` reads (pull requests, drift), `apply` reads and writes (merges). */
export type ClientRole = 'plan' | 'apply';

/** The user fields users/ can manage (the keys of `DesiredUser` that map to the org). */
export type ManagedField = UserField;

export const MANAGED_FIELDS: readonly ManagedField[] = USER_FIELDS;

/** One API call provision makes, and what Genesys Cloud asks of the caller for it. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  /** Why provision calls it. */
  purpose: string;
  /** Which client makes the call: reads are made by both (apply plans afresh), writes by apply only. */
  roles: ClientRole[];
  /** Fields whose management needs the call; `always` when every run makes it. */
  fields: ManagedField[] | 'always';
  /**
   * The permissions the API reference lists for the endpoint; holding any one of them is enough.
   * Empty when the reference lists none.
   */
  anyOf: string[];
  /** The one to grant: the narrowest of `anyOf`, or the one practice requires when the reference lists none. */
  grant?: string;
  /** What the reference leaves unsaid. */
  note?: string;
}

/**
 * The endpoints, with the permissions Genesys Cloud's API reference lists for each (the platform
 * SDKs' generated docs, "Requires ANY permissions"). Reads come first, then writes.
 */
export const ENDPOINTS: readonly Endpoint[] = [
  { method: 'GET', path: '/api/v2/organizations/me', purpose: 'name the org the plan targets', roles: ['plan', 'apply'], fields: 'always', anyOf: [] },
  {
    method: 'GET',
    path: '/api/v2/users',
    purpose: 'read active users with their expanded fields; inactive ones by id (declared, managers), or all of them for an export',
    roles: ['plan', 'apply'],
    fields: 'always',
    anyOf: [],
  },
  {
    method: 'POST',
    path: '/api/v2/users/search',
    purpose: 'find users by email (inactive and deleted users declared, managers who left, users created by an earlier run); inactive users per division for an export beyond 10,000',
    roles: ['plan', 'apply'],
    fields: 'always',
    anyOf: ['directory:user:view'],
    grant: 'directory:user:view',
  },
  {
    method: 'GET',
    path: '/api/v2/authorization/divisions',
    purpose: 'resolve division names (and the home division)',
    roles: ['plan', 'apply'],
    fields: 'always',
    anyOf: [],
  },
  {
    method: 'GET',
    path: '/api/v2/authorization/divisions/home',
    purpose: 'find the home division (where roles without a division are granted)',
    roles: ['plan', 'apply'],
    fields: 'always',
    anyOf: [],
  },
  { method: 'GET', path: '/api/v2/routing/skills', purpose: 'resolve skill names', roles: ['plan', 'apply'], fields: ['skills'], anyOf: [] },
  { method: 'GET', path: '/api/v2/routing/languages', purpose: 'resolve language names', roles: ['plan', 'apply'], fields: ['languages'], anyOf: [] },
  {
    method: 'GET',
    path: '/api/v2/routing/queues',
    purpose: 'resolve queue names',
    roles: ['plan', 'apply'],
    fields: ['queues'],
    anyOf: ['routing:queue:view'],
    grant: 'routing:queue:view',
  },
  {
    method: 'GET',
    path: '/api/v2/routing/queues/{queueId}/members',
    purpose: 'read the members of the queues users/ names',
    roles: ['plan', 'apply'],
    fields: ['queues'],
    anyOf: ['routing:queue:view', 'routing:queue:edit', 'routing:queue:readonly', 'routing:queueMember:manage'],
    grant: 'routing:queue:view',
  },
  { method: 'GET', path: '/api/v2/groups', purpose: 'resolve group names', roles: ['plan', 'apply'], fields: ['groups'], anyOf: [] },
  {
    method: 'GET',
    path: '/api/v2/authorization/roles',
    purpose: 'resolve role names',
    roles: ['plan', 'apply'],
    fields: ['roles'],
    anyOf: ['authorization:role:view'],
    grant: 'authorization:role:view',
  },
  {
    method: 'GET',
    path: '/api/v2/authorization/divisions/{divisionId}/grants',
    purpose: 'read the role grants of every user, one division at a time',
    roles: ['plan', 'apply'],
    fields: ['roles'],
    anyOf: ['authorization:grant:view'],
    grant: 'authorization:grant:view',
  },
  {
    method: 'GET',
    path: '/api/v2/authorization/subjects/{subjectId}',
    purpose: "read a user's role grants per division",
    roles: ['plan', 'apply'],
    fields: ['roles'],
    anyOf: ['authorization:grant:view'],
    grant: 'authorization:grant:view',
  },
  { method: 'GET', path: '/api/v2/locations', purpose: 'resolve location names', roles: ['plan', 'apply'], fields: ['locations'], anyOf: [] },
  {
    method: 'GET',
    path: '/api/v2/users/{userId}',
    purpose: 'read a deleted user to restore (state=deleted), a user again where Genesys left expansions out, or after a version conflict (409)',
    roles: ['plan', 'apply'],
    fields: 'always',
    anyOf: [],
  },
  {
    method: 'GET',
    path: '/api/v2/users/{userId}/routingskills',
    purpose: "read a user's skills where Genesys left them out of the users listing (expand is best effort)",
    roles: ['plan', 'apply'],
    fields: ['skills'],
    anyOf: [],
  },
  {
    method: 'GET',
    path: '/api/v2/users/{userId}/routinglanguages',
    purpose: "read a user's languages where Genesys left them out of the users listing (expand is best effort)",
    roles: ['plan', 'apply'],
    fields: ['languages'],
    anyOf: [],
  },
  {
    method: 'GET',
    path: '/api/v2/users/{userId}/profileskills',
    purpose: "read a user's profile skills where Genesys left them out of the users listing (expand is best effort)",
    roles: ['plan', 'apply'],
    fields: ['profileSkills'],
    anyOf: ['directory:userProfile:view'],
    grant: 'directory:userProfile:view',
  },
  {
    method: 'POST',
    path: '/api/v2/users',
    purpose: 'create the users declared in users/ that the org lacks',
    roles: ['apply'],
    fields: 'always',
    anyOf: ['directory:user:add'],
    grant: 'directory:user:add',
  },
  {
    method: 'PATCH',
    path: '/api/v2/users/{userId}',
    purpose: 'set profile fields, the manager, and the state (restore, deactivate)',
    roles: ['apply'],
    fields: 'always',
    anyOf: ['directory:user:edit'],
    grant: 'directory:user:edit',
  },
  {
    method: 'POST',
    path: '/api/v2/authorization/divisions/{divisionId}/objects/USER',
    purpose: 'move users to their division',
    roles: ['apply'],
    fields: ['division'],
    anyOf: [],
    grant: 'directory:user:edit',
    note: 'The API reference lists no permission for this call; the client must be able to edit the users it moves, so grant directory:user:edit in the divisions they leave and join.',
  },
  {
    method: 'POST',
    path: '/api/v2/authorization/subjects/{subjectId}/bulkadd',
    purpose: 'grant roles in divisions',
    roles: ['apply'],
    fields: ['roles'],
    anyOf: ['authorization:grant:add'],
    grant: 'authorization:grant:add',
  },
  {
    method: 'POST',
    path: '/api/v2/authorization/subjects/{subjectId}/bulkremove',
    purpose: 'revoke roles in divisions',
    roles: ['apply'],
    fields: ['roles'],
    anyOf: ['authorization:grant:delete'],
    grant: 'authorization:grant:delete',
  },
  {
    method: 'PATCH',
    path: '/api/v2/users/{userId}/routingskills/bulk',
    purpose: 'add skills or change their proficiency',
    roles: ['apply'],
    fields: ['skills'],
    anyOf: ['routing:skill:assign'],
    grant: 'routing:skill:assign',
  },
  {
    method: 'DELETE',
    path: '/api/v2/users/{userId}/routingskills/{skillId}',
    purpose: 'remove a skill',
    roles: ['apply'],
    fields: ['skills'],
    anyOf: ['routing:skill:assign'],
    grant: 'routing:skill:assign',
  },
  {
    method: 'PATCH',
    path: '/api/v2/users/{userId}/routinglanguages/bulk',
    purpose: 'add languages or change their proficiency',
    roles: ['apply'],
    fields: ['languages'],
    anyOf: ['routing:skill:assign', 'routing:language:assign'],
    grant: 'routing:language:assign',
  },
  {
    method: 'DELETE',
    path: '/api/v2/users/{userId}/routinglanguages/{languageId}',
    purpose: 'remove a language',
    roles: ['apply'],
    fields: ['languages'],
    anyOf: ['routing:skill:assign', 'routing:language:assign'],
    grant: 'routing:language:assign',
  },
  {
    method: 'GET',
    path: '/api/v2/groups/{groupId}',
    purpose: "read a group's version before changing its members",
    roles: ['apply'],
    fields: ['groups'],
    anyOf: [],
  },
  {
    method: 'POST',
    path: '/api/v2/groups/{groupId}/members',
    purpose: 'add members to a group',
    roles: ['apply'],
    fields: ['groups'],
    anyOf: [],
    grant: 'directory:group:edit',
    note: 'The API reference lists no permission for this call; grant directory:group:edit so the client may change the members of groups it does not own.',
  },
  {
    method: 'DELETE',
    path: '/api/v2/groups/{groupId}/members',
    purpose: 'remove members from a group',
    roles: ['apply'],
    fields: ['groups'],
    anyOf: [],
    grant: 'directory:group:edit',
    note: 'The API reference lists no permission for this call; grant directory:group:edit so the client may change the members of groups it does not own.',
  },
  {
    method: 'POST',
    path: '/api/v2/routing/queues/{queueId}/members',
    purpose: 'add members to a queue, or remove them (?delete=true)',
    roles: ['apply'],
    fields: ['queues'],
    anyOf: ['routing:queue:edit', 'routing:queueMember:manage'],
    grant: 'routing:queueMember:manage',
  },
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

/** The permissions `role` needs to manage `fields`, each with the endpoints that need it. */
export function permissionsFor(role: ClientRole, fields: Iterable<ManagedField>, endpoints: readonly Endpoint[] = ENDPOINTS): ClientPermissions {
  const managed = new Set(fields);
  const byPermission = new Map<string, Endpoint[]>();
  const unrestricted: Endpoint[] = [];
  for (const endpoint of endpoints) {
    if (!isUsed(endpoint, role, managed)) continue;
    if (!endpoint.grant) {
      unrestricted.push(endpoint);
      continue;
    }
    const list = byPermission.get(endpoint.grant) ?? [];
    list.push(endpoint);
    byPermission.set(endpoint.grant, list);
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
