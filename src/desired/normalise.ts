// Turns a schema-valid entry into a DesiredUser: normalised emails and phones, flattened role grants, positions.
import { createRequire } from 'node:module';
import type * as Libphonenumber from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import type { DesiredUser, EmployerInfo, Issue, OtherEmail, OtherEmailType, Phone, PhoneType, RoleGrant, Source, UserState, VoicemailPolicy, WebrtcPhone } from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { foldName } from '../rules/names.js';
import { OTHER_EMAIL_TYPES, PHONE_TYPES } from '../rules/phones.js';
import { normalUtilization, VOICEMAIL_KEYS } from '../rules/utilization.js';
import { webrtcPhoneOf } from './webrtc-phone.js';
import type { MediaInput } from '../rules/utilization.js';
import type { Entry } from './entry.js';
import { issueAt } from './issues.js';
import { lazyPositions } from './positions.js';

const require = createRequire(import.meta.url);
let phoneLibrary: typeof Libphonenumber | undefined;

/**
 * libphonenumber-js, loaded when a number is first read: as ES modules it is a hundred files to
 * resolve and link, more than a large users folder spends on its phones, and its CommonJS build
 * loads in half the time.
 */
export function libphonenumber(): typeof Libphonenumber {
  phoneLibrary ??= require('libphonenumber-js') as typeof Libphonenumber;
  return phoneLibrary;
}

/** Printable ASCII (and blanks): a name in it is already in NFC. */
const ASCII = /^[\t\n\r\x20-\x7e]*$/;

/** foldName; such a name is only trimmed and lower-cased (as foldName would). */
function fold(name: string): string {
  return ASCII.test(name) ? name.trim().toLowerCase() : foldName(name);
}

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

