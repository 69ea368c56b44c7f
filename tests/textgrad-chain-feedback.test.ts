/**
 * TextGrad's chain backward requests show no GROUND_TRUTH, only the feedback the output received
 * ("The output is wrong (expected: NUM) …"). A capable model reads the expected answer stated there; so
 * does the simulated backward engine (packages/sim/src/stated-answer.ts). Real graphs of the TREC and
 * ObjectCount pipelines, real TextGrad backward (packages/baselines), simulated models.
 */
import { textgradBackward } from '@llm-autodiff/baselines';
import type { Parameter } from '@llm-autodiff/core';
import type { ChatMessage, ChatModel } from '@llm-autodiff/llm';
import { createSimModel, findDataDir, NO_DATA_MESSAGE, parseRequest } from '@llm-autodiff/sim';
import { createPipeline, loadTask, type PipelineName } from '@llm-autodiff/tasks';
import { describe, expect, it } from 'vitest';
import { skillsOf } from '../packages/sim/src/diagnose';
import { expresses } from '../packages/sim/src/skills';

const HAS_DATA = findDataDir() !== undefined;
const ONE_OFF = /one-off mistake/;
/** Feedback that mentions an answer's form or expectations but states no answer. */
const FALSE_FRIENDS = [
  'The output should be shorter.',
  'The expected format is JSON with the keys asked for.',
  'As expected: the output is wrong.',
  'The answer should be in one word.',
];

interface Exchange {
  messages: ChatMessage[];
  successorFeedback?: string;
  hasGroundTruth: boolean;
  isChain: boolean;
  answer: string;
}

/** A large sim model that keeps every backward request with its answer. */
function recordingEngine(log: Exchange[]): ChatModel {
  const large = createSimModel('large');
  return {
    id: large.id,
    async complete(request, context) {
      const r = await large.complete(request, context);
      const parsed = parseRequest(request.messages);
      if (parsed.role === 'backward')
        log.push({
          messages: request.messages,
          successorFeedback: parsed.fields.successorFeedback,
          hasGroundTruth: parsed.fields.groundTruth !== undefined,
          isChain: parsed.fields.componentKind === 'generator',
          answer: r.text,
        });
      return r;
    },
  };
}

/** TextGrad backward on the wrong val predictions of `pipeline`: the chain exchanges. */
async function chainExchanges(pipeline: PipelineName, task: 'trec' | 'object-count', n: number) {
  const program = createPipeline(pipeline, { model: createSimModel('task') });
  const val = (await loadTask(task)).val as Parameters<typeof program.forwardLoss>[0][];
  const log: Exchange[] = [];
  const engine = recordingEngine(log);
  let wrong = 0;
  for (const e of val) {
    const { loss, score } = await program.forwardLoss(e);
    if (score >= 1) continue;
    await textgradBackward(loss as Parameter, { engine });
    if (++wrong >= n) break;
  }
  return log.filter((x) => x.isChain);
}

describe.skipIf(!HAS_DATA)(`TextGrad chain feedback${HAS_DATA ? '' : ` (${NO_DATA_MESSAGE})`}`, () => {
  it.each([
    ['trec', 'trec'],
    ['object-count', 'object-count'],
  ] as const)(
    '%s: the chain call reads the expected answer the loss feedback states',
    async (pipeline, task) => {
      const chains = await chainExchanges(pipeline, task, 12);
      expect(chains.length).toBeGreaterThan(5);
      const skills = skillsOf(task === 'trec' ? 'trec' : 'object_count');
      let named = 0;
      for (const c of chains) {
        expect(c.hasGroundTruth).toBe(false);
        expect(c.successorFeedback).toMatch(/expected/);
        if (skills.some((s) => expresses(s, c.answer))) named++;
      }
      // Most wrong samples get a concept named, as with a ground-truth section (not "a one-off mistake").
      expect(named / chains.length).toBeGreaterThan(0.5);
      expect(chains.filter((c) => ONE_OFF.test(c.answer)).length).toBeLessThan(chains.length / 2);

      // False friends: the same real requests with feedback that states no answer name no concept. (An
      // ObjectCount reviewer may count the visible question itself, CONTRACT.md §3: TREC only.)
      const large = createSimModel('large');
      for (const [i, c] of (task === 'trec' ? chains.slice(0, 6) : []).entries()) {
        const text = FALSE_FRIENDS[i % FALSE_FRIENDS.length] as string;
        const messages = c.messages.map((m) => ({
          ...m,
          content: m.content.replace(
            /<SUCCESSOR_FEEDBACK>[\s\S]*<\/SUCCESSOR_FEEDBACK>/,
            `<SUCCESSOR_FEEDBACK>\n<ENTRY>\n${text}\n</ENTRY>\n</SUCCESSOR_FEEDBACK>`,
          ),
        }));
        const answer = (await large.complete({ messages })).text;
        expect(
          skills.some((s) => expresses(s, answer)),
          `${text} → ${answer}`,
        ).toBe(false);
      }
    },
  );
});
