/**
 * The figures of one `pnpm bench` run: each measurement with its unit and, where the project has one, its
 * target and a pass/miss mark. Written to results/bench/ as JSON and a Markdown table with the machine,
 * the Node version and the date, so two runs can be compared by eye or by script.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface Target {
  /** `max`: the figure must be at most `value`; `min`: at least. */
  kind: 'max' | 'min';
  value: number;
}

export interface Figure {
  suite: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** Why a target was missed, or what the figure means. */
  note?: string;
}

export function passes(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.kind === 'max' ? f.value <= f.target.value : f.value >= f.target.value;
}

export class FigureSet {
  readonly figures: Figure[] = [];

  add(f: Figure): Figure {
    this.figures.push(f);
    const mark = passes(f);
    const target = f.target
      ? ` (target ${f.target.kind === 'max' ? '≤' : '≥'} ${fmt(f.target.value)} ${f.unit})`
      : '';
    const status = mark === undefined ? '' : mark ? ' PASS' : ' MISS';
    console.log(`  ${f.name}: ${fmt(f.value)} ${f.unit}${target}${status}${f.note ? ` — ${f.note}` : ''}`);
    return f;
  }
}

export function machine(): Record<string, string> {
  const cpu = cpus();
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memory: `${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Timing figures on a shared machine are only as good as the share of it the run got.
    'load average at the end (1, 5, 15 min)': loadavg()
      .map((l) => l.toFixed(1))
      .join(', '),
    date: new Date().toISOString(),
  };
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.1) return v.toFixed(2);
  return v.toPrecision(2);
}

export function toMarkdown(figures: readonly Figure[], info: Record<string, string>): string {
  const lines = [
    '# Benchmarks',
    '',
    Object.entries(info)
      .map(([k, v]) => `- ${k}: ${v}`)
      .join('\n'),
    '',
    'Simulated model where a suite uses one: those figures measure the machinery, not research results.',
    '',
    '| suite | figure | value | target | mark | note |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const f of figures) {
    const mark = passes(f);
    const target = f.target ? `${f.target.kind === 'max' ? '≤' : '≥'} ${fmt(f.target.value)}` : '';
    lines.push(
      `| ${f.suite} | ${f.name} | ${fmt(f.value)} ${f.unit} | ${target} | ${mark === undefined ? '' : mark ? 'pass' : 'miss'} | ${f.note ?? ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Atomic writes: a killed bench never leaves a half-written table. */
export function writeFigures(
  dir: string,
  figures: readonly Figure[],
  extra: Record<string, string> = {},
): { json: string; md: string } {
  mkdirSync(dir, { recursive: true });
  const info = { ...machine(), ...extra };
  const json = join(dir, 'bench.json');
  const md = join(dir, 'bench.md');
  const write = (path: string, text: string) => {
    writeFileSync(`${path}.tmp`, text);
    renameSync(`${path}.tmp`, path);
  };
  write(json, `${JSON.stringify({ machine: info, figures }, null, 2)}\n`);
  write(md, toMarkdown(figures, info));
  return { json, md };
}
