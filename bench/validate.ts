// Benchmark: `provision validate` of 50,000 users in 50 YAML files against a bare js-yaml load of the same files, both whole processes, in one run.
import { rmSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FILES, PER_FILE, generateUsers } from './_users.js';
import { fmt, load, measureNode, median, runs } from './_measure.js';
import type { Measured } from './_measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.resolve(here, '../../bin/provision.js');
const bare = path.join(here, '_bare-yaml.js');
/** Targets: the whole validate process against the bare load. */
const WALL_RATIO = 1.5;
const MEMORY_RATIO = 2;

export async function bench(): Promise<void> {
  const dir = generateUsers();
  try {
    const rounds = runs();
    const loads = [load()];
    const bareRuns: Measured[] = [];
    const validateRuns: Measured[] = [];
    // Alternate the two, so that a busy spell on the machine falls on both alike.
    for (let round = 0; round < rounds; round++) {
      bareRuns.push(await measureNode([bare, dir]));
      const run = await measureNode([binary, 'validate', dir, '--format', 'json'], { cwd: dir });
      if (run.status !== 0) throw new Error(`provision validate failed (exit ${run.status}): ${run.stdout.slice(0, 500)}${run.stderr.slice(0, 500)}`);
      validateRuns.push(run);
    }
    loads.push(load());
    const m = (list: Measured[], key: 'wallMs' | 'maxRssMb' | 'cpuMs') => median(list.map((r) => r[key]));
    const wallRatio = median(validateRuns.map((r, i) => r.wallMs / bareRuns[i]!.wallMs));
    const memoryRatio = median(validateRuns.map((r, i) => r.maxRssMb / bareRuns[i]!.maxRssMb));
    console.log(`${fmt(FILES * PER_FILE)} users in ${FILES} YAML files (defaults, phones with extensions, managers across files, roles in divisions, skills, languages, queues, groups); medians of ${rounds} rounds, ${loads.join(' → ')} on ${cpus().length} cores`);
    console.log(`  bare js-yaml load:   wall ${fmt(m(bareRuns, 'wallMs'))} ms, CPU ${fmt(m(bareRuns, 'cpuMs'))} ms, peak RSS ${fmt(m(bareRuns, 'maxRssMb'))} MB`);
    console.log(`  provision validate:  wall ${fmt(m(validateRuns, 'wallMs'))} ms, CPU ${fmt(m(validateRuns, 'cpuMs'))} ms, peak RSS ${fmt(m(validateRuns, 'maxRssMb'))} MB`);
    console.log(`  wall ${wallRatio.toFixed(2)}× the bare load (target ≤ ${WALL_RATIO}×): ${wallRatio <= WALL_RATIO ? 'met' : 'MISSED'}; CPU ${(m(validateRuns, 'cpuMs') / m(bareRuns, 'cpuMs')).toFixed(2)}×`);
    console.log(`  peak memory ${memoryRatio.toFixed(2)}× the bare load (target ≤ ${MEMORY_RATIO}×): ${memoryRatio <= MEMORY_RATIO ? 'met' : 'MISSED'}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
