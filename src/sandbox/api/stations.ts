// StationsApi and a user's station (UsersApi): the stations WebRTC phones bring, and the default station a user logs into.
import type { Models } from 'purecloud-platform-client-v2';
import { badRequest, notFound } from '../errors.js';
import type { PhoneRec, SandboxOrg } from '../org.js';
import { listing, nameFilter, paging, queryList } from '../render.js';
import { liveUser, MAX_SMALL_LIST, noContent, ok, type Answer, type Ctx, type Endpoint } from './http.js';

type StationPhone = PhoneRec & { station: { id: string; visibleAt: number } };

const hasStation = (p: PhoneRec): p is StationPhone => p.station !== undefined;

/** The phone whose station this is, visible or not (a read by id does not wait for the index). */
function phoneOfStation(org: SandboxOrg, stationId: string): StationPhone | undefined {
  for (const p of org.phones.byId.values()) if (hasStation(p) && p.station.id === stationId) return p;
  return undefined;
}

function renderStation(org: SandboxOrg, p: StationPhone): Models.Station {
  const associated = [...org.defaultStations].some(([, id]) => id === p.station.id);
  return {
    id: p.station.id,
    name: p.name,
    status: associated ? 'ASSOCIATED' : 'AVAILABLE',
    webRtcUserId: p.webRtcUserId,
    type: 'inin_webrtc_softphone',
    lineAppearanceId: p.lines[0]?.id,
    webRtcPersistentEnabled: false,
    selfUri: `/api/v2/stations/${p.station.id}`,
  };
}

/**
 * `GET /api/v2/stations` (StationsApi.md#getStations: `pageSize` 25 by default, `pageNumber`, `sortBy`
 * name, `name`, `userSelectable`, `webRtcUserId`, `id` comma-separated; the SDK's client also sends `lineAppearanceId`). It reads a search index that a
 * new WebRTC phone's station reaches only later: the user-provisioning starting guide (module 4,
 * getStationByWebRtcUserId) retries 6 times a second apart. A station shows here once
 * `SandboxOrg.stationLagMs` has passed on the sandbox clock; Terraform's phone resource too treats an
 * empty answer as retryable (genesyscloud_telephony_providers_edges_phone_proxy.go, getStationOfUserFn,
 * which asks 100 a page). No maximum page size is documented; the sandbox holds it to 100. `userSelectable` must be true or false (every WebRTC station is selectable).
 */
function listStations(ctx: Ctx): Answer {
  const { org, query } = ctx;
  const selectable = query.get('userSelectable');
  if (selectable !== null && selectable !== 'true' && selectable !== 'false') throw badRequest('userSelectable must be true or false.');
  const sortBy = query.get('sortBy') ?? 'name';
  if (sortBy !== 'name') throw badRequest(`The sandbox sorts stations by name, not ${sortBy}.`);
  const match = nameFilter(query.get('name'));
  const ids = new Set(queryList(query, 'id'));
  const webRtcUserId = query.get('webRtcUserId');
  const lineAppearanceId = query.get('lineAppearanceId');
  const now = org.now();
  const found = org.phones
    .sorted()
    .filter(hasStation)
    .filter((p) => p.station.visibleAt <= now && selectable !== 'false' && match(p.name) && (ids.size === 0 || ids.has(p.station.id)) && (webRtcUserId === null || webRtcUserId === '' || p.webRtcUserId === webRtcUserId) && (lineAppearanceId === null || lineAppearanceId === '' || p.lines[0]?.id === lineAppearanceId));
  const list = listing(found, paging(query, MAX_SMALL_LIST), ctx.path, query);
  return ok({ ...list, entities: list.entities.map((p) => renderStation(org, p)) });
}

function getStation(ctx: Ctx): Answer {
  const phone = phoneOfStation(ctx.org, ctx.params[0] as string);
  if (!phone) throw notFound('station', ctx.params[0]);
  return ok(renderStation(ctx.org, phone));
}

function userStation(p: StationPhone, userId: string): Models.UserStation {
  return { id: p.station.id, name: p.name, type: 'inin_webrtc_softphone', defaultUser: { id: userId, selfUri: `/api/v2/users/${userId}` } as Models.User };
}

/**
 * `GET /api/v2/users/{userId}/station` (UsersApi.md#getUserStation → `UserStations`): the default
 * station; with no associated station in the sandbox (nobody logs in), the effective station is the default.
 */
function getUserStation(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const stationId = org.defaultStations.get(user.id);
  const phone = stationId === undefined ? undefined : phoneOfStation(org, stationId);
  if (!phone) return ok({} satisfies Models.UserStations);
  const station = userStation(phone, user.id);
  return ok({ defaultStation: station, effectiveStation: station } satisfies Models.UserStations);
}

/**
 * `PUT /api/v2/users/{userId}/station/defaultstation/{stationId}` (UsersApi.md#putUserStationDefaultstationStationId):
 * an unknown user or station is a 404. A WebRTC phone "will only ever be available to that user" (the
 * starting guide, module 4), so making another user's WebRTC station one's default is refused with a 400.
 */
function putDefaultStation(ctx: Ctx): Answer {
  const { org } = ctx;
  const user = liveUser(org, ctx.params[0] as string);
  const stationId = ctx.params[1] as string;
  const phone = phoneOfStation(org, stationId);
  if (!phone) throw notFound('station', stationId);
  if (phone.webRtcUserId !== user.id) throw badRequest(`The station ${stationId} is the WebRTC station of another user.`, { stationId });
  org.defaultStations.set(user.id, stationId);
  org.changed();
  return noContent();
}

/** `DELETE /api/v2/users/{userId}/station/defaultstation` (UsersApi.md#deleteUserStationDefaultstation). */
function deleteDefaultStation(ctx: Ctx): Answer {
  const user = liveUser(ctx.org, ctx.params[0] as string);
  ctx.org.defaultStations.delete(user.id);
  ctx.org.changed();
  return noContent();
}

export const stationsEndpoints: Endpoint[] = [
  ['GET', '/api/v2/stations', listStations],
  ['GET', '/api/v2/stations/{stationId}', getStation],
  ['GET', '/api/v2/users/{userId}/station', getUserStation],
  ['PUT', '/api/v2/users/{userId}/station/defaultstation/{stationId}', putDefaultStation],
  ['DELETE', '/api/v2/users/{userId}/station/defaultstation', deleteDefaultStation],
];
