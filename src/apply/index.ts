// Applies a Plan through the OrgWriter port: ordered phases, batched calls, a bounded pool, optimistic locking, no duplicates.
import { ApiError, ProvisionError } from '../model/index.js';
import type {
  ApplyReport, Change, FieldChange, GrantRef, Level, Named, OperationRecord, OrgUser, OrgWriter, Outcome, Plan, UserState,
} from '../model/index.js';
import { LIMITS } from './calls.js';
import {
  buildPatch, CREATE_FIELDS, createDifferences, describeCurrent, fieldStatus, needsCurrent, newUserFrom, PROFILE_FIELDS, recomputeFields,
} from './fields.js';
import type { ManagerResolver } from './fields.js';
import { chunk, runPool } from './pool.js';
import { DEFAULT_RETRY_POLICY, isOutcomeUnknown, isVersionConflict, realSleep, Retrier, subResourceTrouble } from './retry.js';
import type { RetryPolicy, Trouble } from './retry.js';

export { minimumCalls, LIMITS } from './calls.js';
export type { CallBreakdown } from './calls.js';
export { DEFAULT_RETRY_POLICY, isOutcomeUnknown, isVersionConflict, Retrier, subResourceTrouble } from './retry.js';
export type { Backoff, RetryPolicy, Trouble } from './retry.js';

export interface ApplyOptions {
  /** Operations in flight at once; the adapter's pacer keeps the rate under the limit. */
  concurrency: number;
  journal?: (record: OperationRecord) => void;
  progress?: (event: { done: number; total: number; failed: number }) => void;
  /** Tolerates search lag when checking a create of unknown outcome. */
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

export interface ApplyResult extends ApplyReport {
  /** Users with at least one field not written because someone else changed it since the plan. */
  conflicts: number;
  /** Users counted above whose every operation found the change already made (an earlier run, or someone else). */
  alreadyDone: number;
  /** Operations never started because apply was interrupted. */
  notStarted: number;
  interrupted: boolean;
}

/** One user's progress through the phases. */
interface Run {
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
  /** Why every remaining step of this user is skipped (its create or restore failed). */
  dead?: string;
  finalState?: UserState;
  problems: number;
  conflicted: boolean;
  /** Operations of this user that made a change (not found already made). */
  wrote: number;
  /** The user's create, restore or deactivate went through (written now, or found already made). */
  primaryDone: boolean;
}

/** Users joining or leaving one group or queue. */
interface Members {
  item: Named;
  add: Run[];
  remove: Run[];
}

/** Versioned writes retried after the version moved (someone else saved the user or group meanwhile). */
const MAX_LOCK_RETRIES = 5;

/** Sub-resource writes (set-like, safe to send again as they are) wait out conflicts and unknown outcomes alike. */
const SUB_RESOURCE: readonly Trouble[] = ['conflict', 'unknown'];
const UNKNOWN_ONLY: readonly Trouble[] = ['unknown'];

function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A create that met a user with the same email (active, inactive, or soft-deleted). */
export function isExistingUserConflict(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.status === 409) return true;
  return error.status === 400 && /conflict|exist|already|in use|duplicate/i.test(`${error.code} ${error.message}`);
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
  if (isApiError(error)) {
    return { status: error.status, code: error.code, contextId: error.contextId, message: redact(error.message) };
  }
  if (error instanceof ProvisionError) return { code: error.code, message: redact(error.message) };
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : 'unexpected error';
  return { code: 'internal', message: redact(message) };
}

function fieldByKind<K extends FieldChange['kind']>(fields: readonly FieldChange[], kind: K, field?: string): Extract<FieldChange, { kind: K }> | undefined {
  return fields.find((f) => f.kind === kind && (field === undefined || f.field === field)) as Extract<FieldChange, { kind: K }> | undefined;
}

class Applier {
  private readonly runs: Run[];
  private readonly byEmail = new Map<string, Run>();
  private readonly problems: OperationRecord[] = [];
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly retrier: Retrier;
  private done = 0;
  private failedOps = 0;
  private total: number;
  private notStarted = 0;
  /** Built with the users phase, run in the next one. */
  private queueTasks: Array<() => Promise<void>> = [];

