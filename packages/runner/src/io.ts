/** Where commands print: lines to stdout and stderr (tests capture them). */
export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
  /** True when stdout is a terminal (live progress is redrawn in place then). */
  isTTY?: boolean;
}

export const processIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  isTTY: process.stdout.isTTY === true,
};
