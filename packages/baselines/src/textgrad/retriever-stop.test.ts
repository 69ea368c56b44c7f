/**
 * TextGrad on a real multi-hop pipeline (tasks' hotpot-multihop, scripted models): its feedback stops at
 * the retrievers, so the query prompts get none (the step records name them for the tables' footnote),
 * and one step makes exactly the reference's calls.
 */

import { hotpotMultihopPipeline } from '@llm-autodiff/tasks';
import { EXAMPLE, ragModel, world } from '@llm-autodiff/tasks/testing';
import { describe, expect, it } from 'vitest';
import { TestRun, toyBackwardModel, toyOptimizerModel } from '../../testing/toy';
import { textgradFactory } from './method';

describe('textgrad on hotpot-multihop', () => {
  it('feedback stops at the retrievers: the query prompts get none; exact calls per step', async () => {
    const examples = [0, 1].map((i) => ({ ...EXAMPLE, id: `${EXAMPLE.id}-${i}` }));
    const task = ragModel({ queries: Array(8).fill('Scott Derrickson'), answer: 'no' });
    const program = hotpotMultihopPipeline({ model: task, retriever: world() });
    const backward = toyBackwardModel();
    const optimizer = toyOptimizerModel(() => 'careful');
    const run = new TestRun({
      program,
      data: { train: examples, val: [], test: [] },
      models: { backward, optimizer },
    });
    const method = textgradFactory.create({
      config: textgradFactory.resolveConfig({ batchSize: 2 }),
      program,
      models: run.models,
      cacheSalt: 'test',
    });
    if (Array.isArray(method)) throw new Error('one method expected');
    run.bestVal = 0;
    const out = await method.step(run, examples);
    expect(out.details?.noFeedback).toEqual([
      'hotpot_multihop.query_0_instruction',
      'hotpot_multihop.query_1_instruction',
    ]);
    // TextGrad's count: 2 samples x 3 task calls; backward per sample = the string loss's base call + one
    // chain call for the answer generator's one trainable predecessor (retriever outputs stop it);
    // TGD: one call per trainable prompt, fed or not (as TextGrad's optimizer step).
    expect(task.calls).toHaveLength(2 * 3);
    expect(backward.calls).toHaveLength(2 * (1 + 1));
    expect(optimizer.calls).toHaveLength(3);
  });
});
