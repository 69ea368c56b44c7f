/**
 * Run `worker` over `items` with at most `limit` in flight. Results keep the input order, so nothing
 * downstream depends on completion order. `shouldStop` is consulted before each new item is started:
 * once it returns true no further work is issued (items not started are reported as `undefined`).
 */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
): Promise<R[]>;
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
  shouldStop?: () => boolean,
): Promise<Array<R | undefined>>;
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T, index: number) => Promise<R>,
  shouldStop?: () => boolean,
): Promise<Array<R | undefined>> {
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`mapLimit: limit must be a positive integer, got ${limit}`);
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  let nextIndex = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && nextIndex < items.length) {
      if (shouldStop?.()) return;
      const i = nextIndex++;
      try {
        results[i] = await worker(items[i] as T, i);
      } catch (error) {
        // Keep the first error; other lanes stop issuing work and the error is rethrown once they drain.
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
  return results;
}
