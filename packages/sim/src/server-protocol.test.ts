/**
 * The sim server speaks the chat-completions protocol, tested through the real `openai` client:
 * truncation, stop sequences, JSON response formats (validated with ajv), SSE streaming with a usage
 * chunk, OpenAI-shaped 400s naming `param`, and assistant turns that only called tools.
 */
import { TAGS, tag } from '@llm-autodiff/llm';
import { Ajv } from 'ajv';
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PROMPTS } from './calibration';
import { type SimServer, startSimServer } from './server';
import { describeWithData } from './test-data';

const Q = 'I have a cat, two dogs, and a piano. How many animals do I have?';
const MESSAGES = [
  { role: 'system' as const, content: PROMPTS.objectCount.start },
  { role: 'user' as const, content: tag(TAGS.task.question, Q) },
];

describeWithData('sim server protocol (openai client)', () => {
  let server: SimServer;
  let client: OpenAI;
  beforeAll(async () => {
    server = await startSimServer({ port: 0 });
    client = new OpenAI({ baseURL: server.url, apiKey: 'not-needed', maxRetries: 0 });
  });
  afterAll(() => server.close());

  it('max_tokens and max_completion_tokens truncate with finish_reason "length"', async () => {
    const full = await client.chat.completions.create({ model: 'sim:task', messages: MESSAGES });
    expect(full.choices[0]?.finish_reason).toBe('stop');
    expect(full.usage?.completion_tokens).toBeGreaterThan(5);
    for (const limit of [{ max_tokens: 5 }, { max_completion_tokens: 5 }]) {
      const r = await client.chat.completions.create({ model: 'sim:task', messages: MESSAGES, ...limit });
      expect(r.choices[0]?.finish_reason).toBe('length');
      expect(r.usage?.completion_tokens).toBeLessThanOrEqual(5);
      expect(full.choices[0]?.message.content?.startsWith(r.choices[0]?.message.content ?? '?')).toBe(true);
    }
  });

  it('stop sequences cut the text and are not returned', async () => {
    const full = await client.chat.completions.create({ model: 'sim:task', messages: MESSAGES });
    const text = full.choices[0]?.message.content ?? '';
    expect(text).toContain('Answer:');
    const r = await client.chat.completions.create({
      model: 'sim:task',
      messages: MESSAGES,
      stop: ['Answer:'],
    });
    const cut = r.choices[0]?.message.content ?? '';
    expect(cut).toBe(text.slice(0, text.indexOf('Answer:')));
    expect(r.choices[0]?.finish_reason).toBe('stop');
  });

  it('json_object returns a JSON object; json_schema output validates against the schema', async () => {
    const obj = await client.chat.completions.create({
      model: 'sim:task',
      messages: MESSAGES,
      response_format: { type: 'json_object' },
    });
    const parsed: unknown = JSON.parse(obj.choices[0]?.message.content ?? '');
    expect(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)).toBe(true);
    const schema = {
      type: 'object',
      properties: {
        reasoning: { type: 'string' },
        answer: { type: 'integer' },
        confident: { type: 'boolean' },
        unit: { type: 'string', enum: ['animals', 'objects'] },
        steps: { type: 'array', items: { type: 'string' } },
      },
      required: ['reasoning', 'answer', 'confident', 'unit', 'steps'],
      additionalProperties: false,
    };
    const r = await client.chat.completions.create({
      model: 'sim:task',
      messages: MESSAGES,
      response_format: { type: 'json_schema', json_schema: { name: 'count', schema, strict: true } },
    });
    const value: unknown = JSON.parse(r.choices[0]?.message.content ?? '');
    const validate = new Ajv().compile(schema);
    expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
    // The schema's answer is the model's own answer (right or wrong), read from its plain reply.
    const plain = await client.chat.completions.create({ model: 'sim:task', messages: MESSAGES });
    const said = Number(plain.choices[0]?.message.content?.match(/Answer: (\d+)/)?.[1]);
    expect((value as { answer: number }).answer).toBe(said);
  });

  it('streams server-sent events, with a final usage chunk when asked', async () => {
    const full = await client.chat.completions.create({ model: 'sim:task', messages: MESSAGES });
    const stream = await client.chat.completions.create({
      model: 'sim:task',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let deltas = 0;
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined | null;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) {
        text += c.delta.content;
        deltas++;
      }
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) {
        expect(chunk.choices).toEqual([]);
        usage = chunk.usage;
      }
    }
    expect(text).toBe(full.choices[0]?.message.content);
    expect(deltas).toBeGreaterThan(1);
    expect(finish).toBe('stop');
    expect(usage?.completion_tokens).toBe(full.usage?.completion_tokens);
    expect(usage?.total_tokens).toBe(full.usage?.total_tokens);
    // Without include_usage no usage chunk is sent; a truncating limit streams finish_reason "length".
    const limited = await client.chat.completions.create({
      model: 'sim:task',
      messages: MESSAGES,
      stream: true,
      max_tokens: 4,
    });
    const finishes: (string | null)[] = [];
    for await (const chunk of limited) {
      expect(chunk.usage ?? null).toBeNull();
      finishes.push(chunk.choices[0]?.finish_reason ?? null);
    }
    expect(finishes.at(-1)).toBe('length');
  });

  it('rejects invalid types and ranges with a 400 naming the param', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ temperature: 'hot' }, 'temperature'],
      [{ temperature: 5 }, 'temperature'],
      [{ max_tokens: -1 }, 'max_tokens'],
      [{ max_completion_tokens: 2.5 }, 'max_completion_tokens'],
      [{ top_p: 1.5 }, 'top_p'],
      [{ n: 0 }, 'n'],
      [{ stop: [1] }, 'stop'],
      [{ response_format: { type: 'xml' } }, 'response_format.type'],
      [{ stream: 'yes' }, 'stream'],
    ];
    for (const [extra, param] of cases) {
      const err = await client.chat.completions
        .create({ model: 'sim:task', messages: MESSAGES, ...extra } as never)
        .then(() => undefined)
        .catch((e: unknown) => e);
      expect(err, JSON.stringify(extra)).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.status).toBe(400);
      expect(e.param, JSON.stringify(extra)).toBe(param);
      expect((e.error as { type?: string }).type).toBe('invalid_request_error');
    }
  });

  it('accepts an assistant turn with content null and tool_calls, and tool results', async () => {
    const r = await client.chat.completions.create({
      model: 'sim:task',
      messages: [
        ...MESSAGES,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'search', arguments: '{"q":"dogs"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'Dogs are animals.' },
      ],
    });
    expect(r.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });
});
