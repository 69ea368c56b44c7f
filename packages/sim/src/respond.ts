/** The simulated world's answer to one request: role from the text, then the role's engine. */
import { backwardRespond } from './backward';
import type { ParsedRequest } from './contract';
import { optimizerRespond } from './optimizer';
import { respondTask } from './task-model';
import type { JudgeContext, WorldContext } from './worlds/common';

/**
 * Text of choice `choice` for a request parsed once by `parseRequest` (n choices share the parse).
 * `requestKey` digests the whole request (content + options).
 */
export function respond(
  ctx: JudgeContext & { data?: WorldContext['data'] },
  parsed: ParsedRequest,
  choice: number,
  requestKey: string,
): string {
  switch (parsed.role) {
    case 'backward':
      return backwardRespond(ctx, parsed.fields, `${requestKey}:${choice}`);
    case 'optimizer':
      return optimizerRespond(ctx, parsed.fields, `${requestKey}:${choice}`);
    default:
      if (!ctx.data) throw new Error('sim: a task request needs the datasets');
      return respondTask({ ...ctx, data: ctx.data }, parsed.fields, choice);
  }
}
