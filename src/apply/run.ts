// One user's progress through apply, the options apply takes, and what every step of it shares.
import type { Change, FieldChange, OperationRecord, OrgUser, OrgWriter, Plan, UserState } from '../model/index.js';
import type { ManagerResolver } from './fields.js';
import type { Recorder } from './report.js';
import type { RetryPolicy, Retrier } from './retry.js';

export interface ApplyOptions {
  /** Operations in flight at once; the adapter's pacer keeps the rate under the limit. */
  concurrency: number;
  /**
   * Receives every record as it is made. When it throws, apply stops: nothing more is sent to the org, and the report
   * keeps the records it did not take (`journalError`, `unjournaled`).
   */
  journal?: (record: OperationRecord) => void;
  progress?: (event: { done: number; total: number; failed: number }) => void;
  /** Tolerates search lag when checking a create of unknown outcome (the policy's `search` back-off, in short). */
  findRetry?: { attempts: number; delayMs: number };
  /** Waits between retries after conflicts and unknown outcomes; the defaults suit Genesys (tests shorten them). */
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Aborting stops starting new operations; in-flight ones finish and the report says what was not started. */
  signal?: AbortSignal;
  /** 429s the adapter met, for the report. */
  rateLimited?: () => number;
  /**
   * Ids of the users active or inactive in a read of the org made just before apply (a saved plan's re-check).
   * A change to any other user id is stale (the user was deleted since the plan): a conflict, nothing written.
   */
  liveUserIds?: ReadonlySet<string>;
}

/** One user's progress through the phases. */
export interface Run {
  change: Change;
  email: string;
  id?: string;
  version?: number;
  /** Fields still to write. */
  fields: FieldChange[];
  /** Created in this run: its lists start empty, no read needed to merge them. */
  fresh: boolean;
  /** The latest read of the user, when one was made. */
  current?: OrgUser;
  /** Why every remaining step of this user is skipped (its create or restore failed, or it changed since the plan). */
  dead?: string;
  finalState?: UserState;
  problems: number;
  conflicted: boolean;
  /** Operations of this user that made a change (not found already made). */
  wrote: number;
  /** The user's WebRTC phone exists as planned (created, updated or found): its station may become the default. */
  phoneReady?: boolean;
  /** The user's create, restore or deactivate went through (written now, or found already made). */
  primaryDone: boolean;
}

/** What every step shares: the (gated) writer, the one retry policy, the recorder, and the other users. */
export interface Ctx {
  writer: OrgWriter;
  retrier: Retrier;
  recorder: Recorder;
  byEmail: ReadonlyMap<string, Run>;
}

export function runsOf(plan: Plan): Run[] {
  return plan.changes.map((change) => ({
    change,
    email: change.email,
    id: change.id,
    version: change.version,
    fields: [...change.fields],
    fresh: change.action === 'create',
    problems: 0,
    conflicted: false,
    wrote: 0,
    primaryDone: false,
  }));
}

/** Whether later steps of this user may run: it exists (has an id) and nothing stopped it. */
export function isLive(run: Run): boolean {
  return run.dead === undefined && run.id !== undefined;
}

export function fieldByKind<K extends FieldChange['kind']>(fields: readonly FieldChange[], kind: K, field?: string): Extract<FieldChange, { kind: K }> | undefined {
  return fields.find((f) => f.kind === kind && (field === undefined || f.field === field)) as Extract<FieldChange, { kind: K }> | undefined;
}

/** Manager references to user ids: the plan's id, else the id the manager's create in this run gave. */
export function managerResolver(byEmail: ReadonlyMap<string, Run>): ManagerResolver {
  return (ref) => {
    if (ref.id) return ref.id;
    const run = byEmail.get(ref.email);
    return run && !run.dead ? run.id : undefined;
  };
}
