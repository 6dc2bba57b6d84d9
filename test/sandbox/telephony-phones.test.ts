// Conformance: sites, phone base settings, WebRTC phones, their lagging stations and a user's default station, through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import platformClient from 'purecloud-platform-client-v2';
import type { Models } from 'purecloud-platform-client-v2';
import type { RunningSandbox, SandboxClient, SeedOrg } from '../../src/sandbox/index.js';
import { orgFromSeed, seedFromOrg } from '../../src/sandbox/org.js';
import { demoSeed } from '../../src/sandbox/demo.js';
import { ManualClock } from '../support/clock.js';
import { rejection, sdkClientFor, type SdkApis } from '../support/sdk.js';
import { withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;

const seed: SeedOrg = {
  org: { name: 'Phones' },
  divisions: [{ name: 'Home', home: true }],
  sites: ['Indianapolis', 'Raleigh'],
  phoneBases: [{ name: 'WebRTC Base' }, { name: 'Desk Phones', phoneMetaBase: 'generic_sip.json', lines: ['Desk line'] }],
  users: [{ email: 'ana@acme.com', name: 'Ana' }, { email: 'bo@acme.com', name: 'Bo' }],
};

async function lookups(sdk: SdkApis) {
  const sites = await sdk.telephony.getTelephonyProvidersEdgesSites({ name: 'Indianapolis' });
  const bases = await sdk.telephony.getTelephonyProvidersEdgesPhonebasesettings({ name: 'WebRTC Base' });
  const site = sites.entities?.[0] as Models.Site;
  const base = await sdk.telephony.getTelephonyProvidersEdgesPhonebasesetting(bases.entities?.[0]?.id as string);
  return { site, base, line: base.lines[0] as Models.LineBase };
}

/** The starting guide's WebRTC phone body (createWebRTCPhone), for one user. */
function webRtcPhone(user: string, site: Models.Site, base: Models.PhoneBase, line: Models.LineBase): Body {
  return {
    name: `${user}_WEBRTC_PHONE`,
    state: 'active',
    site: { id: site.id },
    phoneBaseSettings: { id: base.id },
    lineBaseSettings: { id: line.id },
    phoneMetaBase: { id: 'inin_webrtc_softphone.json', name: 'PureCloud WebRTC Phone' },
    lines: [{ name: line.name, lineBaseSettings: { id: line.id } }],
    webRtcUser: { id: user },
  };
}

const status = async (promise: Promise<unknown>): Promise<number> => ((await rejection(promise)) as Body).status as number;

test('sites and phone bases are found by name; a phone base has its lines and the WebRTC meta base', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const { site, base, line } = await lookups(sdk);
    assert.equal(site.name, 'Indianapolis');
    assert.equal(base.name, 'WebRTC Base');
    assert.equal(base.phoneMetaBase.id, 'inin_webrtc_softphone.json');
    assert.equal(line.name, 'WebRTC Base_1');
    const bases = await sdk.telephony.getTelephonyProvidersEdgesPhonebasesettings({ name: 'WebRTC Base' });
    assert.equal(bases.entities?.[0]?.lines, undefined, 'a listing has lines only with expand=lines');
    const expanded = await sdk.telephony.getTelephonyProvidersEdgesPhonebasesettings({ name: 'WebRTC Base', expand: ['lines'] });
    assert.equal(expanded.entities?.[0]?.lines[0]?.id, line.id);
    const all = await sdk.telephony.getTelephonyProvidersEdgesSites({ pageSize: 1 });
    assert.equal(all.total, 2);
    assert.equal(all.entities?.length, 1);
    assert.equal((await sdk.telephony.getTelephonyProvidersEdgesSites({ name: 'Nowhere' })).total, 0);
    assert.equal((await sdk.telephony.getTelephonyProvidersEdgesSite(site.id as string)).name, 'Indianapolis');
    assert.equal(await status(sdk.telephony.getTelephonyProvidersEdgesPhonebasesetting('no-such-base')), 404);
  });
});

