// Every command's arguments, options and description, and nothing else: each action imports its command's module (./<command>.js) when it runs.
//
// Why the split: `provision --help`, `--version` and `provision <command> --help` need only these declarations,
// so they start with commander and this file alone; the work (the SDK, ajv and the generated validators,
// js-yaml, libphonenumber, the sandbox) is loaded by the one command that needs it. test/cli/startup.test.ts
// fails if a start-up path loads a heavy module again; keep value imports out of this file (types are erased).
import type { Command } from 'commander';
import type { ApplyFlags } from './apply.js';
import type { ExportFlags } from './export.js';
import type { InitFlags } from './init.js';
import type { PermissionsFlags } from './permissions.js';
import type { PlanFlags } from './plan.js';
import type { ApproveFlags, CompareFlags, RecordFlags } from './review.js';
import type { SandboxFlags } from './sandbox.js';
import type { ValidateFlags } from './validate.js';

export function declareValidate(program: Command): void {
  program
    .command('validate')
    .description('check the users files offline: syntax, schema, duplicates, managers, phones (exit 0 valid, 1 invalid)')
    .argument('[paths...]', 'users files or folders (default: usersDir from the config)')
    .addOption(program.createOption('--format <format>', 'output format').choices(['human', 'json', 'github']).default('human'))
    .addOption(program.createOption('--org <name>', "the org of provision.yaml's `orgs:` to work on (required when it names several)").env('PROVISION_ORG'))
    .option('--all', "check every org of provision.yaml's `orgs:`, a section each")
    .action(async (paths: string[], flags: ValidateFlags) => {
      const { runValidate } = await import('./validate.js');
      await runValidate(program, paths, flags);
    });
}

export function declarePlan(program: Command): void {
  program
    .command('plan')
    .description('show what applying users/ would change in the org; changes nothing (exit 0 done, 1 error, 2 changes with --detailed-exitcode, 3 blocked)')
    .addOption(program.createOption('--format <format>', 'how to print the plan on stdout (github: text, with problems as GitHub annotations)').choices(['text', 'markdown', 'json', 'github']).default('text'))
    .option('--out <file>', 'also save the plan as JSON, for `provision apply <file>` to apply exactly as reviewed')
    .option('--markdown-file <file>', 'also write the plan as Markdown (a pull-request comment or job summary)')
    .option('--detailed-exitcode', 'exit 2 when the plan has changes (0 when it has none)')
    .option('--sandbox', 'plan against the local sandbox instead of a Genesys Cloud org')
    .option('--allow-unsafe', 'mark a plan that breaks a safety threshold as approved anyway')
    .option('--show-unmanaged', 'also list the unmanaged users (org users neither declared nor in a pruned scope), not only count them')
    .option('--comment-header <markdown>', 'with --markdown-file: a line to put first, counted in the comment size limit')
    .option('--full-plan <markdown>', 'with --markdown-file: where the whole plan is when the comment is cut (links allowed)')
    .option('--source-url <url>', 'with --markdown-file: make file:line references links, under this URL (e.g. https://github.com/o/r/blob/<sha>/)')
    .addOption(program.createOption('--org <name>', "the org of provision.yaml's `orgs:` to work on (required when it names several)").env('PROVISION_ORG'))
    .option('--all', "plan every org of provision.yaml's `orgs:` at once, a section each (--out and --markdown-file then hold {org})")
    .action(async (flags: PlanFlags) => {
      const { runPlan } = await import('./plan.js');
      await runPlan(program, flags);
    });
}

export function declareApply(program: Command): void {
  program
    .command('apply')
    .description('make the org match users/: plans afresh (or takes a plan saved with `plan --out`), shows it, asks, applies')
    .argument('[plan]', 'a plan saved with `provision plan --out plan.json`')
    .option('--auto-approve', 'apply without asking (required when not on a terminal)')
    .option('--journal <file>', 'append one JSON line per operation to this file, for audit')
    .option('--verify', 'plan again afterwards and fail if anything is left to change')
    .option('--sandbox', 'apply to the local sandbox instead of a Genesys Cloud org')
    .option('--allow-unsafe', 'apply a plan that breaks a safety threshold')
    .option('--concurrency <n>', 'operations in flight at once (default: apply.concurrency in provision.yaml)')
    .addOption(program.createOption('--org <name>', "the org of provision.yaml's `orgs:` to apply to (a saved plan: its own org by default, and no other)").env('PROVISION_ORG'))
    .action(async (planFile: string | undefined, flags: ApplyFlags) => {
      const { runApply } = await import('./apply.js');
      await runApply(program, planFile, flags);
    });
}

