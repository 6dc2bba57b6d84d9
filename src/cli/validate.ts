// The work of `provision validate` (declared in commands.ts): checks users/ offline and reports every problem at once.
import type { Command } from 'commander';
import { loadConfig, validateDesired } from '../desired/index.js';
import { renderIssues } from '../render/issues.js';
import { EXIT } from './exit.js';
import { colorsFor } from './output.js';

export interface ValidateFlags {
  format: 'human' | 'json' | 'github';
}

export async function runValidate(program: Command, paths: string[], options: ValidateFlags): Promise<void> {
  const global = program.opts<{ config: string; color?: boolean }>();
  const required = program.getOptionValueSource('config') === 'cli';
  const config = await loadConfig(global.config, { required });
  const state = await validateDesired(paths, config);
  const colors = colorsFor(process.stdout, process.env, global.color === false);
  const output = renderIssues(options.format, state.issues, { users: state.userCount, files: state.files.length }, colors);
  process.stdout.write(output);
  process.exitCode = state.issues.some((i) => i.severity === 'error') ? EXIT.error : EXIT.ok;
}
