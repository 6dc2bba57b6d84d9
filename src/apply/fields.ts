// Pure field logic for apply: which fields go where, building PATCH bodies, and judging a re-read user after a 409.
import type { Change, EmployerInfo, ExpandedField, FieldChange, FieldName, Named, NewUser, OrgUser, OtherEmail, UserPatch } from '../model/index.js';
import { phonesKey as phoneKey } from '../rules/phones.js';

/** Whether a read left this field out (Genesys resolves expansions "best effort"): its value is not known. */
function unknownIn(current: OrgUser | undefined, field: ExpandedField): boolean {
  return current?.unknown?.includes(field) ?? false;
}

/** Fields one PATCH /api/v2/users/{id} carries. */
export const PROFILE_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>([
  'email', 'name', 'title', 'department', 'manager', 'phones', 'otherEmails', 'acdAutoAnswer', 'profileSkills', 'certifications', 'employerInfo', 'locations',
]);

/** Fields POST /api/v2/users accepts, so a create carries them and the PATCH does not. */
export const CREATE_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>(['name', 'title', 'department', 'phones', 'otherEmails', 'division', 'state']);

/** How a field of a re-read user relates to the plan: already as desired, still as planned from, or changed by someone else. */
export type FieldStatus = 'done' | 'pending' | 'conflict';

/** Resolves a manager reference to a user id; undefined when the manager has no id (its create failed). */
export type ManagerResolver = (ref: { email: string; id?: string }) => string | undefined;

/** A text value as compared: empty, null and absent are all none. */
function text(value: string | null | undefined): string | null {
  return value || null;
}

function otherEmailKey(emails: readonly OtherEmail[] | undefined): string {
  return (emails ?? [])
    .map((e) => `${e.type}|${e.address}`)
    .sort()
    .join(';');
}

function employerKey(info: EmployerInfo | null | undefined): string {
  if (!info) return '{}';
  // Empty, null and absent values are all none.
  const entries = Object.entries(info).filter(([, v]) => Boolean(v));
  return JSON.stringify(Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b))));
}

function listOf(current: OrgUser | undefined, field: 'profileSkills' | 'certifications' | 'locations'): string[] {
  if (!current) return [];
  if (field === 'locations') return current.locationIds ?? [];
  return current[field] ?? [];
}

function addRemoveIds(change: Extract<FieldChange, { kind: 'strings' | 'set' }>): { add: string[]; remove: string[] } {
  return change.kind === 'strings' ? { add: change.add, remove: change.remove } : { add: change.add.map((n) => n.id), remove: change.remove.map((n) => n.id) };
}

/** The full list a PATCH must send: the current list minus removals plus additions (a merge, never a clobber). */
export function mergedList(base: readonly string[], add: readonly string[], remove: readonly string[]): string[] {
  const removed = new Set(remove);
  const out = base.filter((x) => !removed.has(x));
  for (const x of add) if (!out.includes(x)) out.push(x);
  return out;
}

/** The body of POST /api/v2/users for a create change. */
export function newUserFrom(email: string, name: string, fields: readonly FieldChange[]): NewUser {
  const user: NewUser = { name, email };
  for (const f of fields) {
    switch (f.field) {
      case 'name':
      case 'title':
      case 'department':
        if (f.after) user[f.field] = f.after;
        break;
      case 'division':
        user.divisionId = f.after.id;
        break;
      case 'phones':
        if (f.after.length > 0) user.phones = f.after;
        break;
      case 'otherEmails':
        if (f.after.length > 0) user.otherEmails = f.after;
        break;
      case 'state':
        if (f.after === 'active' || f.after === 'inactive') user.state = f.after;
        break;
    }
  }
  return user;
}

/**
 * Phones and other emails are one `addresses` list at Genesys, replaced whole: when the patch sets
 * one, it carries the other too. The org's value comes from the user as re-read (fresher) or else
 * from the plan, which recorded it when it did not change it.
 */
