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
}

const indent = (text: string, by: string): string =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '' : `${by}${line}`))
    .join('\n');

export function renderNextSteps(input: NextStepsInput): string {
  const first = input.example
    ? `Replace ${input.usersDir}/example.yaml with your users (or run \`npx provision init --from-org --force\`\n   with GENESYS_* set to start from the org's users), then \`npx provision validate\`.`
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
  ].join('\n');
}
