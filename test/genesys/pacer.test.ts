// The pacer on a clock the test moves: the budget and its head-room, the first request alone, header learning, spent windows and 429 blocks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Pacer, pacerFor, rateLimitHeaders } from '../../src/genesys/pacer.js';
import { ManualClock, settled } from '../support/clock.js';

const MINUTE = 60_000;

/** The headers of a Genesys answer. */
const limit = (allowed: number, count: number, reset: number) => ({
  'inin-ratelimit-allowed': String(allowed),
  'inin-ratelimit-count': String(count),
  'inin-ratelimit-reset': String(reset),
});

/** Takes a slot that must be free now; returns whether it was. */
async function goesNow(pacer: Pacer): Promise<boolean> {
  const turn = pacer.take();
  const went = await settled(turn);
  if (!went) throw new Error('the slot was not free: the test cannot go on');
  return went;
}

/** Sends `n` requests, each answered at once (headers optional), on a clock that does not move. */
async function answered(pacer: Pacer, n: number, headers?: Record<string, unknown>): Promise<void> {
  for (let i = 0; i < n; i++) {
    await goesNow(pacer);
    pacer.done(headers);
  }
}

describe('pacer', () => {
  it('sends the first request alone: the others wait for its answer and the limits it brings', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(300, clock);
    await goesNow(pacer);
    const second = pacer.take();
    assert.equal(await settled(second), false, 'the second waits for the first answer');
    pacer.done(limit(60, 1, 1));
    assert.equal(await settled(second), true);
    assert.deepEqual(pacer.limits(), { allowed: 60, windowMs: 1000 });
  });

  it('lets 97 requests of a 100-a-minute limit go in a window, and the 98th only when the first answer is a minute old', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(100, clock);
    await answered(pacer, 97);
    const next = pacer.take();
    assert.equal(await settled(next), false, '97 answered within the minute: the budget is spent');
    await clock.advance(MINUTE - 1);
    assert.equal(await settled(next), false, 'a millisecond short of the window');
    await clock.advance(2);
    assert.equal(await settled(next), true, 'the first answer left the window');
  });

  it('keeps 3% head-room under any limit, and lets one request a window go under a limit of one', async () => {
    for (const [allowed, budget] of [
      [300, 291],
      [100, 97],
      [34, 32],
      [2, 1],
      [1, 1],
    ] as const) {
      const clock = new ManualClock();
      const pacer = new Pacer(allowed, clock);
      await answered(pacer, budget);
      const over = pacer.take();
      assert.equal(await settled(over), false, `limit ${allowed}: request ${budget + 1} waits`);
      await clock.advance(MINUTE + 1);
      assert.equal(await settled(over), true, `limit ${allowed}: it goes a window later`);
    }
  });

  it('frees a slot a window to the millisecond after its answer; a caller waiting for it sleeps once, not in steps', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(2, clock);
    await answered(pacer, 1);
    const waiting = pacer.take();
    assert.equal(await settled(waiting), false, 'a budget of one, spent');
    // A millisecond past the window: a real timer may fire a little early, and would then wake for nothing.
    assert.deepEqual(clock.slept, [MINUTE + 1], 'one sleep, until the slot is free');
    await clock.advance(MINUTE + 1);
    assert.equal(await settled(waiting), true);
    pacer.done();
    await clock.advance(MINUTE);
    assert.equal(await settled(pacer.take()), true, 'a request a window after the last answer goes at once');
  });

  it('forgets the answers that left the window: a long run holds about a window of them, and every window has its whole budget', async () => {
    for (const [allowed, windows] of [
      [100, 20],
      [1200, 4],
    ] as const) {
      const clock = new ManualClock();
      const pacer = new Pacer(allowed, clock);
      const budget = Math.floor(allowed * 0.97);
      await answered(pacer, 1);
      for (let w = 0; w < windows; w++) {
        // A window's whole budget at once (the first window's first request went alone), all answered.
        const turns = Array.from({ length: w === 0 ? budget - 1 : budget }, () => pacer.take());
        assert.equal(await settled(Promise.all(turns)), true, `limit ${allowed}: window ${w + 1} has its whole budget`);
        for (let i = 0; i < turns.length; i++) pacer.done();
        await clock.advance(MINUTE + 1);
      }
      // The answers are private: read here only to bound the memory a long run holds, a window's answers and at most
      // as many again (or 1,024) that left it.
      const held = (pacer as unknown as { answers: number[] }).answers.length;
      assert.ok(held <= budget + Math.max(budget, 1024), `limit ${allowed}: ${held} answers held after ${windows * budget} requests`);
    }
  });

  it('counts requests in flight, and holds each slot for a window after its answer', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(100, clock);
    await answered(pacer, 1);
    for (let i = 0; i < 96; i++) await goesNow(pacer);
    const next = pacer.take();
    assert.equal(await settled(next), false, '1 answered and 96 in flight fill the budget of 97');
    await clock.advance(10_000);
    pacer.done();
    assert.equal(await settled(next), false, 'an answer does not free its slot: it holds it a window longer');
    await clock.advance(MINUTE - 10_000 + 1);
    assert.equal(await settled(next), true, "the first answer's window has passed");
  });

  it('serves waiting callers in the order they came', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(2, clock);
    await answered(pacer, 1);
    await clock.advance(MINUTE + 1);
    await goesNow(pacer);
    const order: string[] = [];
    const a = pacer.take().then(() => order.push('a'));
    const b = pacer.take().then(() => order.push('b'));
    assert.equal(await settled(a), false, 'both wait for the answer of the one in flight');
    pacer.done();
    await clock.advance(MINUTE + 1);
    assert.deepEqual(order, ['a'], 'a budget of one: the first to come goes first, the other waits');
    pacer.done();
    await clock.advance(MINUTE + 1);
    await Promise.all([a, b]);
    assert.deepEqual(order, ['a', 'b']);
  });

  it('learns the limit and the window from the headers: the longest reset seen is the window, at most a minute', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(300, clock);
    await answered(pacer, 1, limit(60, 1, 1));
    assert.deepEqual(pacer.limits(), { allowed: 60, windowMs: 1000 }, 'the first reset sets the window, even below a minute');
    // 58 of 60 in the learnt window of 1 s.
    await answered(pacer, 57, limit(60, 2, 1));
    const next = pacer.take();
    assert.equal(await settled(next), false, '58 answered: the learnt budget is spent');
    await clock.advance(999);
    assert.equal(await settled(next), false);
    await clock.advance(2);
    assert.equal(await settled(next), true, 'a learnt window later');
    pacer.done(limit(60, 3, 3.2));
    assert.equal(pacer.limits().windowMs, 4000, 'a longer reset widens the window (whole seconds, rounded up)');
    await clock.advance(4_001);
    await answered(pacer, 1, limit(60, 4, 0.5));
    assert.equal(pacer.limits().windowMs, 4000, 'a shorter reset is a window part-way through');
    await answered(pacer, 1, limit(500, 5, 120));
    assert.deepEqual(pacer.limits(), { allowed: 500, windowMs: MINUTE }, 'never more than a minute');
  });

  it('ignores answers without a usable limit', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(120, clock);
    await answered(pacer, 1, {});
    await answered(pacer, 1, limit(0, 0, 5));
    await answered(pacer, 1, { 'inin-ratelimit-allowed': 'many', 'inin-ratelimit-reset': '5' });
    assert.deepEqual(pacer.limits(), { allowed: 120, windowMs: MINUTE });
  });

  it('learns a limit that comes without a reset, or with a reset of 0, but no window from it', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(300, clock);
    await answered(pacer, 1, { 'inin-ratelimit-allowed': '60', 'inin-ratelimit-count': '1' });
    assert.deepEqual(pacer.limits(), { allowed: 60, windowMs: MINUTE });
    await answered(pacer, 1, limit(50, 2, 0));
    assert.deepEqual(pacer.limits(), { allowed: 50, windowMs: MINUTE });
  });

  it('waits for a window the headers say is spent (another process shares the client), not one that is nearly spent', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(300, clock);
    await answered(pacer, 1, limit(10, 9, 5));
    assert.equal(await settled(pacer.take()), true, '9 of 10 counted: the next goes at once');
    pacer.done(limit(10, 10, 5));
    const next = pacer.take();
    assert.equal(await settled(next), false, '10 of 10 counted: the window is spent');
    await clock.advance(4_999);
    assert.equal(await settled(next), false, 'until it resets');
    await clock.advance(1);
    assert.equal(await settled(next), true);
    pacer.done({ 'inin-ratelimit-allowed': '10', 'inin-ratelimit-count': '10' });
    assert.equal(await settled(pacer.take()), true, 'a spent window that says no time to its reset blocks nothing');
  });

  it('after a 429 nobody sends until the wait is over; a shorter wait never shortens it', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(300, clock);
    await answered(pacer, 1);
    pacer.block(2_000);
    pacer.block(500);
    const next = pacer.take();
    await clock.advance(1_999);
    assert.equal(await settled(next), false);
    await clock.advance(1);
    assert.equal(await settled(next), true);
  });

  it('keeps every minute at or under the budget however long the answers take, and spends the budget in full', async () => {
    const clock = new ManualClock();
    const pacer = new Pacer(100, clock);
    const sent: number[] = [];
    let answers = 0;
    // 400 requests at once, answered after 50 ms to 2 s (a fixed spread, so the run is the same every time).
    const requests = Array.from({ length: 400 }, (_, i) =>
      pacer.take().then(async () => {
        sent.push(clock.now());
        await clock.sleep(50 + ((i * 7919) % 1_950));
        answers += 1;
        pacer.done();
      }),
    );
    while (answers < requests.length) await clock.advance(250);
    await Promise.all(requests);
    for (let i = 0; i < sent.length; i++) {
      const inWindow = sent.filter((t) => t >= (sent[i] as number) && t < (sent[i] as number) + MINUTE).length;
      assert.ok(inWindow <= 97, `${inWindow} requests sent in the minute from ${sent[i]}`);
    }
    // 400 requests at 97 a window go in five rounds, each a window plus an answer's time after the last: about
    // 4 × 62 s from first to last. A pacer that held slots longer, or let fewer go, would need another round.
    const span = (sent.at(-1) as number) - (sent[0] as number);
    assert.ok(span >= 4 * MINUTE && span < 5 * MINUTE, `the last went ${span} ms after the first`);
  });
});

