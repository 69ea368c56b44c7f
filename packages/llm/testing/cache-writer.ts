/**
 * Child process for the cache's concurrency and crash tests:
 *   cache-writer.ts <sqlite path> <worker id> <rows | "forever"> [go-file]
 * With a go-file it prints `ready` and waits until that file exists, so several writers start together.
 * Writes rows through `ResponseCache.put` (flushed after each step) and prints `committed <n>` after each,
 * so the parent knows which rows are durable when it kills this process.
 */

import { existsSync } from 'node:fs';
import { cacheKey } from '../src/cache-key';
import { ResponseCache } from '../src/response-cache';
import type { ChatRequest } from '../src/types';
import { cannedResponse } from './index';

const [path, worker, rowsArg, goFile] = process.argv.slice(2);
if (!path || !worker || !rowsArg) {
  console.error('usage: cache-writer.ts <sqlite path> <worker id> <rows | forever>');
  process.exit(2);
}
const rows = rowsArg === 'forever' ? Number.POSITIVE_INFINITY : Number(rowsArg);
const cache = new ResponseCache({ path, mode: 'read-write' });
// A bulky answer makes each transaction long enough for writers to collide and for a kill to land mid-write.
const filler = 'x'.repeat(4000);

if (goFile) {
  process.stdout.write('ready\n');
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (!existsSync(goFile)) Atomics.wait(pause, 0, 0, 2);
}

for (let i = 0; i < rows; i++) {
  const request: ChatRequest = { messages: [{ role: 'user', content: `worker ${worker} row ${i}` }] };
  // Every worker also writes a shared key per row: INSERT OR IGNORE must keep exactly one of them.
  const shared: ChatRequest = { messages: [{ role: 'user', content: `shared row ${i}` }] };
  for (const [req, text] of [
    [request, `answer ${worker}/${i} ${filler}`],
    [shared, `shared answer from ${worker}`],
  ] as const) {
    const response = cannedResponse(text, { model: 'writer', raw: null });
    cache.put(cacheKey('scripted:writer', req), 'scripted:writer', req, response);
  }
  // Puts are batched per event-loop turn: flush so "committed" means written.
  cache.flush();
  process.stdout.write(`committed ${i + 1}\n`);
}
cache.close();
