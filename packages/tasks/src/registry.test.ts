import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { jsonl, NO_DATA_MESSAGE, SHARED_DATA_DIR, tempDir, writeFixture } from '../testing/fixtures';
import { world } from '../testing/hotpot-world';
import { createPipeline, loadTask, openPipeline, PIPELINE_NAMES, pipelines, taskOf } from './registry';

describe('pipelines registry', () => {
  it('has the six pipelines, each with the documented trainable prompts', () => {
    expect(PIPELINE_NAMES).toEqual([
      'object-count',
      'trec',
      'hotpot-vanilla',
      'hotpot-multihop',
      'hotpot-cycle',
      'hotpot-agent',
    ]);
    const model = ScriptedModel.sequence([]);
    for (const name of PIPELINE_NAMES) {
      const program = createPipeline(name, { model, retriever: world() });
      expect(program.name).toBe(name);
      const trainable = program
        .parameters()
        .filter((p) => p.trainable && p.kind === 'prompt')
        .map((p) => p.name);
      expect(trainable, name).toEqual(pipelines[name].trainable);
    }
  });

  it('HotPotQA pipelines require a retriever; unknown names fail clearly', () => {
    expect(() => createPipeline('hotpot-agent', { model: ScriptedModel.sequence([]) })).toThrow(
      /"hotpot-agent" needs a retriever/,
    );
    expect(() => taskOf('nope' as 'trec')).toThrow(
      /unknown task or pipeline "nope"; expected one of object-count, trec, hotpot/,
    );
    expect(taskOf('hotpot-cycle')).toBe('hotpot');
  });

  it('starting prompts can be overridden by name', () => {
    const p = createPipeline('hotpot-multihop', {
      model: ScriptedModel.sequence([]),
      retriever: world(),
      instructions: { query_1: 'Q1' },
    });
    expect(p.parameters().find((q) => q.name === 'hotpot_multihop.query_1_instruction')?.value).toBe('Q1');
  });

  it('openPipeline loads the BM25 retriever a HotPotQA pipeline needs', async () => {
    const dir = tempDir();
    const corpusFile = writeFixture(
      dir,
      'corpus.jsonl',
      jsonl([
        { doc_id: 0, title: 'Ed Wood', text: 'Edward Davis Wood Jr. was an American filmmaker.' },
        { doc_id: 1, title: 'Paris', text: 'Capital of France.' },
      ]),
    );
    const model = ScriptedModel.sequence(['{"reasoning": "r", "answer": "American"}']);
    const program = await openPipeline('hotpot-vanilla', { model, corpusFile, cacheDir: tempDir() });
    const ex = {
      id: 'q',
      question: 'What nationality was Ed Wood?',
      answer: 'American',
      type: 'bridge' as const,
      level: 'hard',
    };
    expect((await program.predict(ex)).value).toBe('American');
    expect(model.calls[0]!.request.messages[1]!.content).toContain('Ed Wood | Edward Davis Wood Jr.');
  });

  it('loadTask picks the task of a pipeline name', async () => {
    const dir = tempDir();
    const rows = Array.from({ length: 250 }, (_, i) => ({
      id: `oc-${i}`,
      index: i,
      question: `q${i}?`,
      answer: String(i % 9),
    }));
    writeFixture(dir, 'bbh_object_counting/all.jsonl', jsonl(rows));
    const s = await loadTask('object-count', { dataDir: dir });
    expect(s.val[0]!.id).toBe('oc-50');
  });
});

describe.skipIf(SHARED_DATA_DIR === undefined)(`loadTask on the real data (${NO_DATA_MESSAGE})`, () => {
  it('returns the documented split sizes', async () => {
    const sizes = async (name: Parameters<typeof loadTask>[0]) => {
      const s = await loadTask(name, { dataDir: SHARED_DATA_DIR });
      return [s.train.length, s.val.length, s.test.length];
    };
    expect(await sizes('object-count')).toEqual([50, 100, 100]);
    expect(await sizes('trec')).toEqual([120, 166, 334]);
    expect(await sizes('hotpot-agent')).toEqual([115, 100, 200]);
  });
});