  constructor(
    private readonly plan: Plan,
    private readonly writer: OrgWriter,
    private readonly options: ApplyOptions,
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.retrier = new Retrier(options.retry ?? DEFAULT_RETRY_POLICY, this.sleep);
    this.runs = plan.changes.map((change) => ({
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
    for (const run of this.runs) this.byEmail.set(run.email, run);
    this.total = expectedOperations(plan);
  }

  async apply(): Promise<ApplyResult> {
    const started = performance.now();
    const calls0 = this.writer.apiCalls();
    this.markStale();
    const phases: Array<() => Array<() => Promise<void>>> = [
      () => this.phaseFirst(),
      () => this.phaseUsers(),
      () => this.phaseQueues(),
      () => this.phaseDivisions(),
      () => this.phaseFinalState(),
    ];
    for (const build of phases) {
      const tasks = build();
      if (this.options.signal?.aborted) {
        this.notStarted += tasks.length;
        continue;
      }
      this.notStarted += await runPool(tasks, this.options.concurrency, this.options.signal);
    }
    if (!this.options.signal?.aborted) this.emitProgress(true);
    return this.report(performance.now() - started, this.writer.apiCalls() - calls0);
  }

  /** Users the plan updates or deactivates that the org no longer lists: deleted since the plan. */
  private markStale(): void {
    const live = this.options.liveUserIds;
    if (!live) return;
    for (const run of this.runs) {
      const { action } = run.change;
      if ((action !== 'update' && action !== 'deactivate') || !run.id || live.has(run.id)) continue;
      this.conflict(run, action, 'the user is no longer in the org (deleted since the plan)');
    }
  }

  /** Someone else changed the user itself since the plan (deleted it, or created it): nothing more is written for it. */
  private conflict(run: Run, operation: string, why: string, error?: unknown): void {
    run.conflicted = true;
    run.dead = why;
    this.record(run, operation, 'conflict', error, `${why}; nothing written for this user. Re-plan.`);
  }

  // ── phases ────────────────────────────────────────────────────────────────

  /** Creates, restores and activations: every later step needs the user to exist and be reachable. */
  private phaseFirst(): Array<() => Promise<void>> {
    const tasks: Array<() => Promise<void>> = [];
    for (const run of this.runs) {
      if (run.dead) continue;
      const { action } = run.change;
      if (action === 'create') {
        tasks.push(() => this.create(run));
        continue;
      }
      const state = fieldByKind(run.fields, 'text', 'state');
      if (action === 'restore') {
        if (state?.after === 'active') run.fields = run.fields.filter((f) => f !== state);
        tasks.push(() => this.restore(run));
        continue;
      }
      if (action === 'update' && state?.after === 'active') {
        run.fields = run.fields.filter((f) => f !== state);
        tasks.push(async () => {
          await this.changeState(run, 'active', 'activate', ['inactive']);
        });
      }
    }
    return tasks;
  }

  /** One PATCH per user, then roles, skills, languages and group membership batched across users (queue membership follows). */
  private phaseUsers(): Array<() => Promise<void>> {
    const groupTasks: Array<() => Promise<void>> = [];
    const userTasks: Array<() => Promise<void>> = [];
    const groups = new Map<string, Members>();
    const queues = new Map<string, Members>();
    for (const run of this.runs) {
      this.settleFinalState(run);
      if (run.dead || !run.id) continue;
      if (run.fields.some((f) => PROFILE_FIELDS.has(f.field))) userTasks.push(() => this.patch(run));
      const roles = fieldByKind(run.fields, 'grants');
      if (roles) userTasks.push(() => this.roles(run, roles.add, roles.remove));
      for (const levels of run.fields) {
        if (levels.kind !== 'levels') continue;
        const set = [...levels.add, ...levels.change.map((c) => ({ id: c.id, name: c.name, level: c.after }))];
        for (const part of chunk(set, LIMITS.skills)) userTasks.push(() => this.setLevels(run, levels.field, part));
        for (const item of levels.remove) userTasks.push(() => this.removeLevel(run, levels.field, item));
      }
      for (const f of run.fields) {
        if (f.kind !== 'set' || (f.field !== 'groups' && f.field !== 'queues')) continue;
        const map = f.field === 'groups' ? groups : queues;
        for (const [list, kind] of [[f.add, 'add'], [f.remove, 'remove']] as const) {
          for (const item of list) {
            const entry = map.get(item.id) ?? { item, add: [], remove: [] };
            entry[kind].push(run);
            map.set(item.id, entry);
          }
        }
      }
    }
    for (const { item, add, remove } of groups.values()) groupTasks.push(() => this.groupMembers(item, add, remove));
    const queueTasks: Array<() => Promise<void>> = [];
    for (const { item, add, remove } of queues.values()) {
      for (const part of chunk(add, LIMITS.queue)) queueTasks.push(() => this.queueMembers(item, 'add', part));
      for (const part of chunk(remove, LIMITS.queue)) queueTasks.push(() => this.queueMembers(item, 'remove', part));
    }
    this.queueTasks = queueTasks;
    // Group tasks make several calls in sequence: start them first so they do not trail at the end.
    return [...groupTasks, ...userTasks];
  }

  /**
   * Queue members once group members are in place: a queue follows its member groups, and a user still
   * in a member group cannot join the queue directly, so one who leaves the group joins it only after.
   */
  private phaseQueues(): Array<() => Promise<void>> {
    const tasks = this.queueTasks;
    this.queueTasks = [];
    return tasks;
  }

  private phaseDivisions(): Array<() => Promise<void>> {
    const moves = new Map<string, { division: Named; runs: Run[] }>();
    for (const run of this.runs) {
      if (run.dead || !run.id) continue;
      const division = fieldByKind(run.fields, 'ref', 'division');
      if (!division) continue;
      const entry = moves.get(division.after.id) ?? { division: division.after, runs: [] };
      entry.runs.push(run);
      moves.set(division.after.id, entry);
    }
    const tasks: Array<() => Promise<void>> = [];
    for (const { division, runs } of moves.values()) {
      for (const part of chunk(runs, LIMITS.divisionMove)) tasks.push(() => this.moveDivision(division, part));
    }
    return tasks;
  }

  /** Deactivations come last, so a user switched off has every other change in place first. */
  private phaseFinalState(): Array<() => Promise<void>> {
    const tasks: Array<() => Promise<void>> = [];
    for (const run of this.runs) {
      if (run.dead || !run.id || run.finalState !== 'inactive') continue;
      tasks.push(async () => {
        await this.changeState(run, 'inactive', 'deactivate', ['active']);
      });
    }
    return tasks;
  }

  /** Moves a declared `state: inactive` (or a deactivation) out of the field list into the last phase. */
  private settleFinalState(run: Run): void {
    const state = fieldByKind(run.fields, 'text', 'state');
    if (state) run.fields = run.fields.filter((f) => f !== state);
    if (run.change.action === 'deactivate' || state?.after === 'inactive') run.finalState = 'inactive';
  }

  // ── creates ──────────────────────────────────────────────────────────────

  private async create(run: Run): Promise<void> {
    const body = newUserFrom(run.email, run.change.name, run.change.fields);
    // Set once an attempt of this run may have landed: a user found after that may be the one it made.
    let mayHaveLanded = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const created = await this.writer.createUser(body);
        run.id = created.id;
        run.version = created.version;
        run.fields = run.change.fields.filter((f) => !CREATE_FIELDS.has(f.field) || (f.field === 'state' && body.state === undefined));
        this.record(run, 'create', 'ok');
        return;
      } catch (error) {
        if (!isOutcomeUnknown(error) && !isExistingUserConflict(error)) {
          this.kill(run, 'create', error, 'the create failed');
          return;
        }
        if (isOutcomeUnknown(error)) mayHaveLanded = true;
        // Never create twice: look for the user first (search lags behind writes, so look more than once).
        const search = await this.findByEmail(run.email);
        if (search.error !== undefined) {
          this.kill(run, 'create', search.error, 'the create may have succeeded and the search to check it failed; not retried to avoid a duplicate');
          return;
        }
        if (search.user) {
          const why = mayHaveLanded ? 'the create went through although no answer arrived' : 'a user with this email already existed';
          await this.adopt(run, search.user, why, mayHaveLanded);
          return;
        }
        if (isExistingUserConflict(error)) {
          this.kill(run, 'create', error, 'the org refused the email as taken, yet no user with it was found');
          return;
        }
        if (!this.retrier.allows('unknown', attempt)) {
          this.kill(run, 'create', undefined, `the create's outcome stayed unknown after ${attempt + 1} attempts`);
          return;
        }
        await this.retrier.wait('unknown', attempt, error);
      }
    }
  }

  private async findByEmail(email: string, tries?: number): Promise<{ user?: OrgUser; error?: unknown }> {
    const attempts = Math.max(1, tries ?? this.options.findRetry?.attempts ?? 5);
    const delay = this.options.findRetry?.delayMs ?? 1000;
    let lastError: unknown;
    let answered = false;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await this.sleep(delay);
      try {
        const user = await this.writer.findUserByEmail(email);
        answered = true;
        if (user) return { user };
      } catch (error) {
        lastError = error;
      }
    }
    return answered ? {} : { error: lastError };
  }

