/** TEST SUPPORT: `autodiff` in process (captured output) and as a child process. */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { autodiff } from './run-cli';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const AUTODIFF_BIN = join(REPO_ROOT, 'packages/runner/bin/autodiff.mjs');

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
  err: string;
}

/**
 * `autodiff <args>` in a child process. `onOutput` sees stdout as it arrives and may send the child a
 * signal (e.g. after its first checkpoint).
 */
export function autodiffChild(
  args: string[],
  onOutput?: (soFar: string, kill: (sig: NodeJS.Signals) => void) => void,
): Promise<ChildRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [AUTODIFF_BIN, ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const kill = (sig: NodeJS.Signals) => child.kill(sig);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      onOutput?.(out, kill);
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', fail);
    child.on('close', (code, signal) => done({ code, signal, out, err }));
  });
}

/**
 * A one-step run on small splits whose roles talk to a sim server through the `openai` client:
 * task and teacher models `openai:sim:task` / `teacherModel`, backward and optimizer `openai:sim:large`.
 */
export function httpTrainArgs(
  url: string,
  opts: { task?: string; pipeline?: string; val?: number; test?: number; teacherModel?: string } = {},
): string[] {
  const task = opts.task ?? 'object-count';
  return [
    'train',
    '--task',
    task,
    '--pipeline',
    opts.pipeline ?? task,
    ...['--steps', '1', '--batch', '2', '--proposals', '2', '--train', '6'],
    ...['--val', String(opts.val ?? 4), '--test', String(opts.test ?? 4)],
    '--base-url',
    url,
    ...['--task-model', 'openai:sim:task', '--teacher-model', opts.teacherModel ?? 'openai:sim:task'],
    ...['--backward-model', 'openai:sim:large', '--optimizer-model', 'openai:sim:large'],
    '--quiet',
  ];
}
