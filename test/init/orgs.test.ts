// `provision init --org test --org prod` through the built binary: the orgs: section, a folder per org, the workflows with a job per org; bad org names refused.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';

const BIN = join(resolve('.'), 'bin', 'provision.js');

function provision(cwd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env)) if (name.startsWith('GENESYS') || name.startsWith('PROVISION')) delete env[name];
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8' });
  return { status: run.status ?? 1, stdout: run.stdout, stderr: run.stderr };
}

function inFolder(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'provision-init-orgs-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type Job = { strategy?: { matrix: { include: { org: string; key: string }[] } }; needs?: string[]; if?: string; environment?: string; steps: { with?: Record<string, string>; env?: Record<string, string> }[] };

describe('provision init --org', () => {
  test('writes an orgs: section in promotion order, a users file per org and workflows with a job per org; validate --all passes', () =>
    inFolder((dir) => {
      const run = provision(dir, ['init', '--org', 'test', '--org', 'eu-prod']);
      assert.equal(run.status, 0, run.stderr);
      const config = parse(readFileSync(join(dir, 'provision.yaml'), 'utf8')) as { orgs: Record<string, { usersDir: string[] }> };
      assert.deepEqual(Object.keys(config.orgs), ['test', 'eu-prod']);
      assert.deepEqual(config.orgs['eu-prod']!.usersDir, ['users', 'orgs/eu-prod']);
      for (const org of ['test', 'eu-prod']) assert.ok(existsSync(join(dir, `orgs/${org}/${org}.yaml`)));

      const plan = parse(readFileSync(join(dir, '.github/workflows/provision-plan.yml'), 'utf8')) as { jobs: Record<string, Job> };
      assert.deepEqual(plan.jobs.plan!.strategy!.matrix.include, [{ org: 'test', key: 'TEST' }, { org: 'eu-prod', key: 'EU_PROD' }]);
      assert.equal(plan.jobs.plan!.steps[1]!.with!.org, '${{ matrix.org }}');
      const apply = parse(readFileSync(join(dir, '.github/workflows/provision-apply.yml'), 'utf8')) as { jobs: Record<string, Job> };
      assert.deepEqual(Object.keys(apply.jobs), ['plan-test', 'apply-test', 'plan-eu-prod', 'apply-eu-prod']);
      assert.equal(apply.jobs['apply-eu-prod']!.environment, 'eu-prod');
      assert.deepEqual(apply.jobs['apply-eu-prod']!.needs, ['plan-eu-prod', 'apply-test']);
      assert.equal(apply.jobs['plan-eu-prod']!.steps[1]!.env!.GENESYS_CLIENT_ID, '${{ secrets.GENESYS_PLAN_CLIENT_ID_EU_PROD }}');
      for (const name of ['plan', 'apply', 'drift']) assert.doesNotMatch(readFileSync(join(dir, `.github/workflows/provision-${name}.yml`), 'utf8'), /__[A-Z_]+__/);
      assert.match(run.stdout, /status checks "Validate and plan \(test\)", "Validate and plan \(eu-prod\)"/);
      assert.match(run.stdout, /GENESYS_PLAN_CLIENT_ID_EU_PROD and GENESYS_PLAN_CLIENT_SECRET_EU_PROD \(org eu-prod\)/);

      const validate = provision(dir, ['validate', '--all']);
      assert.equal(validate.status, 0, validate.stdout + validate.stderr);
      assert.match(validate.stdout, /=== org test ===\n.*3 valid users in 2 files/);
    }));

  test('refuses a bad or repeated org name, and --from-org with orgs, writing nothing', () =>
    inFolder((dir) => {
      for (const [args, code] of [
        [['--org', 'Prod'], 'invalid-org'],
        [['--org', 'test', '--org', 'test'], 'invalid-org'],
        [['--org', 'test', '--from-org'], 'from-org-with-orgs'],
      ] as const) {
        const run = provision(dir, ['init', ...args]);
        assert.equal(run.status, 1, run.stdout);
        assert.match(run.stderr, new RegExp(`error ${code} `));
      }
      assert.ok(!existsSync(join(dir, 'provision.yaml')));
    }));
});