test('a WebRTC phone is created and listed by webRtcUserId; its station appears only after the lag; it becomes the default station; deleting the phone clears it', async () => {
  const clock = new ManualClock();
  await withSandbox({ seed, clock, stationLagMs: 3000 }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const stations = new platformClient.StationsApi(sdk.client);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const { site, base, line } = await lookups(sdk);
    const phone = await sdk.telephony.postTelephonyProvidersEdgesPhones(webRtcPhone(ana.id, site, base, line) as unknown as Models.Phone);
    assert.equal(phone.webRtcUser?.id, ana.id);
    assert.equal(phone.site.id, site.id);
    assert.equal(phone.lines[0]?.lineBaseSettings?.id, line.id);

    const listed = await sdk.telephony.getTelephonyProvidersEdgesPhones({ webRtcUserId: ana.id });
    assert.deepEqual(listed.entities?.map((p) => p.id), [phone.id]);
    assert.equal(listed.entities?.[0]?.webRtcUser, undefined, 'webRtcUser only when fields asks for it');
    const withUser = await sdk.telephony.getTelephonyProvidersEdgesPhones({ fields: ['webRtcUser'], pageSize: 100 });
    assert.equal(withUser.entities?.[0]?.webRtcUser?.id, ana.id);
    assert.equal(await status(sdk.telephony.getTelephonyProvidersEdgesPhones({ fields: ['nonsense'] })), 400);
    assert.equal((await sdk.telephony.getTelephonyProvidersEdgesPhones({ webRtcUserId: 'someone-else' })).total, 0);
    assert.equal((await sdk.telephony.getTelephonyProvidersEdgesPhone(phone.id as string)).name, phone.name);

    assert.equal((await stations.getStations({ webRtcUserId: ana.id })).total, 0, 'not indexed yet');
    await clock.advance(2999);
    assert.equal((await stations.getStations({ webRtcUserId: ana.id })).total, 0, 'still not indexed');
    await clock.advance(1);
    const found = await stations.getStations({ webRtcUserId: ana.id });
    assert.equal(found.total, 1);
    const station = found.entities?.[0] as Models.Station;
    assert.equal(station.webRtcUserId, ana.id);
    assert.equal((await stations.getStation(station.id as string)).id, station.id);

    assert.deepEqual(await sdk.users.getUserStation(ana.id), {});
    await sdk.users.putUserStationDefaultstationStationId(ana.id, station.id as string);
    const mine = await sdk.users.getUserStation(ana.id);
    assert.equal(mine.defaultStation?.id, station.id);
    assert.equal(mine.effectiveStation?.id, station.id);

    const bo = sandbox.org.liveUserByEmail('bo@acme.com')!;
    assert.equal(await status(sdk.users.putUserStationDefaultstationStationId(bo.id, station.id as string)), 400, "another user's WebRTC station");
    assert.equal(await status(sdk.users.putUserStationDefaultstationStationId(ana.id, 'no-such-station')), 404);

    await sdk.users.deleteUserStationDefaultstation(ana.id);
    assert.deepEqual(await sdk.users.getUserStation(ana.id), {});
    await sdk.users.putUserStationDefaultstationStationId(ana.id, station.id as string);

    await sdk.telephony.deleteTelephonyProvidersEdgesPhone(phone.id as string);
    assert.equal(await status(sdk.telephony.getTelephonyProvidersEdgesPhone(phone.id as string)), 404);
    assert.equal((await stations.getStations({ webRtcUserId: ana.id })).total, 0);
    assert.deepEqual(await sdk.users.getUserStation(ana.id), {}, 'the default station went with the phone');
  });
});

