import { managedModel, UsageLedger } from '@llm-autodiff/llm';
import { Rng, train } from '@llm-autodiff/trainer';
import { toyBackwardModel, toyData, toyProgram, toyTaskModel } from '@llm-autodiff/trainer/testing';
import { describe, expect, it } from 'vitest';
import { toyOptimizerModel } from '../testing/toy-optimizer';
import { DEFAULT_GDPO_CONFIG, type DemoSettings } from './config';
import { DemoOptimizer, weightedSample } from './demo-method';
import { gdpoMethod } from './gdpo-method';

const data = { train: toyData(0, 40), val: toyData(40, 20), test: toyData(60, 20) };

describe('demo optimization', () => {
  it('bootstraps teacher demos and accepts them only on a validation improvement', async () => {
    const ledger = new UsageLedger();
    const toy = toyProgram(managedModel(toyTaskModel(5), { ledger, limits: false }), { demos: true });
    const program = {
      ...toy,
      goldDemo: (ex: { id: string; n: number; answer: string }) => ({
        input: `Question ${ex.n}`,
        output: ex.answer,
        sampleId: ex.id,
      }),
    };
    // The teacher: the same pipeline on a model that solves every sample.
    const teacher = toyProgram(
      managedModel(toyTaskModel(10, 'scripted:toy-teacher'), { ledger, limits: false, labels: {} }),
      { demos: true },
    );
    const r = await train({
      program,
      teacher,
      data,
      models: { optimizer: toyOptimizerModel(), backward: toyBackwardModel() },
      method: gdpoMethod,
      methodConfig: { steps: 0, demos: { steps: 2, bootstrapShots: 2, rawShots: 1 } },
      usage: ledger,
    });
    const demoSteps = r.steps.filter((s) => s.phase === 'demo');
    expect(demoSteps).toHaveLength(2);
    expect(demoSteps[0]?.accepted).toBe(true);
    const demos = toy.demos?.value ?? [];
    expect(demos.length).toBeGreaterThanOrEqual(2);
    // Teacher demos carry the teacher's (correct) answers, raw shots the gold ones, of the same sample.
    for (const d of demos) expect(d.output).toBe(`A${d.sampleId?.slice(1)}`);
    expect(demos.at(-1)?.input).toBe(`Question ${demos.at(-1)?.sampleId?.slice(1)}`);
    expect(r.final.val).toBeGreaterThan(r.initial?.val ?? Number.NaN);
    expect(r.values.demos).toEqual(demos);
  });

  it('weighted sampling prefers heavy items and never repeats', () => {
    const rng = new Rng(1);
    let heavy = 0;
    for (let i = 0; i < 200; i++) {
      const pick = weightedSample(['a', 'b', 'c'], [1e-5, 1, 1e-5], 1, rng);
      if (pick[0] === 'b') heavy++;
    }
    expect(heavy).toBeGreaterThan(190);
    expect(new Set(weightedSample(['a', 'b', 'c'], [1, 1, 1], 3, rng)).size).toBe(3);
  });

  it('raw shots without a gold-demo renderer are a clear input error', async () => {
    const program = toyProgram(toyTaskModel(5), { demos: true });
    const teacher = toyProgram(toyTaskModel(10, 'scripted:toy-teacher'), { demos: true });
    await expect(
      train({
        program,
        teacher,
        data,
        models: { optimizer: toyOptimizerModel(), backward: toyBackwardModel() },
        method: gdpoMethod,
        methodConfig: { steps: 0, demos: { steps: 1, rawShots: 1 } },
      }),
    ).rejects.toThrow(/goldDemo/);
  });
});

describe('demo draws (the reference weighting)', () => {
  const teacher = {
    qBoth: { score: 1, input: 'Question 1', output: 'A1' },
    qTeacherOnly: { score: 1, input: 'Question 2', output: 'A2' },
    qTeacherWrong: { score: 0, input: 'Question 3', output: 'B3' },
  };
  const student = {
    qBoth: { score: 1, input: 'Question 1', output: 'A1' },
    qTeacherOnly: { score: 0, input: 'Question 2', output: 'B2' },
    qTeacherWrong: { score: 0, input: 'Question 3', output: 'B3' },
  };
  const gold = ['qBoth', 'qTeacherOnly', 'qTeacherWrong', 'qUnseen'].map((id) => ({
    input: `in ${id}`,
    output: `gold ${id}`,
    sampleId: id,
  }));
  const make = (settings: Partial<DemoSettings>) => {
    const toy = toyProgram(toyTaskModel(5), { demos: true });
    const param = toy.demos!;
    const opt = new DemoOptimizer(
      [param],
      { ...DEFAULT_GDPO_CONFIG.demos, ...settings },
      toyProgram(toyTaskModel(10), { demos: true }),
    );
    opt.restore({ teacher: { demos: teacher }, student: { demos: student } });
    return { opt, param };
  };
  const counts = (settings: Partial<DemoSettings>, pick: (ids: string[]) => string[]) => {
    const { opt, param } = make(settings);
    const rng = new Rng(7);
    const seen = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      opt.draw(rng, gold);
      for (const id of pick((param.value ?? []).map((d) => d.sampleId ?? '')))
        seen.set(id, (seen.get(id) ?? 0) + 1);
      opt.revert();
    }
    return seen;
  };

  it('weights teacher demos by max(0, teacher - student): the student-failed sample dominates', () => {
    const seen = counts({ bootstrapShots: 1, rawShots: 0, weighted: true }, (ids) => ids);
    expect(seen.get('qTeacherOnly') ?? 0).toBeGreaterThan(295);
  });

  it('keeps teacher-wrong traces as candidates (unweighted: drawn like the others)', () => {
    const seen = counts({ bootstrapShots: 3, rawShots: 0, weighted: false }, (ids) => ids);
    expect(seen.get('qTeacherWrong')).toBe(300);
  });

  it('draws raw shots from gold examples weighted by 1 - student score, never a sample already taken', () => {
    const seen = counts({ bootstrapShots: 1, rawShots: 1, weighted: true }, (ids) => ids.slice(1));
    // After qTeacherOnly is taken by the teacher draw, the student failed only qTeacherWrong.
    expect(seen.get('qTeacherWrong') ?? 0).toBeGreaterThan(290);
    const { opt, param } = make({ bootstrapShots: 1, rawShots: 3, weighted: true });
    opt.draw(new Rng(3), gold);
    const demos = param.value ?? [];
    expect(new Set(demos.map((d) => d.sampleId)).size).toBe(demos.length);
    for (const d of demos.slice(1)) expect(d.output).toBe(`gold ${d.sampleId}`);
  });

  it('drops the inputs of teacher demos when teacherInputs is false (raw shots keep theirs)', () => {
    const { opt, param } = make({ bootstrapShots: 1, rawShots: 1, teacherInputs: false });
    opt.draw(new Rng(1), gold);
    const [boot, raw] = param.value ?? [];
    expect(boot?.input).toBe('');
    expect(boot?.output).toMatch(/^A\d$/);
    expect(raw?.input).toMatch(/^in q/);
  });
});
