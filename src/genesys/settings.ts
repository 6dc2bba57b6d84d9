// Genesys Cloud connection settings from the environment: credentials, region names and hosts, where credentials may go (no SDK import).
import { closest, distance } from 'fastest-levenshtein';
import { ProvisionError } from '../model/errors.js';

export interface GenesysSettings {
  /** A region host such as `mypurecloud.ie`, or an `http://host:port` URL (the sandbox). */
  environment: string;
  clientId: string;
  clientSecret: string;
  /** Requests per minute allowed to the OAuth client (300 unless Genesys raised it). */
  requestsPerMinute?: number;
  /** Per-request timeout in milliseconds (16 s by default, as in the SDK). */
  timeoutMs?: number;
}

/**
 * The SDK's `PureCloudRegionHosts`, copied as data so that this file never loads the SDK
 * (`provision validate` and `--help` must stay light). Keys use dashes, as AWS region names do.
 */
export const REGION_HOSTS: Readonly<Record<string, string>> = {
  'us-east-1': 'mypurecloud.com',
  'eu-west-1': 'mypurecloud.ie',
  'ap-southeast-2': 'mypurecloud.com.au',
  'ap-northeast-1': 'mypurecloud.jp',
  'eu-central-1': 'mypurecloud.de',
  'us-west-2': 'usw2.pure.cloud',
  'ca-central-1': 'cac1.pure.cloud',
  'ap-northeast-2': 'apne2.pure.cloud',
  'eu-west-2': 'euw2.pure.cloud',
  'ap-south-1': 'aps1.pure.cloud',
  'us-east-2': 'use2.us-gov-pure.cloud',
  'sa-east-1': 'sae1.pure.cloud',
  'me-central-1': 'mec1.pure.cloud',
  'ap-northeast-3': 'apne3.pure.cloud',
  'eu-central-2': 'euc2.pure.cloud',
  'mx-central-1': 'mxc1.pure.cloud',
  'ap-southeast-1': 'apse1.pure.cloud',
  'eusc-de-east-1': 'edee1.eusc-pure.cloud',
};

const HOSTS = new Set(Object.values(REGION_HOSTS));

/** True for the `http://host:port` form that points at a local server (the sandbox). */
export function isLocalUrl(environment: string): boolean {
  return /^http:\/\//i.test(environment);
}

/** What may receive the credentials besides the Genesys Cloud regions and loopback addresses. */
export interface EnvironmentPolicy {
  /** `--allow-custom-environment`: send the credentials to another `http://host:port` on purpose (never in CI). */
  allowCustomEnvironment?: boolean;
}

/** localhost, 127.0.0.0/8 and ::1, as a WHATWG URL writes a hostname (lower case, IPv4 in full, IPv6 in brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  return octets !== null && octets[1] === '127' && octets.slice(2).every((o) => Number(o) <= 255);
}

/** A CI run: GitHub Actions (and most CI services) set CI=true. */
export function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}

const ALLOWED_HINT = `Use a Genesys Cloud region host (${[...HOSTS].join(', ')}) or region name (eu-west-1, us-east-1, …), or http://localhost:PORT, http://127.0.0.1:PORT or http://[::1]:PORT for the sandbox.`;

/**
 * The credentials follow the environment, and provision.yaml can be edited in any pull request: another server
 * than a region or loopback needs --allow-custom-environment, and is refused in CI whatever the options.
 */
function checkCustomServer(url: string, origin: string, env: NodeJS.ProcessEnv, policy: EnvironmentPolicy): void {
  const what = `${origin} "${url}" is neither a Genesys Cloud region nor a loopback address`;
  if (!policy.allowCustomEnvironment) {
    throw new ProvisionError('environment-not-allowed', `${what}: the OAuth client id and secret would be sent there. Nothing was sent.`, {
      hint: `${ALLOWED_HINT} To send the credentials to another server on purpose, pass --allow-custom-environment (refused in CI).`,
    });
  }
  if (isCi(env)) {
    throw new ProvisionError(
      'environment-not-allowed',
      `${what}, and CI=${env.CI?.trim()}: provision never sends credentials to another server in CI, even with --allow-custom-environment. Nothing was sent.`,
      { hint: ALLOWED_HINT },
    );
  }
}

/**
 * Normalises a region name (`eu-west-1`, `eu_west_1`), a host (`mypurecloud.ie`,
 * `api.mypurecloud.ie`, `https://login.mypurecloud.ie/`) or an `http://host:port` URL. An `http://` URL
 * that is not loopback passes only as `policy` and `env` allow (see checkCustomServer).
 */
