// Benchmark: `provision validate` of 50,000 users whose shared fields come from personas, against the same users with those fields written out; personas must cost under 10% more.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILES, PER_FILE, emailOf } from './_users.js';
import { fmt, load, measureNode, median, runs } from './_measure.js';
import type { Measured } from './_measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.resolve(here, '../../bin/provision.js');
/** Target: validate with personas against validate of the same users written out. */
const RATIO = 1.1;

const SKILLS = ['Billing', 'Technical Support', 'Escalations', 'Returns', 'Chat', 'Renewals', 'New Business', 'Hardware', 'Software', 'Networking', 'Refunds', 'Onboarding'];
const LANGUAGES = ['Spanish', 'French', 'German', 'Portuguese', 'Japanese', 'Arabic'];
const QUEUES = ['Support - Tier 1', 'Support - Tier 2', 'Support - Spanish', 'Sales - Inbound', 'Sales - Renewals', 'Retention', 'Technical - Hardware', 'Technical - Software'];
const GROUPS = ['Support Team', 'Sales Team', 'Night Shift', 'Weekend Shift', 'Mentors'];
const AGENTS = 12;

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/** Job persona `k`: roles, two skills, two queues, a group. */
function agentFields(k: number): string[] {
  return ['roles: [employee, User]', `skills: { ${pick(SKILLS, k)}: 3, ${pick(SKILLS, k + 5)}: 4 }`, `queues: [${pick(QUEUES, k)}, ${pick(QUEUES, k + 3)}]`, `groups: [${pick(GROUPS, k)}]`];
}

/** Language persona `j`. */
function languageFields(j: number): string[] {
  return [`languages: { English: 5, ${pick(LANGUAGES, j)}: 3 }`];
}

/** One users file: each user's own fields, then either `personas:` or the same fields written out. */
function usersFile(f: number, personas: boolean): string {
  const lines = ['users:'];
  for (let i = 0; i < PER_FILE; i++) {
    const n = f * PER_FILE + i;
    lines.push(`  - email: ${emailOf(f, i)}`, `    name: User ${n}`, `    title: Agent`, '    phones:', `      work: "+1 317 555 0100 x${1000 + (n % 9000)}"`);
    const k = n % AGENTS;
    const j = n % LANGUAGES.length;
    if (personas) lines.push(`    personas: [agent-${k}, language-${j}]`);
    else lines.push(...[...agentFields(k), ...languageFields(j)].map((l) => `    ${l}`));
  }
  return `${lines.join('\n')}\n`;
}

function personasFile(): string {
  const lines = ['personas:'];
  for (let k = 0; k < AGENTS; k++) lines.push(`  agent-${k}:`, ...agentFields(k).map((l) => `    ${l}`));
  for (let j = 0; j < LANGUAGES.length; j++) lines.push(`  language-${j}:`, ...languageFields(j).map((l) => `    ${l}`));
  return `${lines.join('\n')}\n`;
}

/** A repository folder: users/ (and personas/ when asked). */
function generate(personas: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), `provision-bench-${personas ? 'personas' : 'inline'}-`));
  mkdirSync(path.join(dir, 'users'));
  for (let f = 0; f < FILES; f++) writeFileSync(path.join(dir, 'users', `team-${String(f).padStart(2, '0')}.yaml`), usersFile(f, personas));
  if (personas) {
    mkdirSync(path.join(dir, 'personas'));
    writeFileSync(path.join(dir, 'personas', 'agents.yaml'), personasFile());
  }
  return dir;
}

async function validate(dir: string): Promise<Measured> {
  const run = await measureNode([binary, 'validate', '--format', 'json'], { cwd: dir });
  if (run.status !== 0) throw new Error(`provision validate failed (exit ${run.status}): ${run.stdout.slice(0, 500)}${run.stderr.slice(0, 500)}`);
  return run;
}

export async function bench(): Promise<void> {
  const inline = generate(false);
  const personas = generate(true);
  try {
    const rounds = runs();
    const loads = [load()];
    const inlineRuns: Measured[] = [];
    const personaRuns: Measured[] = [];
    // Alternate the two, so that a busy spell on the machine falls on both alike.
    for (let round = 0; round < rounds; round++) {
      inlineRuns.push(await validate(inline));
      personaRuns.push(await validate(personas));
    }
    loads.push(load());
    const m = (list: Measured[], key: 'wallMs' | 'maxRssMb' | 'cpuMs') => median(list.map((r) => r[key]));
    const ratio = median(personaRuns.map((r, i) => r.wallMs / inlineRuns[i]!.wallMs));
    console.log(`${fmt(FILES * PER_FILE)} users in ${FILES} YAML files, each taking a job and a language persona (${AGENTS + LANGUAGES.length} personas) or the same fields written out; medians of ${rounds} rounds, ${loads.join(' → ')} on ${cpus().length} cores`);
    console.log(`  fields written out:  wall ${fmt(m(inlineRuns, 'wallMs'))} ms, CPU ${fmt(m(inlineRuns, 'cpuMs'))} ms, peak RSS ${fmt(m(inlineRuns, 'maxRssMb'))} MB`);
    console.log(`  with personas:       wall ${fmt(m(personaRuns, 'wallMs'))} ms, CPU ${fmt(m(personaRuns, 'cpuMs'))} ms, peak RSS ${fmt(m(personaRuns, 'maxRssMb'))} MB`);
    console.log(`  wall ${ratio.toFixed(2)}× the written-out users (target ≤ ${RATIO}×): ${ratio <= RATIO ? 'met' : 'MISSED'}; no API calls (validate reads no org)`);
  } finally {
    rmSync(inline, { recursive: true, force: true });
    rmSync(personas, { recursive: true, force: true });
  }
}
