// Benchmark: `provision --help` against a bare `node -e 0`, both whole processes, in one run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, load, measureNode, median, runs } from './_measure.js';

const binary = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/provision.js');
const TARGET = 1.3;

export async function bench(): Promise<void> {
  const rounds = Math.max(runs(), 10);
  const loads = [load()];
  const node: number[] = [];
  const help: number[] = [];
  for (let round = 0; round < rounds; round++) {
    node.push((await measureNode(['-e', '0'], { usage: false })).wallMs);
    const run = await measureNode([binary, '--help'], { usage: false });
    if (run.status !== 0) throw new Error(`provision --help failed: ${run.stderr}`);
    help.push(run.wallMs);
  }
  loads.push(load());
  const ratio = median(help.map((ms, i) => ms / node[i]!));
  console.log(`medians of ${rounds} rounds, ${loads.join(' → ')}`);
  console.log(`  node -e 0:        ${fmt(median(node))} ms`);
  console.log(`  provision --help: ${fmt(median(help))} ms`);
  console.log(`  ${ratio.toFixed(2)}× a bare node (target ≤ ${TARGET}×): ${ratio <= TARGET ? 'met' : 'MISSED'}`);
}
