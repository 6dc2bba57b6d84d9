// Conformance: rate limits with Genesys's headers, and every fault kind (random, per route, and scripted), through the SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultEngine, FaultSpecError, parseFaults } from '../../src/sandbox/faults.js';
import type { FaultRule } from '../../src/sandbox/index.js';
import { SkippingClock } from '../support/clock.js';
import { rejection, sdkClientFor } from '../support/sdk.js';
import { smallSeed, withSandbox } from '../support/sandbox.js';

type Body = Record<string, unknown>;
interface Extended {
  status: number;
  headers: Record<string, string>;
  body: Body;
}

test('rate limit per token: headers on every answer, 429 with Retry-After, a new window after a (scaled) minute', async () => {
  const clock = new SkippingClock();
  await withSandbox({ seed: smallSeed(), requestsPerMinute: 5, timeScale: 30, clock }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    sdk.client.setReturnExtendedResponses(true);
    const call = () => sdk.users.getUsers({}) as unknown as Promise<Extended>;
    for (let i = 1; i <= 5; i++) {
      const answer = await call();
      assert.equal(answer.headers['inin-ratelimit-allowed'], '5');
      assert.equal(answer.headers['inin-ratelimit-count'], String(i));
      assert.ok(Number(answer.headers['inin-ratelimit-reset']) >= 0);
    }
    const limited = (await rejection(call())) as Extended;
    assert.equal(limited.status, 429);
    assert.equal(limited.headers['retry-after'], '2', 'the scaled minute: 2 s');
    assert.equal(limited.headers['inin-ratelimit-allowed'], '5');
    assert.equal(limited.body.code, 'too.many.requests.retry.after');
    assert.match(String(limited.body.message), /client\.credentials\.token\.rate\.per\.minute/);
    // Another token has its own budget.
    const other = await sdkClientFor(sandbox);
    await other.users.getUsers({});
    clock.advance(1_999);
    assert.equal(((await rejection(call())) as Extended).status, 429, 'a millisecond before the window ends');
    clock.advance(1);
    const again = await call();
    assert.equal(again.status, 200);
    assert.equal(again.headers['inin-ratelimit-count'], '1');
    // Errors carry the headers too.
    const notFound = (await rejection(sdk.users.getUser('nope') as Promise<unknown>)) as Extended;
    assert.equal(notFound.status, 404);
    assert.equal(notFound.headers['inin-ratelimit-count'], '2');
  });
});

test('the fault spec parses into rules, and bad items are named', () => {
  const cases: [string, FaultRule[]][] = [
    ['5xx:0.05', [{ kind: '5xx', probability: 0.05 }]],
    ['503/html:0.5@GET /api/v2/users', [{ kind: '5xx', probability: 0.5, status: 503, body: 'html', route: { method: 'GET', path: '/api/v2/users' } }]],
    ['429:0.02:2s, drop:0.01', [{ kind: '429', probability: 0.02, durationMs: 2000 }, { kind: 'drop', probability: 0.01 }]],
    ['latency:20-80ms', [{ kind: 'latency', probability: 1, minMs: 20, maxMs: 80 }]],
    ['latency:30ms:0.5@* /api/v2/users/**', [{ kind: 'latency', probability: 0.5, minMs: 30, maxMs: 30, route: { method: '*', path: '/api/v2/users/**' } }]],
    ['editor:0.01@patch /api/v2/users/{id}', [{ kind: 'editor', probability: 0.01, route: { method: 'PATCH', path: '/api/v2/users/{id}' } }]],
    ['timeout-after-commit:0.1:500ms,revoke:0.001', [{ kind: 'timeout-after-commit', probability: 0.1, durationMs: 500 }, { kind: 'revoke', probability: 0.001 }]],
  ];
  for (const [spec, rules] of cases) assert.deepEqual(parseFaults(spec), rules, spec);
  for (const bad of ['boom:1', '5xx:2', '5xx', 'latency:fast', '5xx/xml:0.1', 'drop:0.1:2s', '5xx:0.1@users', '429:0.1:soon']) {
    assert.throws(() => parseFaults(bad), FaultSpecError, bad);
  }
});

