import { CacheMissError, CallsStoppedError, ModelSpecError } from '@llm-autodiff/llm';
import { DatasetError } from '@llm-autodiff/tasks';
import { TrainerInputError } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, reportError } from './exit-codes';
import { UsageError } from './usage-error';

function capture() {
  const err: string[] = [];
  return { io: { out: () => {}, err: (l: string) => err.push(l) }, err };
}

describe('one exit-code table from the kind an error carries', () => {
  it.each([
    [new UsageError('--steps must be an integer >= 0, got "x"'), 2],
    [new TrainerInputError('textgrad config: unknown field "steps"'), 2],
    [new ModelSpecError('unknown model provider "gemini"'), 2],
    [new DatasetError('trec.jsonl', 3, 'label', 'missing'), 1],
    [new CacheMissError({ modelId: 'sim:task', digest: 'ab', excerpt: 'x', cachePath: '/c.sqlite' }), 1],
    [new CallsStoppedError('sim:task', 'SIGINT'), 130],
    [Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }), 4],
  ])('%s -> %i, one line in the command voice', (error, code) => {
    const c = capture();
    expect(reportError('train', error, c.io)).toBe(code);
    expect(c.err).toEqual([`autodiff train: ${error.message}`]);
  });

  it('an error without a kind is ours: its code is 1 and it says how to see the stack, never prints it', () => {
    const c = capture();
    const before = process.env.AUTODIFF_DEBUG;
    delete process.env.AUTODIFF_DEBUG;
    try {
      expect(reportError('repro', new TypeError('x is undefined'), c.io)).toBe(EXIT_CODES.internal);
    } finally {
      if (before !== undefined) process.env.AUTODIFF_DEBUG = before;
    }
    expect(c.err[0]).toBe('autodiff repro: x is undefined');
    expect(c.err[1]).toMatch(/AUTODIFF_DEBUG=1/);
    expect(c.err.join('\n')).not.toMatch(/\n\s+at /);
  });
});
