/**
 * Train one task/pipeline with GDPO on the simulated world (until the runner exists).
 *
 *   npx tsx scripts/train.ts --task object-count [--pipeline object-count] [--steps 12] [--out results/x.json]
 *
 * Prints the starting and final validation and test scores, calls and tokens per role, proposals passed
 * at each gate and the wall-clock, and writes a results JSON marked "simulated model" (the default models
 * are the sim's; `--task-model` etc. take any spec of the model registry). Every model call
 * goes through the llm ManagedModel (response cache + usage ledger); the optimizer is never cached.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  type Ablations,
  DEFAULT_ABLATIONS,
  type TrainerConfigInput,
  TrainerInputError,
  train,
} from '@llm-autodiff/gdpo';
import { type ChatModel, managedModel, ResponseCache, UsageLedger } from '@llm-autodiff/llm';
import { createModel } from '@llm-autodiff/runner';
import {
  createPipeline,
  loadBm25,
  loadTask,
  PIPELINE_NAMES,
  type PipelineName,
  TASK_NAMES,
  type TaskName,
  taskOf,
} from '@llm-autodiff/tasks';

const USAGE = `usage: npx tsx scripts/train.ts --task <${TASK_NAMES.join('|')}> [options]
  --pipeline <${PIPELINE_NAMES.join('|')}>   default: the task's first pipeline
  --steps N            text-optimization steps (default 12)
  --batch N            batch size (default 4)
  --proposals N        proposals per step (default 5)
  --seed N             trainer seed (default 2025)
  --strategy S         constrained | random (default constrained)
  --ablation A[,B]     ${Object.keys(DEFAULT_ABLATIONS).join(', ')}
  --demo-steps N       demo-optimization steps after the text phase (adds a few-shot slot; default 0)
  --train N / --val N / --test N   use only the first N examples of a split (quick runs)
  --concurrency N      forward passes / evaluations in flight (default 4)
  --out FILE           results JSON (default results/gdpo-<pipeline>-seed<seed>.json)
  --checkpoint FILE    checkpoint (default: <out without .json>.ckpt.json)
  --resume             continue from the checkpoint
  --cache FILE|off     response cache (default: llm's default cache path)
  --task-model SPEC    default sim:task (any spec of the model registry, e.g. openai:gpt-4o-mini)
  --backward-model SPEC / --optimizer-model SPEC   default sim:large
  --teacher-model SPEC default sim:teacher
  --quiet              no per-step lines`;

const DEFAULT_PIPELINE: Record<TaskName, PipelineName> = {
  'object-count': 'object-count',
  trec: 'trec',
  hotpot: 'hotpot-vanilla',
};

class UsageError extends Error {}

interface Args {
  task: TaskName;
  pipeline: PipelineName;
  config: TrainerConfigInput;
  /** True when a flag set a trainer option (on resume they must match the checkpoint's). */
  configGiven: boolean;
  limits: { train?: number; val?: number; test?: number };
  out: string;
  checkpoint: string;
  resume: boolean;
  cache: string | 'off' | undefined;
  quiet: boolean;
  models: { task: string; backward: string; optimizer: string; teacher: string };
}

