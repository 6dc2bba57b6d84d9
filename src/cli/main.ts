// The `provision` program: declares the commands and maps every error to an exit code, once.
import { Command, CommanderError } from 'commander';
import { ApiError, ProvisionError } from '../model/index.js';
import { EXIT } from './exit.js';
import { colorsFor, formatIssue, log } from './output.js';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerApply } from './apply.js';
import { registerSandbox } from './sandbox.js';
import { registerExport } from './export.js';
import { registerPermissions } from './permissions.js';
import { registerInit } from './init.js';
import { registerReview } from './review.js';
import { packageVersion } from './version.js';

const program = new Command('provision')
  .description('Genesys Cloud users as code: validate users/ files, plan the changes, apply them.')
  .version(packageVersion())
  .option('--config <file>', 'the config file', 'provision.yaml')
  .option('--no-color', 'never colour the output')
  .option('--allow-custom-environment', 'let the credentials go to an http://host:port that is neither a Genesys Cloud region nor loopback (refused when CI is set)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerValidate(program);
registerPlan(program);
registerApply(program);
registerSandbox(program);
registerExport(program);
registerPermissions(program);
registerInit(program);
registerReview(program);

/** Prints a typed error without a stack trace; anything else is reported as an internal error. */
function report(error: unknown): number {
  const c = colorsFor(process.stderr, process.env, program.opts().color === false);
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error;
  if (error instanceof ProvisionError) {
    for (const issue of error.issues) log(formatIssue(issue, c));
    const context = error instanceof ApiError && error.contextId ? ` (contextId ${error.contextId})` : '';
    log(`${c.red('error')} ${c.bold(error.code)}  ${error.message}${context}`);
    if (error.hint) log(`    ${c.dim(`hint: ${error.hint}`)}`);
    return EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  log(`${c.red('error')} ${c.bold('internal')}  ${message.split('\n')[0]}`);
  log(`    ${c.dim('hint: this is a bug in provision; please report it with the command you ran.')}`);
  return EXIT.error;
}

// A rejection that escaped its await would end the process with a stack trace (and maybe an SDK
// error's headers): report it like any other error instead.
process.on('unhandledRejection', (reason) => {
  process.exit(report(reason));
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}
