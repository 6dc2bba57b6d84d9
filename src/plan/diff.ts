// The diff: desired users against the org, field by field, into sorted changes, counts and warnings.
import type {
  Change,
  DesiredState,
  DesiredUser,
  ExpandedField,
  FieldChange,
  GrantRef,
  InheritedGrantRef,
  Issue,
  Level,
  LevelChange,
  ManagerRef,
  Named,
  OrgState,
  OrgUser,
  Phone,
  ProvisionConfig,
  Source,
  Summary,
  UserRef,
  Utilization,
  VoicemailPolicy,
  WaitingUser,
} from '../model/index.js';
import { compareClaims, domainOf, normalDomain, normalEmail } from '../rules/identity.js';
import { foldName, nearestKey } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';
import { indexPhones, webrtcPhoneChange, type PhoneIndexes } from './phones.js';
import { ORG_DEFAULT, ownSettings, sameUtilization, VOICEMAIL_KEYS } from '../rules/utilization.js';
import { indexNames, issueAt, namedById, resolveName } from './names.js';
import type { NameIndex } from './names.js';
import {
  inRange,
  normalEmployerInfo,
  normalOtherEmails,
  normalPhones,
  normalStrings,
  normalText,
  orgText,
  sameEmployerInfo,
  sameOtherEmails,
  samePhones,
} from './normalize.js';

export interface DiffResult {
  changes: Change[];
  summary: Summary;
  /** Declared users the org lacks, not created because creating is off, by email. */
  waiting: WaitingUser[];
  /** Active users in the scope that are not declared and stay active (`scope.prune` is off), by email. */
  undeclared: UserRef[];
  /** The unmanaged users, by email, when asked for. */
  unmanaged?: UserRef[];
  warnings: Issue[];
  /** Names that did not resolve, and configuration the diff cannot honour. */
  errors: Issue[];
  /** Org users the plan manages: declared ones that exist, plus undeclared ones in a pruned scope. */
  managedCount: number;
}

interface Indexes {
  skills: NameIndex;
  languages: NameIndex;
  queues: NameIndex;
  groups: NameIndex;
  roles: NameIndex;
  divisions: NameIndex;
  locations: NameIndex;
}

/** Everything the per-user diff needs, built once. */
interface Context {
  org: OrgState;
  region: string | undefined;
  names: Indexes;
  home: Named;
  /** Non-deleted org users by email (one per email: see `indexOrgUsers`). */
  live: Map<string, OrgUser>;
  /** Deleted org users by email, the most recently deleted one. */
  deleted: Map<string, OrgUser>;
  byId: Map<string, OrgUser>;
  declared: Set<string>;
  /** Declared emails no org user has, by the org user found under a former email or employee id (see `findRenamed`). */
  renamed: Map<string, OrgUser>;
  /** Declared emails the org lacks whose users may not be created (`users.create: false`): waiting, never a manager to set. */
  waiting: Set<string>;
  /** user id → ids of the read queues the user belongs to. */
  queuesOf: Map<string, readonly string[]>;
  /** Queues whose membership was read: only those can show a removal. */
  queuesRead: Set<string>;
  /** user id → ids of the read queues the user is in through a member group. */
  viaGroupOf: Map<string, readonly string[]>;
  /** queue id → its member groups (type GROUP), where the queue listing named them: each once, as listed. */
  memberGroupsOf: Map<string, readonly string[]>;
  /** The keys of `memberGroupsOf`, in its order. */
  queuesWithGroups: readonly string[];
  errors: Issue[];
  warnings: Issue[];
  /** Undeclared managers already warned about (one warning per manager). */
  managerNotes: Set<string>;
  managerSuggestions: Map<string, string | undefined>;
  managerCandidates?: string[];
  rolesNotRead: boolean;
  /** Sites and phone bases, when the org's WebRTC phones were read. */
  phones?: PhoneIndexes;
}

const ACTION_ORDER: Record<Change['action'], number> = { create: 0, restore: 1, update: 2, deactivate: 3 };

function byName<T extends Named>(a: T, b: T): number {
  return compareStrings(a.name, b.name) || compareStrings(a.id, b.id);
}

function byGrant(a: GrantRef, b: GrantRef): number {
  return compareStrings(a.role, b.role) || compareStrings(a.division, b.division) || compareStrings(a.roleId, b.roleId) || compareStrings(a.divisionId, b.divisionId);
}

/** A grant in all divisions: Genesys's division id `*`, written `*` in users files too. */
export const ALL_DIVISIONS: Named = { id: '*', name: '*' };

/** Where a fact was written: `field/item`, else the field, else the user. */
function where(user: DesiredUser, field: string, item?: string): Source {
  return (item === undefined ? undefined : user.at[`${field}/${item}`]) ?? user.at[field] ?? user.source;
}

/**
 * One org user per email, the one `compareClaims` puts first. Duplicates among live users (the API
 * does not forbid them across states) are reported.
 */
function indexOrgUsers(org: OrgState, warnings: Issue[]): { live: Map<string, OrgUser>; deleted: Map<string, OrgUser>; byId: Map<string, OrgUser>; shadowed: Set<string> } {
  const live = new Map<string, OrgUser>();
  const deleted = new Map<string, OrgUser>();
  const byId = new Map<string, OrgUser>();
  const dupes = new Map<string, OrgUser[]>();
  for (const user of org.users) {
    byId.set(user.id, user);
    const email = normalEmail(user.email);
    if (user.state === 'deleted') {
      const seen = deleted.get(email);
      if (!seen || compareClaims(user, seen) < 0) deleted.set(email, user);
      continue;
    }
    const seen = live.get(email);
    if (!seen) {
      live.set(email, user);
      continue;
    }
    const list = dupes.get(email) ?? [seen];
    list.push(user);
    dupes.set(email, list);
    if (compareClaims(user, seen) < 0) live.set(email, user);
  }
  const shadowed = new Set<string>();
  for (const [email, list] of [...dupes].sort(([a], [b]) => compareStrings(a, b))) {
    const kept = live.get(email) as OrgUser;
    for (const user of list) if (user !== kept) shadowed.add(user.id);
    warnings.push({
      severity: 'warning',
      code: 'duplicate-org-email',
      message: `The org holds ${list.length} users with the email ${email} (ids ${list.map((u) => u.id).sort(compareStrings).join(', ')}); the plan manages ${kept.id} (${kept.state}) and leaves the others alone.`,
      hint: 'Delete or rename the extra users in Genesys Cloud.',
    });
  }
  return { live, deleted, byId, shadowed };
}

