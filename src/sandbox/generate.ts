// Builds large, realistic, deterministic orgs for benchmarks and tests.
import { prng } from './ids.js';
import type { SeedOrg, SeedUser } from './types.js';

const FIRST = ['Ada', 'Ali', 'Amara', 'Anna', 'Ben', 'Carla', 'Chen', 'Dara', 'Diego', 'Elif', 'Emma', 'Farah', 'Felix', 'Grace', 'Hana', 'Ivan', 'Jonas', 'Kai', 'Kim', 'Lars', 'Lea', 'Liam', 'Maja', 'Mateo', 'Mia', 'Nina', 'Noah', 'Ola', 'Omar', 'Priya', 'Rosa', 'Sam', 'Sara', 'Tariq', 'Theo', 'Uma', 'Vera', 'Wei', 'Yara', 'Zoe'];
const LAST = ['Andersson', 'Berg', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Hansen', 'Ito', 'Jensen', 'Kowalski', 'Lind', 'Martin', 'Nakamura', 'Novak', 'Olsen', 'Patel', 'Quinn', 'Rossi', 'Sato', 'Schmidt', 'Silva', 'Tanaka', 'Usman', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zhang', 'Okafor'];
const SKILLS = ['Billing', 'Refunds', 'Escalations', 'Technical Support', 'Onboarding', 'Retention', 'Sales', 'Upsell', 'Fraud', 'Shipping', 'Returns', 'Warranty', 'Accessibility', 'VIP', 'Chat', 'Email', 'Social', 'Callbacks', 'Outbound', 'Training'];
const LANGUAGES = ['English', 'Spanish', 'French', 'German', 'Portuguese', 'Italian', 'Japanese', 'Mandarin', 'Arabic', 'Swedish'];
const ROLES = ['employee', 'Agent', 'Supervisor', 'Team Lead', 'Quality Evaluator', 'Workforce Planner', 'Reporting', 'Admin'];
const DIVISIONS = ['Home', 'Support', 'Sales', 'Billing', 'Back Office'];
const LOCATIONS = ['Indianapolis HQ', 'Dublin', 'Stockholm', 'Manila', 'Remote - Americas', 'Remote - EMEA'];
const TITLES = ['Agent', 'Senior Agent', 'Specialist', 'Team Lead', 'Supervisor', 'Quality Analyst'];
const DEPARTMENTS = ['Support', 'Sales', 'Billing', 'Retention', 'Operations'];

export interface GenerateOptions {
  users: number;
  queues?: number;
  groups?: number;
  seed?: number;
  /** The first N queues get a member group each (groups in turn), so some members come through a group. */
  queueGroups?: number;
  /** The first N groups are granted a role (in turn, home division), which their members hold through them. */
  groupRoles?: number;
  /**
   * Former employees besides `users`: inactive users with a role, in the domain `former.example.com`,
   * as contact centres keep them by the ten thousand (Genesys lists at most 10,000 of them).
   */
  formerUsers?: number;
}

export function generateOrg(options: GenerateOptions): SeedOrg {
  const random = prng(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const some = <T>(list: readonly T[], min: number, max: number): T[] => {
    const n = min + Math.floor(random() * (max - min + 1));
    const out = new Set<T>();
    while (out.size < Math.min(n, list.length)) out.add(pick(list));
    return [...out];
  };
  const queueCount = options.queues ?? 20;
  const groupCount = options.groups ?? 10;
  const queues = Array.from({ length: queueCount }, (_, i) => ({ name: `${DEPARTMENTS[i % DEPARTMENTS.length]} - Tier ${Math.floor(i / DEPARTMENTS.length) + 1}`, division: DIVISIONS[1 + (i % (DIVISIONS.length - 1))] }));
  const groups = Array.from({ length: groupCount }, (_, i) => ({ name: `Team ${FIRST[i % FIRST.length]}${i >= FIRST.length ? ` ${Math.floor(i / FIRST.length) + 1}` : ''}` }));
  const users: SeedUser[] = [];
  const leads: string[] = [];
  for (let i = 0; i < options.users; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = `${first}.${last}.${i + 1}@example.com`.toLowerCase();
    const roll = random();
    const state = roll < 0.02 ? 'deleted' : roll < 0.05 ? 'inactive' : 'active';
    const isLead = i % 12 === 0;
    const user: SeedUser = {
      email,
      name: `${first} ${last}`,
      title: isLead ? 'Team Lead' : pick(TITLES),
      department: pick(DEPARTMENTS),
      division: pick(DIVISIONS),
      state,
      phones: [{ type: 'work', number: `+1317555${String(1000 + (i % 9000)).padStart(4, '0')}`, extension: String(2000 + (i % 8000)) }],
      roles: some(ROLES.slice(0, 3), 1, 2),
      skills: Object.fromEntries(some(SKILLS, 0, 4).map((s) => [s, 1 + Math.floor(random() * 5)])),
      languages: Object.fromEntries(some(LANGUAGES, 1, 2).map((l) => [l, 2 + Math.floor(random() * 4)])),
      queues: queues.length > 0 ? some(queues.map((q) => q.name), 1, 3) : [],
      groups: groups.length > 0 ? some(groups.map((g) => g.name), 0, 2) : [],
      locations: random() < 0.7 ? [pick(LOCATIONS)] : [],
    };
    if (random() < 0.3) user.employerInfo = { employeeId: `E${String(100000 + i)}`, employeeType: pick(['Full-time', 'Part-time', 'Contractor']), dateHire: `20${10 + Math.floor(random() * 15)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}` };
    if (leads.length > 0 && !isLead) user.manager = pick(leads.slice(-20));
    if (isLead && state === 'active') leads.push(email);
    users.push(user);
  }
  users.push(...formerUsers(options.formerUsers ?? 0, random));
  // Added after every user is drawn, so the same seed gives the same users with or without them.
  if (groups.length > 0) {
    queues.slice(0, options.queueGroups ?? 0).forEach((q, i) => Object.assign(q, { memberGroups: [(groups[i % groups.length] as { name: string }).name] }));
    groups.slice(0, options.groupRoles ?? 0).forEach((g, i) => Object.assign(g, { roles: [ROLES[(i % (ROLES.length - 1)) + 1] as string] }));
  }
  return {
    org: { name: `Generated Org ${options.users}`, domain: 'generated' },
    divisions: DIVISIONS.map((name, i) => ({ name, home: i === 0 })),
    skills: SKILLS,
    languages: LANGUAGES,
    roles: ROLES.map((name) => ({ name, permissions: name === 'Admin' ? ['*:*:*'] : [`${name.toLowerCase().replace(/\s+/g, '_')}:view`] })),
    locations: LOCATIONS,
    queues,
    groups,
    users,
  };
}

/** Light inactive users (a name, a title, a division, the base role), cheap to seed by the ten thousand. */
function formerUsers(count: number, random: () => number): SeedUser[] {
  const out: SeedUser[] = [];
  for (let i = 0; i < count; i++) {
    const first = FIRST[Math.floor(random() * FIRST.length)] as string;
    const last = LAST[Math.floor(random() * LAST.length)] as string;
    out.push({
      email: `${first}.${last}.${i + 1}@former.example.com`.toLowerCase(),
      name: `${first} ${last}`,
      title: TITLES[i % TITLES.length],
      division: DIVISIONS[i % DIVISIONS.length],
      state: 'inactive',
      roles: ['employee'],
    });
  }
  return out;
}
