// Runs a command as its own process and measures it: wall time from spawn to exit, its peak RSS and CPU time (from a preloaded reporter).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const usageModule = pathToFileURL(path.join(path.dirname(fileURLToPath(import.meta.url)), '_usage.js')).href;

export interface Measured {
  wallMs: number;
  maxRssMb: number;
  cpuMs: number;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `node [nodeArgs] script args` in a fresh process, its output collected. */
export async function measureNode(script: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; usage?: boolean } = {}): Promise<Measured> {
  const dir = mkdtempSync(path.join(tmpdir(), 'provision-bench-usage-'));
  const file = path.join(dir, 'usage.json');
  try {
    const started = performance.now();
    // Without the reporter (start-up figures), the process is exactly the command; peak RSS and CPU are then not known.
    const preload = options.usage === false ? [] : ['--import', usageModule];
    const child = spawn(process.execPath, [...preload, ...script], { cwd: options.cwd, env: { ...process.env, ...options.env, BENCH_USAGE: file }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const wallMs = performance.now() - started;
    const usage = options.usage === false ? { maxRssKb: 0, cpuUs: 0 } : (JSON.parse(readFileSync(file, 'utf8')) as { maxRssKb: number; cpuUs: number });
    return { wallMs, maxRssMb: usage.maxRssKb / 1024, cpuMs: usage.cpuUs / 1000, status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How busy the machine is (1-minute load average over its cores): figures taken on a shared machine need it beside them. */
export function load(): string {
  return `load ${loadavg()[0]!.toFixed(1)}`;
}

/** Rounds of a benchmark: BENCH_RUNS, 5 by default. */
export function runs(): number {
  const n = Number(process.env.BENCH_RUNS ?? 5);
  return Number.isInteger(n) && n > 0 ? n : 5;
}

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
