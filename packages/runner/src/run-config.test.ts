import { describe, expect, it } from 'vitest';
import { defaultRoleModels } from './model-defaults';
import { teacherOf } from './run-config';

describe('teacherOf', () => {
  const sim = defaultRoleModels({});
  const real = defaultRoleModels({ task: 'openai:gpt-3.5-turbo-0125' });

  it('the DSPy-style methods bootstrap from the student unless a teacher other than the default is named', () => {
    for (const m of ['bootstrap', 'bfsrs', 'mipro']) {
      expect(teacherOf(m, {}, sim)).toBe('student');
      expect(teacherOf(m, {}, real)).toBe('student');
      expect(teacherOf(m, {}, { ...real, teacher: 'openai:gpt-4o' })).toBe('openai:gpt-4o');
    }
  });

  it("GDPO's demo phase keeps the teacher model; methods without demos use none", () => {
    expect(teacherOf('gdpo', { demos: { steps: 2 } }, sim)).toBe('sim:teacher');
    expect(teacherOf('gdpo', { demos: { steps: 0 } }, sim)).toBe('none');
    expect(teacherOf('textgrad', {}, sim)).toBe('none');
    expect(teacherOf('gepa', {}, { ...sim, teacher: 'openai:gpt-4o' })).toBe('none');
  });
});