function orgEmailOf(context: Context, id: string): string {
  const user = context.byId.get(id);
  return user ? normalEmail(user.email) : `unknown user ${id}`;
}

/**
 * Whether the org's value of a field this user manages is unknown (Genesys left the expansion out of
 * every read): then the field is not diffed, and a warning names the user and the field.
 */
function unknownField(context: Context, user: DesiredUser, current: OrgUser | undefined, field: ExpandedField): boolean {
  if (!current?.unknown?.includes(field)) return false;
  context.warnings.push({
    severity: 'warning',
    code: 'field-unknown',
    message: `Genesys did not return the ${field} of ${normalEmail(user.email)} (Genesys resolves expansions "with a best effort approach"); this plan leaves the user's ${field} unchanged.`,
    hint: 'Plan again: the next read will most likely carry them.',
    ...issueAt(where(user, field)),
  });
  return true;
}

/** The manager as a reference: an id when the user exists (or is restored), none when created in this run. */
function resolveManager(context: Context, user: DesiredUser, manager: string): ManagerRef | null | undefined {
  const email = normalEmail(manager);
  if (email === '') return null;
  const declared = context.declared.has(email);
  const existing = context.live.get(email) ?? context.renamed.get(email) ?? (declared ? context.deleted.get(email) : undefined);
  if (existing) {
    if (!declared && !context.managerNotes.has(email)) {
      context.managerNotes.add(email);
      context.warnings.push({
        severity: 'warning',
        code: 'manager-undeclared',
        message: `Manager ${email} is not declared in users/; found in the org as "${existing.name}"${existing.state === 'inactive' ? ' (inactive)' : ''}.`,
        hint: 'Declare the manager in users/ to manage them too.',
        ...issueAt(where(user, 'manager')),
      });
    }
    return { email, id: existing.id };
  }
  if (declared) return { email };
  context.managerCandidates ??= [...new Set([...context.declared, ...context.live.keys()])];
  const guess = nearestKey(email, context.managerCandidates, context.managerSuggestions);
  context.errors.push({
    severity: 'error',
    code: 'unknown-manager',
    message: `Manager ${email} is neither declared in users/ nor a user in the org.${guess === undefined ? '' : ` Did you mean ${guess}?`}`,
    hint: 'Fix the email, declare the manager in users/, or create them in Genesys Cloud first.',
    ...issueAt(where(user, 'manager')),
  });
  return undefined;
}

function textChange(field: 'name' | 'title' | 'department', wanted: string | undefined, current: string | undefined): FieldChange | undefined {
  if (wanted === undefined) return undefined;
  const after = normalText(wanted);
  const before = orgText(current);
  return after === before ? undefined : { field, kind: 'text', before, after };
}

function setChange(field: 'queues' | 'groups' | 'locations', wanted: Named[], current: Iterable<string>, index: NameIndex, removable: (id: string) => boolean): FieldChange | undefined {
  const want = new Map(wanted.map((n) => [n.id, n]));
  const have = new Set(current);
  const add = [...want.values()].filter((n) => !have.has(n.id)).sort(byName);
  const remove = [...have].filter((id) => !want.has(id) && removable(id)).map((id) => namedById(index, id)).sort(byName);
  return add.length === 0 && remove.length === 0 ? undefined : { field, kind: 'set', add, remove };
}

function levelsChange(field: 'skills' | 'languages', wanted: Level[], current: Record<string, number> | undefined, index: NameIndex): FieldChange | undefined {
  const have = current ?? {};
  const want = new Map(wanted.map((l) => [l.id, l]));
  const add: Level[] = [];
  const change: LevelChange[] = [];
  for (const level of want.values()) {
    const before = have[level.id];
    if (before === undefined) add.push(level);
    else if (Number(before) !== level.level) change.push({ id: level.id, name: level.name, before: Number(before), after: level.level });
  }
  const remove: Level[] = [];
  for (const [id, before] of Object.entries(have)) {
    if (!want.has(id)) remove.push({ ...namedById(index, id), level: Number(before) });
  }
  if (add.length === 0 && change.length === 0 && remove.length === 0) return undefined;
  return { field, kind: 'levels', add: add.sort(byName), change: change.sort(byName), remove: remove.sort(byName) };
}

function resolveLevels(context: Context, user: DesiredUser, field: 'skills' | 'languages', wanted: Record<string, number>): Level[] | undefined {
  const index = context.names[field];
  const out: Level[] = [];
  let ok = true;
  for (const [name, level] of Object.entries(wanted)) {
    const named = resolveName(index, name, () => where(user, field, name), context.errors);
    if (named) out.push({ id: named.id, name: named.name, level: Number(level) });
    else ok = false;
  }
  return ok ? out : undefined;
}

function resolveSet(context: Context, user: DesiredUser, field: 'queues' | 'groups' | 'locations', wanted: string[]): Named[] | undefined {
  const index = context.names[field];
  const out: Named[] = [];
  let ok = true;
  for (const name of wanted) {
    const named = resolveName(index, name, () => where(user, field, name), context.errors);
    if (named) out.push(named);
    else ok = false;
  }
  return ok ? out : undefined;
}

