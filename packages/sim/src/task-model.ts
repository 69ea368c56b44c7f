/** Task requests: find the example, the kind of call, and let the task world answer. */
import type { TaskFields } from './contract';
import type { Example, HotpotExample, ObjectCountExample, TrecExample } from './data/datasets';
import { kindFromFormat, renderFormatted } from './format';
import { digest, hashUnit } from './hash';
import type { CallKind } from './skills';
import type { TaskCall, WorldContext } from './worlds/common';
import { hotpotAnswerRespond, hotpotQueryRespond } from './worlds/hotpot';
import { ocRespond } from './worlds/object-count';
import { countOf, parseObjectCount } from './worlds/object-count-parse';
import { reactRespond } from './worlds/react';
import { trecRespond } from './worlds/trec';

export function findTaskExample(ctx: WorldContext, fields: TaskFields): Example | undefined {
  if (!fields.question) return undefined;
  const known = ctx.data.lookup(fields.question) ?? ctx.data.findIn(fields.question);
  if (known) return known;
  // A counting question outside the dataset is still a counting question: the world can read it.
  const q = parseObjectCount(fields.question.trim());
  if (q)
    return {
      task: 'object_count',
      id: `adhoc-${digest(fields.question)}`,
      question: fields.question.trim(),
      answer: String(countOf(q)),
    };
  return undefined;
}

/** The kind of call for an example's task, from the requested output format (see CONTRACT.md §2.4). */
export function callKind(example: Example, fields: TaskFields): CallKind {
  if (example.task === 'object_count') return 'count';
  if (example.task === 'trec') return 'classify';
  const k = kindFromFormat(fields.format);
  if (k === 'react' || k === 'query') return k;
  if (k === 'answer') return 'answer';
  // No clear format: guess from the words, as a model would.
  if (fields.tools || fields.steps !== undefined) return 'react';
  if (/\bsearch query\b|\bnext query\b/i.test(fields.instruction)) return 'query';
  return 'answer';
}

export function respondTask(ctx: WorldContext, fields: TaskFields, choice: number, temperature = 1): string {
  const example = findTaskExample(ctx, fields);
  if (!example) {
    // Unknown input: a plausible but unreliable answer in whatever format was asked.
    // (The instruction never holds a QUESTION section: parseTaskFields strips the data sections.)
    return renderFormatted(fields.format, {
      reasoning: 'I am not sure about this one.',
      answer: 'unknown',
      query: (fields.question ?? '').replace(/\?\s*$/, ''),
      action: 'finish',
      argument: 'unknown',
    });
  }
  // Two format requests that disagree (a JSON format and "nothing but the answer"): the model follows
  // the JSON one only some of the time.
  const conflicting =
    fields.format.type === 'json' && /nothing but the (final )?answer/i.test(fields.instruction);
  if (conflicting && hashUnit(ctx.seed, 'format.conflict', example.id) < 0.5)
    fields = { ...fields, format: { type: 'none' } };
  const call = { example, fields, choice, temperature };
  switch (example.task) {
    case 'object_count':
      return ocRespond(ctx, call as TaskCall<ObjectCountExample>);
    case 'trec':
      return trecRespond(ctx, call as TaskCall<TrecExample>);
    case 'hotpot': {
      const kind = callKind(example, fields);
      const c = call as TaskCall<HotpotExample>;
      if (kind === 'react') return reactRespond(ctx, c);
      if (kind === 'query') return hotpotQueryRespond(ctx, c);
      return hotpotAnswerRespond(ctx, c);
    }
  }
}
