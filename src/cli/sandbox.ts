// The `provision sandbox` command.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';

export function registerSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('(being built)')
    .action(() => {
      throw new ProvisionError('not-built', 'provision sandbox is not built yet.');
    });
}
