import { inlineTag, TAGS, tag } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { parseRequest, recognizeRole } from './contract';
import { chat } from './fixtures';
import { detectFormat, kindFromFormat } from './format';

const B = TAGS.backward;
const O = TAGS.optimizer;
const I = TAGS.item;

describe('role recognition', () => {
  it('reads the role from the marker tag in the system message only', () => {
    expect(recognizeRole(chat(tag(B.marker, 'You give feedback.'), 'x'))).toBe('backward');
    expect(recognizeRole(chat(tag(O.marker, 'You improve prompts.'), 'x'))).toBe('optimizer');
    expect(recognizeRole(chat('Answer the question.', tag(B.marker, 'not here')))).toBe('task');
    // Without a system message the first message holds the marker.
    expect(recognizeRole([{ role: 'user', content: `<${O.marker}>go</${O.marker}>` }])).toBe('optimizer');
  });

  it('parses backward fields', () => {
    const user = [
      tag(
        B.variable,
        [
          inlineTag(I.name, 'counter.instruction'),
          inlineTag(I.role, 'system prompt'),
          tag(I.value, 'Count things.'),
          inlineTag(I.kind, 'prompt'),
        ].join('\n'),
      ),
      tag(
        B.peers,
        tag(
          I.peer,
          [
            inlineTag(I.name, 'format'),
            inlineTag(I.trainable, 'false'),
            tag(I.value, "End with 'Answer: N'."),
          ].join('\n'),
        ),
      ),
      tag(B.component, `${inlineTag(I.kind, 'generator')}\nThe counter.`),
      tag(B.inputs, tag(TAGS.task.question, 'I have a cat. How many animals do I have?')),
      tag(B.output, 'Answer: 2'),
      inlineTag(B.groundTruth, '1'),
      inlineTag(B.score, '0'),
    ].join('\n');
    const p = parseRequest(chat(tag(B.marker, 'Review.'), user));
    expect(p.role).toBe('backward');
    if (p.role !== 'backward') return;
    expect(p.fields.target).toMatchObject({
      name: 'counter.instruction',
      value: 'Count things.',
      kind: 'prompt',
    });
    expect(p.fields.peers[0]).toMatchObject({ name: 'format', trainable: false });
    expect(p.fields.componentKind).toBe('generator');
    expect(p.fields.output).toBe('Answer: 2');
    expect(p.fields.groundTruth).toBe('1');
    expect(p.fields.score).toBe(0);
  });

  it('parses optimizer fields, with per-entry FEEDBACK nested inside the FEEDBACK section', () => {
    const entry = (io: string, fb: string) =>
      tag(
        I.entry,
        [inlineTag(I.callIndex, 0), tag(I.inputOutput, io), inlineTag(I.score, 0), tag(I.feedback, fb)].join(
          '\n',
        ),
      );
    const user = [
      tag(O.variable, tag(I.value, 'Count things.')),
      tag(
        O.history,
        [
          tag(I.entry, `${tag(I.value, 'v1')}\n${inlineTag(I.score, 0.8)}`),
          tag(I.entry, `${tag(I.value, 'v0')}\n${inlineTag(I.score, 0.7)}`),
        ].join('\n'),
      ),
      tag(
        O.failedProposals,
        tag(I.entry, `${inlineTag(I.method, 'Add X')}\n${inlineTag(I.reasoning, 'because')}`),
      ),
      tag(
        O.gradients,
        tag(
          I.sample,
          [
            inlineTag(I.sampleId, 's1'),
            inlineTag(I.averageScore, 0),
            entry('in/out 1', 'fb one'),
            entry('in/out 2', 'fb two'),
          ].join('\n'),
        ),
      ),
    ].join('\n');
    const p = parseRequest(chat(tag(O.marker, 'Improve.'), user));
    expect(p.role).toBe('optimizer');
    if (p.role !== 'optimizer') return;
    expect(p.fields.target?.value).toBe('Count things.');
    expect(p.fields.history.map((h) => [h.value, h.score])).toEqual([
      ['v1', 0.8],
      ['v0', 0.7],
    ]);
    expect(p.fields.failedProposals[0]).toMatchObject({ method: 'Add X', reasoning: 'because' });
    expect(p.fields.samples).toHaveLength(1);
    expect(p.fields.samples[0]?.entries.map((e) => e.feedback)).toEqual(['fb one', 'fb two']);
  });

  it('parses task fields: the instruction excludes the data sections', () => {
    const p = parseRequest(
      chat(
        `Answer briefly. Respond in JSON: {"reasoning": "...", "answer": "..."}\n${tag(TAGS.task.examples, tag(TAGS.task.example, 'demo text'))}`,
        `${tag(TAGS.task.context, 'Paris | Paris is the capital.')}\n${tag(TAGS.task.question, 'What is the capital?')}`,
      ),
    );
    expect(p.role).toBe('task');
    if (p.role !== 'task') return;
    expect(p.fields.question).toBe('What is the capital?');
    expect(p.fields.examples).toEqual(['demo text']);
    expect(p.fields.instruction).not.toContain('capital');
    expect(p.fields.instruction).not.toContain('demo text');
    expect(p.fields.format).toEqual({ type: 'json', keys: ['reasoning', 'answer'], fenced: false });
  });
});

describe('output format detection', () => {
  it('recognizes clear requests and the kind of call', () => {
    expect(kindFromFormat(detectFormat("The last line should be 'Answer: $VALUE'."))).toBe('answer');
    expect(kindFromFormat(detectFormat('Reply in JSON with keys `reasoning` and `query`.'))).toBe('query');
    expect(kindFromFormat(detectFormat('JSON: {"thought": "...", "action": "search", "input": "..."}'))).toBe(
      'react',
    );
    expect(detectFormat('Answer the question in a short sentence.')).toEqual({ type: 'none' });
    // JSON mentioned without naming keys is not a clear request.
    expect(detectFormat('Answer in JSON.')).toEqual({ type: 'none' });
  });
});
