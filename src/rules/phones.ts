// Phone and other-email types, and what makes two phones the same line: one order and one key for the reader, the planner, apply, the renderers and the export.
import type { OtherEmailType, Phone, PhoneType } from '../model/index.js';

/** Phone types in the users files' order (the schema's, and the CSV's `phone_<type>` columns): work lines, mobile, home, other. */
export const PHONE_TYPES: readonly PhoneType[] = ['work', 'work2', 'work3', 'work4', 'mobile', 'home', 'other'];

/** Other-email types, work before home (the ones Terraform's `other_emails` allows). */
export const OTHER_EMAIL_TYPES: readonly OtherEmailType[] = ['work', 'home'];

const PHONE_TYPE_SET: ReadonlySet<string> = new Set(PHONE_TYPES);
const OTHER_EMAIL_TYPE_SET: ReadonlySet<string> = new Set(OTHER_EMAIL_TYPES);

export function isPhoneType(type: string): type is PhoneType {
  return PHONE_TYPE_SET.has(type);
}

export function isOtherEmailType(type: string): type is OtherEmailType {
  return OTHER_EMAIL_TYPE_SET.has(type);
}

/** Two phones are the same line exactly when their keys are equal: type, medium, number, extension. */
export function phoneKey(phone: Phone): string {
  return `${phone.type}|${phone.mediaType}|${phone.number ?? ''}|${phone.extension ?? ''}`;
}

/** Sorts phones by type in `PHONE_TYPES` order, then by the rest of their key. */
export function phoneSortKey(phone: Phone): string {
  return `${PHONE_TYPES.indexOf(phone.type)}|${phoneKey(phone)}`;
}

/** A whole list of phones as one key, whatever its order: two lists hold the same lines exactly when these are equal. */
export function phonesKey(phones: readonly Phone[] | undefined): string {
  return (phones ?? []).map(phoneKey).sort().join(';');
}
