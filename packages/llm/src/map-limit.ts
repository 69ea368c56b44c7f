/**
 * Run `worker` over `items` with at most `limit` in flight (one `Semaphore`, the workspace's only
 * concurrency primitive). Results keep the input order, so nothing downstream depends on completion
 * order. `shouldStop` is consulted before each new item is started: once it returns true no further
 * work is issued (items not started are reported as `undefined`). On the first error no further item is
 * started; the error is rethrown once the items in flight have settled.
 */
import { Semaphore } from './semaphore';

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
  const slots = new Semaphore(limit);
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  let failure: { error: unknown } | undefined;
  const running: Promise<void>[] = [];
  for (let i = 0; i < items.length; i++) {
    const release = await slots.acquire();
    // Checked once a slot is free, i.e. with the latest results in: the decision sees every finished item.
    if (failure !== undefined || shouldStop?.()) {
      release();
      break;
    }
    running.push(
      worker(items[i] as T, i)
        .then(
          (r) => {
            results[i] = r;
          },
          (error: unknown) => {
            failure ??= { error };
          },
        )
        .finally(release),
    );
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure.error;
  return results;
}
