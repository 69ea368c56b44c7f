/**
 * Reading model answers. Models wrap JSON in code fences, add prose around it, or ignore the format;
 * the readers below accept the first, recover from the second and report the third as an error (the
 * generator records the message on its output, where the backward engine can see it).
 */

/** What a generator of this package returns: the parsed value, the raw text, and a parse error if any. */
export interface Parsed<T> {
  value: T | undefined;
  raw: string;
  error?: string;
}

export class AnswerFormatError extends Error {
  override readonly name = 'AnswerFormatError';
}

/** The first JSON object in `text` (fenced or not), as a record. Throws AnswerFormatError. */
export function extractJsonObject(text: string): Record<string, unknown> {
  const fenced = text.match(/```(?:json)?\s*([\s\S]*?)```/i)?.[1];
  const candidates = [fenced, text].filter((s): s is string => s !== undefined);
  for (const candidate of candidates) {
    for (let start = candidate.indexOf('{'); start !== -1; start = candidate.indexOf('{', start + 1)) {
      const end = matchingBrace(candidate, start);
      if (end === -1) continue;
      try {
        const value: unknown = JSON.parse(candidate.slice(start, end + 1));
        if (value !== null && typeof value === 'object' && !Array.isArray(value))
          return value as Record<string, unknown>;
      } catch {
        // not JSON at this brace: try the next one
      }
    }
  }
  throw new AnswerFormatError('the response contains no JSON object');
}

/** Index of the brace closing the one at `start`, skipping braces inside JSON strings; -1 if none. */
function matchingBrace(s: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < s.length; i++) {
    const c = s[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

/** A string field of a JSON answer (numbers are accepted and turned into text). Throws AnswerFormatError. */
export function stringField(obj: Record<string, unknown>, key: string): string {
  const v = obj[key];
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new AnswerFormatError(`the JSON answer has no "${key}" string field`);
}

/** Wraps a reader so a generator gets `parse` and `onParseError` producing `Parsed<T>`. */
export function parsedWith<T>(read: (text: string) => T, fallback?: (text: string) => T | undefined) {
  return {
    parse: (text: string): Parsed<T> => ({ value: read(text), raw: text }),
    onParseError: (text: string, error: Error): Parsed<T> => ({
      value: fallback?.(text),
      raw: text,
      error: error.message,
    }),
  };
}
