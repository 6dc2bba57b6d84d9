// Real-org consistency faults: a user being patched refuses writes to its sub-resources, and a read of a user lags its writes.
import { HttpError } from './errors.js';
import { BEING_PATCHED_MS, READ_LAG_MS } from './faults.js';
import type { Decision } from './faults.js';
import { snapshotOf } from './org.js';
import type { SandboxOrg, UserRec } from './org.js';
import { queryList } from './render.js';
import type { FaultKind, FaultRule } from './types.js';

/** The fault kinds this module decides and answers. */
export const CONSISTENCY_KINDS: ReadonlySet<FaultKind> = new Set<FaultKind>(['sub-conflict', 'stale-read']);

/** Writes to a user's sub-resources: skills, languages, profile skills, roles (`PUT /users/{id}/roles`). */
const USER_SUB_RESOURCE = /^\/api\/v2\/users\/([^/]+)\/(?:routingskills|routinglanguages|profileskills|roles)(?:\/|$)/;
/** Role grants of a subject: `bulkadd`, `bulkremove`, `bulkreplace`, and single grants under `divisions/…`. */
const SUBJECT_GRANTS = /^\/api\/v2\/authorization\/subjects\/([^/]+)\/(?:bulkadd|bulkremove|bulkreplace|divisions\/)/;
const GROUP_MEMBERS = /^\/api\/v2\/groups\/[^/]+\/members$/;
/** A role granted to, or taken from, a list of users (the body is the list of ids). */
const ROLE_USERS = /^\/api\/v2\/authorization\/roles\/[^/]+\/users\/(?:add|remove)$/;
const USER_READ = /^\/api\/v2\/users\/([^/]+)$/;
const PRUNE_ABOVE = 5_000;
const FORGET_AFTER_MS = 10 * 60_000;

/**
 * The users a request writes a sub-resource of: the user in the path, or the members a group member change names
 * (`memberIds` of the POST body, `ids` of the DELETE), or the users a role goes to or from. Empty for any other request.
 */
export function subResourceUsers(method: string, path: string, query: URLSearchParams, raw: string): string[] {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return [];
  const direct = USER_SUB_RESOURCE.exec(path) ?? SUBJECT_GRANTS.exec(path);
  if (direct) return [decodeURIComponent(direct[1] as string)];
  if (ROLE_USERS.test(path)) {
    try {
      const body = JSON.parse(raw) as unknown;
      return Array.isArray(body) ? body.map(String) : [];
    } catch {
      return [];
    }
  }
  if (!GROUP_MEMBERS.test(path)) return [];
  if (method === 'DELETE') return queryList(query, 'ids');
  if (method !== 'POST') return [];
  try {
    const body = JSON.parse(raw) as { memberIds?: unknown } | null;
    return Array.isArray(body?.memberIds) ? body.memberIds.map(String) : [];
  } catch {
    return [];
  }
}

/**
 * The refusal of a sub-resource write while its user is being patched: 409 most often, sometimes the 400 or 408 that
 * Terraform's `util.IsVersionMismatch` also retries (`genesyscloud/util/util_retries.go`).
 */
export function subConflictError(status: number | undefined, roll: () => number): HttpError {
  const r = roll();
  const answer = status ?? (r < 0.7 ? 409 : r < 0.9 ? 400 : 408);
  if (answer === 400) return new HttpError(400, 'bad.request', 'The user version does not match the current version. Retry the request.');
  if (answer === 408) return new HttpError(408, 'request.timeout', 'The request timed out before the user could be updated.');
  return new HttpError(409, 'general.conflict', 'The version number of the modified resource must match the version number in the database.');
}

/**
 * The org as a lagging read sees it: `getUser` of one user answers an older copy of it, everything else is the org
 * itself. The route's own handler runs on it, so a stale read answers exactly as a fresh one would have then.
 */
function staleView(org: SandboxOrg, old: UserRec): SandboxOrg {
  const view = Object.create(org) as SandboxOrg;
  view.getUser = (id: string) => (id === old.id ? old : org.getUser(id));
  return view;
}

/** Watches the org's user writes: when each user last had a versioned write, and how it looked before its latest write. */
export class Consistency {
  private readonly patchedAt = new Map<string, number>();
  private readonly before = new Map<string, { user: UserRec; at: number }>();
  private pruneAbove = PRUNE_ABOVE;

  constructor(
    private readonly org: SandboxOrg,
    private readonly now: () => number = () => Date.now(),
  ) {
    org.beforeUserChange = (user, versioned) => {
      const at = this.now();
      this.before.set(user.id, { user: snapshotOf(user), at });
      if (versioned) this.patchedAt.set(user.id, at);
      if (this.before.size > this.pruneAbove) this.prune(at);
    };
  }

  /** Whether a rule of a consistency kind meets its condition for this request (other kinds always do). */
  applies(rule: FaultRule, method: string, path: string, query: URLSearchParams, raw: string): boolean {
    if (rule.kind === 'sub-conflict') {
      const window = rule.durationMs ?? BEING_PATCHED_MS;
      return subResourceUsers(method, path, query, raw).some((id) => this.beingPatched(id, window));
    }
    if (rule.kind === 'stale-read') return method === 'GET' && this.previous(path, rule.durationMs ?? READ_LAG_MS) !== undefined;
    return true;
  }

  /** The org a `stale-read` decision reads from: one where the user in the path is as it was before its latest write. */
  staleOrg(decision: Decision, path: string): SandboxOrg | undefined {
    const old = this.previous(path, decision.ms ?? READ_LAG_MS);
    return old ? staleView(this.org, old) : undefined;
  }

  /** Forgets writes long past any window a rule could name, so a long apply does not keep a copy of every user. */
  private prune(now: number): void {
    for (const [id, entry] of this.before) if (now - entry.at > FORGET_AFTER_MS) this.before.delete(id);
    for (const [id, at] of this.patchedAt) if (now - at > FORGET_AFTER_MS) this.patchedAt.delete(id);
    this.pruneAbove = Math.max(PRUNE_ABOVE, this.before.size * 2);
  }

  private beingPatched(id: string, windowMs: number): boolean {
    const at = this.patchedAt.get(id);
    return at !== undefined && this.now() - at < windowMs;
  }

  /** The copy of the user read by `path` from before its latest write, when that write was under `lagMs` ago. */
  private previous(path: string, lagMs: number): UserRec | undefined {
    const id = USER_READ.exec(path)?.[1];
    if (id === undefined) return undefined;
    const entry = this.before.get(decodeURIComponent(id));
    return entry && this.now() - entry.at < lagMs ? entry.user : undefined;
  }
}
