// Normalisation applied to both sides before comparing: emails, text, string sets, phones, other emails, employer info.
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import type { EmployerInfo, OtherEmail, Phone } from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { compareStrings } from '../rules/order.js';
import { OTHER_EMAIL_TYPES, phoneKey, phoneSortKey } from '../rules/phones.js';

/** Printable ASCII (and blanks): text in it is already NFC, and normalize() would only copy it. */
const ASCII = /^[\t\n\r\x20-\x7e]*$/;

function nfc(text: string): string {
  return ASCII.test(text) ? text : text.normalize('NFC');
}

/** Trimmed NFC text; blank means "none". */
export function normalText(text: string | undefined | null): string | null {
  if (text === undefined || text === null) return null;
  const trimmed = nfc(text.trim());
  return trimmed === '' ? null : trimmed;
}

/**
 * An org value as it is (NFC), blank meaning "none". Not trimmed: the files' values are, and an org
 * value with stray spaces must show as a change, or no plan could ever correct it.
 */
export function orgText(text: string | undefined | null): string | null {
  if (text === undefined || text === null || text.trim() === '') return null;
  return nfc(text);
}

/** Trimmed (untrimmed for the org's, see `orgText`), de-duplicated, sorted strings (profile skills, certifications). */
export function normalStrings(list: readonly string[] | undefined, org = false): string[] {
  if (!list) return [];
  const out = new Set<string>();
  for (const item of list) {
    const text = org ? orgText(item) : normalText(item);
    if (text !== null) out.add(text);
  }
  return [...out].sort(compareStrings);
}

const E164 = /^\+[1-9]\d{1,14}$/;

/** Parsing is the slow part of comparing phones, and offices share numbers (extensions differ): remember answers. */
const parsedPhones = new Map<string, { number: string; extension?: string }>();
const MAX_PARSED_PHONES = 100_000;

function parsedPhone(raw: string, region: string | undefined): { number: string; extension?: string } {
  const key = `${region ?? ''}|${raw}`;
  let answer = parsedPhones.get(key);
  if (answer) return answer;
  const parsed = parsePhoneNumberFromString(raw, region ? { defaultCountry: region.toUpperCase() as CountryCode } : undefined);
  if (parsed) answer = { number: parsed.number, extension: parsed.ext || undefined };
  else {
    // Unparseable: compare digits only, so formatting alone never shows as a change.
    const digits = raw.replace(/[^\d+]/g, '');
    answer = { number: digits === '' ? raw : digits };
  }
  if (parsedPhones.size >= MAX_PARSED_PHONES) parsedPhones.clear();
  parsedPhones.set(key, answer);
  return answer;
}

/**
 * A phone in canonical form: E.164 number, trimmed extension. The API sometimes answers a display
 * form ("+1 317-555-0100 ext. 12"), which is parsed back into number and extension.
 */
export function normalPhone(phone: Phone, region?: string): Phone {
  let number = phone.number?.trim() || undefined;
  let extension = phone.extension?.trim() || undefined;
  if (number !== undefined && !E164.test(number)) {
    const parsed = parsedPhone(number, region);
    number = parsed.number;
    extension = extension ?? parsed.extension;
  }
  const out: Phone = { type: phone.type, mediaType: phone.mediaType ?? 'PHONE' };
  if (number !== undefined) out.number = number;
  if (extension !== undefined) out.extension = extension;
  return out;
}

/** Canonical, de-duplicated phones sorted by type then media type: two lists are equal iff these are. */
export function normalPhones(phones: readonly Phone[] | undefined, region?: string): Phone[] {
  if (!phones) return [];
  const byKey = new Map<string, Phone>();
  for (const phone of phones) {
    const normal = normalPhone(phone, region);
    byKey.set(phoneSortKey(normal), normal);
  }
  return [...byKey.keys()].sort(compareStrings).map((key) => byKey.get(key) as Phone);
}

export function samePhones(a: readonly Phone[], b: readonly Phone[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    if (phoneKey(a[i] as Phone) !== phoneKey(b[i] as Phone)) return false;
  }
  return true;
}

/** Other emails normalised like identity emails, one per type, work before home. */
export function normalOtherEmails(emails: readonly OtherEmail[] | undefined): OtherEmail[] {
  const byType = new Map<string, OtherEmail>();
  for (const e of emails ?? []) {
    const address = normalEmail(e.address);
    if (address !== '') byType.set(e.type, { type: e.type, address });
  }
  return [...byType.values()].sort((a, b) => OTHER_EMAIL_TYPES.indexOf(a.type) - OTHER_EMAIL_TYPES.indexOf(b.type) || compareStrings(a.type, b.type));
}

export function sameOtherEmails(a: readonly OtherEmail[], b: readonly OtherEmail[]): boolean {
  return a.length === b.length && a.every((e, i) => e.type === b[i]?.type && e.address === b[i]?.address);
}

/** Whether an extension lies in a pool `start`–`end` (compared as numbers, as Terraform's pool look-up does). */
export function inRange(extension: string, range: { start: string; end: string }): boolean {
  const n = Number(extension);
  return Number.isFinite(n) && Number(range.start) <= n && n <= Number(range.end);
}

const EMPLOYER_KEYS = ['employeeId', 'employeeType', 'dateHire', 'officialName'] as const;

/** Employer info with blank parts dropped (the org's untrimmed, see `orgText`); null when nothing is left. */
export function normalEmployerInfo(info: EmployerInfo | undefined | null, org = false): EmployerInfo | null {
  if (!info) return null;
  const out: EmployerInfo = {};
  for (const key of EMPLOYER_KEYS) {
    const value = org ? orgText(info[key]) : normalText(info[key]);
    if (value !== null) out[key] = value;
  }
  return Object.keys(out).length === 0 ? null : out;
}

export function sameEmployerInfo(a: EmployerInfo | null, b: EmployerInfo | null): boolean {
  if (a === null || b === null) return a === b;
  return EMPLOYER_KEYS.every((key) => a[key] === b[key]);
}
