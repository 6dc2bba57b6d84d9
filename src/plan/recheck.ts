// A saved plan re-checked against a fresh read of the org: every id against the label reviewers saw, and the safety rules afresh. Pure.
import type {
  Change, DesiredState, FieldChange, Issue, ManagerRef, Named, OrgLookups, OrgState, OrgTarget, OrgUser, Plan, ProvisionConfig, ReadRequest, SafetyVerdict,
} from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { checkSafety } from './safety.js';
import { diffUsers } from './diff.js';

export interface RecheckInput {
  plan: Plan;
  /** The org read just now, with `savedPlanReadRequest`. */
  org: OrgState;
  /** users/ as it is now (the safety rules on empty or unreadable inputs look at it). */
  desired: DesiredState;
  config: ProvisionConfig;
  allowUnsafe: boolean;
  /** The plan file, for the issues. */
  file: string;
}

export interface RecheckResult {
  /** Ids that do not match their labels (`plan-label-mismatch`) or that the org does not have (`plan-unknown-id`). */
  issues: Issue[];
  /** The safety verdict on the plan's changes against the org now; the file's own verdict is ignored. */
  safety: SafetyVerdict;
  /** Ids of the users active or inactive in the org now: a change to any other user id is stale. */
  liveUserIds: Set<string>;
}

/**
 * Why a saved plan must not be applied where the credentials lead, or undefined when they reach the org it was made
 * for. `local` tells a sandbox's URL: a sandbox listens on a new port each run, so between two of them the org id
 * alone names the org.
 */
export function planTargetMismatch(planned: OrgTarget, reached: OrgTarget, local: (environment: string) => boolean): string | undefined {
  const sameEnvironment = planned.environment === reached.environment || (local(planned.environment) && local(reached.environment));
  if (sameEnvironment && planned.orgId === reached.orgId) return undefined;
  return `planned for org "${planned.orgName}" (${planned.orgId}) in ${planned.environment}, but the credentials reach "${reached.orgName}" (${reached.orgId}) in ${reached.environment}`;
}

/**
 * What to read for the re-check: the users and look-ups (always read), and role grants where a safety rule
 * needs them (the plan deactivates someone or changes roles). No deleted users and no queue members: the
 * checks do not need them.
 */
export function savedPlanReadRequest(plan: Plan, desired: DesiredState, config: ProvisionConfig): ReadRequest {
  const roleEmails = new Set<string>();
  let deactivating = false;
  for (const change of plan.changes) {
    if (change.action === 'deactivate') deactivating = true;
    for (const f of change.fields) {
      if (f.kind === 'grants') for (const email of emailsOf(change)) roleEmails.add(email);
      if (f.field === 'state' && f.after === 'inactive') deactivating = true;
    }
  }
  for (const user of desired.users) if (user.roles !== undefined) for (const email of [user.email, ...(user.formerEmails ?? [])]) roleEmails.add(email);
  const adminRoles = config.safety.adminRoles;
  const roles = roleEmails.size > 0 || (deactivating && adminRoles.length > 0);
  return { emails: [], queueNames: [], roles, roleEmails: [...roleEmails].sort(), allQueues: false };
}

type LookupField = keyof OrgLookups;

const KIND_WORD: Record<LookupField, string> = {
  skills: 'skill',
  languages: 'language',
  queues: 'queue',
  groups: 'group',
  roles: 'role',
  divisions: 'division',
  locations: 'location',
};

interface Checker {
  issues: Issue[];
  file: string;
  byId: Record<LookupField, Map<string, Named>>;
  /** By id; a create's change has none, and finds no user. */
  users: Map<string | undefined, OrgUser>;
}

function mismatch(k: Checker, code: 'plan-label-mismatch' | 'plan-unknown-id', message: string): void {
  k.issues.push({
    severity: 'error',
    code,
    message,
    file: k.file,
    hint:
      code === 'plan-label-mismatch'
        ? 'The file says one thing and would do another: it was edited, or the org renamed the object since the plan. Plan again and review.'
        : 'The org has no such object (deleted since the plan, or the file was edited). Plan again and review.',
  });
}

/**
 * An object id against the name the plan shows. The planner keeps an id the look-ups did not list as its own
 * name; that is accepted only where the plan takes something away or shows what was, never where it gives.
 */
