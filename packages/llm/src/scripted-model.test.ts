import { describe, expect, it } from 'vitest';
import { ProviderError } from './errors';
import { ScriptedModel } from './scripted-model';
import { countMessageTokens, countTokens } from './tokenizer';
import type { ChatRequest } from './types';

const req = (q: string): ChatRequest => ({ messages: [{ role: 'user', content: q }] });

describe('ScriptedModel', () => {
  it('answers in order with real token counts, and throws when the script runs out', async () => {
    const m = ScriptedModel.sequence(['one', 'two words']);
    const r = await m.complete(req('first'));
    expect(r.usage).toEqual({
      promptTokens: countMessageTokens(req('first').messages),
      completionTokens: countTokens('one'),
      cachedTokens: 0,
      estimated: false,
    });
    expect((await m.complete(req('second'))).text).toBe('two words');
    await expect(m.complete(req('third'))).rejects.toThrow(/call 3 but only 2 answers scripted/);
  });

  it('answers by substring and records roles', async () => {
    const m = ScriptedModel.keyed([['France', 'Paris']], { fallback: 'unknown' });
    await m.complete(req('Capital of France?'), { role: 'task' });
    await m.complete(req('Capital of Peru?'), { role: 'backward' });
    expect(m.calls.map((c) => c.response.text)).toEqual(['Paris', 'unknown']);
    expect(m.callsWithRole('backward')).toHaveLength(1);
  });

  it('fails on demand without using up answers, and simulates latency honoring abort', async () => {
    const m = ScriptedModel.sequence(['a', 'b'], {
      fail: (i) => (i === 0 ? ProviderError.http('scripted:test', 500, 'flaky') : undefined),
    });
    await expect(m.complete(req('x'))).rejects.toMatchObject({ status: 500, retryable: true });
    expect((await m.complete(req('x'))).text).toBe('a');
    expect(m.attempts).toBe(2);

    const slow = ScriptedModel.sequence(['late'], { latencyMs: 5_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await expect(slow.complete(req('x'), { signal: controller.signal })).rejects.toThrow('stop');
    expect(slow.calls).toHaveLength(0);
  });
});
