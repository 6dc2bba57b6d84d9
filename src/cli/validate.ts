// The work of `provision validate` (declared in commands.ts): checks users/ offline and reports every problem at once.
import type { Command } from 'commander';
import { loadConfig, selectOrg, validateDesired } from '../desired/index.js';
import { renderIssues } from '../render/issues.js';
import { EXIT } from './exit.js';
import { colorsFor } from './output.js';

export interface ValidateFlags {
  format: 'human' | 'json' | 'github';
  /** The org of provision.yaml's `orgs:` whose users folders to check. */
  org?: string;
  /** Check every org's folders (see runValidateAll). */
  all?: boolean;
}

export async function runValidate(program: Command, paths: string[], options: ValidateFlags): Promise<void> {
  if (options.all) {
    const { runValidateAll } = await import('./orgs.js');
    return runValidateAll(program, paths, options);
  }
  const global = program.opts<{ config: string; color?: boolean }>();
  const required = program.getOptionValueSource('config') === 'cli';
  // Given paths are checked with the top-level settings unless --org names an org; else the org's folders are read.
  const loaded = await loadConfig(global.config, { required });
  const config = paths.length > 0 && options.org === undefined ? loaded : selectOrg(loaded, options.org, { allowAll: true });
  const state = await validateDesired(paths, config);
  const colors = colorsFor(process.stdout, process.env, global.color === false);
  const output = renderIssues(options.format, state.issues, { users: state.userCount, files: state.files.length }, colors);
  process.stdout.write(output);
  process.exitCode = state.issues.some((i) => i.severity === 'error') ? EXIT.error : EXIT.ok;
}
