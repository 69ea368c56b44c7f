import type { UsageLedger } from '@llm-autodiff/llm';
import { isSimSpec } from '../model-defaults';

/**
 * What a run of a program of your own on the simulated task model must say: its scores would look
 * meaningful and are not (the world only knows the benchmark tasks' call kinds).
 */
export function simulatedJudgeNote(taskModel: string): string | undefined {
  if (!isSimSpec(taskModel)) return undefined;
  return `note: the task model is simulated (${taskModel}) and judges only the benchmark tasks: steps of your program that call it get generic answers, so the scores say nothing about your prompts. Give --task-model a real model, or build your program on a ruleModel (packages/sim/README.md).`;
}

/**
 * Prints the note once, at the first task call that actually reaches a simulated model (a program that
 * builds on its own rule model never does, and gets no note). Returns the unsubscribe.
 */
export function noteWhenSimulatedTaskCalled(
  ledger: UsageLedger,
  taskModel: string,
  print: (line: string) => void,
): () => void {
  const note = simulatedJudgeNote(taskModel);
  if (!note) return () => {};
  const stop = ledger.subscribe((entry) => {
    if (entry.role !== 'task' || !isSimSpec(entry.model)) return;
    stop();
    print(note);
  });
  return stop;
}
