// TelephonyProvidersEdgeApi: extension pools, sites, phone base settings and phones (a WebRTC phone brings its station).
import type { Models } from 'purecloud-platform-client-v2';
import { badRequest, invalidValue, notFound, versionConflict } from '../errors.js';
import { freshId, stableId } from '../ids.js';
import { WEBRTC_META_BASE, type ExtensionPoolRec, type PhoneBaseRec, type PhoneRec, type SandboxOrg, type SiteRec } from '../org.js';
import { divisionRef, listing, nameFilter, paging, queryList } from '../render.js';
import { lookupGet, lookupList, MAX_SMALL_LIST, noContent, object, ok, stamp, str, type Answer, type Ctx, type Endpoint } from './http.js';

function renderPool(org: SandboxOrg, p: ExtensionPoolRec): Models.ExtensionPool {
  return {
    id: p.id,
    name: p.name,
    division: divisionRef(org.divisions.get(p.divisionId), p.divisionId),
    version: p.version,
    dateModified: p.dateModified,
    state: 'active',
    startNumber: p.startNumber,
    endNumber: p.endNumber,
    selfUri: `/api/v2/telephony/providers/edges/extensionpools/${p.id}`,
  };
}

const EDGES = '/api/v2/telephony/providers/edges';

/**
 * The `expand` or `fields` values asked for, each one of those the SDK docs list for the endpoint
 * (TelephonyProvidersEdgeApi.md, the parameter's **Values**); any other is refused with a 400.
 */
function listed(ctx: Ctx, param: 'expand' | 'fields', allowed: readonly string[]): Set<string> {
  const asked = queryList(ctx.query, param);
  const unknown = asked.find((v) => !allowed.includes(v));
  if (unknown !== undefined) throw badRequest(`${param} ${unknown} is not one of ${allowed.join(', ')}.`, { [param]: unknown });
  return new Set(asked);
}

const SITE_EXPAND = ['edges', 'location', 'primarySites', 'secondarySites'];
const PHONE_BASE_EXPAND = ['properties', 'lines'];
const PHONE_EXPAND = ['properties', 'site', 'status', 'status.primaryEdgesStatus', 'status.secondaryEdgesStatus', 'phoneBaseSettings', 'lines'];
const PHONE_FIELDS = ['webRtcUser', 'properties.*', 'lines.loggedInUser', 'lines.defaultForUser'];
const ref = (id: string, name: string | undefined, path: string): Models.DomainEntityRef => ({ id, name, selfUri: `${EDGES}/${path}/${id}` });

function renderSite(_org: SandboxOrg, s: SiteRec): Models.Site {
  return { id: s.id, name: s.name, description: s.description, version: s.version, dateModified: s.dateModified, state: 'active', managed: false, selfUri: `${EDGES}/sites/${s.id}` } as Models.Site;
}

/**
 * `PhoneBase` with its `lines` (line base settings), which the starting guide reads (`lines[0].id`).
 * The listing names `lines` among the values of `expand`, so the sandbox answers them in a listing
 * only when `expand=lines` asks for them, and always in a read by id.
 */
function renderPhoneBase(_org: SandboxOrg, b: PhoneBaseRec, withLines = true): Models.PhoneBase {
  return {
    id: b.id,
    name: b.name,
    description: b.description,
    version: b.version,
    dateModified: b.dateModified,
    state: 'active',
    phoneMetaBase: { id: b.phoneMetaBaseId, name: b.phoneMetaBaseId === WEBRTC_META_BASE ? 'PureCloud WebRTC Phone' : b.phoneMetaBaseId },
    ...(withLines ? { lines: b.lines.map((l) => ({ id: l.id, name: l.name, state: 'active', selfUri: `${EDGES}/linebasesettings/${l.id}` })) } : {}),
    selfUri: `${EDGES}/phonebasesettings/${b.id}`,
  } as Models.PhoneBase;
}

const phoneBaseList = lookupList((org) => org.phoneBases.sorted(), (org, b) => renderPhoneBase(org, b, false), { maxPageSize: MAX_SMALL_LIST });
const phoneBaseListWithLines = lookupList((org) => org.phoneBases.sorted(), (org, b) => renderPhoneBase(org, b, true), { maxPageSize: MAX_SMALL_LIST });

/** `GET …/phonebasesettings` (`name` filter; `expand` properties or lines). */
function listPhoneBases(ctx: Ctx): Answer {
  return listed(ctx, 'expand', PHONE_BASE_EXPAND).has('lines') ? phoneBaseListWithLines(ctx) : phoneBaseList(ctx);
}

