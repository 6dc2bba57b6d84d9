// Reads provision.yaml: validated by its schema, every key defaulted, usersDir resolved next to the file.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Issue, ProvisionConfig } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import { DEFAULT_PERSONAS_DIR, DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_USERS_DIR, defaultApply, defaultSafety, defaultScope } from '../rules/defaults.js';
import { normalDomain, normalEmail } from '../rules/identity.js';
import { displayPath } from './files.js';
import { resolveOrgs } from './orgs.js';
import type { RawOrg } from './orgs.js';
import { issueAt } from './issues.js';
import { libphonenumber } from './normalise.js';
import { schemaIssues, validators } from './schema.js';
import { readYamlValue } from './yaml-file.js';

/** The settings used when provision.yaml is absent or silent. */
export function defaultConfig(configDir: string): ProvisionConfig {
  return {
    usersDir: path.resolve(configDir, DEFAULT_USERS_DIR),
    personasDir: path.resolve(configDir, DEFAULT_PERSONAS_DIR),
    scope: defaultScope(),
    safety: defaultSafety(),
    apply: defaultApply(),
    users: { create: true },
    requestsPerMinute: DEFAULT_REQUESTS_PER_MINUTE,
  };
}

type Raw = {
  environment?: string;
  usersDir?: string;
  phoneRegion?: string;
  scope?: Partial<ProvisionConfig['scope']>;
  safety?: Partial<ProvisionConfig['safety']>;
  apply?: Partial<ProvisionConfig['apply']>;
  users?: Partial<NonNullable<ProvisionConfig['users']>>;
  requestsPerMinute?: number;
  personasDir?: string;
  orgs?: Record<string, RawOrg>;
};

/**
 * Loads the config file. A missing file gives the defaults (or `config-not-found` when required);
 * an invalid one throws `invalid-config` with every problem positioned.
 */
export async function loadConfig(file: string, options: { required?: boolean } = {}): Promise<ProvisionConfig> {
  const absolute = path.resolve(file);
  const dir = path.dirname(absolute);
  const shown = displayPath(absolute, process.cwd());
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOENT' || code === 'ENOTDIR') && !options.required) return defaultConfig(dir);
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ProvisionError('config-not-found', `The config file ${shown} does not exist.`, { hint: 'Create it (see provision.yaml in the README) or pass --config <file>.' });
    }
    throw new ProvisionError('invalid-config', `The config file ${shown} cannot be read (${code ?? 'unknown error'}).`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = readYamlValue(shown, text);
  const issues: Issue[] = [...parsed.issues];
  const fail = (): never => {
    throw new ProvisionError('invalid-config', `The config file ${shown} is invalid.`, { issues, hint: 'See schemas/config.schema.json for every setting.' });
  };
  if (parsed.failed) fail();
  const value = parsed.value ?? {};
  // Emails are compared normalised; normalising first keeps " Boss@Acme.com" from failing the format check.
  const orgValues = (value as Raw).orgs !== null && typeof (value as Raw).orgs === 'object' ? Object.values((value as Raw).orgs ?? {}) : [];
  for (const holder of [value as Raw, ...orgValues]) {
    const protectedUsers = holder?.safety?.protectedUsers;
    if (Array.isArray(protectedUsers)) holder.safety!.protectedUsers = protectedUsers.map((e: unknown) => (typeof e === 'string' ? normalEmail(e) : e)) as string[];
  }
  const validate = validators().config;
  if (!validate(value)) issues.push(...schemaIssues(validate.errors ?? [], parsed.locate));
  if (issues.some((i) => i.severity === 'error')) fail();
  const raw = value as Raw;
  if (raw.phoneRegion !== undefined && !libphonenumber().isSupportedCountry(raw.phoneRegion)) {
    issues.push(issueAt(parsed.locate(['phoneRegion']), 'error', 'invalid-phone-region', `"${raw.phoneRegion}" is not a region libphonenumber knows.`, 'Use an ISO 3166 code such as US, GB, IE or DE.'));
    fail();
  }
  const defaults = defaultConfig(dir);
  const config: ProvisionConfig = {
    usersDir: raw.usersDir !== undefined ? path.resolve(dir, raw.usersDir) : defaults.usersDir,
    personasDir: raw.personasDir !== undefined ? path.resolve(dir, raw.personasDir) : defaults.personasDir,
    scope: { ...defaults.scope, ...raw.scope },
    safety: { ...defaults.safety, ...raw.safety },
    apply: { ...defaults.apply, ...raw.apply },
    users: { create: true, ...raw.users },
    requestsPerMinute: raw.requestsPerMinute ?? defaults.requestsPerMinute,
  };
  config.safety.protectedUsers = config.safety.protectedUsers.map(normalEmail);
  config.scope.emailDomains = config.scope.emailDomains.map(normalDomain);
  if (raw.environment !== undefined) config.environment = raw.environment;
  if (raw.phoneRegion !== undefined) config.phoneRegion = raw.phoneRegion;
  // Its `personas:` are read (with positions) and checked with the users files, every problem at once.
  if ((value as { personas?: unknown }).personas !== undefined) config.configFile = absolute;
  if (raw.orgs !== undefined) {
    const resolved = resolveOrgs(raw.orgs, config, dir, parsed.locate, (code) => libphonenumber().isSupportedCountry(code));
    issues.push(...resolved.issues);
    if (issues.length > 0) fail();
    config.orgs = resolved.orgs;
  }
  return config;
}
