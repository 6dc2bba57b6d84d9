// The steps plan, apply and export share: load the config, reach the org (Genesys Cloud or the sandbox), make a plan.
import type { Connection } from '../genesys/index.js';
import type { DesiredState, Issue, Plan, ProvisionConfig } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import { colorsFor, formatIssue } from './output.js';

export interface OpenOptions {
  /** Use the local sandbox (the demo org, kept in DEMO_STATE_FILE) instead of GENESYS_* credentials. */
  sandbox: boolean;
  /** Path of provision.yaml. */
  config: string;
  /** The config file was named on the command line, so it must exist. */
  configRequired?: boolean;
  /** --no-color: the warnings logged while planning stay plain. */
  noColor?: boolean;
  /** --allow-custom-environment: the credentials may go to an `http://host:port` that is not loopback (never in CI). */
  allowCustomEnvironment?: boolean;
  /** --org: the org of provision.yaml's `orgs:` to work on (see selectOrg). */
  org?: string;
  /** The settings already loaded (and the org selected) by the caller, e.g. each org of `plan --all`. */
  loaded?: ProvisionConfig;
  log: (line: string) => void;
}

export interface Opened {
  connection: Connection;
  config: ProvisionConfig;
  /** Stops the sandbox when one was started; safe to call once the work is done or has failed. */
  close(): Promise<void>;
}

export interface Planned extends Opened {
  plan: Plan;
  desired: DesiredState;
}

async function loadConfigOf(options: OpenOptions): Promise<ProvisionConfig> {
  if (options.loaded) return options.loaded;
  const { loadConfig, selectOrg } = await import('../desired/index.js');
  return selectOrg(await loadConfig(options.config, { required: options.configRequired === true }), options.org);
}

/** Connects to the org the options name; the SDK is loaded only here. */
async function connectTo(config: ProvisionConfig, options: OpenOptions): Promise<Opened> {
  // Missing credentials are reported before the SDK is loaded.
  const { describeEnvironment, settingsFromEnv } = await import('../genesys/settings.js');
  const names = config.org !== undefined && config.credentials ? { org: config.org, ...config.credentials } : undefined;
  const settings = options.sandbox ? undefined : { ...settingsFromEnv(process.env, config.environment, { allowCustomEnvironment: options.allowCustomEnvironment === true }, names), requestsPerMinute: config.requestsPerMinute };
  const { connect } = await import('../genesys/index.js');
  const retryLog = (line: string): void => options.log(`  ${line}`);
  if (settings) {
    options.log(`Connecting to ${config.org !== undefined ? `org ${config.org} in ` : ''}${describeEnvironment(settings.environment)}…`);
    const connection = await connect(settings, { log: retryLog });
    return { connection, config, close: async () => undefined };
  }
  const { DEMO_STATE_FILE: SINGLE_STATE_FILE, startDemoSandbox } = await import('../sandbox/index.js');
  const { demoStateFile } = await import('./orgs.js');
  // Each org has its own demo org (its own id, name and state file), as each real org is separate.
  const DEMO_STATE_FILE = config.org !== undefined ? demoStateFile(config.org) : SINGLE_STATE_FILE;
  let sandbox: Awaited<ReturnType<typeof startDemoSandbox>>;
  try {
    sandbox = await startDemoSandbox({ port: 0, host: '127.0.0.1', usersDir: config.usersDirs?.[0] ?? config.usersDir, ...(config.org !== undefined ? { statePath: DEMO_STATE_FILE, org: config.org } : {}) });
  } catch (error) {
    const err = error as Error;
    if (err.name === 'StateSaveError') throw unsaved(err, DEMO_STATE_FILE);
    if (err.name !== 'SeedError' && !(err instanceof SyntaxError)) throw error;
    throw new ProvisionError('sandbox-state-invalid', `The sandbox org in ${DEMO_STATE_FILE} cannot be loaded: ${err.message}.`, {
      hint: `Delete ${DEMO_STATE_FILE} to start again from the demo org.`,
    });
  }
  try {
    const client = sandbox.clients[0];
    if (!client) throw new ProvisionError('sandbox-failed', 'The sandbox started without an OAuth client.');
    options.log(`Using the local sandbox org "${sandbox.org.name}" (kept in ${DEMO_STATE_FILE}; delete that file to start over).`);
    const connection = await connect(
      { environment: sandbox.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: config.requestsPerMinute },
      { log: retryLog },
    );
    return {
      connection,
      config,
      close: () =>
        sandbox.stop().catch((error: Error) => {
          throw error.name === 'StateSaveError' ? unsaved(error, DEMO_STATE_FILE) : error;
        }),
    };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}

/** The sandbox's state file could not be written: the user's folder, not a bug. */
export function unsaved(error: Error, statePath: string): ProvisionError {
  return new ProvisionError('sandbox-state-unwritable', `${error.message.charAt(0).toUpperCase()}${error.message.slice(1)}.`, {
    hint: `Make ${statePath} writable (its folder must be a folder, with room on the disk), or pick another file.`,
  });
}

/** Reaches the org without planning (export, and apply of a saved plan). */
export async function openTarget(options: OpenOptions): Promise<Opened> {
  return connectTo(await loadConfigOf(options), options);
}

function errorsIn(issues: readonly Issue[]): Issue[] {
  return issues.filter((i) => i.severity === 'error');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Validates users/ (before any network call), reads what the plan needs from the org and builds the
 * plan. Invalid files or names the org does not know stop here with every problem listed: a plan
 * made from part of users/ could read as removals.
 */
export async function makePlan(options: OpenOptions & { allowUnsafe: boolean; showUnmanaged?: boolean }): Promise<Planned> {
  const config = await loadConfigOf(options);
  const { loadDesired } = await import('../desired/index.js');
  const desired = await loadDesired([], config);
  const c = colorsFor(process.stderr, process.env, options.noColor === true);
  const invalid = errorsIn(desired.issues);
  if (invalid.length > 0 || desired.failedFiles.length > 0) {
    throw new ProvisionError('invalid-users', `users/ has ${plural(invalid.length, 'error')}: no plan was made.`, {
      issues: desired.issues,
      hint: 'Fix them (`provision validate` lists the same), then plan again.',
    });
  }
  for (const warning of desired.issues) options.log(formatIssue(warning, c));

  const { buildPlan, readRequestFor } = await import('../plan/index.js');
  const opened = await connectTo(config, options);
  try {
    const org = await opened.connection.reader.readOrg(readRequestFor(desired, config), (message) => options.log(c.dim(`  reading ${message}…`)));
    const { checkOrgId } = await import('./orgs.js');
    checkOrgId(config, org.target);
    const { plan, errors } = buildPlan({ desired, org, config, allowUnsafe: options.allowUnsafe, showUnmanaged: options.showUnmanaged === true });
    if (errors.length > 0) {
      const which = config.org !== undefined ? `org ${config.org} ("${org.target.orgName}")` : `the org "${org.target.orgName}"`;
      throw new ProvisionError('unresolved-references', `${plural(errors.length, 'reference')} in users/ do not match ${which}: no plan was made.`, {
        issues: errors,
        hint: 'Fix the names in users/ (or create what is missing in the org first), then plan again.',
      });
    }
    return { ...opened, plan, desired };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
