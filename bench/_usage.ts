// Preloaded (`node --import`) into a measured process: at exit, writes its own peak RSS and CPU time to the file BENCH_USAGE names.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ maxRssKb: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime }));
  });
}
