/**
 * Command entry points of the outputs that read saved runs (for the CLI to wire up):
 *   tableCommand(dir)                  rebuild tables/ and plots/ of results/<experiment>
 *   reportCommand(dir)                 rebuild tables/, plots/ and report.html
 *   reportCommand(file.json)           one `train` results file: <file>.report.html beside it
 *   compareCommand(old, new, tol)      print the Markdown comparison; non-zero on a regression
 *   writeTables(dir) / writeReport(dir) the same without printing (throw RunRecordError), for `repro`
 * Exit codes: 0 done / no regression; 1 regression beyond the tolerances (compare only);
 * 2 bad input (a saved-run file missing or malformed, a bad tolerance) — one line on stderr, nothing written.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '@llm-autodiff/llm';
import {
  compareExperiments,
  comparisonMarkdown,
  DEFAULT_TOLERANCES,
  type Tolerances,
} from '../compare/compare';
import { ToleranceError } from '../compare/tolerances';
import { EXIT_CODES, reportError } from '../exit-codes';
import { type Io, processIo } from '../io';
import { readTrainRun } from '../report/train-run';
import { RunRecordError, readExperiment } from '../repro/run-record';
import { buildOutputs, writeOutputs } from './build-outputs';

/** Where the commands print (the runner's Io; kept under this name for the public API). */
export type CommandIo = Io;

// The CLI's one exit-code table (exit-codes.ts), under the names of the public API.
export const EXIT_OK = EXIT_CODES.done;
export const EXIT_REGRESSION = EXIT_CODES.regression;
export const EXIT_BAD_INPUT = EXIT_CODES.input;

/**
 * Bad saved runs or tolerances become one line on stderr (`autodiff <command>: …`) and their exit code;
 * anything else is a bug and throws.
 */
async function guarded(command: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof RunRecordError || e instanceof ToleranceError) return reportError(command, e, io);
    throw e;
  }
}

async function rebuild(
  dir: string,
  report: boolean,
): Promise<{ name: string; runs: number; simulated: boolean; paths: string[] }> {
  const exp = await readExperiment(dir, { graphs: report });
  const files = await buildOutputs(exp, { report });
  await writeOutputs(dir, files);
  return {
    name: exp.name,
    runs: exp.runs.length,
    simulated: exp.simulated,
    paths: files.map((f) => join(dir, f.path)),
  };
}

/** Writes tables/ and plots/ of results/<experiment>; returns the paths written. Throws RunRecordError on bad runs. */
export async function writeTables(dir: string): Promise<string[]> {
  return (await rebuild(dir, false)).paths;
}

/** Writes tables/, plots/ and report.html; returns the report's path. Throws RunRecordError on bad runs. */
export async function writeReport(dir: string): Promise<string> {
  await rebuild(dir, true);
  return join(dir, 'report.html');
}

/** A `train` results file (not an experiment folder): by its name, as `train --out` requires it. */
function isTrainResultsFile(path: string): boolean {
  return path.endsWith('.json');
}

/**
 * The report of one `train` run, written beside its results file as `<name>.report.html` (no tables/ or
 * plots/ folders: results/ holds many runs' files side by side). Returns the report's path.
 */
async function writeTrainRunReport(file: string): Promise<string> {
  const exp = await readTrainRun(file);
  const report = (await buildOutputs(exp, { report: true })).find((f) => f.path === 'report.html');
  if (!report) throw new Error('buildOutputs wrote no report.html');
  const path = `${file.slice(0, -'.json'.length)}.report.html`;
  await writeFileAtomic(path, report.text);
  return path;
}

async function rebuildCommand(dir: string, report: boolean, io: CommandIo): Promise<number> {
  return guarded(report ? 'report' : 'table', io, async () => {
    if (isTrainResultsFile(dir)) {
      if (!report)
        throw new RunRecordError(dir, 'a train results file has no tables; `autodiff report` renders it');
      const path = await writeTrainRunReport(dir);
      io.out(`1 train run of ${dir}:`);
      io.out(`  ${path}`);
      return EXIT_OK;
    }
    const done = await rebuild(dir, report);
    io.out(`${done.runs} run(s) of ${done.name}${done.simulated ? ' (simulated model)' : ''}:`);
    for (const path of done.paths) io.out(`  ${path}`);
    return EXIT_OK;
  });
}

/** `autodiff table <dir>`: tables/*.md|csv and plots/*.svg from the saved runs (no model call). */
export function tableCommand(dir: string, io: CommandIo = processIo): Promise<number> {
  return rebuildCommand(dir, false, io);
}

/**
 * `autodiff report <dir>`: the tables, the plots and the self-contained report.html; `autodiff report
 * FILE.json`: the report of one `train` run.
 */
export function reportCommand(dir: string, io: CommandIo = processIo): Promise<number> {
  return rebuildCommand(dir, true, io);
}

/** `autodiff compare <old> <new>`: prints the comparison table; 1 when a cell regressed. */
export function compareCommand(
  oldDir: string,
  newDir: string,
  tolerances: Tolerances = DEFAULT_TOLERANCES,
  io: CommandIo = processIo,
): Promise<number> {
  return guarded('compare', io, async () => {
    // run.json holds every compared cell (a committed reference keeps only run.json files).
    const read = (dir: string) => readExperiment(dir, { steps: false });
    const [oldExp, newExp] = [await read(oldDir), await read(newDir)];
    const comparison = compareExperiments(oldExp, newExp, tolerances);
    io.out(comparisonMarkdown(comparison, `Comparison: ${newDir} against ${oldDir}`).trimEnd());
    return comparison.regressions > 0 ? EXIT_REGRESSION : EXIT_OK;
  });
}
