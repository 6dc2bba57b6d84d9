// provision.yaml: defaults, required files, validation with positions, usersDir next to the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProvisionError } from '../../src/model/index.js';
import { loadConfig } from '../../src/desired/index.js';

function withDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-config-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('a missing config gives every default', withDir(async (dir) => {
  const config = await loadConfig(path.join(dir, 'provision.yaml'));
  assert.deepEqual(config, {
    usersDir: path.join(dir, 'users'),
    personasDir: path.join(dir, 'personas'),
    scope: { divisions: [], emailDomains: [], prune: false },
    safety: { maxDeactivations: 10, maxDeactivationPercent: 10, protectedUsers: [], adminRoles: ['Master Admin', 'admin'] },
    apply: { concurrency: 8 },
    users: { create: true },
    requestsPerMinute: 300,
  });
}));

test('a missing config that is required is config-not-found', withDir(async (dir) => {
  await assert.rejects(loadConfig(path.join(dir, 'nope.yaml'), { required: true }), (e: unknown) => e instanceof ProvisionError && e.code === 'config-not-found');
}));

test('the example provision.yaml is valid; usersDir is resolved next to it', async () => {
  const config = await loadConfig('provision.yaml', { required: true });
  assert.equal(config.usersDir, path.resolve('users'));
  assert.equal(config.phoneRegion, 'US');
  assert.deepEqual(config.scope.emailDomains, ['acme.com', 'partners.acme.com']);
  assert.deepEqual(config.safety.protectedUsers, ['grace.holloway@acme.com']);
});

test('partial sections keep the other defaults', withDir(async (dir) => {
  const file = path.join(dir, 'p.yaml');
  writeFileSync(file, 'usersDir: ../people\nsafety:\n  maxDeactivations: 3\n  protectedUsers: [" Boss@Acme.com"]\n');
  const config = await loadConfig(file);
  assert.equal(config.usersDir, path.resolve(dir, '../people'));
  assert.deepEqual(config.safety, { maxDeactivations: 3, maxDeactivationPercent: 10, protectedUsers: ['boss@acme.com'], adminRoles: ['Master Admin', 'admin'] });
  assert.equal(config.apply.concurrency, 8);
}));

const invalid: [string, string, string, number, number][] = [
  ['misspelled key', 'safty:\n  maxDeactivations: 3\n', 'unknown-field', 1, 1],
  ['out of range', 'apply:\n  concurrency: 0\n', 'schema-range', 2, 16],
  ['wrong type', 'scope:\n  prune: "yes please"\n', 'schema-type', 2, 10],
  ['unknown region', 'phoneRegion: XX\n', 'invalid-phone-region', 1, 14],
  ['bad yaml', 'scope: [\n', 'yaml-syntax', 2, 1],
  ['percent over 100', 'safety:\n  maxDeactivationPercent: 150\n', 'schema-range', 2, 27],
];
for (const [name, text, code, line, column] of invalid) {
  test(`invalid config: ${name} → ${code} at ${line}:${column}`, withDir(async (dir) => {
    const file = path.join(dir, 'provision.yaml');
    writeFileSync(file, text);
    await assert.rejects(loadConfig(file), (e: unknown) => {
      assert.ok(e instanceof ProvisionError);
      assert.equal(e.code, 'invalid-config');
      const issue = e.issues.find((i) => i.code === code);
      assert.ok(issue, JSON.stringify(e.issues));
      assert.equal(issue.line, line);
      assert.equal(issue.column, column);
      return true;
    });
  }));
}