/**
 * A phone. `webRtcUser` is among the values of the listing's `fields` ("Fields and properties to
 * get"), so a listing carries it only when `fields=webRtcUser` asks; a read by id always does.
 */
function renderPhone(org: SandboxOrg, p: PhoneRec, withWebRtcUser = true): Models.Phone {
  const base = org.phoneBases.get(p.phoneBaseId);
  const lineName = (id: string) => base?.lines.find((l) => l.id === id)?.name;
  const user = p.webRtcUserId === undefined ? undefined : org.getUser(p.webRtcUserId);
  return {
    id: p.id,
    name: p.name,
    version: p.version,
    dateModified: p.dateModified,
    state: 'active',
    site: ref(p.siteId, org.sites.get(p.siteId)?.name, 'sites'),
    phoneBaseSettings: { id: p.phoneBaseId, name: base?.name, selfUri: `${EDGES}/phonebasesettings/${p.phoneBaseId}` },
    lineBaseSettings: ref(p.lineBaseId, lineName(p.lineBaseId), 'linebasesettings'),
    phoneMetaBase: { id: p.phoneMetaBaseId, name: p.phoneMetaBaseId === WEBRTC_META_BASE ? 'PureCloud WebRTC Phone' : p.phoneMetaBaseId },
    lines: p.lines.map((l) => ({ id: l.id, name: l.name, state: 'active', site: ref(p.siteId, undefined, 'sites'), lineBaseSettings: ref(l.lineBaseId, lineName(l.lineBaseId), 'linebasesettings'), selfUri: `${EDGES}/lines/${l.id}` })),
    ...(p.webRtcUserId === undefined || !withWebRtcUser ? {} : { webRtcUser: { id: p.webRtcUserId, name: user?.name, selfUri: `/api/v2/users/${p.webRtcUserId}` } }),
    selfUri: `${EDGES}/phones/${p.id}`,
  };
}

/** The `id` of a `{ id }` reference in a phone body: required ones are a 400 when missing. */
function refId(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalidValue(field, `${field} is required.`);
    return undefined;
  }
  const id = object(value, `an object`).id;
  if (typeof id !== 'string' || id === '') throw invalidValue(`${field}.id`, `${field}.id is required.`);
  return id;
}

/**
 * A phone body checked as a create or a full update. The `Phone` model (the SDK's index.d.ts) requires
 * `name`, `site`, `phoneBaseSettings` and `lines`; the starting guide (developer-starting-guides,
 * user provisioning module 4, createWebRTCPhone) sends `lineBaseSettings` and `phoneMetaBase` too and
 * says the name "has to be a unique name". Where the real API's answer is not documented the sandbox
 * refuses with a 400: an unknown site or phone base, a line base not of that phone base, a meta base
 * other than the phone base's, a WebRTC phone without `webRtcUser` or a second one for the same user,
 * a duplicate name.
 */
