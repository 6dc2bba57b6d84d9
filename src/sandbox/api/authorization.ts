// AuthorizationApi: subjects and their role grants, divisions (and moving objects into them), roles, and division grant listings.
import type { Models } from 'purecloud-platform-client-v2';
import { badRequest, invalidValue, nameConflict, notFound, tooMany } from '../errors.js';
import { freshId } from '../ids.js';
import type { DivisionRec, GrantRec, GroupRec, RoleRec, SandboxOrg, UserRec } from '../org.js';
import { deleteDivision, deleteRole, groupGrantsOf } from '../through-groups.js';
import { listing, paging, renderDivision, renderRole } from '../render.js';
import { array, liveUser, lookupGet, lookupList, MAX_SMALL_LIST, namedBody, noContent, object, ok, stamp, type Answer, type Ctx, type Endpoint, type Handler } from './http.js';

/** Who grants are made to: a user or a group (`subjectType` PC_USER, the default, or PC_GROUP). */
type Subject = { kind: 'user'; id: string; name: string; user: UserRec } | { kind: 'group'; id: string; name: string; group: GroupRec };

/**
 * The subject of `/authorization/subjects/{subjectId}`. With a `subjectType` (bulkadd, bulkreplace) the id
 * must be of that type; without one (bulkremove, GET, DELETE of a grant) it may be a user or a group.
 * AuthorizationApi.md lists PC_GROUP, PC_USER and PC_OAUTH_CLIENT; the sandbox has no OAuth client subjects.
 */
function subjectOf(ctx: Ctx, typed: boolean): Subject {
  const { org } = ctx;
  const id = ctx.params[0] as string;
  const type = typed ? (ctx.query.get('subjectType') ?? 'PC_USER') : undefined;
  if (type !== undefined && type !== 'PC_USER' && type !== 'PC_GROUP') {
    if (type === 'PC_OAUTH_CLIENT') throw invalidValue('subjectType', 'The sandbox has no OAuth client subjects.');
    throw invalidValue('subjectType', `subjectType must be PC_USER, PC_GROUP or PC_OAUTH_CLIENT, not ${type}.`);
  }
  if (type !== 'PC_GROUP') {
    const user = org.getUser(id);
    if (user && user.state !== 'deleted') return { kind: 'user', id, name: user.name, user };
    if (type === 'PC_USER') throw notFound('user', id);
  }
  const group = org.groups.get(id);
  if (group) return { kind: 'group', id, name: group.name, group };
  throw notFound(type === 'PC_GROUP' ? 'group' : 'subject', id);
}

/** Is this role or division still unknown to the authorization cache (the `auth-lag` fault)? */
function lagging(org: SandboxOrg, rec: { createdAt?: number }): boolean {
  return org.authLagMs > 0 && rec.createdAt !== undefined && org.now() - rec.createdAt < org.authLagMs;
}

/**
 * The grants of a bulk request. A role or division that does not exist answers 404, for bulkremove
 * too: "the bulk remove API returns failure if any roles/divisions no longer exist" (Terraform,
 * user_roles/genesyscloud_user_roles_proxy.go, which then removes grants one by one). Under `auth-lag`
 * a role or division created moments ago is not found by bulkadd/bulkreplace either ("new roles or
 * divisions have not yet been added to the auth service cache causing 404s that should be retried", same file).
 */
function grantsBody(ctx: Ctx, mode: 'replace' | 'add' | 'remove'): GrantRec[] {
  const { org } = ctx;
  const body = object(ctx.body, 'role division grants') as { grants?: unknown };
  const list = array(body.grants, 'a list in grants');
  return list.map((raw, i) => {
    const g = object(raw, 'a grant') as Partial<Models.RoleDivisionPair>;
    if (typeof g.roleId !== 'string' || g.roleId === '') throw invalidValue(`grants[${i}].roleId`, `grants[${i}].roleId is required.`);
    if (typeof g.divisionId !== 'string' || g.divisionId === '') throw invalidValue(`grants[${i}].divisionId`, `grants[${i}].divisionId is required.`);
    const role = org.roles.get(g.roleId);
    if (!role || (mode !== 'remove' && lagging(org, role))) throw notFound('role', g.roleId);
    if (g.divisionId !== '*') {
      const division = org.divisions.get(g.divisionId);
      if (!division || (mode !== 'remove' && lagging(org, division))) throw notFound('division', g.divisionId);
    }
    return { roleId: g.roleId, divisionId: g.divisionId };
  });
}