function resolveGrants(context: Context, user: DesiredUser, wanted: NonNullable<DesiredUser['roles']>): GrantRef[] | undefined {
  const out: GrantRef[] = [];
  let ok = true;
  for (const grant of wanted) {
    const at = (): Source => where(user, 'roles', grant.role);
    const role = resolveName(context.names.roles, grant.role, at, context.errors);
    const divisionName = normalText(grant.division);
    const division =
      divisionName === null
        ? context.home
        : divisionName === ALL_DIVISIONS.id
          ? ALL_DIVISIONS
          : resolveName(context.names.divisions, divisionName, () => user.at[`roles/${grant.role}@${grant.division}`] ?? at(), context.errors);
    if (role && division) out.push({ roleId: role.id, role: role.name, divisionId: division.id, division: division.name });
    else ok = false;
  }
  return ok ? out : undefined;
}

function divisionName(context: Context, id: string): string {
  // Stryker disable next-line ConditionalExpression: an id the look-ups lack is named by itself, which for `*` is the same name.
  return id === ALL_DIVISIONS.id ? ALL_DIVISIONS.name : namedById(context.names.divisions, id).name;
}

/**
 * The grants the user holds through groups that match a grant the plan adds or revokes (same role,
 * same division or all of them): a revoke leaves such a role in place, a grant adds an own copy.
 */
function inheritedFor(context: Context, current: OrgUser | undefined, grants: GrantRef[]): InheritedGrantRef[] {
  const out = new Map<string, InheritedGrantRef>();
  // Stryker disable next-line ArrayDeclaration: no list and an empty one read the same (no item has a role id).
  for (const h of current?.inheritedGrants ?? []) {
    if (!grants.some((g) => g.roleId === h.roleId && (h.divisionId === g.divisionId || h.divisionId === ALL_DIVISIONS.id))) continue;
    out.set(`${h.roleId}|${h.divisionId}|${h.groupId}`, {
      roleId: h.roleId,
      role: namedById(context.names.roles, h.roleId).name,
      divisionId: h.divisionId,
      division: divisionName(context, h.divisionId),
      groupId: h.groupId,
      group: namedById(context.names.groups, h.groupId).name,
    });
  }
  return [...out.values()].sort((a, b) => byGrant(a, b) || compareStrings(a.group, b.group));
}

/**
 * The read queues the user will be in through member groups once the plan is applied, each with the
 * group that gives it when known. A queue they are in now stays, unless it came through a group of
 * theirs that the plan takes them out of; a queue whose member group the plan adds them to joins.
 * A queue that came through something provision cannot see (a team, a skill group, a group expansion
 * that was not returned) is kept: it is never the plan's to add or remove.
 */
function queuesThroughGroups(context: Context, current: OrgUser | undefined, wantedGroups: Named[] | undefined): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  // Lists, not sets: a user is in a group or two, and this runs for every user who lists queues.
  // Stryker disable next-line ArrayDeclaration: an id that names no group and no queue changes nothing.
  const before: readonly string[] = current?.groupIds ?? [];
  const after: readonly string[] = wantedGroups ? wantedGroups.map((g) => g.id) : before;
  const groupName = (id: string) => namedById(context.names.groups, id).name;
  // Stryker disable next-line ArrayDeclaration: as above.
  for (const queueId of current ? (context.viaGroupOf.get(current.id) ?? []) : []) {
    const groups = context.memberGroupsOf.get(queueId) ?? [];
    const explained = groups.filter((g) => before.includes(g));
    if (explained.length === 0) {
      out.set(queueId, undefined);
      continue;
    }
    const kept = explained.find((g) => after.includes(g));
    if (kept !== undefined) out.set(queueId, groupName(kept));
  }
  // Queues given by a group the user will be in (one they move to from another member group of the queue, too).
  if (after.length === 0) return out;
  // Plain loops over the queues (no entry, closure or copy per queue): 50,000 users × every queue.
  const queues = context.queuesWithGroups;
  for (let q = 0; q < queues.length; q++) {
    const queueId = queues[q]!;
    if (out.has(queueId)) continue;
    const groups = context.memberGroupsOf.get(queueId)!;
    for (let g = 0; g < groups.length; g++) {
      if (!after.includes(groups[g]!)) continue;
      out.set(queueId, groupName(groups[g]!));
      break;
    }
  }
  return out;
}

/**
 * Direct queue membership, the only kind provision manages. A queue the user is (or will be) in through
 * a group is never added directly as well (Genesys refuses it, and Terraform checks for it first:
 * routing_queue/resource_genesyscloud_routing_queue_members.go) and never shows as a removal; when the
 * file names such a queue, a `queue-via-group` warning says so at the queue's name. A direct membership
 * the file names is kept even when a group gives the queue too.
 */