function completeAddresses(patch: UserPatch, used: readonly FieldChange[], current: OrgUser | undefined): void {
  for (const f of used) {
    if (f.kind === 'phones' && patch.otherEmails === undefined) patch.otherEmails = current ? (current.otherEmails ?? []) : (f.otherEmails ?? []);
    if (f.kind === 'otherEmails' && patch.phones === undefined) patch.phones = current ? current.phones : (f.phones ?? []);
  }
}

/**
 * How an existing user differs from what a create would have made: the name, and the title, department and
 * division when the create sets them. None means the user may be one an earlier run of the same plan made.
 */
export function createDifferences(change: Change, user: OrgUser): string[] {
  const body = newUserFrom(change.email, change.name, change.fields);
  const out: string[] = [];
  const same = (a: string | undefined, b: string): boolean => (a ?? '').trim() === b.trim();
  if (!same(user.name, body.name)) out.push(`name ${JSON.stringify(user.name)}, planned ${JSON.stringify(body.name)}`);
  for (const field of ['title', 'department'] as const) {
    const planned = body[field];
    if (planned !== undefined && !same(user[field], planned)) out.push(`${field} ${JSON.stringify(user[field] ?? null)}, planned ${JSON.stringify(planned)}`);
  }
  const division = change.fields.find((f) => f.kind === 'ref');
  if (division?.kind === 'ref' && user.divisionId !== undefined && user.divisionId !== division.after.id) out.push(`another division than ${JSON.stringify(division.after.name)}`);
  return out;
}

/** Whether building the PATCH needs the user's current lists (list fields are sent whole). */
export function needsCurrent(fields: readonly FieldChange[]): boolean {
  return fields.some((f) => f.field === 'profileSkills' || f.field === 'certifications' || f.field === 'locations');
}

export interface BuiltPatch {
  patch: UserPatch;
  /** Fields left out, with the reason (a manager whose create failed). */
  skipped: Array<{ field: FieldName; reason: string }>;
  /** Fields in the patch. */
  fields: FieldChange[];
}

/**
 * Builds one UserPatch from profile fields. `current` holds the lists to merge into (absent for a user created in
 * this run, whose lists start empty).
 */
export function buildPatch(fields: readonly FieldChange[], manager: ManagerResolver, current?: OrgUser): BuiltPatch {
  const patch: UserPatch = {};
  const skipped: BuiltPatch['skipped'] = [];
  const used: FieldChange[] = [];
  for (const f of fields) {
    // One case per field of PROFILE_FIELDS.
    switch (f.field) {
      case 'name':
        patch.name = f.after ?? '';
        break;
      case 'email':
        // Only planned for an existing user found under another email: the same person, one account.
        if (f.after) patch.email = f.after;
        break;
      case 'title':
      case 'department':
        patch[f.field] = f.after;
        break;
      case 'manager': {
        if (f.after === null) {
          patch.managerId = null;
          break;
        }
        const id = manager(f.after);
        if (id === undefined) {
          skipped.push({ field: 'manager', reason: `manager ${f.after.email} has no user id (its create did not succeed)` });
          continue;
        }
        patch.managerId = id;
        break;
      }
      case 'phones':
        patch.phones = f.after;
        break;
      case 'otherEmails':
        patch.otherEmails = f.after;
        break;
      case 'acdAutoAnswer':
        patch.acdAutoAnswer = f.after;
        break;
      case 'employerInfo':
        patch.employerInfo = f.after;
        break;
      case 'profileSkills':
      case 'certifications':
      case 'locations': {
        // The list is sent whole, merged into the current one: without it, sending would drop what is there.
        if (unknownIn(current, f.field)) {
          skipped.push({ field: f.field, reason: `the user's current ${f.field} could not be read (Genesys left them out of the read); not sent, so none is lost. Apply again` });
          continue;
        }
        const { add, remove } = addRemoveIds(f);
        const merged = mergedList(listOf(current, f.field), add, remove);
        if (f.field === 'locations') {
          patch.locationIds = merged;
          // A location sent without its notes loses them: kept locations carry the notes the org holds.
          const notes = Object.fromEntries(merged.filter((id) => current?.locationNotes?.[id] !== undefined).map((id) => [id, current?.locationNotes?.[id] as string]));
          if (Object.keys(notes).length > 0) patch.locationNotes = notes;
        } else patch[f.field] = merged;
        break;
      }
      default:
        // Written by calls of their own, not by the PATCH.
        continue;
    }
    used.push(f);
  }
  completeAddresses(patch, used, current);
  return { patch, skipped, fields: used };
}

