import { describe, expect, it } from 'vitest';
import { isMissingModule, requireOptional } from './optional-module';
import { countTokens, tokenCounter } from './tokenizer';

describe('optional packages', () => {
  it('a package that is not installed is undefined; an installed one loads', () => {
    expect(requireOptional('no-such-package-llm-autodiff')).toBeUndefined();
    expect(requireOptional<{ encode: unknown }>('gpt-tokenizer')?.encode).toBeTypeOf('function');
  });

  it('only the missing package itself counts as missing, not something it imports', () => {
    const own = Object.assign(new Error("Cannot find package 'gpt-tokenizer' imported from x"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const inner = Object.assign(new Error("Cannot find module 'tslib' required by gpt-tokenizer"), {
      code: 'MODULE_NOT_FOUND',
    });
    expect(isMissingModule(own, 'gpt-tokenizer')).toBe(true);
    expect(isMissingModule(inner, 'gpt-tokenizer')).toBe(false);
    expect(isMissingModule(new Error("'gpt-tokenizer'"), 'gpt-tokenizer')).toBe(false);
  });

  it('tokens: o200k with the tokenizer, characters / 4 without it', () => {
    expect(countTokens('hello world')).toBe(2);
    expect(tokenCounter({ encode: (t) => [...t].map(() => 0) })('abc')).toBe(3);
    expect(tokenCounter(undefined)('hello world')).toBe(3);
    expect(tokenCounter(undefined)('')).toBe(0);
  });
});
