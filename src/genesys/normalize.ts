// Converts between the SDK's user shapes and OrgUser / UserPatch: emails, phones (E.164), other emails, state, ids.
import type platformClient from 'purecloud-platform-client-v2';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import type { EmployerInfo, MediaType, MediaUtilization, OtherEmail, Phone, VoicemailPolicy } from '../model/desired.js';
import type { ExpandedField, OrgUser, OrgUtilization, UtilizationKept } from '../model/org.js';
import type { NewUser, UserPatch } from '../model/apply.js';
import { normalEmail } from '../rules/identity.js';
import { OTHER_EMAIL_TYPES, PHONE_TYPES } from '../rules/phones.js';
import { normalMediaMap } from '../rules/utilization.js';
import { defaultStationOf } from './phones.js';

type SdkUser = platformClient.Models.User;
type SdkContact = platformClient.Models.Contact;

/** A value without surrounding space and without one pair of parentheses wrapping all of it: `(4411)` → `4411`. */
function unwrapped(value: string | undefined): string | undefined {
  let text = value?.trim();
  const inner = text ? /^\((.*)\)$/.exec(text)?.[1] : undefined;
  if (inner !== undefined && !/[()]/.test(inner)) text = inner.trim();
  return text || undefined;
}

/**
 * A number as the API shows it, in E.164 where it can be read: an E.164 value as is, a display
 * form (`+1 317-555-0100`, `(317) 555-0100 ext. 12`) parsed with the contact's country, else
 * `region` (the org's default country, which Terraform uses to read numbers from the API:
 * util/util_e164.go). What cannot be read stays as text for the planner to compare by digits.
 */
function readNumber(raw: string, region: string | undefined): { number: string; ext?: string } {
  if (/^\+\d{6,15}$/.test(raw)) return { number: raw };
  // Without a country only an international form can be read (libphonenumber throws, and catches, for the
  // rest): a national display form waits for the org's default country (`phoneInRegion`).
  if (!region && !/[+＋]/.test(raw)) return { number: raw };
  const key = `${region ?? ''}|${raw}`;
  let read = readNumbers.get(key);
  if (read === undefined) {
    const parsed = parsePhoneNumberFromString(raw, (region?.toUpperCase() || undefined) as CountryCode | undefined);
    read = !parsed ? { number: raw } : parsed.ext ? { number: parsed.number, ext: parsed.ext } : { number: parsed.number };
    if (readNumbers.size >= 10_000) readNumbers.clear();
    readNumbers.set(key, read);
  }
  return read;
}

/** Display forms already read: an org's users share office numbers, and parsing is the slow part of a read. */
const readNumbers = new Map<string, { number: string; ext?: string }>();

/** The same string for equal ones: a page's JSON gives each id and title its own copy, 50,000 users' worth. */
export type Intern = (value: string) => string;

/** An interner for one read: ids, titles and departments repeat across users (the org's few divisions, roles, skills, managers). */
export function interner(): Intern {
  const seen = new Map<string, string>();
  return (value) => {
    const found = seen.get(value);
    if (found !== undefined) return found;
    seen.set(value, value);
    return value;
  };
}

const asIs: Intern = (value) => value;

/** The type constants themselves, not each contact's lower-cased copy. */
const PHONE_TYPE_OF = new Map<string, Phone['type']>(PHONE_TYPES.map((t) => [t, t]));
const OTHER_EMAIL_TYPE_OF = new Map<string, OtherEmail['type']>(OTHER_EMAIL_TYPES.map((t) => [t, t]));

/**
 * One `addresses` entry as a Phone, or undefined for emails and unusable entries. Genesys answers a
 * phone in four shapes (Terraform `flattenUserAddresses`, user/resource_genesyscloud_user_utils.go),
 * any value possibly wrapped in `()`:
 * 1. `address` only: a number;
 * 2. `extension` equal to `display`: an internal extension in a pool; an `address` next to it is
 *    derived by the API and is not the user's number;
 * 3. `extension` and a different `display`: a number and its extension, the number in `display`
 *    (with or without `address`);
 * 4. `display` only: an extension not mapped to a pool (Terraform), or a display form of a number.
 * `region` reads national display forms when the contact has no `countryCode`.
 */