const sameGrant = (a: GrantRec, b: GrantRec) => a.roleId === b.roleId && a.divisionId === b.divisionId;

function changeGrants(current: GrantRec[], grants: GrantRec[], mode: 'replace' | 'add' | 'remove'): GrantRec[] {
  if (mode === 'replace') return grants.filter((g, i) => grants.findIndex((h) => sameGrant(g, h)) === i);
  if (mode === 'remove') return current.filter((h) => !grants.some((g) => sameGrant(g, h)));
  const out = [...current];
  for (const g of grants) if (!out.some((h) => sameGrant(g, h))) out.push(g);
  return out;
}

/**
 * bulkadd / bulkreplace / bulkremove for a user or a group. A replace sets the subject's own grants
 * only: "This operation will not remove grants that are inherited from group membership" (AuthorizationApi.md).
 */
function subjectGrants(mode: 'replace' | 'add' | 'remove'): Handler {
  return (ctx) => {
    const { org } = ctx;
    const subject = subjectOf(ctx, mode !== 'remove');
    const grants = grantsBody(ctx, mode);
    if (subject.kind === 'user') {
      org.updateUser(subject.id, (u) => (u.grants = changeGrants(u.grants, grants, mode)), { bumpVersion: false });
      return noContent();
    }
    const group = subject.group;
    // Terraform's group resource: roles_enabled "Allow roles to be assigned to this group" (group/resource_genesyscloud_group_schema.go).
    if (mode !== 'remove' && group.rolesEnabled === false && grants.length > 0) throw badRequest(`Roles are not enabled for the group ${group.name}.`, { groupId: group.id });
    group.grants = changeGrants(group.grants ?? [], grants, mode);
    group.dateModified = stamp(org);
    org.changed();
    return noContent();
  };
}

/** DELETE /authorization/subjects/{subjectId}/divisions/{divisionId}/roles/{roleId}: one grant; 404 when it is not there. */
function deleteSubjectGrant(ctx: Ctx): Answer {
  const { org } = ctx;
  const subject = subjectOf(ctx, false);
  const [, divisionId, roleId] = ctx.params as [string, string, string];
  if (!org.roles.get(roleId)) throw notFound('role', roleId);
  if (divisionId !== '*' && !org.divisions.get(divisionId)) throw notFound('division', divisionId);
  const grant = { roleId, divisionId };
  const current = subject.kind === 'user' ? subject.user.grants : (subject.group.grants ?? []);
  if (!current.some((g) => sameGrant(g, grant))) throw notFound('grant', `${roleId}@${divisionId}`);
  if (subject.kind === 'user') org.updateUser(subject.id, (u) => (u.grants = changeGrants(u.grants, [grant], 'remove')), { bumpVersion: false });
  else {
    subject.group.grants = changeGrants(current, [grant], 'remove');
    subject.group.dateModified = stamp(org);
    org.changed();
  }
  return noContent();
}

function renderGrant(org: SandboxOrg, g: GrantRec, subjectId: string, madeAt: string): Models.AuthzGrant {
  const role = org.roles.get(g.roleId);
  const division = org.divisions.get(g.divisionId);
  return {
    subjectId,
    division: division ? renderDivision(org, division) : { id: g.divisionId, name: 'All divisions', description: '' },
    role: { id: g.roleId, name: role?.name, description: role?.description ?? '', default: false },
    grantMadeAt: madeAt,
  };
}

