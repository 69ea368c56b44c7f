import { describe, expect, it } from 'vitest';
import { DEFAULT_TRAINER_SETTINGS, resolveTrainerSettings } from './settings';

describe('trainer settings', () => {
  it('fills defaults and keeps what is given', () => {
    expect(resolveTrainerSettings()).toEqual(DEFAULT_TRAINER_SETTINGS);
    expect(resolveTrainerSettings({ seed: 3, concurrency: undefined })).toEqual({
      ...DEFAULT_TRAINER_SETTINGS,
      seed: 3,
    });
  });

  it('refuses bad values and unknown fields by name', () => {
    expect(() => resolveTrainerSettings({ concurrency: 0 })).toThrow(
      'concurrency must be an integer >= 1, got 0',
    );
    expect(() => resolveTrainerSettings({ seed: 1.5 })).toThrow('seed must be an integer >= 0');
    expect(() => resolveTrainerSettings({ steps: 3 } as never)).toThrow('unknown field "steps"');
  });
});
