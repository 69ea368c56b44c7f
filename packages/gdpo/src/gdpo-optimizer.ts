/**
 * GDPO: gradient-driven prompt optimization. One optimizer-LLM call per trainable prompt per proposal,
 * seeing everything the paper lists: steps since the last improvement, the variable and its peers, the
 * other prompts of the system, the top-k past values with validation scores, this step's failed proposals,
 * the rendered gradients and the constraints.
 *
 * Every proposal is cached under its own salt (base salt, step, index of the proposal in the step): a
 * proposal is a fresh sample, yet a re-run or a resumed run with the same base salt replays it. (The
 * reference disables the cache for these calls; replaying needs it.)
 */
import { type Parameter, renderGradients } from '@llm-autodiff/core';
import type { CallContext, ChatModel, ChatOptions } from '@llm-autodiff/llm';
import { OptimizerMemory, type OptimizerMemoryState } from './history';
import { parseProposal } from './parse-proposal';
import { buildOptimizerMessages, type OptimizerPromptInput, type PromptVariableView } from './prompts/gdpo';

/** What the optimizer is shown about the batch: full textual gradients, inputs/outputs/scores only, or nothing. */
export type FeedbackMode = 'gradients' | 'scores-only' | 'none';

/** How rejected proposals are shown: method and reasoning only (the reference), or also value and score. */
export type FailedProposalRendering = 'reference' | 'full';

/** On an unparseable answer: keep the old value, or take the raw answer text as the proposal (the reference). */
export type ParseFailureBehaviour = 'keep' | 'raw';

export interface GdpoOptions {
  /** The optimizer model (called with role 'optimizer', every proposal cached under its own salt). */
  model: ChatModel;
  /** Every prompt parameter of the program, trainable or not (the others are shown as context). */
  parameters: Parameter[];
  /**
   * Top-k past values shown with their validation scores; 0 = the no-history ablation. Default 3 (the
   * reference optimizer's default; its training scripts use 2 for ObjectCount, TREC and vanilla RAG, 5 for
   * multi-hop and agent, 3 for the cycle).
   */
  historySize?: number;
  /** Failed proposals of the current step remembered per parameter. Default 5 (as the reference). */
  failedMemory?: number;
  /** Default 'full'; the reference shows 'reference' (method and reasoning only). */
  failedRendering?: FailedProposalRendering;
  /** Default 'keep' (chatter never becomes a prompt); the reference does 'raw'. */
  onParseFailure?: ParseFailureBehaviour;
  /**
   * Show the prompting-techniques section of the optimizer's instructions. Default true (as the
   * reference); false = the paper's Table 3 ablation without prompt-engineering techniques.
   */
  promptTechniques?: boolean;
  /**
   * Sampling temperature of every optimizer request; overrides `options.temperature`. Default: unset
   * (the provider's default). The reference samples its optimizer at temperature 1.
   */
  temperature?: number;
  /**
   * Base of each proposal's cache salt, e.g. the run's seed and repeat (so repeats sample anew); the step
   * and the proposal's index within the step are appended. Default ''.
   */
  cacheSalt?: string;
  /** Show the other slots of the same component. Default true; false = the no-peers ablation. */
  usePeers?: boolean;
  feedback?: FeedbackMode;
  constraints?: string[];
  options?: ChatOptions;
  labels?: Record<string, string | number>;
}

export interface ProposalRecord {
  paramId: string;
  paramName: string;
  previous: string;
  value: string;
  method: string;
  reasoning: string;
  /** False when the answer could not be parsed (the old value was kept, or `raw` holds the answer). */
  parsed: boolean;
  /** True when the unparseable answer itself became the proposal (`onParseFailure: 'raw'`). */
  raw?: boolean;
  error?: string;
}

export interface GdpoStats {
  proposals: number;
  calls: number;
  parseFailures: number;
  /** Proposals whose value equals the current one (nothing to evaluate). */
  unchanged: number;
}

export interface GdpoState {
  memory: OptimizerMemoryState;
  stats: GdpoStats;
}