  /**
   * A create met an existing user. One this run's own create may have made is continued as an update (or a
   * restore). Any other existed before this run: it is continued only when it holds what the create would have
   * given it (an earlier, interrupted apply of the same plan made it); a user someone else created is a conflict.
   */
  private async adopt(run: Run, found: OrgUser, why: string, ours: boolean): Promise<void> {
    if (!ours && found.state === 'deleted') {
      const differences = createDifferences(run.change, found);
      if (differences.length > 0) {
        this.conflict(run, 'create', `a deleted user with this email exists, unlike the one planned (${differences.join('; ')})`);
        return;
      }
    }
    run.id = found.id;
    run.version = found.version;
    run.fresh = false;
    if (found.state === 'deleted') {
      this.record(run, 'create', 'already-done', undefined, `${why}; continuing as an update of that user`);
      // A deleted user is read only through search; bring it back first, then read it like any other.
      const ok = await this.changeState(run, 'active', 'restore', ['deleted']);
      if (!ok) {
        run.dead = 'restoring the deleted user with this email did not succeed';
        return;
      }
    }
    // Never older than what search showed, or than the restore just made: a read that lags is read again.
    const { user: current, error } = await this.readUser(run, run.version, false);
    if (!current) {
      this.kill(run, 'read user', error, `${why}, and reading it failed`);
      return;
    }
    if (!ours && found.state !== 'deleted') {
      const differences = createDifferences(run.change, current);
      if (differences.length > 0) {
        run.id = undefined;
        this.conflict(run, 'create', `a user with this email was created in the org since the plan, not by this plan (${differences.join('; ')})`);
        return;
      }
    }
    if (found.state !== 'deleted') this.record(run, 'create', 'already-done', undefined, `${why}; continuing as an update of that user`);
    run.version = current.version;
    run.fields = recomputeFields(run.change.fields, current);
    const state = fieldByKind(run.fields, 'text', 'state');
    if (state?.after === 'active') {
      run.fields = run.fields.filter((f) => f !== state);
      await this.changeState(run, 'active', 'activate', ['inactive']);
    }
  }

