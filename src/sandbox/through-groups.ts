// What users get through their groups: queue membership (member groups) and role grants made to groups.
import type { GrantRec, GroupRec, QueueRec, SandboxOrg, UserRec } from './org.js';

export type MemberBy = 'user' | 'group';

/**
 * A queue's live members and how each came in: `user` for one added directly (even when a member
 * group holds them too: the direct membership is the one a removal can end), `group` for one that
 * is only there through a member group. Direct members first, in the order they joined, then the
 * members of each member group. (Models.Queue.memberGroups: "Queue membership will update to match
 * group membership changes"; Models.QueueMember.memberBy.)
 */
export function queueMembership(org: SandboxOrg, q: QueueRec): Map<string, { user: UserRec; memberBy: MemberBy; viaGroup: boolean }> {
  const out = new Map<string, { user: UserRec; memberBy: MemberBy; viaGroup: boolean }>();
  for (const id of q.members) {
    const user = org.users.get(id);
    if (user && user.state !== 'deleted') out.set(id, { user, memberBy: 'user', viaGroup: false });
  }
  for (const ref of q.memberGroups ?? []) {
    const group = org.groups.get(ref.id);
    for (const id of group?.members ?? []) {
      const seen = out.get(id);
      if (seen) {
        seen.viaGroup = true;
        continue;
      }
      const user = org.users.get(id);
      if (user && user.state !== 'deleted') out.set(id, { user, memberBy: 'group', viaGroup: true });
    }
  }
  return out;
}

/** Is the user in the queue through one of its member groups? */
export function inQueueThroughGroup(org: SandboxOrg, q: QueueRec, userId: string): boolean {
  return (q.memberGroups ?? []).some((ref) => org.groups.get(ref.id)?.members.has(userId) === true);
}

/** The groups a user belongs to, in the org's group order. */
export function groupsOf(org: SandboxOrg, userId: string): GroupRec[] {
  return org.groups.sorted().filter((g) => g.members.has(userId));
}

/** Grants a user holds through groups, each with the group that was granted it. */
export function groupGrantsOf(org: SandboxOrg, userId: string): Array<GrantRec & { groupId: string }> {
  const out: Array<GrantRec & { groupId: string }> = [];
  for (const g of org.groups.sorted()) {
    if (!g.grants || g.grants.length === 0 || !g.members.has(userId)) continue;
    for (const grant of g.grants) out.push({ ...grant, groupId: g.id });
  }
  return out;
}

/** Deletes a role: every grant of it, to users and groups, goes with it. */
export function deleteRole(org: SandboxOrg, roleId: string): void {
  org.roles.remove(roleId);
  for (const user of org.users.values()) {
    if (user.grants.some((g) => g.roleId === roleId)) org.updateUser(user.id, (u) => (u.grants = u.grants.filter((g) => g.roleId !== roleId)), { bumpVersion: false });
  }
  for (const g of org.groups.sorted()) if (g.grants) g.grants = g.grants.filter((x) => x.roleId !== roleId);
  org.changed();
}

/** Deletes a division: the grants made in it go with it. */
export function deleteDivision(org: SandboxOrg, divisionId: string): void {
  org.divisions.remove(divisionId);
  for (const user of org.users.values()) {
    if (user.grants.some((g) => g.divisionId === divisionId)) org.updateUser(user.id, (u) => (u.grants = u.grants.filter((g) => g.divisionId !== divisionId)), { bumpVersion: false });
  }
  for (const g of org.groups.sorted()) if (g.grants) g.grants = g.grants.filter((x) => x.divisionId !== divisionId);
  org.changed();
}
