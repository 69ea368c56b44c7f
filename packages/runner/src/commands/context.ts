/** What every command definition gets: where to print, how to stop long-running commands, the exit code. */
import type { Io } from '../io';

export interface CommandContext {
  io: Io;
  /** The command's own arguments (after its name), e.g. to print the command that resumes a run. */
  argv: readonly string[];
  /** Ends long-running commands (sim-server); default SIGINT/SIGTERM. */
  stop?: Promise<void>;
  /** Set by the command's action; `main` returns it. */
  exitCode: number;
}
