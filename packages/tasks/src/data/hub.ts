import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMissingModule, writeFileAtomic, writeJsonAtomic } from '@llm-autodiff/llm';
import { parse as parseCsv } from 'csv-parse/sync';
import { DatasetError } from './errors';
import type { RawRow } from './fields';
import { parseJsonl } from './jsonl';

/**
 * The two Hub operations the loaders need. Injected so tests use a tiny in-memory fake (never the
 * network) and so a proxy or a mirror can stand in.
 */
export interface HubFetcher {
  /** Paths of every file of a dataset repo at a revision (recursive). */
  listFiles(repo: string, revision: string): Promise<string[]>;
  /** Bytes of one file; `undefined` when it does not exist. */
  download(repo: string, path: string, revision: string): Promise<Uint8Array | undefined>;
}

/** Decodes a parquet file into row objects. The Hub converts most datasets to parquet. */
export type ParquetDecoder = (bytes: Uint8Array) => Promise<RawRow[]>;

export interface HubAccess {
  /** Default `HF_TOKEN`. */
  accessToken?: string;
  /** The Hub's address (a mirror, or a local server in tests); default `HF_ENDPOINT`, then the public Hub. */
  hubUrl?: string;
}

type HubClient = typeof import('@huggingface/hub');

/**
 * `@huggingface/hub`, an optional dependency of the library (the CLI depends on it): only a download needs
 * it, and a missing one is said in one line with what to do instead.
 */
export async function importHubClient(
  load: () => Promise<HubClient> = () => import('@huggingface/hub'),
): Promise<HubClient> {
  try {
    return await load();
  } catch (e) {
    if (!isMissingModule(e, '@huggingface/hub')) throw e;
    throw new DatasetError(
      'the Hugging Face Hub',
      undefined,
      undefined,
      'downloading a dataset needs the optional package @huggingface/hub (npm install @huggingface/hub), or set AUTODIFF_DATA_DIR to local copies',
    );
  }
}

/** The real Hub, through `@huggingface/hub` (loaded lazily: offline use never touches it). */
export function huggingFaceFetcher(access: HubAccess = {}): HubFetcher {
  const accessToken = access.accessToken ?? process.env.HF_TOKEN;
  const hubUrl = access.hubUrl ?? (process.env.HF_ENDPOINT || undefined);
  return {
    async listFiles(repo, revision) {
      const hub = await importHubClient();
      const out: string[] = [];
      for await (const entry of hub.listFiles({
        repo: { type: 'dataset', name: repo },
        recursive: true,
        revision,
        accessToken,
        hubUrl,
      })) {
        if (entry.type === 'file') out.push(entry.path);
      }
      return out;
    },
    async download(repo, path, revision) {
      const hub = await importHubClient();
      const blob = await hub.downloadFile({
        repo: { type: 'dataset', name: repo },
        path,
        revision,
        accessToken,
        hubUrl,
      });
      return blob === null ? undefined : new Uint8Array(await blob.arrayBuffer());
    },
  };
}

/** Decodes a parquet file (the Hub's format for converted datasets) into plain row objects. */
export const defaultParquetDecoder: ParquetDecoder = async (bytes) => {
  const copy = bytes.slice().buffer;
  try {
    // The parquet reader loads with the first download (offline runs never need it).
    const { parquetReadObjects } = await import('hyparquet');
    return (await parquetReadObjects({ file: copy })) as RawRow[];
  } catch (e) {
    throw new DatasetError(
      'parquet file from the Hugging Face Hub',
      undefined,
      undefined,
      (e as Error).message,
    );
  }
};

/** Which file of a Hub dataset holds a split. */
export interface HubSplitSpec {
  repo: string;
  /** Tried in order: the repo's own files first, then the Hub's automatic parquet conversion. */
  revisions?: string[];
  /** Only files under this folder (e.g. `object_counting`), if given. */
  folder?: string;
  split: string;
  /** CSV only: columns holding integers (CSV has no types; every other column stays text). */
  numericColumns?: readonly string[];
}

export interface HubOptions {
  /** Default: the real Hub at `hubUrl`. */
  fetcher?: HubFetcher;
  hubUrl?: string;
  parquet?: ParquetDecoder;
  /**
   * Downloads are kept under `<cacheDir>/hub/<repo>/<revision>/<path>`, and which file holds a split in
   * `<cacheDir>/hub/<repo>/splits.json`: a second load makes no request. Delete the folder to refresh.
   */
  cacheDir: string;
}

export interface HubRows {
  /** `hf://datasets/<repo>@<revision>/<path>`, used in error messages. */
  file: string;
  rows: RawRow[];
}

const SUPPORTED = ['.jsonl', '.json', '.csv', '.parquet'] as const;

function splitMatches(path: string, split: string): boolean {
  const parts = path.split('/');
  const base = parts.at(-1) ?? '';
  // `<split>/0000.parquet`, `<split>-00000-of-00001.parquet`, `<config>-<split>.parquet`, `<split>.jsonl`
  return parts.slice(0, -1).includes(split) || new RegExp(`(^|[-_.])${split}([-_.]|$)`).test(base);
}

/** Picks the split's data file in a repo listing; exported for tests. */
export function pickSplitFile(files: string[], spec: HubSplitSpec): string | undefined {
  const candidates = files
    .filter((f) => spec.folder === undefined || f.startsWith(`${spec.folder}/`))
    .filter((f) => SUPPORTED.some((ext) => f.endsWith(ext)))
    .filter((f) => splitMatches(spec.folder === undefined ? f : f.slice(spec.folder.length + 1), spec.split))
    .sort();
  return candidates[0];
}

