// Optimistic locking: versioned writes (the PATCH, state changes) retried after a refusal by re-reading the user, and the 404 → search path.
import type { FieldChange, OrgUser, UserState } from '../model/index.js';
import { judgeFields, mayBeDeleted, readLags, refusal, stateVerdict } from './conflicts.js';
import { buildPatch, needsCurrent, PROFILE_FIELDS } from './fields.js';
import type { ManagerResolver } from './fields.js';
import { isNotFound, isOutcomeUnknown, isVersionConflict } from './retry.js';
import type { Tries } from './retry.js';
import { fieldByKind, managerResolver } from './run.js';
import type { Ctx, Run } from './run.js';

/**
 * Looks a user up by email through search, which lags behind writes: with `patient`, looks again by the policy's
 * `search` back-off while it finds nothing. An error only when no search answered at all.
 */
export async function findByEmail(ctx: Ctx, email: string, patient: boolean): Promise<{ user?: OrgUser; error?: unknown }> {
  const tries = ctx.retrier.tries();
  let lastError: unknown;
  let answered = false;
  do {
    try {
      const user = await ctx.writer.findUserByEmail(email);
      answered = true;
      if (user) return { user };
    } catch (error) {
      lastError = error;
    }
  } while (patient && (await tries.again('search')));
  return answered ? {} : { error: lastError };
}

/**
 * Reads the user as the org holds it now. A read that lags (see `readLags`) is read again after a wait (the conflict
 * back-off). With `viaSearch`, a user a plain read cannot see (a deleted one) is looked up by search, and that answer
 * is used for its state and version only.
 */
export async function readUser(ctx: Ctx, run: Run, atLeast: number | undefined, viaSearch: boolean): Promise<{ user?: OrgUser; error?: unknown }> {
  const id = run.id as string;
  const tries = ctx.retrier.tries();
  for (;;) {
    let user: OrgUser | undefined;
    let error: unknown;
    let searched = false;
    try {
      user = await ctx.retrier.run(() => ctx.writer.getUser(id), ['unknown']);
    } catch (failure) {
      error = failure;
      if (viaSearch && isNotFound(failure)) {
        const search = await findByEmail(ctx, run.email, false);
        if (search.user?.id === id) {
          user = search.user;
          searched = true;
        }
      }
    }
    if (!readLags({ user, error }, atLeast) || !(await tries.again('conflict'))) {
      // A user found by search may lack lists a plain read has: never a base to merge lists into.
      if (user && !searched) run.current = user;
      return user ? { user } : { error };
    }
  }
}

/** Re-reads the user (see `readUser`); records the failure when it cannot, and a user gone since the plan as a conflict. */
export async function reread(ctx: Ctx, run: Run, operation: string, atLeast?: number, viaSearch = false): Promise<OrgUser | undefined> {
  const { user, error } = await readUser(ctx, run, atLeast, viaSearch);
  if (user) return user;
  // Still 404 after the lag is waited out, for a user this run did not create: deleted since the plan.
  if (!run.fresh && isNotFound(error)) {
    ctx.recorder.gone(run, operation, error);
    return undefined;
  }
  ctx.recorder.record(run, operation, 'failed', error, 'the user changed since the plan and could not be re-read');
  return undefined;
}

/** After a 404 for a write to an existing user: true when the user itself is gone (its read answers 404 too, after any lag). */
export async function deletedSincePlan(ctx: Ctx, run: Run, error: unknown): Promise<boolean> {
  if (!mayBeDeleted(error, run)) return false;
  const read = await readUser(ctx, run, undefined, false);
  return !read.user && isNotFound(read.error);
}

/**
 * The org refused `version`, yet a read right after still shows it: the read lags the write that moved it (Genesys is
 * eventually consistent, Terraform provider issue #1461), or the refusal was one of the spurious ones Genesys answers
 * while the user is busy. Waits with back-off before the same write is tried again (it carries the version, so it can
 * overwrite nothing); false, with the failure recorded, once the waits are used up.
 */
async function stalled(ctx: Ctx, run: Run, operation: string, version: number, tries: Tries, error: unknown): Promise<boolean> {
  if (await tries.again('conflict', error)) return true;
  ctx.recorder.record(run, operation, 'failed', error, `the org kept refusing version ${version} of the user, which it still showed (${tries.spent('conflict') + 1} attempts)`);
  return false;
}

/** Another try with a version that moved; false, with the failure recorded, once the policy's `moved` budget is spent. */
async function moved(ctx: Ctx, run: Run, operation: string, tries: Tries): Promise<boolean> {
  if (await tries.again('moved')) return true;
  ctx.recorder.record(run, operation, 'failed', undefined, `the user's version kept changing (${tries.spent('moved') + 1} attempts)`);
  return false;
}

/**
 * A state PATCH with the known version; on a version refusal the user is re-read and the change retried, counted done,
 * or reported (see `stateVerdict`). True when the user is now in `target`.
 */
