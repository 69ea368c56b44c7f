/**
 * Export and import of response-cache rows as JSON Lines (gzip when the file name ends in .gz), so a
 * replay can be shared: one row per line, request and response as JSON objects, stable key order.
 */

import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { CacheRow, ErrorKind, ResponseCache } from '@llm-autodiff/llm';
import { z } from 'zod/v4';

export class CacheFileError extends Error {
  override readonly name = 'CacheFileError';
  readonly errorKind: ErrorKind = 'input';
}

const exportedRow = z.strictObject({
  key: z.string().regex(/^[0-9a-f]{16,}$/, 'a cache key is hex'),
  model: z.string().min(1),
  request: z.record(z.string(), z.unknown()),
  response: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});

function* lines(cache: ResponseCache): Generator<string> {
  for (const r of cache.rows())
    yield `${JSON.stringify({ key: r.key, model: r.model, request: JSON.parse(r.request), response: JSON.parse(r.response), createdAt: r.createdAt })}\n`;
}

/** Writes every row to `file` (atomically: a temp file renamed at the end). Returns the row count. */
export async function exportCache(cache: ResponseCache, file: string): Promise<number> {
  let n = 0;
  const counted = function* () {
    for (const l of lines(cache)) {
      n++;
      yield l;
    }
  };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const source = Readable.from(counted());
    if (file.endsWith('.gz')) await pipeline(source, createGzip(), createWriteStream(tmp));
    else await pipeline(source, createWriteStream(tmp));
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new CacheFileError(
      `${file}: cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return n;
}

/** Reads and checks every line first, then adds the rows in one transaction: a bad file adds nothing. */
export async function importCache(
  cache: ResponseCache,
  file: string,
): Promise<{ read: number; added: number }> {
  const rows: CacheRow[] = [];
  try {
    const raw = createReadStream(file);
    const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
    let lineNo = 0;
    for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
      lineNo++;
      if (!line.trim()) continue;
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        throw new CacheFileError(`${file}:${lineNo}: not valid JSON`);
      }
      const parsed = exportedRow.safeParse(data);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new CacheFileError(`${file}:${lineNo}: ${issue?.path.join('.') || 'row'}: ${issue?.message}`);
      }
      const r = parsed.data;
      rows.push({
        key: r.key,
        model: r.model,
        request: JSON.stringify(r.request),
        response: JSON.stringify(r.response),
        createdAt: r.createdAt,
      });
    }
  } catch (e) {
    if (e instanceof CacheFileError) throw e;
    throw new CacheFileError(
      `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  return { read: rows.length, added: cache.importRows(rows) };
}
