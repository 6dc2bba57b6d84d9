// The `provision plan` command: what applying users/ would change in the org, written for people and for machines.
import { Option } from 'commander';
import type { Command } from 'commander';
import type { Plan } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import type { PlanFormat } from '../render/index.js';
import { EXIT } from './exit.js';
import { colorsFor, log } from './output.js';

interface PlanFlags {
  format: PlanFormat | 'github';
  commentHeader?: string;
  fullPlan?: string;
  sourceUrl?: string;
  out?: string;
  markdownFile?: string;
  detailedExitcode?: boolean;
  sandbox?: boolean;
  allowUnsafe?: boolean;
  showUnmanaged?: boolean;
}

/** Writes the whole file or nothing: a reader never sees half a plan, and a failed write leaves the old file. */
async function writeOutput(file: string, text: string): Promise<void> {
  const { writeWhole } = await import('../rules/write-file.js');
  try {
    await writeWhole(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new ProvisionError('output-unwritable', `Cannot write ${file} (${code}).`, { hint: 'Check that its folder exists and is writable.' });
  }
}

/**
 * A plan that could not be made still explains itself where a reviewer looks: the problems (names the
 * org does not know, with their did-you-mean) as annotations on the lines, and in the Markdown file.
 */
async function reportFailure(error: unknown, flags: PlanFlags, options: { header?: string; sourceUrl?: string }): Promise<void> {
  if (!(error instanceof ProvisionError)) return;
  if (flags.format === 'github' && error.issues.length > 0) {
    const { renderIssuesGithub } = await import('../render/issues.js');
    process.stdout.write(renderIssuesGithub(error.issues));
  }
  if (flags.markdownFile) {
    const { renderFailureMarkdown } = await import('../render/markdown.js');
    await writeOutput(flags.markdownFile, renderFailureMarkdown(error.message, error.issues, { ...options, hint: error.hint }));
  }
}

/** 0 no changes (or changes without --detailed-exitcode), 2 changes, 3 blocked by a safety threshold. */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.safety.blocked && !plan.safety.overridden) return EXIT.blocked;
  if (detailed && plan.changes.length > 0) return EXIT.changes;
  return EXIT.ok;
}

export function registerPlan(program: Command): void {
  program
    .command('plan')
    .description('show what applying users/ would change in the org; changes nothing (exit 0 done, 1 error, 2 changes with --detailed-exitcode, 3 blocked)')
    .addOption(new Option('--format <format>', 'how to print the plan on stdout (github: text, with problems as GitHub annotations)').choices(['text', 'markdown', 'json', 'github']).default('text'))
    .option('--out <file>', 'also save the plan as JSON, for `provision apply <file>` to apply exactly as reviewed')
    .option('--markdown-file <file>', 'also write the plan as Markdown (a pull-request comment or job summary)')
    .option('--detailed-exitcode', 'exit 2 when the plan has changes (0 when it has none)')
    .option('--sandbox', 'plan against the local sandbox instead of a Genesys Cloud org')
    .option('--allow-unsafe', 'mark a plan that breaks a safety threshold as approved anyway')
    .option('--show-unmanaged', 'also list the unmanaged users (org users neither declared nor in a pruned scope), not only count them')
    .option('--comment-header <markdown>', 'with --markdown-file: a line to put first, counted in the comment size limit')
    .option('--full-plan <markdown>', 'with --markdown-file: where the whole plan is when the comment is cut (links allowed)')
    .option('--source-url <url>', 'with --markdown-file: make file:line references links, under this URL (e.g. https://github.com/o/r/blob/<sha>/)')
    .action(async (flags: PlanFlags) => {
      const globals = program.opts<{ config: string; color?: boolean; allowCustomEnvironment?: boolean }>();
      const { makePlan } = await import('./session.js');
      const { renderPlan } = await import('../render/index.js');
      const markdownOptions = { header: flags.commentHeader, sourceUrl: flags.sourceUrl };
      let planned: Awaited<ReturnType<typeof makePlan>>;
      try {
        planned = await makePlan({
          sandbox: flags.sandbox === true,
          config: globals.config,
          configRequired: program.getOptionValueSource('config') === 'cli',
          allowUnsafe: flags.allowUnsafe === true,
          showUnmanaged: flags.showUnmanaged === true,
          noColor: globals.color === false,
          allowCustomEnvironment: globals.allowCustomEnvironment === true,
          log,
        });
      } catch (error) {
        await reportFailure(error, flags, markdownOptions);
        throw error;
      }
      const { plan } = planned;
      try {
        if (flags.out) await writeOutput(flags.out, renderPlan(plan, 'json'));
        const fullPlanNote = flags.fullPlan ?? (flags.out ? `the saved plan ${flags.out}` : undefined);
        if (flags.markdownFile) await writeOutput(flags.markdownFile, renderPlan(plan, 'markdown', { ...markdownOptions, fullPlanNote }));
      } finally {
        await planned.close();
      }
      const format = flags.format === 'github' ? 'text' : flags.format;
      const color = flags.format === 'text' && colorsFor(process.stdout, process.env, globals.color === false).isColorSupported;
      const text = renderPlan(plan, format, { color });
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      if (flags.format === 'github' && plan.warnings.length > 0) {
        const { renderIssuesGithub } = await import('../render/issues.js');
        process.stdout.write(renderIssuesGithub(plan.warnings));
      }
      if (flags.out) log(`Saved the plan to ${flags.out}: apply it as reviewed with \`provision apply ${flags.out}\`.`);
      process.exitCode = planExitCode(plan, flags.detailedExitcode === true);
    });
}
