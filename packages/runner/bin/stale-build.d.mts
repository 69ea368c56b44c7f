export interface StaleBuild {
  /** The package's folder name under packages/. */
  name: string;
  /** No dist/index.js at all (else it is older than a source file). */
  missing: boolean;
}

/** The first workspace package whose dist/index.js is missing or older than one of its sources. */
export function staleBuild(packagesDir: string): StaleBuild | undefined;

/** The launcher's one line about a stale or missing build. */
export function staleBuildNotice(stale: StaleBuild): string;
