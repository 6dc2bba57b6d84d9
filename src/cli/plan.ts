// The work of `provision plan` (declared in commands.ts): what applying users/ would change in the org, written for people and for machines.
import type { Command } from 'commander';
import type { Plan } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import type { PlanFormat } from '../render/index.js';
import { EXIT } from './exit.js';
import { colorsFor, log } from './output.js';

export interface PlanFlags {
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
  /** The org of provision.yaml's `orgs:` to plan. */
  org?: string;
  /** Plan every org (see runPlanAll). */
  all?: boolean;
}

/** Writes the whole file or nothing: a reader never sees half a plan, and a failed write leaves the old file. */
export async function writeOutput(file: string, text: string): Promise<void> {
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
export async function reportFailure(error: unknown, flags: PlanFlags, options: { header?: string; sourceUrl?: string }): Promise<void> {
  if (!(error instanceof ProvisionError)) return;
  if (flags.format === 'github' && error.issues.length > 0) {
    const { renderIssuesGithub } = await import('../render/issues.js');
    process.stdout.write(renderIssuesGithub(error.issues));
  }
  if (flags.markdownFile) {
    const { renderFailureMarkdown } = await import('../render/markdown.js');
    // With several orgs each has its own comment: the failure says whose it is.
    await writeOutput(flags.markdownFile, renderFailureMarkdown(error.message, error.issues, { ...options, hint: error.hint, ...(flags.org !== undefined ? { org: flags.org } : {}) }));
  }
}

/** 0 no changes (or changes without --detailed-exitcode), 2 changes, 3 blocked by a safety threshold. */
export function planExitCode(plan: Plan, detailed: boolean): number {
  if (plan.safety.blocked && !plan.safety.overridden) return EXIT.blocked;
  if (detailed && plan.changes.length > 0) return EXIT.changes;
  return EXIT.ok;
}

export async function runPlan(program: Command, flags: PlanFlags): Promise<void> {
  if (flags.all) {
    const { runPlanAll } = await import('./orgs.js');
    return runPlanAll(program, flags);
  }
  const globals = program.opts<{ config: string; color?: boolean; allowCustomEnvironment?: boolean }>();
  const { makePlan } = await import('./session.js');
  const { renderPlan } = await import('../render/index.js');
  const markdownOptions = { header: flags.commentHeader, sourceUrl: flags.sourceUrl };
  const { loadOrgConfig } = await import('./orgs.js');
  let planned: Awaited<ReturnType<typeof makePlan>>;
  try {
    const loaded = await loadOrgConfig(program, flags.org, { allowAll: true });
    planned = await makePlan({
      loaded,
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
  if (flags.out) log(`Saved the plan${plan.org !== undefined ? ` of org ${plan.org}` : ''} to ${flags.out}: apply it as reviewed with \`provision apply ${flags.out}\`.`);
  process.exitCode = planExitCode(plan, flags.detailedExitcode === true);
}
