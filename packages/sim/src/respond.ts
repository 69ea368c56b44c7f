/** The simulated world's answer to one request: role from the text, then the role's engine. */
import type { ChatMessage } from '@llm-autodiff/llm';
import { backwardRespond } from './backward';
import { parseRequest } from './contract';
import { optimizerRespond } from './optimizer';
import { respondTask } from './task-model';
import type { WorldContext } from './worlds/common';

/** Text of choice `choice` for `messages`. `requestKey` digests the whole request (content + options). */
export function respond(
  ctx: WorldContext,
  messages: readonly ChatMessage[],
  choice: number,
  requestKey: string,
): string {
  const parsed = parseRequest(messages);
  switch (parsed.role) {
    case 'backward':
      return backwardRespond(ctx, parsed.fields, `${requestKey}:${choice}`);
    case 'optimizer':
      return optimizerRespond(ctx, parsed.fields, `${requestKey}:${choice}`);
    default:
      return respondTask(ctx, parsed.fields, choice);
  }
}
