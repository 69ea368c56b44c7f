/**
 * What a piece of work costs this process: CPU time (user + system, garbage collection included; on a
 * shared machine it measures the work, where the wall-clock also measures the neighbours), wall-clock,
 * and the garbage-collection pauses inside it.
 */
import { PerformanceObserver } from 'node:perf_hooks';

export interface Cost {
  cpuUs: number;
  wallMs: number;
  gcMs: number;
}

export async function measure(work: () => Promise<unknown>): Promise<Cost> {
  const gc = new PerformanceObserver(() => {});
  gc.observe({ entryTypes: ['gc'] });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await work();
  const c = process.cpuUsage(c0);
  const wallMs = performance.now() - t0;
  // GC entries are queued after the pause that made them: one turn lets the last ones in.
  await new Promise((resolve) => setImmediate(resolve));
  const gcMs = gc.takeRecords().reduce((sum, e) => sum + e.duration, 0);
  gc.disconnect();
  return { cpuUs: c.user + c.system, wallMs, gcMs };
}
