/**
 * The methods that ship with llm-autodiff, known to `train({ method: 'name' })` without a side-effect
 * import: the first time a built-in name is asked for, its package is imported (from the trainer's own
 * location, else from the working directory's project) and its methods are registered. The trainer does
 * not depend on those packages; a user who has not installed one gets a line naming what to install.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MethodFactory } from './method';
import { type MethodRegistry, UnknownMethodError } from './registry';

/** Built-in method name → the package that exports it (in its `METHODS` list) and the factory's export name. */
export const BUILTIN_METHODS: Readonly<Record<string, { package: string; factory: string }>> = {
  gdpo: { package: '@llm-autodiff/gdpo', factory: 'gdpoMethod' },
  textgrad: { package: '@llm-autodiff/baselines', factory: 'textgradFactory' },
  bootstrap: { package: '@llm-autodiff/baselines', factory: 'bootstrapFactory' },
  bfsrs: { package: '@llm-autodiff/baselines', factory: 'bfsrsFactory' },
  mipro: { package: '@llm-autodiff/baselines', factory: 'miproFactory' },
  gepa: { package: '@llm-autodiff/baselines', factory: 'gepaFactory' },
};

type Importer = (specifier: string) => Promise<unknown>;

/** Imports a package as the trainer would see it, else as the user's project (cwd) would. */
const importPackage: Importer = async (specifier) => {
  try {
    return await import(specifier);
  } catch {
    const resolved = createRequire(join(process.cwd(), 'package.json')).resolve(specifier);
    return import(pathToFileURL(resolved).href);
  }
};

const isFactory = (v: unknown): v is MethodFactory =>
  typeof v === 'object' && v !== null && typeof (v as MethodFactory).name === 'string' && 'create' in v;

/**
 * The factory registered under `name`; a built-in one not registered yet is imported and registered first.
 * An unknown name, or a built-in whose package cannot be found, is an `UnknownMethodError` saying what to do.
 */
export async function methodByName(
  name: string,
  registry: MethodRegistry,
  importer: Importer = importPackage,
): Promise<MethodFactory> {
  if (registry.has(name)) return registry.get(name);
  const builtin = BUILTIN_METHODS[name];
  if (!builtin) return registry.get(name); // throws, listing the known ones
  let module: unknown;
  try {
    module = await importer(builtin.package);
  } catch {
    throw new UnknownMethodError(
      `method "${name}" ships in ${builtin.package}, which cannot be found: install it ` +
        `(npm install ${builtin.package}), or pass the factory: train({ method: ${builtin.factory} })`,
    );
  }
  const factory = (module as Record<string, unknown>)[builtin.factory];
  if (!isFactory(factory))
    throw new UnknownMethodError(`${builtin.package} does not export the method factory ${builtin.factory}`);
  if (!registry.has(factory.name)) registry.register(factory);
  return registry.get(name);
}
