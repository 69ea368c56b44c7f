/**
 * Starting prompts of the six pipelines, in our own words with the paper's intent: generic
 * instructions that a real model follows, leaving the task-specific tricks for the optimizer to find.
 * Output formats are separate, non-trainable prompt slots (peers of the instruction).
 */

export const OBJECT_COUNT_INSTRUCTION =
  "You will answer a reasoning question. Think step by step. The last line of your response should be of the form 'Answer: $VALUE' where VALUE is a number.";

export const TREC_INSTRUCTION = [
  'You are a question classifier. Given a question, choose the one class that describes the kind of answer the question expects.',
  'Classes (index. name: description):',
  '0. ABBR: abbreviation',
  '1. ENTY: entity',
  '2. DESC: description and abstract concept',
  '3. HUM: human being',
  '4. LOC: location',
  '5. NUM: numeric value',
  'Do not answer the question itself.',
].join('\n');

export const TREC_FORMAT =
  'Respond with a JSON object with exactly these keys: {"rationale": "<your reasoning, step by step>", "class_name": "<one of ABBR, ENTY, DESC, HUM, LOC, NUM>"}. Output only the JSON object.';

export const HOTPOT_ANSWER_INSTRUCTION =
  'Answer the question with a short factoid answer. You will receive context made of retrieved passages that contain relevant facts. Think step by step.';

export const HOTPOT_ANSWER_FORMAT =
  'Respond with a JSON object with exactly these keys: {"reasoning": "<your reasoning, step by step>", "answer": "<the short answer>"}. Output only the JSON object.';

/** Shared hint of the answer instruction (the paper gives the same hint to backward engine and optimizer). */
export const HOTPOT_ANSWER_HINT =
  'Look for where the correct answer comes from in the context, and make sure the right answer is extracted from it.';

export const HOTPOT_QUERY_INSTRUCTION =
  'You will receive a question and, when there was a previous search, the previous search query and the passages it retrieved. Write the next search query to retrieve the facts still needed to answer the question. Think step by step.';

export const HOTPOT_QUERY_FORMAT =
  'Respond with a JSON object with exactly these keys: {"reasoning": "<your reasoning, step by step>", "query": "<the search query>"}. Output only the JSON object.';

export const REACT_INSTRUCTION = [
  'You are a planner that answers a question by calling tools, one step at a time.',
  'At each step, read the previous steps (thought, action, input and observation) and choose exactly one tool to call next.',
  'If the question is simple, call finish right away. If it is complex, split it into sub-questions and use one tool per step.',
  'Always end by calling finish with the answer.',
].join('\n');

export const REACT_SEARCH_DESCRIPTION =
  'Retrieves the 2 most relevant Wikipedia passages, using the input as the search query. Use it to gather the facts needed to answer the question.';

export const REACT_FINISH_DESCRIPTION = 'Finish the task with the final answer as the input.';

export const REACT_FORMAT =
  'Respond with a JSON object with exactly these keys: {"thought": "<your reasoning for this step>", "action": "<search or finish>", "input": "<the search query, or the final answer when you finish>"}. Output only the JSON object.';
