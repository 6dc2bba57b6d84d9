// Reads a users YAML file into entries, keeping the line and column of every key and value.
import { createRequire } from 'node:module';
import jsyaml from 'js-yaml';
import type * as Yaml from 'yaml';
import type { Document, Node } from 'yaml';
import type { Issue, Source } from '../model/index.js';
import type { Entry, FileResult, Path, PositionSource } from './entry.js';
import { FORBIDDEN_KEYS, PASSWORD_HINT, didYouMeanHint, issueAt, lineIndex } from './issues.js';

/** Alias expansions allowed per document (yaml's `maxAliasCount`): enough for real anchors, far too few for a "billion laughs". */
const MAX_ALIAS_COUNT = 1000;

/**
 * A parsed YAML node with its source offset: the one shape both parsers below produce.
 * `yaml` (eemeli/yaml) gives exact diagnostics; js-yaml is several times faster on large, clean files.
 */
export interface PNode {
  kind: 'map' | 'seq' | 'scalar';
  start: number;
  /** A scalar's value (for a map key: the key). */
  value?: unknown;
  /** A list's items; a map's keys and values, alternating (key nodes are scalars unless the key is complex). */
  children?: PNode[];
  /** js-yaml's own value for this collection when nothing in it needs filtering: used as is, not copied. */
  plain?: unknown;
}

// ---- the exact path: eemeli/yaml's Document (all errors, duplicate keys, alias guard) ----

const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;

/** eemeli/yaml, loaded when a file first needs it: plain files never do, and loading it took longer than parsing a large file. */
function yaml(): typeof Yaml {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}

/** Each alias's anchored node, found once in document order (eemeli/yaml's `resolve` searches the whole document per alias). */
type Targets = ReadonlyMap<Node, Node>;

function fromYamlNode(node: unknown, targets: Targets, fallbackStart: number): PNode {
  const { isAlias, isMap, isScalar, isSeq } = yaml();
  if (isAlias(node)) return fromYamlNode(targets.get(node), targets, node.range?.[0] ?? fallbackStart);
  if (isMap(node)) {
    const start = node.range?.[0] ?? fallbackStart;
    const children: PNode[] = [];
    for (const pair of node.items) {
      const k = pair.key as Node | null;
      const keyStart = k?.range?.[0] ?? start;
      children.push(k === null || isScalar(k) ? { kind: 'scalar', start: keyStart, value: k === null ? null : k.value } : fromYamlNode(k, targets, keyStart));
      const valueStart = (pair.value as Node | null)?.range?.[0] ?? keyStart;
      children.push(fromYamlNode(pair.value, targets, valueStart));
    }
    return { kind: 'map', start, children };
  }
  if (isSeq(node)) {
    const start = node.range?.[0] ?? fallbackStart;
    return { kind: 'seq', start, children: node.items.map((item) => fromYamlNode(item, targets, start)) };
  }
  if (isScalar(node)) return { kind: 'scalar', start: node.range?.[0] ?? fallbackStart, value: node.value };
  return { kind: 'scalar', start: fallbackStart, value: null };
}

/**
 * Resolves every alias to the latest anchor of its name before it (YAML lets a name be anchored again),
 * and finds the first alias that sits inside the very node it names: a cycle no reader can expand.
 */
function aliasTargets(doc: Document): { targets: Map<Node, Node>; cycle?: Node } {
  const latest = new Map<string, Node>();
  const targets = new Map<Node, Node>();
  let cycle: Node | undefined;
  const { isAlias, visit } = yaml();
  visit(doc, (_key, node, path) => {
    if (isAlias(node)) {
      const target = latest.get(node.source);
      if (target === undefined) return undefined;
      targets.set(node, target);
      if (path.includes(target)) {
        cycle = node;
        return visit.BREAK;
      }
      return undefined;
    }
    const anchor = (node as { anchor?: string }).anchor;
    if (anchor) latest.set(anchor, node as Node);
    return undefined;
  });
  return { targets, cycle };
}

interface Parsed {
  root?: PNode;
  issues: Issue[];
  failed: boolean;
}

/** A hint for the YAML mistakes people make most. */
function syntaxHint(code: string, message: string): string {
  if (code === 'TAB_AS_INDENT') return 'Indent with spaces; YAML does not allow tabs.';
  if (/quote/i.test(message)) return 'A quoted value must end with the same quote it starts with.';
  if (code === 'BAD_INDENT' || /indent/i.test(message)) return 'Line up each key under its parent with spaces; items of a list start with "- ".';
  if (/map values|mapping values/i.test(message)) return 'Put a space after the colon (`name: Nina`), and quote values that contain ": " or " #".';
  return 'Check the indentation and quoting around this line.';
}