export function phoneFromContact(contact: SdkContact, region?: string): Phone | undefined {
  const media = contact.mediaType?.toUpperCase();
  if (media !== 'PHONE' && media !== 'SMS') return undefined;
  const phone: Phone = { type: PHONE_TYPE_OF.get((contact.type ?? 'other').toLowerCase()) ?? 'other', mediaType: media === 'SMS' ? 'SMS' : 'PHONE' };
  const country = contact.countryCode?.trim() || region;
  const address = unwrapped(contact.address);
  const display = unwrapped(contact.display);
  let extension = unwrapped(contact.extension);
  let raw: string | undefined;
  if (extension !== undefined && extension === display) raw = undefined;
  else if (extension !== undefined) raw = display ?? address;
  else if (address !== undefined) raw = address;
  else if (display !== undefined && /^\d{1,10}$/.test(display)) extension = display;
  else raw = display;
  if (raw !== undefined) {
    const read = readNumber(raw, country);
    phone.number = read.number;
    extension ??= read.ext;
  }
  if (extension) phone.extension = extension;
  if (!phone.number && !phone.extension) return undefined;
  return phone;
}

/** A phone whose number is still a display form, read again with the org's default country. */
export function phoneInRegion(phone: Phone, region: string | undefined): Phone {
  if (!region || phone.number === undefined || /^\+\d{6,15}$/.test(phone.number)) return phone;
  const read = readNumber(phone.number, region);
  const out: Phone = { ...phone, number: read.number };
  if (out.extension === undefined && read.ext) out.extension = read.ext;
  return out;
}

/** Whether some phone of the user is a display form that needs the org's default country to be read. */
export function needsRegion(user: OrgUser): boolean {
  return user.phones.some((p) => p.number !== undefined && !/^\+\d{6,15}$/.test(p.number));
}

/**
 * An EMAIL entry of `addresses` as an other email. Types other than WORK and HOME (the ones
 * Terraform's `other_emails` allows) are not modelled and read as undefined.
 */
export function otherEmailFromContact(contact: SdkContact): OtherEmail | undefined {
  if (contact.mediaType?.toUpperCase() !== 'EMAIL') return undefined;
  const type = OTHER_EMAIL_TYPE_OF.get((contact.type ?? 'work').toLowerCase());
  const address = unwrapped(contact.address) ?? unwrapped(contact.display);
  if (!address || !type) return undefined;
  return { type, address: normalEmail(address) };
}

export function contactFromPhone(phone: Phone): SdkContact {
  const contact: SdkContact = { mediaType: phone.mediaType, type: phone.type.toUpperCase() };
  if (phone.number) contact.address = phone.number;
  if (phone.extension) contact.extension = phone.extension;
  return contact;
}

export function contactFromOtherEmail(email: OtherEmail): SdkContact {
  return { mediaType: 'EMAIL', type: email.type.toUpperCase(), address: email.address };
}

/** The `addresses` of a write: phones and other emails together, since the list is replaced whole. */
export function addressesOf(phones: readonly Phone[] | undefined, otherEmails: readonly OtherEmail[] | undefined): SdkContact[] {
  return [...(phones ?? []).map(contactFromPhone), ...(otherEmails ?? []).map(contactFromOtherEmail)];
}

function employerInfoOf(info: platformClient.Models.EmployerInfo | undefined, intern: Intern): EmployerInfo | undefined {
  if (!info) return undefined;
  const out: EmployerInfo = {};
  if (info.employeeId) out.employeeId = info.employeeId;
  if (info.employeeType) out.employeeType = intern(info.employeeType);
  if (info.dateHire) out.dateHire = intern(info.dateHire.slice(0, 10));
  if (info.officialName) out.officialName = info.officialName;
  return Object.keys(out).length > 0 ? out : undefined;
}

function locationNotesOf(locations: platformClient.Models.Location[] | undefined): Record<string, string> | undefined {
  const notes: Record<string, string> = {};
  for (const l of locations ?? []) {
    const id = l.locationDefinition?.id ?? l.id;
    if (id && typeof l.notes === 'string' && l.notes !== '') notes[id] = l.notes;
  }
  return Object.keys(notes).length > 0 ? notes : undefined;
}

function levels(entries: Array<{ id?: string; proficiency?: number }> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const entry of entries ?? []) if (entry.id) out[entry.id] = Number(entry.proficiency ?? 0);
  return out;
}

function userState(state: string | undefined): OrgUser['state'] {
  return state === 'inactive' || state === 'deleted' ? state : 'active';
}

/** What the reads ask Genesys to expand: every field users/ manages that the plain user lacks. */
export const EXPAND = ['skills', 'languages', 'groups', 'locations', 'authorization', 'profileSkills', 'certifications', 'employerInfo'];

/** The expand value that carries each expanded field. */
export const EXPAND_OF: Record<ExpandedField, string> = {
  skills: 'skills',
  languages: 'languages',
  groups: 'groups',
  locations: 'locations',
  profileSkills: 'profileSkills',
  certifications: 'certifications',
  employerInfo: 'employerInfo',
  roles: 'authorization',
};

/**
 * An SDK user as OrgUser (role grants are filled in separately). Expand is best effort at Genesys:
 * a list it left out is unknown (listed in `unknown`), never empty; an empty list means none.
 * `intern` shares the strings many users hold (ids, titles), so that a large org's read keeps one copy.
 */
