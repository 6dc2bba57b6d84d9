// The realistic large users/ folder the benchmarks share: 50,000 users in 50 YAML files, as a big contact centre writes them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const FILES = 50;
export const PER_FILE = 1000;
/** Team leads per file: every other user of the file reports to one of them. */
const LEADS = 10;

const FIRST = ['Ada', 'Nina', 'Ola', 'Kim', 'Grace', 'Jamal', 'Emily', 'Carlos', 'Priya', 'Tomás', 'Yuki', 'Fatima', 'Liam', 'Sofia', 'Mateo', 'Chloé', 'Amara', 'Noah', 'Zoë', 'Ibrahim'];
const LAST = ['Andersson', 'Berg', 'Lind', 'Sato', 'Holloway', 'Price', 'Chen', 'Mendes', 'Patel', 'García', 'Tanaka', 'Haddad', 'Murphy', 'Rossi', 'Silva', 'Dubois', 'Okafor', 'Smith', 'Müller', 'Khan'];
const TITLES = ['Support Agent', 'Senior Support Agent', 'Account Executive', 'Renewals Specialist', 'Technical Specialist', 'Quality Analyst'];
const DEPARTMENTS = ['Customer Support', 'Sales', 'Technical Support', 'Retention'];
const DIVISIONS = ['Support', 'Sales', 'Retention', 'Home'];
const SKILLS = ['Billing', 'Technical Support', 'Escalations', 'Returns', 'Chat', 'Renewals', 'New Business', 'Hardware', 'Software', 'Networking', 'Refunds', 'Onboarding'];
const LANGUAGES = ['Spanish', 'French', 'German', 'Portuguese', 'Japanese', 'Arabic'];
const QUEUES = ['Support - Tier 1', 'Support - Tier 2', 'Support - Spanish', 'Sales - Inbound', 'Sales - Renewals', 'Retention', 'Technical - Hardware', 'Technical - Software'];
const GROUPS = ['Support Team', 'Sales Team', 'Night Shift', 'Weekend Shift', 'Mentors'];

const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/** The email of user `i` of file `f` (names repeat; the numbers keep emails unique). */
export function emailOf(f: number, i: number): string {
  const n = f * PER_FILE + i;
  return `${pick(FIRST, n).toLowerCase()}.${pick(LAST, Math.floor(n / FIRST.length)).toLowerCase()}.${n}@example.com`
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** Who user `i` of file `f` reports to: a chain of file managers, leads under their manager, agents under a lead (one in ten in the next file's team). */
function managerOf(f: number, i: number): string | undefined {
  if (i === 0) return f === 0 ? undefined : emailOf(f - 1, 0);
  if (i <= LEADS) return emailOf(f, 0);
  const lead = 1 + (i % LEADS);
  return i % 10 === 3 ? emailOf((f + 1) % FILES, lead) : emailOf(f, lead);
}

/** One YAML users file: file defaults, then every user with phones (extensions on the office number), roles in divisions, skills, languages, queues, groups. */
export function yamlFile(f: number): string {
  const division = pick(DIVISIONS, f);
  const lines = [
    '# yaml-language-server: $schema=../schemas/users.schema.json',
    `# Team ${f}: a manager, ${LEADS} team leads and their agents.`,
    'defaults:',
    `  division: ${division}`,
    `  department: ${pick(DEPARTMENTS, f)}`,
    '  roles: [employee, User]',
    '  locations: [Indianapolis HQ]',
    '  languages:',
    '    English: 5',
    '',
    'users:',
  ];
  for (let i = 0; i < PER_FILE; i++) {
    const n = f * PER_FILE + i;
    const manager = managerOf(f, i);
    lines.push(`  - email: ${emailOf(f, i)}`, `    name: ${pick(FIRST, n)} ${pick(LAST, Math.floor(n / FIRST.length))}`, `    title: ${i === 0 ? 'Manager' : i <= LEADS ? 'Team Lead' : pick(TITLES, n)}`);
    if (manager) lines.push(`    manager: ${manager}`);
    lines.push('    phones:');
    // Most agents have an extension on the office number; every fifth has a direct line, every third a mobile.
    lines.push(n % 5 === 0 ? `      work: "+1 317 ${200 + (n % 700)} ${String(n % 10000).padStart(4, '0')}"` : `      work: "+1 317 555 0100 x${1000 + (n % 9000)}"`);
    if (n % 3 === 0) lines.push(`      mobile: "+1 317 ${300 + (n % 600)} ${String((n * 7) % 10000).padStart(4, '0')}"`);
    if (i <= LEADS || n % 4 === 0) {
      // Leads and some agents hold roles beyond the defaults, some of them in other divisions.
      lines.push('    roles:', '      - employee', '      - User', '      - role: Supervisor', `        division: ${pick(DIVISIONS, f + 1)}`);
      if (i <= LEADS) lines.push('      - role: Quality Evaluator', `        divisions: [${division}, ${pick(DIVISIONS, f + 2)}]`);
    }
    lines.push('    skills:', `      ${pick(SKILLS, n)}: ${1 + (n % 5)}`, `      ${pick(SKILLS, n + 5)}: 3`);
    if (n % 2 === 0) lines.push(`      ${pick(SKILLS, n + 7)}: 4`);
    if (n % 3 !== 0) lines.push('    languages:', '      English: 5', `      ${pick(LANGUAGES, n)}: ${1 + (n % 5)}`);
    lines.push(`    queues: [${pick(QUEUES, n)}, ${pick(QUEUES, n + 3)}]`, `    groups: [${pick(GROUPS, n)}${i <= LEADS ? ', Team Leads' : ''}]`, '');
  }
  return `${lines.join('\n')}\n`;
}

/** Writes the folder (team-00.yaml … team-49.yaml) into a new temporary directory and returns it. */
export function generateUsers(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-bench-users-'));
  for (let f = 0; f < FILES; f++) writeFileSync(path.join(dir, `team-${String(f).padStart(2, '0')}.yaml`), yamlFile(f));
  return dir;
}