  private async restore(run: Run): Promise<void> {
    const ok = await this.changeState(run, 'active', 'restore', ['deleted', 'inactive']);
    if (!ok) run.dead = 'the restore did not succeed';
  }

  // ── state changes and PATCH, with optimistic locking ────────────────────

  /**
   * A state PATCH with the known version; on a 409 the user is re-read and the change retried, counted done, or
   * reported. A re-read that still shows the version just refused is waited out (see `refusedAgain`).
   */
  private async changeState(run: Run, target: UserState, operation: string, from: ReadonlyArray<OrgUser['state']>): Promise<boolean> {
    let version = run.version;
    const id = run.id;
    if (!id || version === undefined) {
      this.record(run, operation, 'failed', undefined, 'the plan has no id or version for this user');
      return false;
    }
    const tally = { unknown: 0, stalls: 0, moves: 0 };
    for (;;) {
      try {
        run.version = await this.writer.setUserState(id, version, target);
        this.record(run, operation, 'ok');
        return true;
      } catch (error) {
        if (isOutcomeUnknown(error) && this.retrier.allows('unknown', tally.unknown)) {
          // Retrying with the same version is safe: if the first one landed, the retry meets a 409 and re-reads.
          await this.retrier.wait('unknown', tally.unknown++, error);
          continue;
        }
        if (!isVersionConflict(error)) {
          this.record(run, operation, 'failed', error);
          return false;
        }
        // Deleted users are hidden from a plain read: search finds them.
        const current = await this.reread(run, operation, version, true);
        if (!current) return false;
        if (current.state === target) {
          run.version = current.version;
          this.record(run, operation, 'already-done', undefined, `the user was already ${target}`);
          return true;
        }
        if (current.state === 'deleted' && !from.includes('deleted')) {
          this.conflict(run, operation, 'the user was deleted in the org since the plan');
          return false;
        }
        if (!from.includes(current.state)) {
          run.conflicted = true;
          this.record(run, operation, 'conflict', undefined, `the user is now ${current.state} (changed since the plan); not overwritten. Re-plan.`);
          return false;
        }
        if (current.version === version) {
          if (!(await this.refusedAgain(run, operation, version, tally, error))) return false;
          continue;
        }
        if (++tally.moves >= MAX_LOCK_RETRIES) {
          this.record(run, operation, 'failed', undefined, `the user's version kept changing (${MAX_LOCK_RETRIES} attempts)`);
          return false;
        }
        version = current.version;
      }
    }
  }

