import { ModelSpecError } from './errors';
import { TAGS } from './prompt-tags';
import { ScriptedModel } from './scripted-model';
import type { CallContext, ChatModel, ChatRequest, ChatResponse } from './types';

/** One call as a rule sees it: the system text (the prompts being trained) and the user message. */
export interface RuleCall {
  system: string;
  user: string;
  request: ChatRequest;
  context: CallContext | undefined;
}

/**
 * "Calls like this get answers like that". `when` picks the calls (a substring or pattern of the system
 * text + user message, or a predicate); `answer` writes the reply and may read the prompts, so a rule can
 * make a prompt matter: e.g. answer with a full list only when the instruction asks for one item per line.
 */
export interface TaskRule {
  when: string | RegExp | ((call: RuleCall) => boolean);
  answer: string | ((call: RuleCall) => string | Promise<string>);
}

export interface RuleModelOptions {
  /** Answers every call no rule matches (e.g. `createModel('sim:large')` for backward and optimizer calls). */
  fallback?: ChatModel;
  /** Model id recorded by ledgers and cache keys (default `rules:task`). */
  id?: string;
}

function matches(rule: TaskRule, call: RuleCall): boolean {
  if (typeof rule.when === 'function') return rule.when(call);
  const text = `${call.system}\n${call.user}`;
  return typeof rule.when === 'string' ? text.includes(rule.when) : rule.when.test(text);
}

/**
 * A task model of your own for offline tests of a custom pipeline: the simulated world only knows the
 * benchmark tasks' calls, so for yours you say how the model behaves, as a rule table. The first rule
 * that matches a call answers it; unmatched calls go to `fallback`, or fail with a message naming the
 * call. Backward-engine and optimizer requests (recognized by their marker tags) always go to `fallback`,
 * even when they quote a prompt a rule looks for. Rule answers are local (`local: true`, zero tokens): a
 * managed model counts them as calls of their role, marked local, charging no tokens or dollars. Without a
 * fallback the whole model is local; with one, each rule answer is (fallback answers keep their usage).
 * The calls are kept in `calls`, as a `ScriptedModel`'s.
 */
export function ruleModel(
  rules: TaskRule[],
  options: RuleModelOptions = {},
): ChatModel & {
  readonly calls: ScriptedModel['calls'];
} {
  if (!Array.isArray(rules) || rules.some((r) => r?.when === undefined || r.answer === undefined))
    throw new ModelSpecError('ruleModel(rules): every rule needs `when` and `answer`');
  const id = options.id ?? 'rules:task';
  const scripted = ScriptedModel.fn(
    async (request, context) => {
      const call: RuleCall = {
        system: request.messages
          .filter((m) => m.role === 'system')
          .map((m) => m.content)
          .join('\n'),
        user: request.messages.findLast((m) => m.role === 'user')?.content ?? '',
        request,
        context,
      };
      // The project's backward and optimizer meta-prompts quote your prompts; they are never task calls.
      const meta = [TAGS.backward.marker, TAGS.optimizer.marker].some((m) => call.system.includes(`<${m}>`));
      const rule = meta ? undefined : rules.find((r) => matches(r, call));
      if (!rule) throw new NoRuleError(id, call);
      return typeof rule.answer === 'string' ? rule.answer : rule.answer(call);
    },
    { id, local: true },
  );
  return {
    id,
    ...(options.fallback ? {} : { local: true as const }),
    calls: scripted.calls,
    async complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
      try {
        return await scripted.complete(request, context);
      } catch (error) {
        if (error instanceof NoRuleError && options.fallback)
          return options.fallback.complete(request, context);
        throw error;
      }
    },
  };
}

/** No rule matched a call and there is no fallback model. */
export class NoRuleError extends Error {
  constructor(id: string, call: RuleCall) {
    const shown = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);
    super(
      `${id}: no rule matches this call (system ${shown(call.system)}, user ${shown(call.user)}); add a rule or a fallback model`,
    );
    this.name = 'NoRuleError';
  }
}
