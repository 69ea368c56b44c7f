import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { planExperiment } from './plan';
import { runTimeFit, runTimeFits, SweepProgress } from './progress';

const runs = planExperiment(
  parseExperiment(
    'name: p\npipelines: [trec]\nmethods: [gdpo]\nrepeats: 2\nconfig: { steps: 2 }\n',
    'p.yaml',
  ),
  '/r',
).runs;

describe('sweep progress', () => {
  it('writes plain lines when stdout is not a terminal: started, steps with their outcome, calls, done, remaining', () => {
    const out: string[] = [];
    let t = 0;
    const p = new SweepProgress(runs, { out: (l) => out.push(l), err: () => {}, isTTY: false }, () => t);
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    p.runStarted(a, false);
    p.runCall(a, 3, 300);
    t = 2000;
    p.runProgress(a, {
      step: 1,
      totalSteps: 2,
      bestVal: 0.5,
      line: 'accepted, tried 2; mini-batch 1/2, validation 1/1',
    });
    p.runFinished(a, 'done');
    p.skipped(b);
    p.close();
    expect(out[0]).toMatch(/^\[0\/2 done, 1 running, 0s elapsed\] trec__gdpo__r0: started$/);
    expect(out[1]).toBe(
      '[0/2 done, 1 running, 2s elapsed, ~6s left] trec__gdpo__r0: step 1/2, best val 0.5000, accepted, tried 2; mini-batch 1/2, validation 1/1; 3 calls, 300 tokens',
    );
    expect(out[2]).toMatch(/^\[1\/2 done, 0 running, 2s elapsed, ~2s left\] trec__gdpo__r0: done$/);
    expect(out[3]).toMatch(/2\/2 done.*already done, skipped/);
  });

  it('time left comes from the estimated calls still to make, cache hits counted as work but not billed', () => {
    const out: string[] = [];
    let t = 0;
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const expected = new Map([
      [a.runId, 100],
      [b.runId, 300],
    ]);
    const io = { out: (l: string) => out.push(l), err: () => {}, isTTY: false };
    const p = new SweepProgress(runs, io, () => t, expected);
    p.runStarted(a, false);
    p.runCall(a, 30, 3000);
    p.runCall(a, 20, 2000, true);
    t = 10_000;
    // No run has finished: no pace yet, so no time left is shown.
    p.runProgress(a, { step: 1, totalSteps: 2 });
    expect(out.at(-1)).toMatch(/10s elapsed\] .*; 30 calls, 3000 tokens$/);
    p.runCall(a, 80, 8000);
    t = 26_000;
    // a made 130 calls (past its estimate of 100) in 26 s: b's 300 calls at 200 ms each.
    p.runFinished(a, 'done');
    expect(out.at(-1)).toMatch(/26s elapsed, ~1m00s left\] trec__gdpo__r0: done$/);
    p.note('building tables');
    expect(out.at(-1)).toMatch(/^\[1\/2 done, 0 running, 26s elapsed, ~1m00s left\] building tables$/);
    p.close();
  });

  it('a run without an estimate is given the measured runs’ calls per work unit; the pace starts with the first run', () => {
    const out: string[] = [];
    let t = 0;
    const [a] = runs as [(typeof runs)[0]];
    const io = { out: (l: string) => out.push(l), err: () => {}, isTTY: false };
    const p = new SweepProgress(runs, io, () => t, new Map([[a.runId, 100]]));
    // 3 s before the first run (a corpus loading) do not slow the pace.
    t = 3000;
    p.runStarted(a, false);
    p.runCall(a, 100, 1000);
    t = 8000;
    // Both runs have the same steps, so the second is expected to take as long as the first.
    p.runFinished(a, 'done');
    expect(out.at(-1)).toMatch(/~5s left\]/);
    p.close();
  });

  it('divides the work left by the parallelism of the sweep so far', () => {
    const out: string[] = [];
    let t = 0;
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const io = { out: (l: string) => out.push(l), err: () => {}, isTTY: false };
    const expected = new Map([
      [a.runId, 100],
      [b.runId, 300],
    ]);
    const p = new SweepProgress(runs, io, () => t, expected);
    p.runStarted(a, false);
    p.runStarted(b, false);
    p.runCall(a, 100, 1000);
    p.runCall(b, 100, 1000);
    t = 10_000;
    // 100 ms per call; b has 200 calls (20 s of run time) left; two runs ran side by side for 10 s.
    p.runFinished(a, 'done');
    expect(out.at(-1)).toMatch(/10s elapsed, ~10s left\]/);
    p.close();
  });

  it('shows no time left while runs of one size made under a tenth of the calls', () => {
    const out: string[] = [];
    let t = 0;
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    const io = { out: (l: string) => out.push(l), err: () => {}, isTTY: false };
    const p = new SweepProgress(
      runs,
      io,
      () => t,
      new Map([
        [a.runId, 30],
        [b.runId, 3000],
      ]),
    );
    p.runStarted(a, false);
    p.runCall(a, 30, 300);
    t = 1000;
    p.runFinished(a, 'done');
    expect(out.at(-1)).toMatch(/1s elapsed\] trec__gdpo__r0: done$/);
    p.close();
  });

  it('fits a run’s time as a fixed part plus a time per call, both non-negative', () => {
    expect(
      runTimeFit([
        [100, 1500],
        [300, 2500],
      ]),
    ).toEqual({ fixed: 1000, perCall: 5 });
    // A negative fixed part would make short runs free: proportional instead.
    expect(
      runTimeFit([
        [100, 100],
        [200, 1000],
      ]),
    ).toEqual({ fixed: 0, perCall: 4.2 });
    // One kind of run: proportional.
    expect(
      runTimeFit([
        [50, 1000],
        [50, 1000],
      ]),
    ).toEqual({ fixed: 0, perCall: 20 });
    // Per pipeline once two of its runs differ in calls; else the fit of all runs.
    const fitOf = runTimeFits([
      { pipeline: 'hotpot', calls: 100, ms: 1500 },
      { pipeline: 'hotpot', calls: 300, ms: 2500 },
      { pipeline: 'trec', calls: 100, ms: 500 },
    ]);
    expect(fitOf('hotpot')).toEqual({ fixed: 1000, perCall: 5 });
    expect(fitOf('trec')).toEqual(fitOf('object-count'));
    expect(fitOf('trec')).toEqual(
      runTimeFit([
        [100, 1500],
        [300, 2500],
        [100, 500],
      ]),
    );
  });

  it('the terminal board shows each running run with its step, best validation and calls', () => {
    const p = new SweepProgress(runs, { out: () => {}, err: () => {}, isTTY: false }, () => 0);
    p.runStarted(runs[0] as (typeof runs)[0], true);
    p.runProgress(runs[0] as (typeof runs)[0], { step: 2, totalSteps: 2, bestVal: 0.75, line: 'g' });
    const board = p.board();
    expect(board).toHaveLength(2);
    expect(board[1]).toMatch(/trec__gdpo__r0\s+step 2\/2\s+best val 0\.7500\s+g\s+0 calls/);
    p.close();
  });
});
