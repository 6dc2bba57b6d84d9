// End-to-end harness for apply: an in-process sandbox, a real SDK connection to it, and desired users built from seed users.
import assert from 'node:assert/strict';
import { connect } from '../../src/genesys/index.js';
import type { Connection } from '../../src/genesys/index.js';
import { loadConfig } from '../../src/desired/index.js';
import { buildPlan, readRequestFor } from '../../src/plan/index.js';
import { startSandbox } from '../../src/sandbox/index.js';
import type { DesiredState, DesiredUser, Phone, PhoneType, Plan, ProvisionConfig } from '../../src/model/index.js';
import type { SeedOrg, SeedUser } from '../../src/sandbox/types.js';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
export type SandboxOptions = Parameters<typeof startSandbox>[0];

export interface Harness {
  sandbox: Sandbox;
  connection: Connection;
  config: ProvisionConfig;
  close(): Promise<void>;
}

/** Starts a sandbox on an ephemeral port and connects to it through the SDK. */
export async function startHarness(options: SandboxOptions): Promise<Harness> {
  const sandbox = await startSandbox(options);
  const client = sandbox.clients[0]!;
  try {
    const connection = await connect(
      { environment: sandbox.url, clientId: client.id, clientSecret: client.secret, requestsPerMinute: options?.requestsPerMinute, timeoutMs: 3000 },
      // On the sandbox's clock when it has one (virtual time shared by the org, the pacer, retries and token expiry).
      { retry: { maxRetries: 6, baseDelayMs: 5, maxDelayMs: 50, maxRateLimited: 200 }, clock: options?.clock },
    );
    return { sandbox, connection, config: await loadConfig('provision.yaml'), close: () => sandbox.stop() };
  } catch (error) {
    await sandbox.stop();
    throw error;
  }
}

const PHONE_TYPES = new Set<PhoneType>(['work', 'work2', 'work3', 'work4', 'home', 'mobile', 'other']);

/** A seed user as git would declare it. */
/** Runs `run` against a fresh sandbox and harness, closing both whatever happens. */
export async function withHarness(options: SandboxOptions, run: (h: Harness) => Promise<void>): Promise<void> {
  const h = await startHarness(options);
  try {
    await run(h);
  } finally {
    await h.close();
  }
}

/** A desired user named after the email's local part, for tests. */
export const testUser = (email: string, extra: Partial<DesiredUser> = {}): DesiredUser => ({
  email,
  name: email.split('@')[0]!.replace('.', ' '),
  source: { file: 'users/test.yaml', line: 1 },
  at: {},
  ...extra,
});

export function desiredFrom(user: SeedUser, line: number): DesiredUser {
  const source = { file: 'users/test.yaml', line };
  const phones: Phone[] | undefined = user.phones?.map((p) => {
    const type = (p.type?.toLowerCase() ?? 'work') as PhoneType;
    return { type: PHONE_TYPES.has(type) ? type : 'work', number: p.number, extension: p.extension, mediaType: p.mediaType ?? 'PHONE' };
  });
  const out: DesiredUser = { email: user.email.toLowerCase(), name: user.name, source, at: {} };
  if (user.title !== undefined) out.title = user.title;
  if (user.department !== undefined) out.department = user.department;
  if (user.division !== undefined) out.division = user.division;
  if (user.manager !== undefined) out.manager = user.manager.toLowerCase();
  if (user.state === 'active' || user.state === 'inactive') out.state = user.state;
  if (user.state === 'deleted') out.state = 'active';
  if (phones !== undefined) out.phones = phones;
  if (user.roles !== undefined) out.roles = user.roles.map((r) => (typeof r === 'string' ? { role: r } : { role: r.role, division: r.division }));
  if (user.skills !== undefined) out.skills = user.skills;
  if (user.languages !== undefined) out.languages = user.languages;
  if (user.queues !== undefined) out.queues = user.queues;
  if (user.groups !== undefined) out.groups = user.groups;
  if (user.locations !== undefined) out.locations = user.locations.map((l) => (typeof l === 'string' ? l : l.location));
  if (user.employerInfo !== undefined) out.employerInfo = user.employerInfo;
  if (user.acdAutoAnswer !== undefined) out.acdAutoAnswer = user.acdAutoAnswer;
  return out;
}

export function desiredState(users: DesiredUser[], digest = 'test-digest'): DesiredState {
  return { users, files: ['users/test.yaml'], failedFiles: [], issues: [], digest };
}

/** Reads the org through the SDK and plans `desired` against it; resolution errors fail the test. */
export async function planFor(h: Harness, desired: DesiredState): Promise<Plan> {
  const org = await h.connection.reader.readOrg(readRequestFor(desired, h.config));
  const { plan, errors } = buildPlan({ desired, org, config: h.config, allowUnsafe: true });
  assert.deepEqual(errors, [], 'the desired users resolve against the org');
  return plan;
}

/** The org's users by email among non-deleted users: duplicates show up as arrays longer than one. */
export function liveByEmail(sandbox: Sandbox): Map<string, number> {
  const out = new Map<string, number>();
  for (const user of sandbox.org.users.values()) {
    if (user.state === 'deleted') continue;
    out.set(user.email, (out.get(user.email) ?? 0) + 1);
  }
  return out;
}

export function assertNoDuplicates(sandbox: Sandbox): void {
  const dupes = [...liveByEmail(sandbox)].filter(([, n]) => n > 1);
  assert.deepEqual(dupes, [], 'no email is held by two live users');
}

/**
 * A generated org split in two: the org holds some users out of date and lacks others; desired holds all of them
 * as generated (deleted ones declared active, so they are restored).
 */
export function splitGenerated(seed: SeedOrg, every = 3): { orgSeed: SeedOrg; desired: DesiredUser[] } {
  const users = seed.users ?? [];
  const desired = users.map((u, i) => desiredFrom(u, i + 1));
  const orgUsers: SeedUser[] = [];
  users.forEach((u, i) => {
    if (i % every === 1 && !users.some((m) => m.manager === u.email)) return;
    if (i % every === 2 && u.state !== 'deleted') {
      orgUsers.push({ ...u, title: 'Outdated', skills: {}, queues: (u.queues ?? []).slice(0, 1), groups: [], languages: {} });
      return;
    }
    orgUsers.push(u);
  });
  return { orgSeed: { ...seed, users: orgUsers }, desired };
}
