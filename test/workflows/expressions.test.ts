// The test runner's expression evaluator follows GitHub's rules for the forms the workflows use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { condition, evaluate, interpolate } from './expressions.js';
import type { ExpressionScope } from './expressions.js';

const scope = (failed = false): ExpressionScope => ({
  contexts: {
    steps: { plan: { outputs: { outcome: 'changes' } }, skipped: { outputs: {} } },
    secrets: { A: 'x' },
    github: { event: { pull_request: { number: 7 } } },
  },
  failed,
  workspace: '/nonexistent',
});

const CASES: [string, unknown][] = [
  ["steps.plan.outputs.outcome == 'changes'", true],
  ["steps.plan.outputs.outcome == 'CHANGES'", true],
  ["steps.plan.outputs.outcome != ''", true],
  ["steps.skipped.outputs.outcome != ''", false],
  ["steps.skipped.outputs.outcome == ''", true],
  ["steps.plan.outputs.outcome == 'blocked' || steps.plan.outputs.outcome == 'changes'", true],
  ["!(steps.plan.outputs.outcome == 'changes')", false],
  ['github.event.pull_request.number', 7],
  ["github.event['pull_request'].number == 7", true],
  ['secrets.MISSING', undefined],
  ["hashFiles('nothing-here.json') != ''", false],
];

for (const [source, expected] of CASES) {
  test(`evaluates ${source}`, () => assert.equal(evaluate(source, scope()), expected));
}

test('if: adds success() unless a status function is called', () => {
  assert.equal(condition("steps.plan.outputs.outcome == 'changes'", scope(true)), false);
  assert.equal(condition('always()', scope(true)), true);
  assert.equal(condition(undefined, scope(true)), false);
  assert.equal(condition('${{ failure() }}', scope(true)), true);
});

test('interpolation turns missing values into empty strings', () => {
  assert.equal(interpolate('id=${{ secrets.A }} none=${{ secrets.B }}', scope()), 'id=x none=');
});

test('unsupported functions fail loudly', () => {
  assert.throws(() => evaluate("fromJSON('{}')", scope()), /not supported/);
});