function queuesChange(context: Context, user: DesiredUser, current: OrgUser | undefined, wanted: Named[], wantedGroups: Named[] | undefined): FieldChange | undefined {
  // Stryker disable next-line ArrayDeclaration: an id that names no read queue is never removed, and no wanted queue has it.
  const direct = new Set(current ? (context.queuesOf.get(current.id) ?? []) : []);
  const through = queuesThroughGroups(context, current, wantedGroups);
  const wantedIds = new Set(wanted.map((q) => q.id));
  const add: Named[] = [];
  for (const queue of wanted) {
    if (through.has(queue.id)) {
      const group = through.get(queue.id);
      // Queues are diffed only for users who list them.
      const source = user.queues!.find((name) => resolvedAs(context.names.queues, name, queue));
      context.warnings.push({
        severity: 'warning',
        code: 'queue-via-group',
        message: `${user.email} is in queue "${queue.name}" through ${group === undefined ? 'a group' : `the group "${group}"`}${direct.has(queue.id) ? ' as well as directly' : ''}. provision manages direct queue membership only: it does not add them directly${direct.has(queue.id) ? ', and keeps the direct membership the file names' : ''}.`,
        hint: `Remove "${queue.name}" from this user's queues: the group keeps them in it. To manage it here instead, take the user out of the group (or the group out of the queue).`,
        ...issueAt(where(user, 'queues', source ?? queue.name)),
      });
      continue;
    }
    if (!direct.has(queue.id)) add.push(queue);
  }
  const remove = [...direct].filter((id) => !wantedIds.has(id) && context.queuesRead.has(id)).map((id) => namedById(context.names.queues, id));
  if (add.length === 0 && remove.length === 0) return undefined;
  return { field: 'queues', kind: 'set', add: add.sort(byName), remove: remove.sort(byName) };
}

/** Did `name` resolve to `target`? (Names resolve case-insensitively; the file's spelling locates the warning.) */
function resolvedAs(index: NameIndex, name: string, target: Named): boolean {
  // Stryker disable next-line OptionalChaining: every name of the user's queues resolved before the queues are diffed.
  return index.resolved.get(name)?.id === target.id;
}

/**
 * Extension-only lines the plan would set that lie in none of the org's extension pools. Genesys
 * keeps such an extension as one "that has not been mapped to an internal extension pool yet"
 * (Terraform `flattenUserAddresses`): accepted, read back the same, so the plan converges, but
 * nothing routes to it. A warning at the line, not an error: an org may add the pool later.
 */
function checkExtensions(context: Context, user: DesiredUser, before: readonly Phone[], after: readonly Phone[]): void {
  const held = new Set(before.filter((p) => p.number === undefined).map((p) => `${p.type}|${p.extension}`));
  const pools = context.org.extensionPools;
  for (const phone of after) {
    const extension = phone.number === undefined ? phone.extension : undefined;
    if (extension === undefined || held.has(`${phone.type}|${extension}`)) continue;
    if (pools === undefined) continue;
    if (pools.some((p) => inRange(extension, p))) continue;
    const known = pools.map((p) => `${p.name ? `${p.name} ` : ''}${p.start}–${p.end}`).join(', ');
    context.warnings.push({
      severity: 'warning',
      code: 'extension-not-in-pool',
      message: `phones.${phone.type}: extension ${phone.extension} is in none of the org's extension pools${known ? ` (${known})` : ' (the org has none)'}; Genesys keeps it as an extension not mapped to a pool, and calls do not reach it.`,
      hint: `Pick an extension inside a pool, add a pool covering ${phone.extension} in Genesys Cloud (Telephony > Extension pools), or write the full number with the extension, e.g. "+1 317 555 0100 x${phone.extension}".`,
      ...issueAt(where(user, 'phones', phone.type)),
    });
  }
}

/**
 * Phones and other emails. Genesys holds both in `addresses`, which a write replaces whole: a change
 * of one carries the org's value of the other (when the plan leaves it as it is), so apply sends it
 * back and neither is ever lost.
 */
function pushAddresses(context: Context, user: DesiredUser, current: OrgUser | undefined, fields: FieldChange[]): void {
  let phones: Extract<FieldChange, { kind: 'phones' }> | undefined;
  let emails: Extract<FieldChange, { kind: 'otherEmails' }> | undefined;
  if (user.phones !== undefined) {
    const after = normalPhones(user.phones, context.region);
    const before = normalPhones(current?.phones, context.region);
    if (!samePhones(before, after)) {
      phones = { field: 'phones', kind: 'phones', before, after };
      // Stryker disable next-line ArrayDeclaration: a list holding no phone holds no extension either.
      checkExtensions(context, user, current?.state === 'deleted' ? [] : before, after);
    }
  }
  if (user.otherEmails !== undefined) {
    const after = normalOtherEmails(user.otherEmails);
    const before = normalOtherEmails(current?.otherEmails);
    if (!sameOtherEmails(before, after)) emails = { field: 'otherEmails', kind: 'otherEmails', before, after };
  }
  if (current && phones && !emails) {
    const kept = normalOtherEmails(current.otherEmails);
    if (kept.length > 0) phones.otherEmails = kept;
  }
  if (current && emails && !phones) {
    const kept = normalPhones(current.phones, context.region);
    if (kept.length > 0) emails.phones = kept;
  }
  if (phones) fields.push(phones);
  if (emails) fields.push(emails);
}

/**
 * Every managed field that differs between the desired user and `current` (undefined for a user to
 * create: all befores empty). Undefined when a name of this user did not resolve.
 */
