/**
 * Cross-package contract test: the real meta-prompt templates of core (backward engine), gdpo
 * (optimizer) and the baselines (TextGrad, TGD, GEPA reflection, MIPRO), and the real task pipelines,
 * are recognized by the simulated world exactly as packages/sim/CONTRACT.md describes. A template change that breaks the contract fails here.
 */

import { param } from '@llm-autodiff/core';
import { TAGS, tag } from '@llm-autodiff/llm';
import { createSimModel, findDataDir, NO_DATA_MESSAGE, parseRequest } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, PIPELINE_NAMES, prompts } from '@llm-autodiff/tasks';
import { describe, expect, it } from 'vitest';
import { proposedValue } from '../packages/baselines/src/common/answer';
import {
  modulePrompt,
  observationPrompt,
  programPrompt,
  proposalPrompt,
  summaryPrompt,
  TIPS,
} from '../packages/baselines/src/dspy/mipro-prompts';
import { reflectionPrompt } from '../packages/baselines/src/gepa/prompts';
import { basePrompt, chainPrompt, tgdPrompt } from '../packages/baselines/src/textgrad/prompts';
import { namedInputs, renderBackwardPrompt } from '../packages/core/src/prompts/backward-engine';
import { renderGradients } from '../packages/core/src/render-gradients';
import { fakeGradient } from '../packages/core/testing';
import { parseProposal } from '../packages/gdpo/src/parse-proposal';
import { buildOptimizerMessages } from '../packages/gdpo/src/prompts/gdpo';
import { lastInteger, split } from '../packages/sim/src/calibration';
import { skillsOf } from '../packages/sim/src/diagnose';
import { expresses } from '../packages/sim/src/skills';

const HAS_DATA = findDataDir() !== undefined;
const needsData = (name: string) => (HAS_DATA ? name : `${name} (${NO_DATA_MESSAGE})`);

const task = createSimModel('task');
const large = createSimModel('large');
const OC_SKILLS = skillsOf('object_count');
const INSTRUCTION = prompts.OBJECT_COUNT_INSTRUCTION;

async function wrongSamples(n: number) {
  const out: { question: string; answer: string; output: string }[] = [];
  for (const e of split('object_count')) {
    if (e.task !== 'object_count') continue;
    const output = (
      await task.complete({
        messages: [
          { role: 'system', content: INSTRUCTION },
          { role: 'user', content: tag(TAGS.task.question, e.question) },
        ],
      })
    ).text;
    if (lastInteger(output) !== e.answer) out.push({ question: e.question, answer: e.answer, output });
    if (out.length >= n) break;
  }
  return out;
}

type Wrong = { question: string; answer: string; output: string };

/** One gradient per wrong sample on `p`, with its input and output (and optional extra context). */
function addSampleGradients(
  p: ReturnType<typeof param>,
  samples: Wrong[],
  feedback: (s: Wrong, i: number) => string,
  extra: (s: Wrong) => string = () => '',
): void {
  samples.forEach((s, i) => {
    p.addGradient({
      ...fakeGradient(`s${i}`, i, `g${i}`),
      fromComponentName: 'object_count.counter',
      fromResponseId: `r${i}`,
      feedback: feedback(s, i),
      context: {
        inputOutput: `Input:\n${tag(TAGS.task.question, s.question)}\nOutput:\n${s.output}${extra(s)}`,
        variableRole: 'r',
        responseRole: 'r',
      },
    });
  });
}

describe.skipIf(!HAS_DATA)(needsData('core backward-engine template'), () => {
  it('is recognized as a backward request with all fields, and the sim names concepts', async () => {
    const samples = await wrongSamples(12);
    expect(samples.length).toBeGreaterThan(5);
    let named = 0;
    for (const s of samples) {
      const messages = renderBackwardPrompt({
        target: {
          name: 'object_count.system_prompt',
          role: 'Task instruction',
          kind: 'prompt',
          value: INSTRUCTION,
        },
        peers: [],
        component: { kind: 'generator', name: 'object_count.counter' },
        inputs: tag(TAGS.task.question, s.question),
        otherInputs: [],
        output: s.output,
        groundTruth: s.answer,
        score: 0,
        successorFeedback: [`The answer is wrong; the expected answer is ${s.answer}.`],
      });
      const parsed = parseRequest(messages);
      expect(parsed.role).toBe('backward');
      if (parsed.role !== 'backward') return;
      expect(parsed.fields.target?.value).toBe(INSTRUCTION);
      expect(parsed.fields.target?.kind).toBe('prompt');
      expect(parsed.fields.componentKind).toBe('generator');
      expect(parsed.fields.output).toBe(s.output);
      expect(parsed.fields.groundTruth).toBe(s.answer);
      expect(parsed.fields.score).toBe(0);
      expect(parsed.fields.successorFeedback).toContain('expected answer');
      const fb = (await large.complete({ messages })).text;
      if (OC_SKILLS.some((k) => expresses(k, fb))) named++;
    }
    expect(named / samples.length).toBeGreaterThan(0.5);
  });

  it('a loss review is recognized and judged', async () => {
    const [s] = await wrongSamples(1);
    if (!s) throw new Error('no wrong sample');
    const messages = renderBackwardPrompt({
      target: { name: 'prediction', role: 'the counter output', kind: 'output', value: s.output },
      peers: [],
      component: { kind: 'loss', name: 'object_count.exact_match' },
      inputs: namedInputs([{ name: 'prediction', value: s.output }]),
      otherInputs: [],
      output: '0',
      groundTruth: s.answer,
      score: 0,
      successorFeedback: [],
    });
    expect(parseRequest(messages).role).toBe('backward');
    expect((await large.complete({ messages })).text).not.toMatch(/no noticeable error/);
  });
});

