// Golden files and hand-built test data carry only issue codes and rule names the product can emit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const KEBAB = '[a-z][a-z0-9]*(?:-[a-z0-9]+)+';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts'))
    .map((d) => path.join(d.parentPath, d.name));
}

/** The text of a source file without its comments, so that a code only mentioned in a comment does not count. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
}

/**
 * Every code the product can emit is spelled in src/ as a string, whole (`'duplicate-email'`) or as the
 * head of a template (`unknown-${kind}`); there is no single list of codes to compare with. An invented
 * code is spelled nowhere.
 */
const product = (() => {
  const whole = new Set<string>();
  const heads = new Set<string>();
  for (const file of sources('src')) {
    const text = code(file);
    for (const m of text.matchAll(new RegExp(`['"\`](${KEBAB})['"\`]`, 'g'))) whole.add(m[1]!);
    for (const m of text.matchAll(/`([a-z][a-z0-9]*(?:-[a-z0-9]+)*-)\$\{/g)) heads.add(m[1]!);
  }
  return { whole, heads };
})();

function emitted(candidate: string): boolean {
  if (product.whole.has(candidate)) return true;
  return [...product.heads].some((head) => candidate.startsWith(head) && /^[a-z0-9]+$/.test(candidate.slice(head.length)));
}

test('the product vocabulary is read: known codes are in it, an invented one is not', () => {
  for (const known of ['duplicate-email', 'manager-undeclared', 'max-deactivations', 'last-admin', 'unknown-skill', 'http-503', 'plan-checksum-mismatch']) {
    assert.ok(emitted(known), known);
  }
  for (const invented of ['manager-not-declared', 'prune-disabled', 'unknown-skill-level']) assert.ok(!emitted(invented), invented);
});

/** Codes and rule names in one golden file, by format. */
function goldenCodes(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  if (file.endsWith('.json')) {
    const found: string[] = [];
    JSON.parse(text, (key, value: unknown) => {
      if ((key === 'code' || key === 'rule') && typeof value === 'string') found.push(value);
      return value;
    });
    return found;
  }
  if (file.endsWith('.md')) return [...text.matchAll(new RegExp(`\\*\\*(${KEBAB})\\*\\*`, 'g'))].map((m) => m[1]!);
  return [...text.matchAll(new RegExp(`(?:warning (${KEBAB})  |^ {2}- (${KEBAB}): )`, 'gm'))].map((m) => (m[1] ?? m[2])!);
}

const GOLDEN = 'test/render/golden';

for (const name of readdirSync(GOLDEN).sort()) {
  test(`golden ${name} carries only codes the product emits`, () => {
    const codes = goldenCodes(`${GOLDEN}/${name}`);
    for (const c of codes) assert.ok(emitted(c), `${name}: "${c}" is not a code the product emits`);
  });
}

test('the goldens with warnings and violations are read, in every format', () => {
  for (const plan of ['full', 'blocked', 'overridden']) {
    const counts = ['json', 'txt', 'md'].map((ext) => goldenCodes(`${GOLDEN}/${plan}.${ext}`).length);
    assert.ok(counts[0]! >= 2, `${plan}.json: ${counts[0]} codes`);
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `${plan}: every format shows the same codes`);
  }
});

test('issue codes written in the tests are codes the product emits', () => {
  const invented: string[] = [];
  for (const file of sources('test')) {
    for (const m of code(file).matchAll(new RegExp(`\\bcode: '(${KEBAB})'`, 'g'))) if (!emitted(m[1]!)) invented.push(`${file}: ${m[1]}`);
  }
  assert.deepEqual(invented, []);
});
