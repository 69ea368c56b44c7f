/**
 * Regenerates the ablation table of packages/sim/README.md (simulated model, NOT research results):
 * GDPO full, noFeedbackText ("OPRO with data"), noBackward and the random strategy, on ObjectCount, TREC,
 * HotPotQA vanilla and multi-hop; mean ± std over repeats of validation and test accuracy and of
 * backward-engine and optimizer tokens.
 *
 *   npx tsx scripts/sim-ablation-table.ts [--repeats 5] [--steps 12] [--pipelines a,b] [--methods a,b] [--print]
 *
 * `--methods` picks rows by name; `noTechniques` (not in the default table) is the Table 3 ablation
 * without the optimizer's PROMPTING_TECHNIQUES section: the optimizer model receives GDPO's request with
 * that section removed (what `promptTechniques: false` leaves out; the method config does not expose it).
 *
 * Repeat r uses trainer seed BASE_SEED + r and world seed deriveSimSeed(BASE_SEED, r): the four methods
 * of one repeat meet the same world (a paired comparison), repeats meet different worlds. The table is
 * written between the README's ablation markers whatever it shows; --print writes to stdout only.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Ablations, gdpoMethod } from '@llm-autodiff/gdpo';
import { type ChatModel, managedModel, TAGS, UsageLedger, writeFileAtomic } from '@llm-autodiff/llm';
import { createSimModel, deriveSimSeed } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, type PipelineName, taskOf } from '@llm-autodiff/tasks';
import { train } from '@llm-autodiff/trainer';
import { type Stat, stat } from '../packages/runner/src/tables/summary';

const BASE_SEED = 2025;
const README = resolve(import.meta.dirname, '../packages/sim/README.md');
const START = '<!-- ablation-table:start -->';
const END = '<!-- ablation-table:end -->';
const PIPELINES: PipelineName[] = ['object-count', 'trec', 'hotpot-vanilla', 'hotpot-multihop'];

interface Method {
  name: string;
  strategy: 'constrained' | 'random';
  ablations: Partial<Ablations>;
  /** Remove the PROMPTING_TECHNIQUES section from the optimizer's requests. */
  noTechniques?: boolean;
}

const METHODS: Method[] = [
  { name: 'full', strategy: 'constrained', ablations: {} },
  { name: 'noFeedbackText', strategy: 'constrained', ablations: { noFeedbackText: true } },
  { name: 'noBackward', strategy: 'constrained', ablations: { noBackward: true } },
  { name: 'random strategy', strategy: 'random', ablations: {} },
];
/** Rows that `--methods` may add to the default ones. */
const EXTRA_METHODS: Method[] = [
  { name: 'noTechniques', strategy: 'constrained', ablations: {}, noTechniques: true },
];
const ALL_METHODS = [...METHODS, ...EXTRA_METHODS];

/** The optimizer's requests without the `<PROMPTING_TECHNIQUES>` section. */
function withoutTechniques(model: ChatModel): ChatModel {
  const section = new RegExp(
    `\\n*<${TAGS.optimizer.techniques}>[\\s\\S]*?</${TAGS.optimizer.techniques}>`,
    'g',
  );
  return {
    id: model.id,
    complete: (request, context) =>
      model.complete(
        {
          ...request,
          messages: request.messages.map((m) => ({ ...m, content: m.content.replace(section, '') })),
        },
        context,
      ),
  };
}

const USAGE =
  'usage: npx tsx scripts/sim-ablation-table.ts [--repeats N] [--steps N] [--pipelines a,b] [--methods a,b] [--print]';

interface Args {
  repeats: number;
  steps: number;
  pipelines: PipelineName[];
  methods: Method[];
  print: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { repeats: 5, steps: 12, pipelines: PIPELINES, methods: METHODS, print: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--print') {
      args.print = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--repeats' || flag === '--steps') {
      if (!/^[1-9]\d*$/.test(value)) throw new Error(`${flag} must be a positive integer, got "${value}"`);
      args[flag === '--repeats' ? 'repeats' : 'steps'] = Number(value);
    } else if (flag === '--pipelines') {
      const list = value.split(',').filter(Boolean);
      for (const p of list)
        if (!(PIPELINES as string[]).includes(p))
          throw new Error(`--pipelines: "${p}" is not one of ${PIPELINES.join(', ')}`);
      args.pipelines = list as PipelineName[];
    } else if (flag === '--methods') {
      args.methods = value
        .split(',')
        .filter(Boolean)
        .map((name) => {
          const m = ALL_METHODS.find((x) => x.name === name);
          if (!m)
            throw new Error(
              `--methods: "${name}" is not one of ${ALL_METHODS.map((x) => x.name).join(', ')}`,
            );
          return m;
        });
    } else throw new Error(`unknown argument "${flag}"`);
  }
  return args;
}