export function orgUserOf(user: SdkUser, intern: Intern = asIs): OrgUser {
  const ids = (list: Array<{ id?: string }>): string[] => list.map((g) => g.id ?? '').filter(Boolean).map(intern);
  const addresses = user.addresses ?? [];
  const out: OrgUser = {
    // Interned too: queue memberships, grants and managers name users by these ids.
    id: intern(user.id ?? ''),
    version: user.version,
    email: normalEmail(user.email ?? ''),
    name: user.name ?? '',
    state: userState(user.state),
    phones: addresses.map((c) => phoneFromContact(c)).filter((p): p is Phone => p !== undefined),
    otherEmails: addresses.map(otherEmailFromContact).filter((e): e is OtherEmail => e !== undefined),
  };
  const unknown: ExpandedField[] = [];
  if (user.title) out.title = intern(user.title);
  if (user.department) out.department = intern(user.department);
  if (user.division?.id) out.divisionId = intern(user.division.id);
  if (user.manager?.id) out.managerId = intern(user.manager.id);
  if (user.skills) out.skills = levels(user.skills);
  else unknown.push('skills');
  if (user.languages) out.languages = levels(user.languages);
  else unknown.push('languages');
  if (user.groups) out.groupIds = ids(user.groups);
  else unknown.push('groups');
  if (user.locations) {
    out.locationIds = user.locations.map((l) => l.locationDefinition?.id ?? l.id ?? '').filter(Boolean).map(intern);
    const notes = locationNotesOf(user.locations);
    if (notes) out.locationNotes = notes;
  } else unknown.push('locations');
  if (user.acdAutoAnswer !== undefined) out.acdAutoAnswer = user.acdAutoAnswer;
  if (user.profileSkills) out.profileSkills = user.profileSkills.map(intern);
  else unknown.push('profileSkills');
  if (user.certifications) out.certifications = user.certifications.map(intern);
  else unknown.push('certifications');
  if (user.employerInfo) {
    const info = employerInfoOf(user.employerInfo, intern);
    if (info) out.employerInfo = info;
  } else unknown.push('employerInfo');
  const station = defaultStationOf(user);
  if (station !== undefined) out.defaultStation = station;
  const roles = user.authorization?.roles;
  if (roles) out.roleIds = ids(roles);
  else unknown.push('roles');
  if (unknown.length > 0) out.unknown = unknown;
  if (out.state === 'deleted') {
    // Genesys has no deletion date on the user; the last modification is the closest it tells.
    const deleted = (user as { dateModified?: string }).dateModified;
    if (deleted) out.dateDeleted = deleted;
  }
  return out;
}

/** Whether the user's value of `field` is unknown (Genesys did not send it). */
export function isUnknown(user: OrgUser, field: ExpandedField): boolean {
  return user.unknown?.includes(field) ?? false;
}

/** Copies the fields `from` knows and `into` does not, and forgets them as unknown. */
export function fillUnknown(into: OrgUser, from: OrgUser): void {
  if (!into.unknown) return;
  const still: ExpandedField[] = [];
  for (const field of into.unknown) {
    if (isUnknown(from, field)) {
      still.push(field);
      continue;
    }
    setField(into, field, from);
  }
  if (still.length > 0) into.unknown = still;
  else delete into.unknown;
}

function setField(into: OrgUser, field: ExpandedField, from: OrgUser): void {
  switch (field) {
    case 'skills':
      into.skills = from.skills ?? {};
      break;
    case 'languages':
      into.languages = from.languages ?? {};
      break;
    case 'groups':
      into.groupIds = from.groupIds ?? [];
      break;
    case 'locations':
      into.locationIds = from.locationIds ?? [];
      break;
    case 'profileSkills':
      into.profileSkills = from.profileSkills ?? [];
      break;
    case 'certifications':
      into.certifications = from.certifications ?? [];
      break;
    case 'employerInfo':
      if (from.employerInfo) into.employerInfo = from.employerInfo;
      else delete into.employerInfo;
      break;
    case 'roles':
      into.roleIds = from.roleIds ?? [];
      break;
  }
}

/** Marks `field` known (its value set by the caller). */
export function markKnown(user: OrgUser, field: ExpandedField): void {
  if (!user.unknown) return;
  const still = user.unknown.filter((f) => f !== field);
  if (still.length > 0) user.unknown = still;
  else delete user.unknown;
}

/** Skill or language levels from a dedicated listing (`GET /users/{id}/routingskills`, `…/routinglanguages`). */
export function levelsOf(entries: Array<{ id?: string; proficiency?: number }>): Record<string, number> {
  return levels(entries);
}

