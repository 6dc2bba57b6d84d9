// Who a user is: the email key and which org user an email means. Shared because the reader, the planner, apply's search and the export must all pick the same user.
import type { OrgUser } from '../model/index.js';
import { compareStrings } from './order.js';

/** Printable ASCII without spaces: already trimmed and NFC, so only lower-casing is left to do. */
const PLAIN_ASCII = /^[\x21-\x7e]*$/;

/** The identity key of a user on every side (files, config, org): trimmed, NFC, lower-case. */
export function normalEmail(email: string): string {
  // Nearly every email is plain ASCII; Unicode normalisation of 50,000 of them, several times each in a plan, was a visible cost.
  if (PLAIN_ASCII.test(email)) return email.toLowerCase();
  return email.trim().normalize('NFC').toLowerCase();
}

/** An email domain as scopes and filters name it (`acme.com`, `@acme.com`): compared like the domain of a normalised email. */
export function normalDomain(domain: string): string {
  return normalEmail(domain).replace(/^@/, '');
}

/** The domain of an email: what follows its last `@`. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

const STATE_RANK: Record<OrgUser['state'], number> = { active: 0, inactive: 1, deleted: 2 };

/** What the choice between users sharing an email looks at. */
export type Claimant = Pick<OrgUser, 'id' | 'state' | 'dateDeleted'>;

/**
 * Orders org users that share an email, the one the email means first. Genesys does not forbid two
 * users with one email across states: a live user wins over deleted ones, active over inactive, then
 * the lowest id (stable from run to run); among deleted users the latest deletion, the one a restore
 * brings back.
 */
export function compareClaims(a: Claimant, b: Claimant): number {
  const rank = STATE_RANK[a.state] - STATE_RANK[b.state];
  if (rank !== 0) return rank;
  if (a.state === 'deleted') {
    const latest = compareStrings(b.dateDeleted ?? '', a.dateDeleted ?? '');
    if (latest !== 0) return latest;
  }
  return compareStrings(a.id, b.id);
}

/** The org user an email means among those that share it (see `compareClaims`); undefined for none. */
export function userForEmail<T extends Claimant>(users: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const user of users) if (best === undefined || compareClaims(user, best) < 0) best = user;
  return best;
}
