import { describe, expect, it } from 'vitest';
import { cacheKey, canonicalJson, combineCacheSalts, runCacheSalt } from './cache-key';
import type { ChatRequest } from './types';

const base: ChatRequest = {
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Capital of France?' },
  ],
  options: { temperature: 0, maxTokens: 20 },
};

describe('cacheKey', () => {
  it('is stable under key order and undefined fields', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: undefined, e: [3, { z: 1, y: 2 }] } })).toBe(
      '{"a":{"d":2,"e":[3,{"y":2,"z":1}]},"b":1}',
    );
    const reordered: ChatRequest = {
      options: { maxTokens: 20, temperature: 0, seed: undefined },
      messages: base.messages.map((m) => ({ content: m.content, role: m.role })),
    };
    expect(cacheKey('openai:m', reordered)).toBe(cacheKey('openai:m', base));
    expect(cacheKey('openai:m', { messages: base.messages })).toBe(
      cacheKey('openai:m', { messages: base.messages, options: {} }),
    );
  });

  it('changes with the model, any message, any parameter and the salt', () => {
    const k = cacheKey('openai:m', base);
    const variants = [
      cacheKey('openai:other', base),
      cacheKey('openai:m@http://localhost:8000/v1', base),
      cacheKey('openai:m', {
        ...base,
        messages: [base.messages[0]!, { role: 'user', content: 'Capital of Spain?' }],
      }),
      cacheKey('openai:m', {
        ...base,
        messages: [{ role: 'user', content: 'Be brief.' }, base.messages[1]!],
      }),
      cacheKey('openai:m', { ...base, messages: [...base.messages].reverse() }),
      cacheKey('openai:m', { ...base, options: { ...base.options, temperature: 0.7 } }),
      cacheKey('openai:m', { ...base, options: { ...base.options, maxTokens: 21 } }),
      cacheKey('openai:m', { ...base, options: { ...base.options, seed: 1 } }),
      cacheKey('openai:m', { ...base, options: { ...base.options, topP: 0.5 } }),
      cacheKey('openai:m', { ...base, options: { ...base.options, n: 2 } }),
      cacheKey('openai:m', { ...base, options: { ...base.options, stop: ['.'] } }),
      cacheKey('openai:m', {
        ...base,
        options: { ...base.options, responseFormat: { type: 'json_object' } },
      }),
      cacheKey('openai:m', base, 'sample-2'),
    ];
    expect(new Set([k, ...variants]).size).toBe(variants.length + 1);
  });

  it('is a sha256 hex digest', () => {
    expect(cacheKey('x:y', base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses non-finite numbers, which JSON would silently turn into null', () => {
    expect(() => cacheKey('x:y', { ...base, options: { temperature: Number.NaN } })).toThrow(/non-finite/);
  });
});

describe('cache salts', () => {
  it('keys each repeat of a run apart and replays the same one', () => {
    const run0 = runCacheSalt({ seed: 42 });
    expect(run0).toBe(runCacheSalt({ seed: 42, repeat: 0 }));
    const keys = [run0, runCacheSalt({ seed: 42, repeat: 1 }), runCacheSalt({ seed: 43 })].map((s) =>
      cacheKey('m', base, s),
    );
    expect(new Set(keys).size).toBe(3);
    expect(() => runCacheSalt({ seed: -1 })).toThrow('cache salt: seed must be an integer >= 0, got -1');
    expect(() => runCacheSalt({ seed: 1, repeat: 0.5 })).toThrow(/repeat must be an integer/);
  });

  it('combines run and call salts unambiguously; either alone keys as itself', () => {
    expect(combineCacheSalts(undefined, undefined)).toBeUndefined();
    expect(combineCacheSalts('run', undefined)).toBe('run');
    expect(combineCacheSalts(undefined, 'proposal=1')).toBe('proposal=1');
    const both = combineCacheSalts('seed=1;repeat=0', 'proposal=1');
    expect(both).toBe('{"call":"proposal=1","run":"seed=1;repeat=0"}');
    // swapping the parts, or moving text across the boundary, is another salt
    expect(combineCacheSalts('proposal=1', 'seed=1;repeat=0')).not.toBe(both);
    expect(combineCacheSalts('a,b', 'c')).not.toBe(combineCacheSalts('a', 'b,c'));
  });
});
