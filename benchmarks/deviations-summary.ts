/**
 * Summarizes benchmarks/deviations-sim.sh: per configuration, the mean over seeds of the validation and
 * test scores (initial -> final) and of the model calls per role. SIMULATED model: these numbers exercise
 * the machinery; they are not research results.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Run {
  result: { initial: { val: number; test: number }; final: { val: number; test: number } };
  usageByRole: Record<string, { calls: number }>;
}

const dir = process.argv[2];
if (!dir) throw new Error('usage: deviations-summary.ts OUT_DIR');
const groups = new Map<string, { seeds: string[]; runs: Run[] }>();
for (const f of readdirSync(dir)
  .filter((f) => /\.seed\d+\.json$/.test(f))
  .sort()) {
  const [name, seed] = f.replace(/\.json$/, '').split('.seed') as [string, string];
  const g = groups.get(name) ?? { seeds: [], runs: [] };
  g.seeds.push(seed);
  g.runs.push(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Run);
  groups.set(name, g);
}
const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
const pct = (x: number) => (100 * x).toFixed(1);
console.log(
  '| run (simulated model) | seeds | val init -> final | test init -> final | task / backward / optimizer / teacher calls |',
);
console.log('|---|---|---|---|---|');
for (const [name, g] of groups) {
  const r = g.runs;
  const calls = (role: string) => mean(r.map((x) => x.usageByRole[role]?.calls ?? 0)).toFixed(0);
  console.log(
    `| ${name} | ${g.seeds.join(',')} | ${pct(mean(r.map((x) => x.result.initial.val)))} -> ${pct(mean(r.map((x) => x.result.final.val)))} | ${pct(mean(r.map((x) => x.result.initial.test)))} -> ${pct(mean(r.map((x) => x.result.final.test)))} | ${['task', 'backward', 'optimizer', 'teacher'].map(calls).join(' / ')} |`,
  );
}
