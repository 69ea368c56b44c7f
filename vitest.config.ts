import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { configDefaults, defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages', import.meta.url));
// Workspace packages export their TypeScript sources under this condition (dist/ is for the published
// tarballs), so tests never need a build. Child processes (`node --import tsx …`) get it through NODE_OPTIONS.
const SOURCE_CONDITION = 'autodiff-source';
const conditions = [SOURCE_CONDITION, ...defaultServerConditions];

const INCLUDE = [
  'packages/*/src/**/*.test.ts',
  'tests/**/*.test.ts',
  'scripts/**/*.test.ts',
  'benchmarks/**/*.test.ts',
];
/**
 * End-to-end cases that run whole CLI processes or pack and install the packages: minutes of work whose
 * wall-clock depends on the machine's load. Their own lane (`pnpm test:slow`; `pnpm test` runs both
 * lanes, so CI does) has a timeout far above the work, instead of fixed per-test limits that fail on a
 * busy machine.
 */
const SLOW_LANE = ['tests/packed.test.ts', 'packages/runner/src/train/interrupt.test.ts'];
const SLOW_TIMEOUT_MS = 30 * 60_000;

export default defineConfig({
  resolve: {
    conditions,
    // Cross-package tests under tests/ import every package by name; inside packages pnpm links them anyway.
    alias: [{ find: /^@llm-autodiff\/([a-z]+)$/, replacement: `${packages}/$1/src/index.ts` }],
  },
  ssr: { resolve: { conditions, externalConditions: [SOURCE_CONDITION] } },
  test: {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE_CONDITION}`.trim() },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: INCLUDE, exclude: [...configDefaults.exclude, ...SLOW_LANE] },
      },
      {
        extends: true,
        test: {
          name: 'slow',
          include: SLOW_LANE,
          testTimeout: SLOW_TIMEOUT_MS,
          hookTimeout: SLOW_TIMEOUT_MS,
        },
      },
    ],
    reporters: ['default', './scripts/summary-reporter.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
