// Genesys Cloud connection settings from the environment: credentials, region names and hosts (no SDK import).
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

/**
 * Normalises a region name (`eu-west-1`, `eu_west_1`), a host (`mypurecloud.ie`,
 * `api.mypurecloud.ie`, `https://login.mypurecloud.ie/`) or an `http://host:port` URL.
 */
export function resolveEnvironment(raw: string, origin: string): string {
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
    return `http://${url.hostname}:${url.port}`;
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
    hint: `Known environments: ${[...HOSTS].join(', ')} (or their region names such as eu-west-1), or http://host:port for the sandbox.`,
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
export function settingsFromEnv(env: NodeJS.ProcessEnv, configEnvironment?: string): GenesysSettings {
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
    environment: resolveEnvironment(environment.value, environment.name),
    clientId: id.value,
    clientSecret: secret.value,
  };
  return settings;
}

/** A short description for messages: `mypurecloud.ie` or `sandbox http://127.0.0.1:1234`. */
export function describeEnvironment(environment: string): string {
  return isLocalUrl(environment) ? `sandbox ${environment}` : environment;
}
