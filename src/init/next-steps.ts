// What to do after `provision init`: the OAuth clients with their exact permissions, the secrets, the environment, branch protection.

export interface NextStepsInput {
  usersDir: string;
  environment: string;
  /** `provision permissions` for the users written (its text rendering). */
  permissions: string;
  /** users/example.yaml was written (rather than the org's users). */
  example: boolean;
  /** The name of the plan workflow's job: the status check to require. */
  requiredCheck: string;
  /** `init --org`: the orgs, in promotion order. */
  orgs?: string[];
}

/** Steps 3 to 6 for several orgs: a plan client per org as repository secrets, an environment per org, a check per org. */
function orgSteps(orgs: string[], requiredCheck: string): string[] {
  const key = (org: string): string => org.toUpperCase().replace(/-/g, '_');
  const [first] = orgs;
  return [
    '3. Create the two clients in each org. In the repository settings (Settings > Secrets and variables >',
    "   Actions), add each org's plan client as the secrets",
    ...orgs.map((org) => `   GENESYS_PLAN_CLIENT_ID_${key(org)} and GENESYS_PLAN_CLIENT_SECRET_${key(org)} (org ${org})`),
    "   Each org's region is its `environment:` in provision.yaml.",
    '',
    `4. Create an environment per org (Settings > Environments) named ${orgs.map((o) => `"${o}"`).join(', ')}, with`,
    "   deployments limited to the default branch and the org's apply client as the secrets",
    '   GENESYS_APPLY_CLIENT_ID and GENESYS_APPLY_CLIENT_SECRET. Give the later orgs required reviewers',
    `   (and a wait timer, to soak in ${first} first): each org is applied after the one before it.`,
    '',
    '5. Protect the default branch (Settings > Rules or Branches): require a pull request with a review',
    `   and the status checks "${requiredCheck}". Add a CODEOWNERS file (see the README).`,
    '',
    "6. Commit and push. Pull requests that change the users files now get a plan per org as comments;",
    '   merging applies exactly those plans, org after org, after each environment\'s approval.',
    '',
  ];
}

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '' : `${by}${line}`))
    .join('\n');

export function renderNextSteps(input: NextStepsInput): string {
  const from = input.orgs && input.orgs.length > 0 ? '`npx provision export --org NAME` for each org\n   (it writes to orgs/NAME/)' : '`npx provision init --from-org --force`\n   with GENESYS_* set';
  const first = input.example
    ? `Replace ${input.usersDir}/example.yaml with your users (or run ${from} to start from the org's users), then \`npx provision validate\`.`
    : `Review the users exported to ${input.usersDir}/ and \`npx provision validate\` them.`;
  return [
    'Next steps',
    '',
    `1. ${first}`,
    '',
    '2. Create two OAuth clients in Genesys Cloud (Admin > Integrations > OAuth > Add client, grant',
    '   type Client Credentials), each with a role holding exactly the permissions below for its',
    '   role, granted in every division provision manages and in the home division:',
    '   - provision-plan: read-only; plans pull requests and checks drift nightly.',
    '   - provision-apply: applies the reviewed plan after a merge.',
    '   (`npx provision permissions` prints this list again for the fields your users files manage.)',
    '',
    indent(input.permissions, '   '),
    '',
    ...(input.orgs && input.orgs.length > 0 ? orgSteps(input.orgs, input.requiredCheck) : singleSteps(input)),
  ].join('\n');
}

/** Steps 3 to 6 for the one org. */
function singleSteps(input: NextStepsInput): string[] {
  return [
    '3. In the repository settings (Settings > Secrets and variables > Actions), add the secrets',
    '   GENESYS_PLAN_CLIENT_ID and GENESYS_PLAN_CLIENT_SECRET (the plan client), and the variable',
    `   GENESYS_ENVIRONMENT = ${input.environment}`,
    '',
    '4. Create an environment named "production" (Settings > Environments) with required reviewers,',
    '   deployments limited to the default branch, and the secrets GENESYS_APPLY_CLIENT_ID and',
    '   GENESYS_APPLY_CLIENT_SECRET (the apply client). Its reviewers approve each plan before it is applied.',
    '',
    '5. Protect the default branch (Settings > Rules or Branches): require a pull request with a review',
    `   and the status check "${input.requiredCheck}". Add a CODEOWNERS file: each division's users files`,
    '   owned by its leads, .github/ and provision.yaml by the admins (see the README).',
    '',
    '6. Commit and push. Pull requests that change the users files now get a plan as a comment; merging',
    '   applies exactly that plan, after the production environment\'s approval.',
    '',
  ];
}
