// Fault injection: the spec string parser, route patterns, and the seeded dice that pick a request's fault.
import { prng } from './ids.js';
import type { FaultBody, FaultKind, FaultRule, RoutePattern, ScriptedFault } from './types.js';

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const KINDS: FaultKind[] = ['5xx', '429', 'latency', 'drop', 'timeout', 'drop-after-commit', 'timeout-after-commit', 'revoke', 'editor', 'sub-conflict', 'stale-read', 'auth-lag', 'drop-expand'];

/**
 * Where `drop-expand` applies when its rule names no route: the user reads that take `expand`
 * (UsersApi getUsers, getUser, postUsersSearch). Their SDK docs: expand values "are resolved with a
 * best effort approach and not guaranteed to be returned" (build/docs/UsersApi.md).
 */
const EXPAND_ROUTES: RoutePattern[] = [
  { method: 'GET', path: '/api/v2/users' },
  { method: 'GET', path: '/api/v2/users/{id}' },
  { method: 'POST', path: '/api/v2/users/search' },
];
const BODIES: FaultBody[] = ['json', 'html', 'empty'];
/** Kinds that fire only where the org's recent writes allow (see `FaultEngine.decide`). */
const CONDITIONAL = new Set<FaultKind>(['sub-conflict', 'stale-read']);
/** The answers a user's sub-resource write can meet while the user is being patched (Terraform `util/util_retries.go`, `IsVersionMismatch`). */
const SUB_CONFLICT_STATUSES = [409, 400, 408];
/** Kinds whose second argument is a duration. */
const TIMED: string[] = ['429', 'timeout', 'timeout-after-commit', 'sub-conflict', 'stale-read'];

/** How long after a versioned write a user counts as being patched, unless the rule says. */
export const BEING_PATCHED_MS = 1000;
/** How long a read may still show a user as it was before a write, unless the rule says. */
export const READ_LAG_MS = 1000;

/**
 * The realism profile: the random behaviours of real orgs, at modest probabilities, that the sandbox's strict
 * defaults leave out because a test would meet them at random. `--faults realism` (alone or with other items) adds them.
 * Items whose kind this sandbox does not know yet are left out when the profile expands.
 */
export const REALISM: readonly string[] = [
  // MERGE(issue 11): the kinds below belong to other branches; check their arguments when they land.
  'drop-expand:0.1',
  'auth-lag:1s',
  // A user's skills, languages, roles, group memberships and profile skills refuse writes now and then while the user is being patched.
  'sub-conflict:0.25:1s',
  // A read of a user just written still shows the user as it was, now and then.
  'stale-read:0.5:1s',
];

/** Named lists of fault items that a spec may use as one item. */
export const PROFILES: Readonly<Record<string, readonly string[]>> = { realism: REALISM };

function knownKind(item: string): boolean {
  const name = item.split(/[:/@]/)[0]?.trim() ?? '';
  return KINDS.includes(name as FaultKind) || /^5\d\d$/.test(name);
}

/** A spec with each profile name replaced by its items (those of known kinds). */
function expandProfiles(spec: string): string[] {
  const out: string[] = [];
  for (const raw of spec.split(',')) {
    const item = raw.trim();
    const profile = PROFILES[item];
    if (profile) out.push(...profile.filter(knownKind));
    else out.push(item);
  }
  return out;
}