/**
 * A subject's grants. For a user, the grants of their groups too, each with the group's `subjectId`
 * (Terraform keeps only grants whose subjectId is the user, user_roles/genesyscloud_user_roles_proxy.go).
 * Without `includeDuplicates=true` one grant per role and division is listed; the docs do not say whose
 * is kept when a user and a group hold the same one, and the sandbox keeps the group's (the stricter
 * reading: a reader that filters by subjectId must ask for duplicates to see the user's own).
 */
function getSubject(ctx: Ctx): Answer {
  const { org } = ctx;
  const subject = subjectOf(ctx, false);
  let grants: Models.AuthzGrant[];
  if (subject.kind === 'group') grants = (subject.group.grants ?? []).map((g) => renderGrant(org, g, subject.id, subject.group.dateModified));
  else {
    const own = subject.user.grants.map((g) => renderGrant(org, g, subject.id, subject.user.dateModified));
    const inherited = groupGrantsOf(org, subject.id).map((g) => renderGrant(org, g, g.groupId, org.groups.get(g.groupId)?.dateModified ?? subject.user.dateModified));
    if (ctx.query.get('includeDuplicates') === 'true') grants = [...own, ...inherited];
    else {
      const one = new Map<string, Models.AuthzGrant>();
      for (const g of own) one.set(`${g.role?.id} ${g.division?.id}`, g);
      for (const g of inherited) {
        const key = `${g.role?.id} ${g.division?.id}`;
        const seen = one.get(key);
        if (!seen || seen.subjectId === subject.id) one.set(key, g);
      }
      grants = [...one.values()];
    }
  }
  const body: Models.AuthzSubject = { id: subject.id, name: subject.name, grants, version: 1, selfUri: `/api/v2/authorization/subjects/${subject.id}` };
  return ok(body);
}

// ---- divisions -------------------------------------------------------------------------------

/** Each org's last division grant listing, at one revision: its pages are read one after the other. */
/** Each division's grants at one org revision: a reader pages through every division at once. */
const grantsCache = new WeakMap<SandboxOrg, { revision: number; byDivision: Map<string, Models.AuthzGrant[]> }>();

/** Every grant made in one division, users sorted by id; grants in all divisions (`*`) appear in every listing. */
function divisionGrants(ctx: Ctx): Answer {
  const { org } = ctx;
  const divisionId = ctx.params[0] as string;
  const division = org.divisions.get(divisionId);
  if (!division) throw notFound('division', divisionId);
  let cached = grantsCache.get(org);
  if (cached?.revision !== org.revision) grantsCache.set(org, (cached = { revision: org.revision, byDivision: new Map() }));
  const found = cached.byDivision.get(divisionId) ?? divisionGrantList(org, division);
  cached.byDivision.set(divisionId, found);
  // "Maximum page size is 500" (AuthorizationApi.getAuthorizationDivisionGrants).
  const list = listing(found, paging(ctx.query, 500), ctx.path, ctx.query);
  const body: Models.AuthzDivisionGrantEntityListing = { entities: list.entities, pageSize: list.pageSize, pageNumber: list.pageNumber, total: list.total, pageCount: list.pageCount };
  return ok(body);
}

/** The grants of one division, users' and groups' (a group's grant is one grant, with the group as its subject). */
function divisionGrantList(org: SandboxOrg, division: DivisionRec): Models.AuthzGrant[] {
  const divisionId = division.id;
  const found: Models.AuthzGrant[] = [];
  const subjects: Array<{ id: string; grants: GrantRec[]; madeAt: string }> = [];
  for (const user of org.listUsers('any')) if (user.state !== 'deleted' && user.grants.length > 0) subjects.push({ id: user.id, grants: user.grants, madeAt: user.dateModified });
  for (const group of org.groups.sorted()) if (group.grants && group.grants.length > 0) subjects.push({ id: group.id, grants: group.grants, madeAt: group.dateModified });
  subjects.sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const subject of subjects) {
    for (const g of subject.grants) {
      if (g.divisionId !== divisionId && g.divisionId !== '*') continue;
      const role = org.roles.get(g.roleId);
      found.push({
        subjectId: subject.id,
        division: g.divisionId === '*' ? { id: '*', name: 'All divisions', description: '' } : renderDivision(org, division),
        role: { id: g.roleId, name: role?.name, description: role?.description ?? '', default: false },
        grantMadeAt: subject.madeAt,
      });
    }
  }
  return found;
}

