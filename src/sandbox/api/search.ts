// Search requests as Genesys takes them (`query` criteria, pages of at most 100), shared by the user, group and location searches.
import type { NamedRec, SandboxOrg } from '../org.js';
import { invalidValue } from '../errors.js';
import { array, object, ok, type Handler } from './http.js';

export interface Criterion {
  type?: string;
  fields?: string[];
  field?: string;
  value?: string;
  values?: string[];
  operator?: string;
  group?: Criterion[];
}


export function criterionMatcher<T>(c: Criterion, fields: Record<string, (x: T) => string[]>): (x: T) => boolean {
  const type = (c.type ?? '').toUpperCase();
  if (c.group) {
    const parts = c.group.map((g) => criterionMatcher(g, fields));
    const or = (c.operator ?? 'AND').toUpperCase() === 'OR';
    return (x) => (or ? parts.some((p) => p(x)) : parts.every((p) => p(x)));
  }
  if (type === 'MATCH_ALL') return () => true;
  const names = c.fields ?? (c.field ? [c.field] : []);
  if (names.length === 0) throw invalidValue('query.fields', 'A search criterion needs fields.');
  const getters = names.map((n) => {
    const g = fields[n];
    if (!g) throw invalidValue('query.fields', `Cannot search on field ${n}.`);
    return g;
  });
  const values = (c.values ?? (c.value !== undefined ? [c.value] : [])).map((v) => String(v).toLowerCase());
  if (values.length === 0) throw invalidValue('query.value', 'A search criterion needs a value or values.');
  let test: (have: string, want: string) => boolean;
  if (type === 'EXACT' || type === 'TERM' || type === 'TERMS') test = (h, w) => h === w;
  else if (type === 'CONTAINS') test = (h, w) => h.includes(w);
  else if (type === 'STARTS_WITH') test = (h, w) => h.startsWith(w);
  else throw invalidValue('query.type', `Search type ${c.type ?? '(none)'} is not supported by the sandbox (use EXACT, CONTAINS, STARTS_WITH or MATCH_ALL).`);
  return (x) => getters.some((g) => g(x).some((have) => values.some((want) => test(have.toLowerCase(), want))));
}

export function mentionsState(criteria: Criterion[]): boolean {
  return criteria.some((c) => (c.fields ?? (c.field ? [c.field] : [])).includes('state') || (c.group ? mentionsState(c.group) : false));
}

/** How far search pages reach. */
export const SEARCH_WINDOW = 10_000;

export function searchPage<T>(items: T[], body: Record<string, unknown>) {
  const pageSize = body.pageSize === undefined ? 25 : Number(body.pageSize);
  const pageNumber = body.pageNumber === undefined ? 1 : Number(body.pageNumber);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100) throw invalidValue('pageSize', 'pageSize must be from 1 to 100.');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw invalidValue('pageNumber', 'pageNumber must be a whole number from 1.');
  // Search is an index with a result window, like the users listing's 10,000 (DEVTOOLING-862): stricter
  // than anything Genesys documents, a page reaching past result 10,000 is refused.
  if (pageNumber * pageSize > SEARCH_WINDOW) throw invalidValue('pageNumber', `Search results are limited to the first ${SEARCH_WINDOW}; narrow the query.`);
  const total = items.length;
  const pageCount = Math.ceil(total / pageSize);
  return { total, pageCount, pageSize, pageNumber, results: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize) };
}

export function namedSearch<T extends NamedRec, R>(items: (org: SandboxOrg) => T[], fields: Record<string, (x: T) => string[]>, render: (org: SandboxOrg, x: T) => R, type: string): Handler {
  return (ctx) => {
    const body = object(ctx.body, 'a search request') as Record<string, unknown> & { query?: Criterion[] };
    const criteria = body.query === undefined ? [] : (array(body.query, 'a list of criteria') as Criterion[]);
    const matchers = criteria.map((c) => criterionMatcher(c, fields));
    const page = searchPage(items(ctx.org).filter((x) => matchers.every((m) => m(x))), body);
    return ok({ ...page, types: [type], results: page.results.map((x) => render(ctx.org, x)) });
  };
}
