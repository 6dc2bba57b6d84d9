// Permission mode: each OAuth client holds roles (permissions in some divisions or all), checked as Genesys checks them.
import { HttpError } from './errors.js';
import type { SandboxOrg } from './org.js';
import type { Ref } from './types.js';

/**
 * A role granted to an OAuth client: Genesys permissions (`domain:entity:action`, where the entity
 * or the action may be `*`, as a role's permission policies allow: Terraform's
 * `auth_role/resource_genesyscloud_auth_role_schema.go`, "Permission entity or '*' for all",
 * "Actions allowed on the entity or '*' for all"), granted in the named divisions (names or ids),
 * or in every division (`*`, also when `divisions` is left out).
 */
export interface ClientRole {
  /** A label for messages; optional. */
  name?: string;
  permissions: string[];
  divisions?: Ref[];
}

/** What an endpoint asks of the caller, as the SDK's generated docs list it ("Requires ANY / ALL permissions"). */
export interface Requirement {
  any?: readonly string[];
  all?: readonly string[];
}

/** Thrown at start for a client role the sandbox cannot use (a bad permission, an unknown division). */
export class PermissionSpecError extends Error {
  override name = 'SeedError';
}

const SEGMENT = /^[A-Za-z][A-Za-z0-9_-]*$/;

/** Checks one granted permission: three segments, a concrete domain, `*` allowed for the entity and the action. */
export function checkPermission(permission: string): void {
  const parts = permission.split(':');
  const [domain, entity, action] = parts;
  const ok =
    parts.length === 3 &&
    domain !== undefined && SEGMENT.test(domain) &&
    entity !== undefined && (entity === '*' || SEGMENT.test(entity)) &&
    action !== undefined && (action === '*' || SEGMENT.test(action));
  if (!ok) throw new PermissionSpecError(`Permission ${JSON.stringify(permission)} is not domain:entity:action (the entity and the action may be *).`);
}

/** Whether a granted permission (maybe with wildcards) covers a required one. */
export function covers(granted: string, required: string): boolean {
  if (granted === required) return true;
  const g = granted.split(':');
  const r = required.split(':');
  if (g.length !== 3 || r.length !== 3) return false;
  return g[0] === r[0] && (g[1] === '*' || g[1] === r[1]) && (g[2] === '*' || g[2] === r[2]);
}

/** All divisions, as a grant's division (`*`) or as the division a check asks about. */
export const ALL_DIVISIONS = '*';

/** One client's roles, resolved against the org on every check (divisions can be created while it runs). */
export class Authorizer {
  constructor(
    private readonly org: SandboxOrg,
    private readonly roles: readonly ClientRole[],
  ) {}

  /** Checks the roles' permissions and divisions once, at start. */
  validate(clientId: string): void {
    for (const role of this.roles) {
      if (!Array.isArray(role.permissions)) throw new PermissionSpecError(`Client ${clientId}: a role needs a list of permissions.`);
      for (const permission of role.permissions) checkPermission(permission);
      for (const ref of role.divisions ?? []) {
        if (ref !== ALL_DIVISIONS && !this.org.divisions.resolve(ref)) throw new PermissionSpecError(`Client ${clientId}: division ${JSON.stringify(ref)} does not exist.`);
      }
    }
  }

  private inDivision(role: ClientRole, divisionId: string | undefined): boolean {
    const divisions = role.divisions ?? [ALL_DIVISIONS];
    if (divisions.includes(ALL_DIVISIONS)) return true;
    // Asked about no division in particular: a grant in any division will do (the endpoint-level check).
    if (divisionId === undefined) return divisions.length > 0;
    if (divisionId === ALL_DIVISIONS) return false;
    return divisions.some((ref) => this.org.divisions.resolve(ref)?.id === divisionId);
  }

  /**
   * Whether the client holds `permission` in `divisionId` (a grant in all divisions always counts),
   * in all divisions when `divisionId` is `*`, or in any division when it is undefined.
   */
  can(permission: string, divisionId?: string): boolean {
    return this.roles.some((role) => this.inDivision(role, divisionId) && role.permissions.some((p) => covers(p, permission)));
  }
}

const list = (permissions: readonly string[]) => `[${permissions.join(', ')}]`;

/**
 * The 403 an endpoint answers when the caller lacks its permissions, in any division. Codes and
 * messages as Genesys words them (gildas/go-gcloudcx `error.go`, and the bodies quoted in
 * MyPureCloud/terraform-provider-genesyscloud issues #277 and #1133: "API Error: 403 - Unable to
 * perform the requested action. You must have at least one of the following permissions assigned:
 * [journey:actionmap:view]"). `messageParams` carries the permission list (Terraform's
 * `util/util_diagnostics.go` reports it as the error's context).
 */
export function missingPermissions(requirement: Requirement, can: (permission: string) => boolean): HttpError | undefined {
  const all = requirement.all ?? [];
  const missing = all.filter((p) => !can(p));
  if (missing.length > 0) {
    return new HttpError(403, 'missing.permissions', `Unable to perform the requested action. You are missing the following permission(s): ${list(missing)}`, { permissions: missing.join(', ') });
  }
  const any = requirement.any ?? [];
  if (any.length > 0 && !any.some((p) => can(p))) {
    return new HttpError(403, 'missing.any.permissions', `Unable to perform the requested action. You must have at least one of the following permissions assigned: ${list(any)}`, { permissions: any.join(', ') });
  }
  return undefined;
}

/**
 * The 403 for an object in a division where the caller lacks the permission (it holds it elsewhere).
 * The code is one Genesys uses (`missing.division.permission`, seen in client error catalogues);
 * the message's wording is the sandbox's own.
 */
export function missingDivisionPermission(permissions: readonly string[], divisionId: string): HttpError {
  const where = divisionId === ALL_DIVISIONS ? 'all divisions' : `division ${divisionId}`;
  return new HttpError(
    403,
    'missing.division.permission',
    `Unable to perform the requested action. You must have at least one of the following permissions assigned in ${where}: ${list(permissions)}`,
    { permissions: permissions.join(', '), divisionId },
  );
}
