/**
 * One run in the HTML report: identity and models, the prompts' evolution with word-level diffs, each
 * step's outcome (proposals tried and the method's own summary, e.g. GDPO's gates) and attempts, the
 * recorded gradients, and the backward graphs: the last step's as a picture (SVG laid out from the run's
 * DOT by report/graph-svg.ts), every step's Mermaid source folded.
 */
import { gateSummary, gatesOf } from '@llm-autodiff/trainer';
import type { SavedRun, SavedStep } from '../repro/run-record';
import { escapeHtml as esc, markdownTable } from '../tables/render';
import { promptEvolution, wordDiffHtml } from './prompt-evolution';

const pct = (x: number | undefined) => (x === undefined ? 'n/a' : (x * 100).toFixed(2));

function htmlTable(headers: string[], rows: string[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function stepCalls(step: SavedStep): number {
  return Object.values(step.usage ?? {}).reduce((a, u) => a + u.calls, 0);
}

function stepsHtml(steps: readonly SavedStep[]): string {
  if (steps.length === 0) return '<p class="note">No training steps (evaluation only).</p>';
  const rows = steps.map((s) => {
    // Every method's count of proposals tried, then its own summary (older records: their gate counts).
    const g = gatesOf(s);
    const tried = s.tried ?? g?.tried;
    const summary = s.summary ?? (g ? gateSummary(g) : '');
    const attempts = (s.attempts ?? [])
      .map(
        (a, i) =>
          `#${i + 1}: mini-batch ${a.miniBatchScore === undefined ? '–' : pct(a.miniBatchScore)}, val ${a.valScore === undefined ? '–' : pct(a.valScore)}${a.valComplete === false ? ' (stopped early)' : ''} → ${a.accepted ? 'accepted' : 'rejected'}`,
      )
      .map(esc)
      .join('<br>');
    return [
      String(s.step),
      esc(s.phase),
      s.accepted ? 'yes' : 'no',
      pct(s.valScore),
      pct(s.testScore),
      tried === undefined ? '' : String(tried),
      esc(summary),
      String(stepCalls(s)),
      attempts,
    ];
  });
  return htmlTable(
    ['step', 'phase', 'accepted', 'best val %', 'test %', 'tried', 'summary', 'calls', 'attempts'],
    rows,
  );
}

function evolutionHtml(run: SavedRun): string {
  const params = promptEvolution(run);
  if (params.length === 0) return '<p class="note">No trainable values recorded.</p>';
  return params
    .map(({ name, versions }) => {
      const items = versions.map((v, i) => {
        const prev = versions[i - 1];
        const body = prev ? wordDiffHtml(prev.text, v.text) : esc(v.text);
        return `<li><span class="label">${esc(v.label)}</span><div class="prompt">${body}</div></li>`;
      });
      const changes = versions.length - 1;
      return `<h5>${esc(name)} — ${changes} change${changes === 1 ? '' : 's'}</h5>\n<ol class="evolution">\n${items.join('\n')}\n</ol>`;
    })
    .join('\n');
}

function gradientsHtml(run: SavedRun): string {
  if (run.graphs.length === 0)
    return '<p class="note">No backward graphs recorded for this run (graphs/ absent).</p>';
  return run.graphs
    .map(({ step, graph, mermaid, svg }) => {
      const withGradients = graph.nodes.filter((n) => n.gradients.length > 0);
      const items = withGradients
        .map((n) => {
          const feedback = n.gradients
            .map(
              (g) =>
                `<li>from ${esc(g.from)} (call ${g.callIndex}${g.score === undefined ? '' : `, score ${g.score}`}${g.isCopy ? ', copy' : ''}): ${esc(g.feedback)}</li>`,
            )
            .join('');
          return `<li><b>${esc(n.name)}</b> <span class="note">(${esc(n.kind)})</span><ul>${feedback}</ul></li>`;
        })
        .join('\n');
      const source =
        mermaid ??
        markdownTable(
          ['from', 'to'],
          graph.edges.map((e) => [e.from, e.to]),
        );
      const picture = svg
        ? `\n<figure class="graph" aria-label="backward graph of step ${step}">${svg}</figure>`
        : '';
      return `<h5>step ${step}</h5>\n<ul class="gradients">${items || '<li class="note">no gradients</li>'}</ul>${picture}\n<details><summary>graph source (Mermaid, ${graph.nodes.length} nodes, ${graph.edges.length} edges)</summary><pre class="graph">${esc(source.trimEnd())}</pre></details>`;
    })
    .join('\n');
}

export function runSectionHtml(run: SavedRun): string {
  const r = run.record;
  const models = Object.keys(r.models)
    .sort()
    .map((role) => `${role}=${r.models[role]}`)
    .join(', ');
  const status = r.status === 'done' ? 'done' : `${r.status}${r.stopReason ? `: ${r.stopReason}` : ''}`;
  return `<details class="run" id="run-${esc(r.runId)}">
<summary><b>${esc(r.runId)}</b> — ${esc(status)} — val ${pct(r.initial.val)} → ${pct(r.final.val)}, test ${pct(r.initial.test)} → ${pct(r.final.test)}</summary>
<p>seed ${r.seed}; ${r.steps} step record(s); ${(r.wallMs / 1000).toFixed(1)} s; models: ${esc(models)}</p>
<h4>Prompt evolution (word-level diff from the previous version)</h4>
${evolutionHtml(run)}
<h4>Steps and gate results</h4>
${stepsHtml(run.steps)}
<h4>Gradients and backward graph</h4>
${gradientsHtml(run)}
</details>`;
}
