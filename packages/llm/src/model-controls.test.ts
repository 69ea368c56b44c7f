import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MODEL_CONTROLS,
  parseModelControlFlags,
  resolveModelControls,
  validateModelControls,
} from './model-controls';

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

describe('parseModelControlFlags', () => {
  it('reads defaults and per-model values, with units for the timeout', () => {
    expect(
      parseModelControlFlags({ timeout: '30s', maxRetries: '2', maxConcurrency: '16, openai:gpt-4o=4' }),
    ).toEqual({
      controls: { timeoutMs: 30_000, maxRetries: 2, maxConcurrency: 16 },
      perModel: { 'openai:gpt-4o': { maxConcurrency: 4 } },
    });
    expect(parseModelControlFlags({ timeout: '1.5m,openai:m@http://h:1/v1=250ms' })).toEqual({
      controls: { timeoutMs: 90_000 },
      perModel: { 'openai:m@http://h:1/v1': { timeoutMs: 250 } },
    });
    expect(parseModelControlFlags({})).toEqual({ controls: {}, perModel: {} });
  });

  it('names the flag for bad values', () => {
    expect(() => parseModelControlFlags({ maxConcurrency: '0' })).toThrow(
      '--max-concurrency: maxConcurrency must be an integer >= 1, got 0',
    );
    expect(() => parseModelControlFlags({ maxRetries: 'openai:x=two' })).toThrow(
      /--max-retries for openai:x: maxRetries must be an integer >= 0, got null/,
    );
    expect(() => parseModelControlFlags({ timeout: '10h' })).toThrow(
      /--timeout: timeoutMs must be an integer/,
    );
    expect(() => parseModelControlFlags({ timeout: '' })).toThrow('--timeout: empty value');
    expect(() => parseModelControlFlags({ maxRetries: '1,2' })).toThrow(
      '--max-retries: the default is given twice',
    );
    expect(() => parseModelControlFlags({ maxRetries: '=2' })).toThrow(/names no model/);
  });
});
