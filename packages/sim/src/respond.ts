/** The simulated world's answer to one request: role from the text, then the role's engine. */
import { backwardRespond } from './backward';
import type { ParsedRequest } from './contract';
import { describeRespond } from './describe';
import { optimizerRespond } from './optimizer';
import { respondTask } from './task-model';
import type { JudgeContext, WorldContext } from './worlds/common';

/** How a sampled choice (choice ≥ 1) opens its reasoning: samples of one request are worded differently. */
const SAMPLED_OPENINGS = [
  'Let me check this again.',
  'Thinking it through once more.',
  'Looking at it carefully.',
  'Going step by step.',
  'Reading the question again.',
  'On reflection.',
  'Reconsidering the details.',
];

/**
 * A sampled choice words its reasoning differently, never its answer: the opening goes in front of the
 * reasoning field of a JSON reply, or in front of a plain reply.
 */
export function varyWording(text: string, choice: number): string {
  if (choice === 0) return text;
  const k = SAMPLED_OPENINGS.length;
  const opening = `${SAMPLED_OPENINGS[(choice - 1) % k]}${choice > k ? ` (take ${choice})` : ''} `;
  const reasoningKey = /("(?:reasoning|rationale|thought|thoughts|explanation|analysis)"\s*:\s*")/;
  if (reasoningKey.test(text)) return text.replace(reasoningKey, `$1${opening}`);
  if (/^\s*(```|\{)/.test(text)) return text;
  return `${opening}${text}`;
}

/**
 * Text of choice `choice` for a request parsed once by `parseRequest` (n choices share the parse).
 * `requestKey` digests the whole request (content + options).
 */
export function respond(
  ctx: JudgeContext & { data?: WorldContext['data'] },
  parsed: ParsedRequest,
  choice: number,
  requestKey: string,
  temperature = 1,
): string {
  switch (parsed.role) {
    case 'backward':
      return backwardRespond(ctx, parsed.fields, `${requestKey}:${choice}`);
    case 'optimizer':
      return optimizerRespond(ctx, parsed.fields, `${requestKey}:${choice}`);
    case 'describe':
      return describeRespond(parsed.fields);
    default:
      if (!ctx.data) throw new Error('sim: a task request needs the datasets');
      return varyWording(respondTask({ ...ctx, data: ctx.data }, parsed.fields, choice, temperature), choice);
  }
}
