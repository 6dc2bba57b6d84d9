// The batch limits apply respects, and the fewest API calls a plan can be applied in (the benchmark's yardstick).
import type { FieldChange, GrantRef, Plan } from '../model/index.js';
import { CREATE_FIELDS, PROFILE_FIELDS } from './fields.js';

/** Entries per call, from the Genesys API (see GENESYS-API.md). */
export const LIMITS = {
  skills: 50,
  languages: 50,
  groupAdd: 50,
  groupRemove: 50,
  queue: 100,
  divisionMove: 50,
  /** `PUT /authorization/roles/{roleId}/users/add`: the SDK docs name no limit; the sandbox's 50 (see ROLE_USERS_LIMIT there). */
  roleUsers: 50,
  /** `PATCH /users/bulk`: "Max 50 users can be updated at a time" (UsersApi.md, `patchUsersBulk`). */
  autoAnswer: 50,
} as const;

export interface CallBreakdown {
  creates: number;
  stateChanges: number;
  patches: number;
  roles: number;
  skills: number;
  languages: number;
  divisionMoves: number;
  groupCalls: number;
  queueCalls: number;
  /** Utilization (PUT or DELETE) and voicemail policy (PATCH): one call each per user, no batch exists. */
  userSettings: number;
  /** WebRTC phones: a create, PUT or DELETE, then for a default station one look-up and one PUT. */
  phones: number;
  total: number;
}

/**
 * Whose grants go in role batches: users granted only home-division roles and revoked none (a user losing a role is
 * granted first and revoked after, in its own step, so it is never left without one); the others keep per-user calls.
 */
export function batchesHomeGrants(grants: { add: readonly GrantRef[]; remove: readonly GrantRef[] }, homeDivisionId: string | undefined): boolean {
  return homeDivisionId !== undefined && grants.remove.length === 0 && grants.add.length > 0 && grants.add.every((g) => g.divisionId === homeDivisionId);
}

/**
 * Whose profile change goes in an auto-answer batch (`PATCH /users/bulk`, which carries no version): users this apply
 * created, so there is no one else's change to overwrite, whose one profile field left after the create is
 * `acdAutoAnswer`. Any other profile change takes the user's own versioned PATCH, which carries `acdAutoAnswer` along.
 */
export function batchesAutoAnswer(created: boolean, profile: readonly FieldChange[]): boolean {
  return created && profile.length === 1 && profile[0]?.field === 'acdAutoAnswer';
}

/** Whether a phone change writes the phone: a create, a PUT (another site or phone base) or a DELETE. */
export function phoneWrite(f: Extract<FieldChange, { kind: 'webrtcPhone' }>): boolean {
  return f.after === null || f.before === null || f.before.site.id !== f.after.site.id || f.before.phoneBase.id !== f.after.phoneBase.id;
}

/** Whether a phone change sets the default station (after the phone is in place). */
export function phoneStation(f: Extract<FieldChange, { kind: 'webrtcPhone' }>): boolean {
  return f.station && f.after !== null;
}

/** A phone's calls: its write, and for the default station a look-up (`GET /stations?webRtcUserId=`) and a PUT. */
export function phoneCalls(f: Extract<FieldChange, { kind: 'webrtcPhone' }>): number {
  return (phoneWrite(f) ? 1 : 0) + (phoneStation(f) ? 2 : 0);
}

const ceil = (n: number, size: number): number => Math.ceil(n / size);

/**
 * The fewest calls that can apply `plan` when nothing goes wrong: one create or state change per user, one PATCH
 * for the profile fields a create cannot carry, grant and revoke per user, skills and languages in bulks of 50
 * plus single removals, and per group (read version + adds in 50s) + removals in 50s, per queue adds and removals
 * in 100s, per division moves in 50s, and a final state change for deactivations. Given the org's home division,
 * users granted only home-division roles (and revoked none) are granted per role, 50 users a call; new users whose
 * only profile field after the create is `acdAutoAnswer` get it 50 users a call.
 */
