import type { BudgetLimits, BudgetOptions } from './budget';
import { type BudgetKind, BudgetSpecError } from './errors';

/** The accounting roles of the paper's runs (task, backward engine, optimizer, teacher). */
export const BUILTIN_ROLES = ['task', 'backward', 'optimizer', 'teacher'] as const;

export interface BudgetSpecOptions {
  /** Role scopes allowed besides `total` (default `BUILTIN_ROLES`). */
  roles?: readonly string[];
  /** Kinds allowed (default calls and tokens; `usd` also needs a price table in the `Budget`). */
  kinds?: readonly BudgetKind[];
  /** Names the input in errors (default `budget`, e.g. `--budget`). */
  where?: string;
}

/**
 * `total.calls=2000,backward.tokens=50000` -> `BudgetOptions`. Every scope must be `total` or a known
 * role and every kind a known kind, so a typo (`backwrd.calls=1`) is an error instead of a limit that
 * is never enforced; an empty spec, an empty part or a limit given twice are errors too. Each error is
 * one `BudgetSpecError` line naming the part and the valid choices.
 */
export function parseBudgetSpec(spec: string, options: BudgetSpecOptions = {}): BudgetOptions {
  const where = options.where ?? 'budget';
  const roles = options.roles ?? BUILTIN_ROLES;
  const kinds = options.kinds ?? (['calls', 'tokens'] as const);
  const scopes = ['total', ...roles];
  const fail = (msg: string): never => {
    throw new BudgetSpecError(`${where}: ${msg}`);
  };
  if (spec.trim() === '')
    fail(`empty; expected SCOPE.KIND=N[,...], e.g. total.calls=2000 (scopes: ${scopes.join(', ')})`);
  let total: BudgetLimits | undefined;
  const perRole: Record<string, BudgetLimits> = {};
  for (const raw of spec.split(',')) {
    const part = raw.trim();
    const m = /^([^.=\s]+)\.([^=\s]+)=(.*)$/.exec(part);
    if (!m) fail(`${JSON.stringify(part)} is not SCOPE.KIND=N (e.g. total.calls=2000)`);
    const [, scope = '', kind = '', value = ''] = m as RegExpExecArray;
    if (!scopes.includes(scope))
      fail(
        `unknown scope ${JSON.stringify(scope)} in ${JSON.stringify(part)}; valid scopes: ${scopes.join(', ')}`,
      );
    if (!(kinds as readonly string[]).includes(kind))
      fail(
        `unknown kind ${JSON.stringify(kind)} in ${JSON.stringify(part)}; valid kinds: ${kinds.join(', ')}`,
      );
    const number = kind === 'usd' ? /^\d+(\.\d+)?$/.test(value) : /^\d+$/.test(value);
    if (!number || !Number.isFinite(Number(value)))
      fail(`${JSON.stringify(part)}: the limit must be ${kind === 'usd' ? 'a number' : 'an integer'} >= 0`);
    const k = kind as BudgetKind;
    const limits: BudgetLimits = (scope === 'total' ? total : perRole[scope]) ?? {};
    if (limits[k] !== undefined) fail(`${scope}.${kind} is given twice`);
    limits[k] = Number(value);
    if (scope === 'total') total = limits;
    else perRole[scope] = limits;
  }
  return { ...(total ? { total } : {}), ...(Object.keys(perRole).length ? { perRole } : {}) };
}

/** The inverse of `parseBudgetSpec`, in a stable order (for manifests and messages). */
export function formatBudgetSpec(options: BudgetOptions): string {
  const parts: string[] = [];
  const add = (scope: string, limits: BudgetLimits | undefined) => {
    for (const k of ['calls', 'tokens', 'usd'] as const)
      if (limits?.[k] !== undefined) parts.push(`${scope}.${k}=${limits[k]}`);
  };
  add('total', options.total);
  for (const role of Object.keys(options.perRole ?? {}).sort()) add(role, options.perRole?.[role]);
  return parts.join(',');
}
