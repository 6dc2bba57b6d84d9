// `plan --out` and `export` write whole files: a write that fails part-way (the file-size limit cuts it off) leaves the old files as they were.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoSeed, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const SECRET = 'whole-files-secret-5d1e';
/** Blocks of 512 bytes (dash) or 1024 (bash): either way the export's home.yaml (775 bytes) fits, its sales.yaml (3 kB) and the plan (22 kB) do not. */
const LIMIT = 2;

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the binary under a file-size limit, so that a write beyond it fails part-way with EFBIG (Node ignores SIGXFSZ). */
function runLimited(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  const clean: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
  for (const name of Object.keys(clean)) if (name.startsWith('GENESYS')) delete clean[name];
  const command = `ulimit -f ${LIMIT} && exec "$0" "$@"`;
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command, process.execPath, BIN, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

const explain = (r: Run): string => `exit ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;

describe('whole files, against a sandbox named by GENESYS_* variables', () => {
  let dir: string;
  let sb: RunningSandbox;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'provision-whole-'));
    for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [{ id: 'whole-client', secret: SECRET }] });
    env = { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'whole-client', GENESYS_CLIENT_SECRET: SECRET };
  });
  after(async () => {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plan --out: a failed write keeps the old plan file whole and leaves no temp file', async () => {
    const out = path.join(dir, 'out');
    mkdirSync(out);
    writeFileSync(path.join(out, 'plan.json'), '{"old":"plan"}\n');
    const r = await runLimited(dir, ['plan', '--format', 'json', '--out', 'out/plan.json'], env);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error output-unwritable {2}Cannot write out\/plan\.json \(EFBIG\)\./);
    assert.equal(readFileSync(path.join(out, 'plan.json'), 'utf8'), '{"old":"plan"}\n');
    assert.deepEqual(readdirSync(out), ['plan.json']);
  });

  it('export --force: when a later file fails, the files written before it get their old content back, and new ones are removed', async () => {
    const out = path.join(dir, 'exported');
    mkdirSync(out);
    writeFileSync(path.join(out, 'home.yaml'), 'users: [] # old home\n');
    writeFileSync(path.join(out, 'sales.yaml'), 'users: [] # old sales\n');
    const r = await runLimited(dir, ['export', '--out', 'exported', '--split-by', 'division', '--force'], env);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /error write-failed {2}Could not write to exported: EFBIG/);
    assert.match(r.stderr, /nothing was written/);
    assert.equal(readFileSync(path.join(out, 'home.yaml'), 'utf8'), 'users: [] # old home\n', 'home.yaml was written, then put back');
    assert.equal(readFileSync(path.join(out, 'sales.yaml'), 'utf8'), 'users: [] # old sales\n');
    assert.deepEqual(readdirSync(out).sort(), ['home.yaml', 'sales.yaml'], 'support.yaml never written, no temp file left');
  });

  it('export into a new folder: a failure leaves no file behind', async () => {
    const r = await runLimited(dir, ['export', '--out', 'fresh', '--split-by', 'division'], env);
    assert.equal(r.status, 1, explain(r));
    assert.match(r.stderr, /write-failed/);
    assert.deepEqual(readdirSync(path.join(dir, 'fresh')), []);
  });
});
