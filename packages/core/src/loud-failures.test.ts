import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { backward } from './backward';
import { runSample } from './context';
import { NothingTrainableError, UserFunctionError } from './errors';
import { fn } from './functional';
import { generator } from './generator';
import { loss, sum } from './loss';
import { param } from './parameter';

const model = ScriptedModel.fn(() => 'a; b');
const instruction = param('List the items.', {
  name: 'list.instruction',
  description: 'listing instruction',
});
const list = generator({ name: 'list', model, system: [instruction], user: (x: { q: string }) => x.q });
const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);

describe('loud failures', () => {
  it('backward on eval-mode losses says nothing trainable is reachable and why', async () => {
    const losses = await Promise.all(
      ['s1', 's2'].map((id) => runSample(id, 'eval', async () => loss(await list({ q: id }), 'x', exact))),
    );
    const engine = ScriptedModel.fn(() => 'feedback');
    const failure = backward(sum(losses), { engine });
    await expect(failure).rejects.toBeInstanceOf(NothingTrainableError);
    await expect(failure).rejects.toThrow(/nothing trainable.*eval mode/s);
    expect(engine.calls).toHaveLength(0);
  });

  it('an exception inside a user fn names the component and the sample, keeping the original as cause', async () => {
    const parse = fn('parse', (text: string): string[] => {
      if (!text.includes(',')) throw new Error('bad list');
      return text.split(',');
    });
    const run = runSample('q17', 'train', async () => parse(await list({ q: 'q' })));
    await expect(run).rejects.toBeInstanceOf(UserFunctionError);
    await expect(run).rejects.toThrow("function 'parse' (call 0 of sample 'q17'): threw: bad list");
    const error = await run.catch((e: UserFunctionError) => e);
    expect((error as UserFunctionError).cause).toBeInstanceOf(Error);
  });

  it("a generator's user() that throws is named too; errors of their own class pass unchanged", async () => {
    const broken = generator({
      name: 'broken',
      model,
      system: [instruction],
      user: (): string => {
        throw new TypeError('no question');
      },
    });
    await expect(runSample('q1', 'eval', () => broken({}))).rejects.toThrow(
      "generator 'broken' (call 0 of sample 'q1') user(): threw: no question",
    );
    class BudgetLike extends Error {}
    const spend = fn('spend', () => {
      throw new BudgetLike('over budget');
    });
    await expect(runSample('q2', 'eval', () => spend())).rejects.toBeInstanceOf(BudgetLike);
  });
});
