// The CSV layouts' columns, one table per layout, read and written side by side: the users-file reader and `provision export` both build on these rows.
import type { EmployerInfo, OtherEmailType, PhoneType, UserField, VoicemailPolicy, WebrtcPhone } from '../model/index.js';
import { OTHER_EMAIL_TYPES, PHONE_TYPES } from './phones.js';
import { VOICEMAIL_KEYS } from './utilization.js';

/** The CSV layouts provision reads, each recognised by its header (see `detectDialect`). */
export type CsvDialect = 'provision' | 'genesys' | 'starting-guide';

/**
 * How a cell holds its value:
 * - `text`: the value as is; `bool`: true/false (yes/no, y/n, 1/0 when read);
 * - `list`: names split on `separator`; `levels`: `Name:3` items split on `separator`;
 * - `roles`: `Role` or `Role@Division` items, `;`-separated; `roles-divisions`: Genesys's
 *   `employee, User: [Home; Support]` (commas between roles, `;` between divisions);
 * - `phone`: a number with an optional extension (`x4120` for an extension only), of type `key`;
 *   `phone-number` and `phone-extension`: the two halves of the work phone, in two columns;
 * - `other-email`: the other email of type `key`; `employer`: the employer-info part `key`;
 * - `utilization`: `org-default` or `type:capacity` items, `;`-separated (see `utilizationCell`);
 * - `voicemail`: the voicemail-policy key `key` (true/false, or seconds);
 * - `single`: a list field holding one name; `ignored`: read, warned about, and left out.
 */
export type CsvCellKind = 'text' | 'bool' | 'list' | 'levels' | 'roles' | 'roles-divisions' | 'phone' | 'phone-number' | 'phone-extension' | 'other-email' | 'employer' | 'utilization' | 'voicemail' | 'webrtc-phone' | 'single' | 'ignored';

export interface CsvColumn {
  /** The header; the reader matches it without regard to case. */
  header: string;
  /** The users-file field the column fills (undefined for an ignored column). */
  field?: 'email' | 'formerEmails' | 'persona' | 'personas' | UserField;
  kind: CsvCellKind;
  /** The phone type, other-email type, employer-info part or voicemail-policy key. */
  key?: PhoneType | OtherEmailType | keyof EmployerInfo | keyof VoicemailPolicy | keyof WebrtcPhone;
  /** Between the items of a `list` or `levels` cell. */
  separator?: ',' | ';';
  /** A cell of just `-` means *none* (an explicit empty list or map). */
  none?: true;
  /** Whether `provision export` writes the column; the reader reads every column of its layout. */
  written: boolean;
}

/** A cell holding only this means "none" in the columns marked `none`. */
export const NONE = '-';

/** The parts of `webrtcPhone`, one CSV column each (`webrtcPhone_site`, `webrtcPhone_phoneBase`; `-` in either: no phone). */
export const WEBRTC_PHONE_KEYS = ['site', 'phoneBase'] as const;

const text = (field: 'email' | 'name' | 'title' | 'department' | 'division' | 'manager' | 'state', header: string = field): CsvColumn => ({ header, field, kind: 'text', written: true });
const list = (field: 'queues' | 'groups' | 'locations' | 'profileSkills' | 'certifications', separator: ',' | ';'): CsvColumn => ({ header: field, field, kind: 'list', separator, none: true, written: true });
const levels = (field: 'skills' | 'languages', separator: ',' | ';'): CsvColumn => ({ header: field, field, kind: 'levels', separator, none: true, written: true });
const employer = (key: keyof EmployerInfo, header: string = key, written = true): CsvColumn => ({ header, field: 'employerInfo', kind: 'employer', key, written });

/**
 * provision's own columns, in the order export writes them: the YAML field names, phones as
 * `phone_<type>`, other emails as `otherEmail_<type>`, employer info by its part names, the utilization in one
 * cell, the voicemail policy as `voicemail_<key>`.
 */
