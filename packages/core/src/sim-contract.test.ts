import { ScriptedModel, TAGS, tag } from '@llm-autodiff/llm';
import { createSimModel, findDataDir, NO_DATA_MESSAGE, parseRequest } from '@llm-autodiff/sim';
import { describe, expect, it } from 'vitest';
import { backward, generator, loss, param, renderGradients, runSample, sum } from './index';

const question = 'I have a cat, two dogs, and a piano. How many animals do I have?';

function counter(model: ReturnType<typeof createSimModel>) {
  const instr = param('Count the items the question asks about.', {
    name: 'count.instruction',
    description: 'task instruction',
  });
  const format = param('End with a line "Answer: <number>".', {
    name: 'count.format',
    description: 'output format',
    trainable: false,
  });
  const count = generator({
    name: 'count',
    model,
    system: [instr, format],
    user: (x: { question: string }) => tag(TAGS.task.question, x.question),
    parse: (t) => Number(/Answer:\s*(-?\d+)/.exec(t)?.[1] ?? Number.NaN),
  });
  return { instr, count };
}

const HAS_DATA = findDataDir() !== undefined;
const needsData = (name: string) => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);

describe.skipIf(!HAS_DATA)(needsData('the simulated world reads our backward requests'), () => {
  it('recognizes the role and every field (sim contract §3)', async () => {
    const task = ScriptedModel.sequence(['Answer: 4']);
    const { count } = counter(task as unknown as ReturnType<typeof createSimModel>);
    const l = await runSample('oc1', 'train', async () =>
      loss(await count({ question }), 3, (p, g) => (p === g ? 1 : 0)),
    );
    const engine = ScriptedModel.sequence(['The count includes the piano.'], { repeatLast: true });
    await backward(l, { engine, concurrency: 1 });

    expect(parseRequest(task.calls[0]!.request.messages).role).toBe('task');
    const lossReq = parseRequest(engine.calls[0]!.request.messages);
    expect(lossReq.role).toBe('backward');
    const genReq = parseRequest(engine.calls[1]!.request.messages);
    if (genReq.role !== 'backward') throw new Error('not recognized as backward');
    const f = genReq.fields;
    expect(f.target).toMatchObject({ name: 'count.instruction', role: 'task instruction', kind: 'prompt' });
    expect(f.target?.value).toBe('Count the items the question asks about.');
    expect(f.peers).toEqual([
      expect.objectContaining({
        name: 'count.format',
        trainable: false,
        value: 'End with a line "Answer: <number>".',
      }),
    ]);
    expect(f.componentKind).toBe('generator');
    expect(f.inputs).toContain(`<QUESTION>`);
    expect(f.output).toBe('Answer: 4');
    expect(f.groundTruth).toBe('3');
    expect(f.score).toBe(0);
    expect(f.successorFeedback).toContain('Expected answer: 3');
  });

  it('end to end with sim models: a wrong sample gets real feedback, the optimizer text renders', async () => {
    const { instr, count } = counter(createSimModel('task'));
    const engine = createSimModel('large');
    const l = await runSample('oc1', 'train', async () =>
      loss(await count({ question }), 3, (p, g) => (p === g ? 1 : 0)),
    );
    const report = await backward(sum([l]), { engine, computeForAll: true });
    expect(report.failures).toBe(0);
    expect(report.calls).toBe(2);
    expect(instr.gradients).toHaveLength(1);
    expect(instr.gradients[0]!.feedback.length).toBeGreaterThan(10);
    expect(renderGradients(instr)).toContain('<SAMPLE_ID>oc1</SAMPLE_ID>');
  });
});
