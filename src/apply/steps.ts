// The writes after a user exists: roles, skills, languages, utilization and voicemail policy per user, then group, queue and division batches across users.
import type { FieldChange, GrantRef, Level, Named } from '../model/index.js';
import { LIMITS } from './calls.js';
import { refusal } from './conflicts.js';
import { deletedSincePlan, patch } from './locking.js';
import { chunk } from './pool.js';
import { isNotFound, subResourceTrouble } from './retry.js';
import type { Classify, Trouble } from './retry.js';
import type { HomeGrants } from './phases.js';
import { Halted } from './report.js';
import { fieldByKind, isLive } from './run.js';
import type { Ctx, Run } from './run.js';

/** Sub-resource writes (set-like, safe to send again as they are) wait out conflicts and unknown outcomes alike. */
const SUB_RESOURCE: readonly Trouble[] = ['conflict', 'unknown'];

/**
 * A role or division created moments ago answers 404 to a grant until Genesys's authorization cache has it: "new roles
 * or divisions have not yet been added to the auth service cache causing 404s that should be retried" (Terraform,
 * `user_roles/genesyscloud_user_roles_proxy.go`). Waited out like a refusal, by the same back-off, once a read shows
 * the user is still there (a user deleted since the plan answers 404 too, and is reported as such at once).
 */
function grantTrouble(ctx: Ctx, run: Run): Classify {
  let userThere: boolean | undefined;
  return async (error) => {
    if (!isNotFound(error)) return subResourceTrouble(error);
    userThere ??= !(await deletedSincePlan(ctx, run, error));
    return userThere ? 'conflict' : undefined;
  };
}

export async function roles(ctx: Ctx, run: Run, add: GrantRef[], remove: GrantRef[]): Promise<void> {
  const id = run.id as string;
  const grants = (list: GrantRef[]): Array<{ roleId: string; divisionId: string }> => list.map((g) => ({ roleId: g.roleId, divisionId: g.divisionId }));
  // Grant before revoking, so a user moving between roles is never left without one.
  if (add.length > 0) await step(ctx, run, `grant roles ${add.map((g) => g.role).join(', ')}`, () => ctx.writer.grantRoles(id, grants(add)), { classify: grantTrouble(ctx, run) });
  if (remove.length > 0) await step(ctx, run, `revoke roles ${remove.map((g) => g.role).join(', ')}`, () => ctx.writer.revokeRoles(id, grants(remove)));
}

/**
 * One role in the home division for up to 50 users in one call. When the call fails (a user deleted since the plan, a
 * role the authorization cache does not know yet, a refusal), each user of the batch is granted on its own, so that
 * each user's record says what happened to that user; a re-run re-reads grants and completes whatever a kill left.
 */
export async function roleUsers(ctx: Ctx, roleId: string, role: string, entries: HomeGrants[]): Promise<void> {
  const live = entries.filter((e) => isLive(e.run));
  if (live.length === 0) return;
  try {
    await ctx.retrier.run(() => ctx.writer.grantRoleToUsers(roleId, live.map((e) => e.run.id as string)), SUB_RESOURCE, subResourceTrouble);
  } catch (error) {
    if (error instanceof Halted) {
      for (const entry of live) await settle(ctx, entry, error, 1);
      return;
    }
    for (const entry of live) {
      const grant = [{ roleId, divisionId: (entry.roles.find((g) => g.roleId === roleId) as GrantRef).divisionId }];
      let failure: unknown;
      try {
        await ctx.retrier.run(() => ctx.writer.grantRoles(entry.run.id as string, grant), SUB_RESOURCE, grantTrouble(ctx, entry.run));
      } catch (single) {
        failure = single;
      }
      await settle(ctx, entry, failure, 1);
    }
    return;
  }
  for (const entry of live) await settle(ctx, entry, undefined, live.length);
}

/**
 * `acdAutoAnswer` for up to 50 users this apply created, in one call. When the call fails (a user deleted meanwhile, a
 * refusal), each user gets its own versioned PATCH instead, so that each user's record says what happened to that user.
 */
