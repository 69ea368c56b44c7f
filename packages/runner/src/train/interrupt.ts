/**
 * SIGINT / SIGTERM during `autodiff train`: the first one aborts the run's stop signal (llm stops
 * issuing calls, the trainer keeps its last checkpoint and returns a partial result); a second Ctrl-C
 * exits at once (every file is written atomically, so nothing is left half-written).
 */
import { setMaxListeners } from 'node:events';
import { EXIT_CODES } from '../exit-codes';

export interface Interrupt {
  signal: AbortSignal;
  /** Removes the handlers. */
  dispose(): void;
}

export function onInterrupt(err: (line: string) => void): Interrupt {
  const controller = new AbortController();
  // Every call in flight listens to it (llm's stopSignal): --concurrency 16 is 16 listeners, not a leak.
  setMaxListeners(0, controller.signal);
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      if (sig !== 'SIGINT') return;
      err('second Ctrl-C: exiting now; the checkpoint holds the last finished step');
      process.exit(EXIT_CODES.interrupted);
    }
    err(
      `${sig}: stopping — no new model calls; writing the checkpoint and a partial result${sig === 'SIGINT' ? ' (Ctrl-C again to quit at once)' : ''}`,
    );
    controller.abort(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** `autodiff train …` without --resume, plus --resume: the command that continues this run. */
export function resumeCommand(argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['autodiff', 'train', ...argv.filter((a) => a !== '--resume'), '--resume'].map(quote).join(' ');
}
