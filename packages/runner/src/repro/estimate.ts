/**
 * `repro --dry-run`: the planned runs' calls, tokens and dollars per role and per method, scaled from
 * the measured per-step counts of the simulated world (step-counts.json) to each run's sizes and settings,
 * priced with the price table. Simulated and local-server models cost nothing; the OpenAI API is paid.
 */

import { costUsd, type PriceTable, priceFor } from '@llm-autodiff/llm';
import { customPipeline } from '@llm-autodiff/tasks';
import { type Drivers, tunedKinds } from '@llm-autodiff/trainer';
import { methods } from '../methods';
import { createModel } from '../model-registry';
import { teacherOf } from '../run-config';
import type { RunSpec } from './plan';
import type { MeasuredPipeline, StepCountTable, TokensPerCall } from './step-counts';

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
  /** Runs without measured counts (custom pipelines, a method or pipeline not measured): not in the figures. */
  unmeasured: string[];
  /** Why each unmeasured run has no estimate, with its run ids. */
  notEstimated: Record<string, string[]>;
}

/** What an estimate reads of a run: a repro plan's run, or the one run of `train --dry-run`. */
export type EstimatedRun = Pick<
  RunSpec,
  'runId' | 'pipeline' | 'method' | 'methodId' | 'methodConfig' | 'sizes' | 'models'
>;

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

/**
 * A method bootstrapping from the student makes its teacher runs as task calls: its teacher driver counts
 * as task. The measurement and the estimate both apply it, so the task calls per driver stay comparable.
 */
export function studentTeaches(drivers: Drivers, student: boolean): Drivers {
  if (!student || !drivers.teacher) return { ...drivers };
  const { teacher, ...rest } = drivers;
  return { ...rest, task: (rest.task ?? 0) + teacher };
}

type RoleCalls = Record<string, { calls: number; prompt: number; completion: number }>;

/** The sizes of a run's splits as it will see them. */
export interface RunSizes {
  train: number;
  val: number;
  test: number;
}

/**
 * Calls per role of one run before pricing, from the run's own method's measured counts scaled by the
 * drivers of the method's cost model (its factory's `costModel`); a string says why the run cannot be
 * estimated.
 */
function runCalls(spec: EstimatedRun, table: StepCountTable, sizes: RunSizes): RoleCalls | string {
  const m = table.pipelines[spec.pipeline];
  if (!m) return `no measured counts for pipeline ${spec.pipeline}`;
  const out: RoleCalls = {};
  const put = (role: string, calls: number, per: TokensPerCall | undefined) => {
    if (calls <= 0 || !per) return;
    const o = out[role] ?? { calls: 0, prompt: 0, completion: 0 };
    o.calls += calls;
    o.prompt += calls * per.prompt;
    o.completion += calls * per.completion;
    out[role] = o;
  };
  const perExample = (e: MeasuredPipeline['eval'], examples: number) => {
    for (const [role, n] of Object.entries(e.callsPerExample))
      put(role, n * examples, e.tokensPerCall[role as keyof typeof e.tokensPerCall]);
  };
  // The trainer's initial validation and test (all that a method without steps does).
  perExample(m.eval, sizes.val + sizes.test);
  const base = spec.methodId.base;
  const factory = methods.get(base);
  const config = factory.resolveConfig(spec.methodConfig);
  const model = factory.costModel;
  const shape = {
    ...sizes,
    prompts: m.shape.prompts,
    demoSlots: tunedKinds(factory, config).includes('demos') ? m.shape.demoSlots : 0,
  };
  const phases = Object.entries(model.drivers(config, shape));
  // Without steps the final test is the initial one: nothing more to count, nothing to have measured.
  if (model.steps(config) === 0) return out;
  const measured = m.methods[base];
  if (!measured) return `no measured counts for ${base} on ${spec.pipeline}`;
  // Task prompts carrying demos grow with the demos shown, beyond the starting prompt's tokens.
  const demos =
    shape.demoSlots > 0 && measured.demosShown && model.demosShown
      ? model.demosShown(config) / measured.demosShown
      : 1;
  const startPrompt = m.eval.tokensPerCall.task?.prompt ?? 0;
  const withDemos = (role: string, per: TokensPerCall): TokensPerCall =>
    role === 'task' && demos !== 1 && per.prompt > startPrompt
      ? { ...per, prompt: startPrompt + (per.prompt - startPrompt) * demos }
      : per;
  // A method bootstrapping from the student makes its teacher runs as task calls.
  const student = teacherOf(base, spec.methodConfig, spec.models) === 'student';
  for (const [phase, modelDrivers] of phases) {
    const drivers = studentTeaches(modelDrivers, student);
    for (const [role, driver] of Object.entries(drivers)) {
      if (!driver || driver <= 0) continue;
      const seen = measured.phases[phase]?.[role as keyof Drivers];
      if (!seen) return `${base} on ${spec.pipeline}: ${role} calls of its ${phase} phase were not measured`;
      put(role, (seen.calls / seen.driver) * driver, withDemos(role, seen.tokensPerCall));
    }
  }
  // The final test with the learned values (their prompts may carry demos).
  for (const [role, n] of Object.entries(measured.final.callsPerExample)) {
    const per = measured.final.tokensPerCall[role as keyof typeof measured.final.tokensPerCall];
    if (per) put(role, n * sizes.test, withDemos(role, per));
  }
  return out;
}

