/**
 * `repro --dry-run`: the planned runs' calls, tokens and dollars per role and per method, scaled from
 * the measured per-step counts of the simulated world (step-counts.json) to each run's sizes and settings,
 * priced with the price table. Simulated and local-server models cost nothing; the OpenAI API is paid.
 */

import { DEFAULT_GDPO_CONFIG as DEFAULT_CONFIG } from '@llm-autodiff/gdpo';
import { costUsd, type PriceTable, priceFor } from '@llm-autodiff/llm';
import { customPipeline } from '@llm-autodiff/tasks';
import { createModel } from '../model-registry';
import type { RunSpec } from './plan';
import type { StepCountTable } from './step-counts';

export interface Usage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** undefined when a paid model has no price. */
  usd: number | undefined;
}

export interface RunEstimate {
  runId: string;
  method: string;
  byRole: Record<string, Usage>;
}

export interface Estimate {
  runs: RunEstimate[];
  byRole: Record<string, Usage>;
  byMethod: Record<string, Usage>;
  total: Usage;
  /** Paid models without a price in the table. */
  unpriced: string[];
  /** Model ids of paid endpoints used. */
  paid: string[];
  /** Runs of pipelines without measured step counts (custom pipelines): not in the figures. */
  unmeasured: string[];
}

function empty(): Usage {
  return { calls: 0, promptTokens: 0, completionTokens: 0, usd: 0 };
}

function add(into: Usage, u: Usage): void {
  into.calls += u.calls;
  into.promptTokens += u.promptTokens;
  into.completionTokens += u.completionTokens;
  into.usd = into.usd === undefined || u.usd === undefined ? undefined : into.usd + u.usd;
}

/** A paid endpoint: the OpenAI API itself (a spec without a local base URL), not the sim or a local server. */
export function isPaid(modelId: string): boolean {
  return modelId.startsWith('openai:') && !/@https?:\/\//.test(modelId);
}

/** Calls per role of one run before pricing (size of each split as the run will see it). */
function runCalls(
  spec: RunSpec,
  table: StepCountTable,
  sizes: { val: number; test: number },
): Record<string, { calls: number; prompt: number; completion: number }> {
  const m = table.pipelines[spec.pipeline];
  if (!m)
    throw new Error(
      `no measured step counts for pipeline ${spec.pipeline}; rerun scripts/measure-step-counts.ts`,
    );
  const out: Record<string, { calls: number; prompt: number; completion: number }> = {};
  const put = (role: string, calls: number, per: { prompt: number; completion: number } | undefined) => {
    if (calls <= 0 || !per) return;
    const o = out[role] ?? { calls: 0, prompt: 0, completion: 0 };
    o.calls += calls;
    o.prompt += calls * per.prompt;
    o.completion += calls * per.completion;
    out[role] = o;
  };
  const trainsNothing = spec.methodId.base === 'start';
  // Initial val + test, and (when training) the final test with the best values.
  const evaluated = sizes.val + sizes.test + (trainsNothing ? 0 : sizes.test);
  for (const [role, perExample] of Object.entries(m.eval.callsPerExample))
    put(role, perExample * evaluated, m.eval.tokensPerCall[role]);
  if (trainsNothing) return out;
  const ref = table.reference;
  const steps = spec.config.steps ?? DEFAULT_CONFIG.steps;
  const batch = (spec.config.batchSize ?? DEFAULT_CONFIG.batchSize) / ref.batchSize;
  const proposals = (spec.config.proposalsPerStep ?? DEFAULT_CONFIG.proposalsPerStep) / ref.proposalsPerStep;
  const val = sizes.val / ref.val;
  // Backward calls follow the batch, optimizer calls the proposals; task calls (forward pass and the two
  // gates) are scaled by proposals and validation size, which errs on the high side.
  const scale: Record<string, number> = {
    backward: batch,
    optimizer: proposals,
    task: Math.max(batch, proposals * val),
  };
  for (const [role, perStep] of Object.entries(m.step.calls))
    put(role, perStep * steps * (scale[role] ?? 1), m.step.tokensPerCall[role]);
  return out;
}