test('a 429 storm answers 429 to every matching request until it ends', () => {
  let now = 0;
  const rule: FaultRule = { kind: '429', probability: 1, durationMs: 1_000, route: { method: 'GET', path: '/api/v2/users' } };
  const engine = new FaultEngine([rule], 1, () => now);
  assert.equal(engine.decide('GET', '/api/v2/users')[0]?.kind, '429');
  rule.probability = 0;
  now = 500;
  assert.equal(engine.decide('GET', '/api/v2/users')[0]?.kind, '429');
  assert.deepEqual(engine.decide('POST', '/api/v2/users'), []);
  now = 1_001;
  assert.deepEqual(engine.decide('GET', '/api/v2/users'), []);
});

test('5xx faults answer with a JSON, an HTML or an empty body, as the SDK sees them', async () => {
  const faults: FaultRule[] = [
    { kind: '5xx', probability: 1, status: 503, body: 'json', route: { method: 'GET', path: '/api/v2/users' } },
    { kind: '5xx', probability: 1, status: 502, body: 'html', route: { method: 'GET', path: '/api/v2/groups' } },
    { kind: '5xx', probability: 1, status: 500, body: 'empty', route: { method: 'GET', path: '/api/v2/routing/skills' } },
  ];
  await withSandbox({ seed: smallSeed(), faults }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const json = (await rejection(sdk.users.getUsers({}))) as Body;
    assert.equal(json.status, 503);
    assert.match(String(json.contextId), /^[0-9a-f-]{36}$/);
    const html = await rejection(sdk.groups.getGroups({}));
    assert.equal(typeof html, 'string');
    assert.match(String(html), /<html>/);
    const empty = await rejection(sdk.routing.getRoutingSkills({}));
    assert.ok(empty === undefined || empty === '', `got ${String(empty)}`);
    assert.deepEqual(sandbox.requests.slice(1).map((r) => [r.status, r.fault]), [[503, '5xx'], [502, '5xx'], [500, '5xx']]);
    // Other routes are untouched.
    await sdk.organization.getOrganizationsMe();
  });
});

test('faults on the login route apply only when a rule names it', async () => {
  await withSandbox({ seed: smallSeed(), faults: '503/json:1@POST /oauth/token,5xx:0' }, async (sandbox) => {
    const error = (await rejection(sdkClientFor(sandbox))) as { response?: { status: number } };
    assert.equal(error.response?.status, 503);
  });
  await withSandbox({ seed: smallSeed(), faults: '5xx:1' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    assert.ok(sdk.auth.accessToken);
  });
});

test('429 fault storm answers too.many.requests with Retry-After', async () => {
  await withSandbox({ seed: smallSeed(), faults: '429:1:2s@GET /api/v2/users' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    sdk.client.setReturnExtendedResponses(true);
    const limited = (await rejection(sdk.users.getUsers({}))) as Extended;
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'too.many.requests');
    assert.equal(limited.headers['retry-after'], '2');
  });
});

test('latency delays the answer by the configured range', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'latency:60-80ms@GET /api/v2/users' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const started = Date.now();
    await sdk.users.getUsers({});
    assert.ok(Date.now() - started >= 60);
    const entry = sandbox.requests.at(-1);
    assert.ok((entry?.ms ?? 0) >= 59, `logged ${entry?.ms} ms`);
  });
});

test('a dropped connection reaches the SDK as a network error, and nothing was committed', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'drop:1@POST /api/v2/users' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const error = (await rejection(sdk.users.postUsers({ name: 'Dropped', email: 'dropped@acme.com', divisionId: sandbox.org.homeDivision().id }))) as { code?: string; response?: unknown };
    assert.equal(error.response, undefined);
    assert.match(String(error.code), /ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED|EPIPE/);
    assert.equal(sandbox.org.liveUserByEmail('dropped@acme.com'), undefined);
    assert.deepEqual([sandbox.requests.at(-1)?.status, sandbox.requests.at(-1)?.fault], [0, 'drop']);
  });
});

