#!/usr/bin/env node
// Launcher. It runs the compiled CLI (dist/, emitted by `pnpm build`; the only form a packed tarball has):
// plain JavaScript, so `autodiff --help` starts in about the time of Node itself. Inside the monorepo it
// first checks that no workspace package's build is missing or older than its sources; if one is, it says
// so in one line (with how to rebuild) and runs the TypeScript sources through tsx instead, resolving the
// workspace packages to their sources. The tests ask for the sources outright (the `autodiff-source`
// condition in NODE_OPTIONS), so they never need a build.
import { existsSync } from 'node:fs';
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { staleBuild, staleBuildNotice } from './stale-build.mjs';

const dist = new URL('../dist/cli.js', import.meta.url);
const source = new URL('../src/cli.ts', import.meta.url);
const packages = fileURLToPath(new URL('../../', import.meta.url));

const wantsSources = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.includes(
  'autodiff-source',
);
let useSources = false;
if (existsSync(source)) {
  useSources = wantsSources;
  const stale = useSources ? undefined : staleBuild(packages);
  if (stale) {
    process.stderr.write(`${staleBuildNotice(stale)}\n`);
    useSources = true;
  }
}

// A reader that stops early (`autodiff --help | head`) ends the output, as SIGPIPE would: no stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
}

let cli;
if (useSources) {
  const { register: registerTsx } = await import('tsx/esm/api');
  registerTsx();
  const addCondition =
    'export const resolve = (s, c, next) => next(s, { ...c, conditions: [...c.conditions, "autodiff-source"] });';
  register(`data:text/javascript,${encodeURIComponent(addCondition)}`);
  cli = await import(source.href);
} else {
  cli = await import(dist.href);
}
process.exitCode = await cli.main(process.argv.slice(2));
