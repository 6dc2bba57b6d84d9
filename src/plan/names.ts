// Name resolution: the names people write in users/ mapped to org ids, with did-you-mean and ambiguity errors.
import type { Issue, Named, Source } from '../model/index.js';
import { foldName, nearestKey } from '../rules/names.js';

export type LookupKind = 'skill' | 'language' | 'queue' | 'group' | 'role' | 'division' | 'location' | 'site' | 'phone-base';

/** The look-up list of one kind, indexed by folded name and by id. */
export interface NameIndex {
  kind: LookupKind;
  byKey: Map<string, Named[]>;
  byId: Map<string, Named>;
  keys: string[];
  /** Suggestions already computed, by folded name (a typo repeated over many users is looked up once). */
  suggestions: Map<string, string | undefined>;
  /** Names as written that resolved already: the same name on 50,000 users is folded once. */
  resolved: Map<string, Named>;
}

const LABEL: Record<LookupKind, string> = {
  skill: 'Skill',
  language: 'Language',
  queue: 'Queue',
  group: 'Group',
  role: 'Role',
  division: 'Division',
  location: 'Location',
  site: 'Site',
  'phone-base': 'Phone base settings',
};

/** The kind in a sentence, where it is not the kind's own name. */
const NOUN: Partial<Record<LookupKind, string>> = { 'phone-base': 'phone base setting' };

export function indexNames(kind: LookupKind, list: readonly Named[]): NameIndex {
  const byKey = new Map<string, Named[]>();
  const byId = new Map<string, Named>();
  for (const item of list) {
    byId.set(item.id, item);
    const key = foldName(item.name);
    const found = byKey.get(key);
    if (found) found.push(item);
    else byKey.set(key, [item]);
  }
  return { kind, byKey, byId, keys: [...byKey.keys()], suggestions: new Map(), resolved: new Map() };
}

/** The object with this id; an id the look-ups do not know keeps the id as its name. */
export function namedById(index: NameIndex, id: string): Named {
  return index.byId.get(id) ?? { id, name: id };
}

/** Where an issue about a fact is reported: the fact's own position, else its field's, else the user's. */
export function issueAt(at: Source | undefined): Pick<Issue, 'file' | 'line' | 'column'> {
  if (!at) return {};
  return at.column === undefined ? { file: at.file, line: at.line } : { file: at.file, line: at.line, column: at.column };
}

/**
 * Resolves one name; on failure pushes an `unknown-<kind>` (with a did-you-mean) or `ambiguous-name`
 * error at `where()` and returns undefined. The position is found only for an error: most names resolve.
 */
export function resolveName(index: NameIndex, name: string, where: () => Source | undefined, errors: Issue[]): Named | undefined {
  const cached = index.resolved.get(name);
  if (cached) return cached;
  const key = foldName(name);
  const found = index.byKey.get(key);
  if (found && found.length === 1) {
    index.resolved.set(name, found[0] as Named);
    return found[0];
  }
  const label = LABEL[index.kind];
  if (found && found.length > 1) {
    const ids = found.map((f) => f.id).sort();
    errors.push({
      severity: 'error',
      code: 'ambiguous-name',
      message: `${label} "${name}" matches ${found.length} ${NOUN[index.kind] ?? index.kind}s in the org (ids ${ids.join(', ')}).`,
      hint: `Names are matched case-insensitively; rename one of them in Genesys Cloud so that each ${NOUN[index.kind] ?? index.kind} name is unique.`,
      ...issueAt(where()),
    });
    return undefined;
  }
  const guess = nearestKey(key, index.keys, index.suggestions);
  const original = guess === undefined ? undefined : index.byKey.get(guess)?.[0]?.name;
  errors.push({
    severity: 'error',
    code: `unknown-${index.kind}`,
    message: `${label} "${name}" does not exist in the org.${original === undefined ? '' : ` Did you mean "${original}"?`}`,
    hint: `Fix the name (matched case-insensitively) or create the ${NOUN[index.kind] ?? index.kind} in Genesys Cloud first.`,
    ...issueAt(where()),
  });
  return undefined;
}
