#!/usr/bin/env node
// Launcher: runs the TypeScript CLI through tsx (no build step in this monorepo).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli.ts');
process.exitCode = await main(process.argv.slice(2));
