// The terminal renderer and the summary line: colour only when asked, counts, the empty plan, json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPlan, summaryLine } from '../../src/render/index.js';
import { displayWidth } from '../../src/rules/width.js';
import { blockedPlan, createNamed, emptyPlan, fullPlan, overriddenPlan, plan } from './plans.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

test('colour off gives no ANSI escapes; colour on gives some, and the same text beneath', () => {
  const plain = renderPlan(fullPlan, 'text', { color: false });
  const coloured = renderPlan(fullPlan, 'text', { color: true });
  assert.doesNotMatch(plain, ANSI);
  assert.doesNotMatch(renderPlan(fullPlan, 'text'), ANSI, 'off by default');
  assert.match(coloured, ANSI);
  // eslint-disable-next-line no-control-regex
  const stripped = coloured.replace(/\u001b\[[0-9;]*m/g, '');
  // Only the word diff differs: colour replaces its [-…-]{+…+} markers.
  const unmark = (s: string): string => s.replace(/\[-(.*?)-\]|\{\+(.*?)\+\}/g, '$1$2');
  assert.equal(stripped, unmark(plain));
});

test('the summary line counts every action and formats thousands', () => {
  const p = plan([], { summary: { create: 3, update: 5, restore: 1, deactivate: 1, unchanged: 1940, unmanaged: 12 } });
  assert.equal(summaryLine(p), 'Plan: 3 to create, 5 to update, 1 to restore, 1 to deactivate. 1,940 unchanged, 12 unmanaged.');
  assert.equal(summaryLine(emptyPlan), 'No changes. The org matches users/. 940 unchanged, 12 unmanaged.');
});

test('every renderer ends with the summary line (json aside) and handles the empty plan', () => {
  for (const p of [fullPlan, emptyPlan, blockedPlan]) {
    assert.ok(renderPlan(p, 'text').endsWith(`${summaryLine(p)}\n`));
    assert.ok(renderPlan(p, 'markdown').endsWith(`**${summaryLine(p)}**\n`));
  }
  assert.doesNotMatch(renderPlan(emptyPlan, 'markdown'), /<details/);
});

test('blocked and overridden plans say so in the text', () => {
  assert.match(renderPlan(blockedPlan, 'text'), /^Blocked: this plan breaks 3 safety rules and will not be applied\.$/m);
  assert.match(renderPlan(overriddenPlan, 'text'), /--allow-unsafe let it through/);
  assert.doesNotMatch(renderPlan(overriddenPlan, 'text'), /will not be applied/);
});

test('source columns line up on screen when names are CJK or emoji (two columns a character)', () => {
  const names = ['山田 太郎', 'Ola Lind', 'Zoë 👩‍💻 Berg', '김민준'];
  const changes = names.map((name, i) => ({ ...createNamed(name).changes[0]!, email: `user${i}@acme.com`, source: { file: 'users/team.yaml', line: i + 1 } }));
  for (const color of [false, true]) {
    const lines = renderPlan(plan(changes), 'text', { color }).split('\n').filter((l) => l.includes('users/team.yaml:'));
    assert.equal(lines.length, names.length);
    const columns = new Set(lines.map((l) => displayWidth(l.slice(0, l.indexOf('users/team.yaml')))));
    assert.equal(columns.size, 1, lines.join('\n'));
  }
});

test('json is the plan itself and parses back to it', () => {
  const out = renderPlan(fullPlan, 'json');
  assert.ok(out.endsWith('}\n'));
  assert.deepEqual(JSON.parse(out), fullPlan);
});

test('source columns line up across changes', () => {
  const lines = renderPlan(fullPlan, 'text').split('\n').filter((l) => /users\/\S+:\d+$/.test(l));
  const columns = new Set(lines.map((l) => l.search(/users\/\S+:\d+$/)));
  assert.equal(columns.size, 1, lines.join('\n'));
});
