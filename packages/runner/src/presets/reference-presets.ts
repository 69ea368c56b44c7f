/**
 * The reference's settings per pipeline: what AdalFlow's training scripts pass (commit 32fd7b536,
 * 2025-01-29, one day after the paper), read from `use_cases/config.py`, the `Trainer` defaults and each
 * script's `train()` and `__main__`. Methods do not know tasks, so this table lives in the runner;
 * `autodiff train` starts from the pipeline's preset (see `resolve.ts` for the overrides).
 *
 * Behaviour switches where we depart from the reference (parse failures, backward accounting, the
 * ObjectCount parser) keep OUR default here (failed-proposal rendering uses the reference's); each is listed with the value that
 * restores the reference in `deviations.ts` and the README ("Deviations from the reference").
 */
import { DEFAULT_GDPO_CONFIG } from '@llm-autodiff/gdpo';
import type { PipelineName } from '@llm-autodiff/tasks';
import { deepMerge, type RoleSettings, type RunSettings, type SettingsInput } from './settings';

export interface Preset {
  /** Recorded in results, e.g. `adalflow:object-count`. */
  name: string;
  /** The reference script the values come from. */
  source: string;
  settings: RunSettings;
  /** What a reader of the values should know (quirks of the scripts). */
  notes: string[];
}

/** `gpt_3_model` of use_cases/config.py: the task model (frequency/presence penalty 0 = provider default). */
const GPT35: RoleSettings = { reference: 'gpt-3.5-turbo-0125', temperature: 0, topP: 0.99, maxTokens: 2000 };
/** `gpt_4o_model`: backward engine, optimizer and (mostly) teacher; no max tokens. */
const GPT4O: RoleSettings = { reference: 'gpt-4o', temperature: 1, topP: 0.99 };

/**
 * Trainer defaults (trainer.py), the same in every script unless a preset says otherwise. GDPO's own
 * defaults are the reference Trainer's (steps 12, batch 4, 5 proposals, 2 + 2 samples, thresholds 0.9 /
 * 0.5, moving batch 20 / 4, history 3 = TGDOptimizer's default); the presets test checks every value.
 */
const BASE: RunSettings = {
  gdpo: {
    ...DEFAULT_GDPO_CONFIG,
    // The reference's rendering of rejected proposals: it measured at least as well on the simulated
    // world (README, deviations), so the presets use it; GDPO's library default stays 'full'.
    failedRendering: 'reference',
    // The paper's pipelines have no demos slot (commented out in every task), so no demo phase runs;
    // `--demo-steps N` adds a slot (object-count, trec) and uses these shots.
    demos: { steps: 0, bootstrapShots: 4, rawShots: 0, weighted: false, teacherInputs: true },
  },
  // Early stopping of a validation that cannot win is ours (the reference submits every call anyway).
  trainer: { seed: 2025, concurrency: 4, earlyStopValidation: true },
  pipeline: { objectCountParser: 'ours' },
  models: { task: GPT35, backward: GPT4O, optimizer: GPT4O, teacher: GPT4O },
};

function preset(pipeline: PipelineName, source: string, patch: SettingsInput, notes: string[] = []): Preset {
  const settings = structuredClone(deepMerge(BASE, patch));
  return { name: `adalflow:${pipeline}`, source, settings, notes };
}

const NO_TG_NOTE =
  "the script's --use_tg flag defaults to on (store_false) but its BackwardPassSetup goes to Trainer(), which swallows it: selective gradients stay on";

export const PRESETS: Record<PipelineName, Preset> = {
  'object-count': preset(
    'object-count',
    'use_cases/question_answering/bbh/object_count/train_new.py',
    {
      gdpo: {
        historySize: 2,
        demos: { bootstrapShots: 1, rawShots: 0, weighted: false, teacherInputs: false },
      },
    },
    ['exclude_input_fields_from_bootstrap_demos=True is passed by __main__ (teacher demos without inputs)'],
  ),
  trec: preset('trec', 'use_cases/classification/train.py', {
    gdpo: {
      historySize: 2,
      demos: { bootstrapShots: 4, rawShots: 36, weighted: true, teacherInputs: true },
    },
  }),
  'hotpot-vanilla': preset(
    'hotpot-vanilla',
    'benchmarks/hotpot_qa/adal_exp/train_vanilla_rag.py',
    {
      gdpo: {
        historySize: 2,
        demos: { bootstrapShots: 4, rawShots: 0, weighted: false, teacherInputs: false },
      },
    },
    ['retriever top_k 3 (passages_per_hop=3)', NO_TG_NOTE],
  ),
  'hotpot-multihop': preset(
    'hotpot-multihop',
    'benchmarks/hotpot_qa/adal_exp/train_multi_hop_rag.py',
    {
      gdpo: {
        historySize: 5,
        demos: { bootstrapShots: 2, rawShots: 2, weighted: false, teacherInputs: false },
      },
      trainer: { concurrency: 10 },
    },
    ['2 hops, 2 passages per hop; num_workers=10'],
  ),
  'hotpot-cycle': preset(
    'hotpot-cycle',
    'benchmarks/hotpot_qa/adal_exp/train_multi_hop_rag_cycle.py',
    {
      gdpo: {
        steps: 24,
        historySize: 3,
        demos: { bootstrapShots: 4, rawShots: 0, weighted: true, teacherInputs: false },
      },
      models: { teacher: GPT35 },
    },
    [
      'max_steps=24; no text_optimizers_config_kwargs, so the optimizer default history (3); max_proposals_per_step is accepted but not passed to Trainer (its default, 5)',
      'the teacher is gpt_3_model (gpt-3.5-turbo-0125), not gpt-4o',
      NO_TG_NOTE,
    ],
  ),
  'hotpot-agent': preset(
    'hotpot-agent',
    'benchmarks/hotpot_qa/adal_exp/train_agent_rag.py',
    {
      gdpo: {
        historySize: 5,
        demos: { bootstrapShots: 4, rawShots: 0, weighted: true, teacherInputs: false },
      },
    },
    ['ReAct with at most 3 steps, retriever top_k 2', NO_TG_NOTE],
  ),
};

/**
 * A built-in pipeline's reference preset; a user's own program starts from the shared defaults. A fresh
 * copy: callers may change it.
 */
export function presetOf(pipeline: PipelineName | (string & {})): Preset {
  const known = (PRESETS as Partial<Record<string, Preset>>)[pipeline];
  if (known) return structuredClone(known);
  return {
    name: 'default',
    source: 'the reference Trainer defaults (no reference script exists for a custom program)',
    settings: structuredClone(BASE),
    notes: [],
  };
}
