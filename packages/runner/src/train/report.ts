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
    'this process:',
  ];
  const roles = Object.entries(usageByRole).map(([role, u]) => [roleLabel(role, u), u] as const);
  const width = Math.max(10, ...roles.map(([label]) => label.length));
  lines.push(
    `${'role'.padEnd(width)}  calls  cache-hits  prompt-tok  completion-tok  latency-s  queued-s  retries  failed(billed)`,
  );
  for (const [label, u] of roles) {
    lines.push(
      `${label.padEnd(width)} ${String(u.calls).padStart(6)} ${String(u.cacheHits).padStart(11)} ${String(u.promptTokens).padStart(11)} ${String(u.completionTokens).padStart(15)} ${(u.latencyMs / 1000).toFixed(1).padStart(10)} ${(u.queueMs / 1000).toFixed(1).padStart(9)} ${String(u.retries).padStart(8)} ${`${u.failedAttempts}(${u.billedFailedAttempts})`.padStart(15)}`,
    );
  }
  lines.push(...spentLines(result));
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

/**
 * A role whose calls were answered on this machine (a rule model, zero tokens) says so: `task (local)`,
 * or `task (3 local)` when only some were.
 */
function roleLabel(role: string, u: UsageSummary): string {
  const local = u.localCalls ?? 0;
  if (local === 0) return role;
  return `${role} (${local === u.calls ? 'local' : `${local} local`})`;
}

/**
 * What the run really cost, every process of it (the spend journal; redone work included), beside its
 * usage as an uninterrupted run would have it (the step records).
 */
function spentLines(result: TrainResult): string[] {
  if (!result.spent) return [];
  const lines = [
    'spent, every process of this run (billed; failed = billed failed attempts; killed = in flight at a kill):',
    'role        calls  failed  killed  cache-hits  prompt-tok  completion-tok        usd',
  ];
  for (const [role, s] of Object.entries(result.spent))
    lines.push(
      `${role.padEnd(10)} ${String(s.calls).padStart(6)} ${String(s.failedAttempts).padStart(7)} ${String(s.interrupted).padStart(7)} ${String(s.cacheHits).padStart(11)} ${String(s.promptTokens).padStart(11)} ${String(s.completionTokens).padStart(15)} ${s.usd.toFixed(4).padStart(10)}`,
    );
  const usage = Object.values(result.usage);
  const calls = usage.reduce((n, u) => n + u.calls, 0);
  const tokens = usage.reduce((n, u) => n + u.promptTokens + u.completionTokens, 0);
  lines.push(`usage as an uninterrupted run: ${calls} calls, ${tokens} tokens (the step records)`);
  return lines;
}
