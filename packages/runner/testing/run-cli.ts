/** Runs the CLI in process as a user would, capturing its output (tests only). */
import { main } from '../src/cli';

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

export async function autodiff(args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
