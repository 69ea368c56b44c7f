import { fn, generator, isParameter, param, retriever, type Traced, unwrap } from '@llm-autodiff/core';
import { TAGS, tag } from '@llm-autodiff/llm';
import type { HotpotExample } from '../data/hotpot';
import type { ScoredPassage } from '../retrieval/corpus';
import {
  demosSlot,
  type HotpotOptions,
  hotpotMetrics,
  hotpotRetrieverSearch,
  passagesOf,
  renderPassages,
  showPassages,
  systemOf,
} from './hotpot-common';
import { AnswerFormatError, extractJsonObject, type Parsed, parsedWith, stringField } from './parse';
import { defineProgram, type TaskProgram } from './program';
import {
  REACT_FINISH_DESCRIPTION,
  REACT_FORMAT,
  REACT_INSTRUCTION,
  REACT_SEARCH_DESCRIPTION,
} from './prompts';

export const AGENT_MAX_STEPS = 3;
export const AGENT_TOP_K = 2;

export interface ReactAction {
  thought: string;
  action: 'search' | 'finish';
  input: string;
}

export function readReactAction(text: string): ReactAction {
  const obj = extractJsonObject(text);
  const action = stringField(obj, 'action').toLowerCase();
  if (action !== 'search' && action !== 'finish') {
    throw new AnswerFormatError(`unknown action "${action}": the tools are search and finish`);
  }
  const thought = typeof obj.thought === 'string' ? obj.thought : '';
  return { thought, action, input: stringField(obj, 'input') };
}

/** One finished step as the planner reads it in `<STEPS>`: the step's JSON, then what it observed. */
function renderStep(n: number, step: { action?: ReactAction; raw: string }, observation: string): string {
  const call = step.action ? JSON.stringify(step.action) : step.raw.trim();
  return `Step ${n}\n${call}\nObservation: ${observation}`;
}

function toolsSection(search: string, finish: string): string {
  return tag(TAGS.task.tools, `1. search(input): ${search}\n2. finish(input): ${finish}`);
}

/**
 * Agentic RAG: a ReAct planner (at most 3 steps) with a search tool (BM25, 2 passages) and a finish
 * tool. Trainable: the planner instruction and the finish tool's description. The finish tool's
 * output depends on the planner's action and on its own description (blame is split between them),
 * and the final answer node has a skip connection to the planner instruction, as in the paper.
 */
export function hotpotAgentPipeline(opts: HotpotOptions): TaskProgram<HotpotExample> {
  const instruction = param(opts.instructions?.planner ?? REACT_INSTRUCTION, {
    name: 'hotpot_agent.planner_instruction',
    description: 'Task description for the ReAct planner that decides, step by step, which tool to call',
  });
  const format = param(REACT_FORMAT, {
    name: 'hotpot_agent.planner_format',
    description: 'Output format of the planner (JSON with thought, action and input)',
    trainable: false,
  });
  const searchTool = param(REACT_SEARCH_DESCRIPTION, {
    name: 'hotpot_agent.search_description',
    description: 'Description of the search tool, shown to the planner',
    trainable: false,
  });
  const finishTool = param(opts.instructions?.finish ?? REACT_FINISH_DESCRIPTION, {
    name: 'hotpot_agent.finish_description',
    description:
      'Description of the finish tool: instructs the agent how to give the final answer from the step history',
  });
  const system = systemOf(instruction, format, demosSlot('hotpot_agent.planner', opts.demos));
  const planner = generator<
    { question: string; search: string; finish: string; steps: string; progress: string },
    Parsed<ReactAction>
  >({
    name: 'hotpot_agent.planner',
    model: opts.model,
    system,
    user: ({ question, search, finish, steps, progress }) =>
      [
        toolsSection(search, finish),
        tag(TAGS.task.question, question),
        progress,
        tag(TAGS.task.steps, steps || '(none yet)'),
      ].join('\n\n'),
    ...parsedWith(readReactAction),
    outputDescription: 'the planner step: a thought and one tool call',
    description: 'chooses the next tool call of the agent',
  });
  // The tool descriptions are rendered in the user message, but they belong to the planner's prompt:
  // declare them as peers of the instruction so the backward engine and optimizer see them together.
  for (const p of [instruction, format, searchTool, finishTool]) {
    p.peers = [
      ...new Set([...p.peers, ...[instruction, format, searchTool, finishTool].filter((q) => q !== p)]),
    ];
  }
  const search = retriever<ScoredPassage>(hotpotRetrieverSearch(opts.retriever), {
    k: AGENT_TOP_K,
    name: 'hotpot_agent.search',
  });
  const finish = fn<[Parsed<ReactAction>, string], string>(
    'hotpot_agent.finish',
    (step) => step.value?.input ?? '',
    {
      description:
        'the finish tool: returns its input as the final answer (its behaviour is set by its description)',
      outputDescription: 'the answer given to the finish tool',
    },
  );
  const finalAnswer = fn<[unknown[], string], string | null>(
    'hotpot_agent.final_answer',
    (steps) => {
      const last = steps.at(-1);
      return typeof last === 'string' ? last : null;
    },
    {
      description:
        "extracts the final answer from the agent's step history (null when the agent never called finish)",
      outputDescription: 'final answer of the agent',
    },
  );

  return defineProgram<HotpotExample, string | null, string | undefined>({
    name: 'hotpot-agent',
    parameters: [...system, searchTool, finishTool],
    forward: async (e) => {
      const stepOutputs: Traced<unknown>[] = [];
      const history: string[] = [];
      for (let step = 1; step <= AGENT_MAX_STEPS; step++) {
        const out = await planner({
          question: e.question,
          search: searchTool,
          finish: finishTool,
          steps: history.join('\n\n'),
          progress: `Current step: ${step} of at most ${AGENT_MAX_STEPS}.`,
        });
        const parsed = unwrap(out);
        const action = parsed.value;
        if (action === undefined) {
          // The failure text stays visible: in the next prompt and, in train mode, on the output node.
          history.push(
            renderStep(
              step,
              parsed,
              `Error: ${parsed.error}. Reply with one JSON object calling search or finish.`,
            ),
          );
          stepOutputs.push(out);
          continue;
        }
        if (action.action === 'finish') {
          stepOutputs.push(await finish(out, finishTool));
          break;
        }
        if (isParameter(out)) out.setView(search.id, (v) => v.value?.input ?? e.question);
        const docs = showPassages(
          await search(isParameter(out) ? (out as unknown as Traced<string>) : action.input),
        );
        stepOutputs.push(docs);
        history.push(renderStep(step, parsed, `\n${renderPassages(passagesOf(docs))}`));
      }
      return finalAnswer(stepOutputs, instruction);
    },
    text: (out) => out ?? '',
    error: (out) =>
      out === null ? `the agent did not call finish within ${AGENT_MAX_STEPS} steps` : undefined,
    ...hotpotMetrics<string | null>((out) => out ?? undefined),
  });
}
