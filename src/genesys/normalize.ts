// Converts between the SDK's user shapes and OrgUser / UserPatch: emails, phones (E.164), state, ids.
import type platformClient from 'purecloud-platform-client-v2';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { EmployerInfo, Phone, PhoneType } from '../model/desired.js';
import type { ExpandedField, OrgUser } from '../model/org.js';
import type { NewUser, UserPatch } from '../model/apply.js';

type SdkUser = platformClient.Models.User;
type SdkContact = platformClient.Models.Contact;

/** The identity key on both sides: trimmed, NFC, lower-case. */
export function normalizeEmail(email: string): string {
  return email.trim().normalize('NFC').toLowerCase();
}

const PHONE_TYPES = new Set<PhoneType>(['work', 'work2', 'work3', 'work4', 'home', 'mobile', 'other']);

/** One `addresses` entry as a Phone, or undefined for emails and unusable entries. */
export function phoneFromContact(contact: SdkContact): Phone | undefined {
  const media = contact.mediaType?.toUpperCase();
  if (media !== 'PHONE' && media !== 'SMS') return undefined;
  const type = (contact.type ?? 'other').toLowerCase() as PhoneType;
  const phone: Phone = { type: PHONE_TYPES.has(type) ? type : 'other', mediaType: media };
  let extension = contact.extension?.trim() || undefined;
  // Genesys may answer with a display form ("+1 317-555-0100 ext. 12") instead of number + extension.
  // The display form only stands in for a missing address when no extension came apart from it.
  const raw = contact.address?.trim() || (extension ? undefined : contact.display?.trim());
  if (raw) {
    if (/^\+\d{6,15}$/.test(raw)) {
      phone.number = raw;
    } else {
      const parsed = parsePhoneNumberFromString(raw, (contact.countryCode?.toUpperCase() || undefined) as never);
      if (parsed) {
        phone.number = parsed.number;
        extension ??= parsed.ext;
      } else if (/^\d{1,8}$/.test(raw) && !extension) {
        // A bare short number on a work line is an extension.
        extension = raw;
      } else {
        phone.number = raw;
      }
    }
  }
  if (extension) phone.extension = extension;
  if (!phone.number && !phone.extension) return undefined;
  return phone;
}

export function contactFromPhone(phone: Phone): SdkContact {
  const contact: SdkContact = { mediaType: phone.mediaType, type: phone.type.toUpperCase() };
  if (phone.number) contact.address = phone.number;
  if (phone.extension) contact.extension = phone.extension;
  return contact;
}

function employerInfoOf(info: platformClient.Models.EmployerInfo | undefined): EmployerInfo | undefined {
  if (!info) return undefined;
  const out: EmployerInfo = {};
  if (info.employeeId) out.employeeId = info.employeeId;
  if (info.employeeType) out.employeeType = info.employeeType;
  if (info.dateHire) out.dateHire = info.dateHire.slice(0, 10);
  if (info.officialName) out.officialName = info.officialName;
  return Object.keys(out).length > 0 ? out : undefined;
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
 */
export function orgUserOf(user: SdkUser): OrgUser {
  const out: OrgUser = {
    id: user.id ?? '',
    version: user.version,
    email: normalizeEmail(user.email ?? ''),
    name: user.name ?? '',
    state: userState(user.state),
    phones: (user.addresses ?? []).map(phoneFromContact).filter((p): p is Phone => p !== undefined),
  };
  const unknown: ExpandedField[] = [];
  if (user.title) out.title = user.title;
  if (user.department) out.department = user.department;
  if (user.division?.id) out.divisionId = user.division.id;
  if (user.manager?.id) out.managerId = user.manager.id;
  if (user.skills) out.skills = levels(user.skills);
  else unknown.push('skills');
  if (user.languages) out.languages = levels(user.languages);
  else unknown.push('languages');
  if (user.groups) out.groupIds = user.groups.map((g) => g.id ?? '').filter(Boolean);
  else unknown.push('groups');
  if (user.locations) out.locationIds = user.locations.map((l) => l.locationDefinition?.id ?? l.id ?? '').filter(Boolean);
  else unknown.push('locations');
  if (user.acdAutoAnswer !== undefined) out.acdAutoAnswer = user.acdAutoAnswer;
  if (user.profileSkills) out.profileSkills = [...user.profileSkills];
  else unknown.push('profileSkills');
  if (user.certifications) out.certifications = [...user.certifications];
  else unknown.push('certifications');
  if (user.employerInfo) {
    const info = employerInfoOf(user.employerInfo);
    if (info) out.employerInfo = info;
  } else unknown.push('employerInfo');
  const roles = user.authorization?.roles;
  if (roles) out.roleIds = roles.map((r) => r.id ?? '').filter(Boolean);
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
  if (patch.title !== undefined) body.title = patch.title ?? '';
  if (patch.department !== undefined) body.department = patch.department ?? '';
  if (patch.managerId !== undefined) body.manager = patch.managerId ?? '';
  if (patch.phones !== undefined) body.addresses = patch.phones.map(contactFromPhone);
  if (patch.acdAutoAnswer !== undefined) body.acdAutoAnswer = patch.acdAutoAnswer;
  if (patch.profileSkills !== undefined) body.profileSkills = [...patch.profileSkills];
  if (patch.certifications !== undefined) body.certifications = [...patch.certifications];
  if (patch.employerInfo !== undefined) body.employerInfo = patch.employerInfo ? { ...patch.employerInfo } : {};
  if (patch.locationIds !== undefined) body.locations = patch.locationIds.map((id) => ({ id, locationDefinition: { id } }) as platformClient.Models.Location);
  return body;
}

export function createBody(user: NewUser, homeDivisionId: string | undefined): platformClient.Models.CreateUser {
  const body: platformClient.Models.CreateUser = { name: user.name, email: user.email, divisionId: user.divisionId ?? homeDivisionId ?? '' };
  if (!body.divisionId) delete (body as { divisionId?: string }).divisionId;
  if (user.title) body.title = user.title;
  if (user.department) body.department = user.department;
  if (user.phones && user.phones.length > 0) body.addresses = user.phones.map(contactFromPhone);
  if (user.state) body.state = user.state;
  return body;
}
