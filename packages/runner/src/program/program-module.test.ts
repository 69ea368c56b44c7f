import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScriptedModel } from '@llm-autodiff/llm';
import { describe, expect, it } from 'vitest';
import { loadProgramModule, ProgramModuleError } from './program-module';

const fixture = fileURLToPath(new URL('../../testing/fixtures/count-program.ts', import.meta.url));

describe('program modules', () => {
  it('loads a TypeScript factory export and a { create, load } export', async () => {
    const model = ScriptedModel.fn(() => 'a, b');
    const factory = await loadProgramModule(`${fixture}#countProgram`);
    const program = factory.create({ model });
    expect(program.name).toBe('count-items');
    const row = { id: 'r', items: 'a, b', count: 2 };
    expect(program.evalScore(row, await program.predict(row))).toBe(1);
    const withData = await loadProgramModule(`${fixture}#withData`);
    expect((await withData.load?.())?.train).toHaveLength(4);
  });

  it('gives one-line errors for a missing file, a missing export and a non-program', async () => {
    await expect(loadProgramModule('nope.ts#x')).rejects.toThrow(/no such file .*nope\.ts/);
    await expect(loadProgramModule(`${fixture}#missing`)).rejects.toThrow(
      /has no export "missing"; it exports .*countProgram/,
    );
    await expect(loadProgramModule(`${fixture}#notAProgram`)).rejects.toThrow(ProgramModuleError);
    await expect(loadProgramModule(`${fixture}#`)).rejects.toThrow(/expected <file>#<export>/);
  });

  it('refuses a TypeScript file that would load as CommonJS, saying how to make it a module', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'program-cjs-'));
    try {
      writeFileSync(join(dir, 'package.json'), '{"name":"mine"}');
      copyFileSync(fixture, join(dir, 'p.ts'));
      copyFileSync(fixture, join(dir, 'p.cts'));
      await expect(loadProgramModule('p.ts#countProgram', dir)).rejects.toThrow(
        /p\.ts would load as CommonJS \(no "type": "module" in the nearest package\.json\); .*rename it to \.mts/,
      );
      await expect(loadProgramModule('p.cts#countProgram', dir)).rejects.toThrow(/a \.cts file/);
      // The same file as .mts is a module wherever it is.
      copyFileSync(fixture, join(dir, 'p.mts'));
      expect((await loadProgramModule('p.mts#countProgram', dir)).ref).toBe('p.mts#countProgram');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
