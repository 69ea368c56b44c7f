/**
 * What a method's model calls scale with, for estimates before a run (`repro --dry-run`). A method's
 * training steps fall into phases (GDPO's text and demo phases, MIPRO's proposal step and trials, one
 * phase for most); per phase and role a "driver" is the quantity that role's calls grow with, computed
 * from the method's resolved config and the run's sizes. A measurement stores the calls it saw next to the
 * driver at its own settings; an estimate multiplies calls-per-driver by the driver of the planned run.
 * The measured counts are the estimator's data (the runner's), never the method's: a method only says how
 * its calls scale, so both sides use one definition of the scaling.
 *
 * Drivers are upper-bound shapes (e.g. every proposal reaching full validation); the measured ratio
 * absorbs what the method really does at the measured settings. That ratio is assumed to hold at other
 * sizes: the approximation the runner's README names.
 */

/** The roles whose calls an estimate counts. */
export type CostRole = 'task' | 'teacher' | 'backward' | 'optimizer';

/** The sizes a run sees and what its pipeline has to tune. */
export interface RunShape {
  train: number;
  val: number;
  test: number;
  /** Trainable prompts of the pipeline. */
  prompts: number;
  /** Trainable few-shot slots (0 unless the method tunes demos and the pipeline has a slot). */
  demoSlots: number;
}

/** Per role: the quantity that role's calls in one phase scale with (0 or absent: no calls expected). */
export type Drivers = Partial<Record<CostRole, number>>;

export interface CostModel<C = unknown> {
  /** The phase a training step record belongs to (by the record's `phase`). */
  phaseOf(recordPhase: string): string;
  /** Per phase, per role: the drivers of a run with this config and shape (no phases: evaluation only). */
  drivers(config: C, shape: RunShape): Record<string, Drivers>;
  /**
   * Methods that fill few-shot slots: how many demos a task prompt carries (at most), which the task
   * calls' prompt tokens grow with beyond the starting prompt's.
   */
  demosShown?(config: C): number;
  /** Training steps the config asks for (an upper bound), for progress and time-left estimates. */
  steps(config: C): number;
}

/** The phase name of a method with one kind of step. */
export const onePhase = (): string => 'steps';
