// A user's `addresses` (phones and other emails): what a write may send, and the four shapes Genesys answers with.
import type { Models } from 'purecloud-platform-client-v2';
import { getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CountryCode } from 'libphonenumber-js';
import { invalidValue } from './errors.js';
import type { SandboxOrg } from './org.js';

/** Phone types (Terraform's phone_numbers `type`: WORK | WORK2 | WORK3 | WORK4 | HOME | MOBILE | OTHER). */
export const PHONE_TYPES: ReadonlySet<string> = new Set(['WORK', 'WORK2', 'WORK3', 'WORK4', 'HOME', 'MOBILE', 'OTHER']);
/** Terraform's `other_emails` allows WORK and HOME only (user/resource_genesyscloud_user_schema.go, otherEmailResource). */
const EMAIL_TYPES = new Set(['WORK', 'HOME']);
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** Terraform validates numbers as E.164 (`validators.ValidatePhoneNumber`). */
const E164 = /^\+[1-9]\d{6,14}$/;
/** Extensions are digits: stricter than the API, which documents no form (Contact: "Use internal extension instead of address"). */
const EXTENSION = /^\d{1,10}$/;

/** `employerInfo.employeeType` values (Terraform user schema: "Employee type (Full-time | Part-time | Contractor)"). */
export const EMPLOYEE_TYPES: readonly string[] = ['Full-time', 'Part-time', 'Contractor'];

/**
 * An `addresses` list as a write sends it, checked and reduced to what the sandbox stores: for a
 * phone `{mediaType, type, address?, extension?}` (a `display` sent is ignored, as it is derived),
 * for an email `{mediaType: 'EMAIL', type, address}`. One entry per media type and type.
 */
export function parseAddresses(list: unknown[], primaryEmail: string): Models.Contact[] {
  const seen = new Set<string>();
  const emails = new Set<string>();
  const primary = primaryEmail.trim().toLowerCase();
  return list.map((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidValue(`addresses[${i}]`, 'An address must be an object.');
    const c = raw as Models.Contact;
    const mediaType = c.mediaType ?? 'PHONE';
    const type = c.type ?? 'WORK';
    if (!['PHONE', 'SMS', 'EMAIL'].includes(mediaType)) throw invalidValue(`addresses[${i}].mediaType`, `Unknown mediaType ${mediaType}.`);
    const key = `${mediaType}/${type}`;
    if (seen.has(key)) throw invalidValue('addresses', `Only one ${mediaType} address of type ${type} is allowed.`);
    seen.add(key);
    if (mediaType === 'EMAIL') {
      if (!EMAIL_TYPES.has(type)) throw invalidValue(`addresses[${i}].type`, `An EMAIL address has type WORK or HOME, not ${type}.`);
      const address = typeof c.address === 'string' ? c.address.trim() : '';
      if (!EMAIL_RE.test(address)) throw invalidValue(`addresses[${i}].address`, `${address || '(none)'} is not a valid email address.`);
      if (c.extension !== undefined) throw invalidValue(`addresses[${i}].extension`, 'An EMAIL address has no extension.');
      // Stricter than documented: the primary email, or one email twice, is refused rather than kept twice.
      const folded = address.toLowerCase();
      if (folded === primary) throw invalidValue(`addresses[${i}].address`, `${address} is the user's primary email; other emails must differ from it.`);
      if (emails.has(folded)) throw invalidValue(`addresses[${i}].address`, `${address} is listed twice.`);
      emails.add(folded);
      return { mediaType, type, address };
    }
    if (!PHONE_TYPES.has(type)) throw invalidValue(`addresses[${i}].type`, `Unknown address type ${type}.`);
    const out: Models.Contact = { mediaType, type };
    if (c.address !== undefined && c.address !== '') {
      if (typeof c.address !== 'string' || !E164.test(c.address)) throw invalidValue(`addresses[${i}].address`, `Phone number ${String(c.address)} is not in E.164 form.`);
      out.address = c.address;
    }
    if (c.extension !== undefined && c.extension !== '') {
      const extension = String(c.extension);
      if (!EXTENSION.test(extension)) throw invalidValue(`addresses[${i}].extension`, `Extension ${extension} must be digits only.`);
      out.extension = extension;
    }
    if (!out.address && !out.extension) throw invalidValue(`addresses[${i}]`, 'A phone needs an address (number) or an extension.');
    return out;
  });
}

/** Whether an extension lies in one of the org's extension pools (compared as numbers, as Terraform's pool look-up does). */
export function inExtensionPool(org: SandboxOrg, extension: string): boolean {
  const n = Number(extension);
  return org.extensionPools.sorted().some((p) => Number(p.startNumber) <= n && n <= Number(p.endNumber));
}

const displays = new Map<string, string>();

/** A number as the API's `display` shows it: national form in the org's default country, international elsewhere. */
function displayOf(number: string, country: string): string {
  const key = `${country}|${number}`;
  let shown = displays.get(key);
  if (shown === undefined) {
    const parsed = parsePhoneNumberFromString(number);
    shown = !parsed ? number : parsed.country === country ? parsed.formatNational() : parsed.formatInternational();
    if (displays.size > 100_000) displays.clear();
    displays.set(key, shown);
  }
  return shown;
}

/** A number-like value the API may put in `address` for a pooled extension; nothing documents what it holds. */
function derivedAddress(country: string, extension: string): string {
  let code = '1';
  try {
    code = getCountryCallingCode(country as CountryCode);
  } catch {
    // An unknown default country keeps the North American code.
  }
  return `+${code}555${extension.padStart(7, '0')}`;
}

/**
 * A stored entry as Genesys answers it. Terraform's flattening of `addresses`
 * (user/resource_genesyscloud_user_utils.go, flattenUserAddresses) records four shapes, values
 * possibly wrapped in "()": (1) `address` only: a number; (2) `extension == display`: an extension
 * in an extension pool, where "some orgs also populate Address" with a derived value that is not
 * the user's number; (3) `extension != display`: number and extension, the number in `display`;
 * (4) `display` only: "an extension that has not been mapped to an internal extension pool yet".
 * The sandbox answers in the most awkward form of each: no `address` in (3), a national display
 * form for numbers of the org's default country (Terraform parses numbers from the API with the
 * org's default country code, util/util_e164.go), a derived `address` in (2), parentheses in (2) and (4).
 */
export function renderContact(org: SandboxOrg, c: Models.Contact): Models.Contact {
  if (c.mediaType === 'EMAIL') return { address: c.address, display: c.address, mediaType: c.mediaType, type: c.type };
  const base = { mediaType: c.mediaType, type: c.type };
  const country = org.defaultCountryCode;
  if (c.address && !c.extension) return { address: c.address, display: displayOf(c.address, country), ...base };
  if (c.address && c.extension) return { display: displayOf(c.address, country), extension: c.extension, ...base };
  const extension = c.extension ?? '';
  if (inExtensionPool(org, extension)) return { address: derivedAddress(country, extension), display: `(${extension})`, extension: `(${extension})`, ...base };
  return { display: `(${extension})`, ...base };
}
