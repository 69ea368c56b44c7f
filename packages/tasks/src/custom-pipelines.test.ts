import { defineProgram, generator, param } from '@llm-autodiff/core';
import { ScriptedModel } from '@llm-autodiff/llm';
import { afterEach, expect, it } from 'vitest';
import { registerPipeline } from './custom-pipelines';
import { createPipeline, loadTask, openPipeline, PIPELINE_NAMES, TASK_NAMES, taskOf } from './registry';

interface Row {
  id: string;
  text: string;
  label: string;
}
const rows: Row[] = [{ id: 'r1', text: 'hello', label: 'greeting' }];

function echoPipeline(model: ScriptedModel) {
  const instruction = param('Label the text.', {
    name: 'echo.instruction',
    description: 'labelling instruction',
  });
  const label = generator({
    name: 'label',
    model,
    system: [instruction],
    user: (x: { text: string }) => x.text,
  });
  return defineProgram({
    name: 'echo',
    parameters: [instruction],
    sampleId: (e: Row) => e.id,
    forward: (e: Row) => label({ text: e.text }),
    evalMetric: (e: Row, answer: unknown) => (answer === e.label ? 1 : 0),
    groundTruth: (e: Row) => e.label,
  });
}

let undo: (() => void) | undefined;
afterEach(() => undo?.());

it('a registered pipeline is created and loaded by name like a built-in one', async () => {
  undo = registerPipeline('echo', {
    create: (deps) => echoPipeline(deps.model as ScriptedModel),
    load: async () => ({ train: rows, val: rows, test: rows, source: 'inline' }),
  });
  const model = ScriptedModel.fn(() => 'greeting');
  const program = createPipeline('echo', { model });
  const prediction = await program.predict(rows[0] as never);
  expect(program.evalScore(rows[0] as never, prediction)).toBe(1);
  expect((await loadTask('echo')).val).toEqual(rows);
  expect((await openPipeline('echo', { model })).name).toBe('echo');
});

it('refuses built-in names and names unknown pipelines with the registered ones listed', () => {
  const empty = {
    create: () => echoPipeline(ScriptedModel.fn(() => '')),
    load: async () => ({ train: [], val: [], test: [], source: 'inline' }),
  };
  expect(() => registerPipeline('trec', empty)).toThrow(/built-in/);
  for (const name of [...TASK_NAMES, ...PIPELINE_NAMES])
    expect(() => registerPipeline(name, empty), name).toThrow(/built-in/);
  undo = registerPipeline('mine', empty);
  expect(() => taskOf('nope' as never)).toThrow(/expected one of .*mine/);
});
