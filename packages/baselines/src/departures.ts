/**
 * Each baseline's departures from its reference, row by row of the reference's algorithm (what is
 * sampled, what each call sees and must answer, acceptance, defaults, budget): "same", or what we do
 * instead and why. The package README's tables are rendered from this list (`departuresTable`, checked by
 * departures.test.ts), and the runner's report can show it as data.
 *
 * References: TextGrad (zou-group/textgrad 75e912e, `textgrad/tasks`, `optimizer`, `autograd`), DSPy
 * (stanfordnlp/dspy 4ed377e, `teleprompt/bootstrap.py`, `random_search.py`, `mipro_optimizer_v2.py`,
 * `propose/grounded_proposer.py`), GEPA (gepa-ai/gepa b265bf9, `core/engine.py`, `proposer/`).
 */

export type BaselineName = 'textgrad' | 'bootstrap' | 'bfsrs' | 'mipro' | 'gepa';

export interface DepartureRow {
  /** The row of the reference's algorithm. */
  aspect: string;
  /** What the reference does. */
  reference: string;
  /** "same", or what this port does instead. */
  ours: 'same' | string;
  /** Why it departs (empty for "same"). */
  why: string;
}

/**
 * Parts of a pipeline a method cannot use, by construction: a table cell of that method on such a
 * pipeline gets this footnote. `when` names the step-record detail that shows it per run.
 */
export interface PartialUse {
  method: BaselineName;
  /** Pipelines where it happens with the built-in pipelines. */
  pipelines: string[];
  note: string;
  /** The step records' `details` field naming the parameters concerned. */
  detail: string;
}

export const PARTIAL_USE: PartialUse[] = [
  {
    method: 'textgrad',
    pipelines: ['hotpot-multihop', 'hotpot-cycle', 'hotpot-agent'],
    note: "TextGrad's feedback stops at retrievers and plain functions (as in TextGrad): the query prompts (multi-hop, cycle) get none, and on the agent no prompt does (no backward call); TGD rewrites them from no feedback",
    detail: 'noFeedback',
  },
];

const SAME = 'same';

