import { createChatModel, createModel, ProviderRegistry, TAGS, tag } from '@llm-autodiff/llm';
import { afterEach, describe, expect, it } from 'vitest';
import { findDataDir, NO_DATA_MESSAGE } from './data/paths';
import './index'; // importing the package registers the sim provider
import { registerSimProvider } from './provider';

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

  it('importing the package registers sim:* with no further call', () => {
    expect(createModel('sim:large').id).toBe('sim:large');
  });

  it('a registry without the sim says how to get it', () => {
    expect(() => new ProviderRegistry().create('sim:task')).toThrow(/import '@llm-autodiff\/sim'/);
  });

  it('gives clear errors for unknown sim models and for a sim spec with a URL', () => {
    undo = registerSimProvider();
    expect(() => createChatModel('sim:huge')).toThrow(/model sim:huge: unknown model "huge"/);
    expect(() => createChatModel('sim:task@http://127.0.0.1:9/v1')).toThrow(
      /openai:sim:task@http:\/\/127.0.0.1:9\/v1/,
    );
  });
});
