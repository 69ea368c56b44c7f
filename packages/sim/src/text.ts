/**
 * Text helpers of the contract: normalization for lookups, and a tag reader that understands nested
 * tags of the same name (a template may nest an `<ENTRY>` inside an `<ENTRY>`, say).
 */

/** Lowercase, unify quotes and whitespace, drop spaces before punctuation: for question lookups. */
export function normalizeText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[`'"\u2018\u2019\u201c\u201d]+/g, '')
    .replace(/\s+/g, ' ')
    .replace(/ ([?.,!;:])/g, '$1')
    .trim();
}

/** HotPotQA answer normalization (lowercase, no punctuation, no articles, single spaces). */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const tagRegexes = new Map<string, { any: RegExp; open: RegExp }>();

/** `any` matches an opening or closing tag (global, for matchAll); `open` an opening tag. */
function tagRegex(name: string): { any: RegExp; open: RegExp } {
  let r = tagRegexes.get(name);
  if (!r) {
    r = { any: new RegExp(`<(/?)${name}(?:\\s[^>]*)?>`, 'g'), open: new RegExp(`<${name}(?:\\s[^>]*)?>`) };
    tagRegexes.set(name, r);
  }
  return r;
}

/** Whether `text` holds an opening `<NAME>` tag (attributes allowed). */
export function hasTag(text: string, name: string): boolean {
  return tagRegex(name).open.test(text);
}

export interface TagSpan {
  body: string;
  start: number;
  end: number;
}

/**
 * Top-level `<NAME>…</NAME>` spans of `text`, matching nested same-name tags by depth. An opening tag
 * may carry attributes (`<NAME kind="x">`). Unclosed tags are ignored.
 */
export function readNestedTags(text: string, name: string): TagSpan[] {
  // matchAll works on a copy of the regex, so sharing the compiled one is safe.
  const re = tagRegex(name).any;
  const spans: TagSpan[] = [];
  let depth = 0;
  let openEnd = -1;
  let openStart = -1;
  for (const m of text.matchAll(re)) {
    const closing = m[1] === '/';
    const idx = m.index ?? 0;
    if (!closing) {
      if (depth === 0) {
        openStart = idx;
        openEnd = idx + m[0].length;
      }
      depth++;
    } else if (depth > 0) {
      depth--;
      if (depth === 0)
        spans.push({ body: text.slice(openEnd, idx).trim(), start: openStart, end: idx + m[0].length });
    }
  }
  return spans;
}

export function readNested(text: string, name: string): string | undefined {
  return readNestedTags(text, name)[0]?.body;
}

export function readAllNested(text: string, name: string): string[] {
  return readNestedTags(text, name).map((s) => s.body);
}

/** `text` without the top-level sections named in `names` (tags and bodies removed). */
export function stripSections(text: string, names: readonly string[]): string {
  let out = text;
  for (const name of names) {
    const spans = readNestedTags(out, name);
    for (let i = spans.length - 1; i >= 0; i--) {
      const s = spans[i] as TagSpan;
      out = `${out.slice(0, s.start)} ${out.slice(s.end)}`;
    }
  }
  return out;
}

/** Split a prose text into sentences (keeps the final punctuation). */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function wordCount(text: string): number {
  const m = text.match(/\S+/g);
  return m ? m.length : 0;
}