export const DEPARTURES: Record<BaselineName, DepartureRow[]> = {
  textgrad: [
    {
      aspect: 'loss',
      reference:
        'ObjectCount: a string-based function (`string_based_equality_fn`); other BBH tasks: an LLM judge (`MultiFieldTokenParsedEvaluation`)',
      ours: "the pipeline's loss metric as a string-based function on every task",
      why: "ObjectCount matches the reference: `load_task` tests for object_counting before its generic BBH branch and returns the string function there (initial release 7132c31 to 75e912e), so the paper's TextGrad ObjectCount number comes from a string loss and no LLM judge is ported; TREC and HotPotQA have no reference TextGrad script, so their metric stands in",
    },
    {
      aspect: 'batch, steps',
      reference: 'batch 3, 3 epochs, stop each epoch after 4 batches',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'batches',
      reference: 'a fresh shuffle for every epoch',
      ours: "the trainer's batches: one seeded shuffle per trainer epoch, sliced by step (12 steps read 36 distinct examples)",
      why: 'one batching for every method, so runs resume at any step',
    },
    {
      aspect: 'backward: what each call sees',
      reference:
        'the loss: prediction, ground truth, score; an LLM call: its conversation, the output and the downstream feedback, per predecessor, for every sample',
      ours: 'same (the variable shown whole, not its first and last ten words)',
      why: 'the whole system prompt is in the conversation either way',
    },
    {
      aspect: 'backward: where feedback stops',
      reference: 'retrievers and plain functions return fresh variables: no gradient flows through them',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'optimizer call',
      reference:
        'TGD: one call per parameter with its gradients, constraints; answer in `<IMPROVED_VARIABLE>`',
      ours: 'same, answer read from `<PROPOSED_VALUE>`; an unparsable answer keeps the old value (the reference raises)',
      why: "the project's answer contract",
    },
    {
      aspect: 'gradient memory',
      reference: 'stored but shown by no template (a no-op); off by default',
      ours: 'off by default; when set, the last k steps of feedback really reach TGD',
      why: 'an option that does something',
    },
    {
      aspect: 'acceptance',
      reference: '--run_validation: revert when the validation score falls (a tie keeps the update)',
      ours: 'same, the validation early-stopped once it cannot reach the best score',
      why: 'fewer calls, same decision',
    },
    {
      aspect: 'momentum',
      reference: 'TextualGradientDescentwithMomentum (unused, broken)',
      ours: 'not implemented',
      why: 'unused by the reference runs',
    },
  ],
  bootstrap: [
    {
      aspect: 'teacher',
      reference: 'the student itself unless a teacher program is passed',
      ours: SAME,
      why: '',
    },
    {
      aspect: "teacher's demos",
      reference: 'the teacher gets LabeledFewShot(16) minus the example',
      ours: 'the teacher runs with its demos slots empty',
      why: 'the uncompiled program, so every call leaves a trace',
    },
    {
      aspect: 'success',
      reference: 'metric truthy (or ≥ threshold), trace kept per predictor; stop at max_bootstrapped_demos',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'labeled demos',
      reference: 'raw examples (all fields) up to max_labeled_demos',
      ours: "the final call's rendered input with the gold answer, only for the slot of the call that produced the answer",
      why: "the method does not know the task's fields",
    },
    { aspect: 'rounds', reference: 'max_rounds (default 1)', ours: '1 only', why: 'the default' },
    {
      aspect: 'evaluation',
      reference: 'none',
      ours: 'one full validation to report the score',
      why: 'every method reports one',
    },
  ],
  bfsrs: [
    {
      aspect: 'candidates',
      reference:
        'seeds −3 (zero-shot), −2 (labeled only), −1 (unshuffled bootstrap), then shuffled with a random size',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'selection set',
      reference: 'valset, defaulting to the trainset',
      ours: 'the validation split',
      why: 'every method selects on validation',
    },
    {
      aspect: 'acceptance',
      reference: 'the best score (first of equals)',
      ours: 'same, the starting program included in the bar',
      why: 'never reports below the start',
    },
    {
      aspect: 'stop_at_score',
      reference: 'optional early stop',
      ours: 'not offered',
      why: 'unused by the reference runs',
    },
    {
      aspect: 'randomness',
      reference: 'Random(seed) per candidate',
      ours: "the trainer's seeded RNG",
      why: 'a resume replays it',
    },
  ],
  mipro: [
    {
      aspect: 'demo candidates',
      reference: 'N sets per predictor with the BFSRS seeds; none when max demos are 0 (zero-shot)',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'data summary',
      reference:
        'observation calls over batches of view_data_batch_size raw examples (≤ 10 calls, COMPLETE skipped, stop after 5), then a summary',
      ours: "same calls, over the first `dataSummaryExamples` (30) examples shown as the final call's rendered input and gold answer",
      why: "the method does not know the task's fields, so it runs the task to render them",
    },
    {
      aspect: 'proposals',
      reference:
        'per predictor min(N, demo sets) proposals, each: program description, module description, instruction (3 calls); candidate 0 replaced by the original instruction; duplicates kept',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'program code',
      reference: "the program's source",
      ours: 'its LLM calls in order and their prompts',
      why: 'a TypeScript program has no source to show the proposer',
    },
    {
      aspect: 'search',
      reference:
        'Optuna TPE over (instruction × demo set) per predictor, minibatch trials, full eval every 5',
      ours: 'a seeded startup-then-exploit search (per parameter the best mean option with probability 0.75); same minibatches and full evaluations',
      why: 'no maintained TPE for TypeScript; seeded by the trainer so a resume replays it',
    },
    {
      aspect: 'validation size',
      reference: 'auto light caps val at 100',
      ours: 'not capped',
      why: 'the experiment sets the split sizes',
    },
    {
      aspect: 'teacher',
      reference: 'the student unless teacher settings are given',
      ours: SAME,
      why: '',
    },
  ],
  gepa: [
    {
      aspect: 'parent selection',
      reference: 'per-instance Pareto frontier, weighted by instances won',
      ours: SAME,
      why: '',
    },
    { aspect: 'component', reference: 'round robin per candidate', ours: SAME, why: '' },
    {
      aspect: 'minibatch',
      reference: '3 training examples; skipped when every score is perfect',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'reflection call',
      reference: 'one call with (inputs, outputs, feedback) of the component; new text in a fenced block',
      ours: 'same, feedback = the score; new text from `<PROPOSED_VALUE>`',
      why: "no task-specific feedback function; the project's answer contract",
    },
    {
      aspect: 'acceptance',
      reference: 'child minibatch sum > parent; then full validation and into the pool',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'merge scheduling',
      reference:
        'an accepted reflective mutation makes a merge due; only accepted merges count against max_merge_invocations; a rejected merge ends the iteration',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'merge choice',
      reference: 'ancestor and ties drawn at random',
      ours: 'lowest-index common ancestor; ties to the earlier candidate',
      why: 'deterministic and replayable',
    },
    {
      aspect: 'budget',
      reference: 'max_metric_calls (or DSPy auto → metric calls)',
      ours: SAME,
      why: '',
    },
    {
      aspect: 'evaluation order',
      reference: 'sequential',
      ours: 'concurrent',
      why: 'speed; scores summed in input order',
    },
  ],
};

/** The method's departures as a Markdown table (the README's copy is checked against this). */
export function departuresTable(method: BaselineName): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = ['| aspect | reference | ours | why |', '| --- | --- | --- | --- |'];
  for (const r of DEPARTURES[method])
    lines.push(`| ${esc(r.aspect)} | ${esc(r.reference)} | ${esc(r.ours)} | ${esc(r.why || '—')} |`);
  return lines.join('\n');
}
