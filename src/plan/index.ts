// The planner: what to read, then desired state + org → a checked, checksummed Plan. Pure: no clock, env or network.
import type { DesiredState, ExpandedField, Issue, OrgState, Plan, ProvisionConfig, ReadRequest } from '../model/index.js';
import { EXPANDED_FIELDS } from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { planChecksum } from './checksum.js';
import { diffUsers } from './diff.js';
import { foldName } from '../rules/names.js';
import { compareStrings } from '../rules/order.js';
import { checkSafety } from './safety.js';
import { attributePersonas } from './personas.js';
import { webrtcPhoneNames } from './phones.js';

export { planChecksum, verifyChecksum, canonicalJson } from './checksum.js';
export { checkSafety, SAFETY_RULES, PERCENT_FLOOR } from './safety.js';
export type { SafetyContext } from './safety.js';
export { diffUsers } from './diff.js';
export { planTargetMismatch, recheckSavedPlan, savedPlanReadRequest } from './recheck.js';
export type { RecheckInput, RecheckResult } from './recheck.js';
export type { DiffOptions, DiffResult } from './diff.js';

/**
 * What the reader must fetch for this desired state: inactive and deleted users only for declared
 * emails (and inactive ones named as managers), fields Genesys may leave out only for the users who
 * manage them, queue
 * membership of every queue once some user manages `queues` (a user may sit in a queue no file
 * names, and only reading it shows the removal), role grants only when roles are managed or a
 * safety rule needs them (admin holders when users may be deactivated), extension pools only when
 * some user declares an extension-only phone (to warn about extensions in no pool).
 */
export function readRequestFor(desired: DesiredState, config: ProvisionConfig): ReadRequest {
  const emails = new Set<string>();
  const queues = new Map<string, string>();
  const roleEmails: string[] = [];
  const managers = new Set<string>();
  const managed: Record<ManagedByRead, string[]> = Object.fromEntries(MANAGED_BY_READ.map((f) => [f, []])) as unknown as Record<ManagedByRead, string[]>;
  let queuesManaged = false;
  let wildcardGrants = false;
  let deactivating = config.scope.prune;
  let extensionPools = false;
  const perUser: Record<'utilization' | 'voicemail', string[]> = { utilization: [], voicemail: [] };
  for (const user of desired.users) {
    // A user found under a former email is read as that email is: an inactive one too, with the fields the user manages.
    const identities = user.formerEmails ? [user.email, ...user.formerEmails] : [user.email];
    for (const email of identities) emails.add(email);
    if (user.utilization !== undefined) perUser.utilization.push(...identities);
    if (user.voicemail !== undefined) perUser.voicemail.push(...identities);
    for (const field of MANAGED_BY_READ) if (user[field] !== undefined) managed[field].push(...identities);
    const manager = user.manager === undefined ? '' : normalEmail(user.manager);
    if (manager !== '') managers.add(manager);
    for (const queue of user.queues ?? []) {
      const key = foldName(queue);
      if (!queues.has(key)) queues.set(key, queue.trim());
    }
    if (user.roles !== undefined) roleEmails.push(...identities);
    if (user.roles?.some((g) => g.division?.trim() === '*')) wildcardGrants = true;
    if (user.queues !== undefined) queuesManaged = true;
    if (user.state === 'inactive') deactivating = true;
    if (user.phones?.some((p) => p.number === undefined && p.extension !== undefined)) extensionPools = true;
  }
  const adminRoles = config.safety.adminRoles;
  // The admin-holder rule makes do with the users listing's role ids where grants are not read.
  const roles = roleEmails.length > 0 || (deactivating && adminRoles.length > 0);
  for (const list of Object.values(managed)) list.sort(compareStrings);
  const request: ReadRequest = {
    emails: [...emails].sort(compareStrings),
    queueNames: [...queues.values()].sort(compareStrings),
    roles,
    roleEmails: roleEmails.sort(compareStrings),
    allQueues: queuesManaged,
    managerEmails: [...managers].sort(compareStrings),
    managed,
    inactive: 'declared',
  };
  if (wildcardGrants) request.wildcardGrants = true;
  if (extensionPools) request.extensionPools = true;
  // Phones and default stations come from listings: read only when some declared user names `webrtcPhone`.
  const phones = webrtcPhoneNames(desired.users);
  if (phones) request.webrtcPhones = phones;
  // No listing holds these: each costs one call per user, so only the users whose file names the field are read.
  if (perUser.utilization.length > 0 || perUser.voicemail.length > 0) request.perUser = { utilization: perUser.utilization.sort(compareStrings), voicemail: perUser.voicemail.sort(compareStrings) };
  return request;
}

/** Fields the read may have to fetch again for the users who manage them (expansions Genesys dropped, managers). */
type ManagedByRead = ExpandedField | 'manager';
const MANAGED_BY_READ: readonly ManagedByRead[] = [...EXPANDED_FIELDS, 'manager'];

/**
 * Diffs, checks safety and seals the plan. `errors` holds resolution problems (unknown or ambiguous
 * names, unknown managers, an unusable prune scope): when it is not empty the plan must not be shown.
 */
export function buildPlan(input: { desired: DesiredState; org: OrgState; config: ProvisionConfig; allowUnsafe?: boolean; showUnmanaged?: boolean }): { plan: Plan; errors: Issue[] } {
  const { desired, org, config } = input;
  const result = diffUsers(desired, org, config, { showUnmanaged: input.showUnmanaged === true });
  const personas = attributePersonas(result.changes, desired.users, desired.personas);
  const safety = checkSafety(result.changes, { desired, org, config, managedCount: result.managedCount }, input.allowUnsafe === true);
  const unsealed: Omit<Plan, 'checksum'> = {
    formatVersion: 1,
    // Only when provision.yaml names orgs: a plan of the one org reads (and checksums) as before.
    ...(config.org !== undefined ? { org: config.org } : {}),
    target: { environment: org.target.environment, orgId: org.target.orgId, orgName: org.target.orgName },
    inputsDigest: desired.digest,
    changes: result.changes,
    summary: result.summary,
    // Only when there is something to list: a plan without them reads (and checksums) as before.
    ...(result.undeclared.length > 0 ? { undeclared: result.undeclared } : {}),
    ...(result.waiting.length > 0 ? { waiting: result.waiting } : {}),
    ...(result.unmanaged ? { unmanaged: result.unmanaged } : {}),
    warnings: [...(org.warnings ?? []), ...result.warnings],
    safety,
    readCalls: org.apiCalls,
    // Only when some were made: a plan without them reads (and checksums) as before.
    ...(org.perUserCalls ? { perUserCalls: org.perUserCalls } : {}),
    ...(personas.length > 0 ? { personas } : {}),
  };
  return { plan: { ...unsealed, checksum: planChecksum(unsealed) }, errors: result.errors };
}
