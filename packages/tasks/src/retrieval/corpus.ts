import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { DatasetError } from '../data/errors';
import { IdRegistry, str } from '../data/fields';
import { parseJsonl, readText } from '../data/jsonl';

/** A retrievable paragraph. */
export interface Passage {
  id: string;
  title: string;
  text: string;
}

/** What retrieval returns: a passage with its score, best first. */
export interface ScoredPassage extends Passage {
  score: number;
}

export interface Corpus {
  file: string;
  /** sha256 of the file's bytes: the BM25 cache key. */
  hash: string;
  passages: Passage[];
}

export const HOTPOT_CORPUS_FILE = join('hotpot_qa', 'corpus.jsonl');

/** Parses `corpus.jsonl` (fields doc_id, title, text); doc ids and titles must be unique. */
export function parseCorpus(text: string, file: string): Corpus {
  const ids = new IdRegistry(file);
  const titles = new IdRegistry(file);
  const passages = parseJsonl(text, file).map(({ line, row }) => {
    const at = { file, line };
    const rawId = row.doc_id;
    if (typeof rawId !== 'string' && !(typeof rawId === 'number' && Number.isInteger(rawId))) {
      throw new DatasetError(file, line, 'doc_id', 'expected an integer or string document id');
    }
    const id = String(rawId);
    ids.add(id, line, 'doc_id');
    const title = str(row, 'title', at);
    titles.add(title, line, 'title');
    return { id, title, text: str(row, 'text', at, false) };
  });
  if (passages.length === 0) throw new DatasetError(file, undefined, undefined, 'the corpus has no passages');
  return { file, hash: createHash('sha256').update(text).digest('hex'), passages };
}

export async function loadCorpus(file: string): Promise<Corpus> {
  return parseCorpus(await readText(file), file);
}

/** The indexed text of a passage, as in DSPy-style retrieval over HotpotQA abstracts. */
export function passageText(p: Passage): string {
  return `${p.title} | ${p.text}`;
}
