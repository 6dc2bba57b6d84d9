// RoutingApi: skills, languages and queues, with queue members (pages of 100, no total, changes of at most 100).
import type { Models } from 'purecloud-platform-client-v2';
import { invalidValue, nameConflict, notFound, tooMany } from '../errors.js';
import { freshId } from '../ids.js';
import type { NamedRec, SandboxOrg } from '../org.js';
import { liveMembers, paging, renderQueue, renderUser } from '../render.js';
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

function queueMembers(ctx: Ctx): Answer {
  const { org } = ctx;
  const q = queue(ctx);
  const page = paging(ctx.query, 100);
  const members = liveMembers(org, q.members);
  const start = (page.pageNumber - 1) * page.pageSize;
  const entities = members.slice(start, start + page.pageSize).map((u): Models.QueueMember => ({
    id: u.id,
    name: u.name,
    user: renderUser(org, u, new Set()),
    ringNumber: 1,
    joined: true,
    memberBy: 'user',
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
  if (remove) for (const id of ids) q.members.delete(id);
  else {
    for (const id of ids) liveUser(org, id);
    for (const id of ids) q.members.add(id);
  }
  q.dateModified = stamp(org);
  org.changed();
  return noContent();
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

export const routingEndpoints: Endpoint[] = [
  ['GET', '/api/v2/routing/skills', lookupList((org) => org.skills.sorted(), renderSkill, { prefix: true })],
  ['GET', '/api/v2/routing/skills/{id}', lookupGet((org, id) => org.skills.get(id), renderSkill, 'skill')],
  ['POST', '/api/v2/routing/skills', postSkill],
  ['GET', '/api/v2/routing/languages', lookupList((org) => org.languages.sorted(), renderLanguage, { maxPageSize: MAX_SMALL_LIST })],
  ['GET', '/api/v2/routing/languages/{id}', lookupGet((org, id) => org.languages.get(id), renderLanguage, 'language')],
  ['POST', '/api/v2/routing/languages', postLanguage],
  ['GET', '/api/v2/routing/queues', lookupList((org) => org.queues.sorted(), renderQueue)],
  ['GET', '/api/v2/routing/queues/{id}', lookupGet((org, id) => org.queues.get(id), renderQueue, 'queue')],
  ['POST', '/api/v2/routing/queues', postQueue],
  ['GET', '/api/v2/routing/queues/{id}/members', queueMembers],
  ['POST', '/api/v2/routing/queues/{id}/members', postQueueMembers],
];