/** A PATCH field whose value the read left out (skills, languages, groups and roles are written per item instead). */
function unread(f: FieldChange, current: OrgUser): boolean {
  return (f.field === 'employerInfo' || f.field === 'locations' || f.field === 'profileSkills' || f.field === 'certifications') && unknownIn(current, f.field);
}

/** Judges one field of a freshly read user against the plan's before and after. */
export function fieldStatus(f: FieldChange, current: OrgUser, manager: ManagerResolver): FieldStatus {
  // A value the re-read left out cannot be judged: never overwrite what may be someone else's change.
  if (unread(f, current)) return 'conflict';
  switch (f.kind) {
    case 'text': {
      const now = text(current[f.field]);
      if (now === text(f.after)) return 'done';
      return now === text(f.before) ? 'pending' : 'conflict';
    }
    case 'bool': {
      const now = current.acdAutoAnswer ?? false;
      if (now === f.after) return 'done';
      return now === (f.before ?? false) ? 'pending' : 'conflict';
    }
    case 'ref': {
      if (current.divisionId === f.after.id) return 'done';
      return current.divisionId === f.before?.id ? 'pending' : 'conflict';
    }
    case 'manager': {
      const now = current.managerId ?? null;
      // A manager with no id yet (its create failed) resolves to undefined: never the one the user has.
      const after = f.after === null ? null : manager(f.after);
      if (now === after) return 'done';
      return now === (f.before?.id ?? null) ? 'pending' : 'conflict';
    }
    case 'phones': {
      const now = phoneKey(current.phones);
      if (now === phoneKey(f.after)) return 'done';
      return now === phoneKey(f.before) ? 'pending' : 'conflict';
    }
    case 'otherEmails': {
      const now = otherEmailKey(current.otherEmails);
      if (now === otherEmailKey(f.after)) return 'done';
      return now === otherEmailKey(f.before) ? 'pending' : 'conflict';
    }
    case 'employerInfo': {
      const now = employerKey(current.employerInfo);
      if (now === employerKey(f.after)) return 'done';
      return now === employerKey(f.before) ? 'pending' : 'conflict';
    }
    case 'strings':
    case 'set': {
      if (f.field !== 'profileSkills' && f.field !== 'certifications' && f.field !== 'locations') return 'pending';
      // Lists are merged into whatever the org holds now, so another editor's additions survive: never a conflict.
      const now = new Set(listOf(current, f.field));
      const { add, remove } = addRemoveIds(f);
      return add.every((x) => now.has(x)) && remove.every((x) => !now.has(x)) ? 'done' : 'pending';
    }
    case 'utilization':
    case 'voicemail':
    case 'webrtcPhone':
      // Written by calls of their own with no version to lock on (PUT, DELETE, PATCH): never in the user's PATCH.
      return 'pending';
    case 'levels':
    case 'grants':
      // Written per item with no version to lock on: sent as planned whatever a read shows, touching only the planned
      // items, so another editor's other skills, languages and roles are kept. Never in a PATCH, never judged.
      return 'pending';
  }
}

/** Describes a field's current value for a conflict message. */
export function describeCurrent(f: FieldChange, current: OrgUser): string {
  if (unread(f, current)) return 'unknown (Genesys left it out of the read)';
  switch (f.field) {
    case 'email':
    case 'name':
    case 'title':
    case 'department':
      return JSON.stringify(current[f.field] ?? null);
    case 'manager':
      return current.managerId ? `manager id ${current.managerId}` : 'no manager';
    case 'phones':
      return phoneKey(current.phones) || 'no phones';
    case 'otherEmails':
      return otherEmailKey(current.otherEmails) || 'no other emails';
    case 'employerInfo':
      return employerKey(current.employerInfo);
    default:
      return 'a different value';
  }
}

function named(id: string, lookup: ReadonlyMap<string, string>): Named {
  return { id, name: lookup.get(id) ?? id };
}

