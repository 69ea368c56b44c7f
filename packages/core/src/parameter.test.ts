import { ScriptedModel, TAGS } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import {
  backward,
  demosParam,
  generator,
  loss,
  type Parameter,
  type Program,
  param,
  runSample,
  sum,
  traceToDemo,
  trainableDemos,
  trainableParameters,
  trainablePrompts,
  zeroGrad,
} from './index';

describe('Parameter for optimizers', () => {
  it('propose / revert / commit', () => {
    const p = param('old', { name: 'p', description: 'r' });
    p.propose('new');
    expect([p.value, p.previousValue, p.proposing]).toEqual(['new', 'old', true]);
    p.revert();
    expect([p.value, p.proposing]).toEqual(['old', false]);
    p.propose('newer');
    p.commit();
    expect([p.value, p.previousValue, p.proposing]).toEqual(['newer', undefined, false]);
  });

  it('display and per-successor views', async () => {
    const task = ScriptedModel.fn((req) => req.messages.at(-1)!.content);
    const reader = generator({
      name: 'reader',
      model: task,
      system: [],
      user: (x: { docs: unknown }) => String(x.docs),
    });
    const other = generator({
      name: 'other',
      model: task,
      system: [],
      user: (x: { docs: unknown }) => JSON.stringify(x.docs),
    });
    const make = generator({
      name: 'make',
      model: task,
      system: [],
      user: () => 'a,b',
      parse: (t) => t.split(','),
    });
    const [viaView, plain] = (await runSample('v', 'train', async () => {
      const docs = (await make({})) as Parameter<string[] | undefined>;
      docs.setView(reader, (d) => (d ?? []).join(' AND '));
      docs.setDisplay((p) => `docs: ${(p.value ?? []).length}`);
      expect(docs.display()).toBe('docs: 2');
      return [await reader({ docs }), await other({ docs })];
    })) as Parameter<string>[];
    expect(viaView!.value).toBe('a AND b');
    expect(plain!.value).toBe('["a","b"]');
  });

  it('lists trainable prompts and demos of a program; zeroGrad clears gradients', () => {
    const instr = param('i', { name: 'instr', description: 'r' });
    const format = param('f', { name: 'format', description: 'r', trainable: false });
    const demos = demosParam({ name: 'demos', description: 'examples' });
    const program = { parameters: () => [instr, format, demos] } as Pick<Program<unknown>, 'parameters'>;
    expect(trainablePrompts(program)).toEqual([instr]);
    expect(trainableDemos(program)).toEqual([demos]);
    expect(trainableParameters(program)).toEqual([instr, demos]);
    instr.addGradient({
      id: 'x',
      sampleId: 's',
      fromComponentId: 'c',
      fromComponentName: 'c',
      fromResponseId: 'o',
      toParamId: '',
      callIndex: 0,
      forwardOrder: 0,
      order: 0,
      score: 0,
      feedback: 'f',
      isCopy: false,
      isSkipped: false,
      isFailure: false,
      context: { inputOutput: '', variableRole: '', responseRole: '' },
    });
    zeroGrad(trainableParameters(program));
    expect(instr.gradients).toEqual([]);
  });
});

describe('demos', () => {
  it('renders demos into the system message, records per-sample traces scored by the loss, needs no engine call', async () => {
    const task = ScriptedModel.keyed([
      ['Q:a', '1'],
      ['Q:b', '2'],
    ]);
    const instr = param('Answer.', { name: 'instr', description: 'r', trainable: false });
    const demos = demosParam({
      name: 'demos',
      description: 'few-shot examples',
      demos: [{ input: 'Q:z', output: '9' }],
    });
    const g = generator({
      name: 'g',
      model: task,
      system: [instr, demos],
      user: (x: { q: string }) => `Q:${x.q}`,
      parse: Number,
    });
    const losses = await Promise.all(
      [
        ['a', 1],
        ['b', 3],
      ].map(([q, gt]) =>
        runSample(q as string, 'train', async () =>
          loss(await g({ q: q as string }), gt, (p, t) => (p === t ? 1 : 0)),
        ),
      ),
    );
    const system = task.calls[0]!.request.messages[0]!.content;
    expect(system).toContain(`<${TAGS.task.examples}>`);
    expect(system).toContain(`<${TAGS.task.example}>\nInput:\nQ:z\nOutput:\n9\n</${TAGS.task.example}>`);
    expect(demos.demoTraces.map((t) => [t.sampleId, t.input, t.output, t.parsed, t.score, t.role])).toEqual([
      ['a', 'Q:a', '1', 1, 1, 'task'],
      ['b', 'Q:b', '2', 2, 0, 'task'],
    ]);
    // demos learn from scores, not text: the output needs no feedback, so backward makes no call
    expect(losses.every((l) => !l.trainable)).toBe(true);
    const engine = ScriptedModel.sequence([]);
    expect(await backward(sum(losses), { engine })).toMatchObject({ calls: 0 });

    const best = demos.demoTraces.filter((t) => t.score === 1).map(traceToDemo);
    demos.propose(best);
    await runSample('c', 'eval', () => g({ q: 'a' }));
    expect(task.calls.at(-1)!.request.messages[0]!.content).toContain('Input:\nQ:a\nOutput:\n1');
    expect(demos.demoTraces).toHaveLength(2); // eval mode records nothing

    demos.revert();

    // a teacher run of the same pipeline: another model and role for the sample, traced as such
    const teacher = ScriptedModel.sequence(['1']);
    await runSample('a', 'train', () => g({ q: 'a' }), { model: teacher, role: 'teacher' });
    expect(demos.demoTraces.at(-1)).toMatchObject({ sampleId: 'a', role: 'teacher', output: '1' });
    expect(teacher.calls[0]!.context?.role).toBe('teacher');
    const empty = demosParam({ name: 'none', description: 'r' });
    expect(empty.display()).toBe('');
  });
});
