/**
 * BM25's tokenizer: lowercase, then runs of Unicode letters and digits. No stemming and no stopword
 * list, so retrieval depends on the query's own words (which is what a trained query prompt changes).
 */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