  /**
   * The org refused `version` with a 409, yet a read right after still shows that version: the read lags the write
   * that moved it (Genesys is eventually consistent, Terraform provider issue #1461), or the 409 was one of the
   * spurious ones Genesys answers while the user is busy. Waits with back-off before the same write is tried again (it
   * carries the version, so it can overwrite nothing); false, with the failure recorded, once the waits are used up.
   */
  private async refusedAgain(run: Run, operation: string, version: number, tally: { stalls: number }, error: unknown): Promise<boolean> {
    if (!this.retrier.allows('conflict', tally.stalls)) {
      this.record(run, operation, 'failed', error, `the org kept refusing version ${version} of the user, which it still showed (${tally.stalls + 1} attempts)`);
      return false;
    }
    await this.retrier.wait('conflict', tally.stalls++, error);
    return true;
  }

  /** Re-reads the user (see `readUser`) and keeps it as the run's latest read; records the failure when it cannot. */
  private async reread(run: Run, operation: string, atLeast?: number, viaSearch = false): Promise<OrgUser | undefined> {
    const { user, error } = await this.readUser(run, atLeast, viaSearch);
    if (user) return user;
    // Still 404 after the lag is waited out, for a user this run did not create: deleted since the plan.
    if (!run.fresh && isApiError(error) && error.status === 404) {
      this.gone(run, operation, error);
      return undefined;
    }
    this.record(run, operation, 'failed', error, 'the user changed since the plan and could not be re-read');
    return undefined;
  }

  /**
   * Reads the user as the org holds it now. A read can lag the writes before it (Terraform provider issue #1461): one
   * that shows a version older than `atLeast` (a version the org is known to have held), or a 404 for a user this run
   * knows exists, is read again after a wait (the conflict back-off). With `viaSearch`, a user a plain read cannot
   * see (a deleted one) is looked up by search, and that answer is used for its state and version only.
   */
  private async readUser(run: Run, atLeast: number | undefined, viaSearch: boolean): Promise<{ user?: OrgUser; error?: unknown }> {
    const id = run.id as string;
    for (let n = 0; ; n++) {
      let user: OrgUser | undefined;
      let error: unknown;
      let searched = false;
      try {
        user = await this.idempotent(() => this.writer.getUser(id));
      } catch (failure) {
        error = failure;
        if (viaSearch && isApiError(failure) && failure.status === 404) {
          const search = await this.findByEmail(run.email, 1);
          if (search.user?.id === id) {
            user = search.user;
            searched = true;
          }
        }
      }
      const lagging = user ? atLeast !== undefined && user.version < atLeast : isApiError(error) && error.status === 404;
      if (!lagging || !this.retrier.allows('conflict', n)) {
        // A user found by search may lack lists a plain read has: never a base to merge lists into.
        if (user && !searched) run.current = user;
        return user ? { user } : { error };
      }
      await this.retrier.wait('conflict', n);
    }
  }

  private managerResolver(): ManagerResolver {
    return (ref) => {
      if (ref.id) return ref.id;
      const run = this.byEmail.get(ref.email);
      return run && !run.dead ? run.id : undefined;
    };
  }

  /** Sorts profile fields against a re-read user: returns those still to write; records conflicts, or all done. */
  private judge(run: Run, fields: readonly FieldChange[], current: OrgUser, resolve: ManagerResolver, error?: unknown): FieldChange[] {
    const pending: FieldChange[] = [];
    const conflicts: string[] = [];
    for (const f of fields) {
      const status = fieldStatus(f, current, resolve);
      if (status === 'pending') pending.push(f);
      if (status === 'conflict') conflicts.push(`${f.field} is now ${describeCurrent(f, current)}`);
    }
    if (conflicts.length > 0) {
      run.conflicted = true;
      this.record(run, 'patch', 'conflict', error, `changed in the org since the plan, not overwritten: ${conflicts.join('; ')}. Re-plan.`);
    }
    run.version = current.version;
    if (pending.length === 0 && conflicts.length === 0) this.record(run, 'patch', 'already-done', undefined, 'the fields already hold the desired values');
    return pending;
  }

