// `provision export`: writing the files (refusal to overwrite, --force, --dry-run, atomic writes) and flag errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportToFolder, schemaRefFor } from '../../src/cli/export.js';
import type { ExportToFolderOptions } from '../../src/cli/export.js';
import { DEFAULT_EXPORT_OPTIONS } from '../../src/export/index.js';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import { ProvisionError } from '../../src/model/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { smallSeed } from '../support/sandbox.js';

function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, ['bin/provision.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('exportToFolder against the sandbox', () => {
  let sb: RunningSandbox;
  let conn: Connection;
  let dir: string;
  before(async () => {
    sb = await startSandbox({ port: 0, seed: smallSeed(), requestsPerMinute: 1_000_000 });
    const client = sb.clients[0];
    assert.ok(client);
    conn = await connect({ environment: sb.url, clientId: client.id, clientSecret: client.secret });
  });
  after(async () => {
    await sb.stop();
  });
  const fresh = async (): Promise<string> => {
    dir = await mkdtemp(path.join(tmpdir(), 'provision-export-cli-'));
    return dir;
  };
  const options = (extra: Partial<ExportToFolderOptions> = {}): ExportToFolderOptions => ({
    out: 'users',
    options: { ...DEFAULT_EXPORT_OPTIONS, splitBy: 'division', schemaRef: '../schemas/users.schema.json' },
    force: false,
    dryRun: false,
    cwd: dir,
    ...extra,
  });

  it('writes one file per division, atomically (no temp files left)', async () => {
    await fresh();
    const result = await exportToFolder(conn.reader, options());
    assert.equal(result.written, true);
    assert.deepEqual(
      result.files.map((f) => [f.display, f.users]),
      [
        ['users/home.yaml', 3],
        ['users/support.yaml', 1],
      ],
    );
    assert.deepEqual(await readdir(path.join(dir, 'users')), ['home.yaml', 'support.yaml']);
    assert.match(await readFile(path.join(dir, 'users/support.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\.\.\/schemas\/users\.schema\.json\n/);
    assert.ok(result.apiCalls > 0);
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses to overwrite: checks every target first and writes nothing', async () => {
    await fresh();
    await mkdir(path.join(dir, 'users'));
    await writeFile(path.join(dir, 'users/support.yaml'), 'hand-written\n');
    await assert.rejects(
      exportToFolder(conn.reader, options()),
      (e: unknown) => e instanceof ProvisionError && e.code === 'output-exists' && e.issues.length === 1 && e.issues[0]?.file === 'users/support.yaml',
    );
    assert.deepEqual(await readdir(path.join(dir, 'users')), ['support.yaml']);
    assert.equal(await readFile(path.join(dir, 'users/support.yaml'), 'utf8'), 'hand-written\n');

    const forced = await exportToFolder(conn.reader, options({ force: true }));
    assert.equal(forced.written, true);
    assert.match(await readFile(path.join(dir, 'users/support.yaml'), 'utf8'), /ola\.lind@acme\.com/);
    await rm(dir, { recursive: true, force: true });
  });

  it('--force onto a folder named like an output file: refused before anything is replaced, no temp files', async () => {
    await fresh();
    await mkdir(path.join(dir, 'users/support.yaml'), { recursive: true });
    await writeFile(path.join(dir, 'users/home.yaml'), 'hand-written\n');
    await assert.rejects(
      exportToFolder(conn.reader, options({ force: true })),
      (e: unknown) => e instanceof ProvisionError && e.code === 'output-not-a-file' && e.issues[0]?.file === 'users/support.yaml',
    );
    assert.deepEqual((await readdir(path.join(dir, 'users'))).sort(), ['home.yaml', 'support.yaml']);
    assert.equal(await readFile(path.join(dir, 'users/home.yaml'), 'utf8'), 'hand-written\n');
    await rm(dir, { recursive: true, force: true });
  });

  it('--force replaces every existing file and leaves no temp or set-aside file', async () => {
    await fresh();
    await mkdir(path.join(dir, 'users'));
    await writeFile(path.join(dir, 'users/home.yaml'), 'old home\n');
    await writeFile(path.join(dir, 'users/support.yaml'), 'old support\n');
    const result = await exportToFolder(conn.reader, options({ force: true }));
    assert.equal(result.written, true);
    assert.deepEqual((await readdir(path.join(dir, 'users'))).sort(), ['home.yaml', 'support.yaml']);
    assert.doesNotMatch(await readFile(path.join(dir, 'users/home.yaml'), 'utf8'), /old home/);
    await rm(dir, { recursive: true, force: true });
  });

  it('--dry-run lists the files and writes nothing, not even the folder', async () => {
    await fresh();
    const result = await exportToFolder(conn.reader, options({ dryRun: true }));
    assert.equal(result.written, false);
    assert.equal(result.files.length, 2);
    assert.ok(result.files.every((f) => !f.exists));
    assert.equal(existsSync(path.join(dir, 'users')), false);
    await rm(dir, { recursive: true, force: true });
  });

  it('warns about other users files in the folder, which would be read with the export', async () => {
    await fresh();
    await mkdir(path.join(dir, 'users'));
    await writeFile(path.join(dir, 'users/legacy.csv'), 'email,name\n');
    const result = await exportToFolder(conn.reader, options({ dryRun: true }));
    assert.ok(result.warnings.some((w) => w.code === 'other-users-files' && w.message.includes('legacy.csv')));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses an export that selects nobody', async () => {
    await fresh();
    await assert.rejects(
      exportToFolder(conn.reader, options({ options: { ...DEFAULT_EXPORT_OPTIONS, emailDomains: ['nowhere.example'] } })),
      (e: unknown) => e instanceof ProvisionError && e.code === 'no-users-selected',
    );
    assert.equal(existsSync(path.join(dir, 'users')), false);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('provision export flags', () => {
  it('points the $schema line from the output folder to schemas/', async () => {
    assert.equal(await schemaRefFor('users'), '../schemas/users.schema.json');
    assert.equal(await schemaRefFor('config/team/users'), '../../../schemas/users.schema.json');
  });

  it('rejects unknown --fields before any network call', () => {
    const r = run(['export', '--fields', 'title,skils', '--dry-run']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /unknown-field {2}--fields: "skils" is not a field of the users files\.\n {4}hint: Did you mean "skills"\?/);
    assert.equal(r.stdout, '');
  });

  it('rejects a format it does not know', () => {
    const r = run(['export', '--format', 'xml']);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /argument 'xml' is invalid/);
  });
});
