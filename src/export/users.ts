// Org users to ExportUsers: ids become names, lists are sorted, and whatever cannot be said is left out with a note.
import { parsePhone } from '../desired/normalise.js';
import type { PhoneCache } from '../desired/normalise.js';
import type { EmployerInfo, ExpandedField, Issue, Named, OrgState, OrgUser, OrgUtilization, OtherEmail, Phone, PhoneType, RoleGrant, Utilization } from '../model/index.js';
import { compareClaims, normalEmail } from '../rules/identity.js';
import { foldName } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';
import { OTHER_EMAIL_TYPES, PHONE_TYPES } from '../rules/phones.js';
import { ORG_DEFAULT, ownSettings } from '../rules/utilization.js';
import type { ExportField, ExportNote, ExportUser, Level } from './types.js';

/** Names of one kind of look-up by id, and which folded names more than one object shares. */
interface Names {
  label: string;
  byId: Map<string, string>;
  ambiguous: Set<string>;
}

function namesOf(label: string, list: readonly Named[]): Names {
  const byId = new Map<string, string>();
  const seen = new Set<string>();
  const ambiguous = new Set<string>();
  for (const item of list) {
    byId.set(item.id, item.name);
    const key = foldName(item.name);
    if (seen.has(key)) ambiguous.add(key);
    seen.add(key);
  }
  return { label, byId, ambiguous };
}

/** The name of `id`, or why it cannot be written (unknown id, blank or shared name). */
function nameOf(names: Names, id: string): { name: string } | { problem: string } {
  const name = names.byId.get(id);
  if (name === undefined) return { problem: `${names.label} ${id} is not among the ${names.label}s this client can read` };
  if (foldName(name) === '') return { problem: `${names.label} ${id} has no name` };
  if (names.ambiguous.has(foldName(name))) return { problem: `${names.label} "${name}" names more than one ${names.label} in the org (names are matched case-insensitively)` };
  return { name: name.trim() };
}

/** Everything the per-user conversion needs, built once per export. */
export interface ConvertContext {
  org: OrgState;
  fields: ReadonlySet<ExportField>;
  names: Record<'skills' | 'languages' | 'queues' | 'groups' | 'roles' | 'divisions' | 'locations', Names>;
  /** The user the planner would match for each email (one per email among live users). */
  liveByEmail: Map<string, OrgUser>;
  byId: Map<string, OrgUser>;
  /** user id → queue ids; undefined when the read did not cover every queue. */
  queuesOf: Map<string, string[]> | undefined;
  /** Live users by email, where more than one shares it. */
  shared: Map<string, OrgUser[]>;
  /** Parsed phone numbers: offices share main numbers across many users. */
  phoneCache: PhoneCache;
}

export function convertContext(org: OrgState, fields: ReadonlySet<ExportField>): ConvertContext {
  const l = org.lookups;
  const liveByEmail = new Map<string, OrgUser>();
  const byId = new Map<string, OrgUser>();
  const shared = new Map<string, OrgUser[]>();
  for (const user of org.users) {
    byId.set(user.id, user);
    if (user.state === 'deleted') continue;
    const seen = liveByEmail.get(user.email);
    if (seen) shared.set(user.email, [...(shared.get(user.email) ?? [seen]), user]);
    // Export the one the planner manages.
    if (!seen || compareClaims(user, seen) < 0) liveByEmail.set(user.email, user);
  }
  const complete = l.queues.every((q) => org.queueMembers[q.id] !== undefined);
  let queuesOf: Map<string, string[]> | undefined;
  if (complete) {
    queuesOf = new Map();
    for (const [queueId, members] of Object.entries(org.queueMembers)) {
      for (const userId of members) {
        const list = queuesOf.get(userId);
        if (list) list.push(queueId);
        else queuesOf.set(userId, [queueId]);
      }
    }
  }
  return {
    org,
    fields,
    names: {
      skills: namesOf('skill', l.skills),
      languages: namesOf('language', l.languages),
      queues: namesOf('queue', l.queues),
      groups: namesOf('group', l.groups),
      roles: namesOf('role', l.roles),
      divisions: namesOf('division', l.divisions),
      locations: namesOf('location', l.locations),
    },
    liveByEmail,
    byId,
    queuesOf,
    shared,
    phoneCache: new Map(),
  };
}

