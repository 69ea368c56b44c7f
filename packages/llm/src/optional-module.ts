/**
 * Optional packages: the library path installs without the heavy ones (the o200k tokenizer tables, the
 * Hugging Face Hub client), and the code that uses them loads them on first use.
 */
import { createRequire } from 'node:module';

/** Whether `e` says that `name` itself is not installed (not that something it imports is missing). */
export function isMissingModule(e: unknown, name: string): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const { code, message } = e as { code?: unknown; message?: unknown };
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false;
  return typeof message === 'string' && (message.includes(`'${name}'`) || message.includes(`"${name}"`));
}

/** `require(name)` from this package, or `undefined` when `name` is not installed. */
export function requireOptional<T>(name: string): T | undefined {
  try {
    return createRequire(import.meta.url)(name) as T;
  } catch (e) {
    if (isMissingModule(e, name)) return undefined;
    throw e;
  }
}
