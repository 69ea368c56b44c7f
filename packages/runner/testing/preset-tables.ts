/** Markdown renderings of the presets and the deviations, for the root README (a test keeps them in sync). */
import { PIPELINE_NAMES } from '@llm-autodiff/tasks';
import { DEVIATIONS } from '../src/presets/deviations';
import { PRESETS } from '../src/presets/reference-presets';
import type { RoleSettings, RunSettings } from '../src/presets/settings';

function role(r: RoleSettings): string {
  const opts = [
    r.temperature === undefined ? undefined : `T ${r.temperature}`,
    r.topP === undefined ? undefined : `top_p ${r.topP}`,
    r.maxTokens === undefined ? undefined : `max ${r.maxTokens}`,
  ].filter(Boolean);
  return `${r.reference} (${opts.join(', ')})`;
}

const ROWS: [string, (s: RunSettings) => string][] = [
  ['strategy', (s) => s.gdpo.strategy],
  ['steps', (s) => String(s.gdpo.steps)],
  ['batch size', (s) => String(s.gdpo.batchSize)],
  ['proposals per step', (s) => String(s.gdpo.proposalsPerStep)],
  ['history size', (s) => String(s.gdpo.historySize)],
  ['failed proposals kept', (s) => String(s.gdpo.failedMemory)],
  ['error + correct samples per step', (s) => `${s.gdpo.maxErrorSamples} + ${s.gdpo.maxCorrectSamples}`],
  ['skip threshold / correct threshold', (s) => `${s.gdpo.skipThreshold} / ${s.gdpo.correctThreshold}`],
  ['moving batch cap / min errors', (s) => `${s.gdpo.movingBatchCap} / ${s.gdpo.movingBatchMinErrors}`],
  ['perfect subset passes on equal', (s) => String(s.gdpo.perfectSubsetPassesOnEqual)],
  ['demo phase steps', (s) => String(s.gdpo.demos.steps)],
  ['demo shots (teacher + raw)', (s) => `${s.gdpo.demos.bootstrapShots} + ${s.gdpo.demos.rawShots}`],
  ['weighted demo sampling', (s) => String(s.gdpo.demos.weighted)],
  ['teacher demos keep inputs', (s) => String(s.gdpo.demos.teacherInputs)],
  ['seed / workers', (s) => `${s.trainer.seed} / ${s.trainer.concurrency}`],
  ['task model', (s) => role(s.models.task)],
  ['backward engine', (s) => role(s.models.backward)],
  ['optimizer', (s) => role(s.models.optimizer)],
  ['teacher', (s) => role(s.models.teacher)],
];

export function presetTable(): string {
  const head = `| setting | ${PIPELINE_NAMES.join(' | ')} |`;
  const sep = `|---|${PIPELINE_NAMES.map(() => '---').join('|')}|`;
  const rows = ROWS.map(
    ([name, get]) => `| ${name} | ${PIPELINE_NAMES.map((p) => get(PRESETS[p].settings)).join(' | ')} |`,
  );
  return [head, sep, ...rows].join('\n');
}

export function deviationsTable(): string {
  const rows = DEVIATIONS.map((d) => {
    const sw = d.switch ? `\`${d.switch.flags.join(' ')}\`` : `none — ${d.noSwitch}`;
    return `| ${d.id} | ${d.what} | ${d.why} | ${sw} | ${d.effect} |`;
  });
  return [
    '| deviation | what (ours; the reference) | why | switch restoring the reference | measured effect (simulated model) |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}