function diffFields(context: Context, user: DesiredUser, current: OrgUser | undefined): FieldChange[] | undefined {
  const { names } = context;
  const fields: FieldChange[] = [];
  let ok = true;
  const push = (change: FieldChange | undefined): void => {
    if (change) fields.push(change);
  };

  push(textChange('name', user.name, current?.name));
  push(textChange('title', user.title, current?.title));
  push(textChange('department', user.department, current?.department));

  if (user.division !== undefined) {
    const division = resolveName(names.divisions, user.division, () => where(user, 'division'), context.errors);
    if (!division) ok = false;
    else if (!current) fields.push({ field: 'division', kind: 'ref', before: null, after: division });
    else {
      const beforeId = current.divisionId ?? context.home.id;
      if (beforeId !== division.id) fields.push({ field: 'division', kind: 'ref', before: namedById(names.divisions, beforeId), after: division });
    }
  }

  if (user.manager !== undefined && context.waiting.has(normalEmail(user.manager))) {
    context.warnings.push({
      severity: 'warning',
      code: 'manager-waiting',
      message: `Manager ${normalEmail(user.manager)} is declared but not in the org yet, and creating users is off: ${normalEmail(user.email)}'s manager is left as it is.`,
      hint: 'The manager is set on the first plan after they appear in the org.',
      ...issueAt(where(user, 'manager')),
    });
  } else if (user.manager !== undefined) {
    const after = resolveManager(context, user, user.manager);
    if (after === undefined) ok = false;
    else {
      const before: ManagerRef | null = current?.managerId ? { email: orgEmailOf(context, current.managerId), id: current.managerId } : null;
      const same = after === null ? before === null : after.id !== undefined && before?.id === after.id;
      if (!same) fields.push({ field: 'manager', kind: 'manager', before, after });
    }
  }

  pushAddresses(context, user, current, fields);

  if (user.acdAutoAnswer !== undefined) {
    const before = current?.acdAutoAnswer ?? null;
    // The API's default is off: an unset flag already equals `false`.
    if ((before ?? false) !== user.acdAutoAnswer) fields.push({ field: 'acdAutoAnswer', kind: 'bool', before, after: user.acdAutoAnswer });
  }

  if (user.employerInfo !== undefined && !unknownField(context, user, current, 'employerInfo')) {
    const after = normalEmployerInfo(user.employerInfo);
    const before = normalEmployerInfo(current?.employerInfo, true);
    if (!sameEmployerInfo(before, after)) fields.push({ field: 'employerInfo', kind: 'employerInfo', before, after: after ?? {} });
  }

  push(utilizationChange(context, user, current));
  push(voicemailChange(context, user, current));
  const phone = webrtcPhoneChange(context.phones, user, current, context, (item) => where(user, 'webrtcPhone', item));
  if (phone === null) ok = false;
  else push(phone);

  if (user.roles !== undefined) {
    const wanted = resolveGrants(context, user, user.roles);
    if (!wanted) ok = false;
    else if (current && current.state !== 'deleted' && current.roleGrants === undefined) {
      if (!unknownField(context, user, current, 'roles')) context.rolesNotRead = true;
    }
    else {
      const want = new Map(wanted.map((g) => [`${g.roleId}|${g.divisionId}`, g]));
      const have = new Map((current?.roleGrants ?? []).map((g) => [`${g.roleId}|${g.divisionId}`, g]));
      const add = [...want].filter(([key]) => !have.has(key)).map(([, g]) => g).sort(byGrant);
      const remove = [...have]
        .filter(([key]) => !want.has(key))
        .map(([, g]) => ({ roleId: g.roleId, role: namedById(names.roles, g.roleId).name, divisionId: g.divisionId, division: divisionName(context, g.divisionId) }))
        .sort(byGrant);
      if (add.length > 0 || remove.length > 0) {
        const change: FieldChange = { field: 'roles', kind: 'grants', add, remove };
        const inherited = inheritedFor(context, current, [...add, ...remove]);
        if (inherited.length > 0) change.inherited = inherited;
        fields.push(change);
      }
    }
  }

  for (const field of ['skills', 'languages'] as const) {
    const wanted = user[field];
    if (wanted === undefined) continue;
    const levels = resolveLevels(context, user, field, wanted);
    if (!levels) ok = false;
    else if (!unknownField(context, user, current, field)) push(levelsChange(field, levels, current?.[field], names[field]));
  }

  // Both resolved before either is diffed: the queues a user gets through groups depend on the groups they will be in.
  const wantedQueues = user.queues === undefined ? undefined : resolveSet(context, user, 'queues', user.queues);
  const wantedGroups = user.groups === undefined ? undefined : resolveSet(context, user, 'groups', user.groups);
  if (user.queues !== undefined) {
    if (!wantedQueues) ok = false;
    // Groups that do not resolve leave the user out (below), before any queue through them is judged.
    else if (user.groups === undefined || wantedGroups) push(queuesChange(context, user, current, wantedQueues, wantedGroups));
  }
  if (user.groups !== undefined) {
    if (!wantedGroups) ok = false;
    else if (!unknownField(context, user, current, 'groups')) push(setChange('groups', wantedGroups, current?.groupIds ?? [], names.groups, () => true));
  }
  if (user.locations !== undefined) {
    const wanted = resolveSet(context, user, 'locations', user.locations);
    if (!wanted) ok = false;
    else if (!unknownField(context, user, current, 'locations')) push(setChange('locations', wanted, current?.locationIds ?? [], names.locations, () => true));
  }

  for (const field of ['profileSkills', 'certifications'] as const) {
    const wanted = user[field];
    if (wanted === undefined || unknownField(context, user, current, field)) continue;
    const after = new Set(normalStrings(wanted));
    const before = new Set(normalStrings(current?.[field], true));
    const add = [...after].filter((s) => !before.has(s));
    const remove = [...before].filter((s) => !after.has(s));
    if (add.length > 0 || remove.length > 0) fields.push({ field, kind: 'strings', add, remove });
  }

  return ok ? fields : undefined;
}

/**
 * Whether the org's value of a per-user field is known: always for a user to create or restore (there is none to
 * keep), else only when the reader fetched it, which it does for the users that manage it.
 */
function perUserKnown(context: Context, user: DesiredUser, current: OrgUser | undefined, field: 'utilization' | 'voicemail'): boolean {
  if (!current || current.state === 'deleted' || current[field] !== undefined) return true;
  context.warnings.push({
    severity: 'warning',
    code: 'field-unknown',
    message: `The ${field} of ${normalEmail(user.email)} was not read; this plan leaves it unchanged.`,
    hint: 'This is a bug in the org reader; please report it.',
    ...issueAt(where(user, field)),
  });
  return false;
}