describe('rate-limit headers', () => {
  it('reads numbers from strings or numbers, and leaves out what is missing or not a number', () => {
    assert.deepEqual(rateLimitHeaders(limit(300, 12, 41)), { allowed: 300, count: 12, reset: 41 });
    assert.deepEqual(rateLimitHeaders({ 'inin-ratelimit-allowed': 300, 'inin-ratelimit-reset': 'soon' }), { allowed: 300, count: undefined, reset: undefined });
    assert.deepEqual(rateLimitHeaders(undefined), {});
    assert.deepEqual(
      rateLimitHeaders({ 'inin-ratelimit-allowed': null, 'inin-ratelimit-count': true, 'inin-ratelimit-reset': ['5'] }),
      { allowed: undefined, count: undefined, reset: undefined },
      'only strings and numbers are read: Number() would make 0 of null, 1 of true and 5 of ["5"]',
    );
  });
});

describe('pacerFor', () => {
  it('gives every connection of one client, environment and clock the same pacer', () => {
    const clock = new ManualClock();
    const a = pacerFor('http://127.0.0.1:1', 'client-a', 300, clock);
    assert.equal(pacerFor('http://127.0.0.1:1', 'client-a', 600, clock), a, 'the first figure stays until headers say otherwise');
    assert.notEqual(pacerFor('http://127.0.0.1:1', 'client-b', 300, clock), a);
    assert.notEqual(pacerFor('http://127.0.0.1:2', 'client-a', 300, clock), a);
    assert.notEqual(pacerFor('http://127.0.0.1:1', 'client-a', 300, new ManualClock()), a);
  });
});
