import { describe, expect, it } from 'vitest';
import { parseExperiment } from '../experiment/load';
import { planExperiment } from './plan';
import { SweepProgress } from './progress';

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
