import type { UsageSummary } from '@llm-autodiff/llm';
import { gateTotals, type TrainResult } from '@llm-autodiff/trainer';

export interface TrainReportInput {
  pipeline: string;
  /** 'simulated model', or the model specs: the header says which. */
  label: string;
  result: TrainResult;
  usageByRole: Record<string, UsageSummary>;
}

/** GDPO-style configs name their strategy (constrained / random); shown after the method. */
function strategyOf(result: TrainResult): string {
  const strategy = (result.methodConfig as { strategy?: unknown } | undefined)?.strategy;
  return typeof strategy === 'string' ? ` (${strategy})` : '';
}

function score(x: number | undefined): string {
  return x === undefined ? '  n/a ' : x.toFixed(4);
}

/** The end-of-run summary: scores, calls and tokens per role, gate counts, wall-clock, final prompts. */
export function formatReport({ pipeline, label, result, usageByRole }: TrainReportInput): string {
  const lines = [
    '',
    `== ${pipeline} with ${result.method}${strategyOf(result)} — ${label}${result.partial ? ` — PARTIAL: ${result.stopReason}` : ''}`,
    `validation: ${score(result.initial?.val)} -> ${score(result.final.val)}`,
    `test:       ${score(result.initial?.test)} -> ${score(result.final.test)}`,
    'role        calls  cache-hits  prompt-tok  completion-tok  latency-s  queued-s  retries  failed(billed)',
  ];
  for (const [role, u] of Object.entries(usageByRole)) {
    lines.push(
      `${role.padEnd(10)} ${String(u.calls).padStart(6)} ${String(u.cacheHits).padStart(11)} ${String(u.promptTokens).padStart(11)} ${String(u.completionTokens).padStart(15)} ${(u.latencyMs / 1000).toFixed(1).padStart(10)} ${(u.queueMs / 1000).toFixed(1).padStart(9)} ${String(u.retries).padStart(8)} ${`${u.failedAttempts}(${u.billedFailedAttempts})`.padStart(15)}`,
    );
  }
  // What every method has; then, for a method whose proposals pass gates (GDPO, GEPA), its gate counts.
  const trained = result.steps.filter((s) => s.phase !== 'init' && s.phase !== 'final');
  const tried = trained.reduce((n, s) => n + s.tried, 0);
  const accepted = trained.filter((s) => s.accepted).length;
  lines.push(`steps: ${trained.length}, ${accepted} accepted; proposals: ${tried} tried`);
  const g = gateTotals(result.steps);
  if (g)
    lines.push(
      `gates: ${g.unchanged} unchanged (${g.parseFailures} parse failures); ` +
        `mini-batch gate ${g.miniBatchPassed} passed / ${g.miniBatchFailed} failed; ` +
        `validation gate ${g.validationPassed} passed / ${g.validationFailed} failed`,
    );
  lines.push(`wall-clock: ${(result.wallMs / 1000).toFixed(1)} s (this process)`);
  for (const [name, value] of Object.entries(result.values))
    lines.push('', `[${name}]`, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
  return lines.join('\n');
}
