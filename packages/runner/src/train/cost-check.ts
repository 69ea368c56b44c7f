/**
 * Cost before spending for `autodiff train`, as `repro` does it: the run's estimate (calls, tokens and
 * dollars per role, from the measured step counts), `--max-cost`, and `usd` budgets checked against the
 * price table before any call. Everything here builds models with `noCalls`: no API key is needed.
 */
import {
  type BudgetOptions,
  BudgetSpecError,
  type ChatModel,
  type PriceTable,
  priceFor,
} from '@llm-autodiff/llm';
import { loadTask } from '@llm-autodiff/tasks';
import type { MethodId } from '../experiment/methods';
import { createModel } from '../model-registry';
import {
  costRefusal,
  type Estimate,
  estimate,
  formatEstimate,
  isPaid,
  type RunSizes,
} from '../repro/estimate';
import { LIST_PRICES, pricesSource, readPriceFile } from '../repro/price-list';
import { readStepCounts } from '../repro/step-counts';
import type { TrainArgs } from './args';

export interface TrainCost {
  /** Absent when nothing needs it: no dry run and no paid endpoint. */
  estimate: Estimate | undefined;
  /** The lines to print: the estimate and, when dollars are involved, where the prices come from. */
  lines: string[];
  /** Why the run may not start (see `costRefusal`), if it may not. */
  refusal: string | undefined;
  /** The budget with its prices when it has a `usd` limit (else `args.budget` as it was). */
  budget: BudgetOptions | undefined;
}

type Roles = TrainArgs['models'];

/** The run's estimate, refusal and priced budget; a `usd` limit on a model without a price is refused. */
export async function trainCost(args: TrainArgs, methodConfig: Record<string, unknown>): Promise<TrainCost> {
  const prices = priceTable(args.pricesFile);
  const source = pricesSource(args.pricesFile);
  const modelOf = (spec: string) => createModel(spec, { baseURL: args.baseURL, noCalls: true });
  const idOf = (spec: string) => modelOf(spec).id;
  const budget = pricedBudget(args.budget, args.models, prices, source, modelOf);
  const paid = Object.values(args.models).some((spec) => isPaid(idOf(spec)));
  const priced = budget?.prices ? [`dollars priced with ${source}`] : [];
  if (!args.dryRun && !paid) return { estimate: undefined, lines: priced, refusal: undefined, budget };
  const full = await splitSizes(args.pipeline);
  const est = estimate(
    [
      {
        runId: `${args.pipeline}__${args.method}`,
        pipeline: args.pipeline,
        method: args.method,
        methodId: { base: args.method as MethodId['base'], ablations: [] },
        methodConfig,
        sizes: args.limits,
        models: args.models,
      },
    ],
    readStepCounts(),
    prices,
    () => full,
    idOf,
  );
  const lines = formatEstimate(est);
  if (est.paid.length > 0 || budget?.prices) lines.push(`dollars priced with ${source}`);
  const refusal = costRefusal(est, {
    budgeted: args.budget !== undefined,
    maxCostUsd: args.maxCostUsd,
    budgetHint: 'set a --budget',
  });
  return { estimate: est, lines, refusal, budget };
}

function priceTable(file: string | undefined): PriceTable {
  return file === undefined ? LIST_PRICES : readPriceFile(file);
}

/** The split sizes of a built-in pipeline; a custom one has no measured counts, so its sizes do not matter. */
async function splitSizes(pipeline: string): Promise<RunSizes> {
  try {
    const s = await loadTask(pipeline);
    return { train: s.train.length, val: s.val.length, test: s.test.length };
  } catch {
    return { train: 0, val: 0, test: 0 };
  }
}

/**
 * A budget with a dollar limit gets the price table; every model a dollar limit covers must have a price,
 * checked here so the run is refused before its first call rather than stopped at it. A local model
 * (a rule table: no tokens billed) needs none.
 */
function pricedBudget(
  budget: BudgetOptions | undefined,
  models: Roles,
  prices: PriceTable,
  source: string,
  modelOf: (spec: string) => ChatModel,
): BudgetOptions | undefined {
  if (!budget) return undefined;
  const dollarRoles = (Object.keys(models) as Array<keyof Roles>).filter(
    (role) => budget.total?.usd !== undefined || budget.perRole?.[role]?.usd !== undefined,
  );
  if (dollarRoles.length === 0) return budget;
  for (const role of dollarRoles) {
    const { id, local } = modelOf(models[role]);
    if (!local && !priceFor(prices, id))
      throw new BudgetSpecError(
        `--budget: a dollar limit covers the ${role} model ${id}, which has no price in ${source}; pass --prices FILE with its price, or budget calls or tokens`,
      );
  }
  return { ...budget, prices };
}