function moveObjects(ctx: Ctx): Answer {
  const { org } = ctx;
  const divisionId = ctx.params[0] as string;
  const type = (ctx.params[1] as string).toUpperCase();
  if (!org.divisions.get(divisionId)) throw notFound('division', divisionId);
  const ids = array(ctx.body, 'a list of object ids');
  if (ids.length > 50) throw tooMany('objectIds', 50);
  if (type === 'USER') {
    const users = ids.map((id) => liveUser(org, String(id)));
    for (const u of users) if (u.divisionId !== divisionId) org.updateUser(u.id, (x) => (x.divisionId = divisionId));
    return noContent();
  }
  if (type === 'QUEUE') {
    const queues = ids.map((id) => org.queues.get(String(id)) ?? (() => { throw notFound('queue', String(id)); })());
    for (const q of queues) q.divisionId = divisionId;
    org.changed();
    return noContent();
  }
  throw invalidValue('objectType', `The sandbox moves USER and QUEUE objects, not ${type}.`);
}

function postDivision(ctx: Ctx): Answer {
  const { org } = ctx;
  const { name, description } = namedBody(ctx, 'division');
  if (org.divisions.byExactName(name)) throw nameConflict('division', name);
  const division = org.divisions.add({ id: freshId(), name, description: description ?? '', home: false, dateModified: stamp(org), createdAt: org.now() });
  org.changed();
  return ok(renderDivision(org, division) satisfies Models.AuthzDivision);
}

function postRole(ctx: Ctx): Answer {
  const { org } = ctx;
  const { name, description, body } = namedBody(ctx, 'role');
  if (org.roles.byExactName(name)) throw nameConflict('role', name);
  const permissions = body.permissions === undefined ? [] : array(body.permissions, 'a list of permissions').map(String);
  const role = org.roles.add({ id: freshId(), name, description, permissions, dateModified: stamp(org), createdAt: org.now() });
  org.changed();
  return ok(renderRole(org, role) satisfies Models.DomainOrganizationRole);
}

/** DELETE /authorization/roles/{roleId}: the role and every grant of it. */
function deleteRoleHandler(ctx: Ctx): Answer {
  const id = ctx.params[0] as string;
  if (!ctx.org.roles.get(id)) throw notFound('role', id);
  deleteRole(ctx.org, id);
  return noContent();
}

/** DELETE /authorization/divisions/{divisionId}: only an empty division other than the home one; its grants go with it. */
function deleteDivisionHandler(ctx: Ctx): Answer {
  const { org } = ctx;
  const id = ctx.params[0] as string;
  const division = org.divisions.get(id);
  if (!division) throw notFound('division', id);
  if (division.id === org.homeDivision().id) throw badRequest('The home division cannot be deleted.');
  const holds = [...org.users.values()].some((u) => u.state !== 'deleted' && u.divisionId === id) || org.queues.sorted().some((q) => q.divisionId === id);
  if (holds) throw badRequest(`The division ${division.name} still holds objects: move them out first.`, { divisionId: id });
  deleteDivision(org, id);
  return noContent();
}

/** Users per role-users call. AuthorizationApi.md documents no limit; the sandbox holds callers to 50, the size of the API's other lists of user ids (division moves, group members). */
export const ROLE_USERS_LIMIT = 50;

/**
 * PUT /authorization/roles/{roleId}/users/add | remove (`putAuthorizationRoleUsersAdd` / `…Remove`): the body is a
 * list of user ids and the answer the list of user ids (AuthorizationApi.md: body `[String]` "List of user IDs",
 * return type `['String']`). The grant is made in, or taken from, the org's home division, as `PUT /users/{id}/roles`
 * grants. The docs name no error beyond the usual: a role not found (or, under `auth-lag`, one created moments ago)
 * answers 404, and so does any id that is no user or a deleted one, before anything is changed (all or nothing).
 */