export const PROVISION_COLUMNS: readonly CsvColumn[] = [
  text('email'),
  // Read, never written: the org keeps no former emails, so an export has none to write.
  { header: 'formerEmails', field: 'formerEmails', kind: 'list', separator: ';', written: false },
  text('name'),
  text('title'),
  text('department'),
  text('division'),
  text('manager'),
  text('state'),
  ...PHONE_TYPES.map((type): CsvColumn => ({ header: `phone_${type}`, field: 'phones', kind: 'phone', key: type, written: true })),
  ...OTHER_EMAIL_TYPES.map((type): CsvColumn => ({ header: `otherEmail_${type}`, field: 'otherEmails', kind: 'other-email', key: type, written: true })),
  { header: 'roles', field: 'roles', kind: 'roles', none: true, written: true },
  levels('skills', ';'),
  levels('languages', ';'),
  list('queues', ';'),
  list('groups', ';'),
  list('locations', ';'),
  { header: 'acdAutoAnswer', field: 'acdAutoAnswer', kind: 'bool', written: true },
  list('profileSkills', ';'),
  list('certifications', ';'),
  employer('employeeId'),
  employer('employeeType'),
  employer('dateHire'),
  employer('officialName'),
  { header: 'utilization', field: 'utilization', kind: 'utilization', written: true },
  ...VOICEMAIL_KEYS.map((key): CsvColumn => ({ header: `voicemail_${key}`, field: 'voicemail', kind: 'voicemail', key, written: true })),
  ...WEBRTC_PHONE_KEYS.map((key): CsvColumn => ({ header: `webrtcPhone_${key}`, field: 'webrtcPhone', kind: 'webrtc-phone', key, written: true })),
  // The personas a user takes; export writes `persona` when `--personas` gives one (a column no user fills is left out).
  { header: 'persona', field: 'persona', kind: 'text', written: true },
  { header: 'personas', field: 'personas', kind: 'list', separator: ';', written: false },
];

/**
 * Genesys Cloud's admin-UI bulk import/export, in the order its help page requires
 * ("Add people with .csv file import"), then `hire_date`, which the admin UI's own example file
 * carries but the help page leaves out: read, never written, so exported files keep the documented header.
 */
export const GENESYS_ADMIN_COLUMNS: readonly CsvColumn[] = [
  text('name'),
  text('email'),
  { header: 'phone_work', field: 'phones', kind: 'phone-number', key: 'work', written: true },
  { header: 'extension', field: 'phones', kind: 'phone-extension', key: 'work', written: true },
  text('title'),
  text('department'),
  text('manager', 'email_manager'),
  { header: 'location_work', field: 'locations', kind: 'single', none: true, written: true },
  { header: 'roles_divisions', field: 'roles', kind: 'roles-divisions', none: true, written: true },
  list('queues', ','),
  text('division'),
  levels('skills', ','),
  employer('dateHire', 'hire_date', false),
];

/**
 * The Genesys "user provisioning" developer starting guide's CSV (its headers are upper-case:
 * `NAME,EMAIL,GROUP,ROLE,SITENAME,PHONEBASE`): one group and one role per row; `SITENAME` and
 * `PHONEBASE` give the user a WebRTC phone, as the guide does. Read only.
 */
export const STARTING_GUIDE_COLUMNS: readonly CsvColumn[] = [
  { ...text('name'), written: false },
  { ...text('email'), written: false },
  { header: 'group', field: 'groups', kind: 'single', written: false },
  { header: 'role', field: 'roles', kind: 'single', written: false },
  { header: 'sitename', field: 'webrtcPhone', kind: 'webrtc-phone', key: 'site', written: false },
  { header: 'phonebase', field: 'webrtcPhone', kind: 'webrtc-phone', key: 'phoneBase', written: false },
];

export const CSV_COLUMNS: Readonly<Record<CsvDialect, readonly CsvColumn[]>> = {
  provision: PROVISION_COLUMNS,
  genesys: GENESYS_ADMIN_COLUMNS,
  'starting-guide': STARTING_GUIDE_COLUMNS,
};
