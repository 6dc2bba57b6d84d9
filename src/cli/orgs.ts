// Several orgs on the command line: --org picks one, `plan --all` and `validate --all` run every org, and the checks that keep one org's plan and credentials off another.
import type { Command } from 'commander';
import type { OrgTarget, Plan, ProvisionConfig } from '../model/index.js';
import { ProvisionError } from '../model/index.js';
import { EXIT } from './exit.js';
import { colorsFor, formatIssue, log } from './output.js';
import type { PlanFlags } from './plan.js';
import type { ValidateFlags } from './validate.js';

type Globals = { config: string; color?: boolean; allowCustomEnvironment?: boolean };

/** Where `--sandbox --org NAME` keeps that org's demo org (git-ignored with the rest of .provision/). */
export function demoStateFile(org: string): string {
  return `.provision/sandbox-${org}.json`;
}

/** provision.yaml, with the org `name` selected (see selectOrg). */
export async function loadOrgConfig(program: Command, name: string | undefined, options: { allowAll?: boolean } = {}): Promise<ProvisionConfig> {
  const { loadConfig, selectOrg } = await import('../desired/index.js');
  const globals = program.opts<Globals>();
  const config = await loadConfig(globals.config, { required: program.getOptionValueSource('config') === 'cli' });
  return selectOrg(config, name, options);
}

/** `orgId:` in provision.yaml guards an org against credentials of another one (the test client in the production job). */
export function checkOrgId(config: ProvisionConfig, target: OrgTarget): void {
  if (config.orgId === undefined || config.orgId === target.orgId) return;
  throw new ProvisionError('org-id-mismatch', `The credentials of org ${config.org} reach "${target.orgName}" (${target.orgId}), not the org id ${config.orgId} provision.yaml gives org ${config.org}: nothing was planned or changed.`, {
    hint: `Check the variables named by org ${config.org}'s \`credentials:\` (or its GitHub environment's secrets): they hold another org's OAuth client.`,
  });
}

/** A saved plan is applied to the org it was made for and no other; `file` names it in the error. */
export function checkPlanOrg(plan: Plan, config: ProvisionConfig, file: string): void {
  if (plan.org === config.org) return;
  const made = plan.org !== undefined ? `org ${plan.org}` : 'the one org of a provision.yaml without `orgs:`';
  const now = config.org !== undefined ? `org ${config.org}` : 'the one org (provision.yaml names no orgs)';
  throw new ProvisionError('plan-org-mismatch', `${file} was made for ${made}, not ${now}: nothing was applied.`, {
    hint: plan.org !== undefined && config.org !== undefined ? `Apply it with --org ${plan.org} (or leave --org out), or plan org ${config.org} with \`provision plan --org ${config.org} --out plan.json\`.` : 'Plan again with the provision.yaml of this repository and apply that plan.',
  });
}

/** `--out plans/{org}.json`: each org's file; with several orgs the name must hold `{org}`, else they would overwrite one another. */
export function perOrgPath(file: string | undefined, org: string | undefined, several: boolean, flag: string): string | undefined {
  if (file === undefined) return undefined;
  if (several && !file.includes('{org}')) {
    throw new ProvisionError('output-needs-org', `${flag} ${file} with --all and several orgs: each org's plan would overwrite the last.`, { hint: `Put {org} in the name, e.g. ${flag} plans/{org}.json.` });
  }
  return org === undefined ? file : file.replaceAll('{org}', org);
}

function noOrgWithAll(flags: { org?: string }): void {
  if (flags.org !== undefined) throw new ProvisionError('org-and-all', '--org and --all cannot be used together.', { hint: 'Give --org NAME for one org, or --all for every org.' });
}

/** The exit code of several orgs' runs: an error first, then a blocked plan, then changes. */
function worstExit(codes: number[]): number {
  for (const code of [EXIT.error, EXIT.blocked, EXIT.changes]) if (codes.includes(code)) return code;
  return EXIT.ok;
}

const heading = (org: string | undefined): string => `=== org ${org ?? '(default)'} ===`;

/** Logs a failed org's problems as the top-level handler would, under the org's name. */
function logFailure(org: string | undefined, error: unknown, noColor: boolean): void {
  const c = colorsFor(process.stderr, process.env, noColor);
  if (!(error instanceof ProvisionError)) throw error;
  for (const issue of error.issues) log(formatIssue(issue, c));
  log(`${c.red('error')} ${c.bold(error.code)}  ${org !== undefined ? `org ${org}: ` : ''}${error.message}`);
  if (error.hint) log(`    ${c.dim(`hint: ${error.hint}`)}`);
}

/**
 * `plan --all`: every org planned at once, each through its own OAuth client (and so within its own rate limit),
 * then printed one section per org in provision.yaml's order. An org that fails is reported in its section; the
 * others are still shown.
 */
