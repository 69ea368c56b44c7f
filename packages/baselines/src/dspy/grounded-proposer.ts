/**
 * MIPROv2's grounded instruction proposer, as the reference makes its calls:
 *
 * - a data summary: one observation call on the first batch of the data view, then one per further batch
 *   (at most 10 observation calls); an answer starting with COMPLETE adds nothing and is skipped, and the
 *   fifth such skip ends the walk; then one summary call;
 * - per prompt, K proposals (K = N, or min(N, demo-set candidates) when demos are tuned), each made of
 *   three calls: a description of the program (shown the proposal's example demos), a description of the
 *   prompt's module, and the proposal itself (data summary, both descriptions, example demos, a random
 *   prompting tip, the current instruction). Proposal k's example demos are up to 3 demos of the slot's
 *   demo sets starting at set k; proposal 0 shows none.
 * - candidate 0 of every prompt is then replaced by the current instruction (its calls are made anyway,
 *   as in the reference); equal proposals are kept (each is its own search option).
 *
 * The method does not know the task's fields, so the data view is the final call's rendered input and
 * gold answer of the first training examples, and the "program code" is its LLM calls and prompts.
 */
import type { Demo, Parameter } from '@llm-autodiff/core';
import type { ChatMessage, ChatModel } from '@llm-autodiff/llm';
import type { RunContext } from '@llm-autodiff/trainer';
import { proposedValue } from '../common/answer';
import { proposalSalt } from '../common/salt';
import {
  modulePrompt,
  observationPrompt,
  type PromptView,
  programPrompt,
  proposalPrompt,
  summaryPrompt,
  TIPS,
} from './mipro-prompts';

/** The reference's cap on observation calls, and on answers of COMPLETE before it stops looking. */
export const MAX_OBSERVATION_CALLS = 10;
export const MAX_COMPLETE_SKIPS = 5;
/** Example demos shown per proposal (the reference's BOOTSTRAPPED_FEWSHOT_EXAMPLES_IN_CONTEXT). */
export const DEMOS_IN_CONTEXT = 3;

export interface ProposerInput<E> {
  run: RunContext<E>;
  model: ChatModel;
  prompts: readonly Parameter<string>[];
  slots: readonly Parameter<Demo[]>[];
  demoSets: Record<string, Demo[][]>;
  perPrompt: number;
  settings: { dataSummaryExamples: number; viewDataBatchSize: number; tips: boolean };
}

export interface Proposals {
  summary: string;
  /** Per prompt name: the current value first, then the other proposals (equal ones kept). */
  instructions: Record<string, string[]>;
}

export async function proposeInstructions<E>(input: ProposerInput<E>): Promise<Proposals> {
  const { run, settings: c } = input;
  const ask = async (messages: ChatMessage[], salt: string): Promise<string> => {
    const r = await input.model.complete(
      { messages },
      { role: 'optimizer', labels: run.labels, cacheSalt: proposalSalt(run, salt) },
    );
    return r.text.trim();
  };

  const shown = run.data.train.slice(0, Math.min(run.data.train.length, c.dataSummaryExamples));
  const forward = await run.forwardLoss(shown);
  const rendered = forward.map((f) => {
    const pred = f.loss.predecessors[0];
    const gold = pred?.groundTruth === undefined ? '' : `\nExpected answer:\n${String(pred.groundTruth)}`;
    return `Input:\n${pred?.trace?.input ?? ''}${gold}`;
  });
  const components = [...new Set(forward.flatMap((f) => llmCalls(f.loss)))];
  for (const p of run.program.parameters()) p.zeroGrad();

  let observations = await ask(observationPrompt(rendered.slice(0, c.viewDataBatchSize), ''), 'obs0');
  let skips = 0;
  for (
    let at = c.viewDataBatchSize, calls = 1;
    at < rendered.length && calls < MAX_OBSERVATION_CALLS;
    at += c.viewDataBatchSize, calls++
  ) {
    const text = await ask(
      observationPrompt(rendered.slice(at, at + c.viewDataBatchSize), observations),
      `obs${at}`,
    );
    if (/^COMPLETE\b/i.test(text)) {
      if (++skips >= MAX_COMPLETE_SKIPS) break;
      continue;
    }
    observations = `${observations}\n${text}`;
  }
  const summary = await ask(summaryPrompt(observations || '(none)'), 'summary');
  const views: PromptView[] = input.prompts.map((p) => ({
    name: p.name,
    role: p.description,
    value: p.value,
  }));

  const tipNames = Object.keys(TIPS);
  const demoSetCount = Math.max(0, ...input.slots.map((s) => input.demoSets[s.name]?.length ?? 0));
  const perPrompt = demoSetCount > 0 ? Math.min(input.perPrompt, demoSetCount) : input.perPrompt;
  const instructions: Record<string, string[]> = {};
  await Promise.all(
    input.prompts.map(async (p, pi) => {
      const slot = input.slots.find((s) => p.peers.includes(s));
      const sets = slot ? (input.demoSets[slot.name] ?? []) : [];
      // Draw the tips in prompt and candidate order before any call, so the draws do not depend on timing.
      const jobs = Array.from({ length: perPrompt }, (_, k) => {
        const tip = c.tips ? (TIPS[tipNames[run.rng.int(tipNames.length)] as string] ?? '') : '';
        return { k, tip, demos: k === 0 ? [] : exampleDemos(sets, k) };
      });
      const answers = await Promise.all(
        jobs.map(async (j) => {
          const salt = `p${pi}.${j.k}`;
          const programDescription = await ask(
            programPrompt(run.program.name, components, views, j.demos),
            `${salt}.program`,
          );
          const moduleDescription = await ask(
            modulePrompt(programDescription, views[pi] as PromptView, j.demos),
            `${salt}.module`,
          );
          return ask(
            proposalPrompt({
              summary,
              programDescription,
              moduleDescription,
              target: views[pi] as PromptView,
              demos: j.demos,
              tip: j.tip,
            }),
            salt,
          );
        }),
      );
      // Candidate 0 is the current instruction, whatever its proposal said (as the reference).
      instructions[p.name] = answers.map((a, k) => (k === 0 ? p.value : (proposedValue(a) ?? p.value)));
    }),
  );
  // Object key order by prompt order (the concurrent map above may finish in any order).
  return {
    summary,
    instructions: Object.fromEntries(input.prompts.map((p) => [p.name, instructions[p.name] ?? [p.value]])),
  };
}

/** Up to DEMOS_IN_CONTEXT demos from the demo sets starting at set `k` (then the following ones, wrapping). */
function exampleDemos(sets: readonly Demo[][], k: number): string[] {
  const order = [...sets.slice(k), ...sets.slice(0, k)];
  return order
    .flat()
    .slice(0, DEMOS_IN_CONTEXT)
    .map((d) => `Input:\n${d.input}\nOutput:\n${d.output}`);
}

/** Names of the LLM calls of one sample, in forward order. */
function llmCalls(root: Parameter): string[] {
  const seen = new Set<Parameter>();
  const calls: Array<{ order: number; name: string }> = [];
  const visit = (p: Parameter): void => {
    if (seen.has(p)) return;
    seen.add(p);
    if (p.component?.kind === 'generator')
      calls.push({ order: p.component.forwardOrder, name: p.component.name });
    for (const q of p.predecessors) visit(q);
  };
  visit(root);
  return calls.sort((a, b) => a.order - b.order).map((c) => c.name);
}
