/**
 * Every reference switch, from the command line to the component it changes: the optimizer's rendered
 * prompt, the proposal kept on a parse failure, the accounting given to backward, the parser of the
 * ObjectCount pipeline, the demo draws.
 */

import {
  buildOptimizerMessages,
  type GdpoDemoMethod,
  type GdpoTextMethod,
  gdpoMethod,
} from '@llm-autodiff/gdpo';
import { toyOptimizerModel } from '@llm-autodiff/gdpo/testing';
import { ScriptedModel, TAGS } from '@llm-autodiff/llm';
import { createPipeline } from '@llm-autodiff/tasks';
import type { BackwardRequest, RunContext } from '@llm-autodiff/trainer';
import { Rng } from '@llm-autodiff/trainer';
import {
  type ToyExample,
  toyBackwardModel,
  toyData,
  toyProgram,
  toyTaskModel,
} from '@llm-autodiff/trainer/testing';
import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from '../train/args';
import { resolveRunSettings } from './run-settings';

const settingsOf = async (...flags: string[]) =>
  (await resolveRunSettings(parseTrainArgs(['--task', 'object-count', ...flags]))).settings;

async function gdpoPhases(flags: string[], optimizerModel = toyOptimizerModel()) {
  const settings = await settingsOf(...flags);
  const program = toyProgram(toyTaskModel(5), { demos: settings.gdpo.demos.steps > 0 });
  const teacher = toyProgram(toyTaskModel(10), { demos: settings.gdpo.demos.steps > 0 });
  const phases = gdpoMethod.create({
    config: gdpoMethod.resolveConfig(settings.gdpo),
    program,
    teacher,
    models: { optimizer: optimizerModel, backward: toyBackwardModel() },
    cacheSalt: '',
  });
  const list = Array.isArray(phases) ? phases : [phases];
  const text = list[0] as GdpoTextMethod<ToyExample>;
  return {
    program,
    text,
    optimizer: text.optimizer,
    demo: list[1] as GdpoDemoMethod<ToyExample> | undefined,
  };
}

describe('reference switches reach their component', () => {
  it('--history N: the optimizer prompt shows the top N past values (preset 2; noHistory: none)', async () => {
    for (const [flags, shown] of [
      [[], 2],
      [['--history', '3'], 3],
      [['--ablation', 'noHistory'], 0],
    ] as const) {
      const { program, optimizer } = await gdpoPhases([...flags]);
      for (const [i, v] of ['a', 'b', 'c', 'd'].entries()) {
        program.instruction.value = v;
        optimizer.addScore(i / 10);
      }
      expect(optimizer.promptInput(program.instruction).history?.length ?? 0, flags.join(' ')).toBe(shown);
    }
  });

  it('--failed-rendering: value and score shown (full) or only method and reasoning (reference)', async () => {
    for (const [flag, hasValue] of [
      ['full', true],
      ['reference', false],
    ] as const) {
      const { program, optimizer } = await gdpoPhases(['--failed-rendering', flag]);
      optimizer.zeroGrad();
      await optimizer.propose();
      optimizer.rememberFailure(0.25);
      optimizer.revert();
      const [failed] = optimizer.promptInput(program.instruction).failed;
      expect(failed?.method).toBe('add instruction');
      expect(failed?.value !== undefined, flag).toBe(hasValue);
      const user = buildOptimizerMessages(optimizer.promptInput(program.instruction)).at(-1)?.content ?? '';
      expect(user.includes('Answer the question. sloppy'), flag).toBe(hasValue);
    }
  });

  it('--on-parse-failure: keep the old value, or take the raw answer (reference)', async () => {
    const garbage = toyOptimizerModel(() => 'Sure! Make it better.');
    for (const [flag, value] of [
      ['keep', 'Answer the question.'],
      ['raw', 'Sure! Make it better.'],
    ] as const) {
      const { program, optimizer } = await gdpoPhases(['--on-parse-failure', flag], garbage);
      await optimizer.propose();
      expect(program.instruction.value, flag).toBe(value);
      optimizer.revert();
    }
  });

  it('--ablation noPromptTechniques: the optimizer instructions lose the techniques section', async () => {
    for (const [flags, present] of [
      [[], true],
      [['--ablation', 'noPromptTechniques'], false],
    ] as const) {
      const { program, optimizer } = await gdpoPhases([...flags]);
      const system = buildOptimizerMessages(optimizer.promptInput(program.instruction))[0]?.content ?? '';
      expect(system.includes(`<${TAGS.optimizer.techniques}>`), flags.join(' ')).toBe(present);
    }
  });

  it('--accounting: the text phase asks backward for the chosen accounting', async () => {
    for (const flag of ['paper', 'reference'] as const) {
      const { program, text } = await gdpoPhases(['--accounting', flag]);
      const requests: (BackwardRequest | undefined)[] = [];
      const train = toyData(0, 8);
      const byId = new Map(train.map((e) => [e.id, e]));
      const run = {
        program,
        data: { train, val: toyData(8, 4), test: [] },
        models: { backward: toyBackwardModel() },
        rng: new Rng(1),
        step: 1,
        bestVal: 1,
        concurrency: 1,
        cacheSalt: '',
        labels: { step: 1 },
        evaluate: async () => ({ score: 0, complete: true, evaluated: 1, total: 1, perItem: {} }),
        validate: async () => ({ score: 0, complete: true, evaluated: 1, total: 1, perItem: {} }),
        forwardLoss: (examples: readonly ToyExample[]) =>
          Promise.all(examples.map(async (ex) => ({ id: ex.id, ...(await program.forwardLoss(ex)) }))),
        backward: async (_losses: unknown, opts?: BackwardRequest) => {
          requests.push(opts);
          return {
            calls: 0,
            skipped: 0,
            copies: 0,
            failures: 0,
            gradients: 0,
            peakConcurrency: 0,
            durationMs: 0,
          };
        },
        exampleById: (id: string) => byId.get(id) as ToyExample,
        log: () => {},
      } as unknown as RunContext<ToyExample>;
      await text.step(run, train.slice(0, 4));
      expect(requests.map((r) => r?.accounting)).toEqual([flag]);
    }
  });

  it('--parser: the ObjectCount pipeline reads the count with ours or the reference parser', async () => {
    const model = ScriptedModel.fn(() => 'Answer: The total is 7 (2 + 5).');
    const example = { id: 'x', question: 'How many?', answer: 7 };
    for (const [flags, count] of [
      [[], 7],
      [['--parser', 'reference'], 5],
    ] as const) {
      const settings = await settingsOf(...flags);
      const program = createPipeline('object-count', {
        model,
        objectCountParser: settings.pipeline.objectCountParser,
      });
      expect((await program.predict(example as never)).value, flags.join(' ')).toBe(count);
    }
  });

  it('the preset shots and --set reach the demo optimizer', async () => {
    const { demo } = await gdpoPhases(['--demo-steps', '2']);
    // object-count preset: 1 teacher shot, 0 raw, unweighted, teacher inputs dropped.
    expect(demo?.optimizer.settings).toMatchObject({
      bootstrapShots: 1,
      rawShots: 0,
      weighted: false,
      teacherInputs: false,
    });
    const set = await gdpoPhases([
      '--demo-steps',
      '2',
      '--set',
      'gdpo.demos.rawShots=3,gdpo.demos.teacherInputs=true',
    ]);
    expect(set.demo?.optimizer.settings).toMatchObject({ rawShots: 3, teacherInputs: true });
  });
});