function phoneFields(ctx: Ctx, self: PhoneRec | undefined): Omit<PhoneRec, 'id' | 'version' | 'dateModified' | 'station'> {
  const { org } = ctx;
  const body = object(ctx.body, 'a phone');
  const name = (str(body.name, 'name', true) as string).trim();
  const clash = org.phones.byExactName(name);
  if (clash && clash !== self) throw badRequest(`A phone named ${name} already exists; a phone's name must be unique.`, { name });
  const siteId = refId(body.site, 'site', true) as string;
  if (!org.sites.get(siteId)) throw badRequest(`The site ${siteId} does not exist.`, { siteId });
  const baseId = refId(body.phoneBaseSettings, 'phoneBaseSettings', true) as string;
  const base = org.phoneBases.get(baseId);
  if (!base) throw badRequest(`The phone base settings ${baseId} do not exist.`, { phoneBaseSettingsId: baseId });
  const ofBase = (id: string, field: string) => {
    if (!base.lines.some((l) => l.id === id)) throw badRequest(`${field} ${id} is not a line of the phone base settings ${base.name}.`, { lineBaseSettingsId: id });
    return id;
  };
  const metaBase = refId(body.phoneMetaBase, 'phoneMetaBase', false) ?? base.phoneMetaBaseId;
  if (metaBase !== base.phoneMetaBaseId) throw badRequest(`phoneMetaBase ${metaBase} is not the meta base of the phone base settings ${base.name} (${base.phoneMetaBaseId}).`);
  if (!Array.isArray(body.lines) || body.lines.length === 0) throw invalidValue('lines', 'lines is required: a phone needs at least one line.');
  const lines = body.lines.map((raw, i) => {
    const line = object(raw, 'a line');
    const lineName = (str(line.name, `lines[${i}].name`, true) as string).trim();
    const lineBaseId = ofBase(refId(line.lineBaseSettings, `lines[${i}].lineBaseSettings`, true) as string, `lines[${i}].lineBaseSettings`);
    const kept = self?.lines[i];
    return { id: typeof line.id === 'string' && line.id !== '' ? line.id : (kept?.id ?? freshId()), name: lineName, lineBaseId };
  });
  const lineBaseId = ofBase(refId(body.lineBaseSettings, 'lineBaseSettings', false) ?? (lines[0] as { lineBaseId: string }).lineBaseId, 'lineBaseSettings');
  const webRtcUserId = refId(body.webRtcUser, 'webRtcUser', false);
  if (metaBase === WEBRTC_META_BASE && webRtcUserId === undefined) throw invalidValue('webRtcUser', 'A WebRTC phone needs webRtcUser: the user it belongs to.');
  if (webRtcUserId !== undefined) {
    if (metaBase !== WEBRTC_META_BASE) throw badRequest(`webRtcUser is only for WebRTC phones (phoneMetaBase ${WEBRTC_META_BASE}).`);
    if (!org.getUser(webRtcUserId) || org.getUser(webRtcUserId)?.state === 'deleted') throw badRequest(`The webRtcUser ${webRtcUserId} does not exist.`, { webRtcUserId });
    if (self && self.webRtcUserId !== webRtcUserId) throw badRequest("A phone's webRtcUser cannot change; delete the phone and create another.");
    const other = [...org.phones.byId.values()].find((p) => p.webRtcUserId === webRtcUserId && p !== self);
    if (other) throw badRequest(`The user ${webRtcUserId} already has a WebRTC phone (${other.id}).`, { webRtcUserId });
  }
  return { name, siteId, phoneBaseId: baseId, lineBaseId, phoneMetaBaseId: metaBase, lines, ...(webRtcUserId === undefined ? {} : { webRtcUserId }) };
}

/** `POST /telephony/providers/edges/phones`: a WebRTC phone gets its station, found by `GET /stations` once `stationLagMs` has passed. */
function postPhone(ctx: Ctx): Answer {
  const { org } = ctx;
  const fields = phoneFields(ctx, undefined);
  const id = freshId();
  const station = fields.webRtcUserId === undefined ? undefined : { id: stableId(`station:${id}`), visibleAt: org.now() + org.stationLagMs };
  const phone = org.phones.add({ id, version: 1, dateModified: stamp(org), ...fields, ...(station ? { station } : {}) });
  org.changed();
  return ok(renderPhone(org, phone));
}

function phoneOf(ctx: Ctx): PhoneRec {
  const phone = ctx.org.phones.get(ctx.params[0] as string);
  if (!phone) throw notFound('phone', ctx.params[0]);
  return phone;
}

/** `PUT …/phones/{phoneId}`: the whole phone, at its current `version` (a stale or missing one is refused, as for other versioned objects). */
function putPhone(ctx: Ctx): Answer {
  const { org } = ctx;
  const phone = phoneOf(ctx);
  const version = object(ctx.body, 'a phone').version;
  if (typeof version !== 'number') throw invalidValue('version', 'version is required: the phone version being updated.');
  if (version !== phone.version) throw versionConflict(phone.version, version);
  const fields = phoneFields(ctx, phone);
  org.phones.remove(phone.id);
  const updated = org.phones.add({ ...phone, ...fields, version: phone.version + 1, dateModified: stamp(org) });
  org.changed();
  return ok(renderPhone(org, updated));
}

/** `DELETE …/phones/{phoneId}`: the phone's station goes with it, and so does any default station that was it. */
function deletePhone(ctx: Ctx): Answer {
  const { org } = ctx;
  const phone = phoneOf(ctx);
  org.phones.remove(phone.id);
  for (const [userId, stationId] of org.defaultStations) if (stationId === phone.station?.id) org.defaultStations.delete(userId);
  org.changed();
  return noContent();
}

