// RoutingApi: skills, languages and queues, with queue members (pages of 100, no total, changes of at most 100), and per-user utilization.
import type { Models } from 'purecloud-platform-client-v2';
import { badRequest, invalidValue, nameConflict, notFound, tooMany } from '../errors.js';
import { freshId } from '../ids.js';
import type { MemberGroupRec, NamedRec, QueueRec, SandboxOrg, UserRec } from '../org.js';
import { paging, renderQueue, renderUser } from '../render.js';
import { inQueueThroughGroup, queueMembership } from '../through-groups.js';
import { sees } from './permissions.js';
import { array, liveUser, lookupGet, lookupList, MAX_SMALL_LIST, namedBody, noContent, object, ok, stamp, str, type Answer, type Ctx, type Endpoint } from './http.js';

const renderSkill = (_org: SandboxOrg, s: NamedRec & { version: number }): Models.RoutingSkill => ({ id: s.id, name: s.name, dateModified: s.dateModified, state: 'active', version: String(s.version), selfUri: `/api/v2/routing/skills/${s.id}` });
const renderLanguage = (_org: SandboxOrg, s: NamedRec & { version: number }): Models.Language => ({ id: s.id, name: s.name, dateModified: s.dateModified, state: 'active', version: String(s.version), selfUri: `/api/v2/routing/languages/${s.id}` });

function postSkill(ctx: Ctx): Answer {
  const { org } = ctx;
  const { name, description } = namedBody(ctx, 'skill');
  if (org.skills.byExactName(name)) throw nameConflict('skill', name);
  const skill = org.skills.add({ id: freshId(), name, description, version: 1, dateModified: stamp(org) });
  org.changed();
  return ok(renderSkill(org, skill));
}

function postLanguage(ctx: Ctx): Answer {
  const { org } = ctx;
  const { name, description } = namedBody(ctx, 'language');
  if (org.languages.byExactName(name)) throw nameConflict('language', name);
  const language = org.languages.add({ id: freshId(), name, description, version: 1, dateModified: stamp(org) });
  org.changed();
  return ok(renderLanguage(org, language));
}

// ---- queues ----------------------------------------------------------------------------------

function queue(ctx: Ctx) {
  const q = ctx.org.queues.get(ctx.params[0] as string);
  if (!q) throw notFound('queue', ctx.params[0]);
  return q;
}

/**
 * The members of a queue, 100 a page, each with `memberBy`: `user` for one added directly, `group` for
 * one there through a member group. `memberBy=user|group` filters (RoutingApi.md, getRoutingQueueMembers);
 * the group listing holds every member a group brings, those also added directly included.
 */
function queueMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const q = queue(ctx);
  const page = paging(ctx.query, 100);
  const filter = ctx.query.get('memberBy');
  if (filter !== null && filter !== 'user' && filter !== 'group') throw invalidValue('memberBy', `memberBy must be user or group, not ${filter}.`);
  const all = [...queueMembership(org, q).values()];
  const members =
    filter === 'user'
      ? all.filter((m) => m.memberBy === 'user')
      : filter === 'group'
        ? all.filter((m) => m.viaGroup).map((m) => ({ ...m, memberBy: 'group' as const }))
        : all;
  const start = (page.pageNumber - 1) * page.pageSize;
  const entities = members.slice(start, start + page.pageSize).map(({ user: u, memberBy }): Models.QueueMember => ({
    id: u.id,
    name: u.name,
    user: renderUser(org, u, new Set()),
    ringNumber: 1,
    joined: true,
    memberBy,
    selfUri: `/api/v2/routing/queues/${q.id}/members/${u.id}`,
  }));
  const uri = (n: number) => {
    const qs = new URLSearchParams(ctx.query);
    qs.set('pageSize', String(page.pageSize));
    qs.set('pageNumber', String(n));
    return `${ctx.path}?${qs.toString()}`;
  };
  // Like Genesys, this listing has no total: a reader pages until nextUri is gone.
  const body: Models.QueueMemberEntityListing = {
    entities,
    pageNumber: page.pageNumber,
    pageSize: page.pageSize,
    firstUri: uri(1),
    selfUri: uri(page.pageNumber),
    ...(start + page.pageSize < members.length ? { nextUri: uri(page.pageNumber + 1) } : {}),
    ...(page.pageNumber > 1 ? { previousUri: uri(page.pageNumber - 1) } : {}),
  };
  return ok(body);
}

function postQueueMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const q = queue(ctx);
  const list = array(ctx.body, 'a list of members');
  if (list.length > 100) throw tooMany('members', 100);
  const ids = list.map((raw, i) => {
    const id = (object(raw, 'a member') as Models.WritableEntity).id;
    if (typeof id !== 'string') throw invalidValue(`[${i}].id`, 'Each member needs an id.');
    return id;
  });
  const remove = ctx.query.get('delete') === 'true';
  // Removing someone who is only there through a group changes nothing (a retried removal must not fail).
  if (remove) for (const id of ids) q.members.delete(id);
  else {
    for (const id of ids) liveUser(org, id);
    refuseGroupMembers(org, q, ids);
    for (const id of ids) q.members.add(id);
  }
  q.dateModified = stamp(org);
  org.changed();
  return noContent();
}

/**
 * A user already in the queue through a member group cannot be added directly as well. Terraform
 * checks this itself before adding ("member … is already assigned to queue … via a group, and therefore
 * should not be assigned as a member", routing_queue/resource_genesyscloud_routing_queue_members.go);
 * the sandbox is stricter and refuses the whole request, so a client that tries it fails loudly.
 */
function refuseGroupMembers(org: SandboxOrg, q: QueueRec, ids: string[]): void {
  const refused = ids.filter((id) => !q.members.has(id) && inQueueThroughGroup(org, q, id));
  if (refused.length === 0) return;
  throw badRequest(`User ${refused[0]} is already assigned to queue ${q.name} via a group, and therefore cannot be added as a member.`, { userId: refused[0] as string, queueId: q.id });
}

const MEMBER_GROUP_TYPES = ['TEAM', 'GROUP', 'SKILLGROUP'];