export async function autoAnswer(ctx: Ctx, runs: Run[]): Promise<void> {
  const live = runs.filter(isLive);
  if (live.length === 0) return;
  const body = live.map((run) => ({ id: run.id as string, acdAutoAnswer: (fieldByKind(run.fields, 'bool', 'acdAutoAnswer') as { after: boolean }).after }));
  let versions: Map<string, number>;
  try {
    versions = await ctx.retrier.run(() => ctx.writer.setAutoAnswer(body), SUB_RESOURCE, subResourceTrouble);
  } catch {
    for (const run of live) await patch(ctx, run);
    return;
  }
  for (const run of live) {
    // Without the answer's version, a later versioned write is refused once and re-reads.
    run.version = versions.get(run.id as string) ?? run.version;
    ctx.recorder.record(run, 'patch', 'ok', undefined, live.length > 1 ? `fields: acdAutoAnswer (batch of ${live.length})` : 'fields: acdAutoAnswer');
  }
}

/** One of a user's home grants is done (or failed): the user's record once the last one is. */
async function settle(ctx: Ctx, entry: HomeGrants, failure: unknown, batchSize: number): Promise<void> {
  entry.left -= 1;
  if (failure !== undefined) entry.failure ??= failure;
  if (entry.left > 0) return;
  const { run } = entry;
  const operation = `grant roles ${entry.roles.map((g) => g.role).join(', ')}`;
  if (entry.failure === undefined) {
    ctx.recorder.record(run, operation, 'ok', undefined, batchSize > 1 ? `batch of ${batchSize}` : undefined);
    return;
  }
  if (await deletedSincePlan(ctx, run, entry.failure)) ctx.recorder.gone(run, operation, entry.failure);
  else ctx.recorder.record(run, operation, 'failed', entry.failure);
}

export async function setLevels(ctx: Ctx, run: Run, field: 'skills' | 'languages', part: Level[]): Promise<void> {
  const id = run.id as string;
  const body = part.map((l) => ({ id: l.id, level: l.level }));
  await step(ctx, run, field, () => (field === 'skills' ? ctx.writer.setSkills(id, body) : ctx.writer.setLanguages(id, body)), { message: `${part.length} set` });
}

export async function removeLevel(ctx: Ctx, run: Run, field: 'skills' | 'languages', item: Level): Promise<void> {
  const id = run.id as string;
  const operation = `remove ${field === 'skills' ? 'skill' : 'language'} ${item.name}`;
  await step(ctx, run, operation, () => (field === 'skills' ? ctx.writer.removeSkill(id, item.id) : ctx.writer.removeLanguage(id, item.id)), { removal: true });
}

/**
 * The user's whole utilization: a PUT replaces it (label utilizations sent back as planned), `org-default` is a
 * DELETE, which a user already at the org's default may answer with 404: done either way.
 */
export async function utilization(ctx: Ctx, run: Run, change: Extract<FieldChange, { kind: 'utilization' }>): Promise<void> {
  const id = run.id as string;
  const { after } = change;
  if (after === 'org-default') await step(ctx, run, 'reset utilization to the org default', () => ctx.writer.resetUtilization(id), { removal: true });
  else await step(ctx, run, 'set utilization', () => ctx.writer.setUtilization(id, after, change.kept));
}

/** The voicemail policy's managed keys in one PATCH (Terraform retries it on version errors, as `step` does). */
export async function voicemail(ctx: Ctx, run: Run, change: Extract<FieldChange, { kind: 'voicemail' }>): Promise<void> {
  await step(ctx, run, 'set voicemail policy', () => ctx.writer.setVoicemailPolicy(run.id as string, change.after));
}

/**
 * One sub-resource call for one user, retried when its outcome is unknown or when the org refuses it with a version
 * error (it does while the user is being patched); a 404 on a removal means it is already gone.
 */
export async function step(ctx: Ctx, run: Run, operation: string, call: () => Promise<void>, how: { message?: string; removal?: boolean; classify?: Classify } = {}): Promise<boolean> {
  try {
    await ctx.retrier.run(call, SUB_RESOURCE, how.classify ?? subResourceTrouble);
  } catch (error) {
    // A 404 is about the user or about the item: only a user that is still there makes a removal "done".
    if (await deletedSincePlan(ctx, run, error)) {
      ctx.recorder.gone(run, operation, error);
      return false;
    }
    if (how.removal && isNotFound(error)) {
      ctx.recorder.record(run, operation, 'already-done', undefined, 'already removed');
      return true;
    }
    ctx.recorder.record(run, operation, 'failed', error);
    return false;
  }
  ctx.recorder.record(run, operation, 'ok', undefined, how.message);
  return true;
}

