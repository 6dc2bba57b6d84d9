// Limits Genesys enforces (issue 15, item 9): value lengths and empty extensions are caught before a plan.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Issue } from '../../src/model/index.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';

describe('limits Genesys enforces', () => {
  async function load(yaml: string): Promise<Issue[]> {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
    try {
      writeFileSync(path.join(dir, 'u.yaml'), yaml);
      return (await loadDesired(['u.yaml'], defaultConfig(dir), { cwd: dir })).issues;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  for (const field of ['name', 'title', 'department']) {
    test(`a ${field} over 255 characters is value-too-long; 255 is fine`, async () => {
      const base = 'users:\n  - email: a@acme.com\n    name: A\n';
      const long = (n: number): string => (field === 'name' ? `users:\n  - email: a@acme.com\n    name: ${'x'.repeat(n)}\n` : `${base}    ${field}: ${'x'.repeat(n)}\n`);
      assert.deepEqual(await load(long(255)), []);
      const issues = await load(long(256));
      assert.deepEqual(issues.map((i) => i.code), ['value-too-long']);
      assert.match(issues[0]!.message, /256 characters.*255/);
    });
  }

  const extensions: [string, string][] = [
    ['"+1 317 555 0100 x"', 'x with nothing after it'],
    ['"+1 317 555 0100 ext."', 'ext. with nothing after it'],
    ['"x"', 'x alone'],
    ['{ number: "+1 317 555 0100", extension: "" }', 'an empty extension field'],
  ];
  for (const [phone, name] of extensions) {
    test(`an empty extension is an error: ${name}`, async () => {
      const issues = await load(`users:\n  - email: a@acme.com\n    name: A\n    phones:\n      work: ${phone}\n`);
      assert.deepEqual(issues.map((i) => [i.code, i.line]), [['empty-extension', 5]]);
    });
  }
});