export function estimate(
  runs: readonly RunSpec[],
  table: StepCountTable,
  prices: PriceTable,
  splitSizes: (pipeline: string) => { val: number; test: number },
  /** The canonical model id of a spec (default: as the registry creates it; no call is made). */
  idOf: (spec: string) => string = (spec) => createModel(spec).id,
): Estimate {
  const result: Estimate = {
    runs: [],
    byRole: {},
    byMethod: {},
    total: empty(),
    unpriced: [],
    paid: [],
    unmeasured: [],
  };
  for (const spec of runs) {
    if (!table.pipelines[spec.pipeline] && customPipeline(spec.pipeline)) {
      result.unmeasured.push(spec.runId);
      // Its calls are unknown, but whether it calls a paid endpoint is not.
      for (const modelSpec of Object.values(spec.models)) {
        const id = idOf(modelSpec);
        if (isPaid(id) && !result.paid.includes(id)) result.paid.push(id);
      }
      continue;
    }
    const full = splitSizes(spec.pipeline);
    const sizes = {
      val: Math.min(full.val, spec.sizes.val ?? full.val),
      test: Math.min(full.test, spec.sizes.test ?? full.test),
    };
    const byRole: Record<string, Usage> = {};
    for (const [role, c] of Object.entries(runCalls(spec, table, sizes))) {
      const modelSpec = spec.models[role as keyof RunSpec['models']] ?? spec.models.task;
      const id = idOf(modelSpec);
      let usd: number | undefined = 0;
      if (isPaid(id)) {
        if (!result.paid.includes(id)) result.paid.push(id);
        const price = priceFor(prices, id);
        if (price)
          usd = costUsd(price, {
            promptTokens: c.prompt,
            completionTokens: c.completion,
            cachedTokens: 0,
            estimated: true,
          });
        else {
          usd = undefined;
          if (!result.unpriced.includes(id)) result.unpriced.push(id);
        }
      }
      const u: Usage = {
        calls: Math.round(c.calls),
        promptTokens: Math.round(c.prompt),
        completionTokens: Math.round(c.completion),
        usd,
      };
      byRole[role] = u;
      const roleTotal = result.byRole[role] ?? empty();
      const methodTotal = result.byMethod[spec.method] ?? empty();
      add(roleTotal, u);
      add(methodTotal, u);
      result.byRole[role] = roleTotal;
      result.byMethod[spec.method] = methodTotal;
      add(result.total, u);
    }
    result.runs.push({ runId: spec.runId, method: spec.method, byRole });
  }
  return result;
}

function usd(x: number | undefined): string {
  return x === undefined ? 'unpriced' : `$${x.toFixed(2)}`;
}

function row(name: string, u: Usage): string {
  return `  ${name.padEnd(28)} ${String(u.calls).padStart(9)} ${String(u.promptTokens + u.completionTokens).padStart(13)} ${usd(u.usd).padStart(10)}`;
}

export function formatEstimate(e: Estimate): string[] {
  const header = `  ${''.padEnd(28)} ${'calls'.padStart(9)} ${'tokens'.padStart(13)} ${'dollars'.padStart(10)}`;
  const lines = ['estimate per role:', header];
  for (const [role, u] of Object.entries(e.byRole).sort()) lines.push(row(role, u));
  lines.push('estimate per method:', header);
  for (const [method, u] of Object.entries(e.byMethod).sort()) lines.push(row(method, u));
  lines.push(row('total', e.total));
  if (e.paid.length === 0) lines.push('(no paid endpoint: simulated or local models only)');
  if (e.unpriced.length > 0) lines.push(`no price known for ${e.unpriced.join(', ')} (pass --prices FILE)`);
  if (e.unmeasured.length > 0)
    lines.push(`not estimated (custom pipelines, no measured step counts): ${e.unmeasured.join(', ')}`);
  return lines;
}
