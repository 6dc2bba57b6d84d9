// The station step against the sandbox through the SDK, on the sandbox's clock: a lagging station is waited for on the back-off, one that never shows is a clear failure that a re-run finishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, DEFAULT_RETRY_POLICY } from '../../src/apply/index.js';
import type { ApplyOptions } from '../../src/apply/index.js';
import type { OperationRecord } from '../../src/model/index.js';
import { SkippingClock } from '../support/clock.js';
import { desiredState, planFor, withHarness } from './harness.js';

const seed = {
  org: { name: 'Stations' },
  divisions: [{ name: 'Home', home: true }],
  sites: ['Indianapolis'],
  phoneBases: [{ name: 'WebRTC Base' }],
  users: [{ email: 'ana@acme.com', name: 'Ana' }],
};
const desired = () => desiredState([{ email: 'ana@acme.com', webrtcPhone: { site: 'Indianapolis', phoneBase: 'WebRTC Base' }, source: { file: 'users/a.yaml', line: 2 }, at: {} }]);

test('a station that shows after 5 s is found on the back-off (virtual time); the journal has the phone and the station', async () => {
  const clock = new SkippingClock();
  await withHarness({ clock, seed, stationLagMs: 5000, requestsPerMinute: 100_000 }, async (h) => {
    const journal: OperationRecord[] = [];
    const options: ApplyOptions = { concurrency: 4, sleep: (ms) => clock.sleep(ms), journal: (r) => journal.push(r) };
    const report = await applyPlan(await planFor(h, desired()), h.connection.writer, options);
    assert.equal(report.failed, 0);
    assert.deepEqual(journal.map((r) => [r.operation, r.outcome]), [['create phone', 'ok'], ['set default station', 'ok']]);
    const looks = h.sandbox.requests.filter((r) => r.path === '/api/v2/stations').length;
    assert.ok(looks > 1 && looks <= (DEFAULT_RETRY_POLICY.station.retries + 1), `${looks} looks`);
    const ana = h.sandbox.org.liveUserByEmail('ana@acme.com')!;
    assert.ok(h.sandbox.org.defaultStations.has(ana.id));
  });
});

test('a station that never shows: a bounded wait, a clear failure, and the re-run finishes it without a second phone', async () => {
  const clock = new SkippingClock();
  await withHarness({ clock, seed, stationLagMs: 3_600_000, requestsPerMinute: 100_000 }, async (h) => {
    const journal: OperationRecord[] = [];
    const options: ApplyOptions = { concurrency: 4, sleep: (ms) => clock.sleep(ms), journal: (r) => journal.push(r) };
    const report = await applyPlan(await planFor(h, desired()), h.connection.writer, options);
    assert.equal(report.failed, 1);
    const failed = journal.find((r) => r.operation === 'set default station');
    assert.equal(failed?.outcome, 'failed');
    assert.match(failed?.message ?? '', /did not appear in GET \/api\/v2\/stations after 9 looks; run apply again/);
    clock.advance(3_600_000);
    const again = await applyPlan(await planFor(h, desired()), h.connection.writer, options);
    assert.equal(again.failed, 0);
    assert.equal(h.sandbox.org.phones.byId.size, 1, 'no second phone');
    assert.equal((await planFor(h, desired())).changes.length, 0);
  });
});
