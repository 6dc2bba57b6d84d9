// WebRTC phones and default stations: read in listings (phones, the users listing's `expand=station`), written as the user-provisioning starting guide does.
import type platformClient from 'purecloud-platform-client-v2';
import type { WebrtcPhoneSpec } from '../model/apply.js';
import { ApiError } from '../model/errors.js';
import type { Named, OrgUser, OrgWebrtcPhones, PhoneBaseRef } from '../model/org.js';
import { foldName } from '../rules/names.js';
import type { Apis } from './apis.js';
import { allPages } from './paging.js';

type Run = <T>(task: () => Promise<T>) => Promise<T>;
type Guard = <T>(what: string, run: () => Promise<T>) => Promise<T>;

/**
 * Phones, sites, phone bases and stations 100 a page: Terraform's phone proxy lists phones so
 * (genesyscloud/telephony_providers_edges_phone/genesyscloud_telephony_providers_edges_phone_proxy.go,
 * getAllPhonesFn and getStationOfUserFn); the SDK docs give no maximum.
 */
export const PHONE_PAGE_SIZE = 100;

/** The type of a WebRTC station (`Station.type`, StationsApi.md): the station a WebRTC phone brings. */
export const WEBRTC_STATION_TYPE = 'inin_webrtc_softphone';

/** The `expand` value of the users listing that carries `station.defaultStation` (UsersApi.md getUsers, **Values**). */
export const STATION_EXPAND = 'station';

/** The default station `expand=station` showed, null when it showed none, undefined when the expansion is missing. */
export function defaultStationOf(user: platformClient.Models.User): OrgUser['defaultStation'] {
  const stations = (user as { station?: platformClient.Models.UserStations }).station;
  if (stations === undefined) return undefined;
  const station = stations.defaultStation;
  return station?.id ? { id: station.id, webrtc: station.type === WEBRTC_STATION_TYPE } : null;
}

/**
 * The org's WebRTC phones onto their users, matched by `webRtcUser.id`: every phone, 100 a page, with
 * `fields=webRtcUser` (a listing carries `webRtcUser` only when asked, TelephonyProvidersEdgeApi.md
 * getTelephonyProvidersEdgesPhones, **fields**), as Terraform's getAllPhonesFn reads them. Sites and phone bases
 * are looked up once per name the users files give (`?name=`, phone bases with `expand=lines` for their first
 * line). A user with a phone whose default station the users listing did not show (the expansion is best effort, and
 * inactive users are read without it)
 * is asked for it alone (`GET /api/v2/users/{userId}/station`, UsersApi.md getUserStation).
 */