/**
 * The whole utilization, both sides in the form the API keeps (media types equal to the org's default left out). A
 * user to create starts at the org's default, so `org-default` needs no call for them.
 */
function utilizationChange(context: Context, user: DesiredUser, current: OrgUser | undefined): FieldChange | undefined {
  const wanted = user.utilization;
  if (wanted === undefined || !perUserKnown(context, user, current, 'utilization')) return undefined;
  const orgDefault = context.org.utilizationDefault;
  const after: Utilization = wanted === ORG_DEFAULT ? ORG_DEFAULT : ownSettings(wanted, orgDefault);
  const have = current && current.state !== 'deleted' ? current.utilization : undefined;
  const before: Utilization | null = have === undefined ? null : have === ORG_DEFAULT ? ORG_DEFAULT : ownSettings(have.media, orgDefault);
  if (sameUtilization(before, after) || (!current && after === ORG_DEFAULT)) return undefined;
  const change: FieldChange = { field: 'utilization', kind: 'utilization', before, after };
  if (after !== ORG_DEFAULT && have !== undefined && have !== ORG_DEFAULT && have.kept) change.kept = have.kept;
  return change;
}

/** The voicemail policy's managed keys; a key the file leaves out is neither compared nor sent. */
function voicemailChange(context: Context, user: DesiredUser, current: OrgUser | undefined): FieldChange | undefined {
  const wanted = user.voicemail;
  if (wanted === undefined || !perUserKnown(context, user, current, 'voicemail')) return undefined;
  const have = current && current.state !== 'deleted' ? current.voicemail : undefined;
  const keys = VOICEMAIL_KEYS.filter((key) => wanted[key] !== undefined);
  if (have !== undefined && keys.every((key) => have[key] === wanted[key])) return undefined;
  let before: VoicemailPolicy | null = null;
  if (have !== undefined) {
    const shown: Record<string, unknown> = {};
    for (const key of keys) if (have[key] !== undefined) shown[key] = have[key];
    before = shown as VoicemailPolicy;
  }
  return { field: 'voicemail', kind: 'voicemail', before, after: { ...wanted } };
}

/** Active org users no file declares, by employee id (trimmed); only those with one. */
function undeclaredByEmployeeId(context: Context): Map<string, OrgUser[]> {
  const out = new Map<string, OrgUser[]>();
  for (const user of context.live.values()) {
    const id = user.employerInfo?.employeeId?.trim();
    if (!id || user.state !== 'active' || context.declared.has(normalEmail(user.email))) continue;
    const list = out.get(id);
    if (list) list.push(user);
    else out.set(id, [user]);
  }
  return out;
}

/**
 * Declared users whose email no live org user has, found as the same person under another email: an org
 * user under one of their `formerEmails` (active or inactive), else the one active undeclared org user
 * with their `employerInfo.employeeId`. Their email changes in place: a second account would take a
 * second licence and leave the first one with the person's queues and roles. Each org user is found for
 * one declared user at most (the users files refuse a former email claimed twice).
 */
function findRenamed(context: Context, users: readonly DesiredUser[]): Map<string, OrgUser> {
  const taken = new Set<string>();
  let byEmployeeId: Map<string, OrgUser[]> | undefined;
  for (const user of users) {
    const email = normalEmail(user.email);
    if (context.live.has(email)) continue;
    let found: OrgUser | undefined;
    for (const former of user.formerEmails ?? []) {
      const candidate = context.live.get(normalEmail(former));
      if (candidate && !context.declared.has(normalEmail(former)) && !taken.has(candidate.id)) {
        found = candidate;
        break;
      }
    }
    const employeeId = user.employerInfo?.employeeId?.trim();
    if (!found && employeeId) {
      byEmployeeId ??= undeclaredByEmployeeId(context);
      const candidates = (byEmployeeId.get(employeeId) ?? []).filter((u) => !taken.has(u.id));
      if (candidates.length === 1) found = candidates[0];
      else if (candidates.length > 1) {
        context.warnings.push({
          severity: 'warning',
          code: 'employee-id-ambiguous',
          message: `${email} is not in the org, and ${candidates.length} active users no file declares have its employee id ${employeeId} (${candidates.map((u) => normalEmail(u.email)).sort(compareStrings).join(', ')}): none of them is taken to be this user.`,
          hint: 'Name the right one in formerEmails, or fix the employee ids in Genesys Cloud.',
          ...issueAt(where(user, 'employerInfo')),
        });
      }
    }
    if (!found) continue;
    taken.add(found.id);
    context.renamed.set(email, found);
  }
  return context.renamed;
}

/**
 * Creates whose name is the name of an active org user that no file declares and no declared user was
 * found as: most often one person under a new email, whom the create would give a second account.
 */
function possibleEmailChanges(context: Context, creates: readonly DesiredUser[], matched: ReadonlySet<string>): void {
  if (creates.length === 0) return;
  // Compared like names, and with runs of blanks as one: "Nina  Berg" is "nina berg".
  const nameKey = (name: string | undefined): string => foldName(name ?? '').replace(/\s+/g, ' ');
  const byName = new Map<string, OrgUser[]>();
  for (const user of context.live.values()) {
    if (user.state !== 'active' || matched.has(user.id) || context.declared.has(normalEmail(user.email))) continue;
    const key = nameKey(user.name);
    if (key === '') continue;
    const list = byName.get(key);
    if (list) list.push(user);
    else byName.set(key, [user]);
  }
  for (const user of creates) {
    const same = byName.get(nameKey(user.name));
    if (!same) continue;
    const emails = same.map((u) => normalEmail(u.email)).sort(compareStrings);
    context.warnings.push({
      severity: 'warning',
      code: 'possible-email-change',
      message: `${normalEmail(user.email)} is to be created, but the org has an active user named "${normalText(user.name) ?? user.name}" that no file declares (${emails.join(', ')}): did this person's email change?`,
      hint: `If so, add formerEmails: [${emails[0]}] to ${normalEmail(user.email)}: the plan then changes the email of the existing user instead of creating a second account.`,
      ...issueAt(user.source),
    });
  }
}

