import type { Budget } from './budget';
import { ManagedModel } from './managed-model';
import { type ModelControls, resolveModelControls, validateModelControls } from './model-controls';
import { createModel, type ProviderOptions } from './registry';
import type { ResilienceOptions, RetryInfo } from './resilience';
import type { ResponseCache } from './response-cache';
import type { Semaphore } from './semaphore';
import type { CallContext, CallRole, ChatModel, ChatRequest, ChatResponse } from './types';
import type { Labels, UsageLedger } from './usage-ledger';

export interface ModelPoolOptions {
  ledger?: UsageLedger;
  cache?: ResponseCache;
  budget?: Budget;
  /** Labels on every ledger entry (e.g. `{ experiment }`). */
  labels?: Labels;
  /** The run's cache salt (`runCacheSalt({ seed, repeat })`), shared by every model of the pool. */
  runSalt?: string;
  /** Aborting it stops every model of the pool from sending (see `ManagedModelOptions.stopSignal`). */
  stopSignal?: AbortSignal;
  /** Controls for every model (the runner's `--timeout`, `--max-retries`, `--max-concurrency`). */
  controls?: ModelControls;
  /** Per-model controls, keyed by the spec as written or by the canonical id; they win over `controls`. */
  perModel?: Readonly<Record<string, ModelControls>>;
  /**
   * The caller's own parallelism (e.g. `--concurrency`). A model without an explicit `maxConcurrency`
   * gets at least this many requests in flight, so asking for more is never silently capped.
   */
  concurrency?: number;
  /** Passed to the provider factory (base URL for specs without one, env, settings). */
  provider?: ProviderOptions;
  /** Creates a raw model from a spec (default `createModel`, the provider registry). */
  create?: (spec: string, options: ProviderOptions) => ChatModel;
  /**
   * The concurrency limit of a model, by canonical id, when it is shared beyond this pool (a sweep's
   * runs share one per model); default: a limit of its own per model, from its controls.
   */
  semaphoreFor?: (modelId: string) => Semaphore;
  /** One handler for every model's retries, e.g. `retryReporter({ log })`, so its rate limit is global. */
  onRetry?: (info: RetryInfo) => void;
  /** Backoff tuning and test clocks, passed to every model's retry layer. */
  resilience?: Pick<
    ResilienceOptions,
    'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs' | 'sleep' | 'random' | 'now'
  >;
}

/** What the pool built for one canonical model: for manifests and reports. */
export interface PooledModelInfo {
  id: string;
  /** Specs, as written, that resolved to this model. */
  specs: string[];
  /** Roles bound to it through `forRole`/`bind`. */
  roles: string[];
  controls: Required<ModelControls>;
}

/**
 * One `ManagedModel` per distinct endpoint and model (canonical id, which includes a non-default base
 * URL), shared by every role that uses it: one concurrency limit, one cache, one ledger, one budget.
 * Roles get thin views (`RoleModel`) that only supply the default accounting role of their calls, so
 * four roles on one endpoint never get four separate concurrency limits.
 */
export class ModelPool {
  private readonly byId = new Map<string, { model: ManagedModel; info: PooledModelInfo }>();
  private readonly bySpec = new Map<string, string>();

  constructor(private readonly options: ModelPoolOptions = {}) {
    if (options.controls) validateModelControls(options.controls, 'model controls');
    for (const [spec, c] of Object.entries(options.perModel ?? {}))
      validateModelControls(c, `model controls of ${spec}`);
    const n = options.concurrency;
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 1))
      throw new Error(`model pool: concurrency must be an integer >= 1, got ${JSON.stringify(n)}`);
  }

  /** The shared managed model of `spec`, created on first use. Throws `ModelSpecError` for a bad spec. */
  model(spec: string): ManagedModel {
    const known = this.bySpec.get(spec);
    if (known !== undefined) return (this.byId.get(known) as { model: ManagedModel }).model;
    const create = this.options.create ?? createModel;
    // The client's own timeout must not cut a request the retry layer would still wait for.
    const early = resolveModelControls([this.options.perModel?.[spec], this.options.controls]);
    const provider = this.options.provider ?? {};
    const inner = create(
      spec,
      early.timeoutMs > 0 ? { timeoutMs: early.timeoutMs + 1000, ...provider } : provider,
    );
    let entry = this.byId.get(inner.id);
    if (!entry) {
      const o = this.options;
      const controls = resolveModelControls(
        [o.perModel?.[spec], o.perModel?.[inner.id], o.controls],
        o.concurrency,
      );
      const model = new ManagedModel(inner, {
        ledger: o.ledger,
        cache: o.cache,
        budget: o.budget,
        labels: o.labels,
        runSalt: o.runSalt,
        stopSignal: o.stopSignal,
        now: o.resilience?.now,
        limits: {
          ...o.resilience,
          concurrency: controls.maxConcurrency,
          semaphore: o.semaphoreFor?.(inner.id),
          timeoutMs: controls.timeoutMs,
          maxRetries: controls.maxRetries,
          onRetry: o.onRetry,
        },
      });
      entry = { model, info: { id: inner.id, specs: [], roles: [], controls } };
      this.byId.set(inner.id, entry);
    }
    if (!entry.info.specs.includes(spec)) entry.info.specs.push(spec);
    this.bySpec.set(spec, inner.id);
    return entry.model;
  }

  /** A view of the shared model of `spec` whose calls default to `role` in the ledger and budget. */
  forRole(role: CallRole, spec: string): RoleModel {
    const model = this.model(spec);
    const info = this.byId.get(model.id)?.info;
    if (info && !info.roles.includes(role)) info.roles.push(role);
    return new RoleModel(role, model);
  }

  /** `{ task: 'openai:x', backward: 'openai:x', ... }` -> a role view each, over shared models. */
  bind<R extends string>(specs: Readonly<Record<R, string>>): Record<R, RoleModel> {
    const out = {} as Record<R, RoleModel>;
    for (const role of Object.keys(specs) as R[]) out[role] = this.forRole(role, specs[role]);
    return out;
  }

  /** Every distinct model built so far, in creation order. */
  describe(): PooledModelInfo[] {
    return [...this.byId.values()].map(({ info }) => ({
      ...info,
      specs: [...info.specs],
      roles: [...info.roles],
      controls: { ...info.controls },
    }));
  }
}

/**
 * A role's view of a shared `ManagedModel`: calls without their own `role` are accounted to this one;
 * a call that names a role (e.g. the teacher pipeline running on the task model) keeps it.
 */
export class RoleModel implements ChatModel {
  readonly id: string;

  constructor(
    readonly role: CallRole,
    readonly model: ManagedModel,
  ) {
    this.id = model.id;
  }

  complete(request: ChatRequest, context?: CallContext): Promise<ChatResponse> {
    return this.model.complete(request, { ...context, role: context?.role ?? this.role });
  }
}

/** Shorthand: a pool and its role views in one call. */
export function modelSet<R extends string>(
  specs: Readonly<Record<R, string>>,
  options: ModelPoolOptions = {},
): { pool: ModelPool; models: Record<R, RoleModel> } {
  const pool = new ModelPool(options);
  return { pool, models: pool.bind(specs) };
}
