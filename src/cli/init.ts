// The work of `provision init` (declared in commands.ts): sets up a repository of users (config, example or exported users, .gitignore, workflows) and says what to do next.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';
import type { InitFile } from '../init/index.js';
import { log } from './output.js';

export interface InitFlags {
  usersDir: string;
  environment: string;
  fromOrg?: boolean;
  sandbox?: boolean;
  force?: boolean;
  action?: string;
  branch: string;
  /** --org, repeated: several orgs in promotion order. */
  org?: string[];
}

/** The status check the plan workflow reports: its job's name, what branch protection requires. */
export const REQUIRED_CHECK = 'Validate and plan';

const ACTION_REF = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[\w./-]+$/;
const ENVIRONMENT = /^([a-z0-9-]+\.)+[a-z]{2,}$|^https?:\/\/\S+$/i;

function badOption(code: string, message: string, hint: string): ProvisionError {
  return new ProvisionError(code, message, { hint });
}

export async function runInit(program: Command, flags: InitFlags): Promise<void> {
  const { PACKAGE_NAME, packageRepository, packageRoot, packageVersion } = await import('./version.js');
  const { checkUsersDir, conflicts, existingUsersFiles, planInit, schemaFolder, writeInit } = await import('../init/index.js');
  const path = await import('node:path');
  const cwd = process.cwd();

  const usersDir = checkUsersDir(flags.usersDir);
  if (!usersDir) throw badOption('invalid-users-dir', `--users-dir "${flags.usersDir}" is not a folder inside this repository.`, 'Give a relative path such as users or people/users.');
  if (!ENVIRONMENT.test(flags.environment)) {
    throw badOption('invalid-environment', `--environment "${flags.environment}" is not a Genesys Cloud region host.`, 'Use the host of your org\'s login page without https://, e.g. mypurecloud.ie or usw2.pure.cloud.');
  }
  if (flags.sandbox && !flags.fromOrg) throw badOption('sandbox-without-from-org', '--sandbox only applies with --from-org.', 'Run `provision init --from-org --sandbox` to start from the sandbox org.');
  const action = flags.action ?? `${packageRepository()}@v${packageVersion()}`;
  if (!ACTION_REF.test(action)) throw badOption('invalid-action', `--action "${action}" is not owner/name@ref.`, 'For example genesys-provision/provision@v1.2.3, or a fork of it pinned to a commit.');

  if (!/^[\w./-]+$/.test(flags.branch) || flags.branch.startsWith('-')) throw badOption('invalid-branch', `--branch "${flags.branch}" is not a branch name.`, 'For example main or master.');
  const orgs = flags.org ?? [];
  for (const org of orgs) {
    if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(org)) throw badOption('invalid-org', `--org "${org}" is not an org name.`, 'Use lower-case letters, digits, - and _ (up to 40), e.g. test or eu-prod: it names a GitHub environment and secrets.');
  }
  if (orgs.length > 0 && flags.fromOrg) throw badOption('from-org-with-orgs', '--from-org exports one org; with several orgs, init first, then export each.', 'Run `provision init --org …`, then `provision export --org NAME` for each org (it writes to orgs/NAME/).');
  if (new Set(orgs).size !== orgs.length) throw badOption('invalid-org', `--org names an org twice (${orgs.join(', ')}).`, 'Give each org once, in the order changes are promoted (test first).');
  const existingUsers = existingUsersFiles(cwd, usersDir);
  const example = !flags.fromOrg && existingUsers.length === 0;
  const { root } = packageRoot();
  const files = planInit(cwd, { usersDir, environment: flags.environment, action, branch: flags.branch, example, ...(orgs.length > 0 ? { orgs } : {}) }, path.join(root, 'templates'), schemaFolder(cwd, root, PACKAGE_NAME));

  // --from-org: read the org first (nothing written), so every file the export would write is checked too.
  let exported: Awaited<ReturnType<typeof exportUsers>> | undefined;
  if (flags.fromOrg) exported = await exportUsers(program, usersDir, flags, true);
  const overwrites: { path: string }[] = [...conflicts(files), ...(exported?.files.filter((f) => f.exists).map((f) => ({ path: f.display })) ?? [])];
  if (overwrites.length > 0 && !flags.force) {
    throw new ProvisionError('init-would-overwrite', `${overwrites.length} of the files init writes already exist; nothing was written.`, {
      issues: overwrites.map((f) => ({ severity: 'error', code: 'file-exists', message: `${f.path} already exists and would be overwritten.`, file: f.path })),
      hint: 'Pass --force to overwrite them (commit them first, so git shows what changed), or run init in another folder.',
    });
  }

  await writeInit(cwd, files);
  if (flags.fromOrg) exported = await exportUsers(program, usersDir, flags, false);
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  for (const file of files) out(`${describe(file)}  ${file.path}`);
  for (const file of exported?.files ?? []) out(`${file.exists ? 'overwrote' : 'wrote    '}  ${file.display}  (${file.users} user${file.users === 1 ? '' : 's'} from the org)`);
  if (!example && !flags.fromOrg) out(`kept       ${usersDir}/ (${existingUsers.length} users file${existingUsers.length === 1 ? '' : 's'} already there): no example written`);

  const { buildReport, managedFields, renderText } = await import('./permissions.js');
  const { loadConfig, loadDesired } = await import('../desired/index.js');
  const desired = await loadDesired([], await loadConfig('provision.yaml', { required: true }));
  const { renderNextSteps } = await import('../init/next-steps.js');
  out('');
  out(
    renderNextSteps({
      usersDir,
      environment: flags.environment,
      permissions: renderText(buildReport(managedFields(desired.users), 'users', desired.users.length)),
      example,
      requiredCheck: orgs.length > 0 ? orgs.map((org) => `${REQUIRED_CHECK} (${org})`).join('", "') : REQUIRED_CHECK,
      ...(orgs.length > 0 ? { orgs } : {}),
    }),
  );
}

function describe(file: InitFile): string {
  if (file.kind === 'append') return file.exists ? 'added to ' : 'wrote    ';
  return file.exists ? 'overwrote' : 'wrote    ';
}

/** `provision export` into the users folder: a dry run lists the files, the real run writes them. */
async function exportUsers(program: Command, usersDir: string, flags: InitFlags, dryRun: boolean) {
  const globals = program.opts<{ config: string }>();
  // The org is the one --environment names unless GENESYS_ENVIRONMENT says otherwise, as plan will read it.
  if (!flags.sandbox && !process.env.GENESYS_ENVIRONMENT) process.env.GENESYS_ENVIRONMENT = flags.environment;
  const { exportToFolder, schemaRefFor } = await import('./export.js');
  const session = await import('./session.js');
  const opened = await session.openTarget({ sandbox: flags.sandbox === true, config: globals.config, configRequired: false, log });
  try {
    return await exportToFolder(opened.connection.reader, {
      out: usersDir,
      options: { format: 'yaml', splitBy: 'division', state: 'any', divisions: [], emailDomains: [], csvDialect: 'canonical', schemaRef: await schemaRefFor(usersDir) },
      force: true,
      dryRun,
    });
  } finally {
    await opened.close();
  }
}
