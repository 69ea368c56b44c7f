import { describe, expect, it } from 'vitest';
import {
  BudgetExceededError,
  CacheMissError,
  CallsStoppedError,
  isStop,
  ModelCallError,
  ProviderError,
  stopKind,
} from './errors';

describe('stop kinds', () => {
  it('a budget, a stopping run and a replay miss are stops, each of its own kind', () => {
    expect(stopKind(new BudgetExceededError('total', 'calls', 1, 1))).toBe('budget');
    expect(stopKind(new CallsStoppedError('m', 'SIGTERM'))).toBe('signal');
    expect(stopKind(new CacheMissError({ modelId: 'm', digest: 'abc', excerpt: 'q' }))).toBe('replay-miss');
  });

  it('a failed call, a plain error or a thrown string is no stop', () => {
    const failed = new ModelCallError(ProviderError.http('m', 500, 'boom'), 3);
    expect(isStop(failed)).toBe(false);
    expect(isStop(new Error('budget'))).toBe(false);
    expect(isStop('stop')).toBe(false);
    // An error of a kind that is no stop, or of an unknown kind, is not a stop either.
    expect(isStop(Object.assign(new Error('x'), { errorKind: 'input' }))).toBe(false);
    expect(isStop(Object.assign(new Error('x'), { errorKind: 'later' }))).toBe(false);
    expect(isStop(Object.assign(new Error('x'), { errorKind: 'toString' }))).toBe(false);
  });

  it('the kind is a field, so a subclass keeps it', () => {
    class LabelledStop extends CallsStoppedError {}
    expect(isStop(new LabelledStop('m', 'SIGINT'))).toBe(true);
  });
});
