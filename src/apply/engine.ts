// Runs the phase plan: each phase's steps through a bounded pool, every call through a gate that closes when the journal fails.
import type { OrgWriter, Plan } from '../model/index.js';
import { create, restore } from './create.js';
import { changeState, patch } from './locking.js';
import { PHASES } from './phases.js';
import { phone, station } from './phones.js';
import type { PhaseEnv, Step } from './phases.js';
import { runPool } from './pool.js';
import { expectedOperations, Halted, Recorder } from './report.js';
import type { ApplyResult } from './report.js';
import { DEFAULT_RETRY_POLICY, realSleep, Retrier } from './retry.js';
import type { RetryPolicy } from './retry.js';
import { runsOf } from './run.js';
import type { ApplyOptions, Ctx, Run } from './run.js';
import { autoAnswer, groupMembers, moveDivision, queueMembers, removeLevel, roleUsers, roles, setLevels, utilization, voicemail } from './steps.js';

/** The writer as apply's steps see it: once `closed()`, every call fails with `Halted` before anything is sent. */
function gated(writer: OrgWriter, closed: () => boolean): OrgWriter {
  return new Proxy(writer, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'apiCalls') return value;
      return (...args: unknown[]) => (closed() ? Promise.reject(new Halted()) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });
}

/** The policy with `findRetry`, the older name of its `search` back-off, folded in. */
function policyOf(options: ApplyOptions): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const find = options.findRetry;
  if (find) policy.search = { retries: Math.max(0, find.attempts - 1), delayMs: () => find.delayMs };
  return policy;
}

/** Users the plan updates or deactivates that the org no longer lists: deleted since the plan. */
function markStale(runs: readonly Run[], live: ReadonlySet<string> | undefined, recorder: Recorder): void {
  if (!live) return;
  for (const run of runs) {
    const { action } = run.change;
    if ((action !== 'update' && action !== 'deactivate') || !run.id || live.has(run.id)) continue;
    recorder.conflict(run, action, 'the user is no longer in the org (deleted since the plan)');
  }
}

function execute(ctx: Ctx, step: Step): Promise<unknown> {
  switch (step.kind) {
    case 'create':
      return create(ctx, step.run);
    case 'restore':
      return restore(ctx, step.run);
    case 'activate':
      return changeState(ctx, step.run, 'active', 'activate', ['inactive']);
    case 'deactivate':
      return changeState(ctx, step.run, 'inactive', 'deactivate', ['active']);
    case 'patch':
      return patch(ctx, step.run);
    case 'roles':
      return roles(ctx, step.run, step.add, step.remove);
    case 'role-users':
      return roleUsers(ctx, step.roleId, step.role, step.entries);
    case 'auto-answer':
      return autoAnswer(ctx, step.runs);
    case 'utilization':
      return utilization(ctx, step.run, step.change);
    case 'voicemail':
      return voicemail(ctx, step.run, step.change);
    case 'set-levels':
      return setLevels(ctx, step.run, step.field, step.part);
    case 'remove-level':
      return removeLevel(ctx, step.run, step.field, step.item);
    case 'group-members':
      return groupMembers(ctx, step.group, step.add, step.remove);
    case 'queue-members':
      return queueMembers(ctx, step.queue, step.op, step.runs);
    case 'move-division':
      return moveDivision(ctx, step.division, step.runs);
    case 'phone':
      return phone(ctx, step.run, step.change);
    case 'station':
      return station(ctx, step.run);
  }
}

/** The home division, to batch grants in; without it (the read failed) every grant goes per user, as before. */
async function homeDivisionOf(writer: OrgWriter): Promise<string | undefined> {
  try {
    return await writer.homeDivisionId();
  } catch {
    return undefined;
  }
}

/** Applies `plan` phase by phase; a stop (abort, or the journal failing) starts no further step and sends no further call. */
export async function runPlan(plan: Plan, writer: OrgWriter, options: ApplyOptions): Promise<ApplyResult> {
  const started = performance.now();
  const calls0 = writer.apiCalls();
  const halt = new AbortController();
  const recorder = new Recorder(expectedOperations(plan), options, () => halt.abort());
  const stop = options.signal ? AbortSignal.any([options.signal, halt.signal]) : halt.signal;
  const runs = runsOf(plan);
  const ctx: Ctx = {
    writer: gated(writer, () => halt.signal.aborted),
    retrier: new Retrier(policyOf(options), options.sleep ?? realSleep, () => halt.signal.aborted),
    recorder,
    byEmail: new Map(runs.map((run) => [run.email, run])),
  };
  markStale(runs, options.liveUserIds, recorder);
  const env: PhaseEnv = {};
  for (const phase of PHASES) {
    if (phase.name === 'users' && !stop.aborted && runs.some((run) => run.fields.some((f) => f.kind === 'grants' && f.add.length > 0))) env.homeDivisionId = await homeDivisionOf(ctx.writer);
    const tasks = phase.build(runs, env).map((step) => async () => {
      await execute(ctx, step);
    });
    if (stop.aborted) {
      recorder.notStarted += tasks.length;
      continue;
    }
    // Awaited first: steps the stop keeps from sending count themselves meanwhile.
    const unstarted = await runPool(tasks, options.concurrency, stop);
    recorder.notStarted += unstarted;
  }
  if (!stop.aborted) recorder.emitProgress(true);
  return recorder.report(runs, {
    aborted: options.signal?.aborted === true,
    elapsedMs: performance.now() - started,
    apiCalls: writer.apiCalls() - calls0,
    rateLimited: options.rateLimited?.() ?? 0,
  });
}