function parseDuration(text: string, item: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new FaultSpecError(`"${item}": "${text}" is not a duration (write 250ms or 2s)`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

function parseProbability(text: string, item: string): number {
  const p = Number(text);
  if (text.trim() === '' || !Number.isFinite(p) || p < 0 || p > 1) throw new FaultSpecError(`"${item}": probability "${text}" must be a number from 0 to 1`);
  return p;
}

function parseRoute(text: string, item: string): RoutePattern {
  const m = /^\s*([A-Za-z*]+)\s+(\/\S*)\s*$/.exec(text);
  if (!m) throw new FaultSpecError(`"${item}": route "${text}" must look like "POST /api/v2/users"`);
  return { method: (m[1] as string).toUpperCase(), path: m[2] as string };
}

/**
 * Parses `kind[/variant]:args[@METHOD /path]`, comma-separated. Kinds and their arguments:
 * `5xx:P` (`5xx/html:P`, `503:P`, `503/empty:P`), `429:P[:DURATION]`, `latency:A-Bms[:P]`,
 * `drop:P`, `timeout:P[:DURATION]`, `drop-after-commit:P`, `timeout-after-commit:P[:DURATION]`,
 * `revoke:P`, `editor:P`, `auth-lag:DURATION`, `drop-expand:P` (a user listing, read or search answers without some of
 * the expansions it asked for),
 * `sub-conflict[/409|/400|/408]:P[:WINDOW]`: a write to a user's skills, languages, roles, group memberships or profile
 * skills answers 409 (or 400 "does not match the current version", or 408; drawn at random unless named) with
 * probability P while the same user had a versioned write (a PATCH, a state change, a division move) within the last
 * WINDOW (default 1 s). Genesys's Terraform provider meets this in production: "Directory occasionally returns version
 * errors on deletes if an object was updated at the same time" (`group/resource_genesyscloud_group.go`), and wraps every
 * such write in `util.RetryWhen(util.IsVersionMismatch, …)` (`user/resource_genesyscloud_user_utils.go`,
 * `util/util_retries.go`: 409, 408, or 400 "does not match the current version").
 * `stale-read:P[:DURATION]`: `GET /api/v2/users/{id}` of a user written within the last DURATION (default 1 s) shows,
 * with probability P, the user as it was before that write: its old version and fields (Terraform provider issue
 * #1461: spurious 409s from eventual consistency right after a write). The users listing and search are not affected
 * (search has its own lag, `--search-lag`).
 * `realism` stands for the items of the realism profile (`REALISM`).
 * `auth-lag:DURATION` is not a dice roll but a state of the org: a role or division created through the
 * API less than DURATION ago answers 404 to grants (bulkadd, bulkreplace), as Genesys's authorization
 * cache does until it catches up (Terraform retries those 404s: user_roles/genesyscloud_user_roles_proxy.go).
 */
export function parseFaults(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const rawItem of expandProfiles(spec)) {
    const item = rawItem.trim();
    if (item === '') continue;
    const at = item.indexOf('@');
    const head = at >= 0 ? item.slice(0, at) : item;
    const route = at >= 0 ? parseRoute(item.slice(at + 1), item) : undefined;
    const [kindPart = '', ...args] = head.split(':').map((s) => s.trim());
    const [kindName = '', variant] = kindPart.split('/');
    let rule: FaultRule;
    if (/^5\d\d$/.test(kindName) || kindName === '5xx') {
      rule = { kind: '5xx', probability: parseProbability(args[0] ?? '', item) };
      if (kindName !== '5xx') rule.status = Number(kindName);
      if (variant !== undefined) {
        if (!BODIES.includes(variant as FaultBody)) throw new FaultSpecError(`"${item}": body "${variant}" must be json, html or empty`);
        rule.body = variant as FaultBody;
      }
    } else if (kindName === 'latency') {
      const range = /^(\d+)(?:ms)?(?:-(\d+)(?:ms)?)?$/.exec(args[0] ?? '');
      if (!range) throw new FaultSpecError(`"${item}": latency needs a range such as 20-80ms`);
      const min = Number(range[1]);
      const max = range[2] === undefined ? min : Number(range[2]);
      if (max < min) throw new FaultSpecError(`"${item}": the range's end is below its start`);
      rule = { kind: 'latency', probability: args[1] === undefined ? 1 : parseProbability(args[1], item), minMs: min, maxMs: max };
    } else if (kindName === 'auth-lag') {
      if (args.length !== 1 || variant !== undefined) throw new FaultSpecError(`"${item}": auth-lag takes only a duration, e.g. auth-lag:2s`);
      if (route) throw new FaultSpecError(`"${item}": auth-lag applies to every grant and takes no route`);
      rule = { kind: 'auth-lag', probability: 1, durationMs: parseDuration(args[0] ?? '', item) };
    } else if (KINDS.includes(kindName as FaultKind)) {
      rule = { kind: kindName as FaultKind, probability: parseProbability(args[0] ?? '', item) };
      if (args[1] !== undefined) {
        if (!TIMED.includes(kindName)) throw new FaultSpecError(`"${item}": ${kindName} takes only a probability`);
        rule.durationMs = parseDuration(args[1], item);
      }
      if (variant !== undefined) {
        if (kindName !== 'sub-conflict' || !SUB_CONFLICT_STATUSES.includes(Number(variant))) {
          throw new FaultSpecError(`"${item}": ${kindName === 'sub-conflict' ? 'the answer must be 409, 400 or 408' : `${kindName} takes no variant`}`);
        }
        rule.status = Number(variant);
      }
    } else {
      throw new FaultSpecError(
        `"${item}": unknown fault "${kindName}" (known: 5xx, 500-599, 429, latency, drop, timeout, drop-after-commit, timeout-after-commit, revoke, editor, sub-conflict, stale-read, auth-lag, drop-expand, and the profile realism)`,
      );
    }
    if (route) rule.route = route;
    rules.push(rule);
  }
  return rules;
}

/** Does `path` match the pattern? `{x}` and `*` match one segment; a trailing `**` matches the rest. */
export function routeMatches(route: RoutePattern, method: string, path: string): boolean {
  if (route.method !== '*' && route.method !== method) return false;
  const want = route.path.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    if (w === '**') return true;
    const g = got[i];
    if (g === undefined) return false;
    if (w === '*' || (w.startsWith('{') && w.endsWith('}'))) continue;
    if (w !== g) return false;
  }
  return want.length === got.length;
}