function textOf(p: Parameter): string {
  return typeof p.value === 'string' ? p.value : p.display();
}

function view(p: Parameter): PromptVariableView {
  return { name: p.name, role: p.description, value: textOf(p), trainable: p.trainable };
}

export class GdpoOptimizer {
  readonly name = 'gdpo';
  readonly memory: OptimizerMemory;
  readonly stats: GdpoStats = { proposals: 0, calls: 0, parseFailures: 0, unchanged: 0 };
  /** The proposal of each trainable prompt from the last `propose()`. */
  current = new Map<string, ProposalRecord>();
  private readonly params: Parameter[];
  private readonly usePeers: boolean;
  private readonly feedback: FeedbackMode;
  private readonly constraints: string[];
  private readonly failedRendering: FailedProposalRendering;
  private readonly onParseFailure: ParseFailureBehaviour;
  private readonly promptTechniques: boolean;
  private pending = false;
  /** Steps begun (zeroGrad calls), the step label when the trainer gives none; proposals since then. */
  private stepsBegun = 0;
  private proposalsThisStep = 0;
  /** Labels of the optimizer calls (the trainer sets `{ step }`); default from the options. */
  labels: Record<string, string | number> | undefined;

  constructor(private readonly opts: GdpoOptions) {
    this.params = opts.parameters.filter((p) => p.kind === 'prompt');
    this.memory = new OptimizerMemory(opts.historySize ?? 3, opts.failedMemory ?? 5);
    this.usePeers = opts.usePeers ?? true;
    this.feedback = opts.feedback ?? 'gradients';
    this.constraints = opts.constraints ?? [];
    this.failedRendering = opts.failedRendering ?? 'full';
    this.onParseFailure = opts.onParseFailure ?? 'keep';
    this.promptTechniques = opts.promptTechniques ?? true;
    this.labels = opts.labels;
    if (this.failedRendering !== 'reference' && this.failedRendering !== 'full')
      throw new Error(
        `GdpoOptimizer: failedRendering must be 'reference' or 'full', got ${String(this.failedRendering)}`,
      );
    if (this.onParseFailure !== 'keep' && this.onParseFailure !== 'raw')
      throw new Error(
        `GdpoOptimizer: onParseFailure must be 'keep' or 'raw', got ${String(this.onParseFailure)}`,
      );
    if (opts.temperature !== undefined && !(Number.isFinite(opts.temperature) && opts.temperature >= 0))
      throw new Error(`GdpoOptimizer: temperature must be a number >= 0, got ${opts.temperature}`);
    if (this.trainable().length === 0)
      throw new Error('GdpoOptimizer: no trainable prompt parameter among the parameters given');
    // Memory is keyed by name so a checkpoint restores it in another process (ids are per process).
    const names = new Set<string>();
    for (const p of this.trainable()) {
      if (names.has(p.name))
        throw new Error(`GdpoOptimizer: two trainable prompts are named "${p.name}"; names must be unique`);
      names.add(p.name);
    }
  }

  trainable(): Parameter[] {
    return this.params.filter((p) => p.trainable);
  }

  /** The prompt the optimizer would receive for `target` right now (exposed for tests and debugging). */
  promptInput(target: Parameter): OptimizerPromptInput {
    const peers = target.peers.filter((p) => p.id !== target.id);
    const excluded = new Set([target.id, ...peers.map((p) => p.id)]);
    return {
      target: view(target),
      peers: this.usePeers ? peers.map(view) : undefined,
      otherPrompts: this.params.filter((p) => !excluded.has(p.id)).map(view),
      stepsSinceImprovement: this.memory.stepsSinceImprovement,
      history: this.memory.historySize > 0 ? this.memory.pastValues(target.name) : undefined,
      failed: this.memory
        .failedProposals(target.name)
        .map((f) => (this.failedRendering === 'full' ? f : { method: f.method, reasoning: f.reasoning })),
      feedback: this.renderFeedback(target),
      constraints: this.constraints,
      instruction: target.hints.optimizer,
      promptTechniques: this.promptTechniques,
    };
  }

