import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineProgram, exactMatch } from './define-program';
import { fn } from './functional';
import { generator } from './generator';
import {
  parseOutput,
  parseSignature,
  SignatureError,
  type SignatureInputs,
  type SignatureOutput,
} from './signature';

describe('parseSignature', () => {
  it.each([
    ['question -> answer', ['question'], { name: 'answer', kind: 'string' }],
    [
      'message, product -> urgency: low | medium | high',
      ['message', 'product'],
      { name: 'urgency', kind: 'labels', labels: ['low', 'medium', 'high'] },
    ],
    ['text:string -> count: number', ['text'], { name: 'count', kind: 'number' }],
    ['claim -> supported: boolean', ['claim'], { name: 'supported', kind: 'boolean' }],
  ])('%s', (text, inputs, output) => {
    expect(parseSignature(text)).toEqual({ inputs, output });
  });

  it.each([
    ['question answer', /inputs -> output/],
    [' -> answer', /no input/],
    ['q, q -> a', /named twice/],
    ['q -> a, b', /one output/],
    ['q -> a: low', /neither string/],
    ['q -> a: low | | high', /empty one/],
    ['q -> q', /both an input and the output/],
    ['my question -> a', /not a field name/],
    ['q -> a: x | X', /listed twice/],
  ])('refuses %j', (text, message) => {
    expect(() => parseSignature(text)).toThrow(SignatureError);
    expect(() => parseSignature(text)).toThrow(message);
  });

  it('types the inputs and the output from the string', () => {
    expectTypeOf<SignatureInputs<'message, product -> urgency: low | medium | high'>>().toEqualTypeOf<{
      message: unknown;
      product: unknown;
    }>();
    expectTypeOf<SignatureOutput<'message, product -> urgency: low | medium | high'>>().toEqualTypeOf<
      'low' | 'medium' | 'high'
    >();
    expectTypeOf<SignatureOutput<'text -> count: number'>>().toEqualTypeOf<number>();
    expectTypeOf<SignatureOutput<'q -> answer'>>().toEqualTypeOf<string>();
  });
});

describe('parseOutput', () => {
  const labels = parseSignature('m -> urgency: low | medium | high');
  it.each([
    ['Urgency: high', 'high'],
    ['urgency: Medium.', 'medium'],
    ['I think this is low', 'low'],
    ['Reasoning: the user is angry.\nUrgency: **high**', 'high'],
  ])('reads %j as %j', (text, label) => {
    expect(parseOutput(labels, text)).toBe(label);
  });
  it('refuses an answer with no label or two', () => {
    expect(() => parseOutput(labels, 'Urgency: unclear')).toThrow(/expected one of low, medium, high/);
    expect(() => parseOutput(labels, 'low or high')).toThrow(/expected one of/);
  });
  it('reads numbers and booleans', () => {
    expect(parseOutput(parseSignature('t -> count: number'), 'Count: 1,204 items')).toBe(1204);
    expect(parseOutput(parseSignature('t -> ok: boolean'), 'Ok: yes')).toBe(true);
    expect(() => parseOutput(parseSignature('t -> count: number'), 'Count: many')).toThrow(
      /expected a number/,
    );
  });
});

interface Msg {
  id: string;
  message: string;
  urgency: string;
}