/**
 * `GET …/phones` (TelephonyProvidersEdgeApi.md#getTelephonyProvidersEdgesPhones): default page 25,
 * filters `siteId`, `webRtcUserId`, `phoneBaseSettingsId` (sent as `site.id`, `webRtcUser.id` and
 * `phoneBaseSettings.id`: the SDK's generated client) and `name` (comma-separated, `*` wildcards).
 * The docs state no maximum page size; the sandbox holds phones to 100 a page, as Terraform reads them
 * (telephony_providers_edges_phone/genesyscloud_telephony_providers_edges_phone_proxy.go, getAllPhonesFn:
 * 100 a page, sorted by id, `expand` lines and properties, `fields` webRtcUser).
 * Filters the sandbox does not emulate (hardware, statuses, lines) are refused rather than ignored.
 */
function listPhones(ctx: Ctx): Answer {
  const { org, query } = ctx;
  for (const unsupported of ['lines.loggedInUser.id', 'lines.defaultForUser.id', 'phone_hardwareId', 'lines.id', 'lines.name', 'status.operationalStatus', 'secondaryStatus.operationalStatus']) {
    if (query.has(unsupported)) throw badRequest(`The sandbox does not filter phones by ${unsupported}.`);
  }
  listed(ctx, 'expand', PHONE_EXPAND);
  const sortBy = query.get('sortBy') ?? 'name';
  if (sortBy !== 'name' && sortBy !== 'id') throw badRequest(`The sandbox sorts phones by name or id, not ${sortBy}.`);
  const names = queryList(query, 'name').map((n) => nameFilter(n));
  const eq = (param: string, value: string | undefined) => {
    const want = query.get(param);
    return want === null || want === '' || want === value;
  };
  const found = org.phones
    .sorted()
    .filter((p) => (names.length === 0 || names.some((m) => m(p.name))) && eq('site.id', p.siteId) && eq('webRtcUser.id', p.webRtcUserId) && eq('phoneBaseSettings.id', p.phoneBaseId));
  const sorted = sortBy === 'id' ? [...found].sort((a, b) => (a.id < b.id ? -1 : 1)) : found;
  const list = listing(sorted, paging(query, MAX_SMALL_LIST), ctx.path, query, (query.get('sortOrder') ?? '').toUpperCase() === 'DESC');
  const withWebRtcUser = listed(ctx, 'fields', PHONE_FIELDS).has('webRtcUser');
  return ok({ ...list, entities: list.entities.map((p) => renderPhone(org, p, withWebRtcUser)) });
}

/** Sandbox sites are never managed (`Site.managed`): `managed=true` finds none. */
const siteList = lookupList((org, ctx) => (ctx.query.get('managed') === 'true' ? [] : org.sites.sorted()), renderSite, { maxPageSize: MAX_SMALL_LIST });

/** The site listing; its `location.id` filter is refused (sandbox sites have no location). */
function listSites(ctx: Ctx): Answer {
  listed(ctx, 'expand', SITE_EXPAND);
  if (ctx.query.has('location.id')) throw badRequest('The sandbox does not filter sites by location.id.');
  const managed = ctx.query.get('managed');
  if (managed !== null && managed !== 'true' && managed !== 'false') throw badRequest('managed must be true or false.');
  return siteList(ctx);
}

/**
 * Sites: `getTelephonyProvidersEdgesSites` (name filter, default page 25) and `…Site` by id. The docs
 * state no maximum page size; Terraform and the small listings read 100 a page, and so does the sandbox.
 * Phone base settings: `getTelephonyProvidersEdgesPhonebasesettings` (name filter) and `…Phonebasesetting`.
 */
export const telephonyEndpoints: Endpoint[] = [
  ['GET', `${EDGES}/extensionpools`, lookupList((org) => org.extensionPools.sorted(), renderPool, { maxPageSize: 100 })],
  ['GET', `${EDGES}/extensionpools/{id}`, lookupGet((org, id) => org.extensionPools.get(id), renderPool, 'extension pool')],
  ['GET', `${EDGES}/sites`, listSites],
  ['GET', `${EDGES}/sites/{siteId}`, lookupGet((org, id) => org.sites.get(id), renderSite, 'site')],
  ['GET', `${EDGES}/phonebasesettings`, listPhoneBases],
  ['GET', `${EDGES}/phonebasesettings/{phoneBaseId}`, lookupGet((org, id) => org.phoneBases.get(id), (org, b) => renderPhoneBase(org, b), 'phone base settings')],
  ['GET', `${EDGES}/phones`, listPhones],
  ['POST', `${EDGES}/phones`, postPhone],
  ['GET', `${EDGES}/phones/{phoneId}`, (ctx) => ok(renderPhone(ctx.org, phoneOf(ctx)))],
  ['PUT', `${EDGES}/phones/{phoneId}`, putPhone],
  ['DELETE', `${EDGES}/phones/{phoneId}`, deletePhone],
];
