// The one-line plan summary every renderer ends with, and the read footer.
import type { Plan, Summary } from '../model/index.js';

/** 1234567 → "1,234,567": the same on every machine, whatever its locale. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** True when the plan changes nobody. */
export function isEmpty(summary: Summary): boolean {
  return summary.create + summary.update + summary.restore + summary.deactivate === 0;
}

/** What the lists of users the plan names without changing them are called, in every renderer. */
export const UNDECLARED_TITLE = 'Not declared, stays active (prune is off)';
export const UNMANAGED_TITLE = 'Unmanaged (not declared, out of scope)';

/**
 * `Plan: 3 to create, 5 to update, 1 to restore, 1 to deactivate. 940 unchanged, 12 unmanaged.`,
 * or `No changes. The org matches users/. 940 unchanged, 12 unmanaged.` (Terraform's wording, our nouns).
 * In-scope users left undeclared while pruning is off are counted apart, when there are some.
 */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const undeclared = s.undeclared ? `${count(s.undeclared)} not declared (stay active: prune is off), ` : '';
  const rest = `${count(s.unchanged)} unchanged, ${undeclared}${count(s.unmanaged)} unmanaged.`;
  if (isEmpty(s)) return `No changes. The org matches users/. ${rest}`;
  return `Plan: ${count(s.create)} to create, ${count(s.update)} to update, ${count(s.restore)} to restore, ${count(s.deactivate)} to deactivate. ${rest}`;
}

/**
 * `read: 27 API calls`, and how many of them were per-user reads (utilization and voicemail policy have no listing:
 * `read: 227 API calls (200 per-user reads: utilization, voicemail)`).
 */
export function readFooter(plan: Plan): string {
  const perUser = plan.perUserCalls ? ` (${count(plan.perUserCalls)} per-user read${plan.perUserCalls === 1 ? '' : 's'}: utilization, voicemail)` : '';
  return `read: ${count(plan.readCalls)} API call${plan.readCalls === 1 ? '' : 's'}${perUser}`;
}