describe('generator({ signature })', () => {
  it('writes the template, the format line and the parser; the instruction is trainable', async () => {
    const model = ScriptedModel.fn(({ messages }) =>
      messages.at(-1)?.content.includes('refund') ? 'Urgency: high' : 'Urgency: low',
    );
    const classify = generator({ signature: 'message, product -> urgency: low | medium | high', model });
    expect(classify.name).toBe('urgency');
    expect(classify.system.map((p) => [p.name, p.trainable])).toEqual([
      ['urgency.instruction', true],
      ['urgency.format', false],
    ]);
    expect(classify.system[0]?.value).toBe('Given the message and the product, give the urgency.');
    const program = defineProgram({
      forward: (m: Msg) => classify({ message: m.message, product: 'router' }),
      metric: exactMatch('urgency'),
    });
    expect(program.name).toBe('program');
    expect(program.parameters().map((p) => p.name)).toEqual(['urgency.instruction', 'urgency.format']);
    const row = { id: 'm1', message: 'I want a refund now', urgency: 'high' };
    const prediction = await program.predict(row);
    expect(prediction.value).toBe('high');
    expect(program.evalScore(row, prediction)).toBe(1);
    expect(model.calls[0]?.request.messages.at(-1)?.content).toBe(
      'Message: I want a refund now\nProduct: router',
    );
    expect(model.calls[0]?.request.messages[0]?.content).toContain(
      'Answer with exactly one of: low, medium, high.',
    );
  });

  it('a parse failure is an undefined answer with the error kept, scored 0', async () => {
    const classify = generator({
      signature: 'message -> urgency: low | high',
      model: ScriptedModel.fn(() => 'no idea'),
    });
    const program = defineProgram({ forward: (m: Msg) => classify(m), metric: exactMatch('urgency') });
    const prediction = await program.predict({ id: 'x', message: 'hi', urgency: 'low' });
    expect(prediction.value).toBeUndefined();
    expect(program.evalScore({ id: 'x', message: 'hi', urgency: 'low' }, prediction)).toBe(0);
  });

  it("ties the metric's answer type to forward's output", () => {
    const classify = generator({
      signature: 'message -> urgency: low | high',
      model: ScriptedModel.fn(() => 'low'),
    });
    defineProgram({
      forward: (m: Msg) => classify(m),
      // @ts-expect-error the pipeline returns a label, not a number
      evalMetric: (_m: Msg, n: number) => (n > 1 ? 1 : 0),
      groundTruth: (m: Msg) => m.urgency,
    });
    defineProgram({
      parameters: [...classify.system],
      forward: (m: Msg) => classify(m),
      evalMetric: (m: Msg, label: 'low' | 'high' | undefined) => (label === m.urgency ? 1 : 0),
      groundTruth: (m: Msg) => m.urgency,
    });
  });
  it("a function step with an optional argument takes a signature generator's output", async () => {
    const list = generator({
      signature: 'basket -> items',
      model: ScriptedModel.fn(() => 'Items: pear, pear'),
    });
    const count = fn('count', (items?: string) => (items ?? '').split(',').filter((s) => s.trim()).length);
    const program = defineProgram({
      forward: async (b: { basket: string; n: number }) => count(await list({ basket: b.basket })),
      evalMetric: (b: { basket: string; n: number }, n: number) => (n === b.n ? 1 : 0),
      groundTruth: (b: { basket: string; n: number }) => b.n,
    });
    expect((await program.predict({ basket: 'two pears', n: 2 })).value).toBe(2);
  });
});

describe('defineProgram defaults', () => {
  it('sample id: the id field, else a stable hash of the content', async () => {
    const echo = generator({ signature: 'text -> label', model: ScriptedModel.fn(() => 'Label: a') });
    const program = defineProgram({
      forward: (r: { text: string; label: string }) => echo(r),
      metric: exactMatch('label'),
    });
    const a = program.sampleId({ text: 'x', label: 'a' });
    expect(a).toMatch(/^h[0-9a-f]{16}$/);
    expect(program.sampleId({ label: 'a', text: 'x' })).toBe(a);
    expect(program.sampleId({ text: 'y', label: 'a' })).not.toBe(a);
    expect(program.sampleId({ id: 7, text: 'y', label: 'a' } as { text: string; label: string })).toBe('7');
  });

  it('refuses a program with no metric or no parameters', () => {
    const echo = generator({ signature: 'text -> label', model: ScriptedModel.fn(() => 'a') });
    expect(() => defineProgram({ forward: (r: { text: string }) => echo(r) })).toThrow(/`metric`/);
    expect(() =>
      defineProgram({
        forward: async (r: { text: string; label: string }) => r.text,
        metric: exactMatch('label'),
      }),
    ).toThrow(/no parameters/);
  });
});