/** Trimmed text, undefined when blank. */
function text(value: string | undefined): string | undefined {
  const t = value?.trim();
  return t ? t : undefined;
}

/** Trimmed, de-duplicated and sorted; undefined when two differ only by case (the files could not say both). */
function sortedUnique(list: readonly string[]): { items: string[] } | { clash: string } {
  const byKey = new Map<string, string>();
  for (const raw of list) {
    const item = raw.trim();
    if (!item) continue;
    const key = foldName(item);
    const seen = byKey.get(key);
    if (seen !== undefined && seen !== item.normalize('NFC')) return { clash: `"${seen}" and "${item}"` };
    byKey.set(key, item.normalize('NFC'));
  }
  return { items: [...byKey.values()].sort(compareStrings) };
}

function note(notes: ExportNote[], field: string, reason: string): void {
  notes.push({ code: `unexportable-${field}`, message: `${reason}; ${field} left out (not managed).` });
}

function idsToNames(context: ConvertContext, kind: 'queues' | 'groups' | 'locations', ids: readonly string[], notes: ExportNote[]): string[] | undefined {
  const names: string[] = [];
  for (const id of new Set(ids)) {
    const found = nameOf(context.names[kind], id);
    if ('problem' in found) return note(notes, kind, found.problem), undefined;
    names.push(found.name);
  }
  const unique = sortedUnique(names);
  if ('clash' in unique) return note(notes, kind, `${unique.clash} differ only by case`), undefined;
  return unique.items.length > 0 ? unique.items : undefined;
}

function levels(context: ConvertContext, kind: 'skills' | 'languages', map: Record<string, number> | undefined, notes: ExportNote[]): Level[] | undefined {
  const out: Level[] = [];
  for (const [id, level] of Object.entries(map ?? {})) {
    const found = nameOf(context.names[kind], id);
    if ('problem' in found) return note(notes, kind, found.problem), undefined;
    out.push([found.name, Number(level)]);
  }
  out.sort((a, b) => compareStrings(a[0], b[0]));
  return out.length > 0 ? out : undefined;
}

/** The phone as the desired reader would read it back: checked by that very reader. */
function phones(list: readonly Phone[], notes: ExportNote[], cache: PhoneCache): Phone[] | undefined {
  const byType = new Map<PhoneType, Phone>();
  for (const phone of list) {
    if (byType.has(phone.type)) return note(notes, 'phones', `the org holds more than one ${phone.type} phone (the files hold one per type)`), undefined;
    const number = text(phone.number);
    const extension = text(phone.extension);
    const read = parsePhone(phone.type, { number, extension, sms: phone.mediaType === 'SMS' }, undefined, cache);
    const badExtension = extension !== undefined && !/^\d{1,10}$/.test(extension);
    if (badExtension || typeof read === 'string' || read.number !== number || read.extension !== extension) {
      const shown = [number, extension && `x${extension}`].filter(Boolean).join(' ');
      return note(notes, 'phones', `the ${phone.type} phone "${shown}" is not a number the users files can hold`), undefined;
    }
    const out: Phone = { type: phone.type, mediaType: phone.mediaType };
    if (number !== undefined) out.number = number;
    if (extension !== undefined) out.extension = extension;
    byType.set(phone.type, out);
  }
  const out = PHONE_TYPES.flatMap((type) => byType.get(type) ?? []);
  return out.length > 0 ? out : undefined;
}

/** Other emails as the files hold them: one per type, none equal to the user's own email (validate refuses that). */
function otherEmails(user: OrgUser, notes: ExportNote[]): OtherEmail[] | undefined {
  const byType = new Map<string, OtherEmail>();
  for (const e of user.otherEmails ?? []) {
    const address = normalEmail(e.address);
    if (byType.has(e.type)) return note(notes, 'otherEmails', `the org holds more than one ${e.type} email (the files hold one per type)`), undefined;
    if (address === user.email) return note(notes, 'otherEmails', `the ${e.type} email is the user's own email`), undefined;
    if ([...byType.values()].some((o) => o.address === address)) return note(notes, 'otherEmails', `the address ${address} is held twice`), undefined;
    byType.set(e.type, { type: e.type, address });
  }
  const out = OTHER_EMAIL_TYPES.flatMap((type) => byType.get(type) ?? []);
  return out.length > 0 ? out : undefined;
}