function baseChange(action: Change['action'], user: DesiredUser, current: OrgUser | undefined, fields: FieldChange[]): Change {
  const change: Change = { action, email: user.email, name: normalText(user.name) ?? current?.name ?? '', fields, source: user.source };
  if (current) {
    change.id = current.id;
    change.version = current.version;
  }
  return change;
}

/**
 * The scope, resolved: the undeclared users the plan answers for, deactivated when `scope.prune` is on and
 * listed as staying active when it is off. Undefined when the config names no scope (every undeclared
 * user is then unmanaged). A scope that cannot be used is an error when it would prune, a warning when not.
 */
function scopeOf(context: Context, config: ProvisionConfig): ((user: OrgUser) => boolean) | undefined {
  const scope = config.scope;
  const divisionNames = scope.divisions;
  const domains = new Set(scope.emailDomains.map(normalDomain).filter((d) => d !== ''));
  if (divisionNames.length === 0 && domains.size === 0) {
    if (!scope.prune) return undefined;
    context.errors.push({
      severity: 'error',
      code: 'prune-without-scope',
      message: 'scope.prune is on but the scope names no divisions and no email domains: every undeclared user would be deactivated.',
      hint: 'Set scope.divisions and/or scope.emailDomains in the config file, or turn scope.prune off.',
    });
    return undefined;
  }
  const divisions = new Set<string>();
  for (const name of divisionNames) {
    const errors: Issue[] = [];
    const named = resolveName(context.names.divisions, name, () => undefined, errors);
    if (named) divisions.add(named.id);
    // Without pruning, an unknown division only narrows the list of users left undeclared.
    for (const issue of errors) {
      if (scope.prune) context.errors.push({ ...issue, message: `scope.divisions: ${issue.message}` });
      else context.warnings.push({ ...issue, severity: 'warning', message: `scope.divisions: ${issue.message} Its users are not listed as undeclared.` });
    }
  }
  // Both criteria, when both are given, must hold: the narrower scope is the safer one.
  return (user) => {
    if (divisionNames.length > 0 && !divisions.has(user.divisionId ?? context.home.id)) return false;
    if (domains.size > 0 && !domains.has(domainOf(normalEmail(user.email)))) return false;
    return true;
  };
}

function userRef(user: OrgUser): UserRef {
  return { id: user.id, email: normalEmail(user.email), name: user.name };
}

function byEmail(a: UserRef, b: UserRef): number {
  return compareStrings(a.email, b.email) || compareStrings(a.id, b.id);
}

function compareChanges(a: Change, b: Change): number {
  return ACTION_ORDER[a.action] - ACTION_ORDER[b.action] || compareStrings(a.email, b.email);
}

export interface DiffOptions {
  /** List the unmanaged users (`plan --show-unmanaged`), not only count them. */
  showUnmanaged?: boolean;
}

/**
 * user id → the queues (of `members`) the user is in, each once. Lists, not sets: a user is in a few
 * queues, and a set for each of 50,000 users held megabytes through the whole diff.
 */
function queuesByUser(members: Record<string, readonly string[]>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [queueId, userIds] of Object.entries(members)) {
    for (const userId of userIds) {
      const list = out.get(userId);
      if (!list) out.set(userId, [queueId]);
      else if (!list.includes(queueId)) list.push(queueId);
    }
  }
  return out;
}

