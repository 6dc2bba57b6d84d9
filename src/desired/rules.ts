// Rules across users and files: duplicate emails and the manager graph (self, cycles, undeclared).
import type { DesiredUser, Issue, Source } from '../model/index.js';
import { issueAt } from './issues.js';

function where(source: Source): string {
  return `${source.file}:${source.line}${source.column ? `:${source.column}` : ''}`;
}

/** One declared identity, whether or not the rest of the user is valid. */
export interface Declared {
  email: string;
  source: Source;
}

/** Emails declared more than once (case-insensitive, NFC); returns the issues and the positions to drop. */
export function duplicateEmails(declared: readonly Declared[]): { issues: Issue[]; duplicates: Set<Source> } {
  const first = new Map<string, Source>();
  const issues: Issue[] = [];
  const duplicates = new Set<Source>();
  for (const d of declared) {
    const earlier = first.get(d.email);
    if (!earlier) {
      first.set(d.email, d.source);
      continue;
    }
    duplicates.add(d.source);
    issues.push(
      issueAt(d.source, 'error', 'duplicate-email', `${d.email} is declared twice: here and at ${where(earlier)}.`, 'Each user is declared once, in one file (emails are compared without regard to case).'),
    );
  }
  return { issues, duplicates };
}

/** What the manager rules look at in a user. */
export interface ManagerNode {
  email: string;
  manager?: string;
  source: Source;
}

/** Manager rules over the valid users; `declared` also holds emails of users that are declared but invalid. */
export function managerIssues(users: readonly DesiredUser[], declared: ReadonlySet<string> = new Set()): Issue[] {
  // Positions are found only for a problem: asking `at` works them out.
  return managerGraphIssues(users, declared, (u) => u.at.manager);
}

/** The manager rules for any kind of user; `managerAt` finds where a user's `manager` is written, asked only for a problem. */
export function managerGraphIssues<U extends ManagerNode>(users: readonly U[], declared: ReadonlySet<string>, managerAt: (user: U) => Source | undefined): Issue[] {
  const issues: Issue[] = [];
  const byEmail = new Map<string | undefined, U>();
  for (const u of users) byEmail.set(u.email, u);
  for (const u of users) {
    if (u.manager === undefined) continue;
    const at = (): Source => managerAt(u) ?? u.source;
    if (u.manager === u.email) {
      issues.push(issueAt(at(), 'error', 'manager-self', `${u.email} is set as their own manager.`, 'Set the manager to another user, or remove the field.'));
    } else if (!byEmail.has(u.manager) && !declared.has(u.manager)) {
      issues.push(
        issueAt(at(), 'warning', 'manager-undeclared', `The manager ${u.manager} is not declared in these files.`, 'That is fine if they exist in the org: plan checks it. Otherwise check the spelling.'),
      );
    }
  }
  // Cycles: follow manager links with three colours; each cycle is reported once, at its first member in file order.
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of users) {
    // Stryker disable next-line ArrayDeclaration: a cycle is sliced from a user found in the chain, after anything else in it.
    const chain: U[] = [];
    let current: U | undefined = start;
    while (current && !state.has(current.email)) {
      state.set(current.email, 'visiting');
      chain.push(current);
      // No manager finds no one; one's own manager, reported above, ends the chain.
      current = current.manager === current.email ? undefined : byEmail.get(current.manager);
    }
    if (current && state.get(current.email) === 'visiting') {
      const cycle = chain.slice(chain.indexOf(current));
      const firstMember = [...cycle].sort((a, b) => (a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : 0) || a.source.line - b.source.line)[0]!;
      const rotated = [...cycle.slice(cycle.indexOf(firstMember)), ...cycle.slice(0, cycle.indexOf(firstMember))];
      const path = [...rotated.map((u) => u.email), firstMember.email].join(' → ');
      issues.push(issueAt(managerAt(firstMember) ?? firstMember.source, 'error', 'manager-cycle', `Managers form a cycle: ${path}.`, 'Someone in the chain must report to a user outside it (or to nobody).'));
    }
    // Stryker disable next-line StringLiteral: any mark but 'visiting' reads as done.
    for (const u of chain) state.set(u.email, 'done');
  }
  return issues;
}