function roles(context: ConvertContext, user: OrgUser, notes: ExportNote[]): RoleGrant[] | undefined {
  if (user.roleGrants === undefined) {
    if ((user.roleIds ?? []).length > 0) note(notes, 'roles', 'the role grants were not read');
    return undefined;
  }
  const seen = new Set<string>();
  const out: { grant: RoleGrant; home: boolean }[] = [];
  for (const grant of user.roleGrants) {
    const key = `${grant.roleId}|${grant.divisionId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const role = nameOf(context.names.roles, grant.roleId);
    if ('problem' in role) return note(notes, 'roles', role.problem), undefined;
    const home = grant.divisionId === context.org.homeDivisionId;
    if (home) {
      out.push({ grant: { role: role.name }, home });
      continue;
    }
    // A grant in all divisions is written as Genesys names it, `*` (users files read it back the same way).
    if (grant.divisionId === '*') {
      out.push({ grant: { role: role.name, division: '*' }, home });
      continue;
    }
    const division = nameOf(context.names.divisions, grant.divisionId);
    if ('problem' in division) return note(notes, 'roles', `the role "${role.name}" is granted in a division this client cannot name (${division.problem})`), undefined;
    out.push({ grant: { role: role.name, division: division.name }, home });
  }
  out.sort((a, b) => compareStrings(a.grant.role, b.grant.role) || Number(b.home) - Number(a.home) || compareStrings(a.grant.division ?? '', b.grant.division ?? ''));
  return out.length > 0 ? out.map((g) => g.grant) : undefined;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The values the users schema allows (Terraform's user schema: Full-time | Part-time | Contractor). */
const EMPLOYEE_TYPES = ['Full-time', 'Part-time', 'Contractor'];

function employerInfo(info: EmployerInfo | undefined, notes: ExportNote[]): EmployerInfo | undefined {
  if (!info) return undefined;
  const out: EmployerInfo = {};
  for (const key of ['employeeId', 'employeeType', 'dateHire', 'officialName'] as const) {
    const value = text(info[key]);
    if (value !== undefined) out[key] = value;
  }
  if (out.dateHire !== undefined && !DATE.test(out.dateHire)) return note(notes, 'employerInfo', `the hire date "${out.dateHire}" is not a YYYY-MM-DD date`), undefined;
  if (out.employeeType !== undefined && !EMPLOYEE_TYPES.includes(out.employeeType)) {
    return note(notes, 'employerInfo', `the employee type "${out.employeeType}" is not one of ${EMPLOYEE_TYPES.join(', ')}`), undefined;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `org-default`, or the media types that differ from the org's default (what a plan compares). A user whose own
 * settings all equal the default keeps them all: the files cannot say "own settings" with no media type.
 */
function exportedUtilization(value: OrgUtilization, orgDefault: OrgState['utilizationDefault']): Utilization {
  if (value === ORG_DEFAULT) return ORG_DEFAULT;
  const own = ownSettings(value.media, orgDefault);
  return Object.keys(own).length > 0 ? own : value.media;
}

function manager(context: ConvertContext, managerId: string, notes: ExportNote[]): string | undefined {
  const found = context.byId.get(managerId);
  if (!found || found.state === 'deleted') {
    note(notes, 'manager', `the manager (user ${managerId}) is not a user this client can read${found ? ' (deleted)' : ''}`);
    return undefined;
  }
  if (context.liveByEmail.get(found.email)?.id !== found.id) {
    note(notes, 'manager', `the manager ${found.email} (user ${managerId}) shares the email with another user, so the files cannot name them`);
    return undefined;
  }
  return found.email;
}

/** A field Genesys left out of every read of this user: not written (left unmanaged), with a note. */
function unknown(user: OrgUser, field: ExpandedField, notes: ExportNote[]): boolean {
  if (!user.unknown?.includes(field)) return false;
  note(notes, field, `Genesys did not return the user's ${field} (expansions are resolved "with a best effort approach")`);
  return true;
}

function divisionOf(context: ConvertContext, user: OrgUser): ReturnType<typeof nameOf> | undefined {
  return user.divisionId === undefined ? undefined : nameOf(context.names.divisions, user.divisionId);
}

function groupByFrom(division: ReturnType<typeof nameOf> | undefined, user: OrgUser): ExportUser['groupBy'] {
  return { division: division && 'name' in division ? division.name : undefined, department: text(user.department) };
}

/** What the user's file is chosen by, as `convertUser` gives it: their division's name (when it can be written) and department. */
export function groupByOf(context: ConvertContext, user: OrgUser): ExportUser['groupBy'] {
  return groupByFrom(divisionOf(context, user), user);
}

/** One org user as the users/ files say them. */
export function convertUser(context: ConvertContext, user: OrgUser): ExportUser {
  const { fields } = context;
  const notes: ExportNote[] = [];
  const has = (field: ExportField): boolean => fields.has(field);
  const division = divisionOf(context, user);
  const out: ExportUser = { email: user.email, groupBy: groupByFrom(division, user), notes };
  if (has('name')) {
    const name = text(user.name);
    out.name = name ?? user.email;
    if (name === undefined) notes.push({ code: 'unexportable-name', message: 'the user has no name; the email stands in for it (a plan will set it).' });
  }

  if (has('title')) out.title = text(user.title);
  if (has('department')) out.department = text(user.department);
  if (has('division') && division) {
    if ('name' in division) out.division = division.name;
    else note(notes, 'division', division.problem);
  }
  if (has('manager') && user.managerId) out.manager = manager(context, user.managerId, notes);
  if (has('state') && user.state === 'inactive') out.state = 'inactive';
  if (has('phones')) out.phones = phones(user.phones, notes, context.phoneCache);
  if (has('otherEmails')) out.otherEmails = otherEmails(user, notes);
  if (has('roles') && !unknown(user, 'roles', notes)) out.roles = roles(context, user, notes);
  if (has('skills') && !unknown(user, 'skills', notes)) out.skills = levels(context, 'skills', user.skills, notes);
  if (has('languages') && !unknown(user, 'languages', notes)) out.languages = levels(context, 'languages', user.languages, notes);
  if (has('queues') && context.queuesOf) out.queues = idsToNames(context, 'queues', context.queuesOf.get(user.id) ?? [], notes);
  if (has('groups') && !unknown(user, 'groups', notes)) out.groups = idsToNames(context, 'groups', user.groupIds ?? [], notes);
  if (has('locations') && !unknown(user, 'locations', notes)) out.locations = idsToNames(context, 'locations', user.locationIds ?? [], notes);
  if (has('acdAutoAnswer') && user.acdAutoAnswer === true) out.acdAutoAnswer = true;
  for (const field of ['profileSkills', 'certifications'] as const) {
    if (!has(field) || unknown(user, field, notes)) continue;
    const unique = sortedUnique(user[field] ?? []);
    if ('clash' in unique) note(notes, field, `${unique.clash} differ only by case`);
    else if (unique.items.length > 0) out[field] = unique.items;
  }
  if (has('employerInfo') && !unknown(user, 'employerInfo', notes)) out.employerInfo = employerInfo(user.employerInfo, notes);
  if (has('utilization') && user.utilization !== undefined) out.utilization = exportedUtilization(user.utilization, context.org.utilizationDefault);
  if (has('voicemail') && user.voicemail !== undefined && Object.keys(user.voicemail).length > 0) out.voicemail = { ...user.voicemail };
  // An inactive user's phone is left out: users files refuse a phone on an inactive user (webrtc-phone-inactive).
  if (has('webrtcPhone') && user.webrtcPhone && user.state === 'active') out.webrtcPhone = { site: user.webrtcPhone.site.name, phoneBase: user.webrtcPhone.phoneBase.name };

  const others = (context.shared.get(user.email) ?? []).filter((u) => u.id !== user.id);
  if (others.length > 0) {
    notes.push({
      code: 'duplicate-org-email',
      message: `the org holds ${others.length + 1} users with this email; this is ${user.id} (${user.state}), the one a plan manages; the others (${others.map((u) => u.id).sort(compareStrings).join(', ')}) are not exported.`,
    });
  }
  for (const key of Object.keys(out) as (keyof ExportUser)[]) if (out[key] === undefined) delete out[key];
  return out;
}

/** Org-wide warnings about the read itself. */
export function readWarnings(context: ConvertContext): Issue[] {
  if (!context.fields.has('queues') || context.queuesOf) return [];
  return [
    {
      severity: 'warning',
      code: 'queues-not-read',
      message: 'The org was read without the membership of every queue: queues are left out of every user.',
      hint: 'The org reader must honour ReadRequest.allQueues; until then, add queues by hand.',
    },
  ];
}