export function resolveEnvironment(raw: string, origin: string, env: NodeJS.ProcessEnv = {}, policy: EnvironmentPolicy = {}): string {
  const value = raw.trim();
  if (isLocalUrl(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ProvisionError('unknown-environment', `${origin} "${value}" is not a valid URL.`, {
        hint: 'Use a region host such as mypurecloud.ie, a region name such as eu-west-1, or http://host:port for the sandbox.',
      });
    }
    if (!url.port) {
      throw new ProvisionError('unknown-environment', `${origin} "${value}" has no port.`, { hint: 'Write it as http://host:port, e.g. http://127.0.0.1:8787.' });
    }
    const resolved = `http://${url.hostname}:${url.port}`;
    if (!isLoopbackHost(url.hostname)) checkCustomServer(resolved, origin, env, policy);
    return resolved;
  }
  const lowered = value.toLowerCase().replace(/\/+$/, '');
  const region = lowered.replace(/_/g, '-');
  const mapped = REGION_HOSTS[region];
  if (mapped) return mapped;
  const host = lowered.replace(/^https:\/\//, '').replace(/^(api|login|apps)\./, '');
  if (HOSTS.has(host)) return host;
  const candidates = [...HOSTS, ...Object.keys(REGION_HOSTS)];
  const guess = closest(host, candidates);
  const near = distance(host, guess) <= Math.max(2, Math.floor(guess.length / 4));
  throw new ProvisionError('unknown-environment', `${origin} "${value}" is not a Genesys Cloud environment.${near ? ` Did you mean "${guess}"?` : ''}`, {
    hint: `Known environments: ${[...HOSTS].join(', ')} (or their region names such as eu-west-1), or http://127.0.0.1:PORT for the sandbox.`,
  });
}

function pick(env: NodeJS.ProcessEnv, names: string[]): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * Reads credentials and the environment. `GENESYS_*` names win over Terraform's
 * `GENESYSCLOUD_*` names; the environment variable wins over provision.yaml's `environment`.
 */
export function settingsFromEnv(env: NodeJS.ProcessEnv, configEnvironment?: string, policy: EnvironmentPolicy = {}, names?: OrgVariables): GenesysSettings {
  if (names) return orgSettingsFromEnv(env, configEnvironment, policy, names);
  const id = pick(env, ['GENESYS_CLIENT_ID', 'GENESYSCLOUD_OAUTHCLIENT_ID']);
  const secret = pick(env, ['GENESYS_CLIENT_SECRET', 'GENESYSCLOUD_OAUTHCLIENT_SECRET']);
  const fromEnv = pick(env, ['GENESYS_ENVIRONMENT', 'GENESYSCLOUD_REGION']);
  const environment = fromEnv ?? (configEnvironment?.trim() ? { name: 'environment in provision.yaml', value: configEnvironment.trim() } : undefined);
  const missing: string[] = [];
  if (!id) missing.push('GENESYS_CLIENT_ID');
  if (!secret) missing.push('GENESYS_CLIENT_SECRET');
  if (!environment) missing.push('GENESYS_ENVIRONMENT');
  if (missing.length > 0 || !id || !secret || !environment) {
    const alternatives: Record<string, string> = {
      GENESYS_CLIENT_ID: 'GENESYSCLOUD_OAUTHCLIENT_ID',
      GENESYS_CLIENT_SECRET: 'GENESYSCLOUD_OAUTHCLIENT_SECRET',
      GENESYS_ENVIRONMENT: 'GENESYSCLOUD_REGION',
    };
    const list = missing.join(', ');
    const verb = missing.length === 1 ? 'is' : 'are';
    const also = missing.map((name) => `${name} (or ${alternatives[name]})`).join(', ');
    const envHint = missing.includes('GENESYS_ENVIRONMENT') ? ' The environment may also be set as `environment:` in provision.yaml, e.g. mypurecloud.ie.' : '';
    throw new ProvisionError('missing-credentials', `${list} ${verb} not set.`, {
      hint: `Set ${also} to an OAuth client-credentials client of the org.${envHint} Or try the local sandbox with --sandbox.`,
    });
  }
  const settings: GenesysSettings = {
    environment: resolveEnvironment(environment.value, environment.name, env, policy),
    clientId: id.value,
    clientSecret: secret.value,
  };
  return settings;
}

/** The variables of one org of provision.yaml's `orgs:` (its `credentials:`, GENESYS_* by default). */
export interface OrgVariables {
  /** The org's name, for messages. */
  org: string;
  clientId: string;
  clientSecret: string;
  environment?: string;
}

/**
 * An org of `orgs:` reads exactly the variables it names (no Terraform aliases: a second org's client must never
 * be picked up by falling back to another name); its variable for the environment wins over its `environment`.
 */
function orgSettingsFromEnv(env: NodeJS.ProcessEnv, configEnvironment: string | undefined, policy: EnvironmentPolicy, names: OrgVariables): GenesysSettings {
  const id = pick(env, [names.clientId]);
  const secret = pick(env, [names.clientSecret]);
  const fromEnv = names.environment ? pick(env, [names.environment]) : undefined;
  const environment = fromEnv ?? (configEnvironment?.trim() ? { name: `environment of org "${names.org}" in provision.yaml`, value: configEnvironment.trim() } : undefined);
  const missing = [...(id ? [] : [names.clientId]), ...(secret ? [] : [names.clientSecret]), ...(environment ? [] : [names.environment ?? 'environment'])];
  if (!id || !secret || !environment) {
    throw new ProvisionError('missing-credentials', `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set for org "${names.org}".`, {
      hint: `Set them to an OAuth client-credentials client of org "${names.org}" (the names come from its \`credentials:\` in provision.yaml), and its \`environment:\`. Or try the local sandbox with --sandbox.`,
    });
  }
  return { environment: resolveEnvironment(environment.value, environment.name, env, policy), clientId: id.value, clientSecret: secret.value };
}

/** A short description for messages: `mypurecloud.ie`, `sandbox http://127.0.0.1:1234` or `custom server http://…`. */
export function describeEnvironment(environment: string): string {
  if (!isLocalUrl(environment)) return environment;
  let loopback = false;
  try {
    loopback = isLoopbackHost(new URL(environment).hostname);
  } catch {
    loopback = false;
  }
  return loopback ? `sandbox ${environment}` : `custom server ${environment}`;
}
