// The WebRTC phone in the plan: what is read, and each case of the diff (create, unchanged, station only, move, removal, a leaver, names that do not resolve).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import type { DesiredUser, FieldChange, OrgState, OrgWebrtcPhone } from '../../src/model/index.js';
import { minimumCalls } from '../../src/apply/index.js';
import { config, desiredState, desiredUser, orgState, orgUser } from './builders.js';

const PHONES: NonNullable<OrgState['webrtcPhones']> = {
  sites: [{ id: 'site-indy', name: 'Indianapolis' }, { id: 'site-ral', name: 'Raleigh' }],
  phoneBases: [
    { id: 'base-webrtc', name: 'WebRTC Base', lineBaseId: 'line-1', phoneMetaBaseId: 'inin_webrtc_softphone.json' },
    { id: 'base-spare', name: 'WebRTC Spare', lineBaseId: 'line-2', phoneMetaBaseId: 'inin_webrtc_softphone.json' },
    { id: 'base-empty', name: 'Empty Base', phoneMetaBaseId: 'inin_webrtc_softphone.json' },
  ],
  phones: 1,
};
const phone = (fields: Partial<OrgWebrtcPhone> = {}): OrgWebrtcPhone => ({ id: 'phone-1', version: 3, name: 'WebRTC ana@acme.com', site: { id: 'site-indy', name: 'Indianapolis' }, phoneBase: { id: 'base-webrtc', name: 'WebRTC Base' }, defaultStation: true, ...fields });
const INDY = { site: 'Indianapolis', phoneBase: 'WebRTC Base' };

function planOf(user: DesiredUser, org: Partial<Parameters<typeof orgUser>[2]> | undefined, read = true) {
  const users = org === undefined ? [] : [orgUser('u-ana', 'ana@acme.com', org)];
  return buildPlan({ desired: desiredState([user]), org: orgState(users, read ? { webrtcPhones: PHONES } : {}), config: config() });
}

const field = (result: ReturnType<typeof planOf>): FieldChange | undefined => result.plan.changes[0]?.fields.find((f) => f.field === 'webrtcPhone');

describe('webrtcPhone in the plan', () => {
  it('phones are read only when some user names webrtcPhone, with the names to look up', () => {
    assert.equal(readRequestFor(desiredState([desiredUser('ana@acme.com')]), config()).webrtcPhones, undefined);
    const request = readRequestFor(desiredState([desiredUser('ana@acme.com', { webrtcPhone: INDY }), desiredUser('bo@acme.com', { webrtcPhone: false }), desiredUser('cy@acme.com', { webrtcPhone: { site: 'Raleigh', phoneBase: 'WebRTC Base' } })]), config());
    assert.deepEqual(request.webrtcPhones, { sites: ['Indianapolis', 'Raleigh'], phoneBases: ['WebRTC Base'] });
    assert.deepEqual(readRequestFor(desiredState([desiredUser('bo@acme.com', { webrtcPhone: false })]), config()).webrtcPhones, { sites: [], phoneBases: [] });
  });

  it('a user without a phone gets one and its station; a new user too, costing a POST, a look-up and a PUT', () => {
    const result = planOf(desiredUser('ana@acme.com', { webrtcPhone: INDY }), {});
    assert.deepEqual(field(result), {
      field: 'webrtcPhone',
      kind: 'webrtcPhone',
      before: null,
      after: { site: { id: 'site-indy', name: 'Indianapolis' }, phoneBase: { id: 'base-webrtc', name: 'WebRTC Base' }, lineBaseId: 'line-1', phoneMetaBaseId: 'inin_webrtc_softphone.json' },
      station: true,
    });
    const created = planOf(desiredUser('ana@acme.com', { name: 'Ana', webrtcPhone: INDY }), undefined);
    assert.equal(created.plan.changes[0]?.action, 'create');
    assert.equal(minimumCalls(created.plan).phones, 3);
  });

  it('the same phone with its station as the default: no change; site and phone base match case-insensitively', () => {
    assert.equal(planOf(desiredUser('ana@acme.com', { webrtcPhone: { site: 'indianapolis', phoneBase: 'webrtc base' } }), { webrtcPhone: phone() }).plan.changes.length, 0);
  });

  it('a phone whose station is not the default: only the station step', () => {
    const change = field(planOf(desiredUser('ana@acme.com', { webrtcPhone: INDY }), { webrtcPhone: phone({ defaultStation: false }) }));
    assert.ok(change?.kind === 'webrtcPhone' && change.station && change.phone?.id === 'phone-1' && change.before?.site.id === 'site-indy');
  });

  it('another site or phone base: a PUT of the same phone at its version, no station step when the station is the default', () => {
    const result = planOf(desiredUser('ana@acme.com', { webrtcPhone: { site: 'Raleigh', phoneBase: 'WebRTC Spare' } }), { webrtcPhone: phone() });
    const change = field(result);
    assert.ok(change?.kind === 'webrtcPhone');
    assert.deepEqual([change.phone, change.station, change.after?.site.name, change.after?.phoneBase.name], [{ id: 'phone-1', version: 3, name: 'WebRTC ana@acme.com' }, false, 'Raleigh', 'WebRTC Spare']);
    assert.equal(minimumCalls(result.plan).phones, 1);
  });

  it('false deletes a phone, and is nothing for a user without one; a leaver with false loses the phone before deactivation', () => {
    const change = field(planOf(desiredUser('ana@acme.com', { webrtcPhone: false }), { webrtcPhone: phone() }));
    assert.ok(change?.kind === 'webrtcPhone' && change.after === null && change.phone?.id === 'phone-1');
    assert.equal(planOf(desiredUser('ana@acme.com', { webrtcPhone: false }), {}).plan.changes.length, 0);
    const leaver = planOf(desiredUser('ana@acme.com', { state: 'inactive', webrtcPhone: false }), { webrtcPhone: phone() });
    assert.equal(leaver.plan.changes[0]?.action, 'deactivate');
    assert.ok(field(leaver)?.kind === 'webrtcPhone');
  });

  it('an unknown site or phone base and a phone base without lines are errors at the name', () => {
    const at = { 'webrtcPhone/site': { file: 'users/a.yaml', line: 4, column: 26 }, 'webrtcPhone/phoneBase': { file: 'users/a.yaml', line: 4, column: 51 } };
    const unknown = planOf(desiredUser('ana@acme.com', { webrtcPhone: { site: 'Indy', phoneBase: 'WebRTC Bas' }, at }), {});
    assert.deepEqual(unknown.errors.map((e) => [e.code, e.line, e.column]), [['unknown-site', 4, 26], ['unknown-phone-base', 4, 51]]);
    assert.match(unknown.errors[1]?.message ?? '', /Did you mean "WebRTC Base"\?/);
    const empty = planOf(desiredUser('ana@acme.com', { webrtcPhone: { site: 'Raleigh', phoneBase: 'Empty Base' }, at }), {});
    assert.deepEqual(empty.errors.map((e) => [e.code, e.column]), [['phone-base-without-lines', 51]]);
    assert.equal(empty.plan.changes.length, 0);
  });

  it('phones not read (a reader bug) leave the phone unchanged with a warning', () => {
    const result = planOf(desiredUser('ana@acme.com', { webrtcPhone: INDY }), {}, false);
    assert.equal(result.plan.changes.length, 0);
    assert.ok(result.plan.warnings.some((w) => w.code === 'field-unknown'));
  });
});
