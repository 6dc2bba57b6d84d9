// Apply killed with SIGKILL between the phones and their stations, then run again: no user gets a second phone, every user ends with one phone and a default station.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { startSandbox } from '../../src/sandbox/index.js';
import type { ChildProcess } from 'node:child_process';
import { launch } from '../support/launch.js';
import type { Run } from '../support/launch.js';

const CLIENT = { id: 'phone-kill-client', secret: 'phone-kill-secret-7c2a' };
const USERS = 20;
const KILL_AFTER = 8;

const explain = (r: Run): string => `exit ${r.status} ${r.signal ?? ''}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
const PHONES = '/api/v2/telephony/providers/edges/phones';

test('SIGKILL after some phones and before their stations: the re-run makes no second phone and sets every station', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-phone-kill-'));
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(path.join(dir, 'provision.yaml'), 'requestsPerMinute: 100000\napply:\n  concurrency: 4\n');
  const emails = Array.from({ length: USERS }, (_, i) => `agent${i}@acme.com`);
  writeFileSync(path.join(dir, 'users/guide.csv'), ['NAME,EMAIL,SITENAME,PHONEBASE', ...emails.map((e, i) => `Agent ${i},${e},Indianapolis,WebRTC Base`)].join('\n') + '\n');
  let posts = 0;
  let victim: ChildProcess | undefined;
  const sb = await startSandbox({
    port: 0,
    clients: [CLIENT],
    requestsPerMinute: 100_000,
    seed: { org: { name: 'Phone Kill' }, divisions: [{ name: 'Home', home: true }], sites: ['Indianapolis'], phoneBases: [{ name: 'WebRTC Base' }], users: emails.map((email, i) => ({ email, name: `Agent ${i}` })) },
    onRequest: (e) => {
      if (e.method !== 'POST' || e.path !== PHONES || e.status !== 200) return;
      posts += 1;
      if (posts === KILL_AFTER) victim?.kill('SIGKILL');
    },
  });
  try {
    const first = launch(dir, ['apply', '--auto-approve'], sb.url, CLIENT);
    victim = first.child;
    const killed = await first.done;
    assert.equal(killed.signal, 'SIGKILL', explain(killed));
    const org = sb.org;
    const phonesAfterKill = [...org.phones.byId.values()].length;
    assert.ok(phonesAfterKill >= KILL_AFTER && phonesAfterKill < USERS, `${phonesAfterKill} phones after the kill`);
    assert.equal(org.defaultStations.size, 0, 'the kill came before any station');

    const plan = await launch(dir, ['plan', '--format', 'json'], sb.url, CLIENT).done;
    assert.equal(plan.status, 0, explain(plan));
    const stationOnly = (JSON.parse(plan.stdout) as { changes: Array<{ fields: Array<{ kind: string; before: unknown }> }> }).changes.filter((c) => c.fields.some((f) => f.kind === 'webrtcPhone' && f.before !== null));
    assert.equal(stationOnly.length, phonesAfterKill, 'the users with a phone only need their station');

    const before = sb.requests.length;
    const again = await launch(dir, ['apply', '--auto-approve'], sb.url, CLIENT).done;
    assert.equal(again.status, 0, explain(again));
    const created = sb.requests.slice(before).filter((r) => r.method === 'POST' && r.path === PHONES).length;
    assert.equal(created, USERS - phonesAfterKill, 'phones only for the users that had none');
    const byUser = new Map<string, number>();
    for (const p of org.phones.byId.values()) byUser.set(p.webRtcUserId ?? '', (byUser.get(p.webRtcUserId ?? '') ?? 0) + 1);
    for (const email of emails) {
      const user = org.liveUserByEmail(email)!;
      assert.equal(byUser.get(user.id), 1, `${email} has one phone`);
      const phone = [...org.phones.byId.values()].find((p) => p.webRtcUserId === user.id);
      assert.equal(org.defaultStations.get(user.id), phone?.station?.id, `${email}'s default station is its phone's`);
    }
    const check = await launch(dir, ['plan', '--detailed-exitcode'], sb.url, CLIENT).done;
    assert.equal(check.status, 0, explain(check));
  } finally {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
