// The `provision plan` command.
import type { Command } from 'commander';
import { ProvisionError } from '../model/index.js';

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('(being built)')
    .action(() => {
      throw new ProvisionError('not-built', 'provision plan is not built yet.');
    });
}
