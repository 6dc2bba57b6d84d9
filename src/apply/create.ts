// Creates, adoptions and restores: the first step of a user, never made twice, and what the user still needs after it.
import type { OrgUser } from '../model/index.js';
import { isExistingUserConflict } from './conflicts.js';
import { CREATE_FIELDS, createDifferences, newUserFrom, recomputeFields } from './fields.js';
import { changeState, findByEmail, readUser } from './locking.js';
import { isOutcomeUnknown } from './retry.js';
import { fieldByKind } from './run.js';
import type { Ctx, Run } from './run.js';

export async function create(ctx: Ctx, run: Run): Promise<void> {
  const body = newUserFrom(run.email, run.change.name, run.change.fields);
  const tries = ctx.retrier.tries();
  // Set once an attempt of this run may have landed: a user found after that may be the one it made.
  let mayHaveLanded = false;
  for (;;) {
    let created: { id: string; version: number };
    try {
      created = await ctx.writer.createUser(body);
    } catch (error) {
      if (!isOutcomeUnknown(error) && !isExistingUserConflict(error)) {
        ctx.recorder.kill(run, 'create', error, 'the create failed');
        return;
      }
      if (isOutcomeUnknown(error)) mayHaveLanded = true;
      // Never create twice: look for the user first (search lags behind writes, so look more than once).
      const search = await findByEmail(ctx, run.email, true);
      if (search.error !== undefined) {
        ctx.recorder.kill(run, 'create', search.error, 'the create may have succeeded and the search to check it failed; not retried to avoid a duplicate');
        return;
      }
      if (search.user) {
        const why = mayHaveLanded ? 'the create went through although no answer arrived' : 'a user with this email already existed';
        await adopt(ctx, run, search.user, why, mayHaveLanded);
        return;
      }
      if (isExistingUserConflict(error)) {
        ctx.recorder.kill(run, 'create', error, 'the org refused the email as taken, yet no user with it was found');
        return;
      }
      if (!(await tries.again('unknown', error))) {
        ctx.recorder.kill(run, 'create', undefined, `the create's outcome stayed unknown after ${tries.spent('unknown') + 1} attempts`);
        return;
      }
      continue;
    }
    // Outside the try: what follows the create's answer is no part of it (a failure there never makes it look refused).
    run.id = created.id;
    run.version = created.version;
    run.fields = run.change.fields.filter((f) => !CREATE_FIELDS.has(f.field) || (f.field === 'state' && body.state === undefined));
    ctx.recorder.record(run, 'create', 'ok');
    return;
  }
}

/**
 * A create met an existing user. One this run's own create may have made is continued as an update (or a
 * restore). Any other existed before this run: it is continued only when it holds what the create would have
 * given it (an earlier, interrupted apply of the same plan made it); a user someone else created is a conflict.
 */
async function adopt(ctx: Ctx, run: Run, found: OrgUser, why: string, ours: boolean): Promise<void> {
  if (!ours && found.state === 'deleted') {
    const differences = createDifferences(run.change, found);
    if (differences.length > 0) {
      ctx.recorder.conflict(run, 'create', `a deleted user with this email exists, unlike the one planned (${differences.join('; ')})`);
      return;
    }
  }
  run.id = found.id;
  run.version = found.version;
  run.fresh = false;
  if (found.state === 'deleted') {
    ctx.recorder.record(run, 'create', 'already-done', undefined, `${why}; continuing as an update of that user`);
    // A deleted user is read only through search; bring it back first, then read it like any other.
    const ok = await changeState(ctx, run, 'active', 'restore', ['deleted']);
    if (!ok) {
      stop(ctx, run, 'restoring the deleted user with this email did not succeed');
      return;
    }
  }
  // Never older than what search showed, or than the restore just made: a read that lags is read again.
  const { user: current, error } = await readUser(ctx, run, run.version, false);
  if (!current) {
    ctx.recorder.kill(run, 'read user', error, `${why}, and reading it failed`);
    return;
  }
  if (!ours && found.state !== 'deleted') {
    const differences = createDifferences(run.change, current);
    if (differences.length > 0) {
      run.id = undefined;
      ctx.recorder.conflict(run, 'create', `a user with this email was created in the org since the plan, not by this plan (${differences.join('; ')})`);
      return;
    }
  }
  if (found.state !== 'deleted') ctx.recorder.record(run, 'create', 'already-done', undefined, `${why}; continuing as an update of that user`);
  run.version = current.version;
  run.fields = recomputeFields(run.change.fields, current);
  const state = fieldByKind(run.fields, 'text', 'state');
  if (state?.after === 'active') {
    run.fields = run.fields.filter((f) => f !== state);
    await changeState(ctx, run, 'active', 'activate', ['inactive']);
  }
}

/** Brings a deleted (or switched-off) user back; when that fails, the user's later steps are skipped. */
export async function restore(ctx: Ctx, run: Run): Promise<void> {
  const ok = await changeState(ctx, run, 'active', 'restore', ['deleted', 'inactive']);
  if (!ok) stop(ctx, run, 'the restore did not succeed');
}

/**
 * A user whose restore did not succeed: nothing more is written for it. The restore's own record says why (failed, or a
 * conflict); the steps the user still had are recorded as skipped, with that reason, unless it changed since the plan.
 */
function stop(ctx: Ctx, run: Run, reason: string): void {
  if (run.dead !== undefined) return;
  run.dead = reason;
  if (run.conflicted || ctx.recorder.halted) return;
  const rest = run.fields.map((f) => f.field).filter((f) => f !== 'state');
  if (rest.length > 0) ctx.recorder.record(run, rest.join(', '), 'skipped', undefined, `skipped: ${reason}`);
}
