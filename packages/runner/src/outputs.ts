/** Public API of the outputs built from saved runs: tables, plots, the HTML report and compare. */
export {
  type Comparison,
  compareExperiments,
  comparisonMarkdown,
  DEFAULT_TOLERANCES,
  type Tolerances,
} from './compare/compare';
export { parseTolerances, ToleranceError } from './compare/tolerances';
export { buildOutputs, type OutputFile, writeOutputs } from './outputs/build-outputs';
export {
  type CommandIo,
  compareCommand,
  EXIT_BAD_INPUT,
  EXIT_OK,
  EXIT_REGRESSION,
  reportCommand,
  tableCommand,
  writeReport,
  writeTables,
} from './outputs/commands';
export {
  parseRunRecord,
  RUN_RECORD_FORMAT,
  type RunRecord,
  RunRecordError,
  readExperiment,
  readRun,
  runId,
  type SavedExperiment,
  type SavedRun,
} from './repro/run-record';
