// The `provision` program: declares the commands and maps every error to an exit code, once.
//
// Start-up loads this file, commands.ts, version.ts, exit.ts and commander, nothing more (test/cli/startup.test.ts
// holds it there): a command's work is imported by its action, and what only errors need is imported by report().
import { createRequire } from 'node:module';
import type * as Commander from 'commander';
import { declareCommands } from './commands.js';
import { EXIT } from './exit.js';
import { packageVersion } from './version.js';

// commander is CommonJS: required, it skips the ESM wrapper and the export scan that `import` pays at every start.
const { Command, CommanderError } = createRequire(import.meta.url)('commander') as typeof Commander;

const program = new Command('provision')
  .description('Genesys Cloud users as code: validate users/ files, plan the changes, apply them.')
  .version(packageVersion())
  .option('--config <file>', 'the config file', 'provision.yaml')
  .option('--no-color', 'never colour the output')
  .option('--allow-custom-environment', 'let the credentials go to an http://host:port that is neither a Genesys Cloud region nor loopback (refused when CI is set)')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

declareCommands(program);

/** Prints a typed error without a stack trace; anything else is reported as an internal error. */
async function report(error: unknown): Promise<number> {
  // commander has printed its own message (or the help, or the version) already.
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.error;
  const { ApiError, ProvisionError } = await import('../model/index.js');
  const { colorsFor, formatIssue, log } = await import('./output.js');
  const c = colorsFor(process.stderr, process.env, program.opts().color === false);
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
  report(reason).then(
    (code) => process.exit(code),
    () => process.exit(EXIT.error),
  );
});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // commander has printed the help, the version or a usage error: exit at once, as commander does by itself,
  // rather than wait for the event loop to drain (a pending garbage collection among its tasks) for nothing.
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? EXIT.ok : EXIT.error);
  process.exitCode = await report(error);
}
