// The defaults of provision.yaml in one place: the config loader fills them in, and the planner reads them from the config alone.
import type { ApplyConfig, SafetyConfig, ScopeConfig } from '../model/index.js';

/** `usersDir`: the folder of the users files, relative to the config file. */
export const DEFAULT_USERS_DIR = 'users';
/** Personas files' folder, beside provision.yaml. */
export const DEFAULT_PERSONAS_DIR = 'personas';

/** `requestsPerMinute`: Genesys Cloud's limit for one OAuth client unless it was raised. */
export const DEFAULT_REQUESTS_PER_MINUTE = 300;

/**
 * The admin roles guarded by `last-admin`, under both names the org's all-permissions role goes by:
 * `admin` (the name Genesys's help gives it, and the one the Terraform provider's tests look up in
 * real orgs) and `Master Admin` (how the admin UI may show it). Names are compared without regard to
 * case, and a name the org does not have guards nothing, so listing both costs nothing.
 */
export const DEFAULT_ADMIN_ROLES: readonly string[] = ['Master Admin', 'admin'];

/** `scope`: only declared users are managed; never prune unless asked. */
export function defaultScope(): ScopeConfig {
  return { divisions: [], emailDomains: [], prune: false };
}

/** `safety`: the thresholds a plan must keep. Fresh arrays each call: no caller can change another's. */
export function defaultSafety(): SafetyConfig {
  return { maxDeactivations: 10, maxDeactivationPercent: 10, protectedUsers: [], adminRoles: [...DEFAULT_ADMIN_ROLES] };
}

/** `apply`: operations in flight at once. */
export function defaultApply(): ApplyConfig {
  return { concurrency: 8 };
}
