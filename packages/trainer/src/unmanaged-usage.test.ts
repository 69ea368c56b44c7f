/**
 * A program that makes its own model and calls it bare (no managed model, e.g. a rule model built inside a
 * `--program` factory) still shows its task calls in the run's usage; a managed one is counted once.
 */
import { type ChatModel, managedModel, ruleModel, UsageLedger } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { idleMethod, toyData, toyProgram } from '../testing';
import { MethodRegistry } from './registry';
import { train } from './train';

const data = { train: toyData(0, 4), val: toyData(40, 6), test: toyData(60, 5) };
const evaluated = data.val.length + data.test.length;
const rules = () => ruleModel([{ when: 'Question', answer: ({ user }) => `A${/\d+/.exec(user)?.[0]}` }]);

async function run(model: ChatModel, ledger: UsageLedger) {
  const registry = new MethodRegistry();
  registry.register(idleMethod('idle', 0));
  return train({
    program: toyProgram(model),
    data,
    method: 'idle',
    registry,
    trainer: { seed: 1 },
    usage: ledger,
  });
}

describe("the run's ledger and the program's own models", () => {
  it("records a bare rule model's calls as local task calls, in the ledger and the result's usage", async () => {
    const ledger = new UsageLedger();
    const result = await run(rules(), ledger);
    expect(result.final.val).toBe(1);
    expect(ledger.byRole().task).toMatchObject({ calls: evaluated, localCalls: evaluated, totalTokens: 0 });
    expect(result.usage.task).toMatchObject({ calls: evaluated, localCalls: evaluated, totalTokens: 0 });
  });

  it('counts a managed model once, even behind a wrapper of the program', async () => {
    const ledger = new UsageLedger();
    const managed = managedModel(rules(), { ledger, limits: false });
    const wrapper: ChatModel = { id: managed.id, complete: (r, c) => managed.complete(r, c) };
    await run(wrapper, ledger);
    expect(ledger.byRole().task).toMatchObject({ calls: evaluated, localCalls: evaluated });
  });

  it('records a bare model answering with tokens with its tokens, not as local', async () => {
    const ledger = new UsageLedger();
    await run(billedToy(), ledger);
    expect(ledger.byRole().task?.calls).toBe(evaluated);
    expect(ledger.byRole().task?.localCalls).toBeUndefined();
    expect(ledger.byRole().task?.totalTokens).toBeGreaterThan(0);
  });
});

/** A bare model that reports usage like a billed one. */
function billedToy(): ChatModel {
  return {
    id: 'bare:billed',
    complete: async (request) => {
      const n = /Question (\d+)/.exec(request.messages.at(-1)?.content ?? '')?.[1];
      return {
        text: `A${n}`,
        choices: [`A${n}`],
        usage: { promptTokens: 7, completionTokens: 2, cachedTokens: 0, estimated: false },
        latencyMs: 0,
        model: 'bare:billed',
        cacheHit: false,
        raw: null,
      };
    },
  };
}
