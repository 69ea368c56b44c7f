/**
 * The packages as a user outside the monorepo gets them: `pnpm pack` each (dist/ emitted by prepack),
 * install the tarballs with npm into a fresh project under the OS temp directory, and there run the README's
 * "Your own workflow" walkthrough with plain node (compiled from the README's TypeScript block, after
 * type-checking it against the installed declarations), and the installed `autodiff` CLI on a program of
 * the user's own (`train --program` with a budget, then `--resume`).
 */
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { findDataDir } from '@llm-autodiff/sim';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { packPackages, REPO, workspacePackages } from '../scripts/pack';
import { checkWalkthroughOutput, walkthroughSource } from './walkthrough';

const run = promisify(execFile);
const dataDir = findDataDir();
const dir = mkdtempSync(join(tmpdir(), 'autodiff-packed-'));
const project = join(dir, 'project');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// The sim reads the datasets from the repository's sibling folder by default; outside, say where.
const env = { ...process.env, NODE_OPTIONS: '', ...(dataDir ? { AUTODIFF_DATA_DIR: dataDir } : {}) };

let installError: string | undefined;
beforeAll(async () => {
  const tarballs = await packPackages(workspacePackages(), join(dir, 'packs'));
  const deps = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  // overrides: the packages' own dependencies on each other resolve to the tarballs too, not a registry.
  const manifest = {
    name: 'walkthrough',
    private: true,
    type: 'module',
    dependencies: deps,
    overrides: deps,
  };
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest, null, 2));
  try {
    // --ignore-scripts: better-sqlite3's native build is not needed (nothing here opens a cache).
    // --engine-strict: every package's `engines` (and its dependencies') must accept this Node, the one
    // the README names (a dependency needing a newer Node fails the install here, as it would for users).
    await run(
      'npm',
      ['install', '--engine-strict', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
      { cwd: project, timeout: 20 * 60_000 },
    );
  } catch (e) {
    installError = `npm install of the packed tarballs failed (no registry access?): ${(e as Error).message}`;
  }
});

it('packed tarballs install outside the workspace and run the README walkthrough with plain node', async (ctx) => {
  if (installError) ctx.skip(installError);

  const source = walkthroughSource();
  writeFileSync(join(project, 'walkthrough.ts'), source);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        typeRoots: [join(REPO, 'node_modules', '@types')],
        types: ['node'],
      },
      files: ['walkthrough.ts'],
    }),
  );
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const typecheck = await run(process.execPath, [tsc, '-p', project], { cwd: project }).catch(
    (e: { stdout?: string }) => ({ stdout: e.stdout ?? String(e) }),
  );
  expect(typecheck.stdout).toBe('');

  const js = ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  }).outputText;
  writeFileSync(join(project, 'walkthrough.mjs'), js);
  const { stdout } = await run(process.execPath, ['walkthrough.mjs'], {
    cwd: project,
    env,
    timeout: 10 * 60_000,
  });
  checkWalkthroughOutput(stdout);
});

it('every published package loads with import and with require, and carries the MIT license', async (ctx) => {
  if (installError) ctx.skip(installError);
  for (const name of workspacePackages()) {
    const pkg = `@llm-autodiff/${name}`;
    const dirOf = join(project, 'node_modules', '@llm-autodiff', name);
    const manifest = JSON.parse(readFileSync(join(dirOf, 'package.json'), 'utf8')) as { license?: string };
    expect(manifest.license, pkg).toBe('MIT');
    expect(readFileSync(join(dirOf, 'LICENSE'), 'utf8'), pkg).toMatch(/^MIT License/);
    for (const how of [`await import('${pkg}')`, `require('${pkg}')`]) {
      const script = `const m = ${how}; console.log(Object.keys(m).length)`;
      const loaded = await run(
        process.execPath,
        how.startsWith('require') ? ['-e', script] : ['--input-type=module', '-e', script],
        { cwd: project, env, timeout: 5 * 60_000 },
      ).catch((e: { stderr?: string }) => ({ stdout: '', stderr: e.stderr ?? String(e) }));
      expect(loaded.stderr, `${how}`).not.toMatch(/Error/);
      expect(Number(loaded.stdout.trim()), `${how} exports something`).toBeGreaterThan(0);
    }
  }
});

