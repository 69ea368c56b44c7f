/**
 * TEST SUPPORT: the GDPO optimizer of the scripted toy world (the world itself: `@llm-autodiff/trainer/testing`).
 */
import {
  type CallContext,
  type ChatRequest,
  readTag,
  readTags,
  ScriptedModel,
  TAGS,
} from '@llm-autodiff/llm';

/**
 * The optimizer: the first proposal of a step degrades the prompt ("sloppy"); once a failure is on
 * record it adds "careful". `answers` may override by call index (e.g. unparseable text).
 */
export function toyOptimizerModel(
  override?: (req: ChatRequest, index: number) => string | undefined,
): ScriptedModel {
  return ScriptedModel.fn(
    (req, _ctx: CallContext | undefined, index) => {
      const forced = override?.(req, index);
      if (forced !== undefined) return forced;
      const user = req.messages.find((m) => m.role === 'user')?.content ?? '';
      const value = readTag(readTag(user, TAGS.optimizer.variable) ?? '', TAGS.item.value) ?? '';
      const failed = readTags(readTag(user, TAGS.optimizer.failedProposals) ?? '', TAGS.item.entry).length;
      const edit = failed === 0 ? 'sloppy' : 'careful';
      return `<REASONING>try ${edit}</REASONING>\n<METHOD>add instruction</METHOD>\n<PROPOSED_VALUE>${value} ${edit}</PROPOSED_VALUE>`;
    },
    { id: 'scripted:toy-optimizer' },
  );
}