export function declareSandbox(program: Command): void {
  program
    .command('sandbox')
    .description('run a local Genesys Cloud emulator (seeded with the demo org) and print the variables that point provision at it')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '0')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--seed <file>', 'seed the org from this YAML or JSON file (default: the demo org for users/)')
    .option('--state <file>', 'keep the org in this JSON file: loaded at start when present, saved after every change')
    .option('--time-scale <x>', 'run rate-limit windows this many times faster (60: a minute lasts a second)')
    .option('--faults <spec>', 'inject faults, e.g. "5xx:0.05,429:0.02,drop:0.01,latency:20-80ms,editor:0.01@PATCH /api/v2/users/*"; "realism" adds the random behaviours of real orgs')
    .option('--rate <n>', 'requests per minute allowed per token', '300')
    .option('--search-lag <ms>', 'how long a change takes to become searchable', '0')
    .option('--station-lag <ms>', "how long a new WebRTC phone's station takes to appear in GET /api/v2/stations", '0')
    .option('--random-seed <n>', 'seed of the fault dice (the same seed and requests replay the same faults)', '1')
    .option('--log', 'print every request on stderr')
    .option('--orgs <names>', 'several orgs, e.g. test,prod: each its own org (id, name, OAuth client, data) at its own URL, as orgs in different regions are; prints the variables of each')
    .option('--permissions', "permission mode: each client may do only what its role allows (the seed's clients, else an apply and a plan client holding what `provision permissions --all` lists)")
    .action(async (flags: SandboxFlags) => {
      const { runSandbox } = await import('./sandbox.js');
      await runSandbox(flags);
    });
}

export function declareExport(program: Command): void {
  program
    .command('export')
    .description("write the org's users as users/ files (YAML or CSV): the first step of bringing an org into git")
    .option('--out <dir>', 'output folder (default: usersDir from the config)')
    .addOption(program.createOption('--format <format>', 'file format').choices(['yaml', 'csv']).default('yaml'))
    .addOption(program.createOption('--split-by <how>', 'one file, or one per division or department').choices(['none', 'division', 'department']).default('none'))
    .addOption(program.createOption('--state <state>', 'which users (deleted users are never exported)').choices(['active', 'inactive', 'any']).default('any'))
    .option('--division <name...>', 'only users of these divisions')
    .option('--email-domain <domain...>', 'only users with these email domains')
    .option('--fields <list...>', 'only these fields (comma-separated; email is always written, name only when listed)')
    .addOption(program.createOption('--csv-dialect <dialect>', "CSV columns: provision's, or Genesys's admin-UI bulk import").choices(['canonical', 'genesys-admin']).default('canonical'))
    .option('--force', 'overwrite files that already exist')
    .option('--dry-run', 'list the files that would be written; write nothing')
    .option('--sandbox', 'export the local sandbox org instead of a Genesys Cloud org')
    .option('--personas', 'propose personas: users sharing the same roles, skills, languages, queues and groups take one, written to personas/')
    .addOption(program.createOption('--org <name>', "the org of provision.yaml's `orgs:` to work on (required when it names several)").env('PROVISION_ORG'))
    .action(async (flags: ExportFlags) => {
      const { runExport } = await import('./export.js');
      await runExport(program, flags);
    });
}

export function declarePermissions(program: Command): void {
  program
    .command('permissions')
    .description('print the Genesys Cloud permissions the plan (read-only), apply and export OAuth clients need for the fields users/ manages')
    .option('--format <format>', 'text or json', 'text')
    .option('--all', 'list the permissions for every field provision can manage, not only those users/ uses')
    .addOption(program.createOption('--org <name>', "the org of provision.yaml's `orgs:` to work on (required when it names several)").env('PROVISION_ORG'))
    .action(async (flags: PermissionsFlags, command: Command) => {
      const { runPermissions } = await import('./permissions.js');
      await runPermissions(command, flags);
    });
}

