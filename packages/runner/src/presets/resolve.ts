/**
 * A run's settings: the pipeline's preset, then a config file (JSON or YAML), then `--set path=value`
 * pairs, then the dedicated flags — each layer partial, validated with zod so a mistake names its path.
 * Results record the preset's name and every resolved value, plus the paths that differ from the preset.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { PipelineName } from '@llm-autodiff/tasks';
import type { z } from 'zod';
import { listItems } from '../commands/options';
import { UsageError } from '../usage-error';
import { presetOf } from './reference-presets';
import {
  deepMerge,
  isObject,
  type RunSettings,
  type SettingsInput,
  settingsInputSchema,
  settingsSchema,
} from './settings';

export interface ResolvedSettings {
  /** The preset started from, e.g. `adalflow:trec`. */
  preset: string;
  /** The reference script behind the preset. */
  source: string;
  settings: RunSettings;
  /** Dot paths whose value differs from the preset's (after every layer). */
  overridden: string[];
}

function issuesText(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Validates one partial layer; `where` names it in the error (a file path, `--set`). */
export function checkLayer(input: unknown, where: string): SettingsInput {
  const r = settingsInputSchema.safeParse(input);
  if (!r.success) throw new UsageError(`${where}: ${issuesText(r.error)}`);
  return r.data ?? {};
}

function differences(a: unknown, b: unknown, path: string[] = []): string[] {
  if (isObject(a) && isObject(b))
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) =>
      differences(a[k], b[k], [...path, k]),
    );
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path.join('.')];
}

/**
 * The one resolver (`train` and `repro`): the pipeline's preset (a custom program's: the shared defaults),
 * then each layer in order, later wins; the result validated whole.
 */
export function resolveSettingsLayers(
  pipeline: PipelineName | (string & {}),
  layers: readonly (SettingsInput | undefined)[],
): ResolvedSettings {
  const preset = presetOf(pipeline);
  let merged: unknown = preset.settings;
  for (const layer of layers) merged = deepMerge(merged, layer);
  const r = settingsSchema.safeParse(merged);
  if (!r.success) throw new UsageError(`settings: ${issuesText(r.error)}`);
  return {
    preset: preset.name,
    source: preset.source,
    settings: r.data,
    overridden: differences(preset.settings, r.data),
  };
}

/** A config file: `.json`, or `.yaml` / `.yml`, holding any part of the settings. */
export async function readSettingsFile(path: string): Promise<SettingsInput> {
  const ext = extname(path).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext))
    throw new UsageError(`--config ${path}: expected a .json, .yaml or .yml file`);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`--config ${path}: cannot read it (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let data: unknown;
  try {
    // The YAML parser loads only for a YAML file (a run without --config never pays for it).
    data = ext === '.json' ? JSON.parse(text) : (await import('yaml')).parse(text);
  } catch (e) {
    throw new UsageError(
      `--config ${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${(e as Error).message.split('\n')[0]})`,
    );
  }
  return checkLayer(data ?? {}, `--config ${path}`);
}

/**
 * `gdpo.historySize=5,models.task.temperature=0.2` → a partial settings object. A value is read as JSON
 * when it parses (numbers, booleans, arrays), else as a string.
 */
export function parseSetFlag(spec: string): SettingsInput {
  const out: Record<string, unknown> = {};
  for (const pair of listItems('--set', spec)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set: expected PATH=VALUE, got "${pair}"`);
    const path = pair.slice(0, eq).trim().split('.');
    const raw = pair.slice(eq + 1).trim();
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string, e.g. failedRendering=reference
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path.at(-1) as string] = value;
  }
  return checkLayer(out, '--set');
}
