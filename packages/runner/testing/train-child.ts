/**
 * TEST SUPPORT ONLY: the child process of the kill/resume test.
 *   node --import tsx train-child.ts <checkpoint> <cache> <out.json> [resume]
 * Writes the run's result to <out.json> when it finishes.
 */
import { writeFileSync } from 'node:fs';
import { KILL_TEST_CONFIG, KILL_TEST_SIZES } from './kill-test-config';
import { simObjectCountRun } from './sim-run';

const [checkpointPath, cachePath, out, mode] = process.argv.slice(2);
if (!checkpointPath || !cachePath || !out) {
  console.error('usage: train-child.ts <checkpoint> <cache> <out.json> [resume]');
  process.exit(2);
}
const { result, ledger } = await simObjectCountRun({
  config: KILL_TEST_CONFIG,
  sizes: KILL_TEST_SIZES,
  checkpointPath,
  cachePath,
  resume: mode === 'resume',
  // A little latency so the parent can kill the run between checkpoints.
  latency: { baseMs: 4, perOutputTokenMs: 0 },
});
writeFileSync(out, JSON.stringify({ result, byRole: ledger.byRole() }));
