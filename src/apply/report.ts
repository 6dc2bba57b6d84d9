// Apply's records: one per operation, to the report, the progress and the journal (whose failure stops apply), then the summary.
import { ApiError, ProvisionError } from '../model/index.js';
import type { ApplyReport, OperationRecord, Outcome, Plan } from '../model/index.js';
import { LIMITS, phoneStation, phoneWrite } from './calls.js';
import { CREATE_FIELDS, PROFILE_FIELDS } from './fields.js';
import type { ApplyOptions, Run } from './run.js';

export interface ApplyResult extends ApplyReport {
  /** Users with at least one field not written because someone else changed it since the plan. */
  conflicts: number;
  /** Users counted above whose every operation found the change already made (an earlier run, or someone else). */
  alreadyDone: number;
  /** Operations never started because apply was interrupted or stopped. */
  notStarted: number;
  /** Apply did not run to its end: aborted (Ctrl-C), or stopped because the journal could not be written. */
  interrupted: boolean;
  /** Why the journal could not be written; apply stopped at that record and sent nothing more to the org. */
  journalError?: { code: string; message: string };
  /** Records the journal does not hold: the one whose write failed and those of the operations in flight then. */
  unjournaled: OperationRecord[];
}

/** Thrown instead of a call once apply has stopped (the journal could not be written): the call was never sent. */
export class Halted extends Error {
  constructor() {
    super('not sent: apply stopped because the journal could not be written');
    this.name = 'Halted';
  }
}

/**
 * Redacts anything that looks like a credential from a free-text message; permission names such as
 * `authorization:grant:add` (named by 403 answers) are not credentials and stay readable.
 */
