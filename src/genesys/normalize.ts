// Converts between the SDK's user shapes and OrgUser / UserPatch: emails, phones (E.164), state, ids.
import type platformClient from 'purecloud-platform-client-v2';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { EmployerInfo, Phone, PhoneType } from '../model/desired.js';
import type { OrgUser } from '../model/org.js';
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

/** Which parts of the user the read asked for (expand), so that absent lists mean "none" only when read. */
export interface Expanded {
  skills: boolean;
  languages: boolean;
  groups: boolean;
  locations: boolean;
  profileSkills: boolean;
  certifications: boolean;
  employerInfo: boolean;
}

export const ALL_EXPANDED: Expanded = {
  skills: true,
  languages: true,
  groups: true,
  locations: true,
  profileSkills: true,
  certifications: true,
  employerInfo: true,
};

export const EXPAND = ['skills', 'languages', 'groups', 'locations', 'authorization', 'profileSkills', 'certifications', 'employerInfo'];

/** An SDK user as OrgUser (role grants are filled in separately). */
export function orgUserOf(user: SdkUser, expanded: Expanded = ALL_EXPANDED): OrgUser {
  const out: OrgUser = {
    id: user.id ?? '',
    version: user.version,
    email: normalizeEmail(user.email ?? ''),
    name: user.name ?? '',
    state: userState(user.state),
    phones: (user.addresses ?? []).map(phoneFromContact).filter((p): p is Phone => p !== undefined),
  };
  if (user.title) out.title = user.title;
  if (user.department) out.department = user.department;
  if (user.division?.id) out.divisionId = user.division.id;
  if (user.manager?.id) out.managerId = user.manager.id;
  if (expanded.skills) out.skills = levels(user.skills);
  if (expanded.languages) out.languages = levels(user.languages);
  if (expanded.groups) out.groupIds = (user.groups ?? []).map((g) => g.id ?? '').filter(Boolean);
  if (expanded.locations) {
    out.locationIds = (user.locations ?? []).map((l) => l.locationDefinition?.id ?? l.id ?? '').filter(Boolean);
  }
  if (user.acdAutoAnswer !== undefined) out.acdAutoAnswer = user.acdAutoAnswer;
  if (expanded.profileSkills) out.profileSkills = [...(user.profileSkills ?? [])];
  if (expanded.certifications) out.certifications = [...(user.certifications ?? [])];
  if (expanded.employerInfo) {
    const info = employerInfoOf(user.employerInfo);
    if (info) out.employerInfo = info;
  }
  const roles = user.authorization?.roles;
  if (roles) out.roleIds = roles.map((r) => r.id ?? '').filter(Boolean);
  if (out.state === 'deleted') {
    // Genesys has no deletion date on the user; the last modification is the closest it tells.
    const deleted = (user as { dateModified?: string }).dateModified;
    if (deleted) out.dateDeleted = deleted;
  }
  return out;
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