interface RunFigures {
  start: number;
  val: number;
  test: number;
  backwardTokens: number;
  optimizerTokens: number;
}

async function runOnce(
  pipeline: PipelineName,
  method: Method,
  repeat: number,
  steps: number,
): Promise<RunFigures> {
  const ledger = new UsageLedger();
  const seed = deriveSimSeed(BASE_SEED, repeat);
  const model = (profile: string): ChatModel => managedModel(createSimModel(profile, { seed }), { ledger });
  const large = model('large');
  const retriever = taskOf(pipeline) === 'hotpot' ? (await loadBm25()).index : undefined;
  const program = createPipeline(pipeline, { model: model('task'), retriever });
  const data = await loadTask(taskOf(pipeline));
  const result = await train({
    program: program as Parameters<typeof train>[0]['program'],
    data: { train: data.train, val: data.val, test: data.test },
    models: { optimizer: method.noTechniques ? withoutTechniques(large) : large, backward: large },
    method: gdpoMethod,
    methodConfig: { steps, strategy: method.strategy, ablations: method.ablations },
    trainer: { seed: BASE_SEED + repeat },
    usage: ledger,
  });
  const tokens = (role: string) => {
    const u = ledger.byRole()[role];
    return u ? u.promptTokens + u.completionTokens : 0;
  };
  return {
    start: result.initial?.val ?? Number.NaN,
    val: result.final.val ?? Number.NaN,
    test: result.final.test ?? Number.NaN,
    backwardTokens: tokens('backward'),
    optimizerTokens: tokens('optimizer'),
  };
}

// Every row has at least one repeat (--repeats is a positive integer).
const acc = (xs: number[]) => {
  const { mean, std } = stat(xs) as Stat;
  return `${mean.toFixed(3)} ± ${std.toFixed(3)}`;
};
const ktok = (xs: number[]) => {
  const { mean, std } = stat(xs.map((x) => x / 1000)) as Stat;
  return `${mean.toFixed(0)}k ± ${std.toFixed(0)}k`;
};

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const rows: string[] = [];
  for (const pipeline of args.pipelines) {
    for (const method of args.methods) {
      const runs: RunFigures[] = [];
      for (let r = 0; r < args.repeats; r++) {
        runs.push(await runOnce(pipeline, method, r, args.steps));
        console.error(`${pipeline} ${method.name} repeat ${r}: val ${runs.at(-1)?.val.toFixed(3)}`);
      }
      rows.push(
        `| ${pipeline} | ${method.name} | ${acc(runs.map((x) => x.start))} | ${acc(runs.map((x) => x.val))} | ${acc(runs.map((x) => x.test))} | ${ktok(runs.map((x) => x.backwardTokens))} | ${ktok(runs.map((x) => x.optimizerTokens))} |`,
      );
    }
  }
  const table = [
    `**Simulated model — not research results.** GDPO ablations, ${args.steps} steps, ${args.repeats} repeats (trainer seed ${BASE_SEED}+r, world seed \`deriveSimSeed(${BASE_SEED}, r)\`), sim:task with sim:large as backward engine and optimizer, full val/test splits; mean ± std over repeats of the final validation and test accuracy and of the backward and optimizer tokens (prompt + completion) per run. Regenerate: \`npx tsx scripts/sim-ablation-table.ts\`.`,
    '',
    '| pipeline | method | start val | final val | final test | backward tokens | optimizer tokens |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
  if (args.print) {
    console.log(table);
    return;
  }
  const readme = readFileSync(README, 'utf8');
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) {
    console.error(`error: ${README} has no ${START} … ${END} markers`);
    process.exit(1);
  }
  await writeFileAtomic(README, `${readme.slice(0, a + START.length)}\n${table}\n${readme.slice(b)}`);
  console.error(`wrote the table into ${README}`);
}

await main();