/** Parses with eemeli/yaml: exact errors (all of them), duplicate keys, and yaml's alias-bomb guard. */
export function parseExact(file: string, text: string, pos: ReturnType<typeof lineIndex>): Parsed {
  const { isScalar, parseDocument } = yaml();
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, strict: true });
  const issues: Issue[] = [];
  const where = (offset: number): Source => {
    const { line, col } = pos(offset);
    return { file, line, column: col };
  };
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      const duplicate = error.code === 'DUPLICATE_KEY';
      issues.push(
        issueAt(
          where(error.pos[0]),
          'error',
          duplicate ? 'duplicate-key' : 'yaml-syntax',
          error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
          duplicate ? 'Each key may appear once per map; a later value would silently win.' : syntaxHint(error.code, error.message),
        ),
      );
    }
    return { issues, failed: true };
  }
  for (const warning of doc.warnings) issues.push(issueAt(where(warning.pos[0]), 'warning', 'yaml-warning', warning.message.split('\n')[0]!));
  const { targets, cycle } = aliasTargets(doc);
  if (cycle) {
    issues.push(
      issueAt(
        where(cycle.range?.[0] ?? 0),
        'error',
        'yaml-alias-cycle',
        'This alias sits inside the node its anchor names, so its value would contain itself without end; the file was not read.',
        'Point the alias at an anchor outside the node that holds it, or write the values out.',
      ),
    );
    return { issues, failed: true };
  }
  if (targets.size > 0) {
    try {
      doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (!(error instanceof ReferenceError)) throw error;
      const firstAlias = targets.keys().next().value as Node;
      issues.push(
        issueAt(
          where(firstAlias.range?.[0] ?? 0),
          'error',
          'yaml-alias-bomb',
          'This file expands YAML aliases excessively (a resource-exhaustion pattern); it was not read.',
          'Use `defaults:` or write the values out instead of nesting anchors and aliases.',
        ),
      );
      return { issues, failed: true };
    }
  }
  const contents = doc.contents as Node | null;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { issues, failed: false };
  return { root: fromYamlNode(contents, targets, 0), issues, failed: false };
}

// ---- the fast path: js-yaml with its node listener; any doubt falls back to the exact path ----

class Mismatch extends Error {}

function skipSpace(text: string, offset: number, sameLine = false): number {
  let i = offset;
  for (;;) {
    const ch = text.charCodeAt(i);
    if (ch === 32 || ch === 9 || (!sameLine && (ch === 10 || ch === 13))) i++;
    else if (sameLine) return i;
    else if (ch === 35) {
      const nl = text.indexOf('\n', i);
      if (nl < 0) return text.length;
      i = nl + 1;
    } else return i;
  }
}

function countKeys(object: object): number {
  let n = 0;
  for (const key in object) if (Object.hasOwn(object, key)) n++;
  return n;
}

/**
 * Turns the listener's raw nodes into PNodes in place (no copies: large files stay cheap):
 * drops js-yaml's wrapper nodes, sets kinds and positions, and checks the shape against the value.
 */
function settle(text: string, node: PNode): PNode {
  let n = node;
  // js-yaml reports some nodes twice (an outer attempt wrapping the real node): keep the inner one.
  while (n.children && n.children.length === 1 && n.children[0]!.value === n.value) n = n.children[0]!;
  const result = n.value;
  const children = n.children;
  if (typeof result !== 'object' || result === null) {
    if (children) throw new Mismatch();
    // An empty value (`title:`) sits where the key ends, as eemeli/yaml reports it.
    n.start = skipSpace(text, n.start, result === null);
    return n;
  }
  n.start = skipSpace(text, n.start);
  n.value = undefined;
  if (Array.isArray(result)) {
    n.kind = 'seq';
    if ((children?.length ?? 0) !== result.length) throw new Mismatch();
    let clean = true;
    if (children) {
      for (let i = 0; i < children.length; i++) {
        const item = settle(text, children[i]!);
        children[i] = item;
        if (item.kind !== 'scalar' && item.plain === undefined) clean = false;
      }
    } else n.children = [];
    if (clean) n.plain = result;
    return n;
  }
  n.kind = 'map';
  if ((children?.length ?? 0) !== countKeys(result) * 2) throw new Mismatch();
  let clean = true;
  if (children) {
    for (let i = 0; i < children.length; i += 2) {
      const keyNode = children[i]!;
      const key = keyNode.value;
      if ((typeof key === 'object' && key !== null) || keyNode.children || !Object.hasOwn(result, String(key))) throw new Mismatch();
      keyNode.start = skipSpace(text, keyNode.start);
      const value = settle(text, children[i + 1]!);
      children[i + 1] = value;
      const name = String(key);
      if (FORBIDDEN_KEYS.has(name) || name.toLowerCase() === 'password' || (value.kind !== 'scalar' && value.plain === undefined)) clean = false;
    }
  } else n.children = [];
  if (clean) n.plain = result;
  return n;
}

