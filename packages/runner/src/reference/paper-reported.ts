/**
 * The paper's reported test numbers (paper-reported.json, copied from shared/reference; its `source`
 * note says where they come from and how far to trust them). Tables show them in their own columns,
 * marked as reported, never mixed with ours.
 */
import { z } from 'zod';
import raw from './paper-reported.json' with { type: 'json' };

const reportedSchema = z.object({
  source: z.string(),
  table2_test: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.string()]))),
});

const reported = reportedSchema.parse(raw);

export const REPORTED_SOURCE: string = reported.source;

/**
 * Which of the paper's methods a method of ours stands beside. The paper has one DSPy column; each of
 * our DSPy-style methods is shown beside it, and the table names the paper method so nobody reads it
 * as a number for that exact optimizer.
 */
const PAPER_METHOD: Record<string, string> = {
  start: 'start',
  gdpo: 'llm-autodiff',
  'llm-autodiff': 'llm-autodiff',
  textgrad: 'textgrad',
  bootstrap: 'dspy',
  bfsrs: 'dspy',
  mipro: 'dspy',
  dspy: 'dspy',
};

const PAPER_LABEL: Record<string, string> = {
  start: 'Start',
  'llm-autodiff': 'LLM-AutoDiff',
  textgrad: 'TextGrad',
  dspy: 'DSPy',
};

export interface ReportedCell {
  /** Test accuracy in percent, as printed in the paper. */
  testPct: number;
  /** The paper's method this number belongs to, e.g. "DSPy(5+2)". */
  paperMethod: string;
  note?: string;
}

/** The paper's reported test accuracy for (pipeline, our method), when it reports one. */
/** Whether the paper reports numbers for `pipeline` (a custom pipeline of the user's has none). */
export function paperReports(pipeline: string): boolean {
  return reported.table2_test[pipeline] !== undefined;
}

export function reportedTest(pipeline: string, method: string): ReportedCell | undefined {
  const key = PAPER_METHOD[method];
  const row = reported.table2_test[pipeline];
  if (!key || !row) return undefined;
  const value = row[key];
  if (typeof value !== 'number') return undefined;
  const variant = row[`${key}_variant`];
  const note = row[`${key}_note`];
  return {
    testPct: value,
    paperMethod: typeof variant === 'string' ? variant : (PAPER_LABEL[key] ?? key),
    ...(typeof note === 'string' ? { note } : {}),
  };
}
