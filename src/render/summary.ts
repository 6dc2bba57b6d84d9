// The one-line plan summary every renderer ends with, and the read footer.
import type { FieldChange, Plan, PersonaSummary, Source, Summary } from '../model/index.js';

/** 1234567 → "1,234,567": the same on every machine, whatever its locale. */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** True when the plan changes nobody. */
export function isEmpty(summary: Summary): boolean {
  return summary.create + summary.update + summary.restore + summary.deactivate === 0;
}

/** A user the plan names without changing: an org user (undeclared, unmanaged) or a declared one (waiting, with its source). */
export interface ListedUser {
  email: string;
  name: string;
  source?: Source;
}

/** What the lists of users the plan names without changing them are called, in every renderer. */
export const UNDECLARED_TITLE = 'Not declared, stays active (prune is off)';
export const UNMANAGED_TITLE = 'Unmanaged (not declared, out of scope)';
export const WAITING_TITLE = 'Waiting (declared, not in the org yet; creating users is off)';
/** What to do about waiting users, in every renderer; `code` marks settings as code where the medium can. */
export function waitingHint(code: (setting: string) => string = (s) => s): string {
  return `They are planned once they exist in the org (created by your identity provider, say, through SCIM). To let provision create them, set ${code('users.create: true')} in ${code('provision.yaml')} (or ${code('create: true')} in their file).`;
}

/**
 * `Plan: 3 to create, 5 to update, 1 to restore, 1 to deactivate. 940 unchanged, 12 unmanaged.`,
 * or `No changes. The org matches users/. 940 unchanged, 12 unmanaged.` (Terraform's wording, our nouns).
 * In-scope users left undeclared while pruning is off are counted apart, when there are some, and so
 * are declared users waiting to exist in the org while creating is off.
 */
export function summaryLine(plan: Plan): string {
  const s = plan.summary;
  const waiting = s.waiting ? `${count(s.waiting)} waiting (not in the org, creating is off), ` : '';
  const undeclared = s.undeclared ? `${count(s.undeclared)} not declared (stay active: prune is off), ` : '';
  const rest = `${count(s.unchanged)} unchanged, ${waiting}${undeclared}${count(s.unmanaged)} unmanaged.`;
  // With several orgs, the line names its org: a log or a comment of one org is never read as another's.
  if (isEmpty(s)) return `No changes. The org${plan.org !== undefined ? ` ${plan.org}` : ''} matches users/. ${rest}`;
  return `Plan${plan.org !== undefined ? ` for org ${plan.org}` : ''}: ${count(s.create)} to create, ${count(s.update)} to update, ${count(s.restore)} to restore, ${count(s.deactivate)} to deactivate. ${rest}`;
}

/**
 * `read: 27 API calls`, and how many of them were per-user reads (utilization and voicemail policy have no listing:
 * `read: 227 API calls (200 per-user reads: utilization, voicemail)`).
 */
export function readFooter(plan: Plan): string {
  const perUser = plan.perUserCalls ? ` (${count(plan.perUserCalls)} per-user read${plan.perUserCalls === 1 ? '' : 's'}: utilization, voicemail)` : '';
  return `read: ${count(plan.readCalls)} API call${plan.readCalls === 1 ? '' : 's'}${perUser}`;
}

/** `from persona tier1-support (personas/support.yaml:5)`: where a changed field's value came from, or undefined when no persona gave it. */
export function personaNote(field: FieldChange): string | undefined {
  if (!field.personas || field.personas.length === 0) return undefined;
  const names = field.personas.map((p) => `${p.persona} (${p.file}:${p.line})`);
  return `from persona${names.length === 1 ? '' : 's'} ${names.join(', ')}`;
}

/** `persona tier1-support: skills + Returns 3 for 212 users, queues + Support - Callbacks for 212 users`: one line per persona. */
export function personaLine(summary: PersonaSummary): string {
  const changes = summary.changes.map((c) => `${c.field} ${c.change} for ${count(c.users)} user${c.users === 1 ? '' : 's'}`);
  return `persona ${summary.persona}: ${changes.join(', ')}`;
}