test('scripted: the 3rd POST /api/v2/users times out after creating the user', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox, undefined, { timeoutMs: 300 });
    sandbox.script({ method: 'POST', path: '/api/v2/users', nth: 3, kind: 'timeout-after-commit' });
    const home = sandbox.org.homeDivision().id;
    await sdk.users.postUsers({ name: 'One', email: 'one@acme.com', divisionId: home });
    await sdk.users.postUsers({ name: 'Two', email: 'two@acme.com', divisionId: home });
    const error = (await rejection(sdk.users.postUsers({ name: 'Three', email: 'three@acme.com', divisionId: home }))) as { code?: string };
    assert.equal(error.code, 'ECONNABORTED');
    assert.equal(sandbox.org.liveUserByEmail('three@acme.com')?.name, 'Three');
    // The retry meets the truth: the user exists.
    const retry = (await rejection(sdk.users.postUsers({ name: 'Three', email: 'three@acme.com', divisionId: home }))) as Body;
    assert.equal(retry.status, 409);
    await sdk.users.postUsers({ name: 'Four', email: 'four@acme.com', divisionId: home });
  });
});

test('scripted: a timeout before commit leaves nothing behind', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox, undefined, { timeoutMs: 300 });
    sandbox.script({ method: 'POST', path: '/api/v2/users', kind: 'timeout', ms: 5_000 });
    const error = (await rejection(sdk.users.postUsers({ name: 'Lost', email: 'lost@acme.com', divisionId: sandbox.org.homeDivision().id }))) as { code?: string };
    assert.equal(error.code, 'ECONNABORTED');
    assert.equal(sandbox.org.liveUserByEmail('lost@acme.com'), undefined);
  });
});

test('scripted: a dropped connection after commit leaves the change made', async () => {
  await withSandbox({ seed: smallSeed() }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com')?.id as string;
    sandbox.script({ method: 'PATCH', path: '/api/v2/users/{id}', kind: 'drop-after-commit' });
    const error = (await rejection(sdk.users.patchUser(priya, { title: 'Lead', version: 1 }))) as { response?: unknown };
    assert.equal(error.response, undefined);
    const now = await sdk.users.getUser(priya);
    assert.equal(now.title, 'Lead');
    assert.equal(now.version, 2);
  });
});

test('token revocation: the request and every later one answer 401 until a new login', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'revoke:1@GET /api/v2/organizations/me' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    await sdk.users.getUsers({});
    assert.equal(((await rejection(sdk.organization.getOrganizationsMe())) as Body).status, 401);
    assert.equal(((await rejection(sdk.users.getUsers({}))) as Body).code, 'bad.credentials');
    await sdk.client.loginClientCredentialsGrant('sandbox-client', 'sandbox-secret');
    await sdk.users.getUsers({});
  });
});

test('the concurrent editor moves a version under a PATCH: 409 although the version was current', async () => {
  await withSandbox({ seed: smallSeed(), faults: 'editor:1@PATCH /api/v2/users/{id}' }, async (sandbox) => {
    const sdk = await sdkClientFor(sandbox);
    const priya = sandbox.org.liveUserByEmail('priya.raman@acme.com')?.id as string;
    const current = await sdk.users.getUser(priya);
    const error = (await rejection(sdk.users.patchUser(priya, { title: 'Lead', version: current.version }))) as Body;
    assert.equal(error.status, 409);
    const reread = await sdk.users.getUser(priya);
    assert.equal(reread.version, (current.version ?? 0) + 1);
    assert.equal(reread.title, current.title);
  });
});

test('faults are deterministic for a seed', async () => {
  const run = async (randomSeed: number) =>
    withSandbox({ seed: smallSeed(), faults: '5xx/json:0.3', randomSeed }, async (sandbox) => {
      const sdk = await sdkClientFor(sandbox);
      const out: number[] = [];
      for (let i = 0; i < 30; i++) {
        try {
          await sdk.users.getUsers({});
          out.push(200);
        } catch (error) {
          out.push(Number((error as Body).status));
        }
      }
      return out;
    });
  const a = await run(42);
  assert.deepEqual(await run(42), a);
  assert.ok(a.some((s) => s >= 500) && a.some((s) => s === 200));
  assert.notDeepEqual(await run(7), a);
});
