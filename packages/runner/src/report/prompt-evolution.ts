/**
 * How each trainable value changed over a run: its initial text, every accepted proposal that changed
 * it (from steps.jsonl), and the final value when it differs from the last accepted one (a method may
 * restore the best values at the end). Word-level diffs come from the `diff` library (diffWords).
 */
import { diffWords } from 'diff';
import type { SavedRun } from '../repro/run-record';
import { escapeHtml } from '../tables/render';

export interface PromptVersion {
  /** "initial", "step N" or "final". */
  label: string;
  text: string;
}

export interface PromptEvolution {
  name: string;
  versions: PromptVersion[];
}

/** Strings stay as they are; demos and other values are shown as pretty JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export function promptEvolution(run: SavedRun): PromptEvolution[] {
  const { initial, final } = run.record.values;
  const names = [...new Set([...Object.keys(initial), ...Object.keys(final)])].sort();
  return names.map((name) => {
    const versions: PromptVersion[] = [];
    let current: string | undefined;
    const push = (label: string, value: unknown) => {
      if (value === undefined) return;
      const text = valueText(value);
      if (text === current) return;
      versions.push({ label, text });
      current = text;
    };
    push('initial', initial[name]);
    for (const step of run.steps)
      for (const attempt of step.attempts ?? [])
        if (attempt.accepted) push(`step ${step.step}`, attempt.values[name]);
    push('final', final[name]);
    return { name, versions };
  });
}

/** HTML of the word-level change from `before` to `after`: <ins> for added, <del> for removed words. */
export function wordDiffHtml(before: string, after: string): string {
  return diffWords(before, after)
    .map((part) => {
      const text = escapeHtml(part.value);
      if (part.added) return `<ins>${text}</ins>`;
      if (part.removed) return `<del>${text}</del>`;
      return text;
    })
    .join('');
}
