/** Test support shared by core's unit tests and the benchmarks (the `./testing` export; never imported by src/). */
import { type ChatModel, readTag, readTags, type ScriptedCall, TAGS } from '@llm-autodiff/llm';
import { runSample } from '../src/context';
import { retriever } from '../src/functional';
import { generator } from '../src/generator';
import type { Gradient } from '../src/gradient';
import { loss } from '../src/loss';
import { param } from '../src/parameter';

const B = TAGS.backward;
const I = TAGS.item;

/** The fields of a backward-engine request, read back by their tags. */
export function backwardFields(call: ScriptedCall) {
  const system = call.request.messages.find((m) => m.role === 'system')?.content ?? '';
  const user = call.request.messages.find((m) => m.role === 'user')?.content ?? '';
  const variable = readTag(user, B.variable) ?? '';
  const component = readTag(user, B.component) ?? '';
  const items = (section: string | undefined, item: string) =>
    readTags(section ?? '', item).map((x) => ({
      name: readTag(x, I.name),
      trainable: readTag(x, I.trainable),
      value: readTag(x, I.value),
    }));
  return {
    isBackward: readTag(system, B.marker) !== undefined,
    target: readTag(variable, I.name),
    targetRole: readTag(variable, I.role),
    targetValue: readTag(variable, I.value),
    kind: readTag(component, I.kind),
    component,
    peers: items(readTag(user, B.peers), I.peer),
    inputs: readTag(user, B.inputs),
    otherInputs: items(readTag(user, B.otherInputs), I.input),
    output: readTag(user, B.output),
    groundTruth: readTag(user, B.groundTruth),
    score: readTag(user, B.score),
    successorFeedback: readTags(readTag(user, B.successorFeedback) ?? '', I.entry),
    user,
  };
}

/** A deterministic feedback text naming the component kind, the target and the sample's question. */
export function echoFeedback(call: { messages: Array<{ role: string; content: string }> }): string {
  const user = call.messages.find((m) => m.role === 'user')?.content ?? '';
  const kind = readTag(readTag(user, B.component) ?? '', I.kind);
  const target = readTag(readTag(user, B.variable) ?? '', I.name);
  const q = /(?:Q:|\bq:\n)(\w+)/.exec(user)?.[1] ?? '?';
  return `fb[${kind}->${target}|${q}]`;
}

/** Resolve after a random 0..maxMs delay: completion order differs from start order. */
export function jitter(maxMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * maxMs));
}

/** A gradient with only what ordering looks at set (sample, forward order, id). */
export function fakeGradient(sampleId: string, forwardOrder: number, id: string): Gradient {
  return {
    id,
    sampleId,
    fromComponentId: 'c',
    fromComponentName: 'c',
    fromResponseId: id,
    toParamId: '',
    callIndex: 0,
    forwardOrder,
    order: 0,
    score: 0,
    feedback: id,
    isCopy: false,
    isSkipped: false,
    isFailure: false,
    context: { inputOutput: '', variableRole: '', responseRole: '' },
  };
}

/**
 * One train-mode sample 'r1' of query generator -> retriever (top `k` of two documents) -> answer
 * generator -> exact-match loss against `expected`; the task model answers the query, then the answer.
 */
export function ragSample(task: ChatModel, opts: { k: number; expected: string }) {
  const qInstr = param('Write a query.', { name: 'query.instr', description: 'query instruction' });
  const aInstr = param('Answer.', { name: 'answer.instr', description: 'answer instruction' });
  const query = generator({
    name: 'query',
    model: task,
    system: [qInstr],
    user: (x: { q: string }) => `Q:${x.q}`,
  });
  const search = retriever((s: string, k: number) => [`doc about ${s}`, 'other'].slice(0, k), {
    k: opts.k,
    name: 'search',
  });
  const answer = generator({
    name: 'answer',
    model: task,
    system: [aInstr],
    user: (x: { q: string; docs: string[] }) => `Q:${x.q}\n${x.docs.join('\n')}`,
  });
  return runSample('r1', 'train', async () => {
    const docs = await search(await query({ q: 'capital' }));
    return loss(await answer({ q: 'capital', docs }), opts.expected, (p, g) => (p === g ? 1 : 0));
  });
}

/**
 * query generator -> answer generator (with a non-trainable format peer) -> exact-match loss; `run(id, q,
 * gt)` runs one train-mode sample. The task model answers both calls (the answer call's user message has
 * `hint:`, the query call's does not).
 */
export function queryAnswerChain(task: ChatModel) {
  const qInstr = param('Write a query.', { name: 'query.instr', description: 'query instruction' });
  const aInstr = param('Answer briefly.', {
    name: 'answer.instr',
    description: 'answer instruction',
    hints: { backward: 'keep it short' },
  });
  const aFormat = param('One word.', {
    name: 'answer.format',
    description: 'output format',
    trainable: false,
  });
  const query = generator({
    name: 'query',
    model: task,
    system: [qInstr],
    user: (x: { q: string }) => `Q:${x.q}`,
  });
  const answer = generator({
    name: 'answer',
    model: task,
    system: [aInstr, aFormat],
    user: (x: { q: string; hint: string }) => `Q:${x.q}\nhint: ${x.hint}`,
  });
  const exact = (p: unknown, g: unknown) => (p === g ? 1 : 0);
  const run = (id: string, q: string, gt: string) =>
    runSample(id, 'train', async () =>
      loss(await answer({ q, hint: await query({ q }) }), gt, exact, { description: 'exact match' }),
    );
  return { qInstr, aInstr, aFormat, run };
}
