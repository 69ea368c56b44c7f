/**
 * Loads a user's program for `autodiff train --program <file>#<export>`: TypeScript or JavaScript, run
 * without a build step (through tsx). The export is a core `Program`, a factory `(deps) => Program`
 * given the task model, or `{ create(deps), load?() }` whose `load` supplies its own train/val/test data.
 */

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Program } from '@llm-autodiff/core';
import type { ChatModel, ErrorKind } from '@llm-autodiff/llm';

let tsxRegistered = false;
/**
 * TypeScript programs load through tsx's hooks, registered once for the process (not `tsImport`, whose
 * separate module namespace would give the program its own copy of core, and core's graph checks need
 * one). Inside the monorepo the launcher has registered them already; registering again is harmless.
 */
async function enableTypeScript(): Promise<void> {
  if (tsxRegistered) return;
  (await import('tsx/esm/api')).register();
  tsxRegistered = true;
}

/** The `type` of the package.json nearest above `file` (`commonjs` when there is none or it says nothing). */
function moduleTypeAt(file: string): string {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: string }).type ?? 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (dirname(dir) === dir) return 'commonjs';
  }
}

/**
 * A `.ts` file is CommonJS unless its package says `"type": "module"`, and tsx cannot import a CommonJS
 * TypeScript file written with `import` statements (the only way to use our ESM packages), nor can its
 * CommonJS hook load them without a second copy of core. Said up front rather than as a loader error.
 */
function checkModuleFormat(path: string, file: string): void {
  const why = /\.cts$/.test(path)
    ? 'a .cts file'
    : /\.tsx?$/.test(path) && moduleTypeAt(path) !== 'module'
      ? 'no "type": "module" in the nearest package.json'
      : undefined;
  if (why)
    throw new ProgramModuleError(
      `--program: ${file} would load as CommonJS (${why}); the packages are ES modules: rename it to .mts, or add "type": "module" to your package.json`,
    );
}

/** A `--program` that cannot be used: bad reference, missing file, missing or unusable export. */
export class ProgramModuleError extends Error {
  override readonly name = 'ProgramModuleError';
  readonly errorKind: ErrorKind = 'input';
}

export interface ProgramSplits {
  train: unknown[];
  val: unknown[];
  test: unknown[];
}

export interface LoadedProgram {
  /** Where it came from, e.g. `mine/pipeline.ts#program`. */
  ref: string;
  create(deps: { model: ChatModel }): Program<unknown>;
  /** The module's own data loader, when it has one. */
  load?: () => Promise<ProgramSplits>;
}

const isProgram = (x: unknown): x is Program<unknown> =>
  typeof x === 'object' &&
  x !== null &&
  ['parameters', 'sampleId', 'predict', 'evalScore', 'forwardLoss'].every(
    (k) => typeof (x as Record<string, unknown>)[k] === 'function',
  );

/** `file.ts#name` -> file and export name (`default` when no `#name`). */
export function parseProgramRef(ref: string): { file: string; exportName: string } {
  const at = ref.lastIndexOf('#');
  const file = at < 0 ? ref : ref.slice(0, at);
  const exportName = at < 0 ? 'default' : ref.slice(at + 1);
  if (!file || !exportName) throw new ProgramModuleError(`--program "${ref}": expected <file>#<export>`);
  return { file, exportName };
}

export async function loadProgramModule(ref: string, cwd = process.cwd()): Promise<LoadedProgram> {
  const { file, exportName } = parseProgramRef(ref);
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new ProgramModuleError(`--program: no such file ${path}`);
  checkModuleFormat(path, file);
  let mod: Record<string, unknown>;
  try {
    if (/\.[cm]?tsx?$/.test(path)) await enableTypeScript();
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ProgramModuleError(`--program: ${file} failed to load: ${(e as Error).message}`);
  }
  if (!(exportName in mod)) {
    const names = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new ProgramModuleError(
      `--program: ${file} has no export "${exportName}"; it exports ${names.length ? names.join(', ') : 'nothing'}`,
    );
  }
  const value = mod[exportName];
  const checked = (p: unknown): Program<unknown> => {
    if (!isProgram(p))
      throw new ProgramModuleError(
        `--program ${ref}: expected a Program (defineProgram from @llm-autodiff/core), got ${typeof p === 'object' && p !== null ? `an object with ${Object.keys(p).join(', ') || 'no fields'}` : typeof p}`,
      );
    return p;
  };
  if (isProgram(value)) return { ref, create: () => value };
  if (typeof value === 'function')
    return { ref, create: (deps) => checked((value as (d: { model: ChatModel }) => unknown)(deps)) };
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { create?: unknown }).create === 'function'
  ) {
    const entry = value as {
      create: (d: { model: ChatModel }) => unknown;
      load?: () => Promise<ProgramSplits>;
    };
    if (entry.load !== undefined && typeof entry.load !== 'function')
      throw new ProgramModuleError(
        `--program ${ref}: load must be a function returning { train, val, test }`,
      );
    return {
      ref,
      create: (deps) => checked(entry.create(deps)),
      ...(entry.load ? { load: entry.load } : {}),
    };
  }
  throw new ProgramModuleError(
    `--program ${ref}: export "${exportName}" is not a Program, a (deps) => Program factory or { create, load? }`,
  );
}
