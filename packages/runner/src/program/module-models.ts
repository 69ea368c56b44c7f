/**
 * Models from the user's own module: `module:<file>#<export>` as any role's model spec (e.g.
 * `--optimizer-model module:./mine/models.ts#optimizer`), so a custom program can be trained end to end
 * offline with a rule or scripted model that knows its task. The export is a `ChatModel` (e.g. llm's
 * `ruleModel`/`ScriptedModel`) or a function returning one. Loaded once before the run (imports are
 * async, model creation is not), then served by the `module` provider.
 */
import { type ChatModel, parseModelSpec, registerProvider } from '@llm-autodiff/llm';
import { importUserExport, ProgramModuleError, parseProgramRef } from './program-module';

export const MODULE_PROVIDER = 'module';

const loaded = new Map<string, ChatModel>();
let registered = false;

const isChatModel = (x: unknown): x is ChatModel =>
  typeof x === 'object' && x !== null && typeof (x as ChatModel).complete === 'function';

/** Imports every `module:` spec among `specs` (others are left alone) and makes them creatable by spec. */
export async function loadModuleModels(
  specs: ReadonlyArray<string | undefined>,
  cwd = process.cwd(),
): Promise<void> {
  for (const spec of specs) {
    if (!spec?.startsWith(`${MODULE_PROVIDER}:`)) continue;
    const { model: ref } = parseModelSpec(spec);
    const { file, exportName } = parseProgramRef(ref);
    const flag = `model ${spec}`;
    const value = await importUserExport(file, exportName, flag, cwd);
    const model =
      typeof value === 'function' && !isChatModel(value) ? await (value as () => unknown)() : value;
    if (!isChatModel(model))
      throw new ProgramModuleError(
        `${flag}: export "${exportName}" is not a ChatModel (an object with complete(request)), nor a function returning one`,
      );
    loaded.set(ref, model);
  }
  if (!registered) {
    registerProvider(MODULE_PROVIDER, (spec) => {
      const model = loaded.get(spec.model);
      if (!model)
        throw new ProgramModuleError(
          `model module:${spec.model} was not loaded (module models load before the run starts)`,
        );
      return model;
    });
    registered = true;
  }
}
