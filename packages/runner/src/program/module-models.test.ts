import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RoleUsage } from '@llm-autodiff/llm';
import { train } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { autodiff } from '../../testing/run-cli';

const example = resolve(fileURLToPath(new URL('../../examples/triage', import.meta.url)));
const models = (role: string) => `module:${example}/models.mts#${role}`;
const dir = mkdtempSync(join(tmpdir(), 'autodiff-module-models-'));
/** `train` of the triage example with all three models from its module, offline. */
const trainTriage = (steps: number, out: string) =>
  `train --program ${example}/triage.mts#triage --task-model ${models('task')} --backward-model ${models('backward')} --optimizer-model ${models('optimizer')} --steps ${steps} --cache off --quiet --out ${out}`.split(
    ' ',
  );

describe('models from your own module (module:<file>#<export>)', () => {
  it('the triage example improves offline through the CLI: rule task model, scripted backward and optimizer', async () => {
    const out = join(dir, 'triage.json');
    const run = await autodiff(trainTriage(2, out));
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const saved = JSON.parse(readFileSync(out, 'utf8')) as {
      result: {
        initial: { val: number };
        final: { val: number };
        values: Record<string, string>;
        usage: Record<string, RoleUsage>;
      };
      usageByRole: Record<string, RoleUsage>;
    };
    expect(saved.result.final.val).toBeGreaterThan(saved.result.initial.val);
    expect(saved.result.values['urgency.instruction']).toMatch(/outage/i);
    // The rule table's calls: task calls marked local, no tokens; the scripted engines' are not local.
    const task = saved.usageByRole.task;
    expect(task?.calls).toBeGreaterThan(0);
    expect(task).toMatchObject({ localCalls: task?.calls, promptTokens: 0, completionTokens: 0 });
    expect(saved.result.usage.task?.localCalls).toBe(saved.result.usage.task?.calls);
    expect(saved.usageByRole.backward?.localCalls).toBeUndefined();
    expect(run.out).toMatch(new RegExp(`^task \\(local\\) +${task?.calls} +0 +0 +0 `, 'm'));
  }, 120_000);

  it('a dollar limit needs no price for a local (rule) model, but does for a scripted one', async () => {
    const base = trainTriage(0, join(dir, 'usd.json'));
    const local = await autodiff([...base, '--budget', 'task.usd=1']);
    expect(local.err).toBe('');
    expect(local.code).toBe(0);
    const scripted = await autodiff([...base, '--budget', 'backward.usd=1']);
    expect(scripted.code).toBe(2);
    expect(scripted.err).toMatch(
      /a dollar limit covers the backward model scripted:backward, which has no price/,
    );
  }, 120_000);

  it('the same modules train through the library', async () => {
    const { triage } = (await import(
      `${example}/triage.mts`
    )) as typeof import('../../examples/triage/triage.mts');
    const { task, backward, optimizer } = (await import(
      `${example}/models.mts`
    )) as typeof import('../../examples/triage/models.mts');
    if (typeof triage !== 'object' || !('create' in triage) || !triage.load)
      throw new Error('unexpected export');
    const result = await train({
      program: triage.create({ model: task }),
      data: await triage.load(),
      models: { backward, optimizer },
      method: 'gdpo',
      methodConfig: { steps: 2 },
    });
    expect(result.final.val).toBeGreaterThan(result.initial?.val ?? 1);
  }, 120_000);

  it('a module model that cannot be used is one line naming the spec', async () => {
    const notAModel = join(dir, 'not-a-model.mts');
    writeFileSync(notAModel, 'export const task = { hello: 1 };\n');
    const base = [
      'train',
      '--program',
      `${example}/triage.mts#triage`,
      '--cache',
      'off',
      '--out',
      join(dir, 'x.json'),
    ];
    const missing = await autodiff([...base, '--optimizer-model', `module:${example}/models.mts#nope`]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toMatch(/models\.mts has no export "nope"; it exports task, backward, optimizer/);
    const wrong = await autodiff([...base, '--task-model', `module:${notAModel}#task`]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/export "task" is not a ChatModel/);
    expect(wrong.err).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('the simulated-judge note appears only when the program really calls the simulated task model', async () => {
    const own = fileURLToPath(new URL('../../testing/fixtures/own-rules.mts', import.meta.url));
    const quiet = ['--steps', '0', '--cache', 'off', '--quiet'];
    const NOTE = /note: the task model is simulated/;
    const ownRun = await autodiff([
      'train',
      '--program',
      `${own}#ownRules`,
      ...quiet,
      '--out',
      join(dir, 'own.json'),
    ]);
    expect(ownRun.code).toBe(0);
    expect(ownRun.out).not.toMatch(NOTE);
    // The program's own rule model is unmanaged, yet its calls reach the run's usage as local task calls.
    const ownUsage = JSON.parse(readFileSync(join(dir, 'own.json'), 'utf8')) as {
      usageByRole: Record<string, RoleUsage>;
    };
    expect(ownUsage.usageByRole.task).toMatchObject({ calls: 8, localCalls: 8, promptTokens: 0 });
    const simRun = await autodiff([
      'train',
      '--program',
      `${example}/triage.mts#triage`,
      ...quiet,
      '--out',
      join(dir, 'sim.json'),
    ]);
    expect(simRun.out).toMatch(NOTE);
  }, 120_000);
});
