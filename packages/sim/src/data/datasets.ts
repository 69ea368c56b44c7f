import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { digest } from '../hash';
import { normalizeText } from '../text';
import { requireDataDir } from './paths';

export const TREC_LABELS = ['ABBR', 'ENTY', 'DESC', 'HUM', 'LOC', 'NUM'] as const;
export type TrecLabel = (typeof TREC_LABELS)[number];

export interface ObjectCountExample {
  task: 'object_count';
  id: string;
  question: string;
  answer: string;
}
export interface TrecExample {
  task: 'trec';
  id: string;
  question: string;
  label: TrecLabel;
  fine: string;
}
export interface Paragraph {
  title: string;
  text: string;
}
export interface HotpotExample {
  task: 'hotpot';
  id: string;
  question: string;
  answer: string;
  type: 'bridge' | 'comparison';
  goldTitles: string[];
  /** Every paragraph of the example's distractor context (gold and distractors). */
  context: Paragraph[];
}
export type Example = ObjectCountExample | TrecExample | HotpotExample;
export type TaskName = Example['task'];

function readJsonl(path: string): Record<string, unknown>[] {
  const text = readFileSync(path, 'utf8');
  const rows: Record<string, unknown>[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      rows.push(JSON.parse(line) as Record<string, unknown>);
    } catch (e) {
      throw new Error(`sim: ${path}:${i + 1}: invalid JSON (${(e as Error).message})`);
    }
  });
  return rows;
}

function str(row: Record<string, unknown>, field: string, where: string): string {
  const v = row[field];
  if (typeof v !== 'string') throw new Error(`sim: ${where}: field "${field}" missing or not a string`);
  return v;
}

const FIND_MEMO_SIZE = 20_000;

/** All examples the sim knows, loaded once per data directory, with a lookup by normalized question. */
export class DataWorld {
  readonly dir: string;
  private readonly byQuestion = new Map<string, Example>();
  private readonly byId = new Map<string, Example>();
  /** findIn answers by normalized text (demos and feedback entries come back on every call). */
  private readonly found = new Map<string, Example | undefined>();

  constructor(dir: string) {
    this.dir = dir;
    const oc = join(dir, 'bbh_object_counting', 'all.jsonl');
    for (const r of readJsonl(oc)) {
      this.add({
        task: 'object_count',
        id: str(r, 'id', oc),
        question: str(r, 'question', oc),
        answer: str(r, 'answer', oc),
      });
    }
    for (const file of ['test.jsonl', 'train.jsonl']) {
      const p = join(dir, 'trec', file);
      for (const r of readJsonl(p)) {
        const label = str(r, 'coarse_label_name', p) as TrecLabel;
        if (!TREC_LABELS.includes(label)) throw new Error(`sim: ${p}: unknown coarse label ${label}`);
        this.add({
          task: 'trec',
          id: str(r, 'id', p),
          question: str(r, 'text', p),
          label,
          fine: str(r, 'fine_label_name', p),
        });
      }
    }
    for (const file of ['dev_distractor_500.jsonl', 'train_distractor_200.jsonl']) {
      const p = join(dir, 'hotpot_qa', file);
      for (const r of readJsonl(p)) {
        const ctx = r.context as { title: string[]; sentences: string[][] } | undefined;
        if (!ctx || !Array.isArray(ctx.title))
          throw new Error(`sim: ${p}: row ${String(r.id)} has no context`);
        const context = ctx.title.map((title, i) => ({ title, text: (ctx.sentences[i] ?? []).join('') }));
        const gold = r.gold_titles as string[] | undefined;
        if (!Array.isArray(gold)) throw new Error(`sim: ${p}: row ${String(r.id)} has no gold_titles`);
        this.add({
          task: 'hotpot',
          id: str(r, 'id', p),
          question: str(r, 'question', p),
          answer: str(r, 'answer', p),
          type: str(r, 'type', p) === 'comparison' ? 'comparison' : 'bridge',
          goldTitles: gold,
          context,
        });
      }
    }
  }

  private add(e: Example): void {
    if (this.byId.has(`${e.task}:${e.id}`)) return;
    this.byId.set(`${e.task}:${e.id}`, e);
    const key = normalizeText(e.question);
    if (!this.byQuestion.has(key)) this.byQuestion.set(key, e);
  }

  /** The example whose question is exactly `text` (after normalization). */
  lookup(text: string): Example | undefined {
    return this.byQuestion.get(normalizeText(text));
  }

  byTaskId(task: TaskName, id: string): Example | undefined {
    return this.byId.get(`${task}:${id}`);
  }

  /** The longest known question contained in `text` (for sections without a `<QUESTION>` tag). */
  findIn(text: string): Example | undefined {
    const hay = normalizeText(text);
    // Keyed by a digest: the texts can be whole backward prompts, too big to keep by the thousand.
    const key = digest(hay);
    if (this.found.has(key)) return this.found.get(key);
    let best: Example | undefined;
    let bestLen = 0;
    for (const [q, e] of this.byQuestion) {
      if (q.length > bestLen && q.length >= 12 && hay.includes(q)) {
        best = e;
        bestLen = q.length;
      }
    }
    // A long-running server sees endless new texts: keep the memo bounded.
    if (this.found.size >= FIND_MEMO_SIZE) this.found.clear();
    this.found.set(key, best);
    return best;
  }
}

/** Keyed by the directory as requested (explicit, `AUTODIFF_DATA_DIR`, or '' for the default). */
const worlds = new Map<string, DataWorld>();
/** Keyed by the resolved directory, so two spellings of one folder share one world. */
const worldsByDir = new Map<string, DataWorld>();

/**
 * Lazily loaded, cached per directory: the first request pays the parse (~0.1 s), later ones nothing —
 * not even a file-system check, as this runs on every call.
 */
export function loadDataWorld(dataDir?: string): DataWorld {
  const requested = dataDir ?? process.env.AUTODIFF_DATA_DIR ?? '';
  let w = worlds.get(requested);
  if (!w) {
    const dir = requireDataDir(dataDir);
    w = worldsByDir.get(dir) ?? new DataWorld(dir);
    worldsByDir.set(dir, w);
    worlds.set(requested, w);
  }
  return w;
}

/** Split ids of the files the calibration uses. */
export function readSplit(
  dataDir: string | undefined,
  task: TaskName,
  split: 'val' | 'test' | 'train',
): Example[] {
  const w = loadDataWorld(dataDir);
  if (task === 'object_count') {
    const p = join(w.dir, 'bbh_object_counting', `${split}.jsonl`);
    return readJsonl(p).map((r) => w.byTaskId('object_count', str(r, 'id', p)) as Example);
  }
  if (task === 'trec') {
    const file = split === 'train' ? 'adalflow_train_balanced120_seed0.jsonl' : `adalflow_${split}.jsonl`;
    const p = join(w.dir, 'trec', file);
    return readJsonl(p).map((r) => w.lookup(str(r, 'text', p)) as Example);
  }
  const p = join(w.dir, 'hotpot_qa', 'offline_splits.json');
  const splits = JSON.parse(readFileSync(p, 'utf8')) as Record<string, unknown>;
  const ids = splits[split];
  if (!Array.isArray(ids)) throw new Error(`sim: ${p}: no "${split}" list`);
  return ids.map((id) => {
    const e = w.byTaskId('hotpot', String(id));
    if (!e) throw new Error(`sim: ${p}: unknown HotPotQA id ${String(id)}`);
    return e;
  });
}