function parseArgs(argv: string[]): Args {
  const flags = new Map<string, string>();
  const switches = new Set(['--resume', '--quiet', '--help']);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument "${a}"`);
    if (switches.has(a)) {
      flags.set(a, 'true');
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`flag ${a} needs a value`);
    flags.set(a, v);
    i++;
  }
  if (flags.has('--help')) throw new UsageError('');
  const known = new Set([
    '--task',
    '--pipeline',
    '--steps',
    '--batch',
    '--proposals',
    '--seed',
    '--strategy',
    '--ablation',
    '--demo-steps',
    '--train',
    '--val',
    '--test',
    '--concurrency',
    '--out',
    '--checkpoint',
    '--resume',
    '--cache',
    '--quiet',
    '--task-model',
    '--backward-model',
    '--optimizer-model',
    '--teacher-model',
  ]);
  for (const f of flags.keys()) if (!known.has(f)) throw new UsageError(`unknown flag ${f}`);
  const int = (flag: string, min: number): number | undefined => {
    const v = flags.get(flag);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min)
      throw new UsageError(`${flag} must be an integer >= ${min}, got "${v}"`);
    return Number(v);
  };
  const taskName = flags.get('--task');
  if (!taskName) throw new UsageError('--task is required');
  if (!(TASK_NAMES as string[]).includes(taskName))
    throw new UsageError(`unknown task "${taskName}"; expected one of ${TASK_NAMES.join(', ')}`);
  const task = taskName as TaskName;
  const pipelineName = flags.get('--pipeline') ?? DEFAULT_PIPELINE[task];
  if (!(PIPELINE_NAMES as string[]).includes(pipelineName)) {
    throw new UsageError(`unknown pipeline "${pipelineName}"; expected one of ${PIPELINE_NAMES.join(', ')}`);
  }
  const pipeline = pipelineName as PipelineName;
  if (taskOf(pipeline) !== task)
    throw new UsageError(`pipeline "${pipeline}" belongs to task "${taskOf(pipeline)}", not "${task}"`);
  const ablations: Partial<Ablations> = {};
  for (const name of (flags.get('--ablation') ?? '').split(',').filter(Boolean)) {
    if (!(name in DEFAULT_ABLATIONS))
      throw new UsageError(
        `unknown ablation "${name}"; expected one of ${Object.keys(DEFAULT_ABLATIONS).join(', ')}`,
      );
    ablations[name as keyof Ablations] = true;
  }
  const strategy = flags.get('--strategy') ?? 'constrained';
  if (strategy !== 'constrained' && strategy !== 'random')
    throw new UsageError(`--strategy must be constrained or random, got "${strategy}"`);
  const config: TrainerConfigInput = { strategy, ablations };
  const set = <K extends keyof TrainerConfigInput>(key: K, v: TrainerConfigInput[K] | undefined) => {
    if (v !== undefined) config[key] = v;
  };
  set('steps', int('--steps', 0));
  set('batchSize', int('--batch', 1));
  set('proposalsPerStep', int('--proposals', 1));
  set('seed', int('--seed', 0));
  set('concurrency', int('--concurrency', 1));
  const demoSteps = int('--demo-steps', 0);
  if (demoSteps) config.demos = { steps: demoSteps };
  const seed = config.seed ?? 2025;
  const out = resolve(flags.get('--out') ?? `results/gdpo-${pipeline}-seed${seed}.json`);
  return {
    task,
    pipeline,
    config,
    configGiven: [
      '--steps',
      '--batch',
      '--proposals',
      '--seed',
      '--strategy',
      '--ablation',
      '--demo-steps',
      '--concurrency',
    ].some((f) => flags.has(f)),
    limits: { train: int('--train', 1), val: int('--val', 1), test: int('--test', 1) },
    out,
    checkpoint: resolve(flags.get('--checkpoint') ?? `${out.replace(/\.json$/, '')}.ckpt.json`),
    resume: flags.has('--resume'),
    cache: flags.get('--cache'),
    quiet: flags.has('--quiet'),
    models: {
      task: flags.get('--task-model') ?? 'sim:task',
      backward: flags.get('--backward-model') ?? 'sim:large',
      optimizer: flags.get('--optimizer-model') ?? 'sim:large',
      teacher: flags.get('--teacher-model') ?? 'sim:teacher',
    },
  };
}

function fmt(x: number | undefined): string {
  return x === undefined ? '  n/a ' : x.toFixed(4);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const ledger = new UsageLedger({ labels: { experiment: `gdpo-${args.pipeline}` } });
  const cache =
    args.cache === 'off'
      ? undefined
      : new ResponseCache({ path: args.cache ? resolve(args.cache) : undefined });
  const managed = (spec: string): ChatModel => managedModel(createModel(spec), { ledger, cache });
  const task = managed(args.models.task);
  const backward = managed(args.models.backward);
  const optimizer = managed(args.models.optimizer);
  const simulated = Object.values(args.models).every((m) => m.startsWith('sim:'));
  const label = simulated ? 'simulated model' : `models: ${Object.values(args.models).join(', ')}`;
  const demoSteps = args.config.demos?.steps ?? 0;
  const retriever = args.task === 'hotpot' ? (await loadBm25()).index : undefined;
  const program = createPipeline(args.pipeline, { model: task, retriever, demos: demoSteps > 0 });
  const splits = await loadTask(args.pipeline);
  const cut = <E>(xs: E[], n?: number): E[] => (n === undefined ? xs : xs.slice(0, n));
  const data = {
    train: cut(splits.train, args.limits.train),
    val: cut(splits.val, args.limits.val),
    test: cut(splits.test, args.limits.test),
  };
  // The teacher: the same pipeline object run on the teacher model (calls recorded with role 'teacher').
  const teacherModel = managed(args.models.teacher);
  const teacher = {
    ...program,
    forwardLoss: (ex: Parameters<typeof program.forwardLoss>[0]) =>
      program.forwardLoss(ex, { model: teacherModel, role: 'teacher' }),
    predict: (ex: Parameters<typeof program.predict>[0]) =>
      program.predict(ex, { model: teacherModel, role: 'teacher' }),
  };

  const log = args.quiet ? () => {} : (line: string) => console.log(line);
  log(
    `${args.pipeline}: train ${data.train.length}, val ${data.val.length}, test ${data.test.length} (${label}; ${splits.source})`,
  );
  const result = await train({
    program,
    teacher,
    data,
    models: { optimizer, backward },
    // On resume the checkpoint's config is used; flags given anyway must agree with it (checked by train()).
    config: args.resume && !args.configGiven ? undefined : args.config,
    usage: ledger,
    checkpointPath: args.checkpoint,
    resume: args.resume,
    log,
  });

  console.log(
    `\n== ${args.pipeline} with GDPO (${result.strategy}) — ${label}${result.partial ? ` — PARTIAL: ${result.stopReason}` : ''}`,
  );
  console.log(`validation: ${fmt(result.initial.val)} -> ${fmt(result.final.val)}`);
  console.log(`test:       ${fmt(result.initial.test)} -> ${fmt(result.final.test)}`);
  console.log('role        calls  cache-hits  prompt-tok  completion-tok');
  for (const [role, u] of Object.entries(ledger.byRole())) {
    console.log(
      `${role.padEnd(10)} ${String(u.calls).padStart(6)} ${String(u.cacheHits).padStart(11)} ${String(u.promptTokens).padStart(11)} ${String(u.completionTokens).padStart(15)}`,
    );
  }
  const g = result.gates;
  console.log(
    `proposals: ${g.tried} tried, ${g.unchanged} unchanged (${g.parseFailures} parse failures); ` +
      `mini-batch gate ${g.miniBatchPassed} passed / ${g.miniBatchFailed} failed; ` +
      `validation gate ${g.validationPassed} passed / ${g.validationFailed} failed`,
  );
  console.log(`wall-clock: ${(result.wallMs / 1000).toFixed(1)} s (this process)`);
  for (const [name, value] of Object.entries(result.values))
    console.log(`\n[${name}]\n${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}`);

  mkdirSync(dirname(args.out), { recursive: true });
  const report = {
    model: simulated ? 'simulated model' : 'real model',
    task: args.task,
    pipeline: args.pipeline,
    models: { task: task.id, backward: backward.id, optimizer: optimizer.id, teacher: teacherModel.id },
    data: { source: splits.source, train: data.train.length, val: data.val.length, test: data.test.length },
    checkpoint: args.checkpoint,
    usageByRole: ledger.byRole(),
    result,
  };
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${args.out}`);
}

main().catch((error: unknown) => {
  if (error instanceof TrainerInputError || (error instanceof Error && error.name === 'ModelSpecError')) {
    console.error(`error: ${error.message}`);
    process.exit(2);
  }
  if (error instanceof UsageError) {
    if (error.message) console.error(`error: ${error.message}`);
    console.error(USAGE);
    process.exit(2);
  }
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
