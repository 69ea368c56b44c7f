import { BUILTIN_METHODS } from '@llm-autodiff/trainer';
import { describe, expect, it } from 'vitest';
import { methods } from './methods';

describe("the trainer's built-in method table", () => {
  it('names, for every method the CLI ships, the package and export that hold that very factory', async () => {
    const shipped = methods.list().filter((f) => f.name !== 'start');
    expect(shipped.length).toBeGreaterThan(0);
    for (const factory of shipped) {
      const entry = BUILTIN_METHODS[factory.name];
      expect(entry, `BUILTIN_METHODS lacks "${factory.name}"`).toBeDefined();
      const module = (await import(entry!.package)) as Record<string, unknown>;
      expect(module[entry!.factory], `${entry!.package}#${entry!.factory}`).toBe(factory);
    }
    expect(Object.keys(BUILTIN_METHODS).sort()).toEqual(shipped.map((f) => f.name).sort());
  });
});
