// The settings in provision.yaml, after defaults are applied.

export interface ScopeConfig {
  /** Divisions (names) whose undeclared users are managed. */
  divisions: string[];
  /** Email domains whose undeclared users are managed. */
  emailDomains: string[];
  /** Deactivate in-scope users that are not declared in git. Off unless set. */
  prune: boolean;
}

export interface SafetyConfig {
  /** Most deactivations one plan may contain. */
  maxDeactivations: number;
  /** Most deactivations, as a percentage of managed users. */
  maxDeactivationPercent: number;
  /** Emails that never lose roles and are never deactivated. */
  protectedUsers: string[];
  /** Role names whose last holder may not lose the role. */
  adminRoles: string[];
}

export interface ApplyConfig {
  /** Requests in flight at once during apply. */
  concurrency: number;
}

export interface UsersConfig {
  /**
   * Create (and restore) declared users the org lacks. Off, provision adopts only: it manages the fields the
   * files name on users that exist (say, provisioned by an identity provider through SCIM) and lists the
   * others as waiting. On unless set; a users file's own `create:` wins for its users.
   */
  create: boolean;
}

export interface ProvisionConfig {
  /** `mypurecloud.com`, `mypurecloud.ie`, … or a loopback `http://host:port` URL (others only with --allow-custom-environment); the environment variable wins. */
  environment?: string;
  /** Folder of the desired users, relative to the config file. */
  usersDir: string;
  /** ISO 3166 region used to read phone numbers written without a country code. */
  phoneRegion?: string;
  scope: ScopeConfig;
  safety: SafetyConfig;
  apply: ApplyConfig;
  /** How declared users are treated; absent reads as the defaults (`create: true`). */
  users?: UsersConfig;
  /** Requests per minute the OAuth client may make (learned from the API's headers when they say otherwise). */
  requestsPerMinute: number;
  /** The folder of personas files (default `personas` beside provision.yaml). */
  personasDir?: string;
  /** The config file read, when one was: its `personas:` are read with the users files. */
  configFile?: string;
  /** The orgs provision.yaml names under `orgs:`, each with the top-level settings it inherits resolved; absent when it names none. */
  orgs?: Record<string, OrgConfig>;
  /** The org this run works on (`--org`); set only when provision.yaml names orgs. */
  org?: string;
  /** The selected org's users folders (a shared one and its own, say), absolute; `usersDir` is the last (its own). */
  usersDirs?: string[];
  /** Names of the environment variables holding the selected org's credentials; GENESYS_* when absent. */
  credentials?: CredentialNames;
  /** The Genesys Cloud org id the selected org's credentials must reach (a guard against a client of another org). */
  orgId?: string;
}

/** Environment variables that hold an org's OAuth client and, optionally, its environment. */
export interface CredentialNames {
  clientId: string;
  clientSecret: string;
  /** Wins over the org's `environment`, as GENESYS_ENVIRONMENT does for a single org. */
  environment?: string;
}

/** One org of `orgs:`: the whole settings of a run on it, with `org` and `usersDirs` always set. */
export type OrgConfig = Omit<ProvisionConfig, 'orgs'> & { org: string; usersDirs: string[] };