  private async patch(run: Run): Promise<void> {
    const id = run.id as string;
    let fields = run.fields.filter((f) => PROFILE_FIELDS.has(f.field));
    const resolve = this.managerResolver();
    let version = run.version ?? 0;
    if (!run.fresh && needsCurrent(fields)) {
      // Lists (profile skills, certifications, locations) are sent whole, merged into what the org holds now. The
      // PATCH carries the version of the read it was merged from, so it lands only on those very lists: a read that
      // lags is read again, and a user changed since the plan is judged now, as after a 409.
      let current = run.current;
      if (!current || current.version < version) current = await this.reread(run, 'patch', version);
      if (!current) return;
      if (current.version !== version) {
        fields = this.judge(run, fields, current, resolve);
        if (fields.length === 0) return;
        version = current.version;
      }
    }
    let reportedSkips = false;
    const tally = { unknown: 0, stalls: 0, moves: 0 };
    for (;;) {
      const built = buildPatch(fields, resolve, run.current);
      if (!reportedSkips) {
        reportedSkips = true;
        const manager = fieldByKind(fields, 'manager');
        const managerRun = manager?.after ? this.byEmail.get(manager.after.email) : undefined;
        for (const skip of built.skipped) {
          if (skip.field !== 'manager') this.record(run, `patch ${skip.field}`, 'skipped', undefined, skip.reason);
          else this.record(run, 'patch manager', 'skipped', undefined, managerRun?.dead ? `${skip.reason}: ${managerRun.dead}` : skip.reason);
        }
      }
      if (built.fields.length === 0) return;
      try {
        run.version = await this.writer.patchUser(id, version, built.patch);
        this.record(run, 'patch', 'ok', undefined, `fields: ${built.fields.map((f) => f.field).join(', ')}`);
        return;
      } catch (error) {
        if (isOutcomeUnknown(error) && this.retrier.allows('unknown', tally.unknown)) {
          await this.retrier.wait('unknown', tally.unknown++, error);
          continue;
        }
        if (!isVersionConflict(error)) {
          if (await this.deletedSincePlan(run, error)) this.gone(run, 'patch', error);
          else this.record(run, 'patch', 'failed', error);
          return;
        }
        const current = await this.reread(run, 'patch', version);
        if (!current) return;
        if (current.version === version) {
          if (!(await this.refusedAgain(run, 'patch', version, tally, error))) return;
          continue;
        }
        if (++tally.moves >= MAX_LOCK_RETRIES) {
          this.record(run, 'patch', 'failed', undefined, `the user's version kept changing (${MAX_LOCK_RETRIES} attempts)`);
          return;
        }
        fields = this.judge(run, built.fields, current, resolve, error);
        if (fields.length === 0) return;
        version = current.version;
      }
    }
  }

  // ── per-user resources ────────────────────────────────────────────────────

  /** Retries a call whose outcome is unknown; for idempotent calls only. */
  private idempotent<T>(call: () => Promise<T>): Promise<T> {
    return this.retrier.run(call, UNKNOWN_ONLY);
  }

  private async roles(run: Run, add: GrantRef[], remove: GrantRef[]): Promise<void> {
    const id = run.id as string;
    const grants = (list: GrantRef[]): Array<{ roleId: string; divisionId: string }> => list.map((g) => ({ roleId: g.roleId, divisionId: g.divisionId }));
    // Grant before revoking, so a user moving between roles is never left without one.
    if (add.length > 0) await this.step(run, `grant roles ${add.map((g) => g.role).join(', ')}`, () => this.writer.grantRoles(id, grants(add)));
    if (remove.length > 0) await this.step(run, `revoke roles ${remove.map((g) => g.role).join(', ')}`, () => this.writer.revokeRoles(id, grants(remove)));
  }

  private async setLevels(run: Run, field: 'skills' | 'languages', part: Level[]): Promise<void> {
    const id = run.id as string;
    const body = part.map((l) => ({ id: l.id, level: l.level }));
    await this.step(run, field, () => (field === 'skills' ? this.writer.setSkills(id, body) : this.writer.setLanguages(id, body)), `${part.length} set`);
  }

