/** `autodiff ablate [preset|file]`: the experiment with GDPO and each of its switches, then the ablation table. */
import type { Command } from 'commander';
import { EXIT_CODES, signalExitCode } from '../exit-codes';
import { ABLATION_NAMES } from '../experiment/methods';
import type { Experiment } from '../experiment/schema';
import { UsageError } from '../usage-error';
import type { CommandContext } from './context';
import { list, option } from './options';
import { addSweepOptions, executeOptions, type SweepFlags } from './repro';

/** The experiment with its methods replaced by GDPO and one variant per switch, under its own name. */
export function ablationExperiment(e: Experiment, switches: readonly string[] = ABLATION_NAMES): Experiment {
  return { ...e, name: `${e.name}-ablation`, methods: ['gdpo', ...switches.map((s) => `gdpo.${s}`)] };
}

export function define(command: Command, cx: CommandContext): void {
  addSweepOptions(
    command
      .description(
        `Runs the experiment's pipelines with GDPO and with each switch (${ABLATION_NAMES.join(', ')}),\n` +
          'into results/<experiment>-ablation/, then writes tables/ablation.md and tables/ablation.csv.',
      )
      .argument('[experiment]', 'preset name or experiment file', 'quick')
      .addOption(
        option('--switches <list>', 'comma-separated subset of the switches (default: all)', list()),
      ),
  ).action(async (name: string, flags: SweepFlags & { switches?: string[] }) => {
    const switches = flags.switches ?? ABLATION_NAMES;
    for (const s of switches)
      if (!(ABLATION_NAMES as string[]).includes(s))
        throw new UsageError(`--switches: unknown switch "${s}" (known: ${ABLATION_NAMES.join(', ')})`);
    const options = executeOptions(flags, false);
    const [{ loadExperiment }, { executeExperiment }, { writeAblationTable }] = await Promise.all([
      import('../experiment/load'),
      import('../repro/execute'),
      import('../repro/ablation-table'),
    ]);
    const experiment = ablationExperiment(loadExperiment(name), switches);
    const { plan, sweep, stoppedBy } = await executeExperiment(experiment, options, cx.io);
    if (!sweep) return; // dry run
    if (stoppedBy) {
      cx.exitCode = signalExitCode(stoppedBy);
      return;
    }
    if (sweep.done.length + sweep.skipped.length > 0) {
      const files = await writeAblationTable(plan.root);
      cx.io.out(`ablation table: ${files.join(', ')}`);
    }
    cx.exitCode = sweep.failed.length > 0 ? EXIT_CODES.failed : EXIT_CODES.done;
  });
}