test('a phone with an unknown site or phone base, no lines, a line base of another phone base, no webRtcUser or a second one for the user is a 400', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const { site, base, line } = await lookups(sdk);
    const body = webRtcPhone(ana.id, site, base, line);
    const post = (b: Body) => status(sdk.telephony.postTelephonyProvidersEdgesPhones(b as unknown as Models.Phone));
    assert.equal(await post({ ...body, site: { id: 'no-such-site' } }), 400);
    assert.equal(await post({ ...body, phoneBaseSettings: { id: 'no-such-base' } }), 400);
    assert.equal(await post({ ...body, lines: [] }), 400);
    assert.equal(await post({ ...body, lines: undefined }), 400);
    assert.equal(await post({ ...body, site: undefined }), 400);
    assert.equal(await post({ ...body, name: '' }), 400);
    assert.equal(await post({ ...body, lines: [{ name: 'x', lineBaseSettings: { id: 'other-line' } }] }), 400);
    assert.equal(await post({ ...body, webRtcUser: undefined }), 400);
    assert.equal(await post({ ...body, webRtcUser: { id: 'no-such-user' } }), 400);
    assert.equal(await post({ ...body, phoneMetaBase: { id: 'generic_sip.json' } }), 400);
    assert.equal(sandbox.org.phones.size, 0, 'nothing created');
    await sdk.telephony.postTelephonyProvidersEdgesPhones(body as unknown as Models.Phone);
    assert.equal(await post({ ...body, name: 'Another name' }), 400, 'a second WebRTC phone for the user');
    assert.equal(sandbox.org.phones.size, 1);
  });
});

test('a PUT moves the phone to another site at its current version; a stale version is a 409', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const { site, base, line } = await lookups(sdk);
    const phone = await sdk.telephony.postTelephonyProvidersEdgesPhones(webRtcPhone(ana.id, site, base, line) as unknown as Models.Phone);
    const raleigh = (await sdk.telephony.getTelephonyProvidersEdgesSites({ name: 'Raleigh' })).entities?.[0] as Models.Site;
    const moved = await sdk.telephony.putTelephonyProvidersEdgesPhone(phone.id as string, { ...phone, site: { id: raleigh.id } });
    assert.equal(moved.site.id, raleigh.id);
    assert.equal(moved.version, 2);
    assert.equal(moved.lines[0]?.id, phone.lines[0]?.id, 'the line keeps its id');
    assert.equal(await status(sdk.telephony.putTelephonyProvidersEdgesPhone(phone.id as string, { ...phone, site: { id: raleigh.id } })), 409);
  });
});

test('permission mode: phones need telephony:plugin:all, default stations telephony:phone:assign, sites telephony:sites:view', async () => {
  const clients: SandboxClient[] = [
    { id: 'none', secret: 'none-secret', roles: [{ permissions: ['directory:user:view'] }] },
    { id: 'phones', secret: 'phones-secret', roles: [{ permissions: ['directory:user:view', 'telephony:plugin:all'] }] },
  ];
  await withSandbox({ seed, clients }, async (sandbox: RunningSandbox) => {
    const none = await sdkClientFor(sandbox, clients[0]);
    const phones = await sdkClientFor(sandbox, clients[1]);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    assert.equal(await status(none.telephony.getTelephonyProvidersEdgesSites({ name: 'Indianapolis' })), 403);
    assert.equal(await status(none.telephony.getTelephonyProvidersEdgesPhonebasesettings({})), 403);
    assert.equal(await status(none.telephony.getTelephonyProvidersEdgesPhones({})), 403);
    const { site, base, line } = await lookups(phones);
    const body = webRtcPhone(ana.id, site, base, line) as unknown as Models.Phone;
    assert.equal(await status(none.telephony.postTelephonyProvidersEdgesPhones(body)), 403);
    await phones.telephony.postTelephonyProvidersEdgesPhones(body);
    const station = (await new platformClient.StationsApi(none.client).getStations({ webRtcUserId: ana.id })).entities?.[0] as Models.Station;
    assert.equal(await status(none.users.putUserStationDefaultstationStationId(ana.id, station.id as string)), 403);
    assert.equal(await status(phones.users.getUserStation(ana.id)), 403, 'reading needs telephony:otherStationAssociation:view');
    await phones.users.putUserStationDefaultstationStationId(ana.id, station.id as string);
  });
});

test('seeded sites and phone bases survive the state round trip; the demo org has Indianapolis and WebRTC Base', async () => {
  const org = orgFromSeed(seed, 0);
  const again = orgFromSeed(seedFromOrg(org), 0);
  assert.deepEqual(again.sites.sorted().map((s) => [s.id, s.name]), org.sites.sorted().map((s) => [s.id, s.name]));
  assert.deepEqual(again.phoneBases.sorted(), org.phoneBases.sorted());
  const demo = orgFromSeed(await demoSeed());
  assert.ok(demo.sites.byExactName('Indianapolis'));
  assert.equal(demo.phoneBases.byExactName('WebRTC Base')?.phoneMetaBaseId, 'inin_webrtc_softphone.json');
  assert.throws(() => orgFromSeed({ sites: ['A', 'a'] }), /duplicate site name/);
});