export function declareInit(program: Command): void {
  program
    .command('init')
    .description('set up this repository for provision: provision.yaml, an example users file, .gitignore entries and the GitHub workflows; writes over nothing without --force')
    .option('--users-dir <dir>', 'folder of the users files', 'users')
    .option('--environment <host>', 'Genesys Cloud region host of the org (mypurecloud.com, mypurecloud.ie, …)', 'mypurecloud.com')
    .option('--from-org', "write the org's users (as `provision export` does) instead of the example; reads GENESYS_* like plan")
    .option('--sandbox', 'with --from-org: export the local sandbox org')
    .option('--branch <name>', 'the default branch, whose pushes are applied', 'main')
    .option('--force', 'overwrite files that already exist')
    .option('--action <owner/name@ref>', 'the provision action the workflows use (default: the release of this version)')
    .option('--org <name...>', 'several orgs, in promotion order (--org test --org prod): an orgs: section, a folder per org and workflows with a job per org')
    .action(async (flags: InitFlags) => {
      const { runInit } = await import('./init.js');
      await runInit(program, flags);
    });
}

export function declareReview(program: Command): void {
  const review = program.command('review').description('what the GitHub Action runs so that a merge applies exactly the plan reviewed in its pull request');

  review
    .command('paths')
    .description('print the paths whose changes need a plan: the config file and the users folder, one per line')
    .addOption(program.createOption('--org <name>', "only this org's folders (default: every org's)").env('PROVISION_ORG'))
    .action(async (flags: { org?: string }) => {
      const { runReviewPaths } = await import('./review.js');
      await runReviewPaths(program, flags);
    });

  review
    .command('record')
    .description('write the review record that ties a saved plan to its pull request and commits')
    .argument('<plan>', 'the plan saved with `provision plan --out`')
    .requiredOption('--repository <owner/name>', 'the repository')
    .requiredOption('--pull-request <n>', 'the pull request number')
    .requiredOption('--head <sha>', "the pull request's head commit")
    .requiredOption('--base <sha>', "the base branch's commit")
    .requiredOption('--out <file>', 'where to write the record')
    .action(async (planFile: string, flags: RecordFlags) => {
      const { runReviewRecord } = await import('./review.js');
      await runReviewRecord(planFile, flags);
    });

  review
    .command('compare')
    .description('compare the reviewed plan with the plan of the merge, change by change (exit 0 the same, 2 different, 1 refused)')
    .argument('<reviewed>', 'the plan saved by the pull request check')
    .argument('<fresh>', 'the plan of the merge, made now')
    .requiredOption('--review <file>', 'the review record saved with the reviewed plan')
    .requiredOption('--repository <owner/name>', 'the repository the merge happened in')
    .requiredOption('--pull-request <n>', 'the merged pull request')
    .option('--head <sha>', "the merged pull request's head commit")
    .option('--markdown-file <file>', 'write the difference (or the refusal) as Markdown')
    .option('--header <markdown>', 'a line to put first in the Markdown (the run link)')
    .option('--approve <markdown>', 'how a person approves the new plan, put last in the Markdown')
    .action(async (reviewedFile: string, freshFile: string, flags: CompareFlags) => {
      const { runReviewCompare } = await import('./review.js');
      await runReviewCompare(reviewedFile, freshFile, flags);
    });

  review
    .command('approve')
    .description('check that a manual approval names the checksum of the plan made now (exit 0), else refuse')
    .argument('<plan>', 'the plan made now')
    .requiredOption('--checksum <sha256>', 'the checksum the person approved')
    .action(async (planFile: string, flags: ApproveFlags) => {
      const { runReviewApprove } = await import('./review.js');
      await runReviewApprove(planFile, flags);
    });
}

/** The commands in the order `--help` lists them. */
export function declareCommands(program: Command): void {
  declareValidate(program);
  declarePlan(program);
  declareApply(program);
  declareSandbox(program);
  declareExport(program);
  declarePermissions(program);
  declareInit(program);
  declareReview(program);
}
