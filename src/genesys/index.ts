// Connects to Genesys Cloud through the SDK (its own ApiClient, resilient HTTP client) and hands out the reader and writer.
import platformClient from 'purecloud-platform-client-v2';
import type { OrgWriter } from '../model/apply.js';
import type { OrgReader, OrgTarget } from '../model/org.js';
import { apisFor, guarded } from './apis.js';
import { realClock, type Clock } from './clock.js';
import { Redactor } from './errors.js';
import { ResilientHttpClient, type ClientStats, type RetryPolicy, type TokenSource } from './http.js';
import { pacerFor } from './pacer.js';
import { GenesysReader } from './reader.js';
import { isLocalUrl, type GenesysSettings } from './settings.js';
import { GenesysWriter } from './writer.js';

export type { Clock } from './clock.js';
export type { ClientStats } from './http.js';
export type { GenesysSettings } from './settings.js';

export interface Connection {
  reader: OrgReader;
  writer: OrgWriter;
  stats(): ClientStats;
  target(): Promise<OrgTarget>;
}

export interface ConnectOptions {
  /** Lines about retries, waits and re-authentication (stderr in the CLI). */
  log?: (line: string) => void;
  /** Retry timings; the defaults suit Genesys (tests shorten them). */
  retry?: RetryPolicy;
  /** The clock of pacing, retries and token expiry: the real one unless a test moves its own. */
  clock?: Clock;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 300;
export const DEFAULT_TIMEOUT_MS = 16_000;

/**
 * Logs in once and renews the token shortly before it expires or after a 401, with a single login
 * in flight however many requests ask at once.
 */
class ClientCredentials implements TokenSource {
  private token = '';
  private expiresAt = 0;
  private margin = 0;
  private pending: Promise<string> | undefined;
  private logins = 0;

  constructor(
    private readonly client: platformClient.ApiClientClass,
    private readonly settings: GenesysSettings,
    private readonly redactor: Redactor,
    private readonly stats: ClientStats,
    private readonly clock: Clock,
    private readonly log?: (line: string) => void,
  ) {}

  /** The token is used until a margin before its expiry, so that no request carries it past the end. */
  private fresh(): boolean {
    return this.token !== '' && this.clock.now() < this.expiresAt - this.margin;
  }

  current(): Promise<string> {
    if (this.fresh()) return Promise.resolve(this.token);
    return this.login();
  }

  renew(refused: string): Promise<string> {
    if (this.token !== refused && this.fresh()) return Promise.resolve(this.token);
    return this.login();
  }

  login(): Promise<string> {
    this.pending ??= (async () => {
      try {
        if (this.logins > 0) {
          this.stats.reauthentications += 1;
          this.log?.('logging in again (token expired or refused)');
        }
        this.logins += 1;
        const auth = await guarded(this.redactor, 'log in', () => this.client.loginClientCredentialsGrant(this.settings.clientId, this.settings.clientSecret));
        this.redactor.add(auth.accessToken);
        this.token = auth.accessToken;
        // The SDK stamps the expiry on the wall clock (answer time + expires_in): read it back as a lifetime at once,
        // then count that lifetime on our clock.
        const lifetime = auth.tokenExpiryTime ? Math.max(0, auth.tokenExpiryTime - Date.now()) : 3_600_000;
        this.expiresAt = this.clock.now() + lifetime;
        // Renew a little before expiry: a tenth of the lifetime, at most a minute.
        this.margin = Math.min(60_000, lifetime / 10);
        return this.token;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }
}

/** Points a fresh ApiClient at the environment, ignoring any ~/.genesyscloudjavascript/config. */
function configure(client: platformClient.ApiClientClass, environment: string): void {
  client.config.live_reload_config = false;
  // The config file may have switched on logging (with headers) or set a gateway: undo both.
  const logger = client.config.logger;
  logger.log_level = 'none';
  logger.log_to_console = false;
  logger.log_file_path = '';
  logger.log_request_body = false;
  logger.log_response_body = false;
  logger.setLogger();
  // The SDK formats (and deep-copies) a log entry for every call even when nothing is logged.
  (logger as unknown as { log: () => void }).log = () => undefined;
  if (isLocalUrl(environment)) {
    const url = new URL(environment);
    client.setGateway({ protocol: 'http', host: url.hostname, port: Number(url.port) });
    return;
  }
  client.setGateway(undefined as unknown as Parameters<typeof client.setGateway>[0]);
  client.setEnvironment(environment);
}

export async function connect(settings: GenesysSettings, options: ConnectOptions = {}): Promise<Connection> {
  const client = new platformClient.ApiClientClass();
  configure(client, settings.environment);
  const redactor = new Redactor();
  redactor.add(settings.clientSecret);
  redactor.add(Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64'));
  const stats: ClientStats = { calls: 0, retries: 0, rateLimited: 0, reauthentications: 0 };
  const clock = options.clock ?? realClock;
  const tokens = new ClientCredentials(client, settings, redactor, stats, clock, options.log);
  client.setHttpClient(
    new ResilientHttpClient({
      timeoutMs: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      pacer: pacerFor(settings.environment, settings.clientId, settings.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE, clock),
      redactor,
      stats,
      tokens,
      retry: options.retry,
      log: options.log,
      clock,
    }),
  );
  await tokens.login();
  const apis = apisFor(client);

  let known: OrgTarget | undefined;
  let homeDivision: Promise<string | undefined> | undefined;
  const remember = (target: OrgTarget, homeDivisionId: string) => {
    known = target;
    homeDivision ??= Promise.resolve(homeDivisionId);
  };
  const reader = new GenesysReader(apis, redactor, settings.environment, remember);
  // The home division: what the reader found, else read once (however many creates ask at the same time).
  const writer = new GenesysWriter(apis, redactor, () => {
    homeDivision ??= guarded(redactor, 'read the home division', () => apis.authorization.getAuthorizationDivisionsHome()).then((home) => home.id);
    homeDivision.catch(() => {
      homeDivision = undefined;
    });
    return homeDivision;
  });
  return {
    reader,
    writer,
    stats: () => ({ ...stats }),
    target: async () => {
      known ??= await reader.target();
      return known;
    },
  };
}
