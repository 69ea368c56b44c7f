import { describe, expect, it } from 'vitest';
import { diffManifests } from './manifest-diff';

describe('diffManifests', () => {
  it('lists every differing leaf with both values, and nothing for equal manifests', () => {
    const saved = {
      models: { task: { spec: 'sim:task', id: 'sim:task' } },
      seed: 1,
      data: { val: { n: 4 } },
    };
    expect(diffManifests(saved, structuredClone(saved))).toEqual([]);
    const now = { models: { task: { spec: 'openai:x', id: 'openai:x' } }, seed: 1, repeat: 2, data: {} };
    expect(diffManifests(saved, now)).toEqual([
      'models.task.spec: "sim:task" (checkpoint) vs "openai:x" (now)',
      'models.task.id: "sim:task" (checkpoint) vs "openai:x" (now)',
      'data.val.n: 4 (checkpoint) vs (absent) (now)',
      'repeat: (absent) (checkpoint) vs 2 (now)',
      'data: (absent) (checkpoint) vs {} (now)',
    ]);
  });
});