export function minimumCalls(plan: Plan, homeDivisionId?: string): CallBreakdown {
  const out: CallBreakdown = { creates: 0, stateChanges: 0, patches: 0, roles: 0, skills: 0, languages: 0, divisionMoves: 0, groupCalls: 0, queueCalls: 0, userSettings: 0, phones: 0, total: 0 };
  const groups = new Map<string, { add: number; remove: number }>();
  const queues = new Map<string, { add: number; remove: number }>();
  const divisions = new Map<string, number>();
  const roleUsers = new Map<string, number>();
  let autoAnswers = 0;
  const tally = (map: Map<string, { add: number; remove: number }>, id: string, kind: 'add' | 'remove'): void => {
    const entry = map.get(id) ?? { add: 0, remove: 0 };
    entry[kind] += 1;
    map.set(id, entry);
  };
  for (const change of plan.changes) {
    const isCreate = change.action === 'create';
    if (isCreate) out.creates += 1;
    if (change.action === 'restore' || change.action === 'deactivate') out.stateChanges += 1;
    const profile = change.fields.filter((f) => PROFILE_FIELDS.has(f.field) && !(isCreate && CREATE_FIELDS.has(f.field)));
    if (batchesAutoAnswer(isCreate, profile)) autoAnswers += 1;
    else if (profile.length > 0) out.patches += 1;
    for (const f of change.fields) {
      if (f.kind === 'grants' && batchesHomeGrants(f, homeDivisionId)) for (const g of f.add) roleUsers.set(g.roleId, (roleUsers.get(g.roleId) ?? 0) + 1);
      else countField(f, change.action, out, { groups, queues, divisions, tally });
    }
  }
  for (const n of roleUsers.values()) out.roles += ceil(n, LIMITS.roleUsers);
  out.patches += ceil(autoAnswers, LIMITS.autoAnswer);
  for (const { add, remove } of groups.values()) out.groupCalls += (add > 0 ? 1 + ceil(add, LIMITS.groupAdd) : 0) + ceil(remove, LIMITS.groupRemove);
  for (const { add, remove } of queues.values()) out.queueCalls += ceil(add, LIMITS.queue) + ceil(remove, LIMITS.queue);
  for (const n of divisions.values()) out.divisionMoves += ceil(n, LIMITS.divisionMove);
  out.total = out.creates + out.stateChanges + out.patches + out.roles + out.skills + out.languages + out.divisionMoves + out.groupCalls + out.queueCalls + out.userSettings + out.phones;
  return out;
}

function countField(
  f: FieldChange,
  action: Plan['changes'][number]['action'],
  out: CallBreakdown,
  acc: {
    groups: Map<string, { add: number; remove: number }>;
    queues: Map<string, { add: number; remove: number }>;
    divisions: Map<string, number>;
    tally: (map: Map<string, { add: number; remove: number }>, id: string, kind: 'add' | 'remove') => void;
  },
): void {
  switch (f.kind) {
    case 'text':
      if (f.field === 'state' && (action === 'update' || (action === 'restore' && f.after === 'inactive'))) out.stateChanges += 1;
      return;
    case 'ref':
      if (action !== 'create') acc.divisions.set(f.after.id, (acc.divisions.get(f.after.id) ?? 0) + 1);
      return;
    case 'grants':
      out.roles += (f.add.length > 0 ? 1 : 0) + (f.remove.length > 0 ? 1 : 0);
      return;
    case 'levels': {
      const n = ceil(f.add.length + f.change.length, LIMITS.skills) + f.remove.length;
      if (f.field === 'skills') out.skills += n;
      else out.languages += n;
      return;
    }
    case 'utilization':
    case 'voicemail':
      out.userSettings += 1;
      return;
    case 'webrtcPhone':
      out.phones += phoneCalls(f);
      return;
    case 'set':
      if (f.field === 'groups' || f.field === 'queues') {
        const map = f.field === 'groups' ? acc.groups : acc.queues;
        for (const g of f.add) acc.tally(map, g.id, 'add');
        for (const g of f.remove) acc.tally(map, g.id, 'remove');
      }
      return;
    default:
      return;
  }
}
