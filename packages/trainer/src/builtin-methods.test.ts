import { describe, expect, it } from 'vitest';
import { methodByName } from './builtin-methods';
import type { MethodFactory } from './method';
import { MethodRegistry, UnknownMethodError } from './registry';

const fakeTextgrad = {
  name: 'textgrad',
  description: 'fake',
  tunes: ['prompt'],
  resolveConfig: () => ({}),
  create: () => {
    throw new Error('not used');
  },
} as unknown as MethodFactory;

describe('methods by name without a side-effect import', () => {
  it('imports a built-in method from its package the first time its name is asked for', async () => {
    const registry = new MethodRegistry();
    const asked: string[] = [];
    const factory = await methodByName('textgrad', registry, async (pkg) => {
      asked.push(pkg);
      return { textgradFactory: fakeTextgrad };
    });
    expect(factory).toBe(fakeTextgrad);
    expect(asked).toEqual(['@llm-autodiff/baselines']);
    // Registered now: asked again, no import.
    await methodByName('textgrad', registry, async () => {
      throw new Error('imported twice');
    });
    expect(registry.has('textgrad')).toBe(true);
  });

  it('a built-in whose package is missing names the package and the factory to pass instead', async () => {
    const missing = methodByName('gepa', new MethodRegistry(), async () => {
      throw new Error('Cannot find package');
    });
    await expect(missing).rejects.toThrow(UnknownMethodError);
    await expect(missing).rejects.toThrow(
      'method "gepa" ships in @llm-autodiff/baselines, which cannot be found: install it (npm install @llm-autodiff/baselines), or pass the factory: train({ method: gepaFactory })',
    );
  });

  it('an unknown name lists the registered methods', async () => {
    await expect(methodByName('nope', new MethodRegistry())).rejects.toThrow(/unknown method "nope"/);
  });
});
