import { countMessageTokens, countTokens, TAGS, tag } from '@llm-autodiff/llm';
import { expect, it } from 'vitest';
import { PROMPTS } from './calibration';
import { latencyMs, sleep } from './latency';
import { createSimModel, deriveSimSeed } from './sim-model';
import { describeWithData } from './test-data';

const messages = [
  { role: 'system' as const, content: PROMPTS.objectCount.start },
  {
    role: 'user' as const,
    content: tag(TAGS.task.question, 'I have a cat, two dogs, and a piano. How many animals do I have?'),
  },
];

describeWithData('in-process sim model', () => {
  it('has canonical ids and rejects unknown ones', () => {
    expect(createSimModel('task').id).toBe('sim:task');
    expect(createSimModel('sim:teacher').id).toBe('sim:teacher');
    expect(createSimModel('large').id).toBe('sim:large');
    expect(() => createSimModel('huge')).toThrow(/unknown model "huge"/);
  });

  it('counts usage with the real tokenizer on the actual text', async () => {
    const r = await createSimModel('task').complete({ messages });
    expect(r.usage.promptTokens).toBe(countMessageTokens(messages));
    expect(r.usage.completionTokens).toBe(countTokens(r.text));
    expect(r.usage.estimated).toBe(false);
    expect(r.text).toMatch(/Answer: \d+$/);
  });

  it('returns n choices and is deterministic per request', async () => {
    const m = createSimModel('task');
    const a = await m.complete({ messages, options: { n: 3 } });
    expect(a.choices).toHaveLength(3);
    expect((await m.complete({ messages, options: { n: 3 } })).choices).toEqual(a.choices);
  });

  it('at temperature > 0 the n choices of one request differ; at temperature 0 they are all the first', async () => {
    const m = createSimModel('task');
    const hot = await m.complete({ messages, options: { n: 4, temperature: 1 } });
    expect(new Set(hot.choices).size).toBe(4);
    // Sampled choices reword their reasoning; the answer line keeps its format.
    for (const c of hot.choices) expect(c).toMatch(/Answer: \d+$/);
    const cold = await m.complete({ messages, options: { n: 4, temperature: 0 } });
    expect(new Set(cold.choices).size).toBe(1);
    expect((await m.complete({ messages, options: { n: 4, temperature: 0 } })).choices).toEqual(cold.choices);
    // Choice 0 is the same answer whatever the temperature (it is what the calibration measures).
    expect(hot.choices[0]).toBe(cold.choices[0]);
  });

  it('derives a world seed per run seed and repeat, and different seeds are different worlds', async () => {
    expect(deriveSimSeed(2025, 0)).toBe(deriveSimSeed(2025, 0));
    const seeds = new Set([0, 1, 2, 3].map((r) => deriveSimSeed(2025, r)));
    expect(seeds.size).toBe(4);
    expect(deriveSimSeed(2026, 0)).not.toBe(deriveSimSeed(2025, 0));
    expect(() => deriveSimSeed(1.5, 0)).toThrow(/integers/);
    expect(createSimModel('task', { seed: 7 }).simSeed).toBe(7);
    // Different worlds answer some requests differently (slips and traps are hashed with the seed).
    const ask = (seed: number, q: string) =>
      createSimModel('task', { seed })
        .complete({
          messages: [
            messages[0] as (typeof messages)[0],
            { role: 'user', content: tag(TAGS.task.question, q) },
          ],
        })
        .then((r) => r.text);
    const qs = Array.from(
      { length: 20 },
      (_, i) => `I have ${i + 2} cats, a piano, and two dogs. How many animals do I have?`,
    );
    const a = await Promise.all(qs.map((q) => ask(deriveSimSeed(1, 0), q)));
    const b = await Promise.all(qs.map((q) => ask(deriveSimSeed(1, 1), q)));
    expect(a).not.toEqual(b);
  });

  it('honours stop sequences and maxTokens in process, as the server does', async () => {
    const m = createSimModel('task');
    const full = (await m.complete({ messages })).text;
    const stopped = await m.complete({ messages, options: { stop: ['Answer:'] } });
    expect(stopped.text).toBe(full.slice(0, full.indexOf('Answer:')));
    const cut = await m.complete({ messages, options: { maxTokens: 3 } });
    expect(cut.finishReason).toBe('length');
    expect(cut.usage.completionTokens).toBeLessThanOrEqual(3);
    expect(full.startsWith(cut.text)).toBe(true);
  });

  it('has zero latency by default and a configurable deterministic one', async () => {
    const fast = await createSimModel('task').complete({ messages });
    expect(fast.latencyMs).toBeLessThan(50);
    const spec = { baseMs: 40, perOutputTokenMs: 1, jitter: 0.2 };
    expect(latencyMs(spec, 10, 'k')).toBe(latencyMs(spec, 10, 'k'));
    expect(latencyMs(spec, 10, 'k')).toBeGreaterThanOrEqual(40);
    const slow = await createSimModel('task', { latency: spec }).complete({ messages });
    expect(slow.latencyMs).toBeGreaterThanOrEqual(35);
  });

  it('honours an abort signal while waiting', async () => {
    const ctl = new AbortController();
    const p = createSimModel('task', { latency: { baseMs: 5000, perOutputTokenMs: 0 } }).complete(
      { messages },
      { signal: ctl.signal },
    );
    ctl.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    // A signal aborted before the call ends it at once (its abort event will not fire again).
    const started = Date.now();
    await expect(sleep(5000, ctl.signal)).rejects.toThrow('stop');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives a clear error for a missing dataset folder', async () => {
    const m = createSimModel('task', { dataDir: '/nonexistent/datasets' });
    await expect(m.complete({ messages })).rejects.toThrow(
      /dataset directory not found: \/nonexistent\/datasets/,
    );
  });
});
