/**
 * The figures of one `pnpm bench` run, suite by suite: each measurement with its unit and, where the
 * project has one, its target and a pass/miss mark. Written to results/bench/ as JSON (stable shape:
 * `suites[].figures[]` with name, value, unit, target, pass) and a Markdown table with the machine, the
 * Node version, the load and the date, so two runs can be compared by eye or by script. A suite that
 * throws is recorded as failed with its error; a figure is never `NaN`.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '@llm-autodiff/llm';

export interface Target {
  /** `max`: the figure must be at most `value`; `min`: at least. */
  kind: 'max' | 'min';
  value: number;
}

export interface Figure {
  /** A group inside the suite (e.g. the tinybench bench a task belongs to). */
  suite: string;
  name: string;
  value: number;
  unit: string;
  target?: Target;
  /** Why a target was missed, or what the figure means. */
  note?: string;
}

/** What a suite is asked to do: the full measurement, or a small run that only proves it works. */
export interface BenchScale {
  /** `pnpm bench:smoke`: small sizes, short latencies, no targets (seconds, not minutes). */
  smoke: boolean;
}

export const FULL: BenchScale = { smoke: false };

export function passes(f: Figure): boolean | undefined {
  if (!f.target) return undefined;
  return f.target.kind === 'max' ? f.value <= f.target.value : f.value >= f.target.value;
}

export class FigureSet {
  readonly figures: Figure[] = [];

  /** `thresholds: false` (smoke runs): figures keep no target, so nothing is marked. */
  constructor(private readonly options: { thresholds?: boolean } = {}) {}

  add(figure: Figure): Figure {
    // A figure that is not a number is a broken measurement: the suite fails with this error.
    if (!Number.isFinite(figure.value))
      throw new Error(
        `figure "${figure.name}" is not a number (${figure.value})${figure.note ? `: ${figure.note}` : ''}`,
      );
    const f = this.options.thresholds === false ? { ...figure, target: undefined } : figure;
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

export interface SuiteResult {
  key: string;
  name: string;
  status: 'ok' | 'failed';
  /** The failure's first line, when `status` is `failed`. */
  error?: string;
  seconds: number;
  figures: readonly Figure[];
}

/** One figure as bench.json stores it. */
export interface FigureRecord {
  group: string;
  name: string;
  value: number;
  unit: string;
  target: Target | null;
  pass: boolean | null;
  note: string | null;
}

export function figureRecord(f: Figure): FigureRecord {
  return {
    group: f.suite,
    name: f.name,
    value: f.value,
    unit: f.unit,
    target: f.target ?? null,
    pass: passes(f) ?? null,
    note: f.note ?? null,
  };
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

const cell = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function toMarkdown(suites: readonly SuiteResult[], info: Record<string, string>): string {
  const lines = [
    '# Benchmarks',
    '',
    Object.entries(info)
      .map(([k, v]) => `- ${k}: ${v}`)
      .join('\n'),
    '',
    'Simulated model where a suite uses one: those figures measure the machinery, not research results.',
    '',
    '| suite | status | seconds | figures | misses |',
    '| --- | --- | --- | --- | --- |',
    ...suites.map(
      (s) =>
        `| ${s.name} | ${s.status === 'ok' ? 'ok' : `**failed**: ${cell(s.error ?? '')}`} | ${s.seconds.toFixed(1)} | ${s.figures.length} | ${s.figures.filter((f) => passes(f) === false).length} |`,
    ),
    '',
    '| suite | figure | value | target | mark | note |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const s of suites) {
    for (const f of s.figures) {
      const mark = passes(f);
      const target = f.target ? `${f.target.kind === 'max' ? '≤' : '≥'} ${fmt(f.target.value)}` : '';
      const group = f.suite === s.name ? s.name : `${s.name}: ${f.suite}`;
      lines.push(
        `| ${cell(group)} | ${cell(f.name)} | ${fmt(f.value)} ${f.unit} | ${target} | ${mark === undefined ? '' : mark ? 'pass' : 'miss'} | ${cell(f.note ?? '')} |`,
      );
    }
    if (s.status === 'failed')
      lines.push(`| ${cell(s.name)} | (suite failed) | | | fail | ${cell(s.error ?? '')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Atomic writes: a killed bench never leaves a half-written table. */
export async function writeFigures(
  dir: string,
  suites: readonly SuiteResult[],
  extra: Record<string, string> = {},
): Promise<{ json: string; md: string }> {
  const info = { ...machine(), ...extra };
  const json = join(dir, 'bench.json');
  const md = join(dir, 'bench.md');
  const record = {
    machine: info,
    suites: suites.map((s) => ({
      key: s.key,
      name: s.name,
      status: s.status,
      error: s.error ?? null,
      seconds: Number(s.seconds.toFixed(2)),
      figures: s.figures.map(figureRecord),
    })),
  };
  await writeJsonAtomic(json, record);
  await writeFileAtomic(md, toMarkdown(suites, info));
  return { json, md };
}