describe.skipIf(!HAS_DATA)(needsData('gdpo optimizer template'), () => {
  it('is recognized, its sections are read, and the sim answer parses', async () => {
    const samples = await wrongSamples(4);
    const p = param(INSTRUCTION, { name: 'object_count.system_prompt', description: 'Task instruction' });
    const quantity = OC_SKILLS[0];
    if (!quantity) throw new Error('no skill');
    addSampleGradients(p, samples, (_, i) => quantity.feedback[i % quantity.feedback.length] as string);
    for (const withFeedback of [true, false]) {
      const messages = buildOptimizerMessages({
        target: { name: p.name, role: p.description, value: INSTRUCTION, trainable: true },
        peers: [],
        otherPrompts: [],
        stepsSinceImprovement: 0,
        history: [{ value: INSTRUCTION, score: 0.78 }],
        failed: [],
        feedback: renderGradients(p, { feedback: withFeedback }),
        constraints: ['Keep the output format line.'],
      });
      const parsed = parseRequest(messages);
      expect(parsed.role).toBe('optimizer');
      if (parsed.role !== 'optimizer') return;
      expect(parsed.fields.target?.value).toBe(INSTRUCTION);
      expect(parsed.fields.history).toEqual([{ value: INSTRUCTION, score: 0.78 }]);
      expect(parsed.fields.samples).toHaveLength(samples.length);
      expect(parsed.fields.samples[0]?.entries[0]?.feedback !== undefined).toBe(withFeedback);
      const answer = (await large.complete({ messages })).text;
      const proposal = parseProposal(answer);
      expect(proposal.ok).toBe(true);
      if (withFeedback && proposal.ok) expect(expresses(quantity, proposal.proposal.value)).toBe(true);
    }
  });
});

describe.skipIf(!HAS_DATA)(needsData('task pipelines'), () => {
  it('every pipeline’s calls are recognized: predictions parse without format errors', async () => {
    const bm25 = await loadBm25();
    for (const name of PIPELINE_NAMES) {
      const splits = await loadTask(name);
      const program = createPipeline(name, { model: task, retriever: bm25.index });
      for (const e of splits.val.slice(0, 3)) {
        const prediction = await program.predict(e);
        expect(prediction.error, `${name}: ${prediction.text.slice(0, 200)}`).toBeUndefined();
      }
    }
  });
});

