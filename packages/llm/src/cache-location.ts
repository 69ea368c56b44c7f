import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the response cache lives unless configured: `$AUTODIFF_CACHE_DIR/cache.sqlite`, else
 * `$XDG_CACHE_HOME/llm-autodiff/cache.sqlite`, else `~/.cache/llm-autodiff/cache.sqlite`.
 */
export function defaultCachePath(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env.AUTODIFF_CACHE_DIR?.trim();
  if (dir) return join(dir, 'cache.sqlite');
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg) return join(xdg, 'llm-autodiff', 'cache.sqlite');
  return join(homedir(), '.cache', 'llm-autodiff', 'cache.sqlite');
}
