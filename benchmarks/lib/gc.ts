/**
 * A full garbage collection on demand, without starting node with --expose-gc: for a measurement that
 * must not be charged with the garbage of the one before it, or that reads the live heap.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects twice: objects freed by the first collection's finalizers go in the second. */
export function collectGarbage(): void {
  gc();
  gc();
}