describe.skipIf(!HAS_DATA)(needsData('baselines templates'), () => {
  const target = { name: 'object_count.system_prompt', role: 'Task instruction', value: INSTRUCTION };

  it('TextGrad chain and base prompts are backward requests; the sim names concepts', async () => {
    const samples = await wrongSamples(12);
    let named = 0;
    for (const s of samples) {
      const messages = chainPrompt({
        target: { ...target, kind: 'prompt' },
        component: 'object_count.counter',
        systemPrompt: INSTRUCTION,
        input: tag(TAGS.task.question, s.question),
        output: s.output,
        usedAs: 'the final answer',
        feedback: [`The output does not match the expected answer (${s.answer}).`],
      });
      const parsed = parseRequest(messages);
      expect(parsed.role).toBe('backward');
      if (parsed.role !== 'backward') return;
      expect(parsed.fields.target?.value).toBe(INSTRUCTION);
      expect(parsed.fields.componentKind).toBe('generator');
      expect(parsed.fields.output).toBe(s.output);
      expect(parsed.fields.peers).toEqual([]);
      expect(parsed.fields.successorFeedback).toContain('expected answer');
      const fb = (await large.complete({ messages })).text;
      if (OC_SKILLS.some((k) => expresses(k, fb))) named++;
    }
    expect(named / samples.length).toBeGreaterThan(0.5);
    const [s] = samples;
    if (!s) throw new Error('no wrong sample');
    const base = basePrompt({
      target: { name: 'prediction', role: 'the counter output', kind: 'output', value: s.output },
      component: 'object_count.exact_match',
      description: 'exact match',
      inputs: `prediction:\n${s.output}\n\nground truth:\n${s.answer}`,
      output: 'score: 0',
      groundTruth: s.answer,
      score: 0,
    });
    const parsed = parseRequest(base);
    expect(parsed.role).toBe('backward');
    if (parsed.role === 'backward') {
      expect(parsed.fields.componentKind).toBe('loss');
      expect(parsed.fields.score).toBe(0);
      expect(parsed.fields.groundTruth).toBe(s.answer);
    }
    expect((await large.complete({ messages: base })).text).not.toMatch(/no noticeable error/i);
  });

  it('TGD and the GEPA reflection are optimizer requests whose answers parse', async () => {
    const samples = await wrongSamples(4);
    const quantity = OC_SKILLS[0];
    if (!quantity) throw new Error('no skill');
    const tgd = tgdPrompt({
      target,
      samples: samples.map((s, i) => ({
        sampleId: `s${i}`,
        entries: [
          {
            context: `Input:\n${tag(TAGS.task.question, s.question)}\nOutput:\n${s.output}`,
            feedback: quantity.feedback[i % quantity.feedback.length] as string,
          },
        ],
      })),
      pastFeedback: ['earlier feedback'],
      constraints: ['Keep the output format line.'],
    });
    const t = parseRequest(tgd);
    expect(t.role).toBe('optimizer');
    if (t.role !== 'optimizer') return;
    expect(t.fields.target?.value).toBe(INSTRUCTION);
    expect(t.fields.samples).toHaveLength(samples.length);
    expect(t.fields.samples[0]?.entries[0]?.feedback).toBeDefined();
    const tgdValue = proposedValue((await large.complete({ messages: tgd })).text);
    expect(tgdValue).toBeDefined();
    expect(expresses(quantity, tgdValue ?? '')).toBe(true);

    const p = param(INSTRUCTION, { name: target.name, description: target.role });
    addSampleGradients(
      p,
      samples,
      () => '',
      (s) => `\nExpected answer:\n${s.answer}`,
    );
    const reflection = reflectionPrompt({ target, examples: renderGradients(p, { feedback: false }) });
    const r = parseRequest(reflection);
    expect(r.role).toBe('optimizer');
    if (r.role !== 'optimizer') return;
    expect(r.fields.samples).toHaveLength(samples.length);
    expect(r.fields.samples[0]?.entries[0]?.score).toBe(0);
    expect(r.fields.samples[0]?.entries[0]?.feedback).toBeUndefined();
    expect(proposedValue((await large.complete({ messages: reflection })).text)).toBeDefined();
  });

  it('MIPRO: the proposal is an optimizer request; the describing requests are described plainly', async () => {
    const [s] = await wrongSamples(1);
    if (!s) throw new Error('no wrong sample');
    const example = `Input:\n${tag(TAGS.task.question, s.question)}\nExpected answer:\n${s.answer}`;
    const proposal = proposalPrompt({
      summary: 'Counting questions.',
      programDescription: 'One call answers a counting question.',
      moduleDescription: 'Counts the objects.',
      target,
      demos: [example],
      tip: TIPS.simple ?? '',
    });
    const parsed = parseRequest(proposal);
    expect(parsed.role).toBe('optimizer');
    if (parsed.role === 'optimizer') expect(parsed.fields.target?.value).toBe(INSTRUCTION);
    expect(proposedValue((await large.complete({ messages: proposal })).text)).toBeDefined();
    const observation = observationPrompt([example], '');
    const describing = [
      observation,
      summaryPrompt('They are counting questions.'),
      programPrompt('object-count', ['object_count.counter'], [target]),
      modulePrompt('One call answers a counting question.', target),
    ];
    for (const messages of describing) expect(parseRequest(messages).role).toBe('describe');
    const [observed, summary, program, module] = await Promise.all(
      describing.map(async (messages) => (await large.complete({ messages })).text),
    );
    // Plain descriptions of what each request shows, never the task model's generic "not sure" reply.
    expect(observed).toMatch(/counting questions/);
    expect(summary).not.toMatch(/not sure/i);
    expect(program).toContain(INSTRUCTION.split('.')[0] as string);
    expect(module).toContain(INSTRUCTION.split('.')[0] as string);
    // Prior observations that already say it all: nothing new.
    const again = (await large.complete({ messages: observationPrompt([example], observed ?? '') })).text;
    expect(again).toBe('COMPLETE');
  });
});