export function estimate(
  runs: readonly EstimatedRun[],
  table: StepCountTable,
  prices: PriceTable,
  splitSizes: (pipeline: string) => RunSizes,
  /** The canonical model id of a spec (default: as the registry creates it; no call is made). */
  idOf: (spec: string) => string = (spec) => createModel(spec, { noCalls: true }).id,
): Estimate {
  const result: Estimate = {
    runs: [],
    byRole: {},
    byMethod: {},
    total: empty(),
    unpriced: [],
    paid: [],
    unmeasured: [],
    notEstimated: {},
  };
  for (const spec of runs) {
    const full = splitSizes(spec.pipeline);
    const sizes: RunSizes = {
      train: Math.min(full.train, spec.sizes.train ?? full.train),
      val: Math.min(full.val, spec.sizes.val ?? full.val),
      test: Math.min(full.test, spec.sizes.test ?? full.test),
    };
    const calls =
      !table.pipelines[spec.pipeline] && customPipeline(spec.pipeline)
        ? 'custom pipelines, no measured step counts'
        : runCalls(spec, table, sizes);
    if (typeof calls === 'string') {
      result.unmeasured.push(spec.runId);
      result.notEstimated[calls] = [...(result.notEstimated[calls] ?? []), spec.runId];
      // Its calls are unknown, but whether it calls a paid endpoint is not.
      for (const modelSpec of Object.values(spec.models)) {
        const id = idOf(modelSpec);
        if (isPaid(id) && !result.paid.includes(id)) result.paid.push(id);
      }
      continue;
    }
    const byRole: Record<string, Usage> = {};
    for (const [role, c] of Object.entries(calls)) {
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

/**
 * Why runs with this estimate may not start, if they may not: a paid endpoint without an estimate and
 * without a budget (`budgetHint` says how to set one), a paid model without a price, or an estimate
 * above `maxCostUsd`.
 */
export function costRefusal(
  est: Estimate,
  o: { budgeted: boolean; maxCostUsd: number; budgetHint: string },
): string | undefined {
  if (est.paid.length === 0) return undefined;
  if (est.unmeasured.length > 0 && !o.budgeted)
    return `runs on paid endpoints without a cost estimate (see "not estimated"); ${o.budgetHint}`;
  if (est.unpriced.length > 0)
    return `no price known for ${est.unpriced.join(', ')}; pass --prices FILE so the cost can be checked`;
  if ((est.total.usd ?? 0) > o.maxCostUsd)
    return `estimated $${(est.total.usd ?? 0).toFixed(2)} on paid endpoints exceeds --max-cost ${o.maxCostUsd}`;
  return undefined;
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
  for (const [why, runIds] of Object.entries(e.notEstimated))
    lines.push(`not estimated (${why}): ${runIds.join(', ')}`);
  return lines;
}
