#!/usr/bin/env node
// Launcher. Installed from a tarball, the package holds the compiled CLI (dist/). Inside the monorepo
// (src/ present) it runs the TypeScript sources through tsx, resolving the workspace packages to their
// sources via the `autodiff-source` export condition, so no build step is needed there.
import { existsSync } from 'node:fs';
import { register } from 'node:module';

const source = new URL('../src/cli.ts', import.meta.url);
let cli;
if (existsSync(source)) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  const addCondition =
    'export const resolve = (s, c, next) => next(s, { ...c, conditions: [...c.conditions, "autodiff-source"] });';
  register(`data:text/javascript,${encodeURIComponent(addCondition)}`);
  cli = await import(source.href);
} else {
  cli = await import('../dist/cli.js');
}
process.exitCode = await cli.main(process.argv.slice(2));
