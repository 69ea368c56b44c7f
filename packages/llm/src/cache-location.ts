import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The folder of the tool's caches unless configured: `$AUTODIFF_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/llm-autodiff`, else `~/.cache/llm-autodiff`.
 */
export function cacheHome(env: Env = process.env): string {
  const dir = env.AUTODIFF_CACHE_DIR?.trim();
  if (dir) return dir;
  const xdg = env.XDG_CACHE_HOME?.trim();
  if (xdg) return join(xdg, 'llm-autodiff');
  return join(homedir(), '.cache', 'llm-autodiff');
}

/** Where the response cache lives unless configured: `cache.sqlite` in `cacheHome()`. */
export function defaultCachePath(env: Env = process.env): string {
  return join(cacheHome(env), 'cache.sqlite');
}
