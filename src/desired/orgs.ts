// Several orgs in one provision.yaml: each org's settings resolved over the top-level ones, and the org a run works on chosen by name.
import path from 'node:path';
import type { CredentialNames, Issue, OrgConfig, ProvisionConfig, Source } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import { normalDomain, normalEmail } from '../rules/identity.js';
import type { Path } from './entry.js';
import { didYouMeanHint, issueAt } from './issues.js';

/** An org as provision.yaml writes it (already valid against the schema's `$defs/org`). */
export interface RawOrg {
  environment?: string;
  orgId?: string;
  credentials?: Partial<CredentialNames>;
  usersDir?: string | string[];
  phoneRegion?: string;
  users?: Partial<NonNullable<ProvisionConfig['users']>>;
  scope?: Partial<ProvisionConfig['scope']>;
  safety?: Partial<ProvisionConfig['safety']>;
  apply?: Partial<ProvisionConfig['apply']>;
  requestsPerMinute?: number;
}

/** The variables a single org reads; an org's `credentials:` replaces them one by one. */
export const DEFAULT_CREDENTIALS: CredentialNames = { clientId: 'GENESYS_CLIENT_ID', clientSecret: 'GENESYS_CLIENT_SECRET', environment: 'GENESYS_ENVIRONMENT' };

/** True when folder `inner` is `outer` or inside it: its files would be read twice, as duplicates of themselves. */
function contains(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Each org's settings: the top level's (already defaulted), with the org's own keys over them (scope, safety,
 * users and apply key by key). Problems (a phone region libphonenumber lacks, folders inside one another)
 * are returned positioned at the org's key.
 */
export function resolveOrgs(
  raw: Record<string, RawOrg>,
  top: ProvisionConfig,
  configDir: string,
  locate: (path: Path) => Source,
  isRegion: (code: string) => boolean,
): { orgs: Record<string, OrgConfig>; issues: Issue[] } {
  const orgs: Record<string, OrgConfig> = {};
  const issues: Issue[] = [];
  for (const [name, org] of Object.entries(raw)) {
    if (org.phoneRegion !== undefined && !isRegion(org.phoneRegion)) {
      issues.push(issueAt(locate(['orgs', name, 'phoneRegion']), 'error', 'invalid-phone-region', `"${org.phoneRegion}" is not a region libphonenumber knows.`, 'Use an ISO 3166 code such as US, GB, IE or DE.'));
    }
    const dirs = org.usersDir === undefined ? [top.usersDir] : (Array.isArray(org.usersDir) ? org.usersDir : [org.usersDir]).map((d) => path.resolve(configDir, d));
    for (const [i, outer] of dirs.entries()) {
      const nested = dirs.findIndex((inner, j) => j !== i && contains(outer, inner));
      if (nested >= 0) {
        const where = locate(Array.isArray(org.usersDir) ? ['orgs', name, 'usersDir', nested] : ['orgs', name, 'usersDir']);
        issues.push(issueAt(where, 'error', 'nested-users-dirs', `The users folders of org "${name}" overlap: ${dirs[nested]} is inside ${outer}, so its files would be read twice.`, 'List folders side by side, e.g. [users/shared, users/' + name + '].'));
        break;
      }
    }
    const resolved: OrgConfig = {
      org: name,
      usersDir: dirs[dirs.length - 1]!,
      usersDirs: dirs,
      scope: { ...top.scope, ...org.scope },
      safety: { ...top.safety, ...org.safety },
      apply: { ...top.apply, ...org.apply },
      users: { create: true, ...top.users, ...org.users },
      requestsPerMinute: org.requestsPerMinute ?? top.requestsPerMinute,
      credentials: { ...DEFAULT_CREDENTIALS, ...org.credentials },
    };
    resolved.safety.protectedUsers = resolved.safety.protectedUsers.map(normalEmail);
    resolved.scope.emailDomains = resolved.scope.emailDomains.map(normalDomain);
    const environment = org.environment ?? top.environment;
    if (environment !== undefined) resolved.environment = environment;
    const phoneRegion = org.phoneRegion ?? top.phoneRegion;
    if (phoneRegion !== undefined) resolved.phoneRegion = phoneRegion;
    if (org.orgId !== undefined) resolved.orgId = org.orgId;
    // Personas are one table for every org: the top level's folder, and provision.yaml's own `personas:`.
    if (top.personasDir !== undefined) resolved.personasDir = top.personasDir;
    if (top.configFile !== undefined) resolved.configFile = top.configFile;
    orgs[name] = resolved;
  }
  return { orgs, issues };
}

/** The org names provision.yaml declares, in its order; empty when it names none. */
export function orgNames(config: ProvisionConfig): string[] {
  return Object.keys(config.orgs ?? {});
}

/**
 * The settings of the run on org `name` (`--org`). Without `orgs:`, no `--org` is the one org and a name is an
 * error; with `orgs:`, an unknown name is an error with a did-you-mean, and no name picks the only org, or
 * is an error when there are several (`all` says `--all` may be used instead).
 */
export function selectOrg(config: ProvisionConfig, name: string | undefined, options: { allowAll?: boolean } = {}): ProvisionConfig {
  const names = orgNames(config);
  if (names.length === 0) {
    if (name === undefined) return config;
    throw new ProvisionError('unknown-org', `--org ${name}: provision.yaml names no orgs.`, {
      hint: 'Declare the orgs under `orgs:` in provision.yaml (see "Several orgs" in the README), or leave --org out to use the one org.',
    });
  }
  const listed = names.join(', ');
  if (name === undefined) {
    if (names.length === 1) return config.orgs![names[0]!]!;
    throw new ProvisionError('org-required', `provision.yaml names ${names.length} orgs (${listed}): say which with --org NAME${options.allowAll ? ', or --all for every org' : ''}.`, {
      hint: `For example: --org ${names[0]}. Nothing was read or changed.`,
    });
  }
  const org = config.orgs![name];
  if (org) return org;
  const guess = didYouMeanHint(name, names);
  throw new ProvisionError('unknown-org', `--org ${name}: provision.yaml names no org "${name}".${guess ? ` ${guess}` : ''}`, { hint: `Its orgs: ${listed}.` });
}

/** The settings of every org, for `--all` (the one org when provision.yaml names none). */
export function allOrgs(config: ProvisionConfig): ProvisionConfig[] {
  const names = orgNames(config);
  return names.length === 0 ? [config] : names.map((n) => config.orgs![n]!);
}
