import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeSyntheticExperiment } from '../../testing/run-fixtures';
import { parseRunId, RunRecordError, readExperiment, readRun, runId } from './run-record';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'run-record-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('run ids', () => {
  it('round-trips pipeline, method and repeat (pipelines may hold dashes)', () => {
    const id = runId('hotpot-multihop', 'gdpo', 3);
    expect(id).toBe('hotpot-multihop__gdpo__r3');
    expect(parseRunId(id)).toEqual({ pipeline: 'hotpot-multihop', method: 'gdpo', repeat: 3 });
    expect(parseRunId('nonsense')).toBeUndefined();
  });
});

describe('readExperiment', () => {
  it('reads every run, sorted by pipeline, method, repeat, with steps and graphs', async () => {
    await writeSyntheticExperiment(root, {
      pipelines: ['trec', 'object-count'],
      methods: ['start', 'gdpo'],
      repeats: 2,
    });
    const exp = await readExperiment(root, { graphs: true });
    expect(exp.simulated).toBe(true);
    expect(exp.runs.map((r) => r.record.runId)).toEqual([
      'object-count__gdpo__r0',
      'object-count__gdpo__r1',
      'object-count__start__r0',
      'object-count__start__r1',
      'trec__gdpo__r0',
      'trec__gdpo__r1',
      'trec__start__r0',
      'trec__start__r1',
    ]);
    const gdpo = exp.runs[0];
    expect(gdpo?.steps.map((s) => s.phase)).toEqual(['init', 'text', 'text', 'text', 'final']);
    expect(gdpo?.graphs[0]?.graph.nodes[0]?.gradients[0]?.feedback).toContain('count');
    expect(gdpo?.graphs[0]?.mermaid).toContain('flowchart');
    expect(exp.runs[2]?.steps).toHaveLength(0);
  });

  it('skips a run folder without run.json (still running)', async () => {
    await writeSyntheticExperiment(root, { pipelines: ['trec'], methods: ['gdpo'], repeats: 2 });
    await unlink(join(root, 'runs', 'trec__gdpo__r1', 'run.json'));
    const exp = await readExperiment(root);
    expect(exp.runs.map((r) => r.record.runId)).toEqual(['trec__gdpo__r0']);
  });

  it('names the file and the field of a malformed run.json', async () => {
    await writeSyntheticExperiment(root, { pipelines: ['trec'], methods: ['gdpo'], repeats: 1 });
    const file = join(root, 'runs', 'trec__gdpo__r0', 'run.json');
    const record = JSON.parse(await readFile(file, 'utf8'));
    record.final.val = 'high';
    await writeFile(file, JSON.stringify(record));
    const err = await readExperiment(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunRecordError);
    expect((err as Error).message).toBe(`${file}: final.val: Expected number, received string`);
  });

  it('names the line of a broken steps.jsonl and a missing experiment.json', async () => {
    await writeSyntheticExperiment(root, { pipelines: ['trec'], methods: ['gdpo'], repeats: 1 });
    const dir = join(root, 'runs', 'trec__gdpo__r0');
    const steps = (await readFile(join(dir, 'steps.jsonl'), 'utf8')).split('\n');
    steps[1] = '{"step": 2, "phase":';
    await writeFile(join(dir, 'steps.jsonl'), steps.join('\n'));
    await expect(readRun(dir)).rejects.toThrow(/steps\.jsonl: line 2: not valid JSON/);
    await unlink(join(root, 'experiment.json'));
    await expect(readExperiment(root)).rejects.toThrow(`${join(root, 'experiment.json')}: missing`);
  });

  it('refuses a run whose id does not match its folder, and an experiment with no runs', async () => {
    await writeSyntheticExperiment(root, { pipelines: ['trec'], methods: ['gdpo'], repeats: 1 });
    const file = join(root, 'runs', 'trec__gdpo__r0', 'run.json');
    const record = JSON.parse(await readFile(file, 'utf8'));
    record.repeat = 4;
    await writeFile(file, JSON.stringify(record));
    await expect(readExperiment(root)).rejects.toThrow(/runId "trec__gdpo__r0" should be "trec__gdpo__r4"/);
    await rm(join(root, 'runs'), { recursive: true });
    await expect(readExperiment(root)).rejects.toThrow(/no finished runs/);
  });
});
