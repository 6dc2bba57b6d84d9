// The `provision validate` command: checks users/ offline and reports every problem at once.
import { Option } from 'commander';
import type { Command } from 'commander';
import { EXIT } from './exit.js';
import { colorsFor } from './output.js';

interface ValidateOptions {
  format: 'human' | 'json' | 'github';
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check the users files offline: syntax, schema, duplicates, managers, phones (exit 0 valid, 1 invalid)')
    .argument('[paths...]', 'users files or folders (default: usersDir from the config)')
    .addOption(new Option('--format <format>', 'output format').choices(['human', 'json', 'github']).default('human'))
    .action(async (paths: string[], options: ValidateOptions) => {
      // Loaded here so that `provision --help` stays fast.
      const { loadConfig, validateDesired } = await import('../desired/index.js');
      const { renderIssues } = await import('../render/issues.js');
      const global = program.opts<{ config: string; color?: boolean }>();
      const required = program.getOptionValueSource('config') === 'cli';
      const config = await loadConfig(global.config, { required });
      const state = await validateDesired(paths, config);
      const colors = colorsFor(process.stdout, process.env, global.color === false);
      const output = renderIssues(options.format, state.issues, { users: state.userCount, files: state.files.length }, colors);
      process.stdout.write(output);
      process.exitCode = state.issues.some((i) => i.severity === 'error') ? EXIT.error : EXIT.ok;
    });
}
