// The `provision permissions` command.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';

export function registerPermissions(program: Command): void {
  program
    .command('permissions')
    .description('(being built)')
    .action(() => {
      throw new ProvisionError('not-built', 'provision permissions is not built yet.');
    });
}
