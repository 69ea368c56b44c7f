/**
 * The spend journal: every billed attempt of a run, made durable as it happens, so what was spent
 * survives any interruption (SIGKILL included) and a resume can count it against the run's budget.
 *
 * One JSON line per event, appended with a synchronous write (in the kernel's page cache at once, so a
 * killed process loses nothing; a batched `fsync` at most every `syncMs` guards against a power loss):
 * - `{"k":"open","s":S}` a process starts writing (session S);
 * - `{"k":"sent","id":I,"r":role,"m":model}` a call admitted by the budget, about to be sent;
 * - `{"k":"call","id":I,"in":p,"out":c,"usd":x}` it was answered and billed;
 * - `{"k":"unsent","id":I}` it was not billed (refused by a stop, failed without a billed attempt);
 * - `{"k":"fail","r":role,"m":model,"n":N,"in":p,"usd":x}` N billed attempts that failed (estimated tokens);
 * - `{"k":"hit","r":role,"m":model}` a cache hit (free, counted apart).
 * A `sent` never settled (its process was killed with the call in flight) counts as one call of
 * unknown size: the budget then errs on the side of the caller's money.
 */
import { closeSync, existsSync, fsync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { writeFailure } from './atomic-write';
import type { SpendObserver } from './budget';
import type { ErrorKind } from './error-kind';
import type { TokenUsage } from './types';

/** What one role spent across every process of a run. */
export interface RoleSpent {
  /** Billed calls answered. */
  calls: number;
  /** Billed attempts that failed (each a call to the budget). */
  failedAttempts: number;
  /** Calls in flight when a process was killed: billed or not, unknown; each a call to the budget. */
  interrupted: number;
  /** Free. */
  cacheHits: number;
  promptTokens: number;
  completionTokens: number;
  usd: number;
}

export type SpentByRole = Record<string, RoleSpent>;

export function emptyRoleSpent(): RoleSpent {
  return {
    calls: 0,
    failedAttempts: 0,
    interrupted: 0,
    cacheHits: 0,
    promptTokens: 0,
    completionTokens: 0,
    usd: 0,
  };
}

/** The budget's view of a role's spend: every billed or possibly billed attempt is a call. */
export function budgetSpend(s: RoleSpent): { calls: number; tokens: number; usd: number } {
  return {
    calls: s.calls + s.failedAttempts + s.interrupted,
    tokens: s.promptTokens + s.completionTokens,
    usd: s.usd,
  };
}

/** Sum over roles. */
export function totalSpent(byRole: SpentByRole): RoleSpent {
  const t = emptyRoleSpent();
  for (const s of Object.values(byRole))
    for (const k of Object.keys(t) as Array<keyof RoleSpent>) t[k] += s[k];
  return t;
}

/** The journal could not be read (`reading`: a damaged file) or written (full disk): names the file. */
export class SpendJournalError extends Error {
  override readonly name = 'SpendJournalError';
  /** A damaged journal is bad input; one that cannot be written is a write failure. */
  readonly errorKind: ErrorKind;
  constructor(
    message: string,
    readonly reading = false,
  ) {
    super(message);
    this.errorKind = reading ? 'input' : 'write';
  }
}

interface Line {
  k: string;
  s?: number;
  id?: number;
  r?: string;
  m?: string;
  n?: number;
  in?: number;
  out?: number;
  usd?: number;
}

export interface SpendJournalOptions {
  /** Where the lines go; absent: totals in memory only. */
  path?: string;
  /** Keep the lines already there (a resume) instead of starting empty. */
  append?: boolean;
  /** Longest time a written line waits for its fsync (default 200 ms). */
  syncMs?: number;
}

export class SpendJournal implements SpendObserver {
  private readonly byRole = new Map<string, RoleSpent>();
  /** Calls sent and not yet settled in this process: id → role. */
  private readonly open = new Map<number, string>();
  private fd: number | undefined;
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly syncMs: number;
  readonly path: string | undefined;
  /** True when earlier processes' lines were read (a resume of a run that has a journal). */
  readonly continued: boolean = false;

  constructor(options: SpendJournalOptions = {}) {
    this.path = options.path;
    this.syncMs = options.syncMs ?? 200;
    let earlier: { session: number; cutShort: boolean } | undefined;
    if (options.path && options.append && existsSync(options.path)) {
      earlier = this.replay(options.path);
      this.continued = true;
    }
    if (options.path) {
      try {
        this.fd = openSync(options.path, options.append ? 'a' : 'w');
      } catch (error) {
        throw new SpendJournalError(`cannot write spend journal ${options.path}: ${writeFailure(error)}`);
      }
      // A line cut short by a kill or power loss is left alone; ours starts on a line of its own.
      if (earlier?.cutShort) writeSync(this.fd, '\n');
      this.write({ k: 'open', s: (earlier?.session ?? 0) + 1 });
    }
  }

  /** Spent per role so far: the journal's earlier processes and this one. */
  spent(): SpentByRole {
    const out: SpentByRole = {};
    for (const [role, s] of this.byRole) out[role] = { ...s };
    return out;
  }

  sent(id: number, role: string, model: string): void {
    this.open.set(id, role);
    this.write({ k: 'sent', id, r: role, m: model });
  }

  billed(id: number, usage: TokenUsage, usd: number): void {
    const role = this.open.get(id);
    this.open.delete(id);
    if (role === undefined) return;
    this.charge(role, 'calls', 1, usage.promptTokens, usage.completionTokens, usd);
    this.write({ k: 'call', id, in: usage.promptTokens, out: usage.completionTokens, usd });
  }

  unsent(id: number): void {
    if (!this.open.delete(id)) return;
    this.write({ k: 'unsent', id });
  }

  failed(role: string, model: string, attempts: number, usage: TokenUsage, usd: number): void {
    this.charge(role, 'failedAttempts', attempts, usage.promptTokens, usage.completionTokens, usd);
    this.write({
      k: 'fail',
      r: role,
      m: model,
      n: attempts,
      in: usage.promptTokens,
      out: usage.completionTokens,
      usd,
    });
  }

  cacheHit(role: string, model: string): void {
    this.role(role).cacheHits++;
    this.write({ k: 'hit', r: role, m: model });
  }

  /** Flushes to disk and closes; calls still open stay `sent` (counted as interrupted by a resume). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      if (this.dirty) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Adds billed calls or failed attempts (`count` of `field`) with their tokens and dollars to `role`. */
  private charge(
    role: string,
    field: 'calls' | 'failedAttempts',
    count: number,
    promptTokens: number,
    completionTokens: number,
    usd: number,
  ): void {
    const s = this.role(role);
    s[field] += count;
    s.promptTokens += promptTokens;
    s.completionTokens += completionTokens;
    s.usd += usd;
  }

  private role(role: string): RoleSpent {
    let s = this.byRole.get(role);
    if (!s) {
      s = emptyRoleSpent();
      this.byRole.set(role, s);
    }
    return s;
  }

  private write(line: Line): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, `${JSON.stringify(line)}\n`);
    } catch (error) {
      throw new SpendJournalError(`cannot write spend journal ${this.path}: ${writeFailure(error)}`);
    }
    this.dirty = true;
    // Batched: one fsync per `syncMs` however many lines; unref'd, so it never keeps the process alive.
    if (!this.timer) {
      this.timer = setTimeout(() => this.sync(), this.syncMs);
      this.timer.unref();
    }
  }

  private sync(): void {
    this.timer = undefined;
    const fd = this.fd;
    if (fd === undefined || !this.dirty) return;
    this.dirty = false;
    fsync(fd, () => {});
  }

  /**
   * Reads earlier processes' lines into the totals; returns the last session number, and whether the
   * file ends mid-line (a kill or power loss cut its last line short).
   */
  private replay(path: string): { session: number; cutShort: boolean } {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new SpendJournalError(`cannot read spend journal ${path}: ${(error as Error).message}`, true);
    }
    let session = 0;
    let pending = new Map<number, string>();
    const closeSession = () => {
      for (const role of pending.values()) this.role(role).interrupted++;
      pending = new Map();
    };
    const lines = text.split('\n');
    lines.forEach((raw, i) => {
      if (raw.trim() === '') return;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        // A line cut short by a kill or power loss ends its session: the file's last line, or the one
        // before a later process's `open`. Anywhere else the file is damaged.
        const next = lines.slice(i + 1).find((l) => l.trim() !== '');
        if (next === undefined || next.startsWith('{"k":"open"')) return;
        throw new SpendJournalError(`spend journal ${path}: line ${i + 1} is not JSON`, true);
      }
      const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
      switch (line.k) {
        case 'open':
          closeSession();
          session = Math.max(session, n(line.s));
          break;
        case 'sent':
          if (typeof line.id === 'number' && typeof line.r === 'string') pending.set(line.id, line.r);
          break;
        case 'call': {
          const role = pending.get(line.id ?? -1);
          if (role === undefined) break;
          pending.delete(line.id ?? -1);
          this.charge(role, 'calls', 1, n(line.in), n(line.out), n(line.usd));
          break;
        }
        case 'unsent':
          pending.delete(line.id ?? -1);
          break;
        case 'fail':
          this.charge(String(line.r), 'failedAttempts', n(line.n), n(line.in), n(line.out), n(line.usd));
          break;
        case 'hit':
          this.role(String(line.r)).cacheHits++;
          break;
        default:
          throw new SpendJournalError(
            `spend journal ${path}: line ${i + 1} has unknown kind ${JSON.stringify(line.k)}`,
            true,
          );
      }
    });
    closeSession();
    return { session, cutShort: text !== '' && !text.endsWith('\n') };
  }
}
