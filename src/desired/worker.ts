// A worker thread of `validateDesired`: claims users files from the queue it shares with the main thread, checks each, and sends back what the rules across files need.
import { parentPort, workerData } from 'node:worker_threads';
import { checkFile } from './check.js';
import { readUsersFile } from './files.js';
import type { PhoneCache } from './normalise.js';
import { member } from './threads.js';
import type { WorkerInput, WorkerMessage } from './threads.js';

const { files, phoneRegion, queue, personas } = workerData as WorkerInput;
const next = new Int32Array(queue);
const phoneCache: PhoneCache = new Map();

for (;;) {
  const index = Atomics.add(next, 0, 1);
  if (index >= files.length) break;
  const r = await readUsersFile(files[index]!);
  const message: WorkerMessage = { index, check: checkFile(r, phoneRegion, phoneCache, member(index), personas) };
  const transfer: ArrayBuffer[] = [];
  if (r.bytes) {
    // The file's bytes go back for the inputs digest: moved, not copied, when the buffer is the file's alone.
    const own = r.bytes.byteOffset === 0 && r.bytes.byteLength === r.bytes.buffer.byteLength && r.bytes.buffer instanceof ArrayBuffer;
    message.bytes = own ? r.bytes : new Uint8Array(r.bytes);
    transfer.push(message.bytes.buffer as ArrayBuffer);
  }
  parentPort!.postMessage(message, transfer);
}
parentPort!.postMessage({ done: true } satisfies WorkerMessage);