  private renderFeedback(target: Parameter): string | undefined {
    switch (this.feedback) {
      case 'none':
        return undefined;
      case 'scores-only':
        return renderGradients(target, { feedback: false });
      case 'gradients':
        return renderGradients(target);
    }
  }

  async propose(): Promise<void> {
    const targets = this.trainable();
    // Build every prompt before any value changes: a proposal for one prompt must see the others as they are.
    const inputs = targets.map((t) => this.promptInput(t));
    const context: CallContext = { role: 'optimizer', cacheSalt: this.proposalSalt(), labels: this.labels };
    this.proposalsThisStep += 1;
    const options =
      this.opts.temperature === undefined
        ? this.opts.options
        : { ...this.opts.options, temperature: this.opts.temperature };
    const answers = await Promise.all(
      inputs.map((input) =>
        this.opts.model.complete({ messages: buildOptimizerMessages(input), options }, context),
      ),
    );
    this.current.clear();
    this.stats.proposals += 1;
    targets.forEach((target, i) => {
      this.stats.calls += 1;
      const previous = textOf(target);
      const text = answers[i]?.text ?? '';
      const parsed = parseProposal(text);
      let record: ProposalRecord;
      if (parsed.ok) {
        record = {
          paramId: target.id,
          paramName: target.name,
          previous,
          value: parsed.proposal.value,
          method: parsed.proposal.method,
          reasoning: parsed.proposal.reasoning,
          parsed: true,
        };
      } else {
        this.stats.parseFailures += 1;
        const raw = this.onParseFailure === 'raw' && text.trim() !== '';
        record = {
          paramId: target.id,
          paramName: target.name,
          previous,
          value: raw ? text.trim() : previous,
          method: '',
          reasoning: '',
          parsed: false,
          error: parsed.error,
          ...(raw ? { raw: true } : {}),
        };
      }
      target.propose(record.value);
      this.current.set(target.id, record);
    });
    this.pending = true;
    if (!this.changedAnything()) this.stats.unchanged += 1;
  }

  /** `<base>|step=<step>|proposal=<n>`: one cache entry per proposal of a step, the same on a re-run. */
  proposalSalt(): string {
    const step = this.labels?.step ?? this.stepsBegun;
    return `${this.opts.cacheSalt ?? ''}|step=${step}|proposal=${this.proposalsThisStep}`;
  }

  /** True when the last proposal changed at least one value (otherwise evaluating it is pointless). */
  changedAnything(): boolean {
    return [...this.current.values()].some((r) => r.value !== r.previous);
  }

  revert(): void {
    if (!this.pending) throw new Error('GdpoOptimizer.revert() without a pending proposal');
    for (const p of this.trainable()) p.revert();
    this.pending = false;
  }

  step(): void {
    if (!this.pending) throw new Error('GdpoOptimizer.step() without a pending proposal');
    for (const p of this.trainable()) p.commit();
    this.pending = false;
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
    this.memory.clearFailed();
    this.stepsBegun += 1;
    this.proposalsThisStep = 0;
  }

  /** Push the current values with their validation score into the top-k history. */
  addScore(score: number): void {
    for (const p of this.trainable()) this.memory.addScore(p.name, textOf(p), score);
  }

  /** Remember the last proposal as failed (call before `revert`), with the score that rejected it. */
  rememberFailure(score?: number): void {
    for (const r of this.current.values()) {
      if (!r.parsed && !r.raw) continue;
      this.memory.addFailed(r.paramName, { method: r.method, reasoning: r.reasoning, value: r.value, score });
    }
  }

  improved(): void {
    this.memory.stepsSinceImprovement = 0;
  }

  notImproved(): void {
    this.memory.stepsSinceImprovement += 1;
  }

  state(): GdpoState {
    return { memory: this.memory.toJSON(), stats: { ...this.stats } };
  }

  restore(state: GdpoState): void {
    this.memory.restore(state.memory);
    Object.assign(this.stats, state.stats);
  }
}
