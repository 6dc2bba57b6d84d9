// A small evaluator for GitHub Actions `${{ }}` expressions: enough for the workflows' `if:`, `env:` and `with:`.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value | undefined };

/** The contexts an expression can read, plus what the status functions and hashFiles need. */
export interface ExpressionScope {
  contexts: Record<string, Value>;
  /** True once a previous step of the job failed. */
  failed: boolean;
  /** Directory hashFiles() resolves against. */
  workspace: string;
}

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i] as string;
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    if (ch === "'") {
      let value = '';
      i += 1;
      for (;;) {
        if (i >= source.length) throw new Error(`unterminated string in expression: ${source}`);
        if (source[i] === "'" && source[i + 1] === "'") {
          value += "'";
          i += 2;
          continue;
        }
        if (source[i] === "'") break;
        value += source[i];
        i += 1;
      }
      i += 1;
      tokens.push({ kind: 'string', value });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['==', '!=', '&&', '||', '<=', '>='].includes(two)) {
      tokens.push({ kind: 'op', value: two });
      i += 2;
      continue;
    }
    if ('()[],.!<>'.includes(ch)) {
      tokens.push({ kind: 'op', value: ch });
      i += 1;
      continue;
    }
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(source.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0] });
      i += name[0].length;
      continue;
    }
    throw new Error(`unexpected "${ch}" in expression: ${source}`);
  }
  return tokens;
}

function truthy(value: Value | undefined): boolean {
  return !(value === undefined || value === null || value === false || value === 0 || value === '' || Number.isNaN(value));
}

function toNumber(value: Value | undefined): number {
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return Number.NaN;
}

/** GitHub's loose equality: strings compare case-insensitively, mixed types as numbers. */
function equals(a: Value | undefined, b: Value | undefined): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if ((a ?? null) === null && (b ?? null) === null) return true;
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

/** The string form `${{ }}` substitution produces. */
export function stringify(value: Value | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function hashFiles(workspace: string, patterns: string[]): string {
  const hash = createHash('sha256');
  let any = false;
  for (const pattern of patterns) {
    if (/[*?[]/.test(pattern)) throw new Error(`hashFiles glob patterns are not supported by the test evaluator: ${pattern}`);
    const path = join(workspace, pattern);
    if (existsSync(path) && statSync(path).isFile()) {
      hash.update(readFileSync(path));
      any = true;
    }
  }
  return any ? hash.digest('hex') : '';
}

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly scope: ExpressionScope,
    private readonly source: string,
  ) {}

  parse(): Value | undefined {
    const value = this.or();
    if (this.pos !== this.tokens.length) throw new Error(`unexpected tokens at the end of: ${this.source}`);
    return value;
  }

  private peek(value: string): boolean {
    const token = this.tokens[this.pos];
    return token !== undefined && token.kind === 'op' && token.value === value;
  }

  private expect(value: string): void {
    if (!this.peek(value)) throw new Error(`expected "${value}" in: ${this.source}`);
    this.pos += 1;
  }

  private or(): Value | undefined {
    let left = this.and();
    while (this.peek('||')) {
      this.pos += 1;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): Value | undefined {
    let left = this.comparison();
    while (this.peek('&&')) {
      this.pos += 1;
      const right = this.comparison();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private comparison(): Value | undefined {
    const left = this.unary();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (!this.peek(op)) continue;
      this.pos += 1;
      const right = this.unary();
      if (op === '==') return equals(left, right);
      if (op === '!=') return !equals(left, right);
      const [a, b] = [toNumber(left), toNumber(right)];
      return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
    }
    return left;
  }

  private unary(): Value | undefined {
    if (this.peek('!')) {
      this.pos += 1;
      return !truthy(this.unary());
    }
    return this.postfix();
  }

  private postfix(): Value | undefined {
    let value = this.primary();
    for (;;) {
      if (this.peek('.')) {
        this.pos += 1;
        const token = this.tokens[this.pos];
        if (!token || token.kind !== 'name') throw new Error(`expected a property name in: ${this.source}`);
        this.pos += 1;
        value = value !== null && typeof value === 'object' && !Array.isArray(value) ? value[token.value] : undefined;
        continue;
      }
      if (this.peek('[')) {
        this.pos += 1;
        const key = this.or();
        this.expect(']');
        if (Array.isArray(value)) value = value[toNumber(key)];
        else value = value !== null && typeof value === 'object' ? value[stringify(key)] : undefined;
        continue;
      }
      return value;
    }
  }

  private primary(): Value | undefined {
    const token = this.tokens[this.pos];
    if (!token) throw new Error(`unexpected end of: ${this.source}`);
    this.pos += 1;
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'op') {
      if (token.value !== '(') throw new Error(`unexpected "${token.value}" in: ${this.source}`);
      const value = this.or();
      this.expect(')');
      return value;
    }
    if (token.value === 'true') return true;
    if (token.value === 'false') return false;
    if (token.value === 'null') return null;
    if (this.peek('(')) return this.call(token.value);
    if (!(token.value in this.scope.contexts)) throw new Error(`unknown context "${token.value}" in: ${this.source}`);
    return this.scope.contexts[token.value];
  }

  private call(name: string): Value {
    this.expect('(');
    const args: (Value | undefined)[] = [];
    while (!this.peek(')')) {
      args.push(this.or());
      if (this.peek(',')) this.pos += 1;
    }
    this.expect(')');
    switch (name) {
      case 'always':
        return true;
      case 'success':
        return !this.scope.failed;
      case 'failure':
        return this.scope.failed;
      case 'cancelled':
        return false;
      case 'hashFiles':
        return hashFiles(this.scope.workspace, args.map(stringify));
      case 'contains': {
        const [haystack, needle] = args;
        if (Array.isArray(haystack)) return haystack.some((item) => equals(item, needle));
        return stringify(haystack).toLowerCase().includes(stringify(needle).toLowerCase());
      }
      case 'startsWith':
        return stringify(args[0]).toLowerCase().startsWith(stringify(args[1]).toLowerCase());
      case 'format':
        // GitHub's format(): {N} is the Nth argument after the pattern; {{ and }} are literal braces.
        return stringify(args[0]).replace(/\{\{|\}\}|\{(\d+)\}/g, (m, i?: string) => (i === undefined ? m[0]! : stringify(args[Number(i) + 1])));
      default:
        throw new Error(`function ${name}() is not supported by the test evaluator`);
    }
  }
}

/** Evaluates one expression (without the `${{ }}`). */
export function evaluate(source: string, scope: ExpressionScope): Value | undefined {
  return new Parser(tokenize(source), scope, source).parse();
}

/** Replaces every `${{ … }}` in `text` with the string form of its value. */
export function interpolate(text: string, scope: ExpressionScope): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_match, inner: string) => stringify(evaluate(inner.trim(), scope)));
}

/** A step's `if:`: implicitly `success() && (…)` unless it calls a status function. */
export function condition(source: string | boolean | undefined, scope: ExpressionScope): boolean {
  if (source === undefined) return !scope.failed;
  if (typeof source === 'boolean') return source && !scope.failed;
  const inner = source.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1').trim();
  const value = truthy(evaluate(inner, scope));
  return /\b(always|success|failure|cancelled)\s*\(/.test(inner) ? value : value && !scope.failed;
}
