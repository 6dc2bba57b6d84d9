// A journal that cannot be written: what reached the org is reported as done, apply stops sending, and the summary says what the journal missed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyPlan } from '../../src/apply/index.js';
import { openJournal } from '../../src/apply/journal.js';
import { ProvisionError } from '../../src/model/index.js';
import type { OperationRecord, OrgWriter } from '../../src/model/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { MemoryWriter } from './memory-writer.js';
import { create, levels, planOf, set, text, update } from './plans.js';

const fast = { concurrency: 1, sleep: async () => {}, findRetry: { attempts: 2, delayMs: 0 } };

const diskFull = (): Error => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });

/** The writer's calls that change the org. */
const writes = (writer: MemoryWriter): Array<keyof OrgWriter> => writer.calls.map((c) => c.method).filter((m) => !['getUser', 'findUserByEmail', 'getGroupVersion'].includes(m));

test('a journal write that fails once: the create that went through counts as created, never as failed, and apply stops there', async () => {
  const writer = new MemoryWriter();
  let calls = 0;
  const journal = (): void => {
    calls += 1;
    if (calls === 1) throw diskFull();
  };
  const plan = planOf([create('a@x.com', [text('title', null, 'Agent'), levels('skills', 2), set('queues', ['q1'])]), create('b@x.com')]);
  const report = await applyPlan(plan, writer, { ...fast, journal });
  assert.equal(report.created, 1);
  assert.equal(report.failed, 0);
  assert.deepEqual(report.problems, [], 'no failure and no skipped field: the journal is not the org');
  assert.deepEqual(writes(writer), ['createUser'], 'made once, never looked for as a duplicate, and nothing sent after the failure');
  assert.deepEqual(report.journalError, { code: 'ENOSPC', message: 'ENOSPC: no space left on device, write' });
  assert.deepEqual(report.unjournaled.map((r) => `${r.email} ${r.operation} ${r.outcome}`), ['a@x.com create ok']);
  assert.equal(report.interrupted, true);
  assert.equal(report.notStarted, 3, "a's skills and queue, b's create");
  assert.equal(calls, 1, 'the journal is not written again once it failed: it would have a gap');
});

test('a journal that keeps failing: apply returns a summary of what was done, and what was in flight finishes', async () => {
  const writer = new MemoryWriter();
  const plan = planOf(Array.from({ length: 8 }, (_, i) => create(`u${i}@x.com`, [levels('skills', 1)])));
  let tries = 0;
  const report = await applyPlan(plan, writer, {
    ...fast,
    concurrency: 3,
    journal: () => {
      tries += 1;
      throw diskFull();
    },
  });
  const created = writer.callsOf('createUser').length;
  assert.ok(created >= 1 && created <= 3, `only the creates in flight when the journal failed: ${created}`);
  assert.equal(report.created, created);
  assert.equal(report.failed, 0);
  assert.equal(writer.callsOf('setSkills').length, 0);
  assert.equal(report.unjournaled.length, created, 'each finished create is in the summary, none in the journal');
  assert.equal(report.notStarted, 8, 'the creates never started, and the skills of the users created');
  assert.equal(tries, 1);
});

test('a failure after the stop is no failure: a step refused in flight is retried no more and counted not started', async () => {
  const writer = new MemoryWriter();
  writer.seed({ id: 'u1', email: 'a@x.com', title: 'Agent' });
  writer.seed({ id: 'u2', email: 'b@x.com', title: 'Agent' });
  // b's PATCH is refused (someone saved b); the journal fails on a's record meanwhile: b's retry is never sent.
  writer.users.get('u2')!.version = 2;
  const journal = (r: OperationRecord): void => {
    if (r.email === 'a@x.com') throw diskFull();
  };
  const report = await applyPlan(planOf([update('a@x.com', 'u1', 1, [text('title', 'Agent', 'Lead')]), update('b@x.com', 'u2', 1, [text('title', 'Agent', 'Lead')])]), writer, {
    ...fast,
    concurrency: 2,
    journal,
  });
  assert.equal(writer.users.get('u1')?.title, 'Lead');
  assert.equal(writer.users.get('u2')?.title, 'Agent');
  assert.deepEqual(writer.callsOf('patchUser').map((c) => c.args[0]), ['u1', 'u2']);
  assert.equal(report.updated, 1);
  assert.equal(report.failed, 0);
  assert.equal(report.notStarted, 1);
});

test('the journal file: a failed write is a journal-unwritable error naming the file and the cause', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, () => {
  const journal = openJournal('/dev/full');
  try {
    assert.throws(
      () => journal.write({ time: 't', email: 'a@x.com', operation: 'create', outcome: 'ok' }),
      (error: unknown) => error instanceof ProvisionError && error.code === 'journal-unwritable' && /\/dev\/full \(ENOSPC\)/.test(error.message) && error.hint !== undefined,
    );
  } finally {
    journal.close();
  }
});

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');
const CLIENT = { id: 'journal-client', secret: 'journal-secret-8d1f4a' };

test('provision apply --journal on a full disk: stops at the first record with a summary, the records it missed, and exit 1', { skip: !existsSync('/dev/full') && 'no /dev/full here' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-journal-'));
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(path.join(dir, 'provision.yaml'), 'phoneRegion: US\nrequestsPerMinute: 100000\napply:\n  concurrency: 1\n');
  const people = ['ada', 'bo', 'cy', 'di'].map((n) => `  - email: ${n}@acme.com\n    name: ${n}\n    title: Agent\n    skills: { Billing: 3 }\n`);
  writeFileSync(path.join(dir, 'users/team.yaml'), `users:\n${people.join('')}`);
  const sb = await startSandbox({ port: 0, seed: { org: { id: 'org-journal', name: 'Journal' }, divisions: [{ name: 'Home', home: true }], skills: ['Billing'] }, clients: [CLIENT] });
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '' };
    for (const name of Object.keys(env)) if (name.startsWith('GENESYS')) delete env[name];
    Object.assign(env, { GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: CLIENT.id, GENESYS_CLIENT_SECRET: CLIENT.secret });
    const run = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'apply', '--auto-approve', '--journal', '/dev/full'], { cwd: dir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
        resolve({ status: error && typeof error.code === 'number' ? error.code : error ? 1 : 0, stdout, stderr });
      });
    });
    const explain = `exit ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`;
    assert.equal(run.status, 1, explain);
    assert.match(run.stdout, /^Apply stopped: 1 created, 0 updated, 0 restored, 0 deactivated, 0 failed\.$/m, explain);
    // Steps are counted: the three creates, and ada's skills (a user never created has no later steps yet).
    assert.match(run.stdout, /^4 operation\(s\) were not started\./m, explain);
    const missed = run.stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as OperationRecord);
    assert.deepEqual(missed.map((r) => `${r.email} ${r.operation} ${r.outcome}`), ['ada@acme.com create ok'], explain);
    assert.match(run.stderr, /error journal-unwritable {2}Cannot write to the journal \/dev\/full \(ENOSPC\)\. Apply stopped: no call was sent to the org after it\./, explain);
    assert.match(run.stderr, /hint: Free space for the journal or choose another --journal path/, explain);
    assert.doesNotMatch(run.stderr, /internal/, explain);
    const users = [...sb.org.users.values()];
    assert.deepEqual(users.map((u) => u.email), ['ada@acme.com'], 'one create, then nothing');
    assert.equal(users[0]?.skills.size, 0, 'its skills were not sent');
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