/**
 * For a create that met an existing user (an earlier interrupted run, or a deleted user brought back): what the
 * user still needs, recomputed from the create's desired fields against the user as it is now.
 */
export function recomputeFields(desired: readonly FieldChange[], current: OrgUser): FieldChange[] {
  const out: FieldChange[] = [];
  for (const f of desired) {
    switch (f.kind) {
      case 'text': {
        const now = text(current[f.field]);
        if (now !== text(f.after)) out.push({ ...f, before: now });
        break;
      }
      case 'bool':
        if ((current.acdAutoAnswer ?? false) !== f.after) out.push({ ...f, before: current.acdAutoAnswer ?? null });
        break;
      case 'ref':
        if (current.divisionId !== f.after.id) out.push({ ...f, before: current.divisionId ? { id: current.divisionId, name: current.divisionId } : null });
        break;
      case 'manager': {
        const before = current.managerId ? { email: '', id: current.managerId } : null;
        if (f.after === null) {
          if (current.managerId) out.push({ ...f, before });
        } else if (f.after.id === undefined || f.after.id !== current.managerId) {
          out.push({ ...f, before });
        }
        break;
      }
      case 'phones':
        if (phoneKey(current.phones) !== phoneKey(f.after)) out.push({ ...f, before: current.phones });
        break;
      case 'otherEmails':
        if (otherEmailKey(current.otherEmails) !== otherEmailKey(f.after)) out.push({ ...f, before: current.otherEmails ?? [] });
        break;
      case 'employerInfo':
        if (employerKey(current.employerInfo) !== employerKey(f.after)) out.push({ ...f, before: current.employerInfo ?? null });
        break;
      case 'strings':
      case 'set': {
        const desiredIds = addRemoveIds(f).add;
        const now = f.field === 'groups' ? current.groupIds : f.field === 'queues' ? undefined : listOf(current, f.field as 'locations');
        // Queue membership is not part of a user read: add them all (adding a member twice is harmless).
        if (now === undefined) {
          if (desiredIds.length > 0) out.push(f);
          break;
        }
        const add = desiredIds.filter((x) => !now.includes(x));
        const remove = now.filter((x) => !desiredIds.includes(x));
        if (add.length === 0 && remove.length === 0) break;
        if (f.kind === 'strings') {
          out.push({ ...f, add, remove });
          break;
        }
        const names = new Map(f.add.map((n) => [n.id, n.name] as const));
        out.push({ ...f, add: add.map((id) => named(id, names)), remove: remove.map((id) => named(id, names)) });
        break;
      }
      case 'grants': {
        if (!current.roleGrants) {
          if (f.add.length > 0) out.push(f);
          break;
        }
        const key = (g: { roleId: string; divisionId: string }): string => `${g.roleId}@${g.divisionId}`;
        const now = new Set(current.roleGrants.map(key));
        const want = new Set(f.add.map(key));
        const add = f.add.filter((g) => !now.has(key(g)));
        const remove = current.roleGrants
          .filter((g) => !want.has(key(g)))
          .map((g) => ({ roleId: g.roleId, role: g.roleId, divisionId: g.divisionId, division: g.divisionId }));
        if (add.length > 0 || remove.length > 0) out.push({ ...f, add, remove });
        break;
      }
      case 'levels': {
        const now = f.field === 'skills' ? current.skills : current.languages;
        if (!now) {
          if (f.add.length > 0) out.push(f);
          break;
        }
        const wanted = new Map(f.add.map((l) => [l.id, l] as const));
        const add = f.add.filter((l) => now[l.id] === undefined);
        const change = f.add
          .filter((l) => now[l.id] !== undefined && now[l.id] !== l.level)
          .map((l) => ({ id: l.id, name: l.name, before: now[l.id] ?? 0, after: l.level }));
        const remove = Object.entries(now)
          .filter(([id]) => !wanted.has(id))
          .map(([id, level]) => ({ id, name: id, level }));
        if (add.length > 0 || change.length > 0 || remove.length > 0) out.push({ ...f, add, change, remove });
        break;
      }
    }
  }
  return out;
}
