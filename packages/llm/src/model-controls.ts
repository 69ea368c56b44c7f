import { ModelControlsError } from './errors';

/**
 * What a user may set per model (the runner's `--timeout`, `--max-retries`, `--max-concurrency`).
 * Every field is optional; unset fields take `DEFAULT_MODEL_CONTROLS`, except `maxConcurrency`,
 * which a `ModelPool` raises to the caller's own parallelism so a run is never capped silently.
 */
export interface ModelControls {
  /** Per-attempt timeout in ms; `0` disables it. */
  timeoutMs?: number;
  /** Retries after the first attempt (so `maxRetries + 1` attempts at most). */
  maxRetries?: number;
  /** Requests in flight at once to this model, shared by every role that uses it. */
  maxConcurrency?: number;
}

export const DEFAULT_MODEL_CONTROLS: Readonly<Required<ModelControls>> = Object.freeze({
  timeoutMs: 120_000,
  maxRetries: 4,
  maxConcurrency: 4,
});

/** Throws `ModelControlsError` naming the field (and `where`, e.g. the model) when a value is out of range. */
export function validateModelControls(controls: ModelControls, where = 'model controls'): void {
  const check = (field: keyof ModelControls, min: number) => {
    const v = controls[field];
    if (v === undefined) return;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
      throw new ModelControlsError(
        `${where}: ${field} must be an integer >= ${min}, got ${JSON.stringify(v)}`,
      );
    }
  };
  check('timeoutMs', 0);
  check('maxRetries', 0);
  check('maxConcurrency', 1);
}

/**
 * The controls a model runs with: explicit per-model values, then the run-wide ones, then the
 * defaults. An unset `maxConcurrency` is at least `callerConcurrency` (e.g. `--concurrency 16`),
 * so asking for more parallelism is never silently capped by the default of 4.
 */
export function resolveModelControls(
  layers: ReadonlyArray<ModelControls | undefined>,
  callerConcurrency?: number,
): Required<ModelControls> {
  const pick = <K extends keyof ModelControls>(k: K): number | undefined =>
    layers.find((l) => l?.[k] !== undefined)?.[k];
  const concurrency =
    pick('maxConcurrency') ?? Math.max(DEFAULT_MODEL_CONTROLS.maxConcurrency, callerConcurrency ?? 0);
  const resolved = {
    timeoutMs: pick('timeoutMs') ?? DEFAULT_MODEL_CONTROLS.timeoutMs,
    maxRetries: pick('maxRetries') ?? DEFAULT_MODEL_CONTROLS.maxRetries,
    maxConcurrency: concurrency,
  };
  validateModelControls(resolved);
  return resolved;
}