function roleUsers(mode: 'add' | 'remove'): Handler {
  return (ctx) => {
    const { org } = ctx;
    const roleId = ctx.params[0] as string;
    const role = org.roles.get(roleId);
    if (!role || (mode === 'add' && lagging(org, role))) throw notFound('role', roleId);
    const ids = array(ctx.body, 'a list of user ids');
    if (ids.length > ROLE_USERS_LIMIT) throw tooMany('userIds', ROLE_USERS_LIMIT);
    const users = ids.map((id) => {
      if (typeof id !== 'string' || id === '') throw invalidValue('body', 'Each entry must be a user id.');
      return liveUser(org, id);
    });
    const grant = { roleId, divisionId: org.homeDivision().id };
    const done = new Set<string>();
    for (const user of users) {
      if (done.has(user.id)) continue;
      done.add(user.id);
      org.updateUser(user.id, (u) => (u.grants = changeGrants(u.grants, [grant], mode)), { bumpVersion: false });
    }
    return ok([...done]);
  };
}

const rolesWithCount = lookupList((org) => org.roles.sorted(), (org, r: RoleRec) => renderRole(org, r), { maxPageSize: MAX_SMALL_LIST });
const rolesWithoutCount = lookupList((org) => org.roles.sorted(), (org, r: RoleRec) => renderRole(org, r, false), { maxPageSize: MAX_SMALL_LIST });

/** The roles listing; `userCount=false` (as Terraform reads it) leaves out each role's user count, which costs a scan of every user. */
function listRoles(ctx: Ctx): Answer {
  return (ctx.query.get('userCount') === 'false' ? rolesWithoutCount : rolesWithCount)(ctx);
}

export const authorizationEndpoints: Endpoint[] = [
  ['GET', '/api/v2/authorization/subjects/{id}', getSubject],
  ['POST', '/api/v2/authorization/subjects/{id}/bulkreplace', subjectGrants('replace')],
  ['POST', '/api/v2/authorization/subjects/{id}/bulkadd', subjectGrants('add')],
  ['POST', '/api/v2/authorization/subjects/{id}/bulkremove', subjectGrants('remove')],
  ['DELETE', '/api/v2/authorization/subjects/{id}/divisions/{divisionId}/roles/{roleId}', deleteSubjectGrant],
  ['GET', '/api/v2/authorization/divisions', lookupList((org) => org.divisions.sorted(), renderDivision, { maxPageSize: MAX_SMALL_LIST })],
  ['GET', '/api/v2/authorization/divisions/home', (ctx) => ok(renderDivision(ctx.org, ctx.org.homeDivision()) satisfies Models.AuthzDivision)],
  ['GET', '/api/v2/authorization/divisions/{id}', lookupGet((org, id) => org.divisions.get(id), renderDivision, 'division')],
  ['POST', '/api/v2/authorization/divisions', postDivision],
  ['DELETE', '/api/v2/authorization/divisions/{id}', deleteDivisionHandler],
  ['POST', '/api/v2/authorization/divisions/{id}/objects/{type}', moveObjects],
  ['GET', '/api/v2/authorization/divisions/{id}/grants', divisionGrants],
  ['GET', '/api/v2/authorization/roles', listRoles],
  ['GET', '/api/v2/authorization/roles/{id}', lookupGet((org, id) => org.roles.get(id), renderRole, 'role')],
  ['POST', '/api/v2/authorization/roles', postRole],
  ['DELETE', '/api/v2/authorization/roles/{id}', deleteRoleHandler],
  ['PUT', '/api/v2/authorization/roles/{id}/users/add', roleUsers('add')],
  ['PUT', '/api/v2/authorization/roles/{id}/users/remove', roleUsers('remove')],
];
