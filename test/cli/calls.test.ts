// The call counts provision prints are all the calls it makes: each equals the sandbox's own request log for the command.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoSeed, startSandbox } from '../../src/sandbox/index.js';
import type { RunningSandbox } from '../../src/sandbox/index.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.join(REPO, 'bin/provision.js');

interface Run {
  status: number;
  output: string;
  /** Requests the sandbox answered under /api/ while the command ran (the token requests are not API calls). */
  logged: { method: string; path: string }[];
}

describe('printed call counts against the sandbox log', () => {
  let dir: string;
  let sb: RunningSandbox;

  /** Runs the binary in the workspace against the sandbox and collects what the sandbox logged meanwhile. */
  const run = (args: string[]): Promise<Run> => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', GENESYS_ENVIRONMENT: sb.url, GENESYS_CLIENT_ID: 'calls-client', GENESYS_CLIENT_SECRET: 'calls-secret-41d7' };
    const start = sb.requests.length;
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { cwd: dir, env, encoding: 'utf8' }, (error, stdout, stderr) => {
        const status = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ status, output: `${stdout}\n${stderr}`, logged: sb.requests.slice(start).filter((r) => r.path.startsWith('/api/')) });
      });
    });
  };
  const counted = (output: string, pattern: RegExp): number => {
    const found = pattern.exec(output);
    assert.ok(found, `no count matching ${pattern} in:\n${output}`);
    return Number(found[1]!.replace(/,/g, ''));
  };
  const explain = (r: Run): string => `${r.output}\n--- logged\n${r.logged.map((q) => `${q.method} ${q.path}`).join('\n')}`;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'provision-calls-'));
    for (const entry of ['provision.yaml', 'users', 'schemas']) cpSync(path.join(REPO, entry), path.join(dir, entry), { recursive: true });
    sb = await startSandbox({ port: 0, seed: await demoSeed(path.join(dir, 'users')), clients: [{ id: 'calls-client', secret: 'calls-secret-41d7' }] });
    // New agents as the starting guide lists them: no division, so each create needs the home division; with a
    // WebRTC phone each, so the phone listing, the site and phone base look-ups and the phone writes are counted too.
    const rows = Array.from({ length: 12 }, (_, i) => `new.agent${i}@acme.com,New Agent ${i},Indianapolis,WebRTC Base`);
    writeFileSync(path.join(dir, 'users/new-agents.csv'), `email,name,webrtcPhone_site,webrtcPhone_phoneBase\n${rows.join('\n')}\n`);
  });
  after(async () => {
    await sb.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('plan: the read count is the requests made', async () => {
    const r = await run(['plan', '--out', 'plan.json']);
    assert.equal(r.status, 0, explain(r));
    assert.equal(counted(r.output, /read: ([\d,]+) API calls?/), r.logged.length, explain(r));
  });

  it('apply of a saved plan: the re-check and the writes are every request, the organization read once', async () => {
    const r = await run(['apply', 'plan.json', '--auto-approve', '--concurrency', '8']);
    assert.equal(r.status, 0, explain(r));
    const recheck = counted(r.output, /Re-checked .* \[([\d,]+) API calls?\]/);
    const writes = counted(r.output, /([\d,]+) API calls? in /);
    assert.equal(recheck + writes, r.logged.length, explain(r));
    assert.equal(r.logged.filter((q) => q.path === '/api/v2/organizations/me').length, 1, explain(r));
    assert.equal(r.logged.filter((q) => q.path === '/api/v2/authorization/divisions/home').length, 0, 'the reader knows the home division');
    assert.equal(r.logged.filter((q) => q.method === 'POST' && q.path === '/api/v2/telephony/providers/edges/phones').length, 12, 'one phone per new agent');
    assert.equal(r.logged.filter((q) => q.method === 'PUT' && q.path.includes('/station/defaultstation/')).length, 12, 'one default station per new agent');
  });

  it('apply: the plan read and the writes are every request', async () => {
    writeFileSync(path.join(dir, 'users/more-agents.csv'), `email,name\n${Array.from({ length: 10 }, (_, i) => `more.agent${i}@acme.com,More Agent ${i}`).join('\n')}\n`);
    const r = await run(['apply', '--auto-approve', '--concurrency', '8']);
    assert.equal(r.status, 0, explain(r));
    assert.equal(counted(r.output, /read: ([\d,]+) API calls?/) + counted(r.output, /([\d,]+) API calls? in /), r.logged.length, explain(r));
    assert.equal(r.logged.filter((q) => q.path === '/api/v2/authorization/divisions/home').length, 0, 'the reader knows the home division');
  });

  it('export: the printed count is the requests made', async () => {
    const r = await run(['export', '--out', 'exported']);
    assert.equal(r.status, 0, explain(r));
    assert.equal(counted(r.output, /\[([\d,]+) API calls?\]/), r.logged.length, explain(r));
    const phones = await run(['export', '--out', 'exported-phones', '--fields', 'webrtcPhone']);
    assert.equal(phones.status, 0, explain(phones));
    assert.equal(counted(phones.output, /\[([\d,]+) API calls?\]/), phones.logged.length, explain(phones));
    assert.ok(phones.logged.some((q) => q.path === '/api/v2/telephony/providers/edges/phones'), 'the phones were read');
  });
});
