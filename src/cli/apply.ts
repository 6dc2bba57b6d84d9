// The `provision apply` command.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';

export function registerApply(program: Command): void {
  program
    .command('apply')
    .description('(being built)')
    .action(() => {
      throw new ProvisionError('not-built', 'provision apply is not built yet.');
    });
}
