import { describe, expect, it } from 'vitest';
import { ModelSpecError } from './errors';
import { formatModelSpec, parseModelSpec } from './model-spec';
import { OpenAIChatModel } from './openai-provider';
import { createChatModel, knownProviders, ProviderRegistry, registerProvider } from './registry';
import { ScriptedModel } from './scripted-model';

describe('parseModelSpec', () => {
  it('parses provider and model', () => {
    expect(parseModelSpec('openai:gpt-4o-mini')).toEqual({ provider: 'openai', model: 'gpt-4o-mini' });
    expect(parseModelSpec('sim:task')).toEqual({ provider: 'sim', model: 'task' });
  });

  it('keeps colons of the model name and splits off a base URL', () => {
    expect(parseModelSpec('openai:llama3.1:8b@http://localhost:11434/v1/')).toEqual({
      provider: 'openai',
      model: 'llama3.1:8b',
      baseURL: 'http://localhost:11434/v1',
    });
    expect(parseModelSpec('openai:org@model')).toEqual({ provider: 'openai', model: 'org@model' });
  });

  it('round-trips through the canonical form', () => {
    for (const s of ['openai:gpt-4o-mini', 'openai:llama3@http://localhost:8000/v1', 'sim:optimizer']) {
      expect(formatModelSpec(parseModelSpec(s))).toBe(s);
    }
  });

  it.each([
    ['gpt-4o-mini', /expected "provider:model"/],
    [':gpt', /expected "provider:model"/],
    ['OpenAI:gpt', /must be lowercase/],
    ['openai:', /model name is empty/],
    ['openai:@http://localhost:1/v1', /model name is empty/],
    ['openai:m@http://user:pw@host/v1', /must not contain credentials/],
  ])('rejects %s with a clear message', (spec, message) => {
    expect(() => parseModelSpec(spec)).toThrow(ModelSpecError);
    expect(() => parseModelSpec(spec)).toThrow(message);
  });
});

describe('provider registry', () => {
  it('names the known providers when the provider is unknown', () => {
    const r = new ProviderRegistry();
    r.register('openai', () => ScriptedModel.sequence([]));
    r.register('local', () => ScriptedModel.sequence([]));
    expect(() => r.create('nope:model')).toThrow(
      /unknown model provider "nope".*known providers: local, openai/,
    );
  });

  it('says how to get sim models when the sim package was not imported', () => {
    expect(() => new ProviderRegistry().create('sim:task')).toThrow(/import '@llm-autodiff\/sim' once/);
  });

  it('registers, replaces and restores providers', () => {
    const seen: string[] = [];
    const undo = registerProvider('fake', (spec) => {
      seen.push(spec.model);
      return ScriptedModel.sequence(['x'], { id: `fake:${spec.model}` });
    });
    try {
      expect(knownProviders()).toContain('fake');
      expect(createChatModel('fake:alpha').id).toBe('fake:alpha');
      expect(seen).toEqual(['alpha']);
    } finally {
      undo();
    }
    expect(knownProviders()).not.toContain('fake');
  });
});

describe('openai provider specs', () => {
  const key = { OPENAI_API_KEY: 'sk-test-abc123' };

  it('uses the OpenAI API by default and keeps the id short', () => {
    const m = createChatModel('openai:gpt-4o-mini', { env: key }) as OpenAIChatModel;
    expect(m).toBeInstanceOf(OpenAIChatModel);
    expect(m.id).toBe('openai:gpt-4o-mini');
    expect(m.baseURL).toBe('https://api.openai.com/v1');
  });

  it('takes the base URL from the spec, then the option, then OPENAI_BASE_URL, and names it in the id', () => {
    const env = { OPENAI_BASE_URL: 'http://env-host:1/v1' };
    expect(createChatModel('openai:llama3', { env }).id).toBe('openai:llama3@http://env-host:1/v1');
    expect(createChatModel('openai:llama3', { env, baseURL: 'http://flag:2/v1/' }).id).toBe(
      'openai:llama3@http://flag:2/v1',
    );
    expect(createChatModel('openai:llama3@http://spec:3/v1', { env, baseURL: 'http://flag:2/v1' }).id).toBe(
      'openai:llama3@http://spec:3/v1',
    );
  });

  it('needs a key for the OpenAI API but not for a local server', () => {
    expect(() => createChatModel('openai:gpt-4o-mini', { env: {} })).toThrow(/OPENAI_API_KEY is not set/);
    expect(createChatModel('openai:qwen@http://127.0.0.1:8000/v1', { env: {} }).id).toBe(
      'openai:qwen@http://127.0.0.1:8000/v1',
    );
  });

  it('rejects a bad base URL naming the model', () => {
    expect(() => createChatModel('openai:m', { env: key, baseURL: 'localhost:8000' })).toThrow(
      /model openai:m: base URL "localhost:8000"/,
    );
  });

  it('never exposes the key on the model object', () => {
    const m = createChatModel('openai:gpt-4o-mini', { env: key });
    expect(JSON.stringify(Object.entries(m).filter(([k]) => k !== 'client'))).not.toContain('sk-test-abc123');
  });
});
