// The phase plan: which steps run in which order (first, users, queues, divisions, final state), as data built from the users' runs.
import type { FieldChange, GrantRef, Level, Named } from '../model/index.js';
import { batchesAutoAnswer, batchesHomeGrants, LIMITS } from './calls.js';
import { PROFILE_FIELDS } from './fields.js';
import { phasePhones, phaseStations } from './phones.js';
import { chunk } from './pool.js';
import { fieldByKind, isLive } from './run.js';
import type { Run } from './run.js';

/** One unit of work for the pool: a user's step, or a batch across users. */
export type Step =
  | { kind: 'create' | 'restore' | 'activate' | 'patch' | 'deactivate'; run: Run }
  | { kind: 'roles'; run: Run; add: GrantRef[]; remove: GrantRef[] }
  | { kind: 'role-users'; roleId: string; role: string; entries: HomeGrants[] }
  | { kind: 'auto-answer'; runs: Run[] }
  | { kind: 'utilization'; run: Run; change: Extract<FieldChange, { kind: 'utilization' }> }
  | { kind: 'voicemail'; run: Run; change: Extract<FieldChange, { kind: 'voicemail' }> }
  | { kind: 'set-levels'; run: Run; field: 'skills' | 'languages'; part: Level[] }
  | { kind: 'remove-level'; run: Run; field: 'skills' | 'languages'; item: Level }
  | { kind: 'group-members'; group: Named; add: Run[]; remove: Run[] }
  | { kind: 'queue-members'; queue: Named; op: 'add' | 'remove'; runs: Run[] }
  | { kind: 'move-division'; division: Named; runs: Run[] }
  | { kind: 'phone'; run: Run; change: Extract<FieldChange, { kind: 'webrtcPhone' }> }
  | { kind: 'station'; run: Run };

/**
 * A user whose grants to add are all in the home division, and who loses none: each of its roles goes in that role's
 * batch, and the user's one record is made when the last of them is done (`left`), failed if any failed.
 */
export interface HomeGrants {
  run: Run;
  roles: GrantRef[];
  left: number;
  failure?: unknown;
}

/** What building a phase may need beyond the runs: the home division, when apply could read it. */
export interface PhaseEnv {
  homeDivisionId?: string;
}

export type PhaseName = 'first' | 'users' | 'queues' | 'divisions' | 'phones' | 'stations' | 'final state';

/**
 * The phases in order. Each is built when its turn comes, from the runs as the phases before left them (the ids creates
 * gave, the users whose create or restore failed), and runs to its end before the next starts.
 */
export const PHASES: ReadonlyArray<{ name: PhaseName; build: (runs: readonly Run[], env: PhaseEnv) => Step[] }> = [
  { name: 'first', build: phaseFirst },
  { name: 'users', build: phaseUsers },
  { name: 'queues', build: phaseQueues },
  { name: 'divisions', build: phaseDivisions },
  // WebRTC phones, then their stations as default stations (src/apply/phones.ts); before the final state, so that a
  // leaver's phone is deleted while they are still active.
  { name: 'phones', build: phasePhones },
  { name: 'stations', build: phaseStations },
  { name: 'final state', build: phaseFinalState },
];

/** Creates, restores and activations: every later step needs the user to exist and be reachable. */
export function phaseFirst(runs: readonly Run[]): Step[] {
  const steps: Step[] = [];
  for (const run of runs) {
    if (run.dead) continue;
    const { action } = run.change;
    if (action === 'create') {
      steps.push({ kind: 'create', run });
      continue;
    }
    const state = fieldByKind(run.fields, 'text', 'state');
    if (action === 'restore') {
      if (state?.after === 'active') run.fields = run.fields.filter((f) => f !== state);
      steps.push({ kind: 'restore', run });
      continue;
    }
    if (action === 'update' && state?.after === 'active') {
      run.fields = run.fields.filter((f) => f !== state);
      steps.push({ kind: 'activate', run });
    }
  }
  return steps;
}

/** Moves a declared `state: inactive` (or a deactivation) out of the field list into the last phase. */
function settleFinalState(run: Run): void {
  const state = fieldByKind(run.fields, 'text', 'state');
  if (state) run.fields = run.fields.filter((f) => f !== state);
  if (run.change.action === 'deactivate' || state?.after === 'inactive') run.finalState = 'inactive';
}

/** Users joining or leaving each group or queue, in plan order. */
function members(runs: readonly Run[], field: 'groups' | 'queues'): Map<string, { item: Named; add: Run[]; remove: Run[] }> {
  const map = new Map<string, { item: Named; add: Run[]; remove: Run[] }>();
  for (const run of runs) {
    if (!isLive(run)) continue;
    for (const f of run.fields) {
      if (f.kind !== 'set' || f.field !== field) continue;
      for (const [list, kind] of [[f.add, 'add'], [f.remove, 'remove']] as const) {
        for (const item of list) {
          const entry = map.get(item.id) ?? { item, add: [], remove: [] };
          entry[kind].push(run);
          map.set(item.id, entry);
        }
      }
    }
  }
  return map;
}

