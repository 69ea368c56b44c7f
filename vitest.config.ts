import { fileURLToPath } from 'node:url';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages', import.meta.url));
// Workspace packages export their TypeScript sources under this condition (dist/ is for the published
// tarballs), so tests never need a build. Child processes (`node --import tsx …`) get it through NODE_OPTIONS.
const SOURCE_CONDITION = 'autodiff-source';
const conditions = [SOURCE_CONDITION, ...defaultServerConditions];

export default defineConfig({
  resolve: {
    conditions,
    // Cross-package tests under tests/ import every package by name; inside packages pnpm links them anyway.
    alias: [{ find: /^@llm-autodiff\/([a-z]+)$/, replacement: `${packages}/$1/src/index.ts` }],
  },
  ssr: { resolve: { conditions, externalConditions: [SOURCE_CONDITION] } },
  test: {
    env: { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --conditions=${SOURCE_CONDITION}`.trim() },
    include: ['packages/*/src/**/*.test.ts', 'tests/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default', './scripts/summary-reporter.ts'],
    pool: 'forks',
    maxWorkers: 2,
  },
});
