/**
 * MIPROv2's grounded instruction proposer: a data summary (observations batch by batch, stopping at
 * COMPLETE, then a summary), a description of the program and of each prompt's module, then per prompt
 * `perPrompt − 1` proposals, each with the demos of one demo-set candidate of the slot beside the prompt
 * and a random prompting tip. Candidate 0 of every prompt is its current value.
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
  /** Per prompt name: the current value first, then the distinct proposals. */
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

  let observations = '';
  for (let at = 0; at < rendered.length; at += c.viewDataBatchSize) {
    const text = await ask(
      observationPrompt(rendered.slice(at, at + c.viewDataBatchSize), observations),
      `obs${at}`,
    );
    if (/^COMPLETE\b/i.test(text)) break;
    observations = observations ? `${observations}\n${text}` : text;
  }
  const summary = await ask(summaryPrompt(observations || '(none)'), 'summary');
  const views: PromptView[] = input.prompts.map((p) => ({
    name: p.name,
    role: p.description,
    value: p.value,
  }));
  const programDescription = await ask(programPrompt(run.program.name, components, views), 'program');
  const modules = await Promise.all(
    views.map((v, i) => ask(modulePrompt(programDescription, v), `module${i}`)),
  );

  const tipNames = Object.keys(TIPS);
  const instructions: Record<string, string[]> = {};
  await Promise.all(
    input.prompts.map(async (p, pi) => {
      const slot = input.slots.find((s) => p.peers.includes(s));
      const sets = slot ? (input.demoSets[slot.name] ?? []) : [];
      // Draw the tips in prompt and candidate order before any call, so the draws do not depend on timing.
      const jobs = Array.from({ length: input.perPrompt - 1 }, (_, k) => {
        const i = k + 1;
        const tip = c.tips ? (TIPS[tipNames[run.rng.int(tipNames.length)] as string] ?? '') : '';
        const demos = (sets.length > 0 ? (sets[i % sets.length] ?? []) : []).map(
          (d) => `Input:\n${d.input}\nOutput:\n${d.output}`,
        );
        return { i, tip, demos };
      });
      const answers = await Promise.all(
        jobs.map((j) =>
          ask(
            proposalPrompt({
              summary,
              programDescription,
              moduleDescription: modules[pi] ?? '',
              target: views[pi] as PromptView,
              demos: j.demos,
              tip: j.tip,
            }),
            `p${pi}.${j.i}`,
          ),
        ),
      );
      const list = [p.value];
      for (const a of answers) {
        const v = proposedValue(a);
        if (v !== undefined && !list.includes(v)) list.push(v);
      }
      instructions[p.name] = list;
    }),
  );
  // Object key order by prompt order (the concurrent map above may finish in any order).
  return {
    summary,
    instructions: Object.fromEntries(input.prompts.map((p) => [p.name, instructions[p.name] ?? [p.value]])),
  };
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
