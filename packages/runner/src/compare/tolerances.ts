/** `accuracy=1,calls=5,tokens=5` → Tolerances (unspecified keys keep their defaults). */
import type { ErrorKind } from '@llm-autodiff/llm';
import { DEFAULT_TOLERANCES, type Tolerances } from './compare';

const KEYS: Record<string, keyof Tolerances> = {
  accuracy: 'accuracyDropPts',
  calls: 'callsRisePct',
  tokens: 'tokensRisePct',
};

/** A tolerance string the user wrote is wrong; the message is one line. */
export class ToleranceError extends Error {
  override readonly name = 'ToleranceError';
  readonly errorKind: ErrorKind = 'input';
}

export function parseTolerances(text: string | undefined, base: Tolerances = DEFAULT_TOLERANCES): Tolerances {
  const out = { ...base };
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const [rawKey, rawValue, extra] = part.split('=').map((s) => s.trim());
    const key = KEYS[rawKey ?? ''];
    if (!key || rawValue === undefined || extra !== undefined)
      throw new ToleranceError(
        `tolerance "${part.trim()}" must be KEY=NUMBER with KEY one of ${Object.keys(KEYS).join(', ')} (e.g. accuracy=1,calls=5,tokens=5)`,
      );
    const value = Number(rawValue);
    if (rawValue === '' || !Number.isFinite(value) || value < 0)
      throw new ToleranceError(`tolerance ${rawKey} must be a number ≥ 0, got "${rawValue}"`);
    out[key] = value;
  }
  return out;
}
