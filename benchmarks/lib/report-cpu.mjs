// Preloaded into a benchmarked child process (`node --import <this file> …`): at exit it writes the
// process's CPU time (user + system, µs, all threads) to the file named by BENCH_CPU_FILE. A parent has no
// portable way to read a child's resource usage, and on a loaded machine CPU time says what the work
// costs where wall-clock mostly says how long it queued for a core. Plain JS: no loader needed.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_CPU_FILE;
if (file) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(file, String(user + system));
  });
}
