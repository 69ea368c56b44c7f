/**
 * The six pipelines on the simulated world (`@llm-autodiff/sim`, a devDependency): the sim reads our
 * prompts as a real model would (question in <QUESTION>, context in <CONTEXT>, the output format from
 * the requested JSON keys), so these tests check that the prompts are understood, that answers parse,
 * and that a backward pass with the sim's backward engine reaches every trainable prompt.
 */
import { backward, type Parameter, sum } from '@llm-autodiff/core';
import { createSimModel } from '@llm-autodiff/sim';
import { beforeAll, describe, expect, it } from 'vitest';
import { NO_DATA_MESSAGE, SHARED_DATA_DIR, tempDir } from '../testing/fixtures';
import type { HotpotExample } from './data/hotpot';
import { mean } from './metrics/classify';
import type { TaskProgram } from './pipelines/program';
import { type ExampleOf, loadTask, type PipelineName, pipelines } from './registry';
import { loadBm25 } from './retrieval/cache';

const HAS_DATA = SHARED_DATA_DIR !== undefined;

async function forwardBackward<E>(program: TaskProgram<E>, examples: E[]) {
  const losses = await Promise.all(examples.map((e) => program.forwardLoss(e)));
  const engine = createSimModel('large', { dataDir: SHARED_DATA_DIR });
  const report = await backward(sum(losses.map((l) => l.loss)), { engine });
  return { scores: losses.map((l) => l.score), report };
}

function trainable(program: { parameters(): Parameter[] }): Parameter[] {
  return program.parameters().filter((p) => p.trainable);
}

describe.skipIf(!HAS_DATA)(`pipelines on the simulated world (${NO_DATA_MESSAGE})`, () => {
  const model = createSimModel('task', { dataDir: SHARED_DATA_DIR });

  it('object-count: answers parse as integers; the system prompt gets feedback', async () => {
    const { val } = await loadTask('object-count', { dataDir: SHARED_DATA_DIR });
    const program = pipelines['object-count'].create({ model });
    const sample = val.slice(0, 12);
    const preds = await Promise.all(sample.map((e) => program.predict(e)));
    expect(preds.filter((p) => typeof p.value === 'number').length).toBeGreaterThanOrEqual(10);
    const { scores } = await forwardBackward(program, sample);
    expect(mean(scores)).toBeGreaterThan(0.3);
    if (scores.some((s) => s < 1))
      expect(trainable(program)[0]!.gradients.some((g) => !g.isSkipped)).toBe(true);
  });

  it('trec: the classifier answers with a class name through the JSON format peer', async () => {
    const { val } = await loadTask('trec', { dataDir: SHARED_DATA_DIR });
    const program = pipelines.trec.create({ model });
    const sample = val.slice(0, 12);
    const preds = await Promise.all(sample.map((e) => program.predict(e)));
    expect(preds.filter((p) => p.error === undefined).length).toBeGreaterThanOrEqual(10);
    const { scores } = await forwardBackward(program, sample);
    expect(mean(scores)).toBeGreaterThan(0.3);
    const [instruction] = trainable(program);
    expect(instruction!.gradients.length).toBe(sample.length);
  });

  describe('HotPotQA', () => {
    let hotpot: HotpotExample[];
    let retriever: Awaited<ReturnType<typeof loadBm25>>['index'];
    beforeAll(async () => {
      hotpot = (await loadTask('hotpot', { dataDir: SHARED_DATA_DIR })).val.slice(0, 6);
      retriever = (await loadBm25({ dataDir: SHARED_DATA_DIR, cacheDir: tempDir() })).index;
    });

    const names: PipelineName[] = ['hotpot-vanilla', 'hotpot-multihop', 'hotpot-cycle', 'hotpot-agent'];
    it.each(names)(
      '%s: parses every answer and sends feedback to each trainable prompt of a failed sample',
      async (name) => {
        const program = pipelines[name].create({ model, retriever }) as TaskProgram<ExampleOf['hotpot']>;
        const preds = await Promise.all(hotpot.map((e) => program.predict(e)));
        expect(
          preds.filter((p) => typeof p.value === 'string' && p.value !== '').length,
        ).toBeGreaterThanOrEqual(4);
        const { scores, report } = await forwardBackward(program, hotpot);
        expect(report.gradients).toBeGreaterThan(0);
        if (scores.some((s) => s < 0.9)) {
          for (const p of trainable(program)) {
            expect(
              p.gradients.some((g) => !g.isSkipped && g.feedback.length > 0),
              `${p.name} got no engine feedback`,
            ).toBe(true);
          }
        }
      },
    );
  });
});
