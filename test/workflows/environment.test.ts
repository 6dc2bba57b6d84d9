// The workflows never let the credentials go to a server other than a Genesys Cloud region: no --allow-custom-environment, CI never unset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKFLOWS, loadWorkflow } from './harness.js';
import type { Workflow } from './harness.js';

const FILES = readdirSync(WORKFLOWS).filter((file) => file.endsWith('.yml')).sort();

/** Every env map of a workflow: the workflow's, each job's and each step's, with where it is. */
function envMaps(file: string, workflow: Workflow): Array<{ where: string; env: Record<string, unknown> }> {
  const out: Array<{ where: string; env: Record<string, unknown> }> = [];
  if (workflow.env) out.push({ where: file, env: workflow.env });
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (job.env) out.push({ where: `${file} ${jobId}`, env: job.env });
    job.steps.forEach((step, i) => {
      if (step.env) out.push({ where: `${file} ${jobId} step ${i + 1}`, env: step.env });
    });
  }
  return out;
}

test('the workflows run provision against the org (so this test guards something)', () => {
  const running = FILES.filter((file) => /npx provision (plan|apply)/.test(readFileSync(join(WORKFLOWS, file), 'utf8')));
  assert.deepEqual(running, ['apply.yml', 'drift.yml', 'plan.yml']);
});

for (const file of FILES) {
  test(`${file} never passes --allow-custom-environment`, () => {
    assert.doesNotMatch(readFileSync(join(WORKFLOWS, file), 'utf8'), /allow-custom-environment/i);
  });

  test(`${file} never sets CI (GitHub's CI=true is what makes provision refuse any other server)`, () => {
    for (const { where, env } of envMaps(file, loadWorkflow(file))) {
      assert.ok(!Object.keys(env).some((name) => name.toUpperCase() === 'CI'), `${where} sets CI`);
    }
    assert.doesNotMatch(readFileSync(join(WORKFLOWS, file), 'utf8'), /\b(export|unset)\s+CI\b|\bCI=/);
  });
}