/**
 * One PATCH per user (new users whose only profile field is `acdAutoAnswer` in batches instead), then roles, skills,
 * languages, utilization and voicemail policy per user, and group membership batched across users (queue membership follows).
 */
export function phaseUsers(runs: readonly Run[], env: PhaseEnv = {}): Step[] {
  const userSteps: Step[] = [];
  const byRole = new Map<string, { role: string; entries: HomeGrants[] }>();
  const autoAnswers: Run[] = [];
  for (const run of runs) {
    settleFinalState(run);
    if (!isLive(run)) continue;
    const profile = run.fields.filter((f) => PROFILE_FIELDS.has(f.field));
    if (batchesAutoAnswer(run.fresh, profile)) autoAnswers.push(run);
    else if (profile.length > 0) userSteps.push({ kind: 'patch', run });
    const roles = fieldByKind(run.fields, 'grants');
    if (roles && batchesHomeGrants(roles, env.homeDivisionId)) {
      const entry: HomeGrants = { run, roles: roles.add, left: roles.add.length };
      for (const g of roles.add) {
        const batch = byRole.get(g.roleId) ?? { role: g.role, entries: [] };
        batch.entries.push(entry);
        byRole.set(g.roleId, batch);
      }
    } else if (roles) userSteps.push({ kind: 'roles', run, add: roles.add, remove: roles.remove });
    const utilization = fieldByKind(run.fields, 'utilization');
    if (utilization) userSteps.push({ kind: 'utilization', run, change: utilization });
    const voicemail = fieldByKind(run.fields, 'voicemail');
    if (voicemail) userSteps.push({ kind: 'voicemail', run, change: voicemail });
    for (const levels of run.fields) {
      if (levels.kind !== 'levels') continue;
      const set = [...levels.add, ...levels.change.map((c) => ({ id: c.id, name: c.name, level: c.after }))];
      for (const part of chunk(set, LIMITS.skills)) userSteps.push({ kind: 'set-levels', run, field: levels.field, part });
      for (const item of levels.remove) userSteps.push({ kind: 'remove-level', run, field: levels.field, item });
    }
  }
  const groupSteps: Step[] = [...members(runs, 'groups').values()].map(({ item, add, remove }) => ({ kind: 'group-members', group: item, add, remove }));
  const roleSteps: Step[] = [];
  for (const [roleId, { role, entries }] of byRole) for (const part of chunk(entries, LIMITS.roleUsers)) roleSteps.push({ kind: 'role-users', roleId, role, entries: part });
  for (const part of chunk(autoAnswers, LIMITS.autoAnswer)) roleSteps.push({ kind: 'auto-answer', runs: part });
  // Group steps make several calls in sequence: start them first so they do not trail at the end.
  return [...groupSteps, ...roleSteps, ...userSteps];
}

/**
 * Queue members once group members are in place: a queue follows its member groups, and a user still
 * in a member group cannot join the queue directly, so one who leaves the group joins it only after.
 */
export function phaseQueues(runs: readonly Run[]): Step[] {
  const steps: Step[] = [];
  for (const { item, add, remove } of members(runs, 'queues').values()) {
    for (const part of chunk(add, LIMITS.queue)) steps.push({ kind: 'queue-members', queue: item, op: 'add', runs: part });
    for (const part of chunk(remove, LIMITS.queue)) steps.push({ kind: 'queue-members', queue: item, op: 'remove', runs: part });
  }
  return steps;
}

export function phaseDivisions(runs: readonly Run[]): Step[] {
  const moves = new Map<string, { division: Named; runs: Run[] }>();
  for (const run of runs) {
    if (!isLive(run)) continue;
    const division = fieldByKind(run.fields, 'ref', 'division');
    if (!division) continue;
    const entry = moves.get(division.after.id) ?? { division: division.after, runs: [] };
    entry.runs.push(run);
    moves.set(division.after.id, entry);
  }
  const steps: Step[] = [];
  for (const { division, runs: movers } of moves.values()) {
    for (const part of chunk(movers, LIMITS.divisionMove)) steps.push({ kind: 'move-division', division, runs: part });
  }
  return steps;
}

/** Deactivations come last, so a user switched off has every other change in place first. */
export function phaseFinalState(runs: readonly Run[]): Step[] {
  return runs.filter((run) => isLive(run) && run.finalState === 'inactive').map((run): Step => ({ kind: 'deactivate', run }));
}
