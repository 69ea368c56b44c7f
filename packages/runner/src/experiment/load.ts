/**
 * Reads an experiment file (YAML, or JSON, which YAML parses too) or a shipped preset, and validates it.
 * Errors are one line each, with the line of the offending value: `exp.yaml:12: methods[2]: unknown method …`.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorKind } from '@llm-autodiff/llm';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod/v4';
import { type CustomPipelineSpec, type Experiment, ExperimentSchema } from './schema';

/** A malformed or invalid experiment file (or an unknown preset): the message is one line per problem. */
export class ExperimentError extends Error {
  override readonly name = 'ExperimentError';
  readonly errorKind: ErrorKind = 'input';
}

export const PRESET_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'experiments');

export function presetNames(): string[] {
  return readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** `methods[2].name` style. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

/** 1-based line of the deepest node of `path` that exists in the document. */
function lineOf(doc: Document, counter: LineCounter, path: ReadonlyArray<PropertyKey>): number | undefined {
  for (let i = path.length; i >= 0; i--) {
    const node = doc.getIn(path.slice(0, i) as unknown[], true) as
      | { range?: [number, number, number] }
      | undefined;
    if (node?.range) return counter.linePos(node.range[0]).line;
  }
  return undefined;
}

function issueLines(issues: z.core.$ZodIssue[], doc: Document, counter: LineCounter, file: string): string[] {
  return issues.map((issue) => {
    const path = [...issue.path];
    // An unknown key: point at the key itself.
    if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0]);
    const line = lineOf(doc, counter, path);
    const where = formatPath(path);
    return `${file}${line ? `:${line}` : ''}: ${where ? `${where}: ` : ''}${issue.message}`;
  });
}

/** Parses and validates experiment text; `file` names it in errors. */
export function parseExperiment(text: string, file: string): Experiment {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const line = e?.linePos?.[0]?.line ?? (e ? counter.linePos(e.pos[0]).line : undefined);
    throw new ExperimentError(
      `${file}${line ? `:${line}` : ''}: ${(e?.message ?? 'unreadable').split('\n')[0]}`,
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ExperimentError(`${file}: an experiment is a mapping (name, pipelines, methods, ...)`);
  const parsed = ExperimentSchema.safeParse(data);
  if (!parsed.success)
    throw new ExperimentError(issueLines(parsed.error.issues, doc, counter, file).join('\n'));
  return parsed.data;
}

/** A preset name (`quick`, `paper`) or a path to an experiment file. */
export function loadExperiment(nameOrFile: string): Experiment {
  const preset = join(PRESET_DIR, `${nameOrFile}.yaml`);
  const isPreset = /^[a-z0-9-]+$/.test(nameOrFile) && existsSync(preset);
  const path = isPreset ? preset : resolve(nameOrFile);
  if (!existsSync(path)) {
    throw new ExperimentError(
      `unknown preset or file "${nameOrFile}" (presets: ${presetNames().join(', ')}; or a path to a .yaml/.json file)`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ExperimentError(
      `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return relativeTo(dirname(path), parseExperiment(text, isPreset ? `preset ${basename(path)}` : nameOrFile));
}

/** Custom pipelines' program and data paths, resolved against the experiment file's folder. */
export function relativeTo(dir: string, e: Experiment): Experiment {
  const at = (file: string) => resolve(dir, file);
  const custom = (p: CustomPipelineSpec): CustomPipelineSpec => {
    const hash = p.program.lastIndexOf('#');
    const program = hash < 0 ? at(p.program) : `${at(p.program.slice(0, hash))}${p.program.slice(hash)}`;
    if (!p.data) return { ...p, program };
    const { train, val, test } = p.data;
    return { ...p, program, data: { ...p.data, train: at(train), val: at(val), test: test && at(test) } };
  };
  return { ...e, pipelines: e.pipelines.map((p) => (typeof p === 'string' ? p : custom(p))) };
}