/** Users joining a group: one version read, then adds of up to 50 carrying the version, re-read when refused. */
async function addToGroup(ctx: Ctx, group: Named, adds: Run[]): Promise<void> {
  const operation = `add to group ${group.name}`;
  const readVersion = (): Promise<number> => ctx.retrier.run(() => ctx.writer.getGroupVersion(group.id), ['unknown']);
  let version: number;
  try {
    version = await readVersion();
  } catch (error) {
    for (const run of adds) ctx.recorder.record(run, operation, 'failed', error, 'reading the group version failed');
    return;
  }
  for (const part of chunk(adds, LIMITS.groupAdd)) {
    const ids = part.map((r) => r.id as string);
    const tries = ctx.retrier.tries();
    for (;;) {
      try {
        await ctx.writer.addGroupMembers(group.id, version, ids);
      } catch (error) {
        const trouble = subResourceTrouble(error);
        if (trouble === undefined || (trouble === 'unknown' && !(await tries.again('unknown', error)))) {
          for (const run of part) ctx.recorder.record(run, operation, 'failed', error);
          break;
        }
        let fresh: number;
        try {
          fresh = await readVersion();
        } catch (readError) {
          for (const run of part) ctx.recorder.record(run, operation, 'failed', readError, 'reading the group version failed');
          break;
        }
        if (trouble === 'conflict') {
          // A refusal of the group's current version is about a member being patched at the same time ("Directory
          // occasionally returns version errors … if an object was updated at the same time", Terraform): wait it out.
          const stalled = refusal(fresh, version) === 'stalled';
          if (!(await tries.again(stalled ? 'conflict' : 'moved', stalled ? error : undefined))) {
            const why = stalled ? `the org kept refusing the group's current version ${fresh}` : `the group's version kept changing (${tries.spent('moved') + 1} attempts)`;
            for (const run of part) ctx.recorder.record(run, operation, 'failed', error, why);
            break;
          }
        }
        version = fresh;
        continue;
      }
      // The version moves by one per change; a wrong guess costs one refusal and a re-read.
      version += 1;
      for (const run of part) ctx.recorder.record(run, operation, 'ok');
      break;
    }
  }
}

export async function groupMembers(ctx: Ctx, group: Named, add: Run[], remove: Run[]): Promise<void> {
  const adds = add.filter(isLive);
  if (adds.length > 0) await addToGroup(ctx, group, adds);
  for (const part of chunk(remove.filter(isLive), LIMITS.groupRemove)) {
    // Terraform retries these on version errors too (`group/resource_genesyscloud_group.go`).
    await batch(ctx, part, `remove from group ${group.name}`, () => ctx.writer.removeGroupMembers(group.id, part.map((r) => r.id as string)), true);
  }
}

export async function queueMembers(ctx: Ctx, queue: Named, kind: 'add' | 'remove', runs: Run[]): Promise<void> {
  const part = runs.filter(isLive);
  if (part.length === 0) return;
  const ids = part.map((r) => r.id as string);
  const operation = kind === 'add' ? `add to queue ${queue.name}` : `remove from queue ${queue.name}`;
  await batch(ctx, part, operation, () => (kind === 'add' ? ctx.writer.addQueueMembers(queue.id, ids) : ctx.writer.removeQueueMembers(queue.id, ids)));
}

export async function moveDivision(ctx: Ctx, division: Named, runs: Run[]): Promise<void> {
  const ids = runs.map((r) => r.id as string);
  await batch(ctx, runs, `move to division ${division.name}`, () => ctx.writer.moveUsersToDivision(division.id, ids));
}

/** One call for several users; `subResource` ones also wait out the refusals of users being patched (see `step`). */
async function batch(ctx: Ctx, runs: Run[], operation: string, call: () => Promise<void>, subResource = false): Promise<void> {
  try {
    await (subResource ? ctx.retrier.run(call, SUB_RESOURCE, subResourceTrouble) : ctx.retrier.run(call, ['unknown']));
  } catch (error) {
    for (const run of runs) ctx.recorder.record(run, operation, 'failed', error, undefined);
    return;
  }
  for (const run of runs) ctx.recorder.record(run, operation, 'ok', undefined, runs.length > 1 ? `batch of ${runs.length}` : undefined);
}