  private async removeLevel(run: Run, field: 'skills' | 'languages', item: Level): Promise<void> {
    const id = run.id as string;
    const operation = `remove ${field === 'skills' ? 'skill' : 'language'} ${item.name}`;
    await this.step(run, operation, () => (field === 'skills' ? this.writer.removeSkill(id, item.id) : this.writer.removeLanguage(id, item.id)), undefined, true);
  }

  /**
   * One sub-resource call for one user, retried when its outcome is unknown or when the org refuses it with a version
   * error (it does while the user is being patched); a 404 on a removal means it is already gone.
   */
  private async step(run: Run, operation: string, call: () => Promise<void>, message?: string, removal = false): Promise<void> {
    try {
      await this.retrier.run(call, SUB_RESOURCE, subResourceTrouble);
      this.record(run, operation, 'ok', undefined, message);
    } catch (error) {
      // A 404 is about the user or about the item: only a user that is still there makes a removal "done".
      if (await this.deletedSincePlan(run, error)) {
        this.gone(run, operation, error);
        return;
      }
      if (removal && isApiError(error) && error.status === 404) {
        this.record(run, operation, 'already-done', undefined, 'already removed');
        return;
      }
      this.record(run, operation, 'failed', error);
    }
  }

  /** After a 404 for a write to an existing user: true when the user itself is gone (its read answers 404 too, after any lag). */
  private async deletedSincePlan(run: Run, error: unknown): Promise<boolean> {
    if (!isApiError(error) || error.status !== 404 || !run.id || run.fresh) return false;
    const read = await this.readUser(run, undefined, false);
    return !read.user && isApiError(read.error) && read.error.status === 404;
  }

  /** The user was deleted in the org since the plan: one conflict for the user, the operations met after it skipped. */
  private gone(run: Run, operation: string, error: unknown): void {
    if (run.conflicted) this.record(run, operation, 'skipped', undefined, `skipped: ${run.dead ?? 'the user was deleted in the org since the plan'}`);
    else this.conflict(run, operation, 'the user was deleted in the org since the plan', error);
  }

  // ── batches across users ────────────────────────────────────────────────

  private async groupMembers(group: Named, add: Run[], remove: Run[]): Promise<void> {
    const live = (runs: Run[]): Run[] => runs.filter((r) => !r.dead && r.id);
    const adds = live(add);
    if (adds.length > 0) {
      let version: number | undefined;
      try {
        version = await this.idempotent(() => this.writer.getGroupVersion(group.id));
      } catch (error) {
        for (const run of adds) this.record(run, `add to group ${group.name}`, 'failed', error, 'reading the group version failed');
      }
      for (const part of version === undefined ? [] : chunk(adds, LIMITS.groupAdd)) {
        const ids = part.map((r) => r.id as string);
        const operation = `add to group ${group.name}`;
        const tally = { unknown: 0, stalls: 0, moves: 0 };
        for (;;) {
          try {
            await this.writer.addGroupMembers(group.id, version as number, ids);
            // The version moves by one per change; a wrong guess costs one 409 and a re-read.
            version = (version as number) + 1;
            for (const run of part) this.record(run, operation, 'ok');
            break;
          } catch (error) {
            const trouble = subResourceTrouble(error);
            const unknown = trouble === 'unknown';
            const out = unknown ? !this.retrier.allows('unknown', tally.unknown) : trouble !== 'conflict' || tally.moves + 1 >= MAX_LOCK_RETRIES;
            if (out) {
              for (const run of part) this.record(run, operation, 'failed', error);
              break;
            }
            if (unknown) await this.retrier.wait('unknown', tally.unknown++, error);
            let fresh: number;
            try {
              fresh = await this.idempotent(() => this.writer.getGroupVersion(group.id));
            } catch (readError) {
              for (const run of part) this.record(run, operation, 'failed', readError, 'reading the group version failed');
              break;
            }
            if (!unknown && fresh === version) {
              // The group's version was right: the refusal is about a member being patched at the same time ("Directory
              // occasionally returns version errors … if an object was updated at the same time", Terraform). Wait it out.
              if (!this.retrier.allows('conflict', tally.stalls)) {
                for (const run of part) this.record(run, operation, 'failed', error, `the org kept refusing the group's current version ${fresh}`);
                break;
              }
              await this.retrier.wait('conflict', tally.stalls++, error);
            } else if (!unknown) {
              tally.moves += 1;
            }
            version = fresh;
          }
        }
      }
    }
    for (const part of chunk(live(remove), LIMITS.groupRemove)) {
      // Terraform retries these on version errors too (`group/resource_genesyscloud_group.go`).
      await this.batch(part, `remove from group ${group.name}`, () => this.writer.removeGroupMembers(group.id, part.map((r) => r.id as string)), true);
    }
  }