export function redact(message: string): string {
  return message
    .replace(/(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]')
    .replace(/(access_token|client_secret|authorization)(?!:[A-Za-z*]+:[A-Za-z*]+)["'=:\s]+[^\s"',}]+/gi, '$1=[redacted]')
    .split('\n')[0]!
    .slice(0, 500);
}

function describeError(error: unknown): Pick<OperationRecord, 'status' | 'code' | 'contextId' | 'message'> {
  if (error instanceof ApiError) {
    return { status: error.status, code: error.code, contextId: error.contextId, message: redact(error.message) };
  }
  if (error instanceof ProvisionError) return { code: error.code, message: redact(error.message) };
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unexpected error';
  return { code: 'internal', message: redact(message) };
}

/** A journal's failure as the summary names it: its code (the file system's, such as ENOSPC, or ours) and message. */
function journalFailure(error: unknown): { code: string; message: string } {
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown';
  return { code, message: describeError(error).message ?? 'unexpected error' };
}

/**
 * Makes every record of a run: counts it for the report and the progress, then hands it to the journal. The journal is
 * written here and only here, apart from the code that classifies API errors: its failure never passes for a failed
 * write. It stops apply instead (`onHalt`), and the records it missed stay in `unjournaled`.
 */
export class Recorder {
  readonly problems: OperationRecord[] = [];
  readonly unjournaled: OperationRecord[] = [];
  journalError?: { code: string; message: string };
  notStarted = 0;
  private done = 0;
  private failedOps = 0;

  constructor(
    private total: number,
    private readonly options: Pick<ApplyOptions, 'journal' | 'progress'>,
    private readonly onHalt: () => void,
  ) {}

  get halted(): boolean {
    return this.journalError !== undefined;
  }

  record(run: Run, operation: string, outcome: Outcome, error?: unknown, message?: string): void {
    // A call the stop kept from being sent is no outcome: it was not started.
    if (error instanceof Halted) {
      this.notStarted += 1;
      return;
    }
    const detail = error === undefined ? {} : describeError(error);
    const record: OperationRecord = {
      time: new Date().toISOString(),
      email: run.email,
      operation,
      outcome,
      ...detail,
      ...(message !== undefined ? { message: detail.message ? `${message} (${detail.message})` : message } : {}),
    };
    for (const key of Object.keys(record) as Array<keyof OperationRecord>) if (record[key] === undefined) delete record[key];
    if (outcome === 'ok') run.wrote += 1;
    if ((outcome === 'ok' || outcome === 'already-done') && operation === run.change.action) run.primaryDone = true;
    if (outcome === 'failed' || outcome === 'skipped' || outcome === 'conflict') {
      run.problems += 1;
      this.problems.push(record);
      if (outcome !== 'skipped') this.failedOps += 1;
    }
    this.done += 1;
    this.journal(record);
    this.emitProgress(false);
  }

  private journal(record: OperationRecord): void {
    if (this.journalError) {
      this.unjournaled.push(record);
      return;
    }
    try {
      this.options.journal?.(record);
    } catch (error) {
      this.journalError = journalFailure(error);
      this.unjournaled.push(record);
      this.onHalt();
    }
  }

  /** Marks a user's create or restore as failed: every later step of that user is skipped, with the reason. */
  kill(run: Run, operation: string, error: unknown, reason: string): void {
    run.dead = reason;
    if (error instanceof Halted) {
      this.record(run, operation, 'failed', error);
      return;
    }
    this.record(run, operation, 'failed', error, error === undefined ? reason : undefined);
    const rest = run.change.fields.map((f) => f.field).filter((f) => !CREATE_FIELDS.has(f));
    if (rest.length > 0) this.record(run, rest.join(', '), 'skipped', undefined, `skipped: ${reason}`);
  }

  /** Someone else changed the user itself since the plan (deleted it, or created it): nothing more is written for it. */
  conflict(run: Run, operation: string, why: string, error?: unknown): void {
    run.conflicted = true;
    run.dead = why;
    this.record(run, operation, 'conflict', error, `${why}; nothing written for this user. Re-plan.`);
  }

  /** The user was deleted in the org since the plan: one conflict for the user, the operations met after it skipped. */
  gone(run: Run, operation: string, error: unknown): void {
    if (run.conflicted) this.record(run, operation, 'skipped', undefined, `skipped: ${run.dead ?? 'the user was deleted in the org since the plan'}`);
    else this.conflict(run, operation, 'the user was deleted in the org since the plan', error);
  }

  emitProgress(final: boolean): void {
    if (!this.options.progress) return;
    if (this.done > this.total) this.total = this.done;
    this.options.progress({ done: final ? this.total : this.done, total: this.total, failed: this.failedOps });
  }

  /** The summary: users by what happened to them, and every problem. */
  report(runs: readonly Run[], totals: { aborted: boolean; elapsedMs: number; apiCalls: number; rateLimited: number }): ApplyResult {
    const counts = { created: 0, updated: 0, restored: 0, deactivated: 0, failed: 0, conflicts: 0, alreadyDone: 0 };
    const stopped = totals.aborted || this.halted;
    const cut = stopped && this.notStarted > 0;
    for (const r of runs) {
      if (r.conflicted) counts.conflicts += 1;
      if (r.problems > 0) {
        counts.failed += 1;
        continue;
      }
      if (cut) {
        // Count what was written: a user is created (restored, deactivated) once that call went
        // through, even when the rest of their operations were not started; nobody else is counted.
        if (r.wrote === 0) continue;
        if (r.change.action !== 'update' && !r.primaryDone) {
          counts.updated += 1;
          continue;
        }
      } else if (r.wrote === 0) counts.alreadyDone += 1;
      if (r.change.action === 'create') counts.created += 1;
      else if (r.change.action === 'restore') counts.restored += 1;
      else if (r.change.action === 'deactivate') counts.deactivated += 1;
      else counts.updated += 1;
    }
    return {
      ...counts,
      problems: this.problems,
      apiCalls: totals.apiCalls,
      rateLimited: totals.rateLimited,
      elapsedMs: Math.round(totals.elapsedMs),
      notStarted: this.notStarted,
      interrupted: stopped,
      ...(this.journalError ? { journalError: this.journalError } : {}),
      unjournaled: this.unjournaled,
    };
  }
}

/** How many journal records a clean apply of `plan` writes: the progress bar's total. */
export function expectedOperations(plan: Plan): number {
  let n = 0;
  for (const change of plan.changes) {
    const isCreate = change.action === 'create';
    if (isCreate || change.action === 'restore' || change.action === 'deactivate') n += 1;
    if (change.fields.some((f) => PROFILE_FIELDS.has(f.field) && !(isCreate && CREATE_FIELDS.has(f.field)))) n += 1;
    for (const f of change.fields) {
      if (f.kind === 'text' && f.field === 'state' && (change.action === 'update' || (change.action === 'restore' && f.after === 'inactive'))) n += 1;
      if (f.kind === 'ref' && !isCreate) n += 1;
      if (f.kind === 'grants') n += (f.add.length > 0 ? 1 : 0) + (f.remove.length > 0 ? 1 : 0);
      if (f.kind === 'levels') n += Math.ceil((f.add.length + f.change.length) / LIMITS.skills) + f.remove.length;
      if (f.kind === 'set' && (f.field === 'groups' || f.field === 'queues')) n += f.add.length + f.remove.length;
      if (f.kind === 'utilization' || f.kind === 'voicemail') n += 1;
      // One record per phone write, one for the default station.
      if (f.kind === 'webrtcPhone') n += (phoneWrite(f) ? 1 : 0) + (phoneStation(f) ? 1 : 0);
    }
  }
  return n;
}
