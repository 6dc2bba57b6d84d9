// Merge applies the reviewed plan: the review record that ties a saved plan to its pull request, and the change-by-change comparison with a fresh plan. Pure.
import { createHash } from 'node:crypto';
import type { Change, Plan } from '../model/index.js';
import { canonicalJson, verifyChecksum } from '../plan/index.js';

/** Which pull request and commits a saved plan was made for; written next to the plan by the pull request check. */
export interface ReviewRecord {
  formatVersion: 1;
  kind: 'provision-review';
  /** `owner/name`. */
  repository: string;
  pullRequest: number;
  /** The pull request's head commit when the plan was made. */
  headSha: string;
  /** The base branch's commit the head was merged onto for the plan. */
  baseSha: string;
  /** The plan's own checksum: the record names exactly one plan. */
  planChecksum: string;
  /** sha256 (hex) of the canonical JSON of every other field. */
  checksum: string;
}

export type ReviewTie = Pick<ReviewRecord, 'repository' | 'pullRequest' | 'headSha' | 'baseSha'>;

function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function makeReviewRecord(plan: Plan, tie: ReviewTie): ReviewRecord {
  const body = { formatVersion: 1 as const, kind: 'provision-review' as const, ...tie, planChecksum: plan.checksum };
  return { ...body, checksum: digest(body) };
}

/** What the merged pull request must be for its saved plan to be applied. */
export interface ReviewExpectation {
  repository: string;
  pullRequest: number;
  /** The merged pull request's head commit, when known: the plan must be of that very commit. */
  headSha?: string;
}

const SHA = /^[0-9a-f]{40}$/;

/**
 * Why the saved plan and its record may not stand for the merged pull request: an empty list when
 * they may. Each reason is one sentence for the job summary and the pull request.
 */
export function reviewRefusals(record: unknown, plan: Plan, expect: ReviewExpectation): string[] {
  const r = record as Partial<ReviewRecord> | null;
  if (!r || typeof r !== 'object' || r.kind !== 'provision-review' || r.formatVersion !== 1) return ['the review record is not a provision review record of format version 1.'];
  if (typeof r.repository !== 'string' || !Number.isInteger(r.pullRequest) || typeof r.headSha !== 'string' || !SHA.test(r.headSha) || typeof r.baseSha !== 'string' || !SHA.test(r.baseSha) || typeof r.planChecksum !== 'string') {
    return ['the review record lacks its repository, pull request, head or base commit, or plan checksum.'];
  }
  const { checksum, ...body } = r;
  const reasons: string[] = [];
  if (checksum !== digest(body)) reasons.push('the review record was edited after it was written: its checksum does not match its content.');
  if (!verifyChecksum(plan)) reasons.push('the saved plan was edited after it was planned: its checksum does not match its content.');
  else if (plan.checksum !== r.planChecksum) reasons.push(`the review record names plan ${r.planChecksum.slice(0, 12)}, not the saved plan ${plan.checksum.slice(0, 12)}.`);
  if (r.repository !== expect.repository) reasons.push(`the saved plan was made in ${r.repository}, not in ${expect.repository}.`);
  if (r.pullRequest !== expect.pullRequest) reasons.push(`the saved plan is of pull request #${r.pullRequest}, not of the merged pull request #${expect.pullRequest}.`);
  else if (expect.headSha !== undefined && r.headSha !== expect.headSha) reasons.push(`the saved plan is of commit ${r.headSha.slice(0, 12)}, not of the merged head ${expect.headSha.slice(0, 12)}: the last push was not planned.`);
  return reasons;
}

/** A change as it bears on the org: without the user's version (it moves with any edit) and without where it is declared (lines move when main moves). */
export function comparableChange(change: Change): string {
  const { version: _version, source: _source, ...rest } = change;
  return canonicalJson(rest);
}

export interface ChangedChange {
  reviewed: Change;
  fresh: Change;
}

export interface PlanDifference {
  /** Nothing differs: the reviewed plan is what merging does now. */
  same: boolean;
  /** Set when the plans target different orgs: never comparable. */
  otherOrg?: string;
  /** Set when one plan is blocked by a safety rule and the other is not. */
  safety?: string;
  onlyReviewed: Change[];
  onlyFresh: Change[];
  changed: ChangedChange[];
}

const key = (change: Change): string => `${change.email.toLowerCase()}\u0000${change.action}`;

/** Compares, change by change, the plan reviewers approved with the plan of the merge as the org is now. */
export function comparePlans(reviewed: Plan, fresh: Plan): PlanDifference {
  const empty: PlanDifference = { same: false, onlyReviewed: [], onlyFresh: [], changed: [] };
  if (reviewed.target.orgId !== fresh.target.orgId) {
    return { ...empty, otherOrg: `the saved plan is for org "${reviewed.target.orgName}" (${reviewed.target.orgId}), but the org now is "${fresh.target.orgName}" (${fresh.target.orgId}).` };
  }
  const byKey = new Map(fresh.changes.map((c) => [key(c), c]));
  const onlyReviewed: Change[] = [];
  const changed: ChangedChange[] = [];
  for (const change of reviewed.changes) {
    const now = byKey.get(key(change));
    if (!now) onlyReviewed.push(change);
    else if (comparableChange(now) !== comparableChange(change)) changed.push({ reviewed: change, fresh: now });
    byKey.delete(key(change));
  }
  const onlyFresh = fresh.changes.filter((c) => byKey.has(key(c)));
  const blocked = (plan: Plan): boolean => plan.safety.blocked && !plan.safety.overridden;
  const safety = blocked(reviewed) !== blocked(fresh) ? (blocked(fresh) ? 'the plan is now blocked by a safety rule.' : 'the reviewed plan was blocked by a safety rule; the plan now is not.') : undefined;
  const same = onlyReviewed.length === 0 && onlyFresh.length === 0 && changed.length === 0 && safety === undefined;
  return { same, safety, onlyReviewed, onlyFresh, changed };
}