export async function readWebrtcPhones(apis: Apis, guard: Guard, run: Run, users: ReadonlyMap<string, OrgUser>, names: { sites: string[]; phoneBases: string[] }): Promise<OrgWebrtcPhones> {
  const phonesP = allPages(
    (pageNumber) => guard('list phones', () => apis.telephony.getTelephonyProvidersEdgesPhones({ pageSize: PHONE_PAGE_SIZE, pageNumber, sortBy: 'id', fields: ['webRtcUser'] })),
    run,
  );
  const unique = (list: string[]) => [...new Map(list.map((n) => [foldName(n), n.trim()])).values()];
  const sitesP = Promise.all(unique(names.sites).map((name) => run(() => guard('list sites', () => apis.telephony.getTelephonyProvidersEdgesSites({ name, pageSize: PHONE_PAGE_SIZE })))));
  const basesP = Promise.all(
    unique(names.phoneBases).map((name) => run(() => guard('list phone base settings', () => apis.telephony.getTelephonyProvidersEdgesPhonebasesettings({ name, pageSize: PHONE_PAGE_SIZE, expand: ['lines'] })))),
  );
  for (const early of [sitesP, basesP]) early.catch(() => undefined);
  const phones = await phonesP;
  const asked: OrgUser[] = [];
  for (const phone of phones) {
    const userId = phone.webRtcUser?.id;
    const user = userId === undefined ? undefined : users.get(userId);
    if (!user || !phone.id) continue;
    user.webrtcPhone = {
      id: phone.id,
      version: phone.version ?? 1,
      name: phone.name ?? '',
      site: { id: phone.site?.id ?? '', name: phone.site?.name ?? '' },
      phoneBase: { id: phone.phoneBaseSettings?.id ?? '', name: phone.phoneBaseSettings?.name ?? '' },
      defaultStation: user.defaultStation?.webrtc === true,
    };
    if (user.defaultStation === undefined && user.state !== 'deleted') asked.push(user);
  }
  await Promise.all(
    asked.map((user) =>
      run(async () => {
        try {
          const answer = await guard('read user station', () => apis.users.getUserStation(user.id));
          if (user.webrtcPhone) user.webrtcPhone.defaultStation = answer.defaultStation?.type === WEBRTC_STATION_TYPE;
        } catch (error) {
          if (!(error instanceof ApiError && error.status === 404)) throw error;
        }
      }),
    ),
  );
  const matching = <T extends { name?: string }>(pages: Array<{ entities?: T[] }>, wanted: string[]): T[] => {
    const keys = new Set(wanted.map(foldName));
    return pages.flatMap((p) => p.entities ?? []).filter((e) => e.name !== undefined && keys.has(foldName(e.name)));
  };
  const sites: Named[] = dedupe(matching(await sitesP, names.sites).map((s) => ({ id: s.id ?? '', name: s.name ?? '' })));
  const phoneBases: PhoneBaseRef[] = dedupe(
    matching(await basesP, names.phoneBases).map((b) => {
      const lineBaseId = b.lines?.[0]?.id;
      return { id: b.id ?? '', name: b.name ?? '', phoneMetaBaseId: b.phoneMetaBase?.id ?? '', ...(lineBaseId ? { lineBaseId } : {}) };
    }),
  );
  return { sites, phoneBases, phones: phones.length };
}

function dedupe<T extends Named>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.id, i])).values()];
}

/** The body of a create or PUT: the starting guide's createWebRTCPhone (site, phone base, first line's base settings, meta base, one line, webRtcUser). */
export function phoneBody(userId: string, spec: WebrtcPhoneSpec, version?: number): platformClient.Models.Phone {
  const body: platformClient.Models.Phone = {
    name: spec.name,
    site: { id: spec.siteId },
    phoneBaseSettings: { id: spec.phoneBaseId },
    lineBaseSettings: { id: spec.lineBaseId },
    phoneMetaBase: { id: spec.phoneMetaBaseId },
    lines: [{ name: spec.name, lineBaseSettings: { id: spec.lineBaseId } }],
    webRtcUser: { id: userId },
  };
  if (version !== undefined) body.version = version;
  return body;
}

/** The station of the user's WebRTC phone (`GET /api/v2/stations?webRtcUserId=`, StationsApi.md getStations). */
export async function findStation(apis: Apis, userId: string): Promise<string | undefined> {
  const page = await apis.stations.getStations({ webRtcUserId: userId, pageSize: PHONE_PAGE_SIZE });
  return page.entities?.find((s) => s.webRtcUserId === userId || s.webRtcUserId === undefined)?.id;
}

/** The user's WebRTC phone, found by `webRtcUser.id` (the listing's filter), for a create whose outcome is unknown. */
export async function findPhone(apis: Apis, userId: string): Promise<{ id: string; version: number; name: string } | undefined> {
  const page = await apis.telephony.getTelephonyProvidersEdgesPhones({ webRtcUserId: userId, pageSize: PHONE_PAGE_SIZE, fields: ['webRtcUser'] });
  const phone = page.entities?.find((p) => p.webRtcUser?.id === userId);
  return phone?.id ? { id: phone.id, version: phone.version ?? 1, name: phone.name ?? '' } : undefined;
}
