// GroupsApi: groups, their members (versioned adds, removals of at most 50), and group search.
import type { Models } from 'purecloud-platform-client-v2';
import { invalidValue, nameConflict, notFound, tooMany, versionConflict } from '../errors.js';
import { freshId } from '../ids.js';
import type { NamedRec } from '../org.js';
import { listing, liveMembers, paging, parseExpand, queryList, renderGroup, renderUser } from '../render.js';
import { accepted, array, liveUser, lookupGet, lookupList, MAX_LIST, object, ok, stamp, str, type Answer, type Ctx, type Endpoint } from './http.js';
import { namedSearch } from './search.js';

function group(ctx: Ctx) {
  const g = ctx.org.groups.get(ctx.params[0] as string);
  if (!g) throw notFound('group', ctx.params[0]);
  return g;
}

function addGroupMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const g = group(ctx);
  const body = object(ctx.body, 'a members update') as Partial<Models.GroupMembersUpdate>;
  const ids = array(body.memberIds, 'a list in memberIds');
  if (ids.length > 50) throw tooMany('memberIds', 50);
  if (body.version === undefined || body.version === null) throw invalidValue('version', 'version is required: send the group\'s current version.');
  if (body.version !== g.version) throw versionConflict(g.version, Number(body.version));
  for (const id of ids) liveUser(org, String(id));
  for (const id of ids) g.members.add(String(id));
  g.version += 1;
  g.dateModified = stamp(org);
  org.changed();
  return accepted();
}

function removeGroupMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const g = group(ctx);
  const ids = queryList(ctx.query, 'ids');
  if (ids.length === 0) throw invalidValue('ids', 'ids is required.');
  if (ids.length > 50) throw tooMany('ids', 50);
  for (const id of ids) g.members.delete(id);
  g.version += 1;
  g.dateModified = stamp(org);
  org.changed();
  return accepted();
}

function groupMembers(ctx: Ctx): Answer {
  const g = group(ctx);
  const expand = parseExpand(queryList(ctx.query, 'expand'));
  const members = liveMembers(ctx.org, g.members).sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  const list = listing(members, paging(ctx.query, MAX_LIST), ctx.path, ctx.query);
  const body: Models.UserEntityListing = { ...list, entities: list.entities.map((u) => renderUser(ctx.org, u, expand)) };
  return ok(body);
}

function postGroup(ctx: Ctx): Answer {
  const { org } = ctx;
  const body = object(ctx.body, 'a group') as Partial<Models.GroupCreate>;
  const name = str(body.name, 'name', true) as string;
  if (org.groups.byExactName(name)) throw nameConflict('group', name);
  const type = body.type ?? 'official';
  if (type !== 'official' && type !== 'social') throw invalidValue('type', 'type must be official or social.');
  if (body.rolesEnabled !== undefined && typeof body.rolesEnabled !== 'boolean') throw invalidValue('rolesEnabled', 'rolesEnabled must be true or false.');
  const g = org.groups.add({ id: freshId(), name, description: body.description, version: 1, type, visibility: body.visibility ?? 'public', members: new Set(), dateModified: stamp(org) });
  if (body.rolesEnabled === false) g.rolesEnabled = false;
  org.changed();
  return ok(renderGroup(org, g) satisfies Models.Group);
}

const GROUP_FIELDS: Record<string, (g: NamedRec) => string[]> = { id: (g) => [g.id], name: (g) => [g.name] };

export const groupsEndpoints: Endpoint[] = [
  ['GET', '/api/v2/groups', lookupList((org) => org.groups.sorted(), renderGroup)],
  ['POST', '/api/v2/groups', postGroup],
  ['POST', '/api/v2/groups/search', namedSearch((org) => org.groups.sorted(), GROUP_FIELDS, renderGroup, 'groups')],
  ['GET', '/api/v2/groups/{id}', lookupGet((org, id) => org.groups.get(id), renderGroup, 'group')],
  ['GET', '/api/v2/groups/{id}/members', groupMembers],
  ['POST', '/api/v2/groups/{id}/members', addGroupMembers],
  ['DELETE', '/api/v2/groups/{id}/members', removeGroupMembers],
];
