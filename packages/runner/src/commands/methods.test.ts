import { configFields, defineMethod, onePhase, refused, setsField, z } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { main } from '../cli';
import { methods } from '../methods';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Help text with its line wrapping undone, to find a sentence that was wrapped. */
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('autodiff methods', () => {
  it("states every field of every registered method's config schema: values, default and description", async () => {
    const all = methods.list();
    expect(all.map((m) => m.name)).toEqual(expect.arrayContaining(['gdpo', 'textgrad', 'gepa']));
    for (const m of all) {
      const r = await run(['methods', m.name]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`^${m.name}: `, 'm'));
      for (const line of r.out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
      const text = flat(r.out);
      for (const f of configFields(m.configSchema)) {
        expect(f.description, `${m.name}'s field "${f.name}" has no .describe() text`).toBeTruthy();
        expect(r.out).toMatch(new RegExp(`^  ${f.name.replace('.', '\\.')}  `, 'm'));
        const facts = [f.type, f.default !== undefined ? `default ${f.default}` : undefined];
        expect(text).toContain(`${f.name} ${facts.filter(Boolean).join(', ')}`);
        expect(text).toContain(flat(f.description ?? ''));
      }
    }
    const gdpo = flat((await run(['methods', 'gdpo'])).out);
    expect(gdpo).toContain('strategy constrained | random, default "constrained"');
    expect(gdpo).toContain('skipThreshold number 0..1, default 0.9');
    expect(gdpo).toContain('demos.steps integer ≥ 0, default 0');
  });

  it('lists a newly registered method from its schema alone, and refuses an unknown name in one line', async () => {
    const toy = defineMethod({
      name: 'toy-help',
      description: 'a toy',
      tunes: [],
      configSchema: z
        .object({ rounds: z.number().int().min(1).default(3).describe('rounds of the toy') })
        .strict(),
      flags: { steps: setsField('rounds'), batch: refused('no batches') },
      costModel: { phaseOf: onePhase, drivers: () => ({}), steps: () => 0 },
      create: () => [],
    });
    const unregister = methods.register(toy);
    try {
      const all = await run(['methods']);
      expect(all.code).toBe(0);
      expect(flat(all.out)).toContain(
        'toy-help: a toy (tunes nothing) --steps N sets rounds; --batch: refused (no batches) rounds integer ≥ 1, default 3 rounds of the toy',
      );
      expect(flat(all.out)).toMatch(/gdpo: [\s\S]*textgrad: /);
    } finally {
      unregister();
    }
    const bad = await run(['methods', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^autodiff methods: unknown method "nope"; known methods: .*gdpo/);
    expect(bad.err.split('\n')).toHaveLength(1);
  });

  it("train --help points at the methods' config fields", async () => {
    const r = await run(['train', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/config fields \(--method-config\).*autodiff methods \[name\]/);
    const own = await run(['methods', '--help']);
    expect(own.code).toBe(0);
    expect(own.out).toMatch(/Usage: autodiff methods \[options\] \[name\]/);
  });
});