export async function changeState(ctx: Ctx, run: Run, target: UserState, operation: string, from: ReadonlyArray<OrgUser['state']>): Promise<boolean> {
  let version = run.version;
  const id = run.id;
  if (!id || version === undefined) {
    ctx.recorder.record(run, operation, 'failed', undefined, 'the plan has no id or version for this user');
    return false;
  }
  const tries = ctx.retrier.tries();
  for (;;) {
    try {
      run.version = await ctx.writer.setUserState(id, version, target);
      ctx.recorder.record(run, operation, 'ok');
      return true;
    } catch (error) {
      // Retrying with the same version is safe: if the first one landed, the retry meets a 409 and re-reads.
      if (isOutcomeUnknown(error) && (await tries.again('unknown', error))) continue;
      if (!isVersionConflict(error)) {
        ctx.recorder.record(run, operation, 'failed', error);
        return false;
      }
      // Deleted users are hidden from a plain read: search finds them.
      const current = await reread(ctx, run, operation, version, true);
      if (!current) return false;
      const verdict = stateVerdict(current, { target, from, version });
      switch (verdict.kind) {
        case 'done':
          run.version = current.version;
          ctx.recorder.record(run, operation, 'already-done', undefined, `the user was already ${target}`);
          return true;
        case 'deleted':
          ctx.recorder.conflict(run, operation, 'the user was deleted in the org since the plan');
          return false;
        case 'elsewhere':
          run.conflicted = true;
          ctx.recorder.record(run, operation, 'conflict', undefined, `the user is now ${verdict.state} (changed since the plan); not overwritten. Re-plan.`);
          return false;
        case 'stalled':
          if (!(await stalled(ctx, run, operation, version, tries, error))) return false;
          continue;
        case 'moved':
          if (!(await moved(ctx, run, operation, tries))) return false;
          version = verdict.version;
      }
    }
  }
}

/** Records what a re-read said of a refused PATCH's fields; returns those still to write. */
function judge(ctx: Ctx, run: Run, fields: readonly FieldChange[], current: OrgUser, resolve: ManagerResolver, error?: unknown): FieldChange[] {
  const { pending, conflicts } = judgeFields(fields, current, resolve);
  if (conflicts.length > 0) {
    run.conflicted = true;
    ctx.recorder.record(run, 'patch', 'conflict', error, `changed in the org since the plan, not overwritten: ${conflicts.join('; ')}. Re-plan.`);
  }
  run.version = current.version;
  if (pending.length === 0 && conflicts.length === 0) ctx.recorder.record(run, 'patch', 'already-done', undefined, 'the fields already hold the desired values');
  return pending;
}

/** Records the fields a PATCH leaves out (a manager whose create failed, a list the read left out), once. */
function recordSkips(ctx: Ctx, run: Run, fields: readonly FieldChange[], skipped: ReturnType<typeof buildPatch>['skipped']): void {
  const manager = fieldByKind(fields, 'manager');
  const managerRun = manager?.after ? ctx.byEmail.get(manager.after.email) : undefined;
  for (const skip of skipped) {
    if (skip.field !== 'manager') ctx.recorder.record(run, `patch ${skip.field}`, 'skipped', undefined, skip.reason);
    else ctx.recorder.record(run, 'patch manager', 'skipped', undefined, managerRun?.dead ? `${skip.reason}: ${managerRun.dead}` : skip.reason);
  }
}

/** The user's one PATCH of profile fields, with the version; a refusal is re-read and judged field by field. */
export async function patch(ctx: Ctx, run: Run): Promise<void> {
  const id = run.id as string;
  let fields = run.fields.filter((f) => PROFILE_FIELDS.has(f.field));
  const resolve = managerResolver(ctx.byEmail);
  let version = run.version ?? 0;
  if (!run.fresh && needsCurrent(fields)) {
    // Lists (profile skills, certifications, locations) are sent whole, merged into what the org holds now. The
    // PATCH carries the version of the read it was merged from, so it lands only on those very lists: a read that
    // lags is read again, and a user changed since the plan is judged now, as after a 409.
    let current = run.current;
    if (!current || current.version < version) current = await reread(ctx, run, 'patch', version);
    if (!current) return;
    if (current.version !== version) {
      // What is left (maybe nothing) is sent with the version read; the loop below stops when nothing is.
      fields = judge(ctx, run, fields, current, resolve);
      version = current.version;
    }
  }
  let reportedSkips = false;
  const tries = ctx.retrier.tries();
  for (;;) {
    const built = buildPatch(fields, resolve, run.current);
    if (!reportedSkips) {
      reportedSkips = true;
      recordSkips(ctx, run, fields, built.skipped);
    }
    if (built.fields.length === 0) return;
    try {
      run.version = await ctx.writer.patchUser(id, version, built.patch);
      ctx.recorder.record(run, 'patch', 'ok', undefined, `fields: ${built.fields.map((f) => f.field).join(', ')}`);
      return;
    } catch (error) {
      if (isOutcomeUnknown(error) && (await tries.again('unknown', error))) continue;
      if (!isVersionConflict(error)) {
        if (await deletedSincePlan(ctx, run, error)) ctx.recorder.gone(run, 'patch', error);
        else ctx.recorder.record(run, 'patch', 'failed', error);
        return;
      }
      const current = await reread(ctx, run, 'patch', version);
      if (!current) return;
      if (refusal(current.version, version) === 'stalled') {
        if (!(await stalled(ctx, run, 'patch', version, tries, error))) return;
        continue;
      }
      if (!(await moved(ctx, run, 'patch', tries))) return;
      fields = judge(ctx, run, built.fields, current, resolve, error);
      version = current.version;
    }
  }
}
