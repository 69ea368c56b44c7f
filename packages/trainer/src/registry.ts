/**
 * Methods by name. The runner registers the methods it ships (one line each) and looks `--method` up
 * here; an unknown name is a one-line error listing the known ones.
 */
import { TrainerInputError } from './errors';
import type { MethodFactory } from './method';

export class UnknownMethodError extends TrainerInputError {
  override readonly name = 'UnknownMethodError';
}

export class MethodRegistry {
  private readonly factories = new Map<string, MethodFactory>();

  /** Adds a method; returns a function that removes it again (tests). A name can be registered once. */
  register<C>(factory: MethodFactory<C>): () => void {
    if (!/^[a-z][a-z0-9-]*$/.test(factory.name))
      throw new TrainerInputError(
        `method name "${factory.name}" must be lower-case letters, digits and dashes`,
      );
    if (this.factories.has(factory.name))
      throw new TrainerInputError(`a method named "${factory.name}" is already registered`);
    this.factories.set(factory.name, factory as MethodFactory);
    return () => {
      if (this.factories.get(factory.name) === factory) this.factories.delete(factory.name);
    };
  }

  get(name: string): MethodFactory {
    const factory = this.factories.get(name);
    if (!factory) {
      const known = this.list().map((f) => f.name);
      throw new UnknownMethodError(
        `unknown method "${name}"; known methods: ${known.length ? known.join(', ') : '(none registered)'}`,
      );
    }
    return factory;
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  /** Registered methods, sorted by name. */
  list(): MethodFactory[] {
    return [...this.factories.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** The process-wide registry `train({ method: 'name' })` and the runner use. */
export const methods = new MethodRegistry();

export const registerMethod = <C>(factory: MethodFactory<C>): (() => void) => methods.register(factory);
export const getMethod = (name: string): MethodFactory => methods.get(name);
export const listMethods = (): MethodFactory[] => methods.list();
