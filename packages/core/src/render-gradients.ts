import { inlineTag, TAGS, tag } from '@llm-autodiff/llm';
import type { Gradient } from './gradient';
import type { Parameter } from './parameter';

const I = TAGS.item;

export interface RenderGradientsOptions {
  /** Include the feedback text (default true). False = input/output/score only ("OPRO with data" ablation). */
  feedback?: boolean;
}

/** Gradients grouped by sample, worst average score first; a sample's entries in call order. */
export function groupGradients(
  p: Parameter,
): Array<{ sampleId: string; averageScore: number; gradients: Gradient[] }> {
  const groups = new Map<string, Gradient[]>();
  for (const g of p.gradients) {
    const list = groups.get(g.sampleId) ?? [];
    list.push(g);
    groups.set(g.sampleId, list);
  }
  // An unknown score counts as 0, so unscored samples are shown among the worst.
  const average = (gs: Gradient[]) => gs.reduce((acc, g) => acc + (g.score ?? 0), 0) / gs.length;
  return [...groups.entries()]
    .map(([sampleId, gs]) => ({
      sampleId,
      averageScore: average(gs),
      gradients: [...gs].sort((a, b) => a.forwardOrder - b.forwardOrder || a.order - b.order),
    }))
    .sort((a, b) => a.averageScore - b.averageScore); // stable: ties keep first-arrival order
}

/**
 * The feedback a parameter received, as the optimizer reads it. Tags follow `TAGS.item` (SAMPLE with
 * SAMPLE_ID, AVERAGE_SCORE and ENTRY items); the caller wraps the result in its own section.
 */
export function renderGradients(p: Parameter, options: RenderGradientsOptions = {}): string {
  const groups = groupGradients(p);
  if (groups.length === 0) return '(no feedback yet)';
  const withFeedback = options.feedback ?? true;
  const note =
    `Feedback for '${p.name}' from ${groups.length} sample(s), worst average score first. ` +
    'When one sample has several entries, the component was called several times for that sample; ' +
    'the entries are listed in call order.';
  const samples = groups.map((group) => {
    const entries = group.gradients.map((g) => {
      const lines = [
        inlineTag(I.callIndex, g.callIndex),
        tag(I.inputOutput, `Component: ${g.fromComponentName}\n${g.context.inputOutput}`),
      ];
      if (g.score !== undefined) lines.push(inlineTag(I.score, g.score));
      if (withFeedback) lines.push(tag(I.feedback, g.feedback));
      return tag(I.entry, lines.join('\n'));
    });
    const head = [
      inlineTag(I.sampleId, group.sampleId),
      inlineTag(I.averageScore, group.averageScore.toFixed(2)),
    ];
    return tag(I.sample, [...head, ...entries].join('\n'));
  });
  return [note, ...samples].join('\n');
}
