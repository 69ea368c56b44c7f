import { createSimModel } from '@llm-autodiff/sim';
import { createPipeline, loadBm25, loadTask, type PipelineName } from '@llm-autodiff/tasks';

const seeds = (process.argv[2] ?? '2025').split(',').map(Number);
const names = (process.argv[3] ?? 'hotpot-vanilla,hotpot-multihop,hotpot-cycle,hotpot-agent').split(
  ',',
) as PipelineName[];
const instr = process.argv[4] ? JSON.parse(process.argv[4]) : undefined;
const split = (process.env.SPLIT ?? 'val') as 'val' | 'test';
const { index } = await loadBm25();
const t0 = Date.now();
for (const name of names) {
  const splits = await loadTask(name);
  const row: string[] = [];
  for (const seed of seeds) {
    const model = createSimModel('task', { seed });
    const program = createPipeline(name, { model, retriever: index, instructions: instr?.[name] });
    const data = splits[split];
    const preds = await Promise.all(data.map((e) => program.predict(e)));
    const em = data.map((e, i) => program.evalScore(e as never, preds[i]!));
    row.push(`${seed}:${(em.reduce((a, b) => a + b, 0) / em.length).toFixed(3)}`);
  }
  console.log(name.padEnd(16), row.join(' '));
}
console.log('ms', Date.now() - t0);