test('phones and default stations survive the state round trip; a seeded phone needs a known site, phone base and user', async () => {
  await withSandbox({ seed, stationLagMs: 60_000 }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const { site, base, line } = await lookups(sdk);
    const phone = await sdk.telephony.postTelephonyProvidersEdgesPhones(webRtcPhone(ana.id, site, base, line) as unknown as Models.Phone);
    const stationId = sandbox.org.phones.get(phone.id as string)?.station?.id as string;
    await sdk.users.putUserStationDefaultstationStationId(ana.id, stationId);
    const again = orgFromSeed(seedFromOrg(sandbox.org));
    const reloaded = again.phones.get(phone.id as string);
    const original = sandbox.org.phones.get(phone.id as string);
    assert.deepEqual({ ...reloaded, dateModified: '', station: undefined }, { ...original, dateModified: '', station: undefined });
    assert.equal(reloaded?.station?.id, stationId);
    assert.equal(reloaded?.station?.visibleAt, 0, 'a reloaded station is indexed');
    assert.equal(again.defaultStations.get(ana.id), stationId);
  });
  const bad = (phones: SeedOrg['phones']) => () => orgFromSeed({ ...seed, phones });
  assert.throws(bad([{ name: 'P', site: 'Nowhere', phoneBase: 'WebRTC Base', webRtcUser: 'ana@acme.com' }]), /unknown site/);
  assert.throws(bad([{ name: 'P', site: 'Indianapolis', phoneBase: 'Nothing', webRtcUser: 'ana@acme.com' }]), /unknown phone base/);
  assert.throws(bad([{ name: 'P', site: 'Indianapolis', phoneBase: 'WebRTC Base', webRtcUser: 'nobody@acme.com' }]), /unknown webRtcUser/);
  assert.throws(bad([{ name: 'P', site: 'Indianapolis', phoneBase: 'WebRTC Base' }]), /webRtcUser exactly when/);
  assert.equal(orgFromSeed({ ...seed, phones: [{ name: 'Desk 1', site: 'Raleigh', phoneBase: 'Desk Phones' }] }).phones.size, 1);
});

test('expand=station on the users listing and a user read carries the default station (UsersApi.md getUsers, **Values** of expand), {} when there is none', async () => {
  await withSandbox({ seed }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const stations = new platformClient.StationsApi(sdk.client);
    const ana = sandbox.org.liveUserByEmail('ana@acme.com')!;
    const bo = sandbox.org.liveUserByEmail('bo@acme.com')!;
    const { site, base, line } = await lookups(sdk);
    await sdk.telephony.postTelephonyProvidersEdgesPhones(webRtcPhone(ana.id, site, base, line) as unknown as Models.Phone);
    const station = (await stations.getStations({ webRtcUserId: ana.id })).entities?.[0] as Models.Station;
    await sdk.users.putUserStationDefaultstationStationId(ana.id, station.id as string);
    const listed = await sdk.users.getUsers({ expand: ['station'], pageSize: 100 });
    const stationOf = (id: string) => (listed.entities?.find((u) => u.id === id) as { station?: Models.UserStations } | undefined)?.station;
    assert.equal(stationOf(ana.id)?.defaultStation?.id, station.id);
    assert.equal(stationOf(ana.id)?.defaultStation?.type, 'inin_webrtc_softphone');
    assert.deepEqual(stationOf(bo.id), {});
    const plain = await sdk.users.getUsers({ pageSize: 100 });
    assert.equal((plain.entities?.[0] as { station?: unknown }).station, undefined, 'only when expand asks for it');
    const one = (await sdk.users.getUser(ana.id, { expand: ['station'] })) as { station?: Models.UserStations };
    assert.equal(one.station?.defaultStation?.id, station.id);
  });
});
