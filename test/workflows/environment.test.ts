// The workflows and the action never let the credentials go to a server other than a Genesys Cloud region: no --allow-custom-environment, CI never unset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACTION_FILE, REPO, WORKFLOWS, loadWorkflow } from './harness.js';
import type { Workflow } from './harness.js';

/** This repository's workflows and the consumer workflows `provision init` writes, by absolute path. */
const TEMPLATES = join(REPO, 'templates', 'workflows');
const FILES = [WORKFLOWS, TEMPLATES].flatMap((dir) => readdirSync(dir).filter((file) => file.endsWith('.yml')).map((file) => join(dir, file))).sort();
const name = (file: string): string => file.slice(REPO.length + 1);

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

test('the consumer workflows run provision against the org through the action (so these tests guard something)', () => {
  const running = FILES.filter((file) => /command: (plan|apply|drift)/.test(readFileSync(file, 'utf8'))).map(name);
  assert.deepEqual(running, ['templates/workflows/provision-apply.yml', 'templates/workflows/provision-drift.yml', 'templates/workflows/provision-plan.yml']);
  assert.match(readFileSync(ACTION_FILE, 'utf8'), /node "\$\{PROVISION_BIN\}" plan /);
});

for (const file of [...FILES, ACTION_FILE]) {
  test(`${name(file)} never passes --allow-custom-environment`, () => {
    assert.doesNotMatch(readFileSync(file, 'utf8'), /allow-custom-environment/i);
  });

  test(`${name(file)} never sets CI (GitHub's CI=true is what makes provision refuse any other server)`, () => {
    if (file !== ACTION_FILE) {
      for (const { where, env } of envMaps(name(file), loadWorkflow(file))) {
        assert.ok(!Object.keys(env).some((key) => key.toUpperCase() === 'CI'), `${where} sets CI`);
      }
    }
    assert.doesNotMatch(readFileSync(file, 'utf8'), /\b(export|unset)\s+CI\b|\bCI=|^\s+CI:/m);
  });
}
