// Starting a sandbox for one test and always stopping it, with small seeds tests can reason about.
import type { RunningSandbox, SeedOrg, StartOptions } from '../../src/sandbox/index.js';
import { startSandbox } from '../../src/sandbox/index.js';

/** Runs `fn` against a fresh sandbox on an ephemeral port; stops it however `fn` ends. */
export async function withSandbox<T>(options: StartOptions, fn: (sandbox: RunningSandbox) => Promise<T>): Promise<T> {
  const sandbox = await startSandbox({ port: 0, ...options });
  try {
    return await fn(sandbox);
  } finally {
    await sandbox.stop();
  }
}

/** A small org: two divisions, a few skills, languages, roles, queues, groups, and users in every state. */
export function smallSeed(): SeedOrg {
  return {
    org: { name: 'Test Org' },
    divisions: [{ name: 'Home', home: true }, 'Support', 'Sales'],
    skills: ['Billing', 'Returns', 'Chat'],
    languages: ['English', 'Spanish'],
    roles: ['employee', { name: 'Supervisor', permissions: ['routing:queue:view'] }],
    locations: ['Indianapolis HQ'],
    queues: [{ name: 'Support - Tier 1', division: 'Support' }, 'Sales - Inbound'],
    groups: ['Support Team', 'Team Leads'],
    users: [
      { email: 'ola.lind@acme.com', name: 'Ola Lind', title: 'Support Manager', division: 'Support', roles: ['employee', { role: 'Supervisor', division: 'Support' }], groups: ['Team Leads'] },
      { email: 'nina.berg@acme.com', name: 'Nina Berg', title: 'Team Lead', manager: 'ola.lind@acme.com', skills: { Billing: 3 }, languages: { English: 5 }, queues: ['Support - Tier 1'], groups: ['Support Team', 'Team Leads'], phones: [{ type: 'work', number: '+13175550120', extension: '120' }] },
      { email: 'priya.raman@acme.com', name: 'Priya Raman', title: 'Agent', manager: 'nina.berg@acme.com', skills: { Billing: 4, Chat: 2 }, queues: ['Support - Tier 1'] },
      { email: 'tom.becker@acme.com', name: 'Tom Becker', state: 'inactive' },
      { email: 'kim.sato@acme.com', name: 'Kim Sato', state: 'deleted', dateDeleted: '2026-03-02T10:00:00.000Z' },
    ],
  };
}
