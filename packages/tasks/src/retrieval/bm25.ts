import { type Passage, passageText, type ScoredPassage } from './corpus';
import { tokenize } from './tokenize';

export interface Bm25Params {
  k1: number;
  b: number;
}

export const DEFAULT_BM25: Bm25Params = { k1: 1.2, b: 0.75 };

/** The index's data, plain arrays so it serializes to JSON for the disk cache. */
export interface Bm25Data {
  version: 1;
  params: Bm25Params;
  docLengths: number[];
  /** term -> [docIndices, termFrequencies] (doc indices ascending). */
  postings: Record<string, [number[], number[]]>;
}

export function buildBm25Data(passages: readonly Passage[], params: Bm25Params = DEFAULT_BM25): Bm25Data {
  const postings: Record<string, [number[], number[]]> = Object.create(null);
  const docLengths: number[] = [];
  passages.forEach((p, doc) => {
    const tokens = tokenize(passageText(p));
    docLengths.push(tokens.length);
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [term, n] of tf) {
      let list = postings[term];
      if (list === undefined) {
        list = [[], []];
        postings[term] = list;
      }
      list[0].push(doc);
      list[1].push(n);
    }
  });
  return { version: 1, params, docLengths, postings };
}

/**
 * Okapi BM25 with the non-negative idf `ln(1 + (N - n + 0.5) / (n + 0.5))`. Ties are broken by corpus
 * order so results are deterministic.
 */
export class Bm25Index {
  private readonly avgdl: number;
  private readonly idf = new Map<string, number>();
  private readonly scratch: Float64Array;

  constructor(
    readonly passages: readonly Passage[],
    private readonly data: Bm25Data,
  ) {
    if (data.docLengths.length !== passages.length) {
      throw new Error(
        `BM25 index covers ${data.docLengths.length} documents but the corpus has ${passages.length}`,
      );
    }
    const total = data.docLengths.reduce((a, b) => a + b, 0);
    this.avgdl = total / Math.max(1, passages.length);
    this.scratch = new Float64Array(passages.length);
  }

  static build(passages: readonly Passage[], params: Bm25Params = DEFAULT_BM25): Bm25Index {
    return new Bm25Index(passages, buildBm25Data(passages, params));
  }

  get size(): number {
    return this.passages.length;
  }

  toJSON(): Bm25Data {
    return this.data;
  }

  private termIdf(term: string, df: number): number {
    let v = this.idf.get(term);
    if (v === undefined) {
      const n = this.passages.length;
      v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      this.idf.set(term, v);
    }
    return v;
  }

  /** Top `k` passages for `query`, best first; passages with score 0 are not returned. */
  search(query: string, k: number): ScoredPassage[] {
    if (!Number.isInteger(k) || k < 1) throw new Error(`BM25 search: k must be a positive integer, got ${k}`);
    const { k1, b } = this.data.params;
    // Dense accumulator plus the list of touched documents: no per-query allocation of N entries.
    const scores = this.scratch;
    const touched: number[] = [];
    for (const term of tokenize(query)) {
      const list = this.data.postings[term];
      if (list === undefined) continue;
      const [docs, tfs] = list;
      const idf = this.termIdf(term, docs.length);
      for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const tf = tfs[i]!;
        const norm = k1 * (1 - b + (b * this.data.docLengths[doc]!) / this.avgdl);
        if (scores[doc] === 0) touched.push(doc);
        scores[doc] = scores[doc]! + (idf * (tf * (k1 + 1))) / (tf + norm);
      }
    }
    // Partial selection of the k best (k is small): a sorted array of at most k entries.
    const ranked: Array<[number, number]> = [];
    const better = (x: [number, number], y: [number, number]) =>
      x[1] > y[1] || (x[1] === y[1] && x[0] < y[0]);
    for (const doc of touched) {
      const entry: [number, number] = [doc, scores[doc]!];
      scores[doc] = 0;
      if (ranked.length === k && !better(entry, ranked[k - 1]!)) continue;
      let pos = ranked.length;
      while (pos > 0 && better(entry, ranked[pos - 1]!)) pos--;
      ranked.splice(pos, 0, entry);
      if (ranked.length > k) ranked.pop();
    }
    return ranked.map(([doc, score]) => ({ ...this.passages[doc]!, score }));
  }
}
