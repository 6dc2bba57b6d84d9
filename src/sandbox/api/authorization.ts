// AuthorizationApi: subjects and their role grants, divisions (and moving objects into them), roles, and division grant listings.
import type { Models } from 'purecloud-platform-client-v2';
import { invalidValue, nameConflict, notFound, tooMany } from '../errors.js';
import { freshId } from '../ids.js';
import type { DivisionRec, GrantRec, RoleRec, SandboxOrg } from '../org.js';
import { listing, paging, renderDivision, renderRole } from '../render.js';
import { array, liveUser, lookupGet, lookupList, MAX_SMALL_LIST, namedBody, noContent, object, ok, stamp, type Answer, type Ctx, type Endpoint, type Handler } from './http.js';

function grantsBody(ctx: Ctx): GrantRec[] {
  const { org } = ctx;
  const subjectType = ctx.query.get('subjectType') ?? 'PC_USER';
  if (subjectType !== 'PC_USER') throw invalidValue('subjectType', `The sandbox supports subjectType PC_USER only, not ${subjectType}.`);
  const body = object(ctx.body, 'role division grants') as { grants?: unknown };
  const list = array(body.grants, 'a list in grants');
  return list.map((raw, i) => {
    const g = object(raw, 'a grant') as Partial<Models.RoleDivisionPair>;
    if (typeof g.roleId !== 'string' || !org.roles.get(g.roleId)) throw invalidValue(`grants[${i}].roleId`, `Role ${String(g.roleId)} does not exist.`);
    if (typeof g.divisionId !== 'string' || (g.divisionId !== '*' && !org.divisions.get(g.divisionId))) throw invalidValue(`grants[${i}].divisionId`, `Division ${String(g.divisionId)} does not exist.`);
    return { roleId: g.roleId, divisionId: g.divisionId };
  });
}

const sameGrant = (a: GrantRec, b: GrantRec) => a.roleId === b.roleId && a.divisionId === b.divisionId;

function subjectGrants(mode: 'replace' | 'add' | 'remove'): Handler {
  return (ctx) => {
    const user = liveUser(ctx.org, ctx.params[0] as string);
    const grants = grantsBody(ctx);
    ctx.org.updateUser(user.id, (u) => {
      if (mode === 'replace') u.grants = grants.filter((g, i) => grants.findIndex((h) => sameGrant(g, h)) === i);
      else if (mode === 'add') for (const g of grants) { if (!u.grants.some((h) => sameGrant(g, h))) u.grants.push(g); }
      else u.grants = u.grants.filter((h) => !grants.some((g) => sameGrant(g, h)));
    }, { bumpVersion: false });
    return noContent();
  };
}

function getSubject(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const body: Models.AuthzSubject = {
    id: user.id,
    name: user.name,
    grants: user.grants.map((g) => {
      const role = org.roles.get(g.roleId);
      const division = org.divisions.get(g.divisionId);
      return {
        subjectId: user.id,
        division: division ? renderDivision(org, division) : { id: g.divisionId, name: 'All divisions', description: '' },
        role: { id: g.roleId, name: role?.name, description: role?.description ?? '', default: false },
        grantMadeAt: user.dateModified,
      };
    }),
    version: 1,
    selfUri: `/api/v2/authorization/subjects/${user.id}`,
  };
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
  const list = listing(found, paging(ctx.query, 100), ctx.path, ctx.query);
  const body: Models.AuthzDivisionGrantEntityListing = { entities: list.entities, pageSize: list.pageSize, pageNumber: list.pageNumber, total: list.total, pageCount: list.pageCount };
  return ok(body);
}

function divisionGrantList(org: SandboxOrg, division: DivisionRec): Models.AuthzGrant[] {
  const divisionId = division.id;
  const found: Models.AuthzGrant[] = [];
  const users = org.listUsers('any').filter((u) => u.state !== 'deleted').sort((a, b) => (a.id < b.id ? -1 : 1));
  for (const user of users) {
    for (const g of user.grants) {
      if (g.divisionId !== divisionId && g.divisionId !== '*') continue;
      const role = org.roles.get(g.roleId);
      found.push({
        subjectId: user.id,
        division: g.divisionId === '*' ? { id: '*', name: 'All divisions', description: '' } : renderDivision(org, division),
        role: { id: g.roleId, name: role?.name, description: role?.description ?? '', default: false },
        grantMadeAt: user.dateModified,
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
  const division = org.divisions.add({ id: freshId(), name, description: description ?? '', home: false, dateModified: stamp(org) });
  org.changed();
  return ok(renderDivision(org, division) satisfies Models.AuthzDivision);
}

function postRole(ctx: Ctx): Answer {
  const { org } = ctx;
  const { name, description, body } = namedBody(ctx, 'role');
  if (org.roles.byExactName(name)) throw nameConflict('role', name);
  const permissions = body.permissions === undefined ? [] : array(body.permissions, 'a list of permissions').map(String);
  const role = org.roles.add({ id: freshId(), name, description, permissions, dateModified: stamp(org) });
  org.changed();
  return ok(renderRole(org, role) satisfies Models.DomainOrganizationRole);
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
  ['GET', '/api/v2/authorization/divisions', lookupList((org) => org.divisions.sorted(), renderDivision, { maxPageSize: MAX_SMALL_LIST })],
  ['GET', '/api/v2/authorization/divisions/home', (ctx) => ok(renderDivision(ctx.org, ctx.org.homeDivision()) satisfies Models.AuthzDivision)],
  ['GET', '/api/v2/authorization/divisions/{id}', lookupGet((org, id) => org.divisions.get(id), renderDivision, 'division')],
  ['POST', '/api/v2/authorization/divisions', postDivision],
  ['POST', '/api/v2/authorization/divisions/{id}/objects/{type}', moveObjects],
  ['GET', '/api/v2/authorization/divisions/{id}/grants', divisionGrants],
  ['GET', '/api/v2/authorization/roles', listRoles],
  ['GET', '/api/v2/authorization/roles/{id}', lookupGet((org, id) => org.roles.get(id), renderRole, 'role')],
  ['POST', '/api/v2/authorization/roles', postRole],
];
