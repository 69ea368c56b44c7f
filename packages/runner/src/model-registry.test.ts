import { createChatModel, TAGS, tag } from '@llm-autodiff/llm';
import { findDataDir, NO_DATA_MESSAGE } from '@llm-autodiff/sim';
import { afterEach, describe, expect, it } from 'vitest';
import { createModel, createModelPool, registerSimProvider } from './model-registry';

const HAS_DATA = findDataDir() !== undefined;
const needsData = (name: string) => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);

describe('model registry', () => {
  let undo: (() => void) | undefined;
  afterEach(() => undo?.());

  it.skipIf(!HAS_DATA)(needsData('registers sim:* into llm’s provider registry'), async () => {
    undo = registerSimProvider();
    const m = createChatModel('sim:task');
    expect(m.id).toBe('sim:task');
    const r = await m.complete({
      messages: [
        { role: 'system', content: "Count. End with 'Answer: $VALUE'." },
        {
          role: 'user',
          content: tag(TAGS.task.question, 'I have a cat and two dogs. How many animals do I have?'),
        },
      ],
    });
    expect(r.text).toMatch(/Answer: \d+/);
    expect(createModel('sim:teacher').id).toBe('sim:teacher');
  });

  it('gives clear errors for unknown sim models and for a sim spec with a URL', () => {
    undo = registerSimProvider();
    expect(() => createChatModel('sim:huge')).toThrow(/model sim:huge: unknown model "huge"/);
    expect(() => createChatModel('sim:task@http://127.0.0.1:9/v1')).toThrow(
      /openai:sim:task@http:\/\/127.0.0.1:9\/v1/,
    );
  });

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
