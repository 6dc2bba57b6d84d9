// Applies a Plan through the OrgWriter port: ordered phases, batched calls, a bounded pool, optimistic locking, no duplicates.
import type { OrgWriter, Plan } from '../model/index.js';
import { runPlan } from './engine.js';
import type { ApplyResult } from './report.js';
import type { ApplyOptions } from './run.js';

export { minimumCalls, LIMITS } from './calls.js';
export type { CallBreakdown } from './calls.js';
export { isExistingUserConflict, judgeFields, stateVerdict } from './conflicts.js';
export type { FieldsVerdict, StateVerdict } from './conflicts.js';
export { expectedOperations, redact } from './report.js';
export type { ApplyResult } from './report.js';
export { DEFAULT_RETRY_POLICY, isOutcomeUnknown, isVersionConflict, Retrier, subResourceTrouble } from './retry.js';
export type { Backoff, RetryPolicy, Trouble } from './retry.js';
export type { ApplyOptions } from './run.js';

/**
 * Applies `plan` through `writer`. Never throws for a per-user failure: every failure, skip and conflict is in
 * the report's `problems`, with the Genesys code and contextId. Nor for a journal that cannot be written: apply
 * stops there, sends nothing more, and the report says what was done (`journalError`, `unjournaled`).
 */
export async function applyPlan(plan: Plan, writer: OrgWriter, options: ApplyOptions): Promise<ApplyResult> {
  return runPlan(plan, writer, options);
}
