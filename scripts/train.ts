/**
 * The workspace's training command (`pnpm train -- --task object-count`, `pnpm demo`): the same as
 * `autodiff train`, which holds the wiring (packages/runner/src/train).
 */
import { main } from '@llm-autodiff/runner';

process.exitCode = await main(['train', ...process.argv.slice(2)]);
