import { countMessageTokens, countTokens, TAGS, tag } from '@llm-autodiff/llm';
import { expect, it } from 'vitest';
import { PROMPTS } from './calibration';
import { latencyMs, sleep } from './latency';
import { createSimModel } from './sim-model';
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