  private async queueMembers(queue: Named, kind: 'add' | 'remove', runs: Run[]): Promise<void> {
    const part = runs.filter((r) => !r.dead && r.id);
    if (part.length === 0) return;
    const ids = part.map((r) => r.id as string);
    const operation = kind === 'add' ? `add to queue ${queue.name}` : `remove from queue ${queue.name}`;
    await this.batch(part, operation, () => (kind === 'add' ? this.writer.addQueueMembers(queue.id, ids) : this.writer.removeQueueMembers(queue.id, ids)));
  }

  private async moveDivision(division: Named, runs: Run[]): Promise<void> {
    const ids = runs.map((r) => r.id as string);
    await this.batch(runs, `move to division ${division.name}`, () => this.writer.moveUsersToDivision(division.id, ids));
  }

  /** One call for several users; `subResource` ones also wait out the refusals of users being patched (see `step`). */
  private async batch(runs: Run[], operation: string, call: () => Promise<void>, subResource = false): Promise<void> {
    try {
      await (subResource ? this.retrier.run(call, SUB_RESOURCE, subResourceTrouble) : this.idempotent(call));
      for (const run of runs) this.record(run, operation, 'ok', undefined, runs.length > 1 ? `batch of ${runs.length}` : undefined);
    } catch (error) {
      for (const run of runs) this.record(run, operation, 'failed', error, undefined);
    }
  }

  // ── records, progress, report ────────────────────────────────────────────

  /** Marks a user's create or restore as failed: every later step of that user is skipped, with the reason. */
  private kill(run: Run, operation: string, error: unknown, reason: string): void {
    run.dead = reason;
    this.record(run, operation, 'failed', error, error === undefined ? reason : undefined);
    const rest = run.change.fields.map((f) => f.field).filter((f) => !CREATE_FIELDS.has(f));
    if (rest.length > 0) this.record(run, rest.join(', '), 'skipped', undefined, `skipped: ${reason}`);
  }

  private record(run: Run, operation: string, outcome: Outcome, error?: unknown, message?: string): void {
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
    this.options.journal?.(record);
    this.emitProgress(false);
  }

  private emitProgress(final: boolean): void {
    if (!this.options.progress) return;
    if (this.done > this.total) this.total = this.done;
    this.options.progress({ done: final ? this.total : this.done, total: this.total, failed: this.failedOps });
  }

  private report(elapsedMs: number, apiCalls: number): ApplyResult {
    const counts = { created: 0, updated: 0, restored: 0, deactivated: 0, failed: 0, conflicts: 0, alreadyDone: 0 };
    const interrupted = this.options.signal?.aborted === true && this.notStarted > 0;
    for (const run of this.runs) {
      if (run.conflicted) counts.conflicts += 1;
      if (run.problems > 0) {
        counts.failed += 1;
        continue;
      }
      if (interrupted) {
        // Count what was written: a user is created (restored, deactivated) once that call went
        // through, even when the rest of their operations were not started; nobody else is counted.
        if (run.wrote === 0) continue;
        if (run.change.action !== 'update' && !run.primaryDone) {
          counts.updated += 1;
          continue;
        }
      } else if (run.wrote === 0) counts.alreadyDone += 1;
      if (run.change.action === 'create') counts.created += 1;
      else if (run.change.action === 'restore') counts.restored += 1;
      else if (run.change.action === 'deactivate') counts.deactivated += 1;
      else counts.updated += 1;
    }
    return {
      ...counts,
      problems: this.problems,
      apiCalls,
      rateLimited: this.options.rateLimited?.() ?? 0,
      elapsedMs: Math.round(elapsedMs),
      notStarted: this.notStarted,
      interrupted: this.options.signal?.aborted === true,
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
    }
  }
  return n;
}

/**
 * Applies `plan` through `writer`. Never throws for a per-user failure: every failure, skip and conflict is in
 * the report's `problems`, with the Genesys code and contextId.
 */
export async function applyPlan(plan: Plan, writer: OrgWriter, options: ApplyOptions): Promise<ApplyResult> {
  return new Applier(plan, writer, options).apply();
}
