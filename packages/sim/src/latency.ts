import { defaultSleep } from '@llm-autodiff/llm';
import { hashUnit } from './hash';

/** Simulated wall-clock of a call: base + per output token, with deterministic jitter. Zero by default. */
export interface LatencySpec {
  baseMs: number;
  perOutputTokenMs: number;
  /** Relative jitter, e.g. 0.2 = ±20%, drawn from a hash of the request. */
  jitter?: number;
}

export const ZERO_LATENCY: LatencySpec = { baseMs: 0, perOutputTokenMs: 0 };

/** A realistic profile for benchmarks (roughly a hosted small model). */
export const REALISTIC_LATENCY: LatencySpec = { baseMs: 300, perOutputTokenMs: 8, jitter: 0.25 };

export function latencyMs(spec: LatencySpec, outputTokens: number, key: string): number {
  const base = spec.baseMs + spec.perOutputTokenMs * outputTokens;
  const j = spec.jitter ?? 0;
  const factor = 1 + j * (2 * hashUnit('latency', key) - 1);
  return Math.max(0, Math.round(base * factor));
}

/** Waits out a simulated latency (none for 0); an aborted signal ends the wait at once. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return ms <= 0 ? Promise.resolve() : defaultSleep(ms, signal);
}