export async function runPlanAll(program: Command, flags: PlanFlags): Promise<void> {
  noOrgWithAll(flags);
  const globals = program.opts<Globals>();
  const { loadConfig, allOrgs } = await import('../desired/index.js');
  const configs = allOrgs(await loadConfig(globals.config, { required: program.getOptionValueSource('config') === 'cli' }));
  const several = configs.length > 1;
  // Checked for every org before any is read: a bad flag wastes no API call.
  for (const c of configs) {
    perOrgPath(flags.out, c.org, several, '--out');
    perOrgPath(flags.markdownFile, c.org, several, '--markdown-file');
  }
  const { makePlan } = await import('./session.js');
  const { renderPlan } = await import('../render/index.js');
  const { planExitCode, reportFailure, writeOutput } = await import('./plan.js');
  const results = await Promise.all(
    configs.map(async (config) => {
      const prefix = config.org !== undefined ? `[${config.org}] ` : '';
      const out = perOrgPath(flags.out, config.org, several, '--out');
      const markdownFile = perOrgPath(flags.markdownFile, config.org, several, '--markdown-file');
      const markdownOptions = { header: flags.commentHeader, sourceUrl: flags.sourceUrl };
      try {
        const planned = await makePlan({
          sandbox: flags.sandbox === true,
          config: globals.config,
          loaded: config,
          allowUnsafe: flags.allowUnsafe === true,
          showUnmanaged: flags.showUnmanaged === true,
          noColor: globals.color === false,
          allowCustomEnvironment: globals.allowCustomEnvironment === true,
          log: (line) => log(`${prefix}${line}`),
        });
        try {
          if (out) await writeOutput(out, renderPlan(planned.plan, 'json'));
          if (markdownFile) await writeOutput(markdownFile, renderPlan(planned.plan, 'markdown', { ...markdownOptions, fullPlanNote: flags.fullPlan ?? (out ? `the saved plan ${out}` : undefined) }));
        } finally {
          await planned.close();
        }
        return { org: config.org, plan: planned.plan, out };
      } catch (error) {
        await reportFailure(error, { ...flags, markdownFile, org: config.org }, markdownOptions);
        return { org: config.org, error };
      }
    }),
  );
  const codes: number[] = [];
  if (flags.format === 'json') {
    const orgs = results.map((r) =>
      'plan' in r && r.plan ? { org: r.org ?? null, plan: r.plan } : { org: r.org ?? null, error: r.error instanceof ProvisionError ? { code: r.error.code, message: r.error.message, issues: r.error.issues } : { code: 'internal', message: String(r.error) } },
    );
    process.stdout.write(`${JSON.stringify({ orgs }, null, 2)}\n`);
  }
  const format = flags.format === 'github' || flags.format === 'json' ? 'text' : flags.format;
  const color = flags.format === 'text' && colorsFor(process.stdout, process.env, globals.color === false).isColorSupported;
  for (const r of results) {
    const printed = flags.format !== 'json';
    if (printed) process.stdout.write(`${format === 'markdown' ? `## org ${r.org}` : heading(r.org)}\n\n`);
    if ('plan' in r && r.plan) {
      if (printed) {
        const text = renderPlan(r.plan, format, { color });
        process.stdout.write(text.endsWith('\n') ? `${text}\n` : `${text}\n\n`);
      }
      if (flags.format === 'github' && r.plan.warnings.length > 0) {
        const { renderIssuesGithub } = await import('../render/issues.js');
        process.stdout.write(renderIssuesGithub(r.plan.warnings));
      }
      if (r.out) log(`Saved the plan of org ${r.org} to ${r.out}: apply it as reviewed with \`provision apply ${r.out}\`.`);
      codes.push(planExitCode(r.plan, flags.detailedExitcode === true));
    } else {
      if (printed) process.stdout.write(`No plan was made${r.org !== undefined ? ` for org ${r.org}` : ''}: see the errors on stderr.\n\n`);
      if (flags.format === 'github' && r.error instanceof ProvisionError && r.error.issues.length > 0) {
        const { renderIssuesGithub } = await import('../render/issues.js');
        process.stdout.write(renderIssuesGithub(r.error.issues));
      }
      logFailure(r.org, r.error, globals.color === false);
      codes.push(EXIT.error);
    }
  }
  process.exitCode = worstExit(codes);
}

/** `validate --all`: each org's users folders checked as that org reads them, one section per org. */
export async function runValidateAll(program: Command, paths: string[], flags: ValidateFlags & { org?: string }): Promise<void> {
  noOrgWithAll(flags);
  if (paths.length > 0) throw new ProvisionError('paths-and-all', '--all checks each org\'s users folders: give no paths with it.', { hint: 'Run `provision validate PATH…` to check given files.' });
  const globals = program.opts<Globals>();
  const { loadConfig, allOrgs, validateDesired } = await import('../desired/index.js');
  const { renderIssues } = await import('../render/issues.js');
  const configs = allOrgs(await loadConfig(globals.config, { required: program.getOptionValueSource('config') === 'cli' }));
  const colors = colorsFor(process.stdout, process.env, globals.color === false);
  const states = await Promise.all(configs.map((config) => validateDesired([], config)));
  let failed = false;
  const json: unknown[] = [];
  for (const [i, state] of states.entries()) {
    const org = configs[i]!.org;
    failed ||= state.issues.some((issue) => issue.severity === 'error');
    const output = renderIssues(flags.format, state.issues, { users: state.userCount, files: state.files.length }, colors);
    if (flags.format === 'json') json.push({ org: org ?? null, ...(JSON.parse(output) as object) });
    else process.stdout.write(flags.format === 'github' ? output : `${heading(org)}\n${output}\n`);
  }
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify({ orgs: json }, null, 2)}\n`);
  process.exitCode = failed ? EXIT.error : EXIT.ok;
}
