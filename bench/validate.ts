// Benchmark: validating 50,000 generated users over 50 files (wall time, peak RSS), and `provision --help` start-up.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FILES = 50;
const CSV_FILES = 5;
const PER_FILE = 1000;
const SKILLS = ['Billing', 'Technical Support', 'Escalations', 'Returns', 'Chat', 'Renewals'];
const QUEUES = ['Support - Tier 1', 'Support - Tier 2', 'Sales - Inbound', 'Support - Spanish'];

function yamlFile(f: number): string {
  const lines = ['# yaml-language-server: $schema=../schemas/users.schema.json', 'defaults:', '  division: Support', '  roles: [employee, User]', '  languages:', '    English: 5', 'users:'];
  for (let i = 0; i < PER_FILE; i++) {
    const n = f * PER_FILE + i;
    // Each file's first user reports to user0, the others to their file's first user: a two-level tree.
    const manager = i === 0 ? (n === 0 ? undefined : 'user0@example.com') : `user${f * PER_FILE}@example.com`;
    lines.push(
      `  - email: user${n}@example.com`,
      `    name: User ${n}`,
      '    title: Support Agent',
      ...(manager ? [`    manager: ${manager}`] : []),
      '    skills:',
      `      ${SKILLS[n % SKILLS.length]}: ${n % 6}`,
      `      ${SKILLS[(n + 1) % SKILLS.length]}: 3`,
      `    queues: [${QUEUES[n % QUEUES.length]}]`,
      '    groups: [Support Team]',
      '    phones:',
      // Most agents have an extension on an office number; every fifth has a direct line of their own.
      n % 5 === 0 ? `      work: "+1 317 ${200 + (n % 700)} ${String(n % 10000).padStart(4, '0')}"` : `      work: "+1 317 555 ${String(100 + (n % 100)).padStart(4, '0')} x${n % 10000}"`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function csvFile(f: number): string {
  const rows = ['email,name,title,division,manager,phone_work,roles,skills,languages,queues,groups'];
  for (let i = 0; i < PER_FILE; i++) {
    const n = f * PER_FILE + i;
    rows.push(
      `user${n}@example.com,User ${n},"Agent, Sales",Sales,user0@example.com,+1 317 555 0${100 + (n % 100)},employee;User;Supervisor@Sales,${SKILLS[n % SKILLS.length]}:${n % 6};Chat:2,English:5,${QUEUES[n % QUEUES.length]},Sales Team`,
    );
  }
  return `${rows.join('\n')}\n`;
}

export function generate(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-bench-'));
  for (let f = 0; f < FILES; f++) {
    const name = `team-${String(f).padStart(2, '0')}`;
    if (f >= FILES - CSV_FILES) writeFileSync(path.join(dir, `${name}.csv`), csvFile(f));
    else writeFileSync(path.join(dir, `${name}.yaml`), yamlFile(f));
  }
  return dir;
}

/** Child mode: load and validate in a fresh process so that its peak RSS is the validation's. */
async function child(dir: string): Promise<void> {
  const { loadDesired, defaultConfig } = await import('../src/desired/index.js');
  const start = performance.now();
  const state = await loadDesired([dir], defaultConfig(dir));
  const ms = performance.now() - start;
  const errors = state.issues.filter((i) => i.severity === 'error');
  process.stdout.write(
    JSON.stringify({ ms, users: state.users.length, files: state.files.length, errors: errors.length, first: errors[0], maxRssMb: process.resourceUsage().maxRSS / 1024 }),
  );
}

const here = fileURLToPath(import.meta.url);
const binary = path.resolve(path.dirname(here), '../../bin/provision.js');

export async function bench(): Promise<void> {
  const dir = generate();
  try {
    const run = spawnSync(process.execPath, [here, '--bench-child', dir], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`child failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout) as { ms: number; users: number; files: number; errors: number; first?: unknown; maxRssMb: number };
    console.log(`validate ${r.users.toLocaleString('en-US')} users in ${r.files} files: ${r.ms.toFixed(0)} ms, peak RSS ${r.maxRssMb.toFixed(0)} MB (targets < 2000 ms, < 300 MB)`);
    if (r.errors > 0) console.log(`  unexpected: ${r.errors} errors, first ${JSON.stringify(r.first)}`);

    const cliStart = performance.now();
    const cli = spawnSync(process.execPath, [binary, 'validate', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    console.log(`provision validate (whole process): ${(performance.now() - cliStart).toFixed(0)} ms, exit ${cli.status}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    spawnSync(process.execPath, [binary, '--help'], { encoding: 'utf8' });
    best = Math.min(best, performance.now() - start);
  }
  console.log(`provision --help: best of 5 ${best.toFixed(0)} ms (target < 150 ms)`);
}

if (process.argv[2] === '--bench-child' && process.argv[3]) await child(process.argv[3]);
