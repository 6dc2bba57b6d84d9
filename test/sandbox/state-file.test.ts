// The sandbox's state file is written whole: a save cut off part-way leaves the previous state, loadable, and no temp file; a save that fails while serving is reported and never stops the sandbox.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';
import { orgFromSeed } from '../../src/sandbox/org.js';
import { persist } from '../../src/sandbox/persistence.js';
import { smallSeed } from '../support/sandbox.js';

const SANDBOX = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/sandbox/index.js')).href;

test('a state save that fails part-way keeps the previous state file whole; the next sandbox starts from it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-state-file-'));
  const statePath = path.join(dir, 'org.json');
  try {
    const first = await startSandbox({ port: 0, seed: smallSeed(), statePath });
    await first.stop();
    const saved = readFileSync(statePath, 'utf8');

    // Another sandbox resumes from it, adds users, and stops under a file-size limit the new state exceeds.
    const script = `const { startSandbox } = await import(${JSON.stringify(SANDBOX)});
const sb = await startSandbox({ port: 0, statePath: ${JSON.stringify(statePath)} });
for (let i = 0; i < 500; i++) sb.org.addUser({ email: 'added' + i + '@acme.com', name: 'Added ' + i });
// The final save, in stop(), fails: stop rejects with the cause, and nothing escapes uncaught.
process.on('uncaughtException', (error) => { console.error('uncaught', error.code); process.exit(4); });
try { await sb.stop(); } catch (error) { console.error(error.name, /\\((\\w+)\\)/.exec(error.message)?.[1]); process.exit(3); }`;
    const limit = Math.ceil((saved.length + 1) / 512) + 1;
    const r = await new Promise<{ status: number; stderr: string }>((resolve) => {
      execFile('/bin/sh', ['-c', `ulimit -f ${limit} && exec "$0" --input-type=module -e "$1"`, process.execPath, script], { encoding: 'utf8' }, (error, _stdout, stderr) => {
        resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stderr });
      });
    });
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim(), 'StateSaveError EFBIG');
    assert.equal(readFileSync(statePath, 'utf8'), saved);
    assert.deepEqual(readdirSync(dir), ['org.json']);

    const again = await startSandbox({ port: 0, statePath });
    try {
      assert.equal(again.org.liveUserByEmail('added0@acme.com'), undefined);
      assert.ok(again.org.liveUserByEmail('nina.berg@acme.com'));
    } finally {
      await again.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a save that fails while the sandbox serves is reported once, the sandbox keeps answering, and the next change saves again', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sandbox-state-file-'));
  const folder = path.join(dir, 'state');
  const statePath = path.join(folder, 'org.json');
  const warnings: string[] = [];
  mkdirSync(folder);
  const org = orgFromSeed(smallSeed());
  const persistence = persist(org, statePath, (m) => warnings.push(m));
  const settle = () => new Promise((r) => setTimeout(r, 150));
  try {
    // A file where the state's folder was: every save fails (as root too) until the folder is back.
    rmSync(folder, { recursive: true });
    writeFileSync(folder, '');
    org.addUser({ email: 'one@acme.com', name: 'One' });
    await settle();
    org.addUser({ email: 'two@acme.com', name: 'Two' });
    await settle();
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0]!, /^sandbox: the sandbox org cannot be saved to .*org\.json \(ENOTDIR\); the org stays in memory/);
    // Starting on a state file that cannot be written fails at once, with the path and the cause.
    assert.throws(() => persist(orgFromSeed(smallSeed()), statePath, () => undefined), { name: 'StateSaveError', message: /org\.json \(ENOTDIR\)/ });

    rmSync(folder);
    mkdirSync(folder);
    org.addUser({ email: 'three@acme.com', name: 'Three' });
    await settle();
    const saved = readFileSync(statePath, 'utf8');
    assert.ok(saved.includes('one@acme.com') && saved.includes('three@acme.com'));
  } finally {
    persistence.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
