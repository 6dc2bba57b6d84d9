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
  // Users by index: a graph of 50,000 users is walked over typed arrays rather than Maps of objects.
  const byEmail = new Map<string, number>();
  for (let i = 0; i < users.length; i++) byEmail.set(users[i]!.email, i);
  /** The user each one reports to among these users; -1 for none (no manager, oneself, or someone else). */
  const managerOf = new Int32Array(users.length);
  for (let i = 0; i < users.length; i++) {
    const u = users[i]!;
    managerOf[i] = -1;
    if (u.manager === undefined) continue;
    const at = (): Source => managerAt(u) ?? u.source;
    if (u.manager === u.email) {
      // One's own manager ends the chain, below.
      issues.push(issueAt(at(), 'error', 'manager-self', `${u.email} is set as their own manager.`, 'Set the manager to another user, or remove the field.'));
      continue;
    }
    const manager = byEmail.get(u.manager);
    if (manager !== undefined) managerOf[i] = manager;
    else if (!declared.has(u.manager)) {
      issues.push(
        issueAt(at(), 'warning', 'manager-undeclared', `The manager ${u.manager} is not declared in these files.`, 'That is fine if they exist in the org: plan checks it. Otherwise check the spelling.'),
      );
    }
  }
  // Cycles: follow manager links with three colours, kept by email (the index of its last user); each cycle is reported once, at its first member in file order.
  const VISITING = 1;
  const DONE = 2;
  const state = new Uint8Array(users.length);
  const mark = (i: number): number => byEmail.get(users[i]!.email)!;
  for (let start = 0; start < users.length; start++) {
    // Stryker disable next-line ArrayDeclaration: a cycle is sliced from a user found in the chain, after anything else in it.
    const chain: number[] = [];
    let current = start;
    while (current >= 0 && state[mark(current)] === 0) {
      state[mark(current)] = VISITING;
      chain.push(current);
      current = managerOf[current]!;
    }
    if (current >= 0 && state[mark(current)] === VISITING) {
      const cycle = chain.slice(chain.indexOf(current)).map((i) => users[i]!);
      const firstMember = [...cycle].sort((a, b) => (a.source.file < b.source.file ? -1 : a.source.file > b.source.file ? 1 : 0) || a.source.line - b.source.line)[0]!;
      const rotated = [...cycle.slice(cycle.indexOf(firstMember)), ...cycle.slice(0, cycle.indexOf(firstMember))];
      const path = [...rotated.map((u) => u.email), firstMember.email].join(' → ');
      issues.push(issueAt(managerAt(firstMember) ?? firstMember.source, 'error', 'manager-cycle', `Managers form a cycle: ${path}.`, 'Someone in the chain must report to a user outside it (or to nobody).'));
    }
    for (const i of chain) state[mark(i)] = DONE;
  }
  return issues;
}

/** A former email of a user, where it is written. */
export interface FormerEmail {
  email: string;
  at: Source;
}

/** What the former-email rules look at in a user. */
export interface FormerNode {
  email: string;
  source: Source;
}

/**
 * Former emails across users: one that another user declares as their `email` (two people cannot be the
 * same one), or one two users both claim (the org user found under it could be only one of them).
 */
export function formerEmailIssues<U extends FormerNode>(users: readonly U[], declared: ReadonlyMap<string, Source>, formerOf: (user: U) => readonly FormerEmail[] | undefined): Issue[] {
  const issues: Issue[] = [];
  const claimed = new Map<string, { user: U; at: Source }>();
  for (const user of users) {
    for (const former of formerOf(user) ?? []) {
      const owner = declared.get(former.email);
      if (owner !== undefined && former.email !== user.email) {
        issues.push(
          issueAt(
            former.at,
            'error',
            'former-email-declared',
            `formerEmails of ${user.email} names ${former.email}, which is declared as a user at ${where(owner)}.`,
            'A former email is an address nobody in users/ has any more: remove it from formerEmails, or remove (or rename) the other user.',
          ),
        );
        continue;
      }
      const first = claimed.get(former.email);
      if (first) {
        issues.push(
          issueAt(
            former.at,
            'error',
            'former-email-claimed',
            `${former.email} is a former email of both ${first.user.email} (at ${where(first.at)}) and ${user.email}.`,
            'The org user under a former email is one person: keep it in the formerEmails of one user.',
          ),
        );
        continue;
      }
      claimed.set(former.email, { user, at: former.at });
    }
  }
  return issues;
}

/** A user's former emails with their positions; undefined when there are none. */
export function formerEmailsOf(user: DesiredUser): FormerEmail[] | undefined {
  if (!user.formerEmails || user.formerEmails.length === 0) return undefined;
  return user.formerEmails.map((email) => ({ email, at: user.at[`formerEmails/${email}`] ?? user.at.formerEmails ?? user.source }));
}
