/**
 * Child process for the cache preflight test: `cache-preflight.ts <sqlite path>` runs `preflightCache`
 * in read-write mode and prints `ok` or the error's name and message. The test runs it as an
 * unprivileged user, because root may write any file and so cannot show a read-only cache.
 */
import { preflightCache } from '../src/response-cache';

const [path] = process.argv.slice(2);
try {
  preflightCache({ path: path ?? '', mode: 'read-write' });
  process.stdout.write('ok\n');
} catch (e) {
  process.stdout.write(`${(e as Error).name}: ${(e as Error).message}\n`);
}
