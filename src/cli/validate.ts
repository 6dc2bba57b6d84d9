// The `provision validate` command.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('(being built)')
    .action(() => {
      throw new ProvisionError('not-built', 'provision validate is not built yet.');
    });
}
