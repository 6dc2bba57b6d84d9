// What every endpoint module shares: the request context, answers, body checks and the generic look-up handlers.
import type { SandboxOrg, NamedRec, UserRec } from '../org.js';
import { invalidValue, badRequest, notFound } from '../errors.js';
import { listing, nameFilter, paging, queryList } from '../render.js';

export interface Ctx {
  org: SandboxOrg;
  method: string;
  path: string;
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /**
   * Permission mode's check: whether the caller's OAuth client holds `permission` (in `divisionId`;
   * in any division when it is undefined). Undefined when permission mode is off: everything is allowed.
   */
  can?: (permission: string, divisionId?: string) => boolean;
  /**
   * The expansions an answer carries out of those asked for: all of them unless a `drop-expand`
   * fault hit this request (expand is best effort at Genesys).
   */
  served?: (requested: Set<string>) => Set<string>;
}

/** The expansions this answer carries (see `Ctx.served`). */
export function servedExpansions(ctx: Ctx, requested: Set<string>): Set<string> {
  return ctx.served && requested.size > 0 ? ctx.served(requested) : requested;
}

export interface Answer {
  status: number;
  body?: unknown;
  /** The body as JSON text already (large listings, serialised from cached parts). */
  raw?: string;
}

export type Handler = (ctx: Ctx) => Answer;

/** One endpoint: method, the path template as the SDK docs write it, and its handler. */
export type Endpoint = [method: string, template: string, handler: Handler];

/** The largest page most listings accept. */
export const MAX_LIST = 500;

/**
 * The largest page of the language, role, division and location listings. The SDK docs give no
 * maximum for any listing; Genesys's Terraform provider reads these four 100 a page
 * (routing_language/…_proxy.go, auth_role/…_proxy.go, auth_division/…_proxy.go,
 * location/…_proxy.go) and users, skills, queues and groups 500 a page: the sandbox holds each to that.
 */
export const MAX_SMALL_LIST = 100;
export const ok = (body: unknown): Answer => ({ status: 200, body });
export const noContent = (): Answer => ({ status: 204 });
export const accepted = (): Answer => ({ status: 202, body: {} });
export const stamp = (org: SandboxOrg) => new Date(org.now()).toISOString();

export function object(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`The request body must be ${what}.`);
  return body as Record<string, unknown>;
}

export function array(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw badRequest(`The request body must be ${what}.`);
  return body;
}

export function str(value: unknown, field: string, required: boolean): string | undefined {
  if (value === undefined || value === null) {
    if (required) throw invalidValue(field, `${field} is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw invalidValue(field, `${field} must be a string.`);
  if (required && value.trim() === '') throw invalidValue(field, `${field} may not be empty.`);
  return value;
}

/** A user that exists and is not deleted (Genesys hides deleted users unless asked for them). */
export function liveUser(org: SandboxOrg, id: string): UserRec {
  const user = org.getUser(id);
  if (!user || user.state === 'deleted') throw notFound('user', id);
  return user;
}

/** A paged listing of named objects, filtered by `name` (exact, or a prefix where `prefix`), `id` and `divisionId`. */
export function lookupList<T extends NamedRec, R>(items: (org: SandboxOrg, ctx: Ctx) => T[], render: (org: SandboxOrg, x: T) => R, options: { prefix?: boolean; maxPageSize?: number } = {}): Handler {
  return (ctx) => {
    const match = nameFilter(ctx.query.get('name'), options.prefix ?? false);
    const ids = new Set(queryList(ctx.query, 'id'));
    const divisionIds = new Set(queryList(ctx.query, 'divisionId'));
    const found = items(ctx.org, ctx).filter((x) => match(x.name) && (ids.size === 0 || ids.has(x.id)) && (divisionIds.size === 0 || divisionIds.has((x as { divisionId?: string }).divisionId ?? '')));
    const list = listing(found, paging(ctx.query, options.maxPageSize ?? MAX_LIST), ctx.path, ctx.query, (ctx.query.get('sortOrder') ?? '').toUpperCase() === 'DESC');
    return ok({ ...list, entities: list.entities.map((x) => render(ctx.org, x)) });
  };
}

/** One named object by id. */
export function lookupGet<T extends NamedRec, R>(get: (org: SandboxOrg, id: string) => T | undefined, render: (org: SandboxOrg, x: T) => R, kind: string): Handler {
  return (ctx) => {
    const x = get(ctx.org, ctx.params[0] as string);
    if (!x) throw notFound(kind, ctx.params[0]);
    return ok(render(ctx.org, x));
  };
}

/** The `name` and `description` of a create body, with the name trimmed and required. */
export function namedBody(ctx: Ctx, kind: string): { name: string; description?: string; body: Record<string, unknown> } {
  const body = object(ctx.body, `a ${kind}`);
  const name = (str(body.name, 'name', true) as string).trim();
  return { name, description: str(body.description, 'description', false), body };
}
