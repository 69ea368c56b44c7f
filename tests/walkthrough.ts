/** The README's "Your own workflow" walkthrough: its TypeScript block, extracted so tests run it as written. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../scripts/pack';

const START = '<!-- walkthrough:start -->';
const END = '<!-- walkthrough:end -->';

/** The code of the fenced ```ts blocks between the walkthrough markers of README.md, joined in order. */
export function walkthroughSource(readme = readFileSync(join(REPO, 'README.md'), 'utf8')): string {
  const from = readme.indexOf(START);
  const to = readme.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md: no walkthrough between ${START} and ${END}`);
  const blocks = [...readme.slice(from, to).matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  if (blocks.length === 0) throw new Error('README.md: the walkthrough has no ```ts block');
  return blocks.join('\n');
}

/**
 * Checks what the walkthrough printed: the better upstream prompt raised the score, the budget stopped
 * training and the resume finished it, usage per role (the rule model's task calls local, zero tokens).
 */
export function checkWalkthroughOutput(stdout: string): void {
  const moved = /accuracy (\d\.\d\d) -> (\d\.\d\d) with the better instruction/.exec(stdout);
  if (!moved) throw new Error(`the walkthrough printed no accuracy line:\n${stdout}`);
  if (!(Number(moved[2]) > Number(moved[1])))
    throw new Error(`the better instruction did not raise the score: ${moved[0]}`);
  for (const role of ['backward', 'optimizer']) {
    if (!new RegExp(`^${role}: [1-9]\\d* calls, [1-9]\\d* tokens`, 'm').test(stdout))
      throw new Error(`the walkthrough printed no usage for role ${role}:\n${stdout}`);
  }
  // The task calls are the rule model's: every one counted, marked local, no tokens billed.
  const task = /^task: ([1-9]\d*) calls \((\d+) local\), 0 tokens/m.exec(stdout);
  if (!task || task[1] !== task[2])
    throw new Error(`the walkthrough's task calls are not all counted as local:\n${stdout}`);
  // Stopped by its budget after a finished step, then resumed to the end with the run's spend counted.
  const stopped = /^stopped after step (\d+) \(budget reached: .*\);\nresuming: the run's (\d+) calls/m.exec(
    stdout,
  );
  if (!stopped || Number(stopped[1]) < 1 || Number(stopped[2]) < 1)
    throw new Error(`the walkthrough's budget did not stop training after a finished step:\n${stdout}`);
  if (!/; partial: false$/m.test(stdout)) throw new Error(`the resumed run did not finish:\n${stdout}`);
  if (!stdout.includes('walkthrough done')) throw new Error(`the walkthrough did not finish:\n${stdout}`);
}