function cachePath(opts: HubOptions, repo: string, path: string, revision: string): string {
  return join(opts.cacheDir, 'hub', repo, encodeURIComponent(revision), path);
}

async function cachedDownload(
  opts: HubOptions,
  fetcher: HubFetcher,
  repo: string,
  path: string,
  revision: string,
) {
  const local = cachePath(opts, repo, path, revision);
  if (existsSync(local)) return new Uint8Array(await readFile(local));
  const bytes = await fetcher.download(repo, path, revision);
  if (bytes === undefined) return undefined;
  // Atomic: an interrupted download never leaves a truncated cache file behind.
  await writeFileAtomic(local, bytes);
  return bytes;
}

export function decodeRows(
  bytes: Uint8Array,
  path: string,
  file: string,
  parquet: ParquetDecoder,
  numericColumns: readonly string[] = [],
): Promise<RawRow[]> | RawRow[] {
  if (path.endsWith('.parquet')) return parquet(bytes);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (path.endsWith('.jsonl')) return parseJsonl(text, file).map((r) => r.row);
  if (path.endsWith('.csv')) {
    try {
      return parseCsv(text, {
        columns: true,
        skip_empty_lines: true,
        // A question such as "1984" must stay text: only the declared columns become numbers.
        cast: (value, ctx) =>
          typeof ctx.column === 'string' && numericColumns.includes(ctx.column) && /^-?\d+$/.test(value)
            ? Number(value)
            : value,
      }) as RawRow[];
    } catch (e) {
      throw new DatasetError(file, undefined, undefined, `invalid CSV (${(e as Error).message})`);
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new DatasetError(file, undefined, undefined, `invalid JSON (${(e as Error).message})`);
  }
  // BBH's own layout is {"examples": [...]}; plain arrays are the other common JSON layout.
  const list = Array.isArray(value)
    ? value
    : ((value as { examples?: unknown; data?: unknown }).examples ?? (value as { data?: unknown }).data);
  if (!Array.isArray(list))
    throw new DatasetError(
      file,
      undefined,
      undefined,
      'expected a JSON array of rows or {"examples": [...]}',
    );
  return list as RawRow[];
}

interface ResolvedSplit {
  revision: string;
  path: string;
}

function splitIndexFile(opts: HubOptions, repo: string): string {
  return join(opts.cacheDir, 'hub', repo, 'splits.json');
}

function splitKey(spec: HubSplitSpec): string {
  return `${spec.folder ?? ''}/${spec.split}`;
}

async function readSplitIndex(file: string): Promise<Record<string, ResolvedSplit>> {
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, ResolvedSplit>;
  } catch {
    return {}; // an unreadable index only costs a new listing
  }
}

/** The split's file, from a previous load when its download is still in the cache. */
async function cachedSplit(spec: HubSplitSpec, opts: HubOptions): Promise<HubRows | undefined> {
  const known = (await readSplitIndex(splitIndexFile(opts, spec.repo)))[splitKey(spec)];
  if (!known) return undefined;
  const local = cachePath(opts, spec.repo, known.path, known.revision);
  if (!existsSync(local)) return undefined;
  return decodeSplit(spec, opts, known, new Uint8Array(await readFile(local)));
}

/** The split's rows, named as `hf://datasets/<repo>@<revision>/<path>` in errors and results. */
async function decodeSplit(
  spec: HubSplitSpec,
  opts: HubOptions,
  { revision, path }: ResolvedSplit,
  bytes: Uint8Array,
): Promise<HubRows> {
  const file = `hf://datasets/${spec.repo}@${revision}/${path}`;
  const rows = await decodeRows(
    bytes,
    path,
    file,
    opts.parquet ?? defaultParquetDecoder,
    spec.numericColumns,
  );
  return { file, rows };
}

async function rememberSplit(spec: HubSplitSpec, opts: HubOptions, resolved: ResolvedSplit): Promise<void> {
  const file = splitIndexFile(opts, spec.repo);
  const index = { ...(await readSplitIndex(file)), [splitKey(spec)]: resolved };
  await writeJsonAtomic(file, index);
}

/** Downloads (or reads from cache) and decodes one split of a Hub dataset. */
export async function fetchHubSplit(spec: HubSplitSpec, opts: HubOptions): Promise<HubRows> {
  const cached = await cachedSplit(spec, opts);
  if (cached) return cached;
  const fetcher = opts.fetcher ?? huggingFaceFetcher({ hubUrl: opts.hubUrl });
  const revisions = spec.revisions ?? ['main', 'refs/convert/parquet'];
  const tried: string[] = [];
  for (const revision of revisions) {
    let files: string[];
    try {
      files = await fetcher.listFiles(spec.repo, revision);
    } catch (e) {
      tried.push(`${revision}: ${(e as Error).message}`);
      continue;
    }
    const path = pickSplitFile(files, spec);
    if (path === undefined) {
      tried.push(`${revision}: no ${spec.split} file${spec.folder ? ` under ${spec.folder}/` : ''}`);
      continue;
    }
    const bytes = await cachedDownload(opts, fetcher, spec.repo, path, revision);
    if (bytes === undefined) {
      tried.push(`${revision}: ${path} listed but not downloadable`);
      continue;
    }
    const split = await decodeSplit(spec, opts, { revision, path }, bytes);
    await rememberSplit(spec, opts, { revision, path });
    return split;
  }
  throw new DatasetError(
    `${spec.repo} (Hugging Face Hub)`,
    undefined,
    undefined,
    `cannot load split "${spec.split}" (${tried.join('; ')}); no local copy was found either (set AUTODIFF_DATA_DIR)`,
  );
}
