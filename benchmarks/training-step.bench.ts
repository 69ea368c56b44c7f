/**
 * One training step against its critical path. The simulated server (own process, loopback) answers with
 * realistic latency (task model 0.4 s, backward engine and optimizer 1.5 s, ±25% jitter); one GDPO step
 * of each HotPotQA pipeline at batch 4, concurrency 4, through the model pool and a fresh response cache.
 *
 * The bound is computed from the recorded call timeline, with each call's latency as the server drew it,
 * and for backward from the step's graph (see lib/critical-path.ts). The step is run again with the
 * backward engine limited to one call at a time, as the reference implementation runs its backward pass.
 * Target: wall-clock ÷ bound at most 1.2.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PipelineName } from '@llm-autodiff/tasks';
import type { CallRecord } from './lib/call-timeline';
import { type BackwardGraph, captureBackwardGraph, type StepBound, stepBound } from './lib/critical-path';
import { type BenchScale, FigureSet, FULL, fmt } from './lib/figures';
import { STEP_LATENCY, scaledLatency, scratchDir, simRun, trainRun } from './lib/sim-run';
import { type SimServerProcess, startSimServerProcess } from './lib/sim-server-process';

const SUITE = 'training step vs critical path';
const PIPELINES: PipelineName[] = ['hotpot-vanilla', 'hotpot-multihop', 'hotpot-cycle', 'hotpot-agent'];
const CONCURRENCY = 4;
/** Proposals tried per step (default 5): two keep the figure to seconds; each adds its own gates. */
const PROPOSALS = 2;

interface StepMeasure {
  wallMs: number;
  bound: StepBound;
}

async function measureStep(
  server: SimServerProcess,
  pipeline: PipelineName,
  backwardConcurrency: number,
): Promise<StepMeasure> {
  const scratch = scratchDir('bench-step-');
  const run = await simRun({
    url: server.url,
    pipeline,
    concurrency: CONCURRENCY,
    largeConcurrency: backwardConcurrency,
    cachePath: join(scratch.dir, 'cache.sqlite'),
  });
  const graphs: BackwardGraph[] = [];
  try {
    const result = await trainRun(run, {
      method: 'gdpo',
      methodConfig: { steps: 1, batchSize: 4, proposalsPerStep: PROPOSALS },
      concurrency: CONCURRENCY,
      checkpointPath: join(scratch.dir, 'run.ckpt.json'),
      onBackward: (_step, root) => {
        graphs.push(captureBackwardGraph(root));
      },
    });
    const step = result.steps.find((s) => s.phase === 'text');
    if (!step) throw new Error(`${pipeline}: the run recorded no training step`);
    await server.sync();
    const records = stepRecords(run.timeline.records, run.program, run.data.test);
    const latency = (r: CallRecord) => server.latencyById.get(r.responseId ?? '') ?? r.endMs - r.startMs;
    const bound = stepBound(records, graphs, latency, (role) =>
      role === 'task' ? CONCURRENCY : Math.min(CONCURRENCY, backwardConcurrency),
    );
    return { wallMs: step.wallMs, bound };
  } finally {
    run.close();
    scratch.done();
  }
}

/** The step's calls: from its first train-mode forward to the final test evaluation (excluded). */
function stepRecords(
  records: readonly CallRecord[],
  program: { sampleId(e: unknown): string },
  test: readonly unknown[],
): CallRecord[] {
  const testUnits = new Set(test.map((e) => `predict:${program.sampleId(e)}`));
  const isTest = (r: CallRecord) => testUnits.has((r.unit ?? '').replace(/#\d+$/, ''));
  const start = Math.min(...records.filter((r) => r.unit?.startsWith('loss:')).map((r) => r.startMs));
  const finalTest = Math.min(...records.filter((r) => r.startMs >= start && isTest(r)).map((r) => r.startMs));
  return records.filter((r) => r.startMs >= start && r.startMs < finalTest);
}

function phaseNote(bound: StepBound): string {
  return bound.phases
    .map((p) => `${p.role} ${fmt(p.boundMs / 1000)} s [took ${fmt(p.spanMs / 1000)} s, ${p.calls} calls]`)
    .join(' + ');
}

export async function runTrainingStep(
  figures = new FigureSet(),
  scale: BenchScale = FULL,
  only?: PipelineName,
): Promise<FigureSet> {
  const pipelines = only ? [only] : scale.smoke ? PIPELINES.slice(0, 1) : PIPELINES;
  const server = await startSimServerProcess({ latency: scaledLatency(STEP_LATENCY, scale) });
  try {
    for (const pipeline of pipelines) {
      const par = await measureStep(server, pipeline, CONCURRENCY);
      const seq = await measureStep(server, pipeline, 1);
      figures.add({
        suite: SUITE,
        name: `${pipeline}: step wall-clock`,
        value: par.wallMs / 1000,
        unit: 's',
        note: `bound ${fmt(par.bound.boundMs / 1000)} s = ${phaseNote(par.bound)}`,
      });
      figures.add({
        suite: SUITE,
        name: `${pipeline}: wall-clock ÷ critical-path bound`,
        value: par.wallMs / par.bound.boundMs,
        unit: '×',
        target: { kind: 'max', value: 1.2 },
      });
      figures.add({
        suite: SUITE,
        name: `${pipeline}: step wall-clock, backward engine at concurrency 1 (as the reference)`,
        value: seq.wallMs / 1000,
        unit: 's',
        note: `${fmt(seq.wallMs / par.wallMs)}× the concurrent step; its own bound ${fmt(seq.bound.boundMs / 1000)} s, ratio ${fmt(seq.wallMs / seq.bound.boundMs)}`,
      });
    }
  } finally {
    await server.close();
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const only = process.argv.slice(2).find((a) => !a.startsWith('--')) as PipelineName | undefined;
  await runTrainingStep(new FigureSet(), { smoke: process.argv.includes('--smoke') }, only);
}
