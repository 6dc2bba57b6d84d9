// A bounded pool of async tasks that can stop starting new ones (Ctrl-C) while in-flight ones finish.

/**
 * Runs `tasks` with at most `concurrency` in flight (never more workers than tasks).
 * Returns how many tasks were never started because `signal` was aborted.
 */
export async function runPool(tasks: Array<() => Promise<void>>, concurrency: number, signal?: AbortSignal): Promise<number> {
  let next = 0;
  const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, tasks.length));
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      if (signal?.aborted) return;
      const task = tasks[next++];
      if (task) await task();
    }
  };
  if (tasks.length === 0) return 0;
  await Promise.all(Array.from({ length: workers }, worker));
  return tasks.length - next;
}

/** Splits a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
