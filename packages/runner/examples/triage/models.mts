// Models of your own for an offline loop check: `--task-model module:models.mts#task` (and #backward,
// #optimizer). The task model is a rule table that follows its instruction; the backward engine and the
// optimizer are scripted: they read the requests' tagged sections (packages/runner/ROLES.md) and answer
// in the form each role must use. No network, no simulated world.
import { readTag, ruleModel, ScriptedModel, TAGS } from '@llm-autodiff/llm';

const OUTAGE = /\b(down|outage)\b/i;
const BILLING = /\b(charged?|billing|invoice)\b/i;

/** Labels a message high or medium only when its instruction says which messages are. */
export const task = ruleModel(
  [
    {
      when: 'Message:',
      answer: ({ system, user }) => {
        const message = user.replace(/^Message: /, '');
        if (OUTAGE.test(message) && /outage/i.test(system)) return 'Urgency: high';
        if (BILLING.test(message) && /billing/i.test(system)) return 'Urgency: medium';
        return 'Urgency: low';
      },
    },
  ],
  { id: 'rules:triage' },
);

/** Critiques a wrong label by naming what the instruction should say about such messages. */
export const backward = ScriptedModel.fn(
  ({ messages }) => {
    const text = messages.map((m) => m.content).join('\n');
    const truth = readTag(text, TAGS.backward.groundTruth) ?? '';
    const inputs = readTag(text, TAGS.backward.inputs) ?? text;
    if (/high/.test(truth) && OUTAGE.test(inputs))
      return 'Wrong label: the instruction should say that reports of an outage or a service that is down are high urgency.';
    if (/medium/.test(truth) && BILLING.test(inputs))
      return 'Wrong label: the instruction should say that billing problems (charges, invoices) are medium urgency.';
    const feedback = readTag(text, TAGS.backward.successorFeedback);
    return feedback && /instruction should/.test(feedback) ? feedback : 'No change needed.';
  },
  { id: 'scripted:backward' },
);

/** Adds the sentence the feedback asks for, in the optimizer's answer form. */
export const optimizer = ScriptedModel.fn(
  ({ messages }) => {
    const text = messages.map((m) => m.content).join('\n');
    const target = readTag(text, TAGS.optimizer.variable) ?? '';
    const value = readTag(target, TAGS.item.value) ?? '';
    const feedback = readTag(text, TAGS.optimizer.gradients) ?? '';
    let next = value;
    if (/outage/.test(feedback) && !/outage/i.test(value)) next += ' Reports of an outage are high urgency.';
    else if (/billing/.test(feedback) && !/billing/i.test(value))
      next += ' Billing problems are medium urgency.';
    const A = TAGS.optimizer.answer;
    return `<${A.reasoning}>The feedback names a missing rule.</${A.reasoning}>\n<${A.method}>add a rule</${A.method}>\n<${A.value}>${next}</${A.value}>`;
  },
  { id: 'scripted:optimizer' },
);
