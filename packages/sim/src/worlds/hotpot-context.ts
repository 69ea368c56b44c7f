/** What a HotPotQA prompt's context holds: which gold paragraphs are present, which entities it names. */
import type { HotpotExample, Paragraph } from '../data/datasets';
import { normalizeAnswer, normalizeText } from '../text';

/** A paragraph's normalized opening words and title, computed once (every HotPotQA call checks them). */
const keysOf = new WeakMap<Paragraph, { open: string; title: string }>();

function paragraphKeys(p: Paragraph): { open: string; title: string } {
  let k = keysOf.get(p);
  if (!k) {
    k = { open: normalizeText(p.text).slice(0, 60), title: normalizeText(p.title) };
    keysOf.set(p, k);
  }
  return k;
}

/** A paragraph is present when its opening words (or its `Title |` / `Title:` heading) appear. */
export function paragraphPresent(p: Paragraph, haystackNorm: string): boolean {
  const { open, title: t } = paragraphKeys(p);
  if (open.length >= 20 && haystackNorm.includes(open)) return true;
  return haystackNorm.includes(`${t} |`) || haystackNorm.includes(`${t}:`) || haystackNorm.includes(`[${t}]`);
}

export function goldParagraphs(e: HotpotExample): Paragraph[] {
  return e.goldTitles.map((t) => e.context.find((p) => p.title === t) ?? { title: t, text: '' });
}

export function goldPresence(e: HotpotExample, text: string | undefined): boolean[] {
  const hay = normalizeText(text ?? '');
  return goldParagraphs(e).map((p) => paragraphPresent(p, hay));
}

/** A demo shows the example handled correctly when it contains the gold answer. */
export function demoHasAnswer(e: HotpotExample, demo: string): boolean {
  return normalizeAnswer(demo).includes(normalizeAnswer(e.answer));
}

export function isYesNo(e: HotpotExample): boolean {
  const a = normalizeAnswer(e.answer);
  return a === 'yes' || a === 'no';
}

/** The entity a title names (Wikipedia titles carry a disambiguation in parentheses). */
export function entityOf(title: string): string {
  return title.replace(/\s*\([^)]*\)\s*$/, '').trim();
}

/**
 * The hop order of the gold paragraphs: the first hop is the one the question names; the second hop
 * (the bridge entity's paragraph) is found only through the first.
 */
export function hopOrder(e: HotpotExample): { first: Paragraph; second: Paragraph } {
  const [a, b] = goldParagraphs(e) as [Paragraph, Paragraph];
  const q = normalizeAnswer(e.question);
  const inQ = (p: Paragraph) => q.includes(normalizeAnswer(entityOf(p.title)));
  if (inQ(a) !== inQ(b)) return inQ(a) ? { first: a, second: b } : { first: b, second: a };
  if (e.type === 'bridge') {
    const ans = normalizeAnswer(e.answer);
    const has = (p: Paragraph) => normalizeAnswer(p.text).includes(ans);
    if (has(a) !== has(b)) return has(b) ? { first: a, second: b } : { first: b, second: a };
  }
  // Comparison questions name both: the one mentioned first is searched first.
  const ia = q.indexOf(normalizeAnswer(entityOf(a.title)));
  const ib = q.indexOf(normalizeAnswer(entityOf(b.title)));
  return ib >= 0 && (ia < 0 || ib < ia) ? { first: b, second: a } : { first: a, second: b };
}

/** The entity of a present paragraph that is not gold: what a model answers from the wrong passages. */
export function distractorEntity(e: HotpotExample, text: string | undefined): string | undefined {
  const hay = normalizeText(text ?? '');
  for (const p of e.context) {
    if (e.goldTitles.includes(p.title)) continue;
    if (paragraphPresent(p, hay)) return entityOf(p.title);
  }
  // Passages from outside the example's own distractors: the first capitalized name of the context.
  const gold = normalizeAnswer(e.answer);
  for (const m of (text ?? '').matchAll(/\b([A-Z][a-z]+(?: [A-Z][a-z]+)+)\b/g)) {
    const cand = m[1] as string;
    if (normalizeAnswer(cand) !== gold && !e.question.includes(cand)) return cand;
  }
  return undefined;
}

/** The question turned into a plain search query (what a model writes when it has nothing better). */
export function rephrase(question: string): string {
  return question.replace(/\?\s*$/, '').trim();
}
