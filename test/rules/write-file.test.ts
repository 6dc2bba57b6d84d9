// Whole-file writes: the new content or the old, never half; failures and crashes part-way leave the old file and no temp file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeWhole, writeWholeSync } from '../../src/rules/write-file.js';

const MODULE = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/rules/write-file.js')).href;

function inDir(run: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'provision-write-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('writes a new file, replaces an old one, and leaves nothing else beside it', inDir(async (dir) => {
  const file = path.join(dir, 'plan.json');
  await writeWhole(file, 'first\n');
  assert.equal(readFileSync(file, 'utf8'), 'first\n');
  await writeWhole(file, Buffer.from('second\n'));
  writeWholeSync(file, 'third, 山田\n');
  assert.equal(readFileSync(file, 'utf8'), 'third, 山田\n');
  assert.deepEqual(readdirSync(dir), ['plan.json']);
}));

test('an existing file keeps its mode, and a link keeps pointing at the file it names', inDir(async (dir) => {
  const file = path.join(dir, 'state.json');
  writeFileSync(file, 'old');
  chmodSync(file, 0o600);
  const link = path.join(dir, 'link.json');
  symlinkSync(file, link);
  await writeWhole(link, 'new');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(readFileSync(file, 'utf8'), 'new');
  assert.ok(readdirSync(dir).every((n) => n === 'state.json' || n === 'link.json'));
}));

test('a missing folder is an error with its code, and writes nothing', inDir(async (dir) => {
  await assert.rejects(writeWhole(path.join(dir, 'nope', 'plan.json'), 'x'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  assert.throws(() => writeWholeSync(path.join(dir, 'nope', 'plan.json'), 'x'), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
  assert.deepEqual(readdirSync(dir), []);
}));

/** Runs an ES module script in a child Node under a file-size limit (blocks of 512 or 1024 bytes). */
function runLimited(blocks: number, script: string): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', `ulimit -f ${blocks} && exec "$0" --input-type=module -e "$1"`, process.execPath, script], { encoding: 'utf8' }, (error, _stdout, stderr) => {
      resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stderr });
    });
  });
}

for (const sync of [false, true]) {
  test(`a write cut off part-way (${sync ? 'sync' : 'async'}) leaves the old file whole and removes its temp file`, inDir(async (dir) => {
    const file = path.join(dir, 'plan.json');
    writeFileSync(file, '{"old":true}\n');
    const call = sync ? 'm.writeWholeSync(file, big)' : 'await m.writeWhole(file, big)';
    const script = `const m = await import(${JSON.stringify(MODULE)}); const file = ${JSON.stringify(file)}; const big = 'x'.repeat(256 * 1024);
try { ${call}; } catch (error) { console.error(error.code); process.exit(3); }`;
    const r = await runLimited(4, script);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim(), 'EFBIG');
    assert.equal(readFileSync(file, 'utf8'), '{"old":true}\n');
    assert.deepEqual(readdirSync(dir), ['plan.json']);
  }));
}

test('a process killed while it writes leaves a whole file: one of the versions it wrote, never part of one', inDir(async (dir) => {
  const file = path.join(dir, 'state.json');
  const size = 1024 * 1024;
  // Writes ever new versions as fast as it can, the way the sandbox saves its state, until it is killed.
  const script = `const m = await import(${JSON.stringify(MODULE)}); const pad = 'x'.repeat(${size});
for (let i = 0; ; i++) m.writeWholeSync(${JSON.stringify(file)}, JSON.stringify({ i, pad }));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    // Several versions in, then killed at whatever point it has reached.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as { i: number }).i >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 37));
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  const saved = JSON.parse(readFileSync(file, 'utf8')) as { i: number; pad: string };
  assert.ok(saved.i >= 2, `version ${saved.i}`);
  assert.equal(saved.pad.length, size);
}));