function checkNamed(k: Checker, lookup: LookupField, item: Named, at: string, who: string, giving: boolean): void {
  const known = k.byId[lookup].get(item.id);
  const kind = KIND_WORD[lookup];
  if (known) {
    if (known.name !== item.name) mismatch(k, 'plan-label-mismatch', `${who}: ${kind} id ${item.id} is "${known.name}" in the org, but the plan shows "${item.name}" (${at}).`);
    return;
  }
  if (!giving && item.name === item.id) return;
  mismatch(k, 'plan-unknown-id', `${who}: the plan shows ${kind} "${item.name}" with the id ${item.id}, which the org does not have (${at}).`);
}

function checkManager(k: Checker, ref: ManagerRef | null, at: string, who: string): void {
  if (!ref?.id) return;
  const user = k.users.get(ref.id);
  // A manager deleted since the plan makes the write fail for this user alone; only a wrong label is refused.
  // The planner labels a manager it could not read `unknown user <id>`: there is no email to compare.
  if (user && ref.email.includes('@') && normalEmail(user.email) !== normalEmail(ref.email)) {
    mismatch(k, 'plan-label-mismatch', `${who}: manager id ${ref.id} is ${user.email} in the org, but the plan shows ${ref.email} (${at}).`);
  }
}

function checkField(k: Checker, f: FieldChange, at: string, who: string): void {
  const field = `${who} ${f.field}`;
  switch (f.kind) {
    case 'ref':
      if (f.before) checkNamed(k, 'divisions', f.before, `${at}/before`, field, false);
      checkNamed(k, 'divisions', f.after, `${at}/after`, field, true);
      return;
    case 'manager':
      checkManager(k, f.before, `${at}/before`, field);
      checkManager(k, f.after, `${at}/after`, field);
      return;
    case 'set':
      f.add.forEach((item, i) => checkNamed(k, f.field, item, `${at}/add/${i}`, field, true));
      f.remove.forEach((item, i) => checkNamed(k, f.field, item, `${at}/remove/${i}`, field, false));
      return;
    case 'grants':
      for (const [list, giving] of [['add', true], ['remove', false]] as const) {
        f[list].forEach((grant, i) => {
          checkNamed(k, 'roles', { id: grant.roleId, name: grant.role }, `${at}/${list}/${i}/roleId`, field, giving);
          checkNamed(k, 'divisions', { id: grant.divisionId, name: grant.division }, `${at}/${list}/${i}/divisionId`, field, giving);
        });
      }
      return;
    case 'levels':
      f.add.forEach((item, i) => checkNamed(k, f.field, item, `${at}/add/${i}`, field, true));
      f.change.forEach((item, i) => checkNamed(k, f.field, item, `${at}/change/${i}`, field, true));
      f.remove.forEach((item, i) => checkNamed(k, f.field, item, `${at}/remove/${i}`, field, false));
      return;
  }
}

/**
 * The emails a change's user may have in the org: the plan's, and for an email change the one it changes
 * from (until it is applied).
 */
function emailsOf(change: Change): string[] {
  const emails = [normalEmail(change.email)];
  for (const f of change.fields) if (f.field === 'email' && f.before) emails.push(normalEmail(f.before));
  return emails;
}

function checkChange(k: Checker, change: Change, i: number): void {
  const at = `/changes/${i}`;
  const user = k.users.get(change.id);
  // A user id the org no longer lists is a user deleted since the plan: apply reports it as a conflict.
  if (user && !emailsOf(change).includes(normalEmail(user.email))) {
    mismatch(k, 'plan-label-mismatch', `${change.email}: user id ${change.id} is ${user.email} in the org, but the plan shows ${change.email} (${at}/id).`);
  }
  change.fields.forEach((f, j) => checkField(k, f, `${at}/fields/${j}`, change.email));
}

/** Checks every id of the plan against the org now, and runs the safety rules on its changes afresh. */
export function recheckSavedPlan(input: RecheckInput): RecheckResult {
  const { plan, org, desired, config } = input;
  const byId = Object.fromEntries(
    (Object.keys(KIND_WORD) as LookupField[]).map((field) => [field, new Map(org.lookups[field].map((item) => [item.id, item]))]),
  ) as Record<LookupField, Map<string, Named>>;
  const users = new Map<string | undefined, OrgUser>(org.users.map((u) => [u.id, u]));
  const checker: Checker = { issues: [], file: input.file, byId, users };
  plan.changes.forEach((change, i) => checkChange(checker, change, i));
  const { managedCount } = diffUsers(desired, org, config);
  const safety = checkSafety(plan.changes, { desired, org, config, managedCount }, input.allowUnsafe);
  const liveUserIds = new Set(org.users.filter((u) => u.state !== 'deleted').map((u) => u.id));
  return { issues: checker.issues, safety, liveUserIds };
}