it("train({ method: 'textgrad' }) works from a fresh project without importing the method's package", async (ctx) => {
  if (installError) ctx.skip(installError);
  const script = `
import { defineProgram, exactMatch, generator } from '@llm-autodiff/core';
import { ScriptedModel, TAGS } from '@llm-autodiff/llm';
import { train } from '@llm-autodiff/trainer';
const task = ScriptedModel.fn(({ messages }) => (/outage/i.test(messages[0].content) && /down/.test(messages[1].content) ? 'Urgency: high' : 'Urgency: low'));
const critic = ScriptedModel.fn(() => 'Say that messages about a service that is down are an outage: high urgency.');
const editor = ScriptedModel.fn(() => '<' + TAGS.optimizer.answer.value + '>Give the urgency. An outage (a service that is down) is high urgency.</' + TAGS.optimizer.answer.value + '>');
const classify = generator({ signature: 'message -> urgency: low | high', model: task });
const program = defineProgram({ forward: (t) => classify(t), metric: exactMatch('urgency') });
const rows = ['site is down', 'api is down', 'hello', 'thanks', 'login down', 'how do I pay'].map((message, i) => ({ id: String(i), message, urgency: /down/.test(message) ? 'high' : 'low' }));
const result = await train({ program, data: { train: rows, val: rows, test: rows }, models: { backward: critic, optimizer: editor }, method: 'textgrad', methodConfig: { epochs: 1, stepsPerEpoch: 1, batchSize: 3 } });
console.log(JSON.stringify({ method: result.method, initial: result.initial.val, final: result.final.val }));
`;
  writeFileSync(join(project, 'by-name.mjs'), script);
  const { stdout } = await run(process.execPath, ['by-name.mjs'], { cwd: project, env, timeout: 5 * 60_000 });
  const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    method: string;
    initial: number;
    final: number;
  };
  expect(out.method).toBe('textgrad');
  expect(out.final).toBeGreaterThan(out.initial);
});

/** The installed CLI, as `npx autodiff` runs it; resolves with the exit code instead of throwing. */
async function autodiff(args: string[], cwd = project): Promise<{ code: number; out: string; err: string }> {
  const bin = join(project, 'node_modules', '@llm-autodiff', 'runner', 'bin', 'autodiff.mjs');
  return run(process.execPath, [bin, ...args], { cwd, env, timeout: 10 * 60_000 }).then(
    (r) => ({ code: 0, out: r.stdout, err: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({
      code: typeof e.code === 'number' ? e.code : -1,
      out: e.stdout ?? '',
      err: e.stderr ?? String(e),
    }),
  );
}

it('the installed autodiff CLI trains a TypeScript program of your own, with a budget and a resume', async (ctx) => {
  if (installError) ctx.skip(installError);
  if (!dataDir) ctx.skip('the simulated task model needs the datasets (AUTODIFF_DATA_DIR)');
  const fixture = join(REPO, 'packages/runner/testing/fixtures/count-program.ts');
  copyFileSync(fixture, join(project, 'count-program.mts'));
  const common = ['train', '--program', 'count-program.mts#withData', '--steps', '2', '--cache', 'off'];
  const out = ['--out', 'count.json', '--quiet'];

  const stopped = await autodiff([...common, ...out, '--budget', 'total.calls=12']);
  expect(stopped.err).toMatch(/stopped early \(budget reached/);
  expect(stopped.code).toBe(3);
  expect(existsSync(join(project, 'count.ckpt.json'))).toBe(true);
  const resumed = await autodiff([...common, ...out, '--budget', 'total.calls=400', '--resume']);
  expect(resumed.err).toBe('');
  expect(resumed.code).toBe(0);
  const result = JSON.parse(readFileSync(join(project, 'count.json'), 'utf8')) as {
    result: { partial: boolean; steps: unknown[] };
  };
  expect(result.result.partial).toBe(false);

  // The experiment presets and the measured step counts ship with the package.
  const plan = await autodiff(['repro', 'quick', '--dry-run']);
  expect(plan.err).toBe('');
  expect(plan.out).toMatch(/^ {2}total +\d+ +\d+/m);

  // Models of the user's own module: the shipped triage example improves with no network and no sim.
  const triage = join(project, 'node_modules', '@llm-autodiff', 'runner', 'examples', 'triage');
  const own = await autodiff([
    'train',
    '--program',
    `${triage}/triage.mts#triage`,
    ...['--task-model', `module:${triage}/models.mts#task`],
    ...['--backward-model', `module:${triage}/models.mts#backward`],
    ...['--optimizer-model', `module:${triage}/models.mts#optimizer`],
    ...['--steps', '2', '--cache', 'off', '--out', 'triage.json', '--quiet'],
  ]);
  expect(own.err).toBe('');
  expect(own.code).toBe(0);
  const triaged = JSON.parse(readFileSync(join(project, 'triage.json'), 'utf8')) as {
    result: { initial: { val: number }; final: { val: number } };
  };
  expect(triaged.result.final.val).toBeGreaterThan(triaged.result.initial.val);

  // A .ts file in a CommonJS package cannot import the ES-module packages: one line saying what to do.
  const cjs = join(project, 'cjs');
  mkdirSync(cjs);
  writeFileSync(join(cjs, 'package.json'), '{}');
  copyFileSync(fixture, join(cjs, 'count-program.ts'));
  const refused = await autodiff(['train', '--program', 'count-program.ts#withData', '--cache', 'off'], cjs);
  expect(refused.code).toBe(2);
  expect(refused.err).toMatch(/would load as CommonJS .*rename it to \.mts, or add "type": "module"/);
});