/** The PATCH body for a UserPatch. Clearing a text field or the manager is an empty string at Genesys. */
export function updateBody(version: number, patch: UserPatch): platformClient.Models.UpdateUser {
  const body: platformClient.Models.UpdateUser = { version };
  if (patch.name !== undefined) body.name = patch.name;
  if (patch.email !== undefined) body.email = patch.email;
  if (patch.title !== undefined) body.title = patch.title ?? '';
  if (patch.department !== undefined) body.department = patch.department ?? '';
  if (patch.managerId !== undefined) body.manager = patch.managerId ?? '';
  if (patch.phones !== undefined || patch.otherEmails !== undefined) body.addresses = addressesOf(patch.phones, patch.otherEmails);
  if (patch.acdAutoAnswer !== undefined) body.acdAutoAnswer = patch.acdAutoAnswer;
  if (patch.profileSkills !== undefined) body.profileSkills = [...patch.profileSkills];
  if (patch.certifications !== undefined) body.certifications = [...patch.certifications];
  if (patch.employerInfo !== undefined) body.employerInfo = patch.employerInfo ? { ...patch.employerInfo } : {};
  if (patch.locationIds !== undefined) {
    body.locations = patch.locationIds.map((id) => {
      const location = { id, locationDefinition: { id } } as platformClient.Models.Location;
      const notes = patch.locationNotes?.[id];
      if (notes !== undefined) location.notes = notes;
      return location;
    });
  }
  return body;
}

export function createBody(user: NewUser, homeDivisionId: string | undefined): platformClient.Models.CreateUser {
  const body: platformClient.Models.CreateUser = { name: user.name, email: user.email, divisionId: user.divisionId ?? homeDivisionId ?? '' };
  if (!body.divisionId) delete (body as { divisionId?: string }).divisionId;
  if (user.title) body.title = user.title;
  if (user.department) body.department = user.department;
  const addresses = addressesOf(user.phones, user.otherEmails);
  if (addresses.length > 0) body.addresses = addresses;
  if (user.state) body.state = user.state;
  return body;
}

/**
 * A user's utilization as `GET /api/v2/routing/users/{userId}/utilization` answers it (RoutingApi.md
 * getRoutingUserUtilization, `AgentMaxUtilizationResponse`): `level: Organization` means the user has no settings of
 * their own ("If not configured, the organization-wide default is returned"; Terraform reads it the same way in
 * readUserRoutingUtilization, genesyscloud/user/resource_genesyscloud_user_utils.go). Label utilizations, and media
 * types provision does not manage, are kept to be sent back with the next PUT.
 */
export function orgUtilizationOf(answer: platformClient.Models.AgentMaxUtilizationResponse): OrgUtilization {
  if (answer.level === 'Organization') return 'org-default';
  const value: OrgUtilization = { media: normalMediaMap(answer.utilization ?? {}) };
  const labels = answer.labelUtilizations;
  if (labels && Object.keys(labels).length > 0) {
    const kept: NonNullable<UtilizationKept['labelUtilizations']> = {};
    for (const [id, label] of Object.entries(labels)) {
      kept[id] = {};
      if (label.maximumCapacity !== undefined) kept[id].maximumCapacity = label.maximumCapacity;
      if (label.interruptingLabelIds !== undefined) kept[id].interruptingLabelIds = [...label.interruptingLabelIds];
    }
    value.kept = { labelUtilizations: kept };
  }
  return value;
}

/** The body of a PUT: the media types given (the API sets every other one to the org's default) and the kept labels. */
export function utilizationBody(media: Partial<Record<MediaType, MediaUtilization>>, kept?: UtilizationKept): platformClient.Models.UtilizationRequest {
  const utilization: Record<string, platformClient.Models.MediaUtilization> = {};
  for (const [type, item] of Object.entries(media)) utilization[type] = { maximumCapacity: item.maximumCapacity, interruptableMediaTypes: [...item.interruptableMediaTypes], includeNonAcd: item.includeNonAcd };
  const body: platformClient.Models.UtilizationRequest = { utilization };
  if (kept?.labelUtilizations) body.labelUtilizations = kept.labelUtilizations;
  return body;
}

/** The policy keys provision manages, from `VoicemailUserPolicy` (VoicemailApi.md getVoicemailUserpolicy); never the PIN. */
export function voicemailPolicyOf(answer: platformClient.Models.VoicemailUserPolicy): VoicemailPolicy {
  const out: VoicemailPolicy = {};
  if (answer.enabled !== undefined) out.enabled = answer.enabled;
  if (answer.alertTimeoutSeconds !== undefined) out.alertTimeoutSeconds = answer.alertTimeoutSeconds;
  if (answer.sendEmailNotifications !== undefined) out.sendEmailNotifications = answer.sendEmailNotifications;
  return out;
}
