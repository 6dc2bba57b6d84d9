// The safety policy: rules as data with limits from the config, checked in one function, overridden only by a flag.
import type { Change, DesiredState, OrgState, OrgUser, ProvisionConfig, SafetyConfig, SafetyVerdict, Violation } from '../model/index.js';
import { normalEmail } from '../rules/identity.js';
import { foldName } from '../rules/names.js';

export interface SafetyContext {
  desired: DesiredState;
  org: OrgState;
  config: ProvisionConfig;
  /** Org users the plan manages (the base of the percentage). */
  managedCount: number;
}

/**
 * Below this many managed users the percentage limit does not apply: on a tiny org a single
 * deactivation is already a large share (octoDNS keeps the same floor for its thresholds).
 */
export const PERCENT_FLOOR = 10;

interface Rule {
  rule: Violation['rule'];
  /** Messages, one per breach; none when the plan keeps the rule. */
  check(changes: Change[], context: SafetyContext, limits: SafetyConfig): string[];
}

const number = new Intl.NumberFormat('en-US');

/**
 * Deactivations by kind, each held to the limits on its own: users a file declares `state: inactive`
 * (offboarding by name, reviewed line by line) and users pruned for being undeclared in the scope (the
 * mass removal the limits are for). Kinds without deactivations are left out.
 */
function deactivationKinds(changes: Change[]): Array<{ count: number; what: string }> {
  let declared = 0;
  let pruned = 0;
  for (const change of changes) {
    if (change.action !== 'deactivate') continue;
    if (change.reason === 'pruned') pruned += 1;
    else declared += 1;
  }
  const out: Array<{ count: number; what: string }> = [];
  if (declared > 0) out.push({ count: declared, what: `${plural(declared, 'deactivation')} declared in users/` });
  if (pruned > 0) out.push({ count: pruned, what: `${plural(pruned, 'deactivation')} of undeclared users in the pruned scope` });
  return out;
}

function share(count: number, managed: number): string {
  const percent = managed === 0 ? 100 : (count / managed) * 100;
  return `${percent.toFixed(1)}% of ${number.format(managed)} managed ${managed === 1 ? 'user' : 'users'}`;
}

function exceed(count: number): string {
  return count === 1 ? 'exceeds' : 'exceed';
}

function plural(count: number, word: string): string {
  return `${number.format(count)} ${word}${count === 1 ? '' : 's'}`;
}

function pruning(context: SafetyContext): boolean {
  return context.config.scope.prune === true;
}

/**
 * Does the user hold the role, in any division? Their own grants when read, and grants through their
 * groups; where grants were not read, the users listing's role ids (their effective roles, groups' included).
 */
function holds(user: OrgUser, roleId: string): boolean {
  if (user.roleGrants === undefined) return user.roleIds?.includes(roleId) === true;
  // Stryker disable next-line ArrayDeclaration: an absent list and an empty one read the same (no item has the role id).
  return user.roleGrants.some((g) => g.roleId === roleId) || (user.inheritedGrants ?? []).some((g) => g.roleId === roleId);
}

/**
 * How a holder loses the role once the change is applied, or undefined when they keep it. A revoke
 * removes only the user's own grants: a grant through a group stays unless the plan takes the user out
 * of that group. Where grants were not read (roles not managed) the plan revokes nothing, but leaving a
 * group may still take the role, as the listing's role ids cannot say where it came from: that counts
 * as a loss, the safe reading. A change that also gives the role back (a grant in another division, a
 * group that holds it) is a gain, which the rule counts apart.
 */
function lossOf(user: OrgUser, change: Change | undefined, roleId: string): string | undefined {
  // Stryker disable next-line ArrayDeclaration: no change and no fields read the same.
  const fields = change?.fields ?? [];
  const left = fields.flatMap((f) => (f.field === 'groups' ? f.remove : []));
  if (user.roleGrants === undefined) {
    if (left.length === 0) return undefined;
    return `leaves ${left.length === 1 ? 'group' : 'groups'} ${left.map((g) => `"${g.name}"`).join(', ')}, which may grant it`;
  }
  const own = user.roleGrants.filter((g) => g.roleId === roleId).length;
  const revoked = fields.reduce((n, f) => n + (f.kind === 'grants' ? f.remove.filter((g) => g.roleId === roleId).length : 0), 0);
  if (own > revoked) return undefined;
  const leaving = new Set(left.map((g) => g.id));
  // Stryker disable next-line ArrayDeclaration: as in `holds`.
  if ((user.inheritedGrants ?? []).some((g) => g.roleId === roleId && !leaving.has(g.groupId))) return undefined;
  return 'role removed';
}

