import { describe, expect, it } from 'vitest';
import { HAS_DATA, needsData } from '../testing/data';
import { createModelPool } from './model-registry';

describe('runner model registry', () => {
  it.skipIf(!HAS_DATA)(
    needsData('pools sim models: one shared model per spec, a role view each'),
    async () => {
      const pool = createModelPool({ concurrency: 8 });
      const { task, teacher, backward, optimizer } = pool.bind({
        task: 'sim:task',
        teacher: 'sim:teacher',
        backward: 'sim:large',
        optimizer: 'sim:large',
      });
      expect(backward.model).toBe(optimizer.model);
      expect(task.model).not.toBe(teacher.model);
      expect(pool.describe().map((m) => [m.id, m.roles, m.controls.maxConcurrency])).toEqual([
        ['sim:task', ['task'], 8],
        ['sim:teacher', ['teacher'], 8],
        ['sim:large', ['backward', 'optimizer'], 8],
      ]);
    },
  );
});
