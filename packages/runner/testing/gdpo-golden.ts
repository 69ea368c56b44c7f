/**
 * The GDPO golden runs: `autodiff train` runs on the simulated world whose outcome (prompts, scores,
 * batches, subsets, accepted steps, gate counts, helper-role calls) is recorded in
 * src/train/fixtures/gdpo-golden.json and checked by gdpo-golden.test.ts. One list, shared by the test and the
 * script that records it (scripts/record-gdpo-golden.ts), so the two never disagree on what is run.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainResult } from '@llm-autodiff/trainer';
import { main } from '../src/cli';

export const GOLDEN_RUNS: Record<string, string[]> = {
  'object-count': ['--task', 'object-count'],
  'hotpot-multihop': ['--task', 'hotpot', '--pipeline', 'hotpot-multihop'],
  'object-count-demo-2': ['--task', 'object-count', '--demo-steps', '2'],
};

/** Roles whose call counts are compared (task calls vary with early-stopped validations; see the test). */
export const GOLDEN_ROLES = ['backward', 'optimizer', 'teacher'] as const;

export interface GoldenRun {
  argv: string[];
  method: string;
  initial: TrainResult['initial'];
  final: TrainResult['final'];
  values: TrainResult['values'];
  gates: TrainResult['gates'];
  calls: Partial<Record<(typeof GOLDEN_ROLES)[number], number>>;
  steps: Array<{
    step: number;
    phase: string;
    accepted: boolean;
    valScore: number;
    batch: string[];
    subset: string[];
  }>;
}

export interface GoldenFile {
  source: string;
  runs: Record<string, GoldenRun>;
}

/** Runs one golden run (`--cache off`, so every call is made) and keeps what the fixture records. */
export async function runGolden(argv: string[]): Promise<GoldenRun> {
  const dir = mkdtempSync(join(tmpdir(), 'gdpo-golden-'));
  try {
    const out = join(dir, 'run.json');
    const errors: string[] = [];
    const code = await main(['train', ...argv, '--cache', 'off', '--quiet', '--out', out], {
      out: () => {},
      err: (line) => errors.push(line),
    });
    if (code !== 0) throw new Error(`autodiff train ${argv.join(' ')} exited ${code}: ${errors.join(' ')}`);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      result: TrainResult;
      usageByRole: Record<string, { calls: number }>;
    };
    const r = report.result;
    return {
      argv,
      method: r.method,
      initial: r.initial,
      final: r.final,
      values: r.values,
      gates: r.gates,
      calls: Object.fromEntries(GOLDEN_ROLES.map((role) => [role, report.usageByRole[role]?.calls ?? 0])),
      steps: r.steps.map((s) => ({
        step: s.step,
        phase: s.phase,
        accepted: s.accepted,
        valScore: s.valScore,
        batch: s.batch,
        subset: s.subset,
      })),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
