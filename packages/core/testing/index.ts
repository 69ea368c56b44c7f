/** Test support shared by core's unit tests (the `./testing` export; never imported by src/). */
import { readTag, readTags, type ScriptedCall, TAGS } from '@llm-autodiff/llm';

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
