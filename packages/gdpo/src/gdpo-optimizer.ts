/**
 * GDPO: gradient-driven prompt optimization. One optimizer-LLM call per trainable prompt per proposal,
 * never cached (each proposal must be a fresh sample), seeing everything the paper lists: steps since the
 * last improvement, the variable and its peers, the other prompts of the system, the top-k past values
 * with validation scores, this step's failed proposals, the rendered gradients and the constraints.
 */
import type { CallContext, ChatModel, ChatOptions } from '@llm-autodiff/llm';
import { type Optimizer, type Parameter, renderGradients } from './engine';
import { OptimizerMemory, type OptimizerMemoryState } from './history';
import { parseProposal } from './parse-proposal';
import { buildOptimizerMessages, type OptimizerPromptInput, type PromptVariableView } from './prompts/gdpo';

/** What the optimizer is shown about the batch: full textual gradients, inputs/outputs/scores only, or nothing. */
export type FeedbackMode = 'gradients' | 'scores-only' | 'none';

export interface GdpoOptions {
  /** The optimizer model (called with role 'optimizer', cache disabled). */
  model: ChatModel;
  /** Every prompt parameter of the program, trainable or not (the others are shown as context). */
  parameters: Parameter[];
  /** Top-k past values shown with their validation scores; 0 = the no-history ablation. Default 3. */
  historySize?: number;
  /** Failed proposals of the current step remembered per parameter. Default 5. */
  failedMemory?: number;
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
  /** False when the answer could not be parsed (the old value was kept). */
  parsed: boolean;
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

export class GdpoOptimizer implements Optimizer {
  readonly name = 'gdpo';
  readonly memory: OptimizerMemory;
  readonly stats: GdpoStats = { proposals: 0, calls: 0, parseFailures: 0, unchanged: 0 };
  /** The proposal of each trainable prompt from the last `propose()`. */
  current = new Map<string, ProposalRecord>();
  private readonly params: Parameter[];
  private readonly usePeers: boolean;
  private readonly feedback: FeedbackMode;
  private readonly constraints: string[];
  private pending = false;
  /** Labels of the optimizer calls (the trainer sets `{ step }`); default from the options. */
  labels: Record<string, string | number> | undefined;

  constructor(private readonly opts: GdpoOptions) {
    this.params = opts.parameters.filter((p) => p.kind === 'prompt');
    this.memory = new OptimizerMemory(opts.historySize ?? 3, opts.failedMemory ?? 5);
    this.usePeers = opts.usePeers ?? true;
    this.feedback = opts.feedback ?? 'gradients';
    this.constraints = opts.constraints ?? [];
    this.labels = opts.labels;
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
      failed: this.memory.failedProposals(target.name),
      feedback: this.renderFeedback(target),
      constraints: this.constraints,
      instruction: target.hints.optimizer,
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
    const context: CallContext = { role: 'optimizer', noCache: true, labels: this.labels };
    const answers = await Promise.all(
      inputs.map((input) =>
        this.opts.model.complete(
          { messages: buildOptimizerMessages(input), options: this.opts.options },
          context,
        ),
      ),
    );
    this.current.clear();
    this.stats.proposals += 1;
    targets.forEach((target, i) => {
      this.stats.calls += 1;
      const previous = textOf(target);
      const parsed = parseProposal(answers[i]?.text ?? '');
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
        record = {
          paramId: target.id,
          paramName: target.name,
          previous,
          value: previous,
          method: '',
          reasoning: '',
          parsed: false,
          error: parsed.error,
        };
      }
      target.propose(record.value);
      this.current.set(target.id, record);
    });
    this.pending = true;
    if (!this.changedAnything()) this.stats.unchanged += 1;
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

  /** Drop a pending proposal, if any (a run stopped mid-step keeps its committed values). */
  abandon(): void {
    if (this.pending) this.revert();
  }

  zeroGrad(): void {
    for (const p of this.params) p.zeroGrad();
    this.memory.clearFailed();
  }

  /** Push the current values with their validation score into the top-k history. */
  addScore(score: number): void {
    for (const p of this.trainable()) this.memory.addScore(p.name, textOf(p), score);
  }

  /** Remember the last proposal as failed (call before `revert`), with the score that rejected it. */
  rememberFailure(score?: number): void {
    for (const r of this.current.values()) {
      if (!r.parsed) continue;
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
