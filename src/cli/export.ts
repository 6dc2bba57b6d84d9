// The `provision export` command.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('(being built)')
    .action(() => {
      throw new ProvisionError('not-built', 'provision export is not built yet.');
    });
}