/** `memberGroups` of a QueueRequest: types as Terraform's schema lists them; every id must exist (the sandbox has groups only). */
function memberGroupsBody(org: SandboxOrg, value: unknown): MemberGroupRec[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidValue('memberGroups', 'memberGroups must be a list.');
  const out: MemberGroupRec[] = [];
  value.forEach((raw, i) => {
    const field = `memberGroups[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidValue(field, `${field} must be an object with id and type.`);
    const m = raw as Partial<Models.MemberGroup>;
    if (typeof m.id !== 'string' || m.id === '') throw invalidValue(`${field}.id`, `${field}.id is required.`);
    if (typeof m.type !== 'string' || !MEMBER_GROUP_TYPES.includes(m.type)) throw invalidValue(`${field}.type`, `${field}.type must be one of ${MEMBER_GROUP_TYPES.join(', ')}.`);
    if (m.type !== 'GROUP' || !org.groups.get(m.id)) throw invalidValue(`${field}.id`, `The ${m.type.toLowerCase()} ${m.id} does not exist.`);
    if (out.some((x) => x.id === m.id)) throw invalidValue(`${field}.id`, `The group ${m.id} is listed twice.`);
    out.push({ type: 'GROUP', id: m.id });
  });
  return out;
}

/**
 * PUT /api/v2/routing/queues/{queueId} with a QueueRequest (RoutingApi.md, putRoutingQueue): the whole
 * queue, as Terraform sends it (routing_queue/resource_genesyscloud_routing_queue.go, updateRoutingQueue).
 * A PUT replaces: `memberGroups` left out means none. Settings the sandbox does not model are ignored.
 */
function putQueue(ctx: Ctx): Answer {
  const { org } = ctx;
  const q = queue(ctx);
  const body = object(ctx.body, 'a queue') as Partial<Models.QueueRequest>;
  const name = (str(body.name, 'name', true) as string).trim();
  const other = org.queues.byExactName(name);
  if (other && other.id !== q.id) throw nameConflict('queue', name);
  const description = str(body.description, 'description', false);
  const divisionId = body.division?.id ?? q.divisionId;
  if (!org.divisions.get(divisionId)) throw invalidValue('division', `Division ${divisionId} does not exist.`);
  const memberGroups = memberGroupsBody(org, body.memberGroups);
  if (name !== q.name) {
    org.queues.remove(q.id);
    q.name = name;
    org.queues.add(q);
  }
  q.description = description;
  q.divisionId = divisionId;
  if (memberGroups.length > 0) q.memberGroups = memberGroups;
  else delete q.memberGroups;
  q.dateModified = stamp(org);
  org.changed();
  return ok(renderQueue(org, q) satisfies Models.Queue);
}

function postQueue(ctx: Ctx): Answer {
  const { org } = ctx;
  const body = object(ctx.body, 'a queue') as Partial<Models.CreateQueueRequest>;
  const name = str(body.name, 'name', true) as string;
  if (org.queues.byExactName(name)) throw nameConflict('queue', name);
  const divisionId = body.division?.id ?? org.homeDivision().id;
  if (!org.divisions.get(divisionId)) throw invalidValue('division', `Division ${divisionId} does not exist.`);
  const q = org.queues.add({ id: freshId(), name, description: body.description, divisionId, members: new Set(), dateModified: stamp(org) });
  org.changed();
  return ok(renderQueue(org, q) satisfies Models.Queue);
}

// ---- utilization -----------------------------------------------------------------------------

/**
 * The media types a utilization may name, and that may interrupt one another: those Genesys's Terraform provider
 * manages (`utilizationMediaTypes`, genesyscloud/user/resource_genesyscloud_user_utils.go). Any other is refused.
 */
const MEDIA_TYPES = ['call', 'callback', 'chat', 'email', 'message'];

/** A media type's capacity: "Value must be between 0 and 25" (Terraform, resource_genesyscloud_user_schema.go). */
const MAX_CAPACITY = 25;

function mediaTypesOf(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw invalidValue(field, `${field} must be a list of media types.`);
  for (const m of value) if (typeof m !== 'string' || !MEDIA_TYPES.includes(m)) throw invalidValue(field, `${field}: unknown media type ${JSON.stringify(m)}; media types are ${MEDIA_TYPES.join(', ')}.`);
  return [...new Set(value as string[])];
}

function capacityOf(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_CAPACITY) throw invalidValue(field, `${field} must be a whole number from 0 to ${MAX_CAPACITY}.`);
  return value;
}

/** A PUT body's `utilization`: known media types only, each with its capacity in range. */
function mediaBody(value: unknown): Record<string, Models.MediaUtilization> {
  if (value === undefined || value === null) return {};
  const map = object(value, 'a map of media types');
  const out: Record<string, Models.MediaUtilization> = {};
  for (const [type, raw] of Object.entries(map)) {
    if (!MEDIA_TYPES.includes(type)) throw invalidValue('utilization', `Unknown media type ${JSON.stringify(type)}; media types are ${MEDIA_TYPES.join(', ')}.`);
    const item = object(raw, `the settings of ${type}`) as Models.MediaUtilization;
    const interruptable = item.interruptableMediaTypes === undefined ? [] : mediaTypesOf(item.interruptableMediaTypes, `utilization.${type}.interruptableMediaTypes`);
    if (item.includeNonAcd !== undefined && typeof item.includeNonAcd !== 'boolean') throw invalidValue(`utilization.${type}.includeNonAcd`, `utilization.${type}.includeNonAcd must be true or false.`);
    out[type] = { maximumCapacity: capacityOf(item.maximumCapacity, `utilization.${type}.maximumCapacity`), interruptableMediaTypes: interruptable, includeNonAcd: item.includeNonAcd ?? false };
  }
  return out;
}

/** Label utilizations are kept as sent (the sandbox has no labels to check them against), their shape checked. */
function labelsBody(value: unknown): Record<string, Models.LabelUtilizationRequest> | undefined {
  if (value === undefined || value === null) return undefined;
  const map = object(value, 'a map of label utilizations');
  const out: Record<string, Models.LabelUtilizationRequest> = {};
  for (const [id, raw] of Object.entries(map)) {
    const item = object(raw, `the settings of label ${id}`) as Models.LabelUtilizationRequest;
    const label: Models.LabelUtilizationRequest = { maximumCapacity: capacityOf(item.maximumCapacity, `labelUtilizations.${id}.maximumCapacity`) };
    if (item.interruptingLabelIds !== undefined) {
      if (!Array.isArray(item.interruptingLabelIds) || item.interruptingLabelIds.some((x) => typeof x !== 'string')) throw invalidValue(`labelUtilizations.${id}.interruptingLabelIds`, 'interruptingLabelIds must be a list of label ids.');
      label.interruptingLabelIds = [...item.interruptingLabelIds];
    }
    out[id] = label;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

const copyMedia = (map: Record<string, Models.MediaUtilization>): Record<string, Models.MediaUtilization> =>
  Object.fromEntries(Object.entries(map).map(([k, v]) => [k, { ...v, interruptableMediaTypes: [...(v.interruptableMediaTypes ?? [])] }]));

/**
 * "Get the user's max utilization settings. If not configured, the organization-wide default is returned"
 * (RoutingApi.md getRoutingUserUtilization): every media type, and `level` `Agent` for a user's own settings,
 * `Organization` for the default (Terraform's readUserRoutingUtilization tells them apart by it).
 */
function renderUtilization(org: SandboxOrg, user: UserRec): Models.AgentMaxUtilizationResponse {
  const own = user.utilization;
  if (!own) return { utilization: copyMedia(org.utilizationDefault), labelUtilizations: {}, level: 'Organization' };
  const labels = Object.fromEntries(Object.entries(own.labelUtilizations ?? {}).map(([id, l]) => [id, { ...l }]));
  return { utilization: copyMedia(own.utilization), labelUtilizations: labels, level: 'Agent' };
}

function getUserUtilization(ctx: Ctx): Answer {
  return ok(renderUtilization(ctx.org, liveUser(ctx.org, ctx.params[0] as string)));
}

/**
 * "Include only those media types requiring custom configuration. Any omitted media types will be set to the
 * organization's default values" (RoutingApi.md putRoutingUserUtilization): the whole value is replaced.
 */
function putUserUtilization(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const body = object(ctx.body, 'a utilization') as Models.UtilizationRequest;
  const media = { ...copyMedia(org.utilizationDefault), ...mediaBody(body.utilization) };
  const labels = labelsBody(body.labelUtilizations);
  user.utilization = labels ? { utilization: media, labelUtilizations: labels } : { utilization: media };
  org.changed();
  return ok(renderUtilization(org, user));
}

/** "Delete the user's max utilization settings and revert to the organization-wide default" (RoutingApi.md deleteRoutingUserUtilization). */
function deleteUserUtilization(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  delete user.utilization;
  ctx.org.changed();
  return noContent();
}

export const routingEndpoints: Endpoint[] = [
  ['GET', '/api/v2/routing/utilization', (ctx) => ok({ utilization: copyMedia(ctx.org.utilizationDefault), labelUtilizations: {} } satisfies Models.UtilizationResponse)],
  ['GET', '/api/v2/routing/users/{userId}/utilization', getUserUtilization],
  ['PUT', '/api/v2/routing/users/{userId}/utilization', putUserUtilization],
  ['DELETE', '/api/v2/routing/users/{userId}/utilization', deleteUserUtilization],
  ['GET', '/api/v2/routing/skills', lookupList((org) => org.skills.sorted(), renderSkill, { prefix: true })],
  ['GET', '/api/v2/routing/skills/{id}', lookupGet((org, id) => org.skills.get(id), renderSkill, 'skill')],
  ['POST', '/api/v2/routing/skills', postSkill],
  ['GET', '/api/v2/routing/languages', lookupList((org) => org.languages.sorted(), renderLanguage, { maxPageSize: MAX_SMALL_LIST })],
  ['GET', '/api/v2/routing/languages/{id}', lookupGet((org, id) => org.languages.get(id), renderLanguage, 'language')],
  ['POST', '/api/v2/routing/languages', postLanguage],
  ['GET', '/api/v2/routing/queues', lookupList((org, ctx) => org.queues.sorted().filter((q) => sees(ctx, 'routing:queue:view', q.divisionId)), renderQueue)],
  ['GET', '/api/v2/routing/queues/{id}', lookupGet((org, id) => org.queues.get(id), renderQueue, 'queue')],
  ['PUT', '/api/v2/routing/queues/{id}', putQueue],
  ['POST', '/api/v2/routing/queues', postQueue],
  ['GET', '/api/v2/routing/queues/{id}/members', queueMembers],
  ['POST', '/api/v2/routing/queues/{id}/members', postQueueMembers],
];
