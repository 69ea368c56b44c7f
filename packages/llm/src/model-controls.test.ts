import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONTROLS, resolveModelControls, validateModelControls } from './model-controls';

describe('model controls', () => {
  it('takes the first layer that sets a field, then the defaults', () => {
    expect(resolveModelControls([{ maxRetries: 1 }, { maxRetries: 3, timeoutMs: 0 }])).toEqual({
      maxRetries: 1,
      timeoutMs: 0,
      maxConcurrency: DEFAULT_MODEL_CONTROLS.maxConcurrency,
    });
  });

  it('raises an unset concurrency limit to the caller’s concurrency, but keeps an explicit one', () => {
    expect(resolveModelControls([], 16).maxConcurrency).toBe(16);
    expect(resolveModelControls([], 2).maxConcurrency).toBe(DEFAULT_MODEL_CONTROLS.maxConcurrency);
    expect(resolveModelControls([{ maxConcurrency: 2 }], 16).maxConcurrency).toBe(2);
  });

  it('names the field and the place of a bad value', () => {
    expect(() => validateModelControls({ maxRetries: -1 }, 'openai:x')).toThrow(
      'openai:x: maxRetries must be an integer >= 0, got -1',
    );
    expect(() => validateModelControls({ maxConcurrency: Number.NaN })).toThrow(/maxConcurrency .* got null/);
  });
});