/**
 * The expansions a `drop-expand` answer keeps: each requested one is dropped with even odds, and at
 * least one is always dropped (drawn from the engine's seeded dice).
 */
export function keptExpansions(requested: ReadonlySet<string>, roll: () => number): Set<string> {
  const asked = [...requested].sort();
  if (asked.length === 0) return new Set();
  const kept = new Set(asked.filter(() => roll() >= 0.5));
  if (kept.size === asked.length) kept.delete(asked[Math.floor(roll() * asked.length)] as string);
  return kept;
}

export interface Decision {
  kind: FaultKind;
  status?: number;
  body?: FaultBody;
  ms?: number;
}

interface Scripted extends ScriptedFault {
  seen: number;
}

/** Decides, deterministically from the seed and the order of requests, which faults a request meets. */
export class FaultEngine {
  private random: () => number;
  private scripted: Scripted[] = [];
  private storms = new Map<FaultRule, number>();

  constructor(
    readonly rules: FaultRule[],
    seed: number,
    private now: () => number = () => Date.now(),
  ) {
    this.random = prng(seed);
  }

  script(fault: ScriptedFault): void {
    if (!KINDS.includes(fault.kind) || fault.kind === 'auth-lag') throw new FaultSpecError(`unknown fault kind "${fault.kind}"`);
    this.scripted.push({ ...fault, method: fault.method.toUpperCase(), seen: 0 });
  }

  /** A uniform number in [0, 1), for callers that need more dice (status, body, editor's pick). */
  roll(): number {
    return this.random();
  }

  /**
   * The faults this request meets: at most one latency, plus at most one other (scripted first). Rules of the kinds
   * that depend on the org's recent writes (sub-conflict, stale-read) roll their dice only where `applies` says the
   * request meets their condition (a user being patched, a user written moments ago); without it they never fire.
   */
  decide(method: string, path: string, applies?: (rule: FaultRule) => boolean): Decision[] {
    const out: Decision[] = [];
    for (let i = 0; i < this.scripted.length; i++) {
      const s = this.scripted[i] as Scripted;
      if (!routeMatches({ method: s.method, path: s.path }, method, path)) continue;
      s.seen += 1;
      if (s.seen < (s.nth ?? 1)) continue;
      this.scripted.splice(i, 1);
      out.push({ kind: s.kind, status: s.status, body: s.body, ms: s.ms });
      return out;
    }
    const api = path.startsWith('/api/v2/');
    let main: Decision | undefined;
    for (const rule of this.rules) {
      // Org-wide states, not per-request dice: the server reads them from the rules once.
      if (rule.kind === 'auth-lag') continue;
      if (rule.route ? !routeMatches(rule.route, method, path) : !api) continue;
      if (CONDITIONAL.has(rule.kind) && !applies?.(rule)) continue;
      if (!rule.route && rule.kind === 'drop-expand' && !EXPAND_ROUTES.some((r) => routeMatches(r, method, path))) continue;
      if (rule.kind === '429') {
        const until = this.storms.get(rule);
        if (until !== undefined && until > this.now()) {
          main ??= { kind: '429', ms: until - this.now() };
          continue;
        }
      }
      const hit = this.random() < rule.probability;
      if (!hit) continue;
      if (rule.kind === 'latency') {
        const min = rule.minMs ?? 0;
        const max = rule.maxMs ?? min;
        out.push({ kind: 'latency', ms: Math.round(min + this.random() * (max - min)) });
        continue;
      }
      if (main) continue;
      if (rule.kind === '429') {
        const duration = rule.durationMs ?? 1000;
        this.storms.set(rule, this.now() + duration);
        main = { kind: '429', ms: duration };
        continue;
      }
      main = { kind: rule.kind, status: rule.status, body: rule.body, ms: rule.durationMs };
    }
    if (main) out.push(main);
    return out;
  }
}