/** The rules, in the order their violations are reported. */
export const SAFETY_RULES: readonly Rule[] = [
  {
    rule: 'max-deactivations',
    check(changes, context, limits) {
      return deactivationKinds(changes)
        .filter(({ count }) => count > limits.maxDeactivations)
        .map(({ count, what }) => `${what} (${share(count, context.managedCount)}) ${exceed(count)} the limit of ${number.format(limits.maxDeactivations)} (safety.maxDeactivations).`);
    },
  },
  {
    rule: 'max-deactivation-percent',
    check(changes, context, limits) {
      if (context.managedCount < PERCENT_FLOOR) return [];
      return deactivationKinds(changes)
        .filter(({ count }) => (count / context.managedCount) * 100 > limits.maxDeactivationPercent)
        .map(({ count, what }) => `${what} (${share(count, context.managedCount)}) ${exceed(count)} the limit of ${limits.maxDeactivationPercent}% (safety.maxDeactivationPercent).`);
    },
  },
  {
    rule: 'empty-desired-state',
    check(_changes, context) {
      if (!pruning(context) || context.desired.users.length > 0) return [];
      return ['Pruning is on and no users are declared: every active user in scope would be deactivated.'];
    },
  },
  {
    rule: 'failed-files',
    check(_changes, context) {
      const failed = context.desired.failedFiles;
      if (!pruning(context) || failed.length === 0) return [];
      return [`Pruning is on but ${plural(failed.length, 'file')} could not be read (${failed.join(', ')}): their users would count as undeclared and be deactivated.`];
    },
  },
  {
    rule: 'protected-user',
    check(changes, _context, limits) {
      const protectedUsers = new Set(limits.protectedUsers.map(normalEmail));
      const out: string[] = [];
      for (const change of changes) {
        if (!protectedUsers.has(normalEmail(change.email))) continue;
        if (change.action === 'deactivate') out.push(`Protected user ${change.email} would be deactivated (${change.reason === 'pruned' ? 'undeclared in a pruned scope' : 'declared inactive'}).`);
        for (const field of change.fields) {
          if (field.kind === 'grants' && field.remove.length > 0) {
            out.push(`Protected user ${change.email} would lose ${plural(field.remove.length, 'role')}: ${field.remove.map((g) => `${g.role} (${g.division})`).join(', ')}.`);
          }
        }
      }
      return out;
    },
  },
  {
    rule: 'last-admin',
    check(changes, context, limits) {
      const adminNames = new Set(limits.adminRoles.map(foldName));
      const roles = context.org.lookups.roles.filter((r) => adminNames.has(foldName(r.name)));
      const out: string[] = [];
      const byId = new Map(changes.map((c) => [c.id, c]));
      // Which groups hold which roles, as far as the read saw them through their members.
      const groupRoles = new Map<string, Set<string>>();
      // Stryker disable next-line ArrayDeclaration: as in `holds`.
      for (const u of context.org.users) for (const h of u.inheritedGrants ?? []) groupRoles.set(h.groupId, (groupRoles.get(h.groupId) ?? new Set()).add(h.roleId));
      for (const role of roles) {
        const holders = context.org.users.filter((u) => u.state === 'active' && holds(u, role.id));
        if (holders.length === 0) continue;
        const lost: string[] = [];
        let kept = 0;
        for (const holder of holders) {
          const change = byId.get(holder.id);
          if (change?.action === 'deactivate') {
            lost.push(`${holder.email} (deactivated)`);
            continue;
          }
          const loss = lossOf(holder, change, role.id);
          if (loss === undefined) kept += 1;
          else lost.push(`${holder.email} (${loss})`);
        }
        if (kept > 0) continue;
        // Holders the plan grants the role to (directly, or through a group that holds it), new ones or a
        // holder moving their grant, keep the org administrable; not users it leaves or makes inactive.
        const gained = changes.some(
          (c) =>
            c.action !== 'deactivate' &&
            !c.fields.some((f) => f.field === 'state' && f.after === 'inactive') &&
            c.fields.some((f) => (f.kind === 'grants' && f.add.some((g) => g.roleId === role.id)) || (f.field === 'groups' && f.add.some((g) => groupRoles.get(g.id)?.has(role.id)))),
        );
        if (gained) continue;
        out.push(`The plan removes the last ${holders.length === 1 ? 'holder' : `${holders.length} holders`} of the admin role "${role.name}": ${lost.join(', ')}.`);
      }
      return out;
    },
  },
];

/** Checks every rule. A blocked plan stays blocked; `allowUnsafe` only marks it overridden. */
export function checkSafety(changes: Change[], context: SafetyContext, allowUnsafe: boolean): SafetyVerdict {
  // The config loader fills every limit in from the defaults (src/rules/defaults.ts), the one source of them.
  const limits = context.config.safety;
  const violations: Violation[] = [];
  for (const rule of SAFETY_RULES) {
    for (const message of rule.check(changes, context, limits)) violations.push({ rule: rule.rule, message });
  }
  const blocked = violations.length > 0;
  return { blocked, violations, overridden: blocked && allowUnsafe };
}
