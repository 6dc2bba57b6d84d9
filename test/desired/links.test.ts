// Links and hidden entries in users/ (issue 15, item 4): followed inside the working directory, refused outside it, never skipped silently.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Issue, ProvisionConfig } from '../../src/model/index.js';
import { defaultConfig, loadDesired } from '../../src/desired/index.js';

const user = (email: string): string => `users:\n  - email: ${email}\n    name: Someone\n`;
const brief = (issues: readonly Issue[]): [string, string, string | undefined][] => issues.map((i) => [i.severity, i.code, i.file]);

function pruning(dir: string): ProvisionConfig {
  const config = defaultConfig(dir);
  config.scope = { divisions: [], emailDomains: ['acme.com'], prune: true };
  return config;
}

/** A repository in a temporary folder: `repo/` is the working directory, `outside/` is not in it. */
describe('links and hidden entries in users/', () => {
  let top: string;
  let repo: string;
  before(() => {
    top = mkdtempSync(path.join(tmpdir(), 'provision-inputs-'));
    repo = path.join(top, 'repo');
    mkdirSync(path.join(repo, 'users'), { recursive: true });
    mkdirSync(path.join(repo, 'shared', 'team'), { recursive: true });
    mkdirSync(path.join(top, 'outside'));
    writeFileSync(path.join(repo, 'users', 'a.yaml'), user('a@acme.com'));
    writeFileSync(path.join(repo, 'shared', 'b.yaml'), user('b@acme.com'));
    writeFileSync(path.join(repo, 'shared', 'team', 'c.csv'), 'email,name\nc@acme.com,C\n');
    writeFileSync(path.join(top, 'outside', 'secret.yaml'), user('secret@acme.com'));
  });
  after(() => rmSync(top, { recursive: true, force: true }));

  /** Runs `body` with extra entries in users/, removed afterwards. */
  async function withEntries(make: (users: string) => void, body: () => Promise<void>): Promise<void> {
    const users = path.join(repo, 'users');
    make(users);
    try {
      await body();
    } finally {
      rmSync(users, { recursive: true, force: true });
      mkdirSync(users);
      writeFileSync(path.join(users, 'a.yaml'), user('a@acme.com'));
    }
  }

  test('a link to a file inside the working directory is followed, shown under its own name', async () => {
    await withEntries(
      (users) => symlinkSync('../shared/b.yaml', path.join(users, 'b.yaml')),
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(state.issues, []);
        assert.deepEqual(state.files, ['users/a.yaml', 'users/b.yaml']);
        assert.deepEqual(state.users.map((u) => [u.email, u.source.file]), [['a@acme.com', 'users/a.yaml'], ['b@acme.com', 'users/b.yaml']]);
      },
    );
  });

  test('a link to a folder inside the working directory is walked', async () => {
    await withEntries(
      (users) => symlinkSync('../shared/team', path.join(users, 'team')),
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(state.issues, []);
        assert.deepEqual(state.files, ['users/a.yaml', 'users/team/c.csv']);
      },
    );
  });

  test('a link out of the working directory is refused, never read, and its file counts as failed', async () => {
    await withEntries(
      (users) => {
        symlinkSync('../../outside/secret.yaml', path.join(users, 'secret.yaml'));
        symlinkSync(path.join(top, 'outside'), path.join(users, 'elsewhere'));
      },
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(brief(state.issues), [
          ['error', 'symlink-outside', 'users/elsewhere'],
          ['error', 'symlink-outside', 'users/secret.yaml'],
        ]);
        assert.match(state.issues[1]!.message, /outside the working directory/);
        assert.ok(state.issues[1]!.hint);
        assert.deepEqual(state.users.map((u) => u.email), ['a@acme.com']);
        assert.deepEqual(state.failedFiles, ['users/elsewhere', 'users/secret.yaml']);
      },
    );
  });

  test('a link back into a folder being walked is a loop, reported once; its files are read once', async () => {
    await withEntries(
      (users) => symlinkSync('.', path.join(users, 'again')),
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(brief(state.issues), [['error', 'symlink-loop', 'users/again']]);
        assert.deepEqual(state.users.map((u) => u.email), ['a@acme.com']);
      },
    );
  });

  test('links that lead to each other and links to nothing are reported', async () => {
    await withEntries(
      (users) => {
        symlinkSync('y.yaml', path.join(users, 'x.yaml'));
        symlinkSync('x.yaml', path.join(users, 'y.yaml'));
        symlinkSync('gone.yaml', path.join(users, 'z.yaml'));
      },
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(brief(state.issues), [
          ['error', 'symlink-loop', 'users/x.yaml'],
          ['error', 'symlink-loop', 'users/y.yaml'],
          ['error', 'symlink-broken', 'users/z.yaml'],
        ]);
        assert.deepEqual(state.failedFiles, ['users/x.yaml', 'users/y.yaml', 'users/z.yaml']);
      },
    );
  });

  test('a second way to the same file or folder reads it once and says so', async () => {
    await withEntries(
      (users) => {
        symlinkSync('a.yaml', path.join(users, 'b-same.yaml'));
        symlinkSync('../shared/team', path.join(users, 'team1'));
        symlinkSync('../shared/team', path.join(users, 'team2'));
      },
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(brief(state.issues), [
          ['warning', 'skipped-file', 'users/b-same.yaml'],
          ['warning', 'skipped-file', 'users/team2'],
        ]);
        assert.deepEqual(state.users.map((u) => u.email), ['a@acme.com', 'c@acme.com']);
      },
    );
  });

  test('hidden entries and other files are reported as skipped, never silently', async () => {
    await withEntries(
      (users) => {
        writeFileSync(path.join(users, '.old.yaml'), user('old@acme.com'));
        writeFileSync(path.join(users, 'README.md'), '# users\n');
        mkdirSync(path.join(users, '.archive'));
        writeFileSync(path.join(users, '.archive', 'gone.csv'), 'email,name\ngone@acme.com,Gone\n');
      },
      async () => {
        const state = await loadDesired(['users'], defaultConfig(repo), { cwd: repo });
        assert.deepEqual(brief(state.issues), [
          ['warning', 'skipped-file', 'users/.archive'],
          ['warning', 'skipped-file', 'users/.old.yaml'],
          ['warning', 'skipped-file', 'users/README.md'],
        ]);
        assert.deepEqual(state.failedFiles, []);
        assert.deepEqual(state.users.map((u) => u.email), ['a@acme.com']);
      },
    );
  });

  test('under prune, a skipped users file is an error and counts as failed', async () => {
    await withEntries(
      (users) => {
        writeFileSync(path.join(users, '.old.yaml'), user('old@acme.com'));
        writeFileSync(path.join(users, 'README.md'), '# users\n');
        mkdirSync(path.join(users, '.archive'));
        writeFileSync(path.join(users, '.archive', 'gone.csv'), 'email,name\ngone@acme.com,Gone\n');
      },
      async () => {
        const state = await loadDesired(['users'], pruning(repo), { cwd: repo });
        assert.deepEqual(brief(state.issues), [
          ['error', 'skipped-file', 'users/.archive/gone.csv'],
          ['error', 'skipped-file', 'users/.old.yaml'],
          ['warning', 'skipped-file', 'users/README.md'],
        ]);
        assert.match(state.issues[1]!.message, /prune/);
        assert.deepEqual(state.failedFiles, ['users/.archive/gone.csv', 'users/.old.yaml']);
      },
    );
  });
});
