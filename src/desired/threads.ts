// Users files checked on several threads at once: the main thread and its workers claim files from one shared queue; the results come back in file order.
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ResourceLimits } from 'node:worker_threads';
import type { DesiredUser, PersonaTable, Source } from '../model/index.js';
import { checkEntry, checkFile, entryToCheck, readEntries } from './check.js';
import type { FileCheck, Member, ReadEntries } from './check.js';
import { decodeUsersFile, readUsersFile } from './files.js';
import type { FoundFile } from './files.js';
import type { PhoneCache } from './normalise.js';
import { formerEmailsOf } from './rules.js';

/**
 * Below this many bytes of users files, everything is checked on the main thread: starting a worker
 * (a new V8 isolate loading the parsers, the schema validators and the phone metadata) costs about
 * what checking this much takes, so a worker would not finish sooner.
 */
export const THREADS_MIN_BYTES = 2 * 1024 * 1024;

/** At most this many workers: each holds its own heap, and the main thread merges what they send. */
const MAX_WORKERS = 3;

/** What a worker is given. */
export interface WorkerInput {
  files: FoundFile[];
  phoneRegion: string | undefined;
  /** One Int32: the index of the next file to claim. */
  queue: SharedArrayBuffer;
  /** The personas users may take: plain data, cloned into each worker. */
  personas?: PersonaTable;
}

/** What a worker sends: one checked file with its bytes (for the digest and, if asked, positions), then `done`. */
export interface WorkerMessage {
  index?: number;
  check?: FileCheck<Member>;
  bytes?: Uint8Array;
  done?: boolean;
}

/** One checked file and the bytes it was read from. */
export interface Checked {
  check: FileCheck<Member>;
  bytes?: Uint8Array;
}

/** What the rules across files keep of the users of file `file`: former emails with their positions (few users have them). */
export function member(file: number): (user: DesiredUser, entry: number) => Member {
  return (user, entry) => {
    const m: Member = user.manager === undefined ? { email: user.email, source: user.source, file, entry } : { email: user.email, manager: user.manager, source: user.source, file, entry };
    const former = formerEmailsOf(user);
    if (former) m.former = former;
    return m;
  };
}

/**
 * How many workers to start besides the main thread: none for small inputs, a single file or a single
 * core, and none for cores that other processes keep busy (the load average over the last minute, as
 * `make -l` counts it): on a busy machine a worker only adds its start-up and a second heap to
 * collect, for no time saved.
 */
export function workersFor(bytes: number, files: number, machine: { cores: number; load: number } = { cores: availableParallelism(), load: loadavg()[0] ?? 0 }): number {
  if (bytes < THREADS_MIN_BYTES || files < 2) return 0;
  const idle = Math.round(machine.cores - machine.load);
  return Math.max(0, Math.min(machine.cores - 1, idle, MAX_WORKERS, files - 1));
}

/** How files are spread over threads. */
export interface ThreadOptions {
  /** Workers to start besides the main thread. */
  workers: number;
  /** Whether the main thread checks files too (true); false leaves every file to the workers, as tests need. */
  main?: boolean;
  /** Limits of each worker's heap (tests make a worker fail with them). */
  resourceLimits?: ResourceLimits;
  /** The personas users may take. */
  personas?: PersonaTable;
}

/** Starts one worker; resolves once it has sent everything it checked (or stopped early, whatever the reason). */
function startWorker(input: WorkerInput, results: (Checked | undefined)[], resourceLimits: ResourceLimits | undefined): Promise<void> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input, stdout: false, stderr: false, resourceLimits });
    } catch {
      // The main thread checks whatever no worker reported.
      resolve();
      return;
    }
    worker.on('message', (message: WorkerMessage) => {
      if (message.done) resolve();
      else if (message.index !== undefined && message.check) results[message.index] = { check: message.check, bytes: message.bytes };
    });
    // A failed worker (out of memory, a bug) leaves its claimed file unreported; the main thread checks it again, and a bug surfaces there.
    worker.on('error', () => resolve());
    worker.on('exit', () => resolve());
  });
}

/**
 * Checks every file, the main thread taking its share of the queue with `workers` workers.
 * Results come back by file index, whichever thread checked the file.
 */
export async function checkFilesInThreads(files: readonly FoundFile[], phoneRegion: string | undefined, options: ThreadOptions): Promise<Checked[]> {
  const queue = new SharedArrayBuffer(4);
  const next = new Int32Array(queue);
  const results: (Checked | undefined)[] = new Array(files.length);
  const input: WorkerInput = options.personas ? { files: [...files], phoneRegion, queue, personas: options.personas } : { files: [...files], phoneRegion, queue };
  const started: Promise<void>[] = [];
  for (let i = 0; i < options.workers; i++) started.push(startWorker(input, results, options.resourceLimits));
  const phoneCache: PhoneCache = new Map();
  const checkHere = async (index: number): Promise<void> => {
    const r = await readUsersFile(files[index]!);
    results[index] = { check: checkFile(r, phoneRegion, phoneCache, member(index), options.personas), bytes: r.bytes };
  };
  while (options.main !== false || options.workers === 0) {
    const index = Atomics.add(next, 0, 1);
    if (index >= files.length) break;
    await checkHere(index);
  }
  await Promise.all(started);
  for (let index = 0; index < files.length; index++) if (!results[index]) await checkHere(index);
  return results as Checked[];
}

/**
 * Where each member's `manager` is written, found when a rule reports it: the member's file is read
 * again from the bytes it was checked from, and its entry checked again exactly as before (the same
 * value, so the same position). Only the file asked last is kept.
 */
export function managerPositions(files: readonly FoundFile[], checked: readonly Checked[], phoneRegion: string | undefined): (m: Member) => Source | undefined {
  let last: { file: number; read: ReadEntries | undefined; at: Map<number, Source | undefined> } | undefined;
  return (m) => {
    if (last?.file !== m.file) {
      const bytes = checked[m.file]?.bytes;
      const text = bytes && decodeUsersFile(bytes);
      const file = files[m.file]!;
      last = { file: m.file, read: text === undefined ? undefined : readEntries(file.display, file.kind, text), at: new Map() };
    }
    const { read, at } = last;
    if (!at.has(m.entry)) {
      const entry = read?.result.entries[m.entry];
      const checked = entry && checkEntry(entryToCheck(read, entry), phoneRegion, new Map());
      at.set(m.entry, (checked?.user ?? checked?.partial)?.at.manager);
    }
    return at.get(m.entry);
  };
}
