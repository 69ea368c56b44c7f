import { backward } from '@llm-autodiff/core';
import { type ChatRequest, ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import {
  feedbackEngine,
  node,
  nodesNamed,
  predecessorNames,
  systemText,
  userText,
} from '../../testing/graph';
import { EXAMPLE, world } from '../../testing/hotpot-world';
import { hotpotAgentPipeline, readReactAction } from './hotpot-agent';
import { REACT_FINISH_DESCRIPTION, REACT_FORMAT, REACT_INSTRUCTION } from './prompts';

/** Searches until it has observed something, then finishes with `answer`; or `script` per step. */
function planner(script: string[]): ScriptedModel {
  return ScriptedModel.sequence(script);
}
const search = (q: string) => JSON.stringify({ thought: 'look it up', action: 'search', input: q });
const finish = (a: string) => JSON.stringify({ thought: 'done', action: 'finish', input: a });

describe('readReactAction', () => {
  it('reads thought, action and input; rejects unknown tools', () => {
    expect(readReactAction('```json\n{"thought": "t", "action": "Search", "input": "Ed Wood"}\n```')).toEqual(
      {
        thought: 't',
        action: 'search',
        input: 'Ed Wood',
      },
    );
    expect(() => readReactAction('{"action": "lookup", "input": "x"}')).toThrow(/unknown action "lookup"/);
    expect(() => readReactAction('{"action": "finish"}')).toThrow(/no "input" string field/);
  });
});

describe('hotpotAgentPipeline', () => {
  it('eval mode: search then finish; the second step sees the first step and its observation', async () => {
    const retriever = world();
    const model = planner([search('Scott Derrickson'), finish('yes')]);
    const p = hotpotAgentPipeline({ model, retriever });
    const pred = await p.predict(EXAMPLE);
    expect(pred).toEqual({ value: 'yes', text: 'yes' });
    expect(p.evalScore(EXAMPLE, pred)).toBe(1);
    expect(retriever.calls).toEqual([{ query: 'Scott Derrickson', k: 2 }]);
    const req = model.calls[1]!.request as ChatRequest;
    expect(systemText(req)).toBe(`${REACT_INSTRUCTION}\n\n${REACT_FORMAT}`);
    const user = userText(req);
    expect(user).toContain(`2. finish(input): ${REACT_FINISH_DESCRIPTION}`);
    expect(user).toContain('Current step: 2 of at most 3.');
    expect(user).toMatch(
      /<STEPS>\nStep 1\n\{"thought":"look it up","action":"search","input":"Scott Derrickson"\}\nObservation: \nScott Derrickson \| /,
    );
  });

  it('stops after 3 steps without finish: no answer, an error, score 0', async () => {
    const model = planner([search('a'), search('b'), search('c'), finish('never asked')]);
    const p = hotpotAgentPipeline({ model, retriever: world() });
    const pred = await p.predict(EXAMPLE);
    expect(model.calls).toHaveLength(3);
    expect(pred.value).toBeUndefined();
    expect(pred.error).toMatch(/did not call finish within 3 steps/);
    expect(p.evalScore(EXAMPLE, pred)).toBe(0);
  });

  it('an unreadable step becomes an error observation for the next step', async () => {
    const model = planner(['I would search for Ed Wood.', finish('no')]);
    const pred = await hotpotAgentPipeline({ model, retriever: world() }).predict(EXAMPLE);
    expect(pred.value).toBe('no');
    expect(userText(model.calls[1]!.request)).toMatch(
      /Observation: Error: the response contains no JSON object/,
    );
  });

  it('train mode: finish depends on its description, the final answer has a skip connection to the instruction', async () => {
    const p = hotpotAgentPipeline({
      model: planner([search('Scott Derrickson'), finish('no')]),
      retriever: world(),
    });
    expect(
      p
        .parameters()
        .filter((q) => q.trainable)
        .map((q) => q.name),
    ).toEqual(['hotpot_agent.planner_instruction', 'hotpot_agent.finish_description']);
    const { loss, score } = await p.forwardLoss(EXAMPLE);
    expect(score).toBe(0);
    const final = loss.predecessors[0]!;
    expect(final.name).toBe('hotpot_agent.final_answer.output');
    expect(predecessorNames(final)).toEqual([
      'hotpot_agent.search.output',
      'hotpot_agent.finish.output',
      'hotpot_agent.planner_instruction',
    ]);
    expect(predecessorNames(node(loss, 'hotpot_agent.finish.output'))).toEqual([
      'hotpot_agent.planner.output',
      'hotpot_agent.finish_description',
    ]);
    const steps = nodesNamed(loss, 'hotpot_agent.planner.output');
    expect(steps.map((s) => s.component?.callIndex)).toEqual([0, 1]);
    expect(predecessorNames(steps[0]!)).toContain('hotpot_agent.finish_description');
    const instruction = node(loss, 'hotpot_agent.planner_instruction');
    expect(instruction.peers.map((q) => q.name)).toEqual([
      'hotpot_agent.planner_format',
      'hotpot_agent.search_description',
      'hotpot_agent.finish_description',
    ]);

    await backward(loss, { engine: feedbackEngine() });
    // Two planner calls (call 0 reached through the search pass-through) plus the skip connection.
    const fromPlanner = instruction.gradients.filter((g) => g.fromComponentName === 'hotpot_agent.planner');
    expect(fromPlanner.map((g) => g.callIndex)).toEqual([0, 1]);
    expect(
      instruction.gradients.filter((g) => g.fromComponentName === 'hotpot_agent.final_answer'),
    ).toHaveLength(1);
    const finishGrads = node(loss, 'hotpot_agent.finish_description').gradients.map(
      (g) => g.fromComponentName,
    );
    expect(finishGrads.sort()).toEqual([
      'hotpot_agent.finish',
      'hotpot_agent.planner',
      'hotpot_agent.planner',
    ]);
    expect(node(loss, 'hotpot_agent.search.output').gradients.length).toBeGreaterThan(0);
    // The search tool passes its feedback through to the planner step that chose the query.
    expect(steps[0]!.gradients.length).toBeGreaterThan(0);
    expect(steps[0]!.gradients.every((g) => g.isCopy)).toBe(true);
  });
});