/** js-yaml's YAML 1.2 core schema, like eemeli/yaml's default: no timestamps, no `!!binary`. */
const FAST_OPTIONS = { schema: jsyaml.CORE_SCHEMA, json: false };

/** The parts of js-yaml's loader state that tell anchors and directives (not in its published types). */
interface LoaderState {
  position: number;
  result: unknown;
  version: string | null;
  tagMap: Record<string, string>;
  anchorMap: Record<string, unknown>;
}

function isEmpty(map: Record<string, unknown>): boolean {
  for (const _ in map) return false;
  return true;
}

/**
 * Undefined when the file needs the exact path: anchors (hence aliases), directives, warnings, errors,
 * anything unusual. Told by js-yaml's own parser state, not by looking for `&` or `*` in the text, so
 * a comment or a value such as "R&D" keeps a file on the fast path.
 */
export function parseFast(text: string): { root?: PNode } | undefined {
  const stack: PNode[] = [];
  let top: PNode | undefined;
  let first = true;
  try {
    jsyaml.load(text, {
      ...FAST_OPTIONS,
      onWarning() {
        throw new Mismatch();
      },
      listener(event, raw) {
        const state = raw as unknown as LoaderState;
        if (event === 'open') {
          // Directives are read before the first node opens: `%YAML 1.1` would change what values mean.
          if (first && (state.version !== null || !isEmpty(state.tagMap))) throw new Mismatch();
          first = false;
          stack.push({ kind: 'scalar', start: state.position, value: undefined, children: undefined, plain: undefined });
          return;
        }
        const node = stack.pop();
        if (!node) throw new Mismatch();
        node.value = state.result;
        const parent = stack[stack.length - 1];
        if (!parent) {
          // The document is complete: any anchor it defines (and so any alias) needs the exact path.
          if (!isEmpty(state.anchorMap)) throw new Mismatch();
          top = node;
        } else if (parent.children) parent.children.push(node);
        else parent.children = [node];
      },
    });
    if (stack.length !== 0) return undefined;
    if (!top || top.value === null || top.value === undefined) return top?.children ? undefined : {};
    return { root: settle(text, top) };
  } catch {
    return undefined;
  }
}

// ---- the plain path: js-yaml's value alone, positions found later and only when asked for ----

/**
 * Text that may hold a complex (non-scalar) mapping key: an explicit `? ` key, or a flow collection
 * followed by `:`. Such keys are reported at their position, so those files take the positioned paths.
 * A false alarm (a title "Why ? Because") only costs speed. A carriage return alone also does: js-yaml
 * counts it as a line break, the positions do not.
 */
const NOT_PLAIN = /(?:^|[\s[{,])\?(?:\s|$)|[\]}]\s*:|\r(?!\n)/m;

/** What the plain load found: the document's value and, for each user of `users:`, where its `email` key starts. */
export interface PlainYaml {
  value: unknown;
  /** Where the `email` keys of the users' maps start, in document order: offset, line (0-based), offset of that line; three numbers a key. */
  emailKeys: number[];
  /**
   * The text as js-yaml holds it (its own copy, which the values' strings point into): kept for the
   * positions instead of a second copy.
   */
  text: string;
  /** Where each item of `users:` starts and ends, two offsets an item: a user's positions need only its own text parsed. */
  items: number[];
  /** Where the value of `defaults:` starts and ends, when the file has one. */
  defaults?: [number, number];
}

/**
 * Loads a users file with js-yaml alone, without a node per value: the cost of parsing, nothing more.
 * Undefined when the file needs a positioned path: anchors, directives, warnings, errors, keys that
 * may be complex. The listener only counts depths, to note where each user's `email` key starts
 * (users' maps are the third level: top map, `users:` list, user).
 */
