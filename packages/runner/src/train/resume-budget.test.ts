import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget, BudgetExceededError } from '@llm-autodiff/llm';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { readCheckpoint } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { main } from '../cli';
import { creditCheckpoint, spentInCheckpoint } from './resume-budget';

const HAS_DATA = findDataDir() !== undefined;
const needsData = (name: string) => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);

describe('budget across a resume', () => {
  it.skipIf(!HAS_DATA)(
    needsData(
      "a finished checkpoint's step usage adds up to the run's ledger, and a budget credited with it refuses",
    ),
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'resume-budget-'));
      try {
        const out = join(dir, 'oc.json');
        const code = await main(
          [
            'train',
            '--task',
            'object-count',
            '--steps',
            '1',
            '--val',
            '8',
            '--test',
            '8',
            '--cache',
            'off',
            '--quiet',
            '--out',
            out,
          ],
          { out: () => {}, err: () => {} },
        );
        expect(code).toBe(0);
        const report = JSON.parse(readFileSync(out, 'utf8')) as {
          usageByRole: Record<string, { calls: number; promptTokens: number; completionTokens: number }>;
        };
        const checkpoint = await readCheckpoint(join(dir, 'oc.ckpt.json'));
        const spent = spentInCheckpoint(checkpoint);
        for (const role of ['task', 'backward', 'optimizer']) {
          const ledger = report.usageByRole[role]!;
          expect(spent[role]).toEqual({
            calls: ledger.calls,
            tokens: ledger.promptTokens + ledger.completionTokens,
          });
        }

        const budget = new Budget({ perRole: { optimizer: { calls: spent.optimizer!.calls } } });
        creditCheckpoint(budget, checkpoint);
        expect(() => budget.admit('optimizer', 'sim:large')).toThrow(BudgetExceededError);
        expect(() => budget.admit('task', 'sim:task')).not.toThrow();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  it('a checkpoint without records spends nothing', () => {
    expect(spentInCheckpoint({ records: [] })).toEqual({});
  });
});
