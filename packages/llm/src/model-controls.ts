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

/** Flag values as typed, e.g. `{ timeout: '30s', maxConcurrency: '8,openai:gpt-4o=2' }`. */
export interface ModelControlFlags {
  /** ms, or with a unit: `500ms`, `30s`, `2m`; `0` disables the timeout. */
  timeout?: string;
  maxRetries?: string;
  maxConcurrency?: string;
}

const FLAG_NAMES: Record<keyof ModelControlFlags, [keyof ModelControls, string]> = {
  timeout: ['timeoutMs', '--timeout'],
  maxRetries: ['maxRetries', '--max-retries'],
  maxConcurrency: ['maxConcurrency', '--max-concurrency'],
};

/**
 * Parses the runner's model-control flags into `ModelPoolOptions.controls` and `.perModel`. Each value
 * is a comma-separated list of `N` (every model) and `SPEC=N` (one model, by spec or canonical id),
 * e.g. `--max-concurrency 16,openai:gpt-4o=4`. Errors are `ModelControlsError`s naming the flag.
 */
export function parseModelControlFlags(flags: ModelControlFlags): {
  controls: ModelControls;
  perModel: Record<string, ModelControls>;
} {
  const controls: ModelControls = {};
  const perModel: Record<string, ModelControls> = {};
  for (const name of Object.keys(FLAG_NAMES) as Array<keyof ModelControlFlags>) {
    const value = flags[name];
    if (value === undefined) continue;
    const [field, flag] = FLAG_NAMES[name];
    if (value.trim() === '') throw new ModelControlsError(`${flag}: empty value`);
    for (const raw of value.split(',')) {
      const part = raw.trim();
      const eq = part.lastIndexOf('=');
      const spec = eq >= 0 ? part.slice(0, eq).trim() : undefined;
      const text = eq >= 0 ? part.slice(eq + 1).trim() : part;
      if (spec === '') throw new ModelControlsError(`${flag}: "${part}" names no model before "="`);
      const n = field === 'timeoutMs' ? parseDuration(text) : /^\d+$/.test(text) ? Number(text) : Number.NaN;
      if (spec !== undefined) perModel[spec] ??= {};
      const target = spec === undefined ? controls : (perModel[spec] as ModelControls);
      if (target[field] !== undefined)
        throw new ModelControlsError(`${flag}: ${spec ?? 'the default'} is given twice`);
      target[field] = n;
      validateModelControls({ [field]: n }, spec === undefined ? flag : `${flag} for ${spec}`);
    }
  }
  return { controls, perModel };
}

function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text);
  if (!m) return Number.NaN;
  const scale = m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1;
  return Math.round(Number(m[1]) * scale);
}