export function loadPlain(text: string): PlainYaml | undefined {
  // js-yaml drops a byte order mark, which would shift every offset; files arrive without one.
  if (text.charCodeAt(0) === 0xfeff || NOT_PLAIN.test(text)) return undefined;
  const emailKeys: number[] = [];
  let state: (LoaderState & { input: string; line: number; lineStart: number }) | undefined;
  let depth = 0;
  let child = 0;
  let keyStart = 0;
  let keyLine = 0;
  let keyLineStart = 0;
  let isKey = false;
  // The top map's keys and values (depth 1): which key's value is open, and where `users:` items and `defaults:` lie.
  let topChild = 0;
  let topIsKey = false;
  let topKey: unknown;
  let openValue: unknown;
  let itemStart = 0;
  let defaultsStart = 0;
  const items: number[] = [];
  let defaults: [number, number] | undefined;
  try {
    const value = jsyaml.load(text, {
      ...FAST_OPTIONS,
      onWarning() {
        throw new Mismatch();
      },
      listener(event, raw) {
        if (event === 'open') {
          if (state === undefined) {
            state = raw as unknown as LoaderState & { input: string; line: number; lineStart: number };
            if (state.version !== null || !isEmpty(state.tagMap)) throw new Mismatch();
          }
          if (depth === 3) {
            keyStart = state.position;
            keyLine = state.line;
            keyLineStart = state.lineStart;
            isKey = (child++ & 1) === 0;
          } else if (depth === 2) {
            child = 0;
            itemStart = state.position;
          } else if (depth === 1) {
            topIsKey = (topChild++ & 1) === 0;
            openValue = topIsKey ? undefined : topKey;
            if (openValue === 'defaults') defaultsStart = state.position;
          }
          depth++;
          return;
        }
        depth--;
        if (depth === 3 && isKey && state!.result === 'email') emailKeys.push(keyStart, keyLine, keyLineStart);
        else if (depth === 2 && openValue === 'users') items.push(itemStart, state!.position);
        else if (depth === 1) {
          if (topIsKey) topKey = state!.result;
          else if (openValue === 'defaults') defaults = [defaultsStart, state!.position];
          openValue = undefined;
        }
      },
    });
    if (state === undefined || !isEmpty(state.anchorMap)) return undefined;
    // js-yaml's input is the text, a newline when it lacks one, and a NUL: the slice is the text, shared.
    const input = state.input.slice(0, text.length);
    return { value, emailKeys, text: input === text ? input : text, items, ...(defaults ? { defaults } : {}) };
  } catch {
    return undefined;
  }
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * False when the text cannot hold a key that the positioned path would drop: such a key is either
 * written out or spelt with escapes, and the plain path takes no file with complex keys (NOT_PLAIN).
 * Scanning the text costs a fraction of walking every value of a large file.
 */
function mayHoldForbiddenKey(text: string): boolean {
  if (text.includes('\\')) return true;
  for (const key of FORBIDDEN_KEYS) if (text.includes(key)) return true;
  return false;
}

/** True when no map in `value` holds a key that the positioned path would drop and report. */
function noForbiddenKeys(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (!noForbiddenKeys(item)) return false;
    return true;
  }
  for (const key in value) {
    if (FORBIDDEN_KEYS.has(key)) return false;
    if (!noForbiddenKeys((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/** True when a user's (or the defaults') own keys hold no password, which the positioned path would report. */
function noPassword(map: Record<string, unknown>): boolean {
  for (const key in map) if (key.length === 8 && key.toLowerCase() === 'password') return false;
  return true;
}

/** A plain users file: a map of `users:` (a list of maps, each with an `email` key found) and optional `defaults:` (a map). */
function plainShape(plain: PlainYaml): { users: Record<string, unknown>[]; defaults?: Record<string, unknown>; create?: boolean } | undefined {
  const root = plain.value;
  if (!isPlainMap(root)) return undefined;
  for (const key in root) if (key !== 'users' && key !== 'defaults' && key !== 'create') return undefined;
  // Anything but true or false is for the positioned path to report.
  if (root.create !== undefined && typeof root.create !== 'boolean') return undefined;
  const users = root.users;
  const defaults = root.defaults;
  if (!Array.isArray(users) || users.length === 0 || users.length * 3 !== plain.emailKeys.length) return undefined;
  if (defaults !== undefined && defaults !== null && !(isPlainMap(defaults) && noPassword(defaults))) return undefined;
  for (const user of users) if (!isPlainMap(user) || !Object.hasOwn(user, 'email') || !noPassword(user)) return undefined;
  if (mayHoldForbiddenKey(plain.text) && !noForbiddenKeys(root)) return undefined;
  const shape: { users: Record<string, unknown>[]; defaults?: Record<string, unknown>; create?: boolean } = { users: users as Record<string, unknown>[], defaults: isPlainMap(defaults) ? defaults : undefined };
  if (typeof root.create === 'boolean') shape.create = root.create;
  return shape;
}

/** The `email` key as the positioned paths see it start, quoted or not, before its colon. */
const EMAIL_KEY = /(?:email|"email"|'email')[ \t]*:/y;

/** Moves every offset of a tree parsed from part of a text to where that part lies in the text. */
function shift(node: PNode, by: number): void {
  node.start += by;
  if (node.children) for (const child of node.children) shift(child, by);
}

/**
 * A file's positions, worked out on first use. A user's come from a positioned parse of that user's
 * own text (its item of `users:`, as the plain load found it), so that a few users' positions cost a
 * few users' parse; the whole file is parsed only when such a part does not read back as that user.
 * Only the file asked last keeps what it parsed: questions come user by user in file order.
 */
class LazyTree {
  private static last: LazyTree | undefined;
  private root: PNode | null | undefined;
  private index: ReturnType<typeof lineIndex> | undefined;
  /** The user asked last (all of one user's questions come together) and its node. */
  private asked: { index: number; node: PNode | undefined } | undefined;
  /** The `defaults:` map, found once (null: none). */
  private defaultsNode: PNode | null | undefined;

  constructor(
    readonly file: string,
    private readonly text: string,
    /** Per user: start and end of its item, and where its `email` key starts. */
    private readonly spans?: Float64Array,
    private readonly defaultsSpan?: [number, number],
  ) {}

  private tree(): PNode | null {
    if (this.root === undefined) {
      if (LazyTree.last && LazyTree.last !== this) LazyTree.last.forget();
      LazyTree.last = this;
      this.root = parseYaml(this.file, this.text).root ?? null;
    }
    return this.root;
  }

  private forget(): void {
    this.root = undefined;
    this.index = undefined;
    this.asked = undefined;
  }

  /**
   * The node of text[start, end) parsed on its own, offsets as in the whole text: what precedes it on its
   * first line (`  - `) is blanked, so that every line keeps its column. Null for no value, undefined when
   * the part does not parse cleanly on its own.
   */
  private part(start: number, end: number): PNode | null | undefined {
    const lineStart = this.text.lastIndexOf('\n', start - 1) + 1;
    const parsed = parseYaml(this.file, ' '.repeat(start - lineStart) + this.text.slice(start, end));
    if (parsed.failed || parsed.issues.length > 0) return undefined;
    if (!parsed.root) return null;
    shift(parsed.root, lineStart);
    return parsed.root;
  }

  readonly pos = (offset: number): { line: number; col: number } => {
    if (LazyTree.last !== this) {
      LazyTree.last?.forget();
      LazyTree.last = this;
    }
    this.index ??= lineIndex(this.text);
    return this.index(offset);
  };

  at(offset: number): Source {
    const { line, col } = this.pos(offset);
    return { file: this.file, line, column: col };
  }

  private top(key: string): PNode | undefined {
    const root = this.tree();
    if (!root) return undefined;
    const k = findKey(root, key);
    return k < 0 ? undefined : root.children![k + 1];
  }

  defaults(): PNode | undefined {
    if (this.defaultsNode === undefined) {
      const span = this.defaultsSpan;
      let node = span ? this.part(span[0], span[1]) : null;
      if (node === undefined || (span && node?.kind !== 'map')) node = this.top('defaults') ?? null;
      this.defaultsNode = node && node.kind === 'map' ? node : null;
    }
    return this.defaultsNode ?? undefined;
  }

  user(index: number): PNode | undefined {
    if (this.asked?.index === index) return this.asked.node;
    const node = this.ownUser(index) ?? this.top('users')?.children?.[index];
    this.asked = { index, node };
    return node;
  }

  /** The user's item parsed on its own, when it reads back as a map with its `email` key where the plain load found it. */
  private ownUser(index: number): PNode | undefined {
    const spans = this.spans;
    if (!spans || index * 3 + 2 >= spans.length) return undefined;
    const node = this.part(spans[index * 3]!, spans[index * 3 + 1]!);
    if (!node || node.kind !== 'map') return undefined;
    const k = findKey(node, 'email');
    return k >= 0 && node.children![k]!.start === spans[index * 3 + 2] ? node : undefined;
  }
}

/** One user's positions in a plain file: where a path is, and the value positions are found in, both from the file's positioned parse. */
class UserPositions implements PositionSource {
  constructor(
    private readonly tree: LazyTree,
    private readonly index: number,
  ) {}

  /** In the user's own map, or in the defaults when the user does not set that field. */
  locate(path: Path, key = false): Source {
    const tree = this.tree;
    const node = tree.user(this.index);
    if (!node) return tree.at(0);
    const defaults = tree.defaults();
    // `in` on the user's own value also finds what every object inherits: kept so that positions stay as they were.
    const first = path.length > 0 ? String(path[0]) : undefined;
    if (defaults && first !== undefined && findKey(node, first) < 0 && !(first in Object.prototype)) return tree.at(offsetAt(defaults, path, key));
    return tree.at(offsetAt(node, path, key));
  }

  /** The user's value again (own fields, then the defaults'). */
  value(): Record<string, unknown> {
    const tree = this.tree;
    const node = tree.user(this.index);
    const ctx: Context = { file: tree.file, pos: tree.pos, issues: [] };
    const own = node ? (toPlain(ctx, node, 1) as Record<string, unknown>) : {};
    const defaults = tree.defaults();
    const value: Record<string, unknown> = { ...own };
    if (defaults) {
      const d = toPlain(ctx, defaults, 1) as Record<string, unknown>;
      for (const key of Object.keys(d)) if (!(key in own)) value[key] = d[key];
    }
    return value;
  }
}

/** The plain path's entries, or undefined when an `email` key is not where the count says (then the positioned path decides). */
function plainEntries(file: string, plain: PlainYaml): FileResult | undefined {
  const shape = plainShape(plain);
  if (!shape) return undefined;
  const text = plain.text;
  const { users, defaults } = shape;
  const keys = plain.emailKeys;
  let spans: Float64Array | undefined;
  if (plain.items.length === users.length * 2) {
    spans = new Float64Array(users.length * 3);
    for (let i = 0; i < users.length; i++) {
      spans[i * 3] = plain.items[i * 2]!;
      spans[i * 3 + 1] = plain.items[i * 2 + 1]!;
      spans[i * 3 + 2] = keys[i * 3]!;
    }
  }
  const tree = new LazyTree(file, text, spans, plain.defaults);
  const entries: Entry[] = [];
  for (let i = 0; i < users.length; i++) {
    const offset = keys[i * 3]!;
    const lineStart = keys[i * 3 + 2]!;
    // The key starts where js-yaml says, on the line it says: else the positioned path decides.
    EMAIL_KEY.lastIndex = offset;
    if (skipSpace(text, offset) !== offset || !EMAIL_KEY.test(text) || offset < lineStart || (lineStart > 0 && text.charCodeAt(lineStart - 1) !== 10) || text.lastIndexOf('\n', offset - 1) >= lineStart) {
      return undefined;
    }
    const own = users[i]!;
    // Copied key by key rather than spread: a spread copy that then takes the defaults allocated new hidden classes for every user.
    const value: Record<string, unknown> = {};
    for (const key in own) value[key] = own[key];
    if (defaults) {
      for (const key in defaults) if (!(key in own)) value[key] = defaults[key];
    }
    const positions = new UserPositions(tree, i);
    const source: Source = { file, line: keys[i * 3 + 1]! + 1, column: offset - lineStart + 1 };
    entries.push({ file, source, value, own, issues: [], locate: (path: Path, key?: boolean) => positions.locate(path, key), positions });
  }
  let defaultsEntry: Entry | undefined;
  if (defaults) {
    const locate = (path: Path, key = false): Source => {
      const node = tree.defaults();
      return node ? tree.at(offsetAt(node, path, key)) : tree.at(0);
    };
    defaultsEntry = {
      file,
      get source() {
        return locate([]);
      },
      value: defaults,
      issues: [],
      locate,
    };
  }
  const result: FileResult = { entries, issues: [], defaults: defaultsEntry, failed: false };
  if (shape.create !== undefined) result.create = shape.create;
  return result;
}

/** Parses YAML into positioned nodes: fast when the file is plain, exact otherwise. */
export function parseYaml(file: string, text: string): Parsed & { pos: ReturnType<typeof lineIndex> } {
  const pos = lineIndex(text);
  const fast = parseFast(text);
  if (fast) return { root: fast.root, issues: [], failed: false, pos };
  return { ...parseExact(file, text, pos), pos };
}

// ---- from positioned nodes to entries ----

interface Context {
  file: string;
  pos: ReturnType<typeof lineIndex>;
  issues: Issue[];
}

function at(ctx: Context, offset: number): Source {
  const { line, col } = ctx.pos(offset);
  return { file: ctx.file, line, column: col };
}

function keyText(ctx: Context, keyNode: PNode): string | undefined {
  if (keyNode.kind !== 'scalar' || (typeof keyNode.value === 'object' && keyNode.value !== null)) {
    ctx.issues.push(issueAt(at(ctx, keyNode.start), 'error', 'schema-type', 'Keys must be plain text.'));
    return undefined;
  }
  return String(keyNode.value);
}

/** Plain data from a node; drops (and reports) `__proto__`-like keys and passwords. */
function toPlain(ctx: Context, node: PNode, depth: number): unknown {
  if (node.kind === 'scalar') return node.value;
  if (node.plain !== undefined) return node.plain;
  const children = node.children!;
  if (node.kind === 'seq') return children.map((item) => toPlain(ctx, item, depth + 1));
  const out: Record<string, unknown> = {};
  for (let i = 0; i < children.length; i += 2) {
    const keyNode = children[i]!;
    const key = keyText(ctx, keyNode);
    if (key === undefined) continue;
    if (FORBIDDEN_KEYS.has(key)) {
      ctx.issues.push(issueAt(at(ctx, keyNode.start), 'error', 'forbidden-key', `The key "${key}" is not allowed.`, 'It is not a field of provision and could tamper with the program; remove it.'));
      continue;
    }
    if (depth <= 1 && key.toLowerCase() === 'password') {
      ctx.issues.push(issueAt(at(ctx, keyNode.start), 'error', 'plaintext-password', 'Passwords must not be written in users files.', PASSWORD_HINT));
      continue;
    }
    out[key] = toPlain(ctx, children[i + 1]!, depth + 1);
  }
  return out;
}

/** Index of the key node for `key` in a map's children, or -1. */
function findKey(node: PNode, key: string): number {
  if (node.kind !== 'map') return -1;
  const children = node.children!;
  for (let i = 0; i < children.length; i += 2) {
    const k = children[i]!;
    if (k.kind === 'scalar' && String(k.value) === key) return i;
  }
  return -1;
}

/** The offset of the value (or key) at `path`, or of the deepest node found on the way. */
export function offsetAt(node: PNode, path: Path, key = false): number {
  let current = node;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (current.kind === 'map') {
      const k = findKey(current, String(segment));
      if (k < 0) return current.start;
      if (i === path.length - 1 && key) return current.children![k]!.start;
      current = current.children![k + 1]!;
    } else if (current.kind === 'seq') {
      const item = current.children![Number(segment)];
      if (!item) return current.start;
      current = item;
    } else {
      return current.start;
    }
  }
  return current.start;
}

function isNull(node: PNode | undefined): boolean {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

/**
 * Parses one YAML users file. `text` is already decoded, without a BOM. A plain file is read at the
 * cost of parsing it; anything unusual takes the positioned paths, which report every problem.
 */
export function readYamlFile(file: string, text: string, options: { plain?: boolean } = {}): FileResult {
  const plain = options.plain === false ? undefined : loadPlain(text);
  const result = plain && plainEntries(file, plain);
  if (result) return result;
  const parsed = parseYaml(file, text);
  const ctx: Context = { file, pos: parsed.pos, issues: parsed.issues };
  if (parsed.failed) return { entries: [], issues: ctx.issues, failed: true };
  const root = parsed.root;
  if (isNull(root)) {
    ctx.issues.push(issueAt({ file, line: 1, column: 1 }, 'warning', 'empty-file', 'This file declares no users.', 'Add a `users:` list or delete the file.'));
    return { entries: [], issues: ctx.issues, failed: false };
  }
  if (root!.kind !== 'map') {
    ctx.issues.push(issueAt(at(ctx, root!.start), 'error', 'schema-type', 'A users file must be a map with a `users:` list (and optional `defaults:`).'));
    return { entries: [], issues: ctx.issues, failed: false };
  }

  let usersKey: PNode | undefined;
  let usersNode: PNode | undefined;
  let defaultsNode: PNode | undefined;
  let createNode: PNode | undefined;
  const top = root!.children!;
  for (let i = 0; i < top.length; i += 2) {
    const keyNode = top[i]!;
    const key = keyText(ctx, keyNode);
    if (key === undefined) continue;
    if (key === 'users') {
      usersKey = keyNode;
      usersNode = top[i + 1];
    } else if (key === 'defaults') defaultsNode = top[i + 1];
    else if (key === 'create') createNode = top[i + 1];
    else if (key.toLowerCase() === 'password') {
      ctx.issues.push(issueAt(at(ctx, keyNode.start), 'error', 'plaintext-password', 'Passwords must not be written in users files.', PASSWORD_HINT));
    } else {
      ctx.issues.push(
        issueAt(at(ctx, keyNode.start), 'error', 'unknown-field', `Unknown top-level field "${key}".`, didYouMeanHint(key, ['users', 'defaults', 'create']) ?? 'A users file has `users:`, and optional `defaults:` and `create:`.'),
      );
    }
  }

  let defaults: Record<string, unknown> | undefined;
  let defaultsEntry: Entry | undefined;
  if (!isNull(defaultsNode)) {
    const node = defaultsNode!;
    if (node.kind !== 'map') {
      ctx.issues.push(issueAt(at(ctx, node.start), 'error', 'schema-type', '`defaults` must be a map of user fields.'));
    } else {
      const defaultsIssues: Issue[] = [];
      defaults = toPlain({ ...ctx, issues: defaultsIssues }, node, 1) as Record<string, unknown>;
      defaultsEntry = { file, source: at(ctx, node.start), value: defaults, issues: defaultsIssues, locate: (path, key) => at(ctx, offsetAt(node, path, key)) };
    }
  }

  let create: boolean | undefined;
  if (createNode) {
    const value = toPlain(ctx, createNode, 1);
    if (typeof value === 'boolean') create = value;
    else ctx.issues.push(issueAt(at(ctx, createNode.start), 'error', 'schema-type', '`create` must be true or false.', 'true creates the users of this file the org lacks; false lists them as waiting.'));
  }
  const done = (entries: Entry[]): FileResult => (create === undefined ? { entries, issues: ctx.issues, defaults: defaultsEntry, failed: false } : { entries, issues: ctx.issues, defaults: defaultsEntry, failed: false, create });
  if (!usersKey || !usersNode) {
    ctx.issues.push(issueAt({ file, line: 1, column: 1 }, 'error', 'missing-field', 'This file has no `users:` list.', 'Declare users under `users:`.'));
    return done([]);
  }
  if (isNull(usersNode)) {
    ctx.issues.push(issueAt(at(ctx, usersKey.start), 'warning', 'empty-file', '`users:` is empty: this file declares no users.'));
    return done([]);
  }
  if (usersNode.kind !== 'seq') {
    ctx.issues.push(issueAt(at(ctx, usersNode.start), 'error', 'schema-type', '`users` must be a list (each item starting with `- email: …`).'));
    return done([]);
  }

  // Every user of the file inherits the same defaults: share their positions instead of copying them per user.
  const shared = new Map<number, Source>();
  const sharedAt = (offset: number): Source => {
    let source = shared.get(offset);
    if (!source) shared.set(offset, (source = at(ctx, offset)));
    return source;
  };
  const entries: Entry[] = [];
  for (const node of usersNode.children!) {
    if (node.kind !== 'map') {
      ctx.issues.push(issueAt(at(ctx, node.start), 'error', 'schema-type', 'Each user must be a map (`- email: …`).'));
      continue;
    }
    const entryIssues: Issue[] = [];
    const own = toPlain({ ...ctx, issues: entryIssues }, node, 1) as Record<string, unknown>;
    const value: Record<string, unknown> = { ...own };
    if (defaults) {
      for (const key of Object.keys(defaults)) if (!(key in own)) value[key] = defaults[key];
    }
    const emailKey = findKey(node, 'email');
    const source = at(ctx, emailKey >= 0 ? node.children![emailKey]!.start : node.start);
    const fromDefaults = defaultsNode && defaultsNode.kind === 'map' ? defaultsNode : undefined;
    entries.push({
      file,
      source,
      value,
      own,
      issues: entryIssues,
      locate(path: Path, key = false): Source {
        if (fromDefaults && path.length > 0 && !(String(path[0]) in own)) return sharedAt(offsetAt(fromDefaults, path, key));
        return at(ctx, offsetAt(node, path, key));
      },
    });
  }
  return done(entries);
}

/** A parsed YAML value with a locator, for single-document files such as provision.yaml. */
export interface YamlValue {
  value: unknown;
  locate(path: Path, key?: boolean): Source;
  issues: Issue[];
  failed: boolean;
}

/** Parses any YAML document with positions and the same guards as users files (aliases, `__proto__`, duplicate keys). */
export function readYamlValue(file: string, text: string): YamlValue {
  const parsed = parseYaml(file, text);
  const ctx: Context = { file, pos: parsed.pos, issues: parsed.issues };
  const root = parsed.root;
  const locate = (path: Path, key = false): Source => at(ctx, root ? offsetAt(root, path, key) : 0);
  if (parsed.failed) return { value: undefined, locate, issues: ctx.issues, failed: true };
  return { value: root ? toPlain(ctx, root, 2) : undefined, locate, issues: ctx.issues, failed: false };
}
