/**
 * The simulated backward engine: reads the backward prompt (CONTRACT.md §4), infers from its visible text
 * alone (never from the datasets, CONTRACT.md §3) what went wrong, and writes 1–3 sentences naming the
 * missing concept in plain words — or says that the target variable is not the cause. With a small probability it names the wrong concept, as real engines do.
 */
import { TAGS } from '@llm-autodiff/llm';
import type { BackwardFields } from './contract';
import {
  type Diagnosis,
  diagnose,
  skillsOf,
  type VisibleCall,
  visibleKind,
  visibleQuestion,
  visibleTask,
} from './diagnose';
import { hashPick, hashUnit } from './hash';
import { states } from './reading';
import { statedExpectedAnswer } from './stated-answer';
import { normalizeAnswer, normalizeText, readAllNested } from './text';
import type { JudgeContext } from './worlds/common';

export const NO_ERROR = 'There is no noticeable error.';

type TargetKind = 'prompt' | 'output' | 'input';

function targetKind(f: BackwardFields): TargetKind {
  const value = normalizeText(f.target?.value ?? '');
  const isOutput = value !== '' && value === normalizeText(f.output ?? '');
  // An upstream output (e.g. retrieved passages) is an input of the component under review.
  const head = value.slice(0, 80);
  if (!isOutput && head.length >= 20 && normalizeText(f.inputs ?? '').includes(head)) return 'input';
  const declared = f.target?.kind?.toLowerCase();
  if (declared === 'prompt' || declared === 'demos') return 'prompt';
  if (declared === 'output') return 'output';
  if (declared === 'input') return 'input';
  if (f.componentKind === 'loss' || isOutput) return 'output';
  return 'prompt';
}

/**
 * The expected answer the request shows: its `<GROUND_TRUTH>`, else the one the successors' feedback
 * states ("The output is wrong (expected: NUM)"), as a capable reviewer reads it.
 */
function shownExpected(f: BackwardFields): string | undefined {
  if (f.groundTruth !== undefined) return f.groundTruth;
  const fb = f.successorFeedback ?? '';
  const entries = readAllNested(fb, TAGS.item.entry);
  return statedExpectedAnswer(entries.length > 0 ? entries : [fb]);
}

/** The visible parts of the call under review; for a loss, the prediction it scored. */
function visibleCall(f: BackwardFields): VisibleCall {
  const texts = [f.inputs, ...f.otherInputs.map((i) => i.value), f.target?.value].filter(
    (t): t is string => t !== undefined,
  );
  const labelled = (f.inputs ?? '').match(/^question:\n([^\n]+)/m)?.[1];
  const question = texts.map(visibleQuestion).find((q) => q !== undefined) ?? labelled?.trim();
  const isLoss = f.componentKind === 'loss';
  return {
    question,
    context: [f.inputs, ...f.otherInputs.map((i) => i.value)].filter(Boolean).join('\n'),
    output: isLoss ? (f.target?.value ?? f.output ?? '') : (f.output ?? ''),
    expected: shownExpected(f),
  };
}

/** A function or retriever over a query: did its output (the passages) hold the expected answer? */
function retrievalFeedback(call: VisibleCall, f: BackwardFields): string {
  const gold = normalizeAnswer(call.expected ?? '');
  const passages = normalizeAnswer(f.output ?? '');
  if (gold === '' || gold === 'yes' || gold === 'no' || passages.includes(gold))
    return 'This input is not the cause: the search found passages that bear on the answer; the error happens later.';
  return 'The search did not retrieve a passage that contains the expected answer. The query should name the entity the first passages point to instead of repeating the question.';
}

function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}

export function backwardRespond(ctx: JudgeContext, f: BackwardFields, key: string): string {
  if (f.score !== undefined && f.score >= 0.9) return NO_ERROR;
  const call = visibleCall(f);
  const gt = call.expected;
  const task = visibleTask(call);
  const passThrough = f.componentKind === 'function' || f.componentKind === 'retriever';
  if (task === 'hotpot' && passThrough && gt !== undefined) return retrievalFeedback(call, f);
  if (call.question === undefined) {
    if (gt !== undefined && normalizeText(call.output).includes(normalizeText(gt))) return NO_ERROR;
    return gt !== undefined
      ? `The output does not match the expected answer (${gt}). Check how the answer is derived from the input.`
      : 'The output looks questionable; check how the answer is derived from the input.';
  }
  const found = diagnose(call);
  if (found.kind === 'correct') {
    if (f.score === undefined || f.score >= 0.5) return NO_ERROR;
    // A correct intermediate output in a failed sample: the error is downstream.
    return 'This variable is not the cause: its part of the work is right; the error happens later in the pipeline.';
  }
  const kind = visibleKind(task, call.output);
  const own = skillsOf(task, kind);
  let d: Diagnosis = found;
  // Sometimes the engine blames the wrong concept, as real backward engines do.
  if (found.kind === 'skill' && hashUnit(ctx.seed, 'bw.wrong', key) < ctx.profile.backwardWrongRate) {
    const others = own.filter((s) => s.id !== found.skill.id);
    if (others.length > 0) d = { kind: 'skill', skill: hashPick(others, ctx.seed, 'bw.other', key) };
  }
  const tk = targetKind(f);
  const expected = gt !== undefined ? ` (expected: ${gt})` : '';
  switch (d.kind) {
    case 'format':
      return tk === 'input'
        ? 'This input is not the cause: the output could not be read because it does not follow the required format.'
        : 'The response does not follow the required output format, so it could not be parsed. The instruction should state the output format clearly and ask to follow it exactly.';
    case 'retrieval': {
      const about = d.missing ? `the passage about ${d.missing}` : 'a passage with the answer';
      const naming = d.missing ? `names ${d.missing}` : 'names the entity the first passages point to';
      if (tk === 'prompt' && kind === 'answer')
        return `This instruction is not the cause: the context does not contain ${about} that the answer needs. The retrieval step should bring it in.`;
      if (tk === 'prompt' && kind === 'query')
        return `The retrieved passages miss ${about}. ${hashPick(own[0]?.feedback ?? [''], ctx.seed, 'bw.p', key)}`;
      return `The passages miss ${about}, which the answer needs; a search query that ${naming} would retrieve it.`;
    }
    case 'skill': {
      const skill = d.skill;
      const belongs = own.some((s) => s.id === skill.id);
      const para = hashPick(skill.feedback, ctx.seed, 'bw.para', key);
      if (tk === 'input')
        return 'This input is not the cause: it holds what the answer needs; the error is in how the component used it.';
      if (tk === 'output') return `${sentence(`The output is wrong${expected}`)} ${para}`;
      if (!belongs)
        return 'This instruction is not the cause: its part of the work is right; the error happens in a later step.';
      const inPrompt = [f.target?.value ?? '', ...f.peers.map((p) => p.value)].join('\n');
      if (states(skill, inPrompt))
        return 'The instruction already asks for what this question needs; the error looks like a one-off mistake, not a missing instruction.';
      return para;
    }
    default:
      return `The output is wrong${expected}, but no single missing instruction explains it; it looks like a one-off mistake.`;
  }
}
