// Fault injection: the spec string parser, route patterns, and the seeded dice that pick a request's fault.
import { prng } from './ids.js';
import type { FaultBody, FaultKind, FaultRule, RoutePattern, ScriptedFault } from './types.js';

export class FaultSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

const KINDS: FaultKind[] = ['5xx', '429', 'latency', 'drop', 'timeout', 'drop-after-commit', 'timeout-after-commit', 'revoke', 'editor', 'drop-expand'];

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
 * `revoke:P`, `editor:P`, `drop-expand:P` (a user listing, read or search answers without some of
 * the expansions it asked for).
 */
export function parseFaults(spec: string): FaultRule[] {
  const rules: FaultRule[] = [];
  for (const rawItem of spec.split(',')) {
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
    } else if (KINDS.includes(kindName as FaultKind)) {
      rule = { kind: kindName as FaultKind, probability: parseProbability(args[0] ?? '', item) };
      if (args[1] !== undefined) {
        if (kindName !== '429' && kindName !== 'timeout' && kindName !== 'timeout-after-commit') throw new FaultSpecError(`"${item}": ${kindName} takes only a probability`);
        rule.durationMs = parseDuration(args[1], item);
      }
    } else {
      throw new FaultSpecError(`"${item}": unknown fault "${kindName}" (known: 5xx, 500-599, 429, latency, drop, timeout, drop-after-commit, timeout-after-commit, revoke, editor, drop-expand)`);
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
    if (!KINDS.includes(fault.kind)) throw new FaultSpecError(`unknown fault kind "${fault.kind}"`);
    this.scripted.push({ ...fault, method: fault.method.toUpperCase(), seen: 0 });
  }

  /** A uniform number in [0, 1), for callers that need more dice (status, body, editor's pick). */
  roll(): number {
    return this.random();
  }

  /** The faults this request meets: at most one latency, plus at most one other (scripted first). */
  decide(method: string, path: string): Decision[] {
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
      if (rule.route ? !routeMatches(rule.route, method, path) : !api) continue;
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
