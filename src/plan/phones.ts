// The WebRTC phone of a user: which sites and phone bases to look up, their names resolved, and the phone's change.
import type { DesiredUser, FieldChange, Issue, OrgState, OrgUser, OrgWebrtcPhone, PhoneBaseRef, Source, WebrtcPhoneRef } from '../model/index.js';
import { compareStrings } from '../rules/order.js';
import { indexNames, issueAt, resolveName, type NameIndex } from './names.js';

/** The look-ups of a plan that manages phones: sites and phone bases by name, and each phone base's line and meta base by id. */
export interface PhoneIndexes {
  sites: NameIndex;
  phoneBases: NameIndex;
  bases: Map<string, PhoneBaseRef>;
}

/** The names to look up when some declared user names a `webrtcPhone` (undefined: none does, and phones are not read). */
export function webrtcPhoneNames(users: readonly DesiredUser[]): { sites: string[]; phoneBases: string[] } | undefined {
  let managed = false;
  const sites = new Set<string>();
  const phoneBases = new Set<string>();
  for (const user of users) {
    const phone = user.webrtcPhone;
    if (phone === undefined) continue;
    managed = true;
    if (phone === false) continue;
    sites.add(phone.site);
    phoneBases.add(phone.phoneBase);
  }
  return managed ? { sites: [...sites].sort(compareStrings), phoneBases: [...phoneBases].sort(compareStrings) } : undefined;
}

export function indexPhones(org: OrgState): PhoneIndexes | undefined {
  const read = org.webrtcPhones;
  if (!read) return undefined;
  return { sites: indexNames('site', read.sites), phoneBases: indexNames('phone-base', read.phoneBases), bases: new Map(read.phoneBases.map((b) => [b.id, b])) };
}

const refOf = (phone: OrgWebrtcPhone): WebrtcPhoneRef => ({ site: phone.site, phoneBase: phone.phoneBase });

/**
 * The change of a user's `webrtcPhone`: undefined when none is needed, null when a name did not resolve (the error is
 * in `errors`). A user without a phone gets one and its station as their default; a phone on another site or phone
 * base is updated (a PUT of the same phone, never a second one); a phone whose station is not the user's default
 * only gets the station step; `false` deletes the phone.
 */
export function webrtcPhoneChange(
  indexes: PhoneIndexes | undefined,
  user: DesiredUser,
  current: OrgUser | undefined,
  issues: { errors: Issue[]; warnings: Issue[] },
  where: (item?: string) => Source,
): FieldChange | undefined | null {
  const wanted = user.webrtcPhone;
  if (wanted === undefined) return undefined;
  if (!indexes) {
    issues.warnings.push({
      severity: 'warning',
      code: 'field-unknown',
      message: `The WebRTC phones of the org were not read; this plan leaves ${user.email}'s phone unchanged.`,
      hint: 'This is a bug in the org reader; please report it.',
      ...issueAt(where()),
    });
    return undefined;
  }
  const have = current?.webrtcPhone;
  const phone = have ? { id: have.id, version: have.version, name: have.name } : undefined;
  if (wanted === false) return have ? { field: 'webrtcPhone', kind: 'webrtcPhone', before: refOf(have), after: null, phone, station: false } : undefined;
  const site = resolveName(indexes.sites, wanted.site, () => where('site'), issues.errors);
  const named = resolveName(indexes.phoneBases, wanted.phoneBase, () => where('phoneBase'), issues.errors);
  if (!site || !named) return null;
  const base = indexes.bases.get(named.id) as PhoneBaseRef;
  if (base.lineBaseId === undefined) {
    issues.errors.push({
      severity: 'error',
      code: 'phone-base-without-lines',
      message: `Phone base settings "${base.name}" have no line: a WebRTC phone made from them would have no line base settings.`,
      hint: 'Add a line to the phone base settings in Genesys Cloud (Telephony > Phone Management > Base Settings), or name another one.',
      ...issueAt(where('phoneBase')),
    });
    return null;
  }
  const after: WebrtcPhoneRef = { site, phoneBase: { id: base.id, name: base.name }, lineBaseId: base.lineBaseId, phoneMetaBaseId: base.phoneMetaBaseId };
  if (!have || !phone) return { field: 'webrtcPhone', kind: 'webrtcPhone', before: null, after, station: true };
  const same = have.site.id === site.id && have.phoneBase.id === base.id;
  if (same && have.defaultStation) return undefined;
  return { field: 'webrtcPhone', kind: 'webrtcPhone', before: refOf(have), after, phone, station: !have.defaultStation };
}