/** A number followed by its extension (`… x123`, `…, ext. 123`, `… #123`). */
const TRAILING_EXTENSION = /^(.*?)(?:\s*[,;]?\s*(?:x|ext\.?|extension|#)\s*(\d{1,10}))\s*$/i;

/** Parses a phone to E.164 (with extension); returns an error message instead when it cannot. */
export function parsePhone(type: PhoneType, input: PhoneInput, region: string | undefined, cache?: PhoneCache): Phone | string {
  const isText = typeof input === 'string';
  const mediaType = !isText && input.sms ? 'SMS' : 'PHONE';
  let text = (isText ? input : input.number)?.trim() ?? '';
  let extension = isText ? undefined : input.extension?.trim();
  const extOnly = EXTENSION.exec(text);
  if (extOnly) {
    return extension ? `"${text}" gives an extension twice.` : { type, extension: extOnly[1]!, mediaType };
  }
  if (!text) {
    return extension ? { type, extension, mediaType } : 'a phone needs a number or an extension.';
  }
  if (EMPTY_EXTENSION.test(text)) return `"${text}" has an extension marker with no digits after it.`;
  const match = TRAILING_EXTENSION.exec(text);
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
  const ext = extension ?? parsed.ext;
  return ext ? { type, number: parsed.number, mediaType, extension: ext } : { type, number: parsed.number, mediaType };
}

function parseNumber(text: string, region: string | undefined): { number: string; ext?: string } | string {
  try {
    const parsed = libphonenumber().parsePhoneNumberWithError(text, region ? { defaultCountry: region as CountryCode } : undefined);
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

/**
 * The folded names met so far in the field being checked, with what the first of each was. One is
 * kept for the module and reset for each field: a Map made for every field of every user cost more
 * than the rest of normalising; a long list of names moves to a Map.
 */
class Met<T> {
  private readonly keys: string[] = [];
  private readonly firsts: T[] = [];
  private count = 0;
  private map: Map<string, T> | undefined;

  reset(): this {
    this.count = 0;
    this.map = undefined;
    return this;
  }

  get(key: string): T | undefined {
    if (this.map) return this.map.get(key);
    for (let i = 0; i < this.count; i++) if (this.keys[i] === key) return this.firsts[i];
    return undefined;
  }

  set(key: string, first: T): void {
    if (this.map) {
      this.map.set(key, first);
      return;
    }
    if (this.count === 32) {
      this.map = new Map();
      for (let i = 0; i < this.count; i++) this.map.set(this.keys[i]!, this.firsts[i]!);
      this.map.set(key, first);
      return;
    }
    this.keys[this.count] = key;
    this.firsts[this.count] = first;
    this.count++;
  }
}

const metIndex = new Met<number>();
const metName = new Met<string>();

/** Checks a list of names for case-insensitive duplicates; returns the unique names. */
function uniqueNames(entry: Entry, field: string, names: unknown[], issues: Issue[]): string[] {
  const seen = metIndex.reset();
  // Made at its final length (a list grown by push keeps room for 16 items), cut short if names are left out.
  const out = new Array<string>(names.length);
  let count = 0;
  for (let index = 0; index < names.length; index++) {
    const raw = names[index];
    // An item that failed the schema is left out (as null) so that the others keep their positions; a hole is no item.
    if (raw === null || (raw === undefined && !(index in names))) continue;
    const name = trimmed(raw);
    // A single name has nothing to be a duplicate of.
    if (names.length > 1) {
      const key = fold(name);
      const first = seen.get(key);
      if (first !== undefined) {
        issues.push(issueAt(entry.locate([field, index]), 'error', 'duplicate-name', `"${name}" is listed twice in ${field}.`, `Remove one of them (the first is item ${first + 1}).`));
        continue;
      }
      seen.set(key, index);
    }
    out[count++] = name;
  }
  if (count < out.length) out.length = count;
  return out;
}

function levels(entry: Entry, field: 'skills' | 'languages', map: Record<string, number>, issues: Issue[]): Record<string, number> {
  const out: Record<string, number> = {};
  const seen = metName.reset();
  for (const rawName of Object.keys(map)) {
    const name = rawName.trim();
    const key = fold(name);
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
    out[name] = map[rawName]!;
  }
  return out;
}

type GrantInput = string | { role: string; division?: string; divisions?: string[] } | null;

/** Where a grant is written: the list item, its `role`, its `division`, or item `k` of its `divisions`. */
function grantAt(entry: Entry, index: number, division: 'item' | 'role' | 'division' | number): Source {
  if (division === 'item') return entry.locate(['roles', index]);
  if (division === 'role' || division === 'division') return entry.locate(['roles', index, division]);
  return entry.locate(['roles', index, 'divisions', division]);
}

function grants(entry: Entry, input: GrantInput[], issues: Issue[]): RoleGrant[] {
  const out: RoleGrant[] = [];
  const seen = new Set<string>();
  // Positions are found only for a grant given twice.
  const add = (role: string, division: string | undefined, index: number, where: 'item' | 'role' | 'division' | number): void => {
    const key = `${fold(role)}\u0000${division === undefined ? '' : fold(division)}`;
    if (seen.has(key)) {
      issues.push(issueAt(grantAt(entry, index, where), 'error', 'duplicate-name', `Role "${role}" is granted twice in ${division ? `division "${division}"` : 'the home division'}.`, 'Remove the repeated grant.'));
      return;
    }
    seen.add(key);
    out.push(division === undefined ? { role } : { role, division });
  };
  for (let index = 0; index < input.length; index++) {
    const item = input[index];
    if (item === null || (item === undefined && !(index in input))) continue;
    if (typeof item === 'string') {
      add(item.trim(), undefined, index, 'item');
      continue;
    }
    const role = item!.role.trim();
    const divisions = item!.divisions;
    if (divisions) {
      for (let k = 0; k < divisions.length; k++) if (k in divisions) add(role, divisions[k]!.trim(), index, k);
    } else {
      add(role, item!.division?.trim(), index, item!.division === undefined ? 'role' : 'division');
    }
  }
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

/**
 * Former emails, normalised like the primary one. The user's own email, or one listed twice, is an
 * error: a former email names another address the same person had (the rules across users check the
 * others' emails).
 */
function formerEmails(entry: Entry, user: DesiredUser, list: unknown[], issues: Issue[]): string[] {
  const out: string[] = [];
  for (let index = 0; index < list.length; index++) {
    const raw = list[index];
    if (raw === null || (raw === undefined && !(index in list))) continue;
    const address = normalEmail(String(raw));
    const where = (): Source => entry.locate(['formerEmails', index]);
    if (address === user.email) {
      issues.push(issueAt(where(), 'error', 'former-email-self', `formerEmails lists the user's own email (${address}).`, 'List only addresses the user had before `email`.'));
      continue;
    }
    if (out.includes(address)) {
      issues.push(issueAt(where(), 'error', 'duplicate-former-email', `${address} is listed twice in formerEmails.`, 'Keep one of them.'));
      continue;
    }
    out.push(address);
  }
  return out;
}

const SIMPLE_TEXT = ['title', 'department', 'division'] as const;
const LEVEL_FIELDS = ['skills', 'languages'] as const;
const NAME_FIELDS = ['queues', 'groups', 'locations', 'profileSkills', 'certifications'] as const;
const EMPLOYER_FIELDS = ['employeeId', 'employeeType', 'dateHire', 'officialName'] as const;

/**
 * Builds the user from a schema-valid entry; issues (bad phones, duplicates) make it unusable.
 * Positions are found only for the issues; the user's own (`at`) are worked out when first asked for.
 */
export function normaliseEntry(entry: Entry, phoneRegion: string | undefined, phoneCache?: PhoneCache): { user: DesiredUser; issues: Issue[] } {
  const v = entry.value;
  const issues: Issue[] = [];
  const at = lazyPositions(entry.positions ?? { locate: entry.locate, value: () => v });
  const user: DesiredUser = { email: normalEmail(String(v.email)), source: entry.source, at };
  // Left out, the name is not managed: fine for a user that exists, an error for one to create (the plan says).
  if (v.name !== undefined) user.name = trimmed(v.name);
  if (v.formerEmails !== undefined) user.formerEmails = formerEmails(entry, user, v.formerEmails as unknown[], issues);
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
  for (const field of LEVEL_FIELDS) {
    if (v[field] === undefined) continue;
    user[field] = levels(entry, field, v[field] as Record<string, number>, issues);
  }
  for (const field of NAME_FIELDS) {
    if (v[field] === undefined) continue;
    user[field] = uniqueNames(entry, field, v[field] as unknown[], issues);
  }
  if (v.acdAutoAnswer !== undefined) user.acdAutoAnswer = v.acdAutoAnswer as boolean;
  if (v.employerInfo !== undefined) {
    const info = v.employerInfo as Record<string, string>;
    const out: EmployerInfo = {};
    for (const key of EMPLOYER_FIELDS) {
      if (info[key] !== undefined) out[key] = trimmed(info[key]);
    }
    user.employerInfo = out;
  }
  if (v.utilization !== undefined) user.utilization = normalUtilization(v.utilization as string | Record<string, MediaInput>);
  if (v.voicemail !== undefined) {
    const policy = v.voicemail as VoicemailPolicy;
    const out: Record<string, unknown> = {};
    for (const key of VOICEMAIL_KEYS) if (policy[key] !== undefined) out[key] = policy[key];
    user.voicemail = out as VoicemailPolicy;
  }
  if (v.webrtcPhone !== undefined) user.webrtcPhone = webrtcPhoneOf(entry, v.state, v.webrtcPhone as WebrtcPhone | false, issues);
  return { user, issues };
}
