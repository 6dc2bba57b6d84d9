// Turns a schema-valid entry into a DesiredUser: normalised emails and phones, flattened role grants, positions.
import { parsePhoneNumberWithError } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import type { DesiredUser, EmployerInfo, Issue, OtherEmail, OtherEmailType, Phone, PhoneType, RoleGrant, Source, UserState } from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { foldName } from '../rules/names.js';
import { OTHER_EMAIL_TYPES, PHONE_TYPES } from '../rules/phones.js';
import type { Entry } from './entry.js';
import { issueAt } from './issues.js';
import { lazyPositions } from './positions.js';

type PhoneInput = string | { number?: string; extension?: string; sms?: boolean };

/** An extension written after the number: ` x123`, ` ext 123`, ` ext. 123`, `#123`. */
const EXTENSION = /^\s*(?:x|ext\.?|extension|#)\s*(\d{1,10})\s*$/i;

/** An extension marker with nothing after it (` x`, ` ext.`, `#`): libphonenumber would drop it without a word. */
const EMPTY_EXTENSION = /(?:^|[\s\d),;])(?:x|ext\.?|extension|#)\s*$/i;

/** True when a phone's text ends in an extension marker with no digits: reported as `empty-extension`. */
export function hasEmptyExtension(input: PhoneInput): boolean {
  const text = typeof input === 'string' ? input : (input.number ?? '');
  return EMPTY_EXTENSION.test(text.trim());
}

/** Parsed numbers (without extension) by `region|text`: offices share a main number across many users. */
export type PhoneCache = Map<string, { number: string; ext?: string } | string>;

/** Parses a phone to E.164 (with extension); returns an error message instead when it cannot. */
export function parsePhone(type: PhoneType, input: PhoneInput, region: string | undefined, cache?: PhoneCache): Phone | string {
  const spec = typeof input === 'string' ? { number: input } : input;
  const mediaType = typeof input === 'object' && input.sms ? 'SMS' : 'PHONE';
  let text = spec.number?.trim() ?? '';
  let extension = spec.extension?.trim();
  const extOnly = EXTENSION.exec(text);
  if (extOnly) {
    return extension ? `"${text}" gives an extension twice.` : { type, extension: extOnly[1]!, mediaType };
  }
  if (!text) {
    return extension ? { type, extension, mediaType } : 'a phone needs a number or an extension.';
  }
  if (EMPTY_EXTENSION.test(text)) return `"${text}" has an extension marker with no digits after it.`;
  const match = /^(.*?)(?:\s*[,;]?\s*(?:x|ext\.?|extension|#)\s*(\d{1,10}))\s*$/i.exec(text);
  if (match) {
    if (extension && extension !== match[2]) return `"${text}" has an extension and "extension" says ${extension}.`;
    text = match[1]!;
    extension = match[2]!;
  }
  const key = `${region ?? ''}|${text}`;
  let parsed = cache?.get(key);
  if (parsed === undefined) {
    parsed = parseNumber(text, region);
    cache?.set(key, parsed);
  }
  if (typeof parsed === 'string') return parsed;
  const phone: Phone = { type, number: parsed.number, mediaType };
  const ext = extension ?? parsed.ext;
  if (ext) phone.extension = ext;
  return phone;
}

function parseNumber(text: string, region: string | undefined): { number: string; ext?: string } | string {
  try {
    const parsed = parsePhoneNumberWithError(text, region ? { defaultCountry: region as CountryCode } : undefined);
    if (!parsed.isValid()) return `"${text}" is not a valid ${parsed.country ?? `+${parsed.countryCallingCode}`} number.`;
    return parsed.ext ? { number: parsed.number, ext: parsed.ext } : { number: parsed.number };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (reason === 'INVALID_COUNTRY') {
      return `"${text}" has no country code${region ? '' : ' and the config sets no phoneRegion'}.`;
    }
    if (reason === 'NOT_A_NUMBER') return `"${text}" is not a phone number.`;
    if (reason === 'TOO_SHORT') return `"${text}" is too short to be a phone number.`;
    if (reason === 'TOO_LONG') return `"${text}" is too long to be a phone number.`;
    return `"${text}" cannot be read as a phone number.`;
  }
}

/** The list at its length: one grown by push keeps room for 16 items, which 50,000 users' short lists would carry. */
function exact<T>(list: T[]): T[] {
  return list.slice();
}

function trimmed(value: unknown): string {
  return String(value).trim();
}

/** Checks a list of names for case-insensitive duplicates; returns the unique names. */
function uniqueNames(entry: Entry, field: string, names: unknown[], issues: Issue[]): string[] {
  const seen = new Map<string, number>();
  const out: string[] = [];
  names.forEach((raw, index) => {
    // An item that failed the schema is left out (as null) so that the others keep their positions.
    if (raw === null) return;
    const name = trimmed(raw);
    const key = foldName(name);
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push(issueAt(entry.locate([field, index]), 'error', 'duplicate-name', `"${name}" is listed twice in ${field}.`, `Remove one of them (the first is item ${first + 1}).`));
      return;
    }
    seen.set(key, index);
    out.push(name);
  });
  return exact(out);
}

function levels(entry: Entry, field: 'skills' | 'languages', map: Record<string, number>, issues: Issue[]): Record<string, number> {
  const out: Record<string, number> = {};
  const seen = new Map<string, string>();
  for (const [rawName, level] of Object.entries(map)) {
    const name = rawName.trim();
    const key = foldName(name);
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push(issueAt(entry.locate([field, rawName], true), 'error', 'duplicate-name', `"${name}" appears twice in ${field} (also as "${first}").`, 'Names are compared without regard to case; keep one.'));
      continue;
    }
    if (!name) {
      issues.push(issueAt(entry.locate([field, rawName], true), 'error', 'empty-value', `A name in ${field} is empty.`));
      continue;
    }
    seen.set(key, name);
    out[name] = level;
  }
  return out;
}

type GrantInput = string | { role: string; division?: string; divisions?: string[] } | null;

function grants(entry: Entry, input: GrantInput[], issues: Issue[]): RoleGrant[] {
  const out: RoleGrant[] = [];
  const seen = new Set<string>();
  // Positions are thunks: found only for a grant given twice.
  const add = (role: string, division: string | undefined, roleAt: () => Source, divisionAt: (() => Source) | undefined): void => {
    const key = `${foldName(role)}\u0000${division === undefined ? '' : foldName(division)}`;
    if (seen.has(key)) {
      issues.push(issueAt((divisionAt ?? roleAt)(), 'error', 'duplicate-name', `Role "${role}" is granted twice in ${division ? `division "${division}"` : 'the home division'}.`, 'Remove the repeated grant.'));
      return;
    }
    seen.add(key);
    out.push(division === undefined ? { role } : { role, division });
  };
  input.forEach((item, index) => {
    if (item === null) return;
    if (typeof item === 'string') {
      add(item.trim(), undefined, () => entry.locate(['roles', index]), undefined);
      return;
    }
    const role = item.role.trim();
    const roleAt = () => entry.locate(['roles', index, 'role']);
    if (item.divisions) {
      item.divisions.forEach((d, k) => add(role, d.trim(), roleAt, () => entry.locate(['roles', index, 'divisions', k])));
    } else {
      add(role, item.division?.trim(), roleAt, item.division === undefined ? undefined : () => entry.locate(['roles', index, 'division']));
    }
  });
  return exact(out);
}

/**
 * Other emails by type, normalised like the primary email. One that is the user's own email, or one
 * listed twice, is an error: Genesys keeps the primary email apart (`primaryContactInfo`), and a
 * second copy of an address could only come back as a change on every plan.
 */
function otherEmails(entry: Entry, user: DesiredUser, map: Record<string, string>, issues: Issue[]): OtherEmail[] {
  const out: OtherEmail[] = [];
  const seen = new Map<string, OtherEmailType>();
  for (const type of OTHER_EMAIL_TYPES) {
    if (map[type] === undefined) continue;
    const where = (): Source => entry.locate(['otherEmails', type]);
    const address = normalEmail(String(map[type]));
    if (address === user.email) {
      issues.push(issueAt(where(), 'error', 'other-email-primary', `otherEmails.${type} is the user's own email (${address}).`, 'The primary email is `email`; list only other addresses under otherEmails.'));
      continue;
    }
    const first = seen.get(address);
    if (first !== undefined) {
      issues.push(issueAt(where(), 'error', 'duplicate-other-email', `otherEmails.${type} repeats otherEmails.${first} (${address}).`, 'Keep the address under one type.'));
      continue;
    }
    seen.set(address, type);
    out.push({ type, address });
  }
  return out;
}

const SIMPLE_TEXT = ['title', 'department', 'division'] as const;

/**
 * Builds the user from a schema-valid entry; issues (bad phones, duplicates) make it unusable.
 * Positions are found only for the issues; the user's own (`at`) are worked out when first asked for.
 */
export function normaliseEntry(entry: Entry, phoneRegion: string | undefined, phoneCache?: PhoneCache): { user: DesiredUser; issues: Issue[] } {
  const v = entry.value;
  const issues: Issue[] = [];
  const at = lazyPositions(entry.positions ?? { locate: entry.locate, value: () => v });
  const user: DesiredUser = { email: normalEmail(String(v.email)), name: trimmed(v.name), source: entry.source, at };
  for (const field of SIMPLE_TEXT) {
    if (v[field] === undefined) continue;
    user[field] = trimmed(v[field]);
  }
  if (v.manager !== undefined) user.manager = normalEmail(String(v.manager));
  if (v.state !== undefined) user.state = v.state as UserState;
  if (v.phones !== undefined) {
    const phones: Phone[] = [];
    const map = v.phones as Record<string, PhoneInput>;
    for (const type of PHONE_TYPES) {
      const input = map[type];
      if (input === undefined) continue;
      const phone = parsePhone(type, input, phoneRegion, phoneCache);
      if (typeof phone === 'string' && hasEmptyExtension(input)) {
        issues.push(issueAt(entry.locate(['phones', type]), 'error', 'empty-extension', `phones.${type}: ${phone}`, 'Write the extension digits after the marker ("+1 317 555 0100 x123"), or remove the marker.'));
      } else if (typeof phone === 'string') {
        issues.push(issueAt(entry.locate(['phones', type]), 'error', 'invalid-phone', `phones.${type}: ${phone}`, 'Write numbers in international form, e.g. "+1 317 555 0100 x123", or set phoneRegion in provision.yaml.'));
      } else {
        phones.push(phone);
      }
    }
    user.phones = exact(phones);
  }
  if (v.otherEmails !== undefined) user.otherEmails = otherEmails(entry, user, v.otherEmails as Record<string, string>, issues);
  if (v.roles !== undefined) user.roles = grants(entry, v.roles as GrantInput[], issues);
  for (const field of ['skills', 'languages'] as const) {
    if (v[field] === undefined) continue;
    user[field] = levels(entry, field, v[field] as Record<string, number>, issues);
  }
  for (const field of ['queues', 'groups', 'locations', 'profileSkills', 'certifications'] as const) {
    if (v[field] === undefined) continue;
    user[field] = uniqueNames(entry, field, v[field] as unknown[], issues);
  }
  if (v.acdAutoAnswer !== undefined) user.acdAutoAnswer = v.acdAutoAnswer as boolean;
  if (v.employerInfo !== undefined) {
    const info = v.employerInfo as Record<string, string>;
    const out: EmployerInfo = {};
    for (const key of ['employeeId', 'employeeType', 'dateHire', 'officialName'] as const) {
      if (info[key] !== undefined) out[key] = trimmed(info[key]);
    }
    user.employerInfo = out;
  }
  return { user, issues };
}
