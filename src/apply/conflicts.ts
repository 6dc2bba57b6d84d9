// Conflict handling, pure: what a re-read after a refused versioned write means, and which refusals say the email or user is taken or gone.
import { ApiError } from '../model/index.js';
import type { FieldChange, OrgUser, UserState } from '../model/index.js';
import { describeCurrent, fieldStatus } from './fields.js';
import type { ManagerResolver } from './fields.js';
import { isNotFound } from './retry.js';

/** A create that met a user with the same email (active, inactive, or soft-deleted). */
export function isExistingUserConflict(error: unknown): boolean {
  if (!(error instanceof ApiError)) return false;
  if (error.status === 409) return true;
  return error.status === 400 && /conflict|exist|already|in use|duplicate/i.test(`${error.code} ${error.message}`);
}

/**
 * A write to a user the plan found in the org answered 404: the 404 may be about the item (a skill, a role) or about
 * the user, deleted since the plan. Only a read of the user tells; a user this run created cannot have been.
 */
export function mayBeDeleted(error: unknown, run: { id?: string; fresh: boolean }): boolean {
  return isNotFound(error) && run.id !== undefined && !run.fresh;
}

/**
 * Whether a read of a user lags the writes before it (Terraform provider issue #1461): it shows a version older than
 * `atLeast`, one the org is known to have held; or, for a user known to exist, it answered 404.
 */
export function readLags(read: { user?: Pick<OrgUser, 'version'>; error?: unknown }, atLeast: number | undefined): boolean {
  // Versions start at 1: with no version to be at, no read lags.
  if (read.user) return read.user.version < (atLeast ?? 0);
  return isNotFound(read.error);
}

/** After a version refusal: the read shows the very version refused (`stalled`), or a newer one (`moved`). */
export function refusal(shown: number, sent: number): 'stalled' | 'moved' {
  return shown === sent ? 'stalled' : 'moved';
}

/**
 * What a re-read means for a state change (activate, restore, deactivate) the org refused:
 * - `done`: the user is already in the target state (an earlier try landed, or someone else did it);
 * - `deleted`: deleted since the plan, and the change is not one that starts from deleted;
 * - `elsewhere`: in a state the change does not start from: someone else moved it, and it is not overwritten;
 * - `stalled` / `moved`: still where the change starts from, at the very version refused or at a newer one.
 */
export type StateVerdict = { kind: 'done' } | { kind: 'deleted' } | { kind: 'elsewhere'; state: OrgUser['state'] } | { kind: 'stalled' } | { kind: 'moved'; version: number };

export function stateVerdict(current: Pick<OrgUser, 'state' | 'version'>, change: { target: UserState; from: ReadonlyArray<OrgUser['state']>; version: number }): StateVerdict {
  if (current.state === change.target) return { kind: 'done' };
  if (current.state === 'deleted' && !change.from.includes('deleted')) return { kind: 'deleted' };
  if (!change.from.includes(current.state)) return { kind: 'elsewhere', state: current.state };
  return refusal(current.version, change.version) === 'stalled' ? { kind: 'stalled' } : { kind: 'moved', version: current.version };
}

export interface FieldsVerdict {
  /** Fields still as the plan found them: to write, with the new version. */
  pending: FieldChange[];
  /** Fields someone else changed since the plan, each as `field is now value`: never overwritten. */
  conflicts: string[];
}

/** Sorts the fields of a refused PATCH against the user as re-read: already done (dropped), still pending, or conflicts. */
export function judgeFields(fields: readonly FieldChange[], current: OrgUser, resolve: ManagerResolver): FieldsVerdict {
  const pending: FieldChange[] = [];
  const conflicts: string[] = [];
  for (const f of fields) {
    const status = fieldStatus(f, current, resolve);
    if (status === 'pending') pending.push(f);
    if (status === 'conflict') conflicts.push(`${f.field} is now ${describeCurrent(f, current)}`);
  }
  return { pending, conflicts };
}
