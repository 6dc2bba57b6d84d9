// The sandbox's state file is written whole: a save cut off part-way leaves the previous state, loadable, and no temp file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startSandbox } from '../../src/sandbox/index.js';
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
// A save fails in a timer or in stop(), whichever comes first.
process.on('uncaughtException', (error) => { console.error(error.code); process.exit(3); });
await sb.stop();`;
    const limit = Math.ceil((saved.length + 1) / 512) + 1;
    const r = await new Promise<{ status: number; stderr: string }>((resolve) => {
      execFile('/bin/sh', ['-c', `ulimit -f ${limit} && exec "$0" --input-type=module -e "$1"`, process.execPath, script], { encoding: 'utf8' }, (error, _stdout, stderr) => {
        resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stderr });
      });
    });
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim(), 'EFBIG');
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
