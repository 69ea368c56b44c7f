/** At most `limit` tasks in flight; the rest wait in FIFO order. */
export class Limiter {
  private active = 0;
  // A queue read from `head`: Array.shift() is linear, and a backward pass may queue 20,000 calls.
  private waiting: Array<() => void> = [];
  private head = 0;
  /** Highest number of tasks seen in flight at once (for tests and reports). */
  peak = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`Limiter: limit must be an integer >= 1, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await task();
    } finally {
      this.active--;
      const next = this.waiting[this.head];
      if (next) {
        this.waiting[this.head++] = noop;
        if (this.head === this.waiting.length) {
          this.waiting = [];
          this.head = 0;
        }
        next();
      }
    }
  }
}

function noop(): void {}
