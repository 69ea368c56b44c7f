/**
 * `autodiff cache`: the response cache's contents (stats), pruning by age or by experiment, and export /
 * import of its rows so replays can be shared. The default cache is `train`'s; each experiment of `repro`
 * has its own file (`--experiment NAME`).
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defaultCachePath, ResponseCache } from '@llm-autodiff/llm';
import type { Command } from 'commander';
import { experimentCacheDir, experimentCachePath } from '../cache/location';
import { exportCache, importCache } from '../cache/transfer';
import type { Io } from '../io';
import { UsageError } from '../usage-error';
import type { CommandContext } from './context';
import { addOptions, option, text } from './options';

interface Which {
  cache?: string;
  experiment?: string;
}

function cachePathOf(w: Which): string {
  if (w.cache && w.experiment) throw new UsageError('give --cache or --experiment, not both');
  if (w.cache) return resolve(w.cache);
  if (w.experiment) return experimentCachePath(w.experiment);
  return defaultCachePath();
}

function openExisting(path: string, mode: 'read-only' | 'read-write'): ResponseCache {
  if (!existsSync(path)) throw new UsageError(`no response cache at ${path}`);
  return new ResponseCache({ path, mode });
}

/** `30d`, `12h`, `90m` -> a cutoff that long before now. */
export function parseAge(value: string, now = Date.now()): Date {
  const m = /^(\d+)([dhm])$/.exec(value);
  if (!m) throw new UsageError(`--older-than: expected an age like 30d, 12h or 90m, got "${value}"`);
  const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[m[2] as 'd' | 'h' | 'm'];
  return new Date(now - Number(m[1]) * unit);
}

function mb(path: string): string {
  let bytes = 0;
  for (const suffix of ['', '-wal', '-shm'])
    if (existsSync(path + suffix)) bytes += statSync(path + suffix).size;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function printStats(path: string, io: Io): void {
  const c = openExisting(path, 'read-only');
  try {
    const s = c.contents();
    io.out(
      `${path}: ${s.rows} responses, ${mb(path)}${s.oldest ? `, written ${s.oldest} .. ${s.newest}` : ''}`,
    );
    for (const [model, n] of Object.entries(s.byModel))
      io.out(`  ${model.padEnd(40)} ${String(n).padStart(8)}`);
  } finally {
    c.close();
  }
}

const which = (c: Command) =>
  addOptions(c, [
    option('--cache <file>', 'a cache file (default: the default cache)', text()),
    option('--experiment <name>', "an experiment's own cache (as written by repro)", text()),
  ]);

export function define(cache: Command, cx: CommandContext): void {
  which(
    cache
      .command('stats')
      .description('rows per model and dates of the default cache and every experiment cache'),
  ).action((w: Which) => {
    const paths = w.cache || w.experiment ? [cachePathOf(w)] : [defaultCachePath()];
    if (!w.cache && !w.experiment) {
      const dir = experimentCacheDir();
      if (existsSync(dir))
        for (const f of readdirSync(dir).sort()) if (f.endsWith('.sqlite')) paths.push(join(dir, f));
    }
    const present = paths.filter((p) => existsSync(p));
    if (present.length === 0) cx.io.out(`no response cache yet (${paths[0]})`);
    for (const p of present) printStats(p, cx.io);
  });

  which(
    cache
      .command('prune')
      .description("delete rows older than an age, or an experiment's whole cache")
      .option('--older-than <age>', 'e.g. 30d, 12h, 90m', (v) => parseAge(v)),
  ).action((w: Which & { olderThan?: Date }) => {
    if (!w.olderThan && !w.experiment)
      throw new UsageError('cache prune needs --older-than AGE or --experiment NAME');
    const path = cachePathOf(w);
    if (!w.olderThan) {
      // An experiment's cache without an age: the whole file goes.
      if (!existsSync(path)) throw new UsageError(`no response cache at ${path}`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      cx.io.out(`removed ${path}`);
      return;
    }
    const cutoff = w.olderThan;
    const c = openExisting(path, 'read-write');
    try {
      cx.io.out(
        `${path}: removed ${c.pruneOlderThan(cutoff)} responses written before ${cutoff.toISOString()}`,
      );
    } finally {
      c.close();
    }
  });

  which(
    cache
      .command('export')
      .description('write the rows as JSON Lines (.jsonl, or .jsonl.gz)')
      .argument('<file>'),
  ).action(async (file: string, w: Which) => {
    const c = openExisting(cachePathOf(w), 'read-only');
    try {
      cx.io.out(`exported ${await exportCache(c, resolve(file))} responses to ${resolve(file)}`);
    } finally {
      c.close();
    }
  });

  which(
    cache
      .command('import')
      .description('add the rows of an exported file (existing keys keep their answer)')
      .argument('<file>'),
  ).action(async (file: string, w: Which) => {
    const path = cachePathOf(w);
    const c = new ResponseCache({ path });
    try {
      const { read, added } = await importCache(c, resolve(file));
      cx.io.out(`${path}: added ${added} of ${read} responses (${read - added} already present)`);
    } finally {
      c.close();
    }
  });
}