/** Desired users against the org: the sorted changes, the counts, the warnings and the resolution errors. */
export function diffUsers(desired: DesiredState, org: OrgState, config: ProvisionConfig, options: DiffOptions = {}): DiffResult {
  const warnings: Issue[] = [];
  const errors: Issue[] = [];
  const { live, deleted, byId, shadowed } = indexOrgUsers(org, warnings);
  const names: Indexes = {
    skills: indexNames('skill', org.lookups.skills),
    languages: indexNames('language', org.lookups.languages),
    queues: indexNames('queue', org.lookups.queues),
    groups: indexNames('group', org.lookups.groups),
    roles: indexNames('role', org.lookups.roles),
    divisions: indexNames('division', org.lookups.divisions),
    locations: indexNames('location', org.lookups.locations),
  };
  const queuesOf = queuesByUser(org.queueMembers);
  const viaGroupOf = queuesByUser(org.queueGroupMembers ?? {});
  // Lists rather than sets: every user's diff walks every queue's groups, and a list is walked without a copy.
  const memberGroupsOf = new Map<string, readonly string[]>();
  for (const [queueId, groups] of Object.entries(org.queueMemberGroups ?? {})) memberGroupsOf.set(queueId, [...new Set(groups)]);
  const context: Context = {
    org,
    region: config.phoneRegion,
    names,
    home: namedById(names.divisions, org.homeDivisionId),
    live,
    deleted,
    byId,
    declared: new Set(desired.users.map((u) => normalEmail(u.email))),
    renamed: new Map(),
    waiting: new Set(),
    queuesOf,
    queuesRead: new Set(Object.keys(org.queueMembers)),
    viaGroupOf,
    memberGroupsOf,
    queuesWithGroups: [...memberGroupsOf.keys()],
    errors,
    warnings,
    managerNotes: new Set(),
    managerSuggestions: new Map(),
    rolesNotRead: false,
  };
  const phones = indexPhones(org);
  if (phones) context.phones = phones;

  const changes: Change[] = [];
  const summary: Summary = { create: 0, update: 0, restore: 0, deactivate: 0, unchanged: 0, unmanaged: 0 };
  let managedCount = 0;
  const matched = new Set<string>();
  const renamed = findRenamed(context, desired.users);
  const creates: DesiredUser[] = [];
  const mayCreate = (user: DesiredUser): boolean => user.create ?? config.users?.create ?? true;
  for (const user of desired.users) {
    const email = normalEmail(user.email);
    if (!mayCreate(user) && !live.has(email) && !renamed.has(email)) context.waiting.add(email);
  }
  const waiting: WaitingUser[] = [];

  for (const user of desired.users) {
    const email = normalEmail(user.email);
    const current = live.get(email) ?? renamed.get(email);
    if (current) {
      matched.add(current.id);
      managedCount += 1;
      const fields = diffFields(context, user, current);
      if (!fields) continue;
      if (normalEmail(current.email) !== email) fields.push({ field: 'email', kind: 'text', before: current.email, after: email });
      if (user.state === 'inactive' && current.state === 'active') {
        changes.push({ ...baseChange('deactivate', user, current, sortFields(fields)), reason: 'declared' });
        continue;
      }
      if (user.state === 'active' && current.state === 'inactive') fields.unshift({ field: 'state', kind: 'text', before: 'inactive', after: 'active' });
      if (fields.length === 0) summary.unchanged += 1;
      else changes.push(baseChange('update', user, current, sortFields(fields)));
      continue;
    }
    const gone = deleted.get(email);
    if (context.waiting.has(email)) {
      // Adopt-only: whoever creates users (an identity provider through SCIM) brings them in; not an error, not a create.
      const entry: WaitingUser = { email, name: normalText(user.name) ?? '', source: user.source };
      if (gone?.dateDeleted) entry.deletedAt = gone.dateDeleted;
      waiting.push(entry);
      continue;
    }
    if (gone) {
      const fields = diffFields(context, user, gone);
      if (!fields) continue;
      // Restoring makes the user active; a declared `inactive` switches them off again afterwards.
      if (user.state === 'inactive') fields.unshift({ field: 'state', kind: 'text', before: 'deleted', after: 'inactive' });
      const change = baseChange('restore', user, gone, sortFields(fields));
      if (gone.dateDeleted) change.deletedAt = gone.dateDeleted;
      changes.push(change);
      continue;
    }
    if (normalText(user.name) === null) {
      errors.push({
        severity: 'error',
        code: 'missing-name',
        message: `${email} is not in the org, so the plan would create it, and a new user needs a name.`,
        hint: 'Add `name:` to this user, or, when another system creates users (SCIM), set users.create: false in provision.yaml (or create: false in this file) to wait for it.',
        ...issueAt(where(user, 'email')),
      });
      continue;
    }
    const fields = diffFields(context, user, undefined);
    if (!fields) continue;
    if (user.state !== undefined) fields.unshift({ field: 'state', kind: 'text', before: null, after: user.state });
    changes.push(baseChange('create', user, undefined, sortFields(fields)));
    creates.push(user);
  }
  possibleEmailChanges(context, creates, matched);

  // Undeclared users count only when active: the read leaves undeclared inactive users out (Genesys
  // lists at most 10,000 of them), and the plan never changes one (pruning deactivates active users).
  // In the scope they are deactivated when pruning, else listed: a leaver taken out of users/ is never silent.
  const inScope = scopeOf(context, config);
  const pruning = config.scope.prune && inScope !== undefined;
  const undeclared: UserRef[] = [];
  for (const user of live.values()) {
    if (matched.has(user.id) || user.state !== 'active') continue;
    if (!inScope || !inScope(user)) continue;
    if (!pruning) {
      undeclared.push(userRef(user));
      continue;
    }
    managedCount += 1;
    changes.push({ action: 'deactivate', email: normalEmail(user.email), name: user.name, id: user.id, version: user.version, fields: [], reason: 'pruned' });
  }
  const unmanaged: UserRef[] = [];
  for (const user of org.users) {
    if (matched.has(user.id)) continue;
    // A user shadowed by another with the same email is left alone, whatever its state (deleted users are never shadowed).
    if (!shadowed.has(user.id) && (user.state !== 'active' || (inScope && inScope(user)))) continue;
    summary.unmanaged += 1;
    if (options.showUnmanaged) unmanaged.push(userRef(user));
  }
  if (undeclared.length > 0) summary.undeclared = undeclared.length;
  if (waiting.length > 0) summary.waiting = waiting.length;

  if (context.rolesNotRead) {
    warnings.push({
      severity: 'warning',
      code: 'roles-not-read',
      message: 'Some users manage roles but the org was read without role grants: their roles are left unchanged.',
      hint: 'This is a bug in the org reader; please report it.',
    });
  }

  changes.sort(compareChanges);
  for (const change of changes) summary[change.action] += 1;
  const result: DiffResult = { changes, summary, waiting: waiting.sort((a, b) => compareStrings(a.email, b.email)), undeclared: undeclared.sort(byEmail), warnings, errors, managedCount };
  if (options.showUnmanaged) result.unmanaged = unmanaged.sort(byEmail);
  return result;
}

const FIELD_ORDER: FieldChange['field'][] = [
  // Stryker disable next-line StringLiteral: the first field sorts first even when unknown.
  'email',
  'name',
  'state',
  'title',
  'department',
  'division',
  'manager',
  'phones',
  'otherEmails',
  'acdAutoAnswer',
  'employerInfo',
  'utilization',
  'voicemail',
  'webrtcPhone',
  'roles',
  'skills',
  'languages',
  'queues',
  'groups',
  'locations',
  'profileSkills',
  'certifications',
];

function sortFields(fields: FieldChange[]): FieldChange[] {
  return fields.sort((a, b) => FIELD_ORDER.indexOf(a.field) - FIELD_ORDER.indexOf(b.field));
}
