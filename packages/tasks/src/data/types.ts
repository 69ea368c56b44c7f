import type { HubFetcher, ParquetDecoder } from './hub';

/** The three splits of a task, in the documented order, plus where they were read from. */
export interface Splits<E> {
  train: E[];
  val: E[];
  test: E[];
  /** Human-readable origin, e.g. the folder or the Hub file; recorded in run manifests. */
  source: string;
}

export interface LoadOptions {
  /**
   * Offline dataset folder; default `AUTODIFF_DATA_DIR`, then the repo's sibling `../shared/datasets`.
   * `null` skips local files and goes to the Hub.
   */
  dataDir?: string | null;
  /** Cache for Hub downloads and indexes; default the repo's `datasets/` folder. */
  cacheDir?: string;
  /** Injected Hub access (tests pass a fake); default the real Hub via `@huggingface/hub`. */
  hub?: HubFetcher;
  /** The Hub's address for the default fetcher (a mirror; default `HF_ENDPOINT`, then the public Hub). */
  hubUrl?: string;
  parquet?: ParquetDecoder;
}
