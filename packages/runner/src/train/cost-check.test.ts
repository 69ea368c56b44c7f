/**
 * Issue 21, case 9: cost before spending on `train` as on `repro`: `--dry-run` (no call, no API key),
 * `--max-cost`, and `usd` budgets priced from the price table (its source printed), refused for a model
 * the table has no price for.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/child-cli';

const HAS_DATA = findDataDir() !== undefined;

let dir: string;
let savedKey: string | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'autodiff-cost-'));
  savedKey = process.env.OPENAI_API_KEY;
  delete process.env.OPENAI_API_KEY;
});
afterEach(() => {
  if (savedKey !== undefined) process.env.OPENAI_API_KEY = savedKey;
  rmSync(dir, { recursive: true, force: true });
});

const small = (out: string) => [
  ...'train --task object-count --train 8 --val 8 --test 8 --cache off --quiet --out'.split(' '),
  out,
];

interface Spent {
  usd: number;
}
/** Dollars spent by every process of the run, from its results file. */
const spentUsd = (out: string) =>
  Object.values(
    (JSON.parse(readFileSync(out, 'utf8')) as { result: { spent: Record<string, Spent> } }).result.spent,
  ).reduce((a, s) => a + s.usd, 0);

describe.skipIf(!HAS_DATA)(`train: cost before spending${HAS_DATA ? '' : ` (${NO_DATA_MESSAGE})`}`, () => {
  it('--dry-run with a paid model and no API key prints the estimate and the prices source, calls nothing', async () => {
    const out = join(dir, 'r.json');
    const r = await autodiff([...small(out), '--task-model', 'openai:gpt-4o-mini', '--dry-run']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/estimate per role:[\s\S]*task\s+\d+\s+\d+\s+\$\d+\.\d\d/);
    expect(r.out).toContain(
      "dollars priced with OpenAI's list prices per 1M tokens as recorded in this repository on",
    );
    expect(r.out).toContain('the run would start (dry run: no model was called)');
    expect(existsSync(out)).toBe(false);
  });

  it('--max-cost below the estimate: the dry run says so; the run refuses before any call (exit 1)', async () => {
    const args = [...small(join(dir, 'r.json')), '--task-model', 'openai:gpt-4o', '--max-cost', '0.001'];
    const dry = await autodiff([...args, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.out).toMatch(
      /the run would refuse to start: estimated \$\d+\.\d\d on paid endpoints exceeds --max-cost 0\.001/,
    );
    // No key is set: refusing by cost comes before the key is needed, so nothing was called.
    const real = await autodiff(args);
    expect(real.code).toBe(1);
    expect(real.err).toMatch(
      /^autodiff train: refusing to start: estimated \$\d+\.\d\d on paid endpoints exceeds --max-cost 0\.001$/,
    );
  });

  it('a usd budget on a model with no known price is one line before any call (exit 2)', async () => {
    const r = await autodiff([...small(join(dir, 'r.json')), '--budget', 'total.usd=1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      /^autodiff train: --budget: a dollar limit covers the task model sim:task, which has no price in OpenAI's list prices/,
    );
    expect(r.err.split('\n')).toHaveLength(1);
  });

  it('a usd budget stops the run at its limit; a resume counts the dollars already spent', async () => {
    const prices = join(dir, 'prices.json');
    const price = { input: 1000, output: 1000 }; // $0.001 a token: a few calls reach the limit
    writeFileSync(prices, JSON.stringify({ 'sim:task': price, 'sim:large': price, 'sim:teacher': price }));
    const out = join(dir, 'usd.json');
    const first = await autodiff([...small(out), '--budget', 'total.usd=5', '--prices', prices]);
    expect(first.code).toBe(3);
    expect(first.out).toContain(`dollars priced with prices from ${prices}`);
    expect(first.out).toMatch(/total usd limit 5 reached/);
    const spentFirst = spentUsd(out);
    expect(spentFirst).toBeGreaterThanOrEqual(5);

    const second = await autodiff([...small(out), '--budget', 'total.usd=8', '--prices', prices, '--resume']);
    expect(second.code).toBe(3);
    const spent = spentUsd(out);
    // Every process's dollars: at least the limit, past it by no more than the calls in flight at the
    // cap (here well under $3); without the journal the resume would have spent $8 on its own.
    expect(spent).toBeGreaterThanOrEqual(8);
    expect(spent).toBeLessThan(11);
  }, 120_000);
});
